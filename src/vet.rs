//! Vetting metrics: the first pass of the manual inspection of an EB candidate, as numbers.
//!
//! The Kepler Robovetter (Thompson et al. 2018, ApJS 235, 38) and DAVE (Kostov et al. 2019,
//! AJ 157, 124) tell eclipsing binaries from transiting planets with a few measurements on the
//! phase-folded light curve. [`vet`] makes them, written from those papers' descriptions, on all
//! of a target's kept points folded at one period:
//!
//! 1. **Preparation.** Each segment is divided by its median (relative flux minus 1) and gets its
//!    own white noise, from the point-to-point scatter (1.4826 × the median absolute successive
//!    difference / √2, blind to eclipses and slow variability); points are weighted by it, so
//!    sectors of different products combine. When the data span sectors far apart, `P_EB` (from
//!    one segment) is refined by a straight-line fit to the segments' primary epochs, kept when
//!    it folds the primary more significantly (`Points::refine`).
//! 2. **Primary.** A box of each width on a log grid of durations (0.2 % to 25 % of the
//!    period) slides over the fold; the most significant dip (weighted depth over its
//!    uncertainty) is the primary. Its neighbourhood and that of the secondary (step 3) are
//!    masked and the rest is fitted with two harmonics (`cos φ`, `sin φ`, `cos 2φ`, `sin 2φ`,
//!    φ = 2π × phase from the primary): ellipsoidal variation is `−cos 2φ`, reflection `−cos φ`
//!    (DAVE's and the Robovetter's harmonic test). The search is repeated on the light curve
//!    minus the harmonics, and the primary refined with a trapezoid (total duration, ingress
//!    fraction, centre): its depth with uncertainty, `T14/P`, and the V-shape metric (the
//!    ingress fraction `2 τ / T14`: 0 for a box, 1 for a V).
//! 3. **Secondary** (the Robovetter's model-shift test): the primary's trapezoid slides over
//!    every phase at least one duration away from the primary; the deepest position is the
//!    secondary, with its depth and phase. The red-noise factor `F_red` is the standard
//!    deviation of the significances of boxes half a duration apart, away from both eclipses
//!    (at least 1); every uncertainty is multiplied by it. The secondary is significant when its SNR is above
//!    the false-alarm threshold of a search over `P / T14` independent phases at a 1 %
//!    false-alarm probability per target: `Φ⁻¹(1 − 0.01 T14 / (2 P))` ([`secondary_threshold`]).
//! 4. **Odd-even** (the Robovetter's odd/even test): the primary's depth fitted separately on
//!    odd and even cycles; the difference in units of its uncertainty. The odd-even and the
//!    secondary uncertainties include a floor of [`MISMATCH`] times the primary depth: at high
//!    SNR the trapezoid's mismatch to a limb-darkened eclipse, not the noise, limits them.
//!
//! The [`Flag`] follows from these, in this order (`reason` says which rule fired):
//! 1. `ambiguous` when a metric could not be measured (NaN metrics);
//! 2. no primary with SNR ≥ [`SNR_MIN`]: `sinusoidal` when the harmonics are significant
//!    (their chi-square improvement ≥ [`SNR_MIN`]²), otherwise `ambiguous`;
//! 3. `sinusoidal` when the harmonics are significant and their semi-amplitudes (ellipsoidal
//!    plus reflection) exceed [`HARMONIC_RATIO`] times the eclipse depth (ellipsoidal
//!    variables, rotators, pulsators, and most over-contact binaries);
//! 4. `EB` when the secondary is significant, odd and even depths differ by [`ODD_EVEN_MAX`]
//!    sigma or more, or the primary is [`DEPTH_MAX`] deep or deeper;
//! 5. `ambiguous` when the dip lasts [`DURATION_MAX`] of the period or more (no planet transit
//!    is that long), or is V-shaped ([`V_SHAPE_MAX`] or more: a grazing planet, or a binary of
//!    twins at half its period);
//! 6. otherwise `planet-like`.
//!
//! The catalog's metrics ([`vet_catalog`]) fold all of a target's files (every sector and
//! product) together at its `P_EB`, reading the files again; a vetting sheet shows those of
//! its own file.
//!
//! Bad cases give NaN metrics and the reason, never a made-up number: no period, a period
//! longer than the span of the data, a primary seen in a single cycle, fewer than
//! [`MIN_IN_ECLIPSE`] points in the primary.
//!
//! ```
//! use calnet::vet::{self, Flag, Segment};
//!
//! // A 1 % deep, 3-hour box-shaped transit every 2.5 days in 27 days of 2-minute data.
//! let time: Vec<f64> = (0..19_440).map(|i| 1410.0 + i as f64 / 720.0).collect();
//! let flux: Vec<f64> = time
//!     .iter()
//!     .enumerate()
//!     .map(|(i, &t)| {
//!         let phase = ((t - 1411.0) / 2.5).rem_euclid(1.0);
//!         let dip = if phase < 0.025 || phase > 0.975 { 0.01 } else { 0.0 };
//!         // Deterministic noise of 500 ppm.
//!         let noise = 5e-4 * (((i * 7919) % 1000) as f64 / 500.0 - 1.0) * 1.7;
//!         1000.0 * (1.0 - dip + noise)
//!     })
//!     .collect();
//! let v = vet::vet(&[Segment { time: &time, flux: &flux }], Some(2.5));
//! assert!((v.depth1 - 10_000.0).abs() < 500.0, "{v:?}");
//! assert_eq!(v.flag, Flag::PlanetLike, "{v:?}");
//! ```

use std::f64::consts::PI;
use std::fmt;

use rayon::prelude::*;
use tess_io::{LightCurve, QualityMask};

use crate::catalog::{Catalog, Classified, FileRecord};

/// Fewest points in the primary eclipse (trapezoid weight above one half) for any metric.
pub const MIN_IN_ECLIPSE: usize = 10;

/// Lowest SNR of a detected primary eclipse (Kepler's detection threshold, 7.1 sigma).
pub const SNR_MIN: f64 = 7.1;

/// Odd and even depths that differ by this many sigma or more mean an eclipsing binary.
pub const ODD_EVEN_MAX: f64 = 3.0;

/// A primary this deep (fraction of the flux) or deeper means an eclipsing binary: a planet
/// blocks at most about 3 % of a Sun-like star.
pub const DEPTH_MAX: f64 = 0.03;

/// A V-shape metric this high or higher: V-shaped (a grazing or stellar eclipse).
pub const V_SHAPE_MAX: f64 = 0.7;

