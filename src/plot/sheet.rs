//! Vetting sheets: one PNG per light curve, to judge a candidate at a glance.
//!
//! Four panels under a title that gives the TIC, sector, product and p_eb, and a line with
//! the file's vetting metrics ([`crate::vet`]: the measured eclipse depths, the secondary's
//! phase, odd-even, shape, harmonics and the flag):
//! 1. the light curve as read (relative flux against BTJD): the points the model saw, the rows
//!    the quality mask dropped, the top-percentile points the clip removed, the points of
//!    segments too short to classify; each segment shaded (yellow above the threshold) and
//!    labelled with its p_eb;
//! 2. the 4000-value model input of the most probable segment;
//! 3. its 1000-value periodogram against period, with the peak and twice the peak marked;
//! 4. its light curve folded at the EB period estimate, the deepest minimum at phase 0, with
//!    the binned median.

use std::path::Path;

use plotters::prelude::*;

use super::{register_fonts, FONT};
use crate::period::{self, PeriodEstimate};
use crate::vet::Vetting;
use lc_prep::{FeatureConfig, Features};
use tess_io::LightCurve;

/// Width and height of a sheet in pixels.
pub const SIZE: (u32, u32) = (1500, 1250);

const BLUE: RGBColor = RGBColor(31, 119, 180);
const RED: RGBColor = RGBColor(214, 39, 40);
const ORANGE: RGBColor = RGBColor(255, 127, 14);
const GREEN: RGBColor = RGBColor(44, 160, 44);
const GREY: RGBColor = RGBColor(160, 160, 160);
const FLAGGED: RGBColor = RGBColor(255, 243, 176);
const UNFLAGGED: RGBColor = RGBColor(238, 238, 238);

/// Everything a sheet shows.
///
/// ```
/// use lc_prep::{FeatureConfig, FeatureExtractor};
/// use calnet::plot::sheet::Sheet;
///
/// let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/fixtures/lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits"))?;
/// let config = FeatureConfig::reference();
/// let features = FeatureExtractor::new(config.clone())?.extract(&lc)?;
/// let grid = gls::FrequencyGrid::calnet();
/// let p_eb = vec![0.9; features.segments.len()]; // as the network would give them
/// let seg = &features.segments[0];
/// let peak = calnet::period::peak_period(grid.periods(), &seg.gls).unwrap();
/// let (t, f): (Vec<f64>, Vec<f64>) = lc.time.iter().zip(&lc.flux)
///     .filter(|(t, f)| **t >= seg.t_start && **t <= seg.t_end && f.is_finite())
///     .map(|(t, f)| (*t, *f as f64))
///     .unzip();
/// let sheet = Sheet {
///     lc: &lc, features: &features, config: &config, p_eb: &p_eb, best: 0,
///     periods: grid.periods(), period: calnet::period::estimate(&t, &f, peak), threshold: 0.5,
///     vetting: None,
/// };
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("TIC199574208_s24.png");
/// sheet.write(&path)?;
/// assert!(std::fs::metadata(&path)?.len() > 10_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    /// The light curve as read.
    pub lc: &'a LightCurve,
    /// Its segments' model inputs.
    pub features: &'a Features,
    /// The configuration that made them (its quality mask and clip percentile).
    pub config: &'a FeatureConfig,
    /// p_eb of each segment of `features.segments`.
    pub p_eb: &'a [f32],
    /// Position in `features.segments` of the segment the lower panels show.
    pub best: usize,
    /// The periods of the periodogram's values, days.
    pub periods: &'a [f64],
    /// The EB period estimate of that segment, if there is one.
    pub period: Option<PeriodEstimate>,
    /// The threshold above which a segment is a candidate.
    pub threshold: f32,
    /// The file's vetting metrics, shown under the title.
    pub vetting: Option<&'a Vetting>,
}

type DrawResult<T> = Result<T, String>;

/// plotters' error in words ([`super::reason`]).
fn err(e: DrawingAreaErrorKind<plotters_bitmap::BitMapBackendError>) -> String {
    format!("drawing failed: {}", super::reason(&e))
}

