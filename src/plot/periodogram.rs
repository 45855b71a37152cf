//! A periodogram chart: power against period (log axis), with the best period and its double
//! marked (an eclipsing binary's strongest peak is often at half its orbital period).

use std::path::Path;

use plotters::prelude::*;

use super::{register_fonts, PlotError, FONT};

/// Draws `power` against `periods` (days, any order) into a PNG at `path` (atomically; its
/// name must end in `.png`), with vertical lines at `best_period` (red) and twice it (green)
/// when it is given and inside the axis.
///
/// ```no_run
/// let periods = [0.5, 1.0, 2.0, 4.0];
/// let power = [0.1, 0.9, 0.3, 0.2];
/// calnet::plot::periodogram::periodogram("gls.png".as_ref(), "TIC 1", &periods, &power, Some(1.0))?;
/// # Ok::<(), calnet::plot::PlotError>(())
/// ```
pub fn periodogram(
    path: &Path,
    title: &str,
    periods: &[f64],
    power: &[f64],
    best_period: Option<f64>,
) -> Result<(), PlotError> {
    register_fonts();
    // The encoder picks the format by the extension, and the temporary file's random suffix
    // would stand for a missing one.
    let reason = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => None,
        Some(e) => Some(format!(
            "the picture is a PNG: its name must end in .png, not .{e}"
        )),
        None => Some("the picture is a PNG: its name must end in .png".to_string()),
    };
    if let Some(reason) = reason {
        return Err(PlotError::new(path, reason));
    }
    let out = tess_io::AtomicFile::create(path).map_err(|e| PlotError::new(path, e))?;
    draw(out.temp_path(), title, periods, power, best_period)
        .map_err(|e| PlotError::new(path, e))?;
    out.commit().map_err(|e| PlotError::new(path, e))
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(path: &Path, title: &str, periods: &[f64], power: &[f64], best: Option<f64>) -> DrawResult {
    let finite = |v: &f64| v.is_finite();
    let p_lo = periods
        .iter()
        .copied()
        .filter(finite)
        .fold(f64::INFINITY, f64::min);
    let p_hi = periods.iter().copied().filter(finite).fold(0.0, f64::max);
    let y_hi = power.iter().copied().filter(finite).fold(0.0, f64::max);
    if !(p_lo > 0.0 && p_hi > p_lo) {
        return Err("need at least two distinct positive periods".into());
    }
    let y_hi = if y_hi > 0.0 { 1.05 * y_hi } else { 1.0 };
    let root = BitMapBackend::new(path, (1000, 450)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = match best {
        Some(p) => format!("{title}: best period {p:.5} d (red), twice it (green)"),
        None => title.to_string(),
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(24)
        .caption(caption, (FONT, 18))
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d((p_lo..p_hi).log_scale(), 0f64..y_hi)?;
    chart
        .configure_mesh()
        .x_desc("period (days)")
        .y_desc("power")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .light_line_style(WHITE)
        .draw()?;
    if let Some(p) = best {
        for (x, colour) in [(p, RED), (2.0 * p, GREEN)] {
            if x >= p_lo && x <= p_hi {
                chart.draw_series(LineSeries::new(
                    [(x, 0.0), (x, y_hi)],
                    colour.stroke_width(2),
                ))?;
            }
        }
    }
    let mut pts: Vec<(f64, f64)> = periods
        .iter()
        .zip(power)
        .filter(|(p, v)| p.is_finite() && v.is_finite())
        .map(|(&p, &v)| (p, v))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    chart.draw_series(LineSeries::new(pts, BLACK.stroke_width(1)))?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that fails (a full disk: Linux's /dev/full) reads as words, not plotters'
    /// `backend error: Drawing backend error: ImageError(IoError(Os { .. }))`.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_told_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("full.png");
        std::os::unix::fs::symlink("/dev/full", &full).unwrap();
        let periods = [0.5, 1.0, 2.0, 4.0];
        let power = [0.1, 0.9, 0.3, 0.2];
        register_fonts();
        let e = draw(&full, "TIC 1", &periods, &power, Some(1.0)).unwrap_err();
        let e = PlotError::new(&full, e);
        assert!(e.reason.contains("No space left on device"), "{e}");
        assert!(!e.to_string().contains("Error("), "{e}");
        assert!(e
            .to_string()
            .starts_with(&format!("{}: cannot draw: ", full.display())));
    }
}