/// The trapezoid's mismatch to a real eclipse, as a fraction of the primary depth: added in
/// quadrature to the noise of the odd-even difference and of the secondary depth, since at
/// high SNR the mismatch (which differs between odd and even cycles sampled at other phases)
/// and not the noise limits them.
pub const MISMATCH: f64 = 0.01;

/// Harmonic semi-amplitudes (ellipsoidal plus reflection) over this many times the eclipse
/// depth: the light curve is a smooth variation with a dip, not an eclipsing light curve.
pub const HARMONIC_RATIO: f64 = 2.5;

/// A dip lasting this fraction of the period or longer cannot be a planet's transit (the
/// star would nearly fill the orbit).
pub const DURATION_MAX: f64 = 0.2;

/// False-alarm probability per target of the secondary search.
pub const FALSE_ALARM: f64 = 0.01;

/// The period is refined when the data span more than this many times the longest segment.
pub const REFINE_SPAN: f64 = 4.0;

/// Fewest points of a segment that vetting uses (shorter ones cannot give a noise level).
const MIN_SEGMENT_POINTS: usize = 20;

/// The box widths tried for the primary, in phase: a log grid from 0.2 % to 25 %.
const WIDTHS: usize = 25;
const WIDTH_MIN: f64 = 0.002;
const WIDTH_MAX: f64 = 0.25;

/// The outcome of the vetting classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// An eclipsing binary: significant secondary, odd and even depths differ, or too deep.
    Eb,
    /// A transit-like signal: no significant secondary, U-shaped, odd = even, shallower than
    /// [`DEPTH_MAX`].
    PlanetLike,
    /// Smooth variation without a significant eclipse: ellipsoidal, rotator or pulsator.
    Sinusoidal,
    /// None of the above, or a metric could not be measured.
    Ambiguous,
}

impl Flag {
    /// The name in the catalog: `EB`, `planet-like`, `sinusoidal` or `ambiguous`.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Eb => "EB",
            Flag::PlanetLike => "planet-like",
            Flag::Sinusoidal => "sinusoidal",
            Flag::Ambiguous => "ambiguous",
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The vetting metrics of one target. Depths and amplitudes in ppm of the median flux;
/// NaN where a metric could not be measured (`reason` says why).
#[derive(Debug, Clone, PartialEq)]
pub struct Vetting {
    /// The period folded at, days: `P_EB`, or `P_EB` refined when the data span several
    /// sectors far apart ([`REFINE_SPAN`]).
    pub period: f64,
    /// Mid-time of a primary eclipse, BTJD.
    pub epoch: f64,
    /// Primary eclipse depth, ppm.
    pub depth1: f64,
    /// Its uncertainty (white noise times `red_noise`), ppm.
    pub depth1_err: f64,
    /// Depth of the deepest secondary candidate, ppm (negative when the light curve is brighter
    /// there than the out-of-eclipse level).
    pub depth2: f64,
    /// Its uncertainty, ppm.
    pub depth2_err: f64,
    /// Phase of the secondary candidate after the primary, in [0, 1).
    pub phase2: f64,
    /// Primary depth over its uncertainty.
    pub snr1: f64,
    /// Secondary depth over its uncertainty.
    pub snr2: f64,
    /// The SNR above which the secondary is significant ([`secondary_threshold`]).
    pub snr2_threshold: f64,
    /// The red-noise factor `F_red` (at least 1) included in the uncertainties.
    pub red_noise: f64,
    /// `|depth_odd − depth_even| / σ`: NaN when odd or even cycles have no eclipse points.
    pub odd_even_sigma: f64,
    /// Total primary duration over the period.
    pub duration_over_period: f64,
    /// Ingress fraction of the trapezoid, `2 τ / T14`: 0 box-shaped, 1 V-shaped.
    pub v_shape: f64,
    /// Ellipsoidal semi-amplitude (`−cos 2φ` term), ppm: positive when the star is brightest at
    /// quadrature, as an ellipsoidal variable.
    pub ellipsoidal: f64,
    /// Reflection semi-amplitude (`−cos φ` term), ppm: positive when brightest at phase 0.5.
    pub reflection: f64,
    /// Significance of the harmonic fit (square root of its chi-square improvement).
    pub harmonic_snr: f64,
    /// The classification.
    pub flag: Flag,
    /// Why the flag (or why the metrics are NaN).
    pub reason: String,
}

impl Vetting {
    /// Every metric NaN, flag [`Flag::Ambiguous`], with the reason.
    pub fn unmeasured(period: Option<f64>, reason: impl Into<String>) -> Vetting {
        Vetting {
            period: period.unwrap_or(f64::NAN),
            epoch: f64::NAN,
            depth1: f64::NAN,
            depth1_err: f64::NAN,
            depth2: f64::NAN,
            depth2_err: f64::NAN,
            phase2: f64::NAN,
            snr1: f64::NAN,
            snr2: f64::NAN,
            snr2_threshold: f64::NAN,
            red_noise: f64::NAN,
            odd_even_sigma: f64::NAN,
            duration_over_period: f64::NAN,
            v_shape: f64::NAN,
            ellipsoidal: f64::NAN,
            reflection: f64::NAN,
            harmonic_snr: f64::NAN,
            flag: Flag::Ambiguous,
            reason: reason.into(),
        }
    }

    /// Whether the secondary is significant.
    pub fn secondary_significant(&self) -> bool {
        self.snr2 >= self.snr2_threshold
    }

    /// The flag and its reason from the metrics, by the rule of the [module
    /// documentation](self).
    fn classify(&mut self) {
        let harmonic_amp = self.ellipsoidal.abs() + self.reflection.abs();
        let harmonic = self.harmonic_snr >= SNR_MIN;
        // NaN SNR counts as no eclipse.
        let detected = self.snr1 >= SNR_MIN;
        let (flag, reason) = if !detected {
            if harmonic {
                (
                    Flag::Sinusoidal,
                    "no eclipse; harmonic variation".to_string(),
                )
            } else {
                (Flag::Ambiguous, "no significant eclipse".to_string())
            }
        } else if harmonic && harmonic_amp > HARMONIC_RATIO * self.depth1 {
            (
                Flag::Sinusoidal,
                format!("harmonics over {HARMONIC_RATIO} times the eclipse depth"),
            )
        } else {
            let mut why = Vec::new();
            if self.secondary_significant() {
                why.push(format!("secondary at phase {:.3}", self.phase2));
            }
            if self.odd_even_sigma >= ODD_EVEN_MAX {
                why.push(format!("odd-even {:.1} sigma", self.odd_even_sigma));
            }
            if self.depth1 >= DEPTH_MAX * 1e6 {
                why.push(format!("depth {:.1}%", self.depth1 * 1e-4));
            }
            if !why.is_empty() {
                (Flag::Eb, why.join("; "))
            } else if self.duration_over_period >= DURATION_MAX {
                (
                    Flag::Ambiguous,
                    format!("dip lasting over {DURATION_MAX} of the period"),
                )
            } else if self.v_shape >= V_SHAPE_MAX {
                (
                    Flag::Ambiguous,
                    "V-shaped; no secondary; odd = even".to_string(),
                )
            } else {
                (
                    Flag::PlanetLike,
                    "U-shaped; no secondary; odd = even".to_string(),
                )
            }
        };
        self.flag = flag;
        self.reason = reason;
    }
}

/// One segment of a light curve: times (BTJD, days) and fluxes (any positive unit).
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    /// Times, days.
    pub time: &'a [f64],
    /// Fluxes.
    pub flux: &'a [f64],
}