impl Sheet<'_> {
    /// Draws the sheet into `path` (PNG) atomically: a temporary file in the same folder,
    /// synced, then renamed.
    pub fn write(&self, path: &Path) -> Result<(), crate::pipeline::Error> {
        let io = |source| crate::pipeline::Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let out = tess_io::AtomicFile::create(path).map_err(io)?;
        self.draw(out.temp_path())
            .map_err(|reason| crate::pipeline::Error::Sheet {
                path: path.to_path_buf(),
                reason,
            })?;
        out.commit().map_err(io)
    }

    /// Draws the sheet into a PNG file at `path` (not atomically; see [`Sheet::write`]).
    pub fn draw(&self, path: &Path) -> DrawResult<()> {
        register_fonts();
        let root = BitMapBackend::new(path, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (title, body) = root.split_vertically(108);
        self.title(&title)?;
        let (top, rest) = body.split_vertically(400);
        let (middle, bottom) = rest.split_vertically(390);
        let (input, gls) = middle.split_horizontally(SIZE.0 / 2);
        self.raw(&top)?;
        self.input(&input)?;
        self.periodogram(&gls)?;
        self.fold(&bottom)?;
        root.present().map_err(err)
    }

    fn best_segment(&self) -> Option<&lc_prep::Segment> {
        self.features.segments.get(self.best)
    }

    fn title(
        &self,
        area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    ) -> DrawResult<()> {
        let m = &self.lc.meta;
        let p_max = self.p_eb.iter().copied().fold(f32::NAN, f32::max);
        let verdict = if p_max > self.threshold {
            "EB candidate"
        } else {
            "not a candidate"
        };
        let sector = m.sector.map_or("?".to_string(), |s| s.to_string());
        let mut text = format!(
            "TIC {}   sector {}   {} {:.0} s   p_eb max {:.3} ({verdict})",
            m.tic
                .map_or_else(|| "unknown".to_owned(), |t| t.to_string()),
            sector,
            crate::pipeline::product_name(m.product),
            m.cadence_s,
            p_max
        );
        if let Some(tmag) = m.tmag {
            text.push_str(&format!("   Tmag {tmag:.2}"));
        }
        area.draw_text(&text, &(FONT, 28).into_font().color(&BLACK), (20, 10))
            .map_err(err)?;
        if let Some(v) = self.vetting {
            for (k, line) in metrics_lines(v).iter().enumerate() {
                area.draw_text(
                    line,
                    &(FONT, 19).into_font().color(&BLACK),
                    (20, 50 + 26 * k as i32),
                )
                .map_err(err)?;
            }
        }
        Ok(())
    }

    /// Panel 1: the light curve as read.
    fn raw(&self, area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> DrawResult<()> {
        let lc = self.lc;
        let (keep, _) = lc.quality_keep(self.config.quality);
        let finite: Vec<usize> = (0..lc.time.len())
            .filter(|&i| lc.time[i].is_finite() && lc.flux[i].is_finite())
            .collect();
        let kept_flux: Vec<f64> = finite
            .iter()
            .filter(|&&i| keep[i])
            .map(|&i| lc.flux[i] as f64)
            .collect();
        let scale = flux_scale(&kept_flux);
        let (t_lo, t_hi) = axis_range(min_max(finite.iter().map(|&i| lc.time[i])), 0.0);
        // The y range covers the kept points (robustly), so one wild dropped point does not
        // squash the light curve.
        let (y_lo, y_hi) = axis_range(
            percentile_range(&kept_flux, 0.1, 99.9)
                .map_or((0.9, 1.1), |(a, b)| (a / scale, b / scale)),
            0.08,
        );
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(24)
            .caption(
                "light curve (blue: model input; red: quality-flagged; orange: top-percentile clip; grey: segment too short)",
                (FONT, 18),
            )
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(t_lo..t_hi, y_lo..y_hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("time (BTJD = BJD - 2457000, days)")
            .y_desc("relative flux")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        // Segment spans, shaded, with their p_eb.
        for (k, s) in self.features.segments.iter().enumerate() {
            let p = self.p_eb.get(k).copied().unwrap_or(f32::NAN);
            let fill = if p > self.threshold {
                FLAGGED
            } else {
                UNFLAGGED
            };
            chart
                .draw_series([Rectangle::new(
                    [(s.t_start, y_lo), (s.t_end, y_hi)],
                    fill.filled(),
                )])
                .map_err(err)?;
            chart
                .draw_series([Text::new(
                    format!("segment {}: p_eb {:.3}", s.index, p),
                    (s.t_start, y_hi),
                    (FONT, 16).into_font().color(&BLACK),
                )])
                .map_err(err)?;
        }
        let clip = self.clipped_points();
        let in_short = |t: f64| {
            self.features
                .skipped
                .iter()
                .any(|s| t >= s.t_start && t <= s.t_end)
        };
        let (mut used, mut short, mut dropped, mut clipped) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for &i in &finite {
            let pt = (lc.time[i], lc.flux[i] as f64 / scale);
            if !keep[i] {
                dropped.push(pt);
            } else if in_short(pt.0) {
                short.push(pt);
            } else if clip.contains(&pt.0) {
                clipped.push(pt);
            } else {
                used.push(pt);
            }
        }
        let in_range = |(_, y): &(f64, f64)| *y >= y_lo && *y <= y_hi;
        // Dropped and clipped points are drawn on top, clamped into view, so they stay visible.
        let clamp = |(t, y): (f64, f64)| (t, y.clamp(y_lo, y_hi));
        chart
            .draw_series(
                used.into_iter()
                    .filter(in_range)
                    .map(|p| Circle::new(p, 1, BLUE.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                short
                    .into_iter()
                    .filter(in_range)
                    .map(|p| Circle::new(p, 1, GREY.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                dropped
                    .into_iter()
                    .map(clamp)
                    .map(|p| Circle::new(p, 2, RED.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                clipped
                    .into_iter()
                    .map(clamp)
                    .map(|p| Circle::new(p, 2, ORANGE.filled())),
            )
            .map_err(err)?;
        Ok(())
    }

    /// Times of the points the percentile clip removed from each classified segment, sorted.
    fn clipped_points(&self) -> SortedTimes {
        let lc = self.lc;
        let mut times = Vec::new();
        for s in &self.features.segments {
            let (t, f) = crate::pipeline::segment_points(lc, self.config, s.t_start, s.t_end);
            let f32s: Vec<f32> = f.iter().map(|&v| v as f32).collect();
            let keep = lc_prep::clip::percentile_keep(&f32s, self.config.clip_percentile);
            times.extend(t.iter().zip(keep).filter(|(_, k)| !k).map(|(t, _)| *t));
        }
        times.sort_by(f64::total_cmp);
        SortedTimes(times)
    }

    /// Panel 2: the model's light-curve input.
    fn input(
        &self,
        area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    ) -> DrawResult<()> {
        let Some(seg) = self.best_segment() else {
            return Ok(());
        };
        let n = seg.lc.len().max(2);
        let (t_lo, t_hi) = axis_range((seg.t_start, seg.t_end), 0.0);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .caption(
                format!(
                    "model input: segment {} resampled to {} points (p_eb {:.3})",
                    seg.index,
                    seg.lc.len(),
                    self.p_eb.get(self.best).copied().unwrap_or(f32::NAN)
                ),
                (FONT, 18),
            )
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(t_lo..t_hi, -0.02f64..1.02)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("time (BTJD, days)")
            .y_desc("scaled flux")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .x_labels(6)
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        let span = seg.t_end - seg.t_start;
        chart
            .draw_series(LineSeries::new(
                seg.lc
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (seg.t_start + span * i as f64 / (n - 1) as f64, v as f64)),
                BLUE.stroke_width(1),
            ))
            .map_err(err)?;
        Ok(())
    }

    /// Panel 3: the periodogram input, with the peak and its double.
    fn periodogram(
        &self,
        area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    ) -> DrawResult<()> {
        let Some(seg) = self.best_segment() else {
            return Ok(());
        };
        if self.periods.len() != seg.gls.len() || self.periods.is_empty() {
            return Ok(());
        }
        let (p_lo, p_hi) = min_max(self.periods.iter().copied().filter(|p| *p > 0.0));
        let peak = period::peak_period(self.periods, &seg.gls);
        let caption = match peak {
            Some(p) => format!("periodogram: peak {p:.5} d (red), twice the peak (green)"),
            None => "periodogram".to_string(),
        };
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(24)
            .caption(caption, (FONT, 18))
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d((p_lo..p_hi).log_scale(), -0.02f64..1.05)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("period (days)")
            .y_desc("scaled GLS power")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .x_label_formatter(&|v| format_period(*v))
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        if let Some(p) = peak {
            for (x, colour) in [(p, RED), (2.0 * p, GREEN)] {
                if x <= p_hi {
                    chart
                        .draw_series(LineSeries::new(
                            [(x, -0.02), (x, 1.05)],
                            colour.stroke_width(2),
                        ))
                        .map_err(err)?;
                }
            }
        }
        chart
            .draw_series(LineSeries::new(
                self.periods
                    .iter()
                    .zip(&seg.gls)
                    .map(|(&p, &v)| (p, v as f64)),
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
        Ok(())
    }

    /// Panel 4: the segment folded at the EB period estimate.
    fn fold(
        &self,
        area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    ) -> DrawResult<()> {
        let (Some(seg), Some(est)) = (self.best_segment(), self.period) else {
            area.draw_text(
                "no period estimate for this segment",
                &(FONT, 20).into_font().color(&BLACK),
                (40, 40),
            )
            .map_err(err)?;
            return Ok(());
        };
        let (t, f) = crate::pipeline::segment_points(self.lc, self.config, seg.t_start, seg.t_end);
        let scale = flux_scale(&f);
        let y: Vec<f64> = f.iter().map(|v| v / scale).collect();
        let p = est.period;
        // Put the deepest binned minimum at phase 0 (the primary eclipse of an EB).
        // Fine enough to follow a detached binary's narrow eclipses.
        const BINS: usize = 250;
        let t0 = t.first().copied().unwrap_or(0.0);
        let binned = |epoch: f64| -> Vec<Option<f64>> {
            let mut bins: Vec<Vec<f64>> = vec![Vec::new(); BINS];
            for (&ti, &yi) in t.iter().zip(&y) {
                let b = ((period::phase(ti, epoch, p) * BINS as f64) as usize).min(BINS - 1);
                bins[b].push(yi);
            }
            bins.iter_mut().map(|b| median_mut(b)).collect()
        };
        let first = binned(t0);
        let deepest = first
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i);
        let epoch = t0 + (deepest as f64 + 0.5) / BINS as f64 * p;
        // Phases in [-0.25, 0.75): the primary at 0, a secondary eclipse near 0.5.
        let ph = |ti: f64| {
            let x = period::phase(ti, epoch, p);
            if x >= 0.75 {
                x - 1.0
            } else {
                x
            }
        };
        let (y_lo, y_hi) = axis_range(percentile_range(&y, 0.1, 99.9).unwrap_or((0.9, 1.1)), 0.08);
        let how = if est.doubled {
            "twice the periodogram peak: unequal alternate minima"
        } else {
            "the periodogram peak"
        };
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(24)
            .caption(
                format!(
                    "segment {} folded at P = {p:.6} d ({how}); red: binned median",
                    seg.index
                ),
                (FONT, 18),
            )
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.25f64..0.75, y_lo..y_hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("phase")
            .y_desc("relative flux")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                t.iter()
                    .zip(&y)
                    .map(|(&ti, &yi)| (ph(ti), yi))
                    .filter(|(_, yi)| *yi >= y_lo && *yi <= y_hi)
                    .map(|pt| Circle::new(pt, 1, BLUE.mix(0.5).filled())),
            )
            .map_err(err)?;
        let centred = binned(epoch);
        let mut curve: Vec<(f64, f64)> = centred
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (ph(epoch + (i as f64 + 0.5) / BINS as f64 * p), v)))
            .collect();
        curve.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(curve, RED.stroke_width(3)))
            .map_err(err)?;
        Ok(())
    }
}

/// The vetting metrics in two lines: the measured depths, then the other metrics and the flag.
pub fn metrics_lines(v: &Vetting) -> [String; 2] {
    if v.depth1.is_nan() {
        return [
            format!("vetting: no metrics ({})", v.reason),
            format!("flag: {}", v.flag),
        ];
    }
    let secondary = if v.depth2.is_nan() {
        "no secondary candidate".to_string()
    } else {
        format!(
            "secondary {:.0} ± {:.0} ppm at phase {:.3} (SNR {:.1}, {})",
            v.depth2,
            v.depth2_err,
            v.phase2,
            v.snr2,
            if v.secondary_significant() {
                "significant"
            } else {
                "not significant"
            }
        )
    };
    [
        format!(
            "vetting at P = {:.6} d: primary {:.0} ± {:.0} ppm (SNR {:.1}), {secondary}",
            v.period, v.depth1, v.depth1_err, v.snr1
        ),
        format!(
            "odd-even {:.1} σ, T14/P {:.4}, V-shape {:.1}, ellipsoidal {:.0} ppm, reflection {:.0} ppm: \
             {} ({})",
            v.odd_even_sigma,
            v.duration_over_period,
            v.v_shape,
            v.ellipsoidal,
            v.reflection,
            v.flag,
            v.reason
        ),
    ]
}

/// Sorted times, for membership tests by binary search.
struct SortedTimes(Vec<f64>);

impl SortedTimes {
    fn contains(&self, t: &f64) -> bool {
        self.0.binary_search_by(|x| x.total_cmp(t)).is_ok()
    }
}

fn format_period(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else if v >= 0.1 {
        format!("{v:.1}")
    } else if v >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// An axis range for any two values: ordered, finite, of a width that survives rounding at the
/// values' magnitude, widened by `pad` (a fraction of the width) on each side. Every
/// data-derived range goes through here, so no data can hand plotters (or `f64::clamp`) a
/// reversed, empty or infinite range.
fn axis_range((a, b): (f64, f64), pad: f64) -> (f64, f64) {
    let (lo, hi) = match (a.is_finite(), b.is_finite()) {
        (true, true) => (a.min(b), a.max(b)),
        (true, false) => (a, a),
        (false, true) => (b, b),
        (false, false) => (0.0, 1.0),
    };
    // A quarter of the range of f64, so that widening below cannot overflow.
    let limit = f64::MAX / 4.0;
    let (lo, hi) = (lo.clamp(-limit, limit), hi.clamp(-limit, limit));
    let min_width = (lo.abs().max(hi.abs()) * 1e-6).max(1e-9);
    let extra = if hi - lo < min_width {
        0.5 * min_width
    } else {
        (hi - lo) * pad
    };
    (lo - extra, hi + extra)
}

/// The scale of the "relative flux" axes: the median's magnitude, so that a light curve with a
/// zero or negative median (a faint star after background subtraction) is still drawn with
/// its dips pointing down; 1 when there is no usable median.
fn flux_scale(flux: &[f64]) -> f64 {
    median(flux)
        .map(f64::abs)
        .filter(|m| m.is_normal())
        .unwrap_or(1.0)
}

fn median(values: &[f64]) -> Option<f64> {
    median_mut(&mut values.to_vec())
}

fn median_mut(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    })
}

/// The `lo`-th and `hi`-th percentiles (nearest rank).
fn percentile_range(values: &[f64], lo: f64, hi: f64) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[(((v.len() - 1) as f64) * q / 100.0).round() as usize];
    Some((at(lo), at(hi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ranges_are_ordered_finite_and_wide_for_any_values() {
        let cases = [
            (0.9, 1.1),
            (1.1, 0.9),
            (-3.0, -1.0),
            (-1.0, -3.0),
            (0.0, 0.0),
            (1e300, 1e300),
            (-f64::MAX, f64::MAX),
            (f64::MAX, f64::MAX),
            (f64::NAN, 1.0),
            (f64::INFINITY, f64::NEG_INFINITY),
            (f64::NAN, f64::NAN),
            (2000.0, 2000.0 + 1e-13),
        ];
        for (a, b) in cases {
            for pad in [0.0, 0.08] {
                let (lo, hi) = axis_range((a, b), pad);
                assert!(
                    lo.is_finite() && hi.is_finite(),
                    "({a}, {b}) -> ({lo}, {hi})"
                );
                assert!(lo < hi, "({a}, {b}) -> ({lo}, {hi})");
                // The data stay inside, and clamping into the range cannot panic.
                for v in [a, b].into_iter().filter(|v| v.is_finite()) {
                    let v = v.clamp(lo, hi);
                    assert!(v >= lo && v <= hi);
                }
            }
        }
    }

    #[test]
    fn flux_scale_is_positive_for_any_median() {
        assert_eq!(flux_scale(&[-4.0, -2.0, -3.0]), 3.0);
        assert_eq!(flux_scale(&[0.0, 0.0, 1.0]), 1.0);
        assert_eq!(flux_scale(&[]), 1.0);
        assert_eq!(flux_scale(&[5.0]), 5.0);
    }

    /// A faint star after background subtraction: zero or negative median flux. The sheet once
    /// panicked in `f64::clamp` with min > max.
    #[test]
    fn sheet_of_a_light_curve_with_negative_or_zero_median_flux() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits"
        );
        let config = FeatureConfig::reference();
        let extractor = lc_prep::FeatureExtractor::new(config.clone()).unwrap();
        let grid = gls::FrequencyGrid::calnet();
        let dir = tempfile::tempdir().unwrap();
        for shift in [2.0f32, 1.0] {
            let mut lc = tess_io::read(path).unwrap();
            let finite: Vec<f64> = lc
                .flux
                .iter()
                .filter(|v| v.is_finite())
                .map(|&v| v as f64)
                .collect();
            let m = median(&finite).unwrap() as f32;
            lc.flux.iter_mut().for_each(|v| *v -= shift * m);
            let features = extractor.extract(&lc).unwrap();
            let p_eb = vec![0.9; features.segments.len()];
            let seg = &features.segments[0];
            let (t, f) = crate::pipeline::segment_points(&lc, &config, seg.t_start, seg.t_end);
            let peak = period::peak_period(grid.periods(), &seg.gls).unwrap();
            let estimate = period::estimate(&t, &f, peak);
            let vetting = crate::vet::vet(
                &[crate::vet::Segment { time: &t, flux: &f }],
                estimate.map(|e| e.period),
            );
            let sheet = Sheet {
                lc: &lc,
                features: &features,
                config: &config,
                p_eb: &p_eb,
                best: 0,
                periods: grid.periods(),
                period: estimate,
                threshold: 0.5,
                vetting: Some(&vetting),
            };
            let out = dir.path().join(format!("shift{shift}.png"));
            sheet.write(&out).unwrap();
            assert!(std::fs::metadata(&out).unwrap().len() > 10_000);
            // A full disk (Linux's /dev/full) reads as words, not plotters' Debug structs.
            #[cfg(target_os = "linux")]
            if shift == 2.0 {
                let full = dir.path().join("full.png");
                std::os::unix::fs::symlink("/dev/full", &full).unwrap();
                let reason = sheet.draw(&full).unwrap_err();
                assert!(reason.contains("No space left on device"), "{reason}");
                assert!(!reason.contains("Error("), "{reason}");
            }
        }
    }
}
