//! Light curve to CALNet's inputs: the one place that training and classification use.

use crate::clip::{percentile_keep, select};
use crate::config::{FeatureConfig, Mode};
use crate::{detrend, periodogram, resample, segment, Error};
use tess_io::{LightCurve, MaskReport};

/// The model inputs of one kept segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Position of this segment among all segments of the light curve (skipped ones
    /// included), counted from 0 in time order.
    pub index: usize,
    /// First time of the segment, BTJD days.
    pub t_start: f64,
    /// Last time of the segment, BTJD days.
    pub t_end: f64,
    /// Points in the segment after the quality cut (what the minimum length applies to).
    pub n_points: usize,
    /// Points left by the percentile clip (the periodogram's input).
    pub n_clipped: usize,
    /// Points of the final spline (after the outlier masks).
    pub n_spline: usize,
    /// Light-curve branch input, `lc_len` values in [0, 1].
    pub lc: Vec<f32>,
    /// Periodogram branch input, 1000 values in [0, 1].
    pub gls: Vec<f32>,
}

/// Why a segment gave no model input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SkipReason {
    /// Fewer points than `min_points` (the reference drops these silently).
    #[error("{n_points} points, fewer than the minimum {min_points}")]
    TooShort {
        /// Points in the segment.
        n_points: usize,
        /// The configured minimum.
        min_points: usize,
    },
    /// The points fill too small a share of the segment's span ([`crate::SegmentRule`]'s
    /// `min_coverage`).
    #[error("{n_points} points cover {:.0}% of the {span_days:.2}-day span at {cadence_s} s, less than {:.0}%", coverage * 100.0, min_coverage * 100.0)]
    Sparse {
        /// Points in the segment.
        n_points: usize,
        /// Last time minus first, days.
        span_days: f64,
        /// The cadence the rule applied, seconds.
        cadence_s: f64,
        /// The share of the span's cadences that hold a point.
        coverage: f64,
        /// The configured minimum share.
        min_coverage: f64,
    },
    /// The percentile clip left fewer than 4 points (for example a constant flux, which the
    /// strict `<` removes entirely).
    #[error("percentile clip left {n_left} points (constant flux?)")]
    Clipped {
        /// Points left.
        n_left: usize,
    },
    /// A later step could not run on this segment's data.
    #[error(transparent)]
    Failed(#[from] Error),
}

/// A segment that gave no model input, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedSegment {
    /// Position among all segments of the light curve.
    pub index: usize,
    /// First time, BTJD days.
    pub t_start: f64,
    /// Last time, BTJD days.
    pub t_end: f64,
    /// Points after the quality cut.
    pub n_points: usize,
    /// The reason.
    pub reason: SkipReason,
}

/// Everything one light curve gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Kept segments, in time order.
    pub segments: Vec<Segment>,
    /// Skipped segments, in time order.
    pub skipped: Vec<SkippedSegment>,
    /// Rows the quality cut dropped, and why.
    pub quality: MaskReport,
}

/// Turns light curves into CALNet's inputs with one configuration; builds the periodogram
/// grid once and reuses it (cheap to share across threads by reference).
///
/// ```
/// let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../../fixtures/lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits"))?;
/// let extractor = lc_prep::FeatureExtractor::new(lc_prep::FeatureConfig::reference())?;
/// for seg in extractor.extract(&lc)?.segments {
///     assert_eq!((seg.lc.len(), seg.gls.len()), (4000, 1000));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FeatureExtractor {
    config: FeatureConfig,
    grid: gls::FrequencyGrid,
}