/// The SNR a secondary must reach to be significant, for a primary of duration
/// `duration_over_period` (a fraction of the period): the threshold of a search over
/// `P / T14` independent phases at a [`FALSE_ALARM`] probability per target (the
/// Robovetter's `FA1`, one-sided).
///
/// ```
/// let t = calnet::vet::secondary_threshold(0.02);
/// assert!((t - 3.72).abs() < 0.01, "{t}");
/// ```
pub fn secondary_threshold(duration_over_period: f64) -> f64 {
    let p = (FALSE_ALARM * duration_over_period.clamp(1e-6, 1.0) / 2.0).min(0.5);
    normal_quantile(1.0 - p)
}

/// Measures the vetting metrics of the [module documentation](self) on `segments` folded at
/// `period` (days); `None` or a non-positive period gives NaN metrics with the reason.
pub fn vet(segments: &[Segment<'_>], period: Option<f64>) -> Vetting {
    let Some(period) = period.filter(|p| p.is_finite() && *p > 0.0) else {
        return Vetting::unmeasured(None, "no period estimate");
    };
    let points = Points::new(segments);
    if points.t.len() < MIN_IN_ECLIPSE * 10 {
        return Vetting::unmeasured(Some(period), format!("{} usable points", points.t.len()));
    }
    let span = points.span();
    if period > span {
        return Vetting::unmeasured(
            Some(period),
            format!("period {period:.4} d longer than the span {span:.2} d"),
        );
    }
    let period = points.refine(period);
    Fold::new(&points, period).measure()
}

/// The kept points of a light curve (finite, passing `quality`) within each of `spans`
/// (`[t_start, t_end]`, BTJD), one vector pair per span, flux as f64.
pub fn kept_points(
    lc: &LightCurve,
    quality: QualityMask,
    spans: &[(f64, f64)],
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let (keep, _) = lc.quality_keep(quality);
    spans
        .iter()
        .map(|&(t_start, t_end)| {
            lc.time
                .iter()
                .zip(&lc.flux)
                .zip(&keep)
                .filter(|((&t, _), &k)| k && t >= t_start && t <= t_end)
                .map(|((&t, &f), _)| (t, f as f64))
                .unzip()
        })
        .collect()
}

/// The classified segments of a file as vetting sees them: the kept points of each.
pub fn file_points(lc: &LightCurve, classified: &Classified) -> Vec<(Vec<f64>, Vec<f64>)> {
    let spans: Vec<(f64, f64)> = classified
        .segments
        .iter()
        .map(|s| (s.t_start, s.t_end))
        .collect();
    kept_points(lc, QualityMask::Bitmask(classified.quality_bitmask), &spans)
}

/// Vets every row of `catalog`: reads each classified file of the row's target again (the
/// points of its classified segments) and folds them all at the row's `P_EB`. Rows are
/// independent, so they run in parallel with the same result.
pub fn vet_catalog(catalog: &mut Catalog, records: &[FileRecord]) {
    let results: Vec<Vetting> = catalog
        .rows
        .par_iter()
        .map(|row| {
            let files: Vec<(&str, &Classified)> = records
                .iter()
                .filter_map(|r| r.classified().map(|c| (r.file.as_str(), c)))
                .filter(|(_, c)| c.tic == Some(row.tic) && !c.segments.is_empty())
                .collect();
            let mut all = Vec::new();
            for (file, c) in files {
                match tess_io::read(file) {
                    Ok(lc) => all.extend(file_points(&lc, c)),
                    Err(e) => {
                        return Vetting::unmeasured(
                            row.period_eb,
                            format!("cannot read {file}: {}", e.reason()),
                        )
                    }
                }
            }
            let segments: Vec<Segment<'_>> = all
                .iter()
                .map(|(time, flux)| Segment { time, flux })
                .collect();
            vet(&segments, row.period_eb)
        })
        .collect();
    for (row, v) in catalog.rows.iter_mut().zip(results) {
        row.vetting = Some(v);
    }
}

/// All usable points, relative flux minus 1, with weights.
struct Points {
    t: Vec<f64>,
    r: Vec<f64>,
    w: Vec<f64>,
    /// Where each usable segment's points start, and the end.
    bounds: Vec<usize>,
}

impl Points {
    fn new(segments: &[Segment<'_>]) -> Points {
        let mut p = Points {
            t: Vec::new(),
            r: Vec::new(),
            w: Vec::new(),
            bounds: vec![0],
        };
        for s in segments {
            let (t, f): (Vec<f64>, Vec<f64>) = s
                .time
                .iter()
                .zip(s.flux)
                .filter(|(t, f)| t.is_finite() && f.is_finite())
                .map(|(&t, &f)| (t, f))
                .unzip();
            if t.len() < MIN_SEGMENT_POINTS {
                continue;
            }
            let Some(m) = median(&f).filter(|m| *m > 0.0) else {
                continue;
            };
            let r: Vec<f64> = f.iter().map(|v| v / m - 1.0).collect();
            let diffs: Vec<f64> = r.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
            let sigma = median(&diffs).unwrap_or(0.0) * 1.4826 / std::f64::consts::SQRT_2;
            // A noiseless segment (a test signal) still needs a finite weight.
            let w = 1.0 / sigma.max(1e-7).powi(2);
            p.w.extend(std::iter::repeat_n(w, t.len()));
            p.t.extend(t);
            p.r.extend(r);
            p.bounds.push(p.t.len());
        }
        p
    }

    /// The points of usable segment `k`.
    fn segment(&self, k: usize) -> Points {
        let r = self.bounds[k]..self.bounds[k + 1];
        Points {
            t: self.t[r.clone()].to_vec(),
            r: self.r[r.clone()].to_vec(),
            w: self.w[r.clone()].to_vec(),
            bounds: vec![0, r.len()],
        }
    }

    /// The period that lines up the primary eclipses of segments far apart in time. `P_EB`
    /// comes from one segment: over sectors a year apart its error shifts the eclipses of one
    /// sector against another's and smears the fold. Each segment's primary epoch is found at
    /// `period`; cycle numbers counted from the most significant one and a weighted straight
    /// line through the epochs give the period (an O-C fit). It is kept when it folds the primary
    /// more significantly than `period` does. Only when the data span more than
    /// [`REFINE_SPAN`] times the longest segment: within a sector the smear is negligible.
    fn refine(&self, period: f64) -> f64 {
        let segments = self.bounds.len() - 1;
        let longest = (0..segments)
            .map(|k| self.segment(k).span())
            .fold(0.0, f64::max);
        if segments < 2 || self.span() < REFINE_SPAN * longest {
            return period;
        }
        // (epoch, weight) per segment with a significant primary, in time order.
        let mut epochs: Vec<(f64, f64)> = (0..segments)
            .filter_map(|k| {
                let seg = self.segment(k);
                if seg.t.len() < MIN_IN_ECLIPSE * 10 {
                    return None;
                }
                let fold = Fold::new(&seg, period);
                let (c, _, fit) = fold.search_primary(&fold.r)?;
                let snr = fit.snr();
                (snr >= SNR_MIN).then_some((fold.t_ref + c * period, snr * snr))
            })
            .collect();
        epochs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some(&(t_a, _)) = epochs.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            return period;
        };
        // Weighted least squares of epoch = t0 + n * P.
        let (mut sw, mut sn, mut st, mut snn, mut snt) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(t, w) in &epochs {
            let n = ((t - t_a) / period).round();
            sw += w;
            sn += w * n;
            st += w * t;
            snn += w * n * n;
            snt += w * n * t;
        }
        let det = sw * snn - sn * sn;
        if det <= 0.0 {
            return period;
        }
        let fitted = (sw * snt - sn * st) / det;
        if !(fitted.is_finite() && (fitted / period - 1.0).abs() < 0.01) {
            return period;
        }
        let snr = |p: f64| {
            let fold = Fold::new(self, p);
            fold.search_primary(&fold.r)
                .map_or(0.0, |(_, _, fit)| fit.snr())
        };
        if snr(fitted) > snr(period) {
            fitted
        } else {
            period
        }
    }

    fn span(&self) -> f64 {
        let (lo, hi) = self
            .t
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| {
                (lo.min(t), hi.max(t))
            });
        hi - lo
    }
}

