//! Training pictures (feature `plots`): `curves.png` (loss and accuracy per epoch, training against validation)
//! and `confusion.png` (the confusion matrix as in the CALNet paper's figure: a blue heat map
//! of counts with the share of each true class in every cell).

use std::path::Path;

use calnet::plot::plotters::prelude::*;
use calnet::plot::{register_fonts, PlotError, FONT};

use crate::{Confusion, EpochRecord};

const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(255, 127, 14);

/// Draws loss (left) and accuracy (right) per epoch, training and validation, into a PNG.
///
/// ```no_run
/// # let history: Vec<calnet_train::EpochRecord> = Vec::new();
/// calnet_train::plots::curves("run/curves.png".as_ref(), &history)?;
/// # Ok::<(), calnet::plot::PlotError>(())
/// ```
pub fn curves(path: &Path, history: &[EpochRecord]) -> Result<(), PlotError> {
    register_fonts();
    draw_curves(path, history).map_err(|e| PlotError::new(path, e))
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw_curves(path: &Path, history: &[EpochRecord]) -> DrawResult {
    let root = BitMapBackend::new(path, (1200, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 2));
    let n = history.len().max(1) as f64;
    type Pick = fn(&crate::Metrics) -> Option<f64>;
    let loss: Pick = |m| m.loss;
    let acc: Pick = |m| Some(m.accuracy);
    for (area, (title, pick)) in panels.iter().zip([("Loss", loss), ("Accuracy", acc)]) {
        let train: Vec<(f64, f64)> = history
            .iter()
            .filter_map(|r| pick(&r.train).map(|v| (r.epoch as f64, v)))
            .collect();
        let val: Vec<(f64, f64)> = history
            .iter()
            .filter_map(|r| r.val.as_ref().and_then(pick).map(|v| (r.epoch as f64, v)))
            .collect();
        let all = train.iter().chain(&val).map(|p| p.1);
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let pad = ((hi - lo) * 0.08).max(1e-3);
        let mut chart = ChartBuilder::on(area)
            .caption(title, (FONT, 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.5..n + 0.5, (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .x_desc("Epoch")
            .x_labels((n as usize + 2).min(16))
            .x_label_formatter(&|x| match x.fract() == 0.0 {
                true => format!("{x:.0}"),
                false => String::new(),
            })
            .y_desc(title)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        for (points, color, name) in [(&train, BLUE, "training"), (&val, ORANGE, "validation")] {
            if points.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()?;
    }
    root.present()?;
    Ok(())
}

/// Draws a 2 x 2 confusion matrix (rows: true class, columns: predicted class; "non-EB" then
/// "EB"), each cell shaded by its share of the true class and labelled with its count and share.
///
/// ```no_run
/// let c = calnet_train::Confusion { tp: 95, fp: 2, tn: 98, fn_: 5 };
/// calnet_train::plots::confusion("confusion.png".as_ref(), &c, "Validation")?;
/// # Ok::<(), calnet::plot::PlotError>(())
/// ```
pub fn confusion(path: &Path, c: &Confusion, title: &str) -> Result<(), PlotError> {
    register_fonts();
    draw_confusion(path, c, title).map_err(|e| PlotError::new(path, e))
}

fn draw_confusion(path: &Path, c: &Confusion, title: &str) -> DrawResult {
    let root = BitMapBackend::new(path, (620, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 22))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..2.0, 0.0..2.0)?;
    let names = ["non-EB", "EB"];
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(2)
        .y_labels(2)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .x_desc("Predicted label")
        .y_desc("True label")
        .axis_desc_style((FONT, 18))
        .draw()?;
    // cells[true][pred]
    let cells = [[c.tn, c.fp], [c.fn_, c.tp]];
    let style = (FONT, 22).into_font();
    for (t, row) in cells.iter().enumerate() {
        let total = (row[0] + row[1]).max(1) as f64;
        for (p, &count) in row.iter().enumerate() {
            let share = count as f64 / total;
            // matplotlib's "Blues": white to dark blue with the share.
            let shade = |lo: f64, hi: f64| (lo + (hi - lo) * share) as u8;
            let fill = RGBColor(shade(247.0, 8.0), shade(251.0, 48.0), shade(255.0, 107.0));
            // True "EB" on the bottom row, as in the paper's figure (chart y grows upwards).
            let y0 = 1.0 - t as f64;
            let x0 = p as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, y0), (x0 + 1.0, y0 + 1.0)],
                fill.filled(),
            )))?;
            let color = if share > 0.5 { WHITE } else { BLACK };
            let text = format!("{count}");
            let pct = format!("{:.1}%", 100.0 * share);
            chart.draw_series(std::iter::once(Text::new(
                text,
                (x0 + 0.42, y0 + 0.58),
                style.clone().color(&color),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                pct,
                (x0 + 0.40, y0 + 0.40),
                (FONT, 16).into_font().color(&color),
            )))?;
        }
    }
    // Class names beside the axes (drawn as text so that they sit at the cell centres).
    let area = chart.plotting_area();
    let (px, py) = area.get_pixel_range();
    let (w, h) = ((px.end - px.start) as f64, (py.end - py.start) as f64);
    for (k, name) in names.iter().enumerate() {
        let x = px.start + (w * (k as f64 + 0.5) / 2.0) as i32 - 25;
        root.draw_text(name, &(FONT, 16).into_font().color(&BLACK), (x, py.end + 8))?;
        // Pixel rows grow downwards: the true non-EB row is the upper one.
        let y = py.start + (h * (k as f64 + 0.5) / 2.0) as i32 - 8;
        root.draw_text(
            name,
            &(FONT, 16).into_font().color(&BLACK),
            (px.start - 70, y),
        )?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Metrics;

    fn png_size(path: &Path) -> usize {
        // A blank 1200x500 PNG compresses to a few hundred bytes; drawn text and lines do not.
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
        bytes.len()
    }

    #[test]
    fn pictures_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let m = |loss: f64, acc: f64| {
            let mut m = Metrics::from_confusion(
                Confusion {
                    tp: 5,
                    fp: 1,
                    tn: 4,
                    fn_: 0,
                },
                Some(loss),
            );
            m.accuracy = acc;
            m
        };
        let history: Vec<EpochRecord> = (1..=4)
            .map(|e| EpochRecord {
                epoch: e,
                train: m(1.0 / e as f64, 0.6 + 0.05 * e as f64),
                val: Some(m(1.1 / e as f64, 0.55 + 0.05 * e as f64)),
                seconds: 1.0,
                train_segments_per_s: 10.0,
                lr: 1e-3,
                val_recall_at_precision: None,
            })
            .collect();
        let p = dir.path().join("curves.png");
        curves(&p, &history).unwrap();
        assert!(png_size(&p) > 5000);
        let p = dir.path().join("confusion.png");
        confusion(
            &p,
            &Confusion {
                tp: 90,
                fp: 3,
                tn: 97,
                fn_: 10,
            },
            "Validation",
        )
        .unwrap();
        assert!(png_size(&p) > 5000);
        // An empty history still gives a picture (axes only).
        curves(&dir.path().join("empty.png"), &[]).unwrap();
    }
}