impl FeatureExtractor {
    /// Checks `config` and prepares the periodogram grid.
    pub fn new(config: FeatureConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(FeatureExtractor {
            config,
            grid: gls::FrequencyGrid::calnet(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// All segments of a light curve: quality cut, stable sort by time if needed, gap split
    /// and minimum length by the config's [`crate::SegmentRule`] at the file's cadence
    /// (`lc.meta.cadence_s`), then [`FeatureExtractor::segment_with`] on each. Fails only if
    /// the light curve's columns have different lengths; a bad segment is skipped with its
    /// reason.
    pub fn extract(&self, lc: &LightCurve) -> Result<Features, Error> {
        if lc.flux.len() != lc.time.len() || lc.quality.len() != lc.time.len() {
            return Err(Error::LengthMismatch {
                what: "light-curve TIME and flux/QUALITY columns",
                left: lc.time.len(),
                right: lc.flux.len().min(lc.quality.len()),
            });
        }
        let (keep, quality) = lc.quality_keep(self.config.quality);
        let mut t = select(&lc.time, &keep);
        let mut f = select(&lc.flux, &keep);
        segment::sort_by_time(&mut t, &mut f);
        let mut out = Features {
            segments: Vec::new(),
            skipped: Vec::new(),
            quality,
        };
        let cadence_s = if lc.meta.cadence_s.is_finite() && lc.meta.cadence_s > 0.0 {
            lc.meta.cadence_s
        } else {
            tess_io::median_cadence_s(&t).unwrap_or(f64::NAN)
        };
        let rule = self.config.segments.rule(cadence_s);
        for (index, range) in segment::split_at_gaps(&t, rule.gap_days)
            .into_iter()
            .enumerate()
        {
            let (ts, fs) = (&t[range.clone()], &f[range]);
            match self.segment_with(&rule, cadence_s, ts, fs) {
                Ok(mut seg) => {
                    seg.index = index;
                    out.segments.push(seg);
                }
                Err(reason) => out.skipped.push(SkippedSegment {
                    index,
                    t_start: ts[0],
                    t_end: ts[ts.len() - 1],
                    n_points: ts.len(),
                    reason,
                }),
            }
        }
        Ok(out)
    }

    /// The model inputs of one segment of a 2-minute light curve (finite, sorted times in
    /// days and their flux): [`FeatureExtractor::segment_with`] with the config's rule at 120 s.
    pub fn segment(&self, t: &[f64], flux: &[f32]) -> Result<Segment, SkipReason> {
        let rule = self.config.segments.rule(120.0);
        self.segment_with(&rule, 120.0, t, flux)
    }

    /// The model inputs of one segment (finite, sorted times in days and their flux) at
    /// cadence `cadence_s`: length and coverage check by `rule`, percentile clip, spline step
    /// of the configured mode, resampling to `lc_len` on [0, 1], min-max scaling; and the
    /// periodogram of the clipped points. The returned segment's `index` is 0.
    pub fn segment_with(
        &self,
        rule: &crate::SegmentRule,
        cadence_s: f64,
        t: &[f64],
        flux: &[f32],
    ) -> Result<Segment, SkipReason> {
        let cfg = &self.config;
        let n_points = t.len();
        if n_points < rule.min_points || n_points == 0 {
            return Err(SkipReason::TooShort {
                n_points,
                min_points: rule.min_points.max(1),
            });
        }
        let span_days = t[n_points - 1] - t[0];
        if !rule.covers(n_points, span_days, cadence_s) {
            return Err(SkipReason::Sparse {
                n_points,
                span_days,
                cadence_s,
                coverage: n_points as f64 * cadence_s / (span_days * 86_400.0 + cadence_s),
                min_coverage: rule.min_coverage,
            });
        }
        let keep = percentile_keep(flux, cfg.clip_percentile);
        let tc = select(t, &keep);
        let fc = select(flux, &keep);
        if tc.len() < 4 {
            return Err(SkipReason::Clipped { n_left: tc.len() });
        }
        // A constant flux would give a spline flat up to round-off, which min-max scaling
        // would blow up into noise: skip it here instead.
        if fc.iter().all(|&v| v == fc[0]) {
            return Err(Error::Constant {
                what: "clipped flux",
            }
            .into());
        }
        let x = normalised_time(&tc)?;
        let (spline, n_spline) = match cfg.mode {
            Mode::Reference => {
                let mut rounds =
                    detrend::reference_spline(&x, &fc, cfg.spline_iterations, cfg.outlier_cut)?;
                let last = rounds.pop().expect("spline_iterations >= 1");
                (last.spline, last.keep.len())
            }
            Mode::Robust => {
                let fit = detrend::robust_spline(&tc, &x, &fc, &cfg.robust)?;
                let n = fit.keep.iter().filter(|&&k| k).count();
                (fit.spline, n)
            }
        };
        let lc = resample::min_max_f32(
            &resample::on_unit_grid(&spline, cfg.lc_len),
            "resampled light curve",
        )?;
        let gls = if cfg.alias_cut {
            let shortest = 2.0 * cadence_s / 86_400.0;
            periodogram::calnet_periodogram_above(&tc, &fc, &self.grid, shortest)?
        } else {
            periodogram::calnet_periodogram(&tc, &fc, &self.grid)?
        };
        Ok(Segment {
            index: 0,
            t_start: t[0],
            t_end: t[n_points - 1],
            n_points,
            n_clipped: tc.len(),
            n_spline,
            lc,
            gls,
        })
    }
}

/// `x = (t - min t) / (max t - min t)` in float64, the reference's time axis of the spline.
/// Fails when the times span no interval.
///
/// ```
/// assert_eq!(lc_prep::features::normalised_time(&[2.0, 3.0, 4.0])?, vec![0.0, 0.5, 1.0]);
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn normalised_time(t: &[f64]) -> Result<Vec<f64>, Error> {
    let (lo, hi) = t
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 {
        return Err(Error::Constant {
            what: "segment time",
        });
    }
    Ok(t.iter().map(|&v| (v - lo) / span).collect())
}