/// The points sorted by phase, repeated once shifted by +1 so that any window of the circle
/// is one contiguous range; with prefix sums for box fits.
struct Fold {
    period: f64,
    t_ref: f64,
    /// Phase, time, residual, weight of the 2n points.
    ph: Vec<f64>,
    t: Vec<f64>,
    r: Vec<f64>,
    w: Vec<f64>,
    n: usize,
    /// `cos x, sin x, cos 2x, sin 2x` at `x = 2π phase` of the first n points: the harmonic
    /// fits rotate them to their zero phase instead of calling the trig functions again.
    trig: Vec<[f64; 4]>,
}

/// A box or trapezoid fit: depth, its white-noise uncertainty, points with weight above 1/2.
#[derive(Debug, Clone, Copy)]
struct Fit {
    depth: f64,
    sigma: f64,
    inside: usize,
}

impl Fit {
    fn snr(&self) -> f64 {
        if self.sigma > 0.0 && self.sigma.is_finite() {
            self.depth / self.sigma
        } else {
            f64::NAN
        }
    }
}

/// A trapezoid: centre (phase), total duration (phase), ingress fraction `2 τ / T14`.
#[derive(Debug, Clone, Copy)]
struct Trapezoid {
    centre: f64,
    width: f64,
    ingress: f64,
}

impl Trapezoid {
    fn weight(&self, dphase: f64) -> f64 {
        let half = 0.5 * self.width;
        let x = dphase.abs();
        let tau = self.ingress * half;
        if x >= half {
            0.0
        } else if x <= half - tau {
            1.0
        } else {
            (half - x) / tau
        }
    }
}

/// Circular phase difference in [-0.5, 0.5).
fn dphase(a: f64, b: f64) -> f64 {
    (a - b + 0.5).rem_euclid(1.0) - 0.5
}

impl Fold {
    fn new(points: &Points, period: f64) -> Fold {
        let t_ref = points.t.iter().copied().fold(f64::INFINITY, f64::min);
        let mut idx: Vec<(f64, usize)> = points
            .t
            .iter()
            .enumerate()
            .map(|(i, &t)| (crate::period::phase(t, t_ref, period), i))
            .collect();
        // Ties in phase are broken by the points' values, not their input positions, so the
        // order of the segments does not change the order of the sums.
        let key = |i: usize| (points.t[i], points.r[i], points.w[i]);
        idx.sort_by(|a, b| {
            let (x, y) = (key(a.1), key(b.1));
            a.0.total_cmp(&b.0)
                .then(x.0.total_cmp(&y.0))
                .then(x.1.total_cmp(&y.1))
                .then(x.2.total_cmp(&y.2))
        });
        let n = idx.len();
        let mut f = Fold {
            period,
            t_ref,
            ph: Vec::with_capacity(2 * n),
            t: Vec::with_capacity(2 * n),
            r: Vec::with_capacity(2 * n),
            w: Vec::with_capacity(2 * n),
            n,
            trig: Vec::with_capacity(n),
        };
        for shift in [0.0, 1.0] {
            for &(ph, i) in &idx {
                f.ph.push(ph + shift);
                f.t.push(points.t[i]);
                f.r.push(points.r[i]);
                f.w.push(points.w[i]);
            }
        }
        f.trig = idx
            .iter()
            .map(|&(ph, _)| {
                let (s1, c1) = (2.0 * PI * ph).sin_cos();
                let (s2, c2) = (4.0 * PI * ph).sin_cos();
                [c1, s1, c2, s2]
            })
            .collect();
        f
    }

    /// `[1, cos φ, sin φ, cos 2φ, sin 2φ]` at point `i` of the doubled fold, φ = 2π (phase −
    /// `zero`), from the cached trig values and `rot` = [`rotation`]`(zero)`.
    fn basis(&self, i: usize, rot: &[f64; 4]) -> [f64; 5] {
        let [c1, s1, c2, s2] = self.trig[i % self.n];
        let [cz, sz, c2z, s2z] = *rot;
        [
            1.0,
            c1 * cz + s1 * sz,
            s1 * cz - c1 * sz,
            c2 * c2z + s2 * s2z,
            s2 * c2z - c2 * s2z,
        ]
    }

    /// The index range of the points with phase within `half` of `centre`.
    fn window(&self, centre: f64, half: f64) -> std::ops::Range<usize> {
        let half = half.min(0.5);
        let mut lo = centre.rem_euclid(1.0) - half;
        if lo < 0.0 {
            lo += 1.0;
        }
        let hi = lo + 2.0 * half;
        let a = self.ph.partition_point(|&p| p < lo);
        let b = self.ph.partition_point(|&p| p <= hi);
        a..b.min(a + self.n)
    }

    /// Prefix sums of `w` and `w r` over the doubled fold, for O(log n) box fits.
    fn prefix(&self, resid: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut sw = Vec::with_capacity(self.ph.len() + 1);
        let mut swr = Vec::with_capacity(self.ph.len() + 1);
        let (mut a, mut b) = (0.0, 0.0);
        sw.push(0.0);
        swr.push(0.0);
        for (w, r) in self.w.iter().zip(resid) {
            a += w;
            b += w * r;
            sw.push(a);
            swr.push(b);
        }
        (sw, swr)
    }

    fn box_fit(&self, sums: &(Vec<f64>, Vec<f64>), centre: f64, width: f64) -> Fit {
        let range = self.window(centre, 0.5 * width);
        let w = sums.0[range.end] - sums.0[range.start];
        let wr = sums.1[range.end] - sums.1[range.start];
        if w <= 0.0 {
            return Fit {
                depth: f64::NAN,
                sigma: f64::NAN,
                inside: 0,
            };
        }
        Fit {
            depth: -wr / w,
            sigma: 1.0 / w.sqrt(),
            inside: range.len(),
        }
    }

    fn trapezoid_fit(&self, resid: &[f64], shape: &Trapezoid, parity: Option<i64>) -> Fit {
        let (mut swm2, mut swrm, mut inside) = (0.0, 0.0, 0usize);
        let epoch = self.t_ref + shape.centre * self.period;
        for i in self.window(shape.centre, 0.5 * shape.width) {
            if let Some(p) = parity {
                let cycle = ((self.t[i] - epoch) / self.period).round() as i64;
                if cycle.rem_euclid(2) != p {
                    continue;
                }
            }
            let m = shape.weight(dphase(self.ph[i], shape.centre));
            swm2 += self.w[i] * m * m;
            swrm += self.w[i] * resid[i] * m;
            inside += usize::from(m > 0.5);
        }
        if swm2 <= 0.0 {
            return Fit {
                depth: f64::NAN,
                sigma: f64::NAN,
                inside,
            };
        }
        Fit {
            depth: -swrm / swm2,
            sigma: 1.0 / swm2.sqrt(),
            inside,
        }
    }

    /// The most significant box dip over all widths and centres: (centre, width, fit).
    fn search_primary(&self, resid: &[f64]) -> Option<(f64, f64, Fit)> {
        let sums = self.prefix(resid);
        let mut best: Option<(f64, f64, Fit)> = None;
        for k in 0..WIDTHS {
            let width = WIDTH_MIN * (WIDTH_MAX / WIDTH_MIN).powf(k as f64 / (WIDTHS - 1) as f64);
            let steps = (4.0 / width).ceil() as usize;
            for j in 0..steps {
                let centre = j as f64 / steps as f64;
                let fit = self.box_fit(&sums, centre, width);
                if fit.inside < MIN_IN_ECLIPSE || fit.snr().is_nan() || fit.snr() <= 0.0 {
                    continue;
                }
                if best.is_none_or(|(_, _, b)| fit.snr() > b.snr()) {
                    best = Some((centre, width, fit));
                }
            }
        }
        best
    }

    /// The deepest box of `width` at least one width away from `primary`: (centre, fit), and
    /// the red-noise factor from independent boxes away from both.
    fn search_secondary(
        &self,
        resid: &[f64],
        primary: f64,
        width: f64,
    ) -> (Option<(f64, Fit)>, f64) {
        let sums = self.prefix(resid);
        let steps = (4.0 / width).ceil() as usize;
        let mut best: Option<(f64, Fit)> = None;
        for j in 0..steps {
            let centre = j as f64 / steps as f64;
            if dphase(centre, primary).abs() < width {
                continue;
            }
            let fit = self.box_fit(&sums, centre, width);
            if fit.inside < MIN_IN_ECLIPSE / 2 || !fit.snr().is_finite() {
                continue;
            }
            if best.is_none_or(|(_, b)| fit.snr() > b.snr()) {
                best = Some((centre, fit));
            }
        }
        // Boxes half a width apart, away from both eclipses: neighbours overlap, but a wide
        // eclipse would leave too few independent ones.
        let mut snrs = Vec::new();
        let positions = (2.0 / width).floor() as usize;
        for j in 0..positions {
            let centre = primary + j as f64 / positions as f64;
            let far = |c: f64| dphase(centre, c).abs() >= width;
            if !far(primary) || best.is_some_and(|(c, _)| !far(c)) {
                continue;
            }
            let fit = self.box_fit(&sums, centre, width);
            if fit.inside >= MIN_IN_ECLIPSE / 2 && fit.snr().is_finite() {
                snrs.push(fit.snr());
            }
        }
        let red = if snrs.len() >= 4 {
            let mean = snrs.iter().sum::<f64>() / snrs.len() as f64;
            let var =
                snrs.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (snrs.len() - 1) as f64;
            var.sqrt().max(1.0)
        } else {
            1.0
        };
        (best, red)
    }

    /// Weighted least squares of the residuals outside the masked windows on
    /// `[1, cos φ, sin φ, cos 2φ, sin 2φ]`, φ = 2π (phase − `zero`): the coefficients and
    /// the chi-square improvement of the four harmonic terms; `None` when too few points.
    fn harmonics(&self, resid: &[f64], zero: f64, masks: &[(f64, f64)]) -> Option<([f64; 5], f64)> {
        let mut a = [[0.0f64; 5]; 5];
        let mut b = [0.0f64; 5];
        let (mut count, mut sw, mut swr) = (0usize, 0.0, 0.0);
        let rot = rotation(zero);
        let points = self.ph[..self.n]
            .iter()
            .zip(&self.w[..self.n])
            .zip(&resid[..self.n]);
        for (i, ((&ph, &w), &r)) in points.enumerate() {
            if masks.iter().any(|&(c, half)| dphase(ph, c).abs() < half) {
                continue;
            }
            let x = self.basis(i, &rot);
            for j in 0..5 {
                b[j] += w * x[j] * r;
                for k in 0..5 {
                    a[j][k] += w * x[j] * x[k];
                }
            }
            sw += w;
            swr += w * r;
            count += 1;
        }
        if count < 10 * MIN_IN_ECLIPSE {
            return None;
        }
        let coef = solve5(a, b)?;
        // Chi-square improvement over a constant: coef · b − (Σ w r)² / Σ w.
        let gain = coef.iter().zip(&b).map(|(c, b)| c * b).sum::<f64>() - swr * swr / sw;
        Some((coef, gain.max(0.0)))
    }

    fn measure(&self) -> Vetting {
        let raw: Vec<f64> = self.r.clone();
        let Some((c1, width, _)) = self.search_primary(&raw) else {
            return Vetting::unmeasured(
                Some(self.period),
                format!("fewer than {MIN_IN_ECLIPSE} points in any dip"),
            );
        };
        // First pass: masks from the raw fold, harmonics, then search again without them.
        let (sec, _) = self.search_secondary(&raw, c1, width);
        let mut masks = vec![(c1, 0.6 * width)];
        masks.extend(sec.map(|(c, _)| (c, 0.6 * width)));
        let detrend = |coef: Option<[f64; 5]>, zero: f64| -> Vec<f64> {
            let rot = rotation(zero);
            match coef {
                Some(c) => (0..self.ph.len())
                    .map(|i| {
                        let x = self.basis(i, &rot);
                        self.r[i] - x.iter().zip(&c).map(|(x, c)| x * c).sum::<f64>()
                    })
                    .collect(),
                None => raw.clone(),
            }
        };
        let first = self.harmonics(&raw, c1, &masks);
        let resid = detrend(first.map(|h| h.0), c1);
        let (c1, width) = self
            .search_primary(&resid)
            .map_or((c1, width), |(c, w, _)| (c, w));
        let (sec, _) = self.search_secondary(&resid, c1, width);
        let mut masks = vec![(c1, 0.6 * width)];
        masks.extend(sec.map(|(c, _)| (c, 0.6 * width)));
        let harm = self.harmonics(&raw, c1, &masks);
        let resid = detrend(harm.map(|h| h.0), c1);

        // The primary's trapezoid, refined coordinate by coordinate.
        let mut shape = Trapezoid {
            centre: c1,
            width,
            ingress: 0.5,
        };
        let score = |s: &Trapezoid| {
            let f = self.trapezoid_fit(&resid, s, None);
            if f.depth > 0.0 {
                f.depth * f.depth / (f.sigma * f.sigma)
            } else {
                -1.0
            }
        };
        for round in 0..3 {
            let scale = 0.5f64.powi(round);
            let best_of = |cands: Vec<Trapezoid>| {
                cands
                    .into_iter()
                    .fold(None, |best: Option<(f64, Trapezoid)>, s| {
                        let v = score(&s);
                        match best {
                            Some((b, _)) if b >= v => best,
                            _ => Some((v, s)),
                        }
                    })
                    .map(|(_, s)| s)
            };
            let base = shape;
            let steps = -5..=5;
            if let Some(s) = best_of(
                steps
                    .clone()
                    .map(|k| Trapezoid {
                        centre: (base.centre + k as f64 * 0.05 * scale * base.width)
                            .rem_euclid(1.0),
                        ..base
                    })
                    .collect(),
            ) {
                shape = s;
            }
            let base = shape;
            if let Some(s) = best_of(
                steps
                    .clone()
                    .map(|k| Trapezoid {
                        width: (base.width * (1.0 + k as f64 * 0.1 * scale))
                            .clamp(WIDTH_MIN, 2.0 * WIDTH_MAX),
                        ..base
                    })
                    .collect(),
            ) {
                shape = s;
            }
            let base = shape;
            if let Some(s) = best_of(
                (0..=10)
                    .map(|k| Trapezoid {
                        ingress: k as f64 / 10.0,
                        ..base
                    })
                    .collect(),
            ) {
                shape = s;
            }
        }
        let primary = self.trapezoid_fit(&resid, &shape, None);
        if primary.inside < MIN_IN_ECLIPSE {
            return Vetting::unmeasured(
                Some(self.period),
                format!(
                    "{} points in the primary eclipse, fewer than {MIN_IN_ECLIPSE}",
                    primary.inside
                ),
            );
        }
        let cycles = self.eclipse_cycles(&shape);
        if cycles < 2 {
            return Vetting::unmeasured(Some(self.period), "single eclipse".to_string());
        }

        // The secondary: the primary's trapezoid at the most significant box position, its
        // centre refined; the red-noise factor from the boxes away from both eclipses.
        let (sec, red) = self.search_secondary(&resid, shape.centre, shape.width);
        let (c2, secondary) = match sec {
            Some((c, _)) => {
                let mut best = (
                    c,
                    self.trapezoid_fit(&resid, &Trapezoid { centre: c, ..shape }, None),
                );
                for k in -5..=5 {
                    let centre = (c + k as f64 * 0.05 * shape.width).rem_euclid(1.0);
                    let f = self.trapezoid_fit(&resid, &Trapezoid { centre, ..shape }, None);
                    if f.inside >= MIN_IN_ECLIPSE / 2 && f.snr() > best.1.snr() {
                        best = (centre, f);
                    }
                }
                best
            }
            None => (
                f64::NAN,
                Fit {
                    depth: f64::NAN,
                    sigma: f64::NAN,
                    inside: 0,
                },
            ),
        };

        let odd = self.trapezoid_fit(&resid, &shape, Some(1));
        let even = self.trapezoid_fit(&resid, &shape, Some(0));
        let odd_even = if odd.inside >= 3 && even.inside >= 3 {
            let noise = red * odd.sigma.hypot(even.sigma);
            (odd.depth - even.depth).abs() / noise.hypot(MISMATCH * primary.depth.abs())
        } else {
            f64::NAN
        };
        let (coef, gain) = harm.map_or(([f64::NAN; 5], f64::NAN), |(c, g)| (c, g));
        let mut v = Vetting {
            period: self.period,
            epoch: self.t_ref + shape.centre * self.period,
            depth1: primary.depth * 1e6,
            depth1_err: primary.sigma * red * 1e6,
            depth2: secondary.depth * 1e6,
            depth2_err: (secondary.sigma * red).hypot(MISMATCH * primary.depth.abs()) * 1e6,
            phase2: dphase(c2, shape.centre).rem_euclid(1.0),
            snr1: primary.snr() / red,
            snr2: secondary.depth / (secondary.sigma * red).hypot(MISMATCH * primary.depth.abs()),
            snr2_threshold: secondary_threshold(shape.width),
            red_noise: red,
            odd_even_sigma: odd_even,
            duration_over_period: shape.width,
            v_shape: shape.ingress,
            ellipsoidal: -coef[3] * 1e6,
            reflection: -coef[1] * 1e6,
            harmonic_snr: gain.sqrt() / red,
            flag: Flag::Ambiguous,
            reason: String::new(),
        };
        v.classify();
        v
    }

    /// Number of distinct cycles with a point inside the primary.
    fn eclipse_cycles(&self, shape: &Trapezoid) -> usize {
        let epoch = self.t_ref + shape.centre * self.period;
        let mut cycles: Vec<i64> = self
            .window(shape.centre, 0.5 * shape.width)
            .filter(|&i| shape.weight(dphase(self.ph[i], shape.centre)) > 0.5)
            .map(|i| ((self.t[i] - epoch) / self.period).round() as i64)
            .collect();
        cycles.sort_unstable();
        cycles.dedup();
        cycles.len()
    }
}

/// `cos z, sin z, cos 2z, sin 2z` at `z = 2π zero`: what [`Fold::basis`] rotates by.
fn rotation(zero: f64) -> [f64; 4] {
    let (s1, c1) = (2.0 * PI * zero).sin_cos();
    let (s2, c2) = (4.0 * PI * zero).sin_cos();
    [c1, s1, c2, s2]
}

/// Solves the 5×5 symmetric system by Gaussian elimination with partial pivoting; `None`
/// when singular.
fn solve5(mut a: [[f64; 5]; 5], mut b: [f64; 5]) -> Option<[f64; 5]> {
    for col in 0..5 {
        let pivot = (col..5).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..5 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 5];
    for row in (0..5).rev() {
        let s: f64 = (row + 1..5).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation,
/// relative error below 1.2e-9).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lc_sim::{simulate_one, Class, SimConfig};

    /// A simulated light curve of `class` (SNR at least 30, an eclipse in every segment) and
    /// its vetting at the true period; with whether the data cover a secondary eclipse.
    fn simulated(class: Class, seed: u64, index: u64) -> (lc_sim::Truth, Vetting, bool) {
        let cfg = SimConfig {
            classes: vec![class],
            eb_fraction: if matches!(
                class,
                Class::Detached | Class::SemiDetached | Class::Contact | Class::Ellipsoidal
            ) {
                1.0
            } else {
                0.0
            },
            min_snr: 30.0,
            eclipse_every_segment: true,
            threads: Some(1),
            ..Default::default()
        };
        let sim = simulate_one(&cfg, seed, index).unwrap();
        let points = kept_points(&sim.lc, QualityMask::Reference, &[(f64::MIN, f64::MAX)]);
        let segments: Vec<Segment<'_>> = points
            .iter()
            .map(|(time, flux)| Segment { time, flux })
            .collect();
        let v = vet(&segments, sim.truth.period_d);
        let t = &sim.truth;
        let seen = match (t.period_d, t.t0, t.phase2, t.duration_d) {
            (Some(p), Some(t0), Some(ph2), Some(d)) => points[0]
                .0
                .iter()
                .any(|&ti| dphase(crate::period::phase(ti, t0, p), ph2).abs() < 0.25 * d / p),
            _ => false,
        };
        (sim.truth, v, seen)
    }

    /// The vettings of twelve simulated light curves of `class` (seed 7).
    fn set(class: Class) -> Vec<(lc_sim::Truth, Vetting, bool)> {
        (0..12).map(|i| simulated(class, 7, i)).collect()
    }

    fn count(set: &[(lc_sim::Truth, Vetting, bool)], flag: Flag) -> usize {
        set.iter().filter(|(_, v, _)| v.flag == flag).count()
    }

    /// Recovered over true primary depth, for the light curves with a primary of SNR 20 or more.
    fn depth_ratios(set: &[(lc_sim::Truth, Vetting, bool)]) -> Vec<f64> {
        set.iter()
            .filter(|(_, v, _)| v.snr1 >= 20.0)
            .map(|(t, v, _)| v.depth1 / (t.depth1.unwrap() * 1e6))
            .collect()
    }

    #[test]
    fn eclipsing_binaries_depths_and_secondary_phase() {
        for class in [Class::Detached, Class::Blend] {
            let set = set(class);
            let ratios = depth_ratios(&set);
            assert!(ratios.len() >= 10, "{class:?}: {ratios:?}");
            // A trapezoid's flat bottom is shallower than a limb-darkened eclipse's centre.
            for r in &ratios {
                assert!((0.8..1.05).contains(r), "{class:?}: {ratios:?}");
            }
            let m = median(&ratios).unwrap();
            assert!((0.9..1.0).contains(&m), "{class:?}: median {m}");
            for (t, v, seen) in &set {
                let d2 = t.depth2.unwrap() * 1e6;
                // Every secondary in the data well above the uncertainty is found, at its phase
                // and depth.
                if *seen && d2 > 10.0 * v.depth2_err {
                    assert!(v.secondary_significant(), "{t:?} {v:?}");
                }
                if v.secondary_significant() {
                    let dphi = dphase(v.phase2, t.phase2.unwrap()).abs();
                    assert!(dphi < 0.01, "{t:?} {v:?}");
                    // lc-sim's depth2 is the depth at phase 0.5: only circular orbits compare.
                    if t.ecc.unwrap() < 0.01 {
                        assert!((v.depth2 / d2 - 0.9).abs() < 0.2, "{t:?} {v:?}");
                    }
                }
            }
            assert!(count(&set, Flag::Eb) >= 10, "{class:?}: {set:?}");
            assert_eq!(count(&set, Flag::Sinusoidal), 0, "{class:?}");
        }
    }

    #[test]
    fn planets_are_planet_like() {
        let set = set(Class::Planet);
        let ratios = depth_ratios(&set);
        assert_eq!(ratios.len(), 12);
        for r in &ratios {
            assert!((0.8..1.05).contains(r), "{ratios:?}");
        }
        for (t, v, _) in &set {
            assert!(!v.secondary_significant(), "{t:?} {v:?}");
            assert!(v.odd_even_sigma < ODD_EVEN_MAX, "{t:?} {v:?}");
            assert!(v.v_shape < 0.8, "{t:?} {v:?}");
        }
        assert_eq!(count(&set, Flag::Eb), 0);
        assert!(count(&set, Flag::PlanetLike) >= 8, "{set:?}");
    }

    #[test]
    fn variables_are_not_planet_like() {
        for (class, sinusoidal) in [
            (Class::Rotator, 6),
            (Class::DeltaScuti, 8),
            (Class::Ellipsoidal, 11),
        ] {
            let set = set(class);
            let flags: Vec<Flag> = set.iter().map(|(_, v, _)| v.flag).collect();
            assert_eq!(count(&set, Flag::PlanetLike), 0, "{class:?}: {flags:?}");
            assert!(
                count(&set, Flag::Sinusoidal) >= sinusoidal,
                "{class:?}: {flags:?}"
            );
        }
    }

    /// 2-minute cadence from `start` for `days`, with a box dip of `depth` and `duration` (days)
    /// centred on each of `centres`, and 1000 ppm of deterministic pseudo-noise.
    fn boxes(
        days: f64,
        cadence_d: f64,
        centres: &[f64],
        duration: f64,
        depth: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let n = (days / cadence_d) as usize;
        let mut state = 12345u64;
        (0..n)
            .map(|i| {
                let t = 2000.0 + i as f64 * cadence_d;
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                let dip = centres.iter().any(|c| (t - c).abs() < 0.5 * duration);
                (
                    t,
                    1000.0 * (1.0 - if dip { depth } else { 0.0 } + 3.4e-3 * u),
                )
            })
            .unzip()
    }

    #[test]
    fn bad_cases_give_nan_and_a_reason() {
        let (t, f) = boxes(
            20.0,
            1.0 / 720.0,
            &[2003.0, 2008.0, 2013.0, 2018.0],
            0.2,
            0.01,
        );
        let seg = [Segment { time: &t, flux: &f }];
        let nan = |v: &Vetting| {
            [
                v.depth1,
                v.depth2,
                v.phase2,
                v.snr1,
                v.odd_even_sigma,
                v.v_shape,
                v.ellipsoidal,
            ]
            .iter()
            .all(|x| x.is_nan())
                && v.flag == Flag::Ambiguous
        };
        // The good case first, so the bad ones are bad for their stated reason.
        let good = vet(&seg, Some(5.0));
        assert!((good.depth1 - 10_000.0).abs() < 500.0, "{good:?}");
        for (period, reason) in [
            (None, "no period estimate"),
            (Some(f64::NAN), "no period estimate"),
            (Some(-1.0), "no period estimate"),
            (Some(25.0), "longer than the span"),
        ] {
            let v = vet(&seg, period);
            assert!(nan(&v) && v.reason.contains(reason), "{period:?}: {v:?}");
        }
        // One eclipse in 20 days, at a period shorter than the span (the next one would fall
        // after the end).
        let (t1, f1) = boxes(20.0, 1.0 / 720.0, &[2010.0], 0.2, 0.01);
        let v = vet(
            &[Segment {
                time: &t1,
                flux: &f1,
            }],
            Some(15.0),
        );
        assert!(nan(&v) && v.reason == "single eclipse", "{v:?}");
        // 30-minute cadence and a 40-minute eclipse: two or three points in each of four.
        let (t2, f2) = boxes(
            20.0,
            1.0 / 48.0,
            &[2003.0, 2008.0, 2013.0, 2018.0],
            0.028,
            0.01,
        );
        let v = vet(
            &[Segment {
                time: &t2,
                flux: &f2,
            }],
            Some(5.0),
        );
        assert!(nan(&v) && v.reason.contains("points"), "{v:?}");
        // No usable points at all, and NaN fluxes.
        let v = vet(&[], Some(5.0));
        assert!(nan(&v) && v.reason.contains("usable points"), "{v:?}");
        let nans = vec![f64::NAN; t.len()];
        let v = vet(
            &[Segment {
                time: &t,
                flux: &nans,
            }],
            Some(5.0),
        );
        assert!(nan(&v), "{v:?}");
    }

    #[test]
    fn deterministic_whatever_the_segment_order() {
        let (t, f) = boxes(
            20.0,
            1.0 / 720.0,
            &[2003.0, 2008.0, 2013.0, 2018.0],
            0.2,
            0.01,
        );
        let (a, b) = (t.len() / 3, 2 * t.len() / 3);
        let seg = |r: std::ops::Range<usize>| Segment {
            time: &t[r.clone()],
            flux: &f[r],
        };
        let forward = vet(&[seg(0..a), seg(a..b), seg(b..t.len())], Some(5.0));
        let again = vet(&[seg(0..a), seg(a..b), seg(b..t.len())], Some(5.0));
        let backward = vet(&[seg(b..t.len()), seg(a..b), seg(0..a)], Some(5.0));
        assert_eq!(format!("{forward:?}"), format!("{again:?}"));
        assert_eq!(format!("{forward:?}"), format!("{backward:?}"));
        assert_eq!(forward.flag, Flag::PlanetLike, "{forward:?}");
    }

    #[test]
    fn sectors_far_apart_refine_the_period() {
        // Two sectors 700 days apart, each of two segments; P_EB off by 6e-4 would shift the
        // second sector's eclipses by 0.4 d, twice their duration.
        let truth = 5.0;
        let centres: Vec<f64> = (0..150).map(|k| 2001.0 + truth * k as f64).collect();
        let (t, f) = boxes(720.0, 1.0 / 720.0, &centres, 0.2, 0.01);
        let in_sector = |lo: f64, hi: f64| {
            let idx: Vec<usize> = (0..t.len()).filter(|&i| t[i] >= lo && t[i] < hi).collect();
            (idx[0], idx[idx.len() - 1] + 1)
        };
        let parts = [
            in_sector(2000.0, 2012.0),
            in_sector(2012.0, 2024.0),
            in_sector(2696.0, 2708.0),
            in_sector(2708.0, 2720.0),
        ];
        let seg = |&(a, b): &(usize, usize)| Segment {
            time: &t[a..b],
            flux: &f[a..b],
        };
        let forward: Vec<Segment<'_>> = parts.iter().map(seg).collect();
        let v = vet(&forward, Some(5.003));
        assert!((v.period - truth).abs() < 2e-4, "{v:?}");
        assert!((v.depth1 - 10_000.0).abs() < 500.0, "{v:?}");
        assert_eq!(v.flag, Flag::PlanetLike, "{v:?}");
        let backward: Vec<Segment<'_>> = parts.iter().rev().map(seg).collect();
        assert_eq!(
            format!("{v:?}"),
            format!("{:?}", vet(&backward, Some(5.003)))
        );
        // One sector alone is not refined.
        assert_eq!(vet(&forward[..2], Some(5.003)).period, 5.003);
    }

    #[test]
    fn normal_quantile_matches_tables() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_985),
            (0.999_9, 3.719_016_485),
            (1e-5, -4.264_890_794),
        ] {
            assert!((normal_quantile(p) - z).abs() < 1e-8, "{p}");
        }
    }
}
