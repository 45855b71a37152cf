//! The generalized Lomb-Scargle periodogram of Zechmeister & Kürster (2009): the best-fitting
//! sinusoid plus a floating mean at each trial frequency, with optional weights, on any
//! frequency grid.
//!
//! ```
//! use gls::{FrequencyGrid, Normalization, Periodogram};
//! // 2-minute cadence over 13 days at BTJD 2000, a 1.3-day signal.
//! let t: Vec<f64> = (0..9400).map(|i| 2000.0 + i as f64 / 720.0).collect();
//! let y: Vec<f64> = t.iter().map(|t| (2.0 * std::f64::consts::PI * t / 1.3).sin()).collect();
//! let dy = vec![0.1; t.len()];
//! let grid = FrequencyGrid::calnet(); // CALNet's 1000 periods, 0.0028 to 10 days
//! let result = Periodogram::new(&t, &y)?
//!     .weights(&dy)
//!     .normalization(Normalization::Standard)
//!     .compute(&grid)?;
//! assert!((result.best_period() - 1.3).abs() < 0.02);
//! # Ok::<(), gls::GlsError>(())
//! ```
//!
//! # What is computed
//! With weights `w_i = σ_i⁻² / Σ σ⁻²` (equal weights without uncertainties), times `t_i`,
//! values `y_i`, and `ω = 2π f`:
//! `Y = Σ w y`, `C = Σ w cos ωt`, `S = Σ w sin ωt`, `YY = Σ w y² - Y²`,
//! `YC = Σ w y cos ωt - Y C`, `YS = Σ w y sin ωt - Y S`, `CC = Σ w cos² ωt - C²`,
//! `SS = Σ w sin² ωt - S²`, `CS = Σ w cos ωt sin ωt - C S`, `D = CC SS - CS²`, and the standard
//! power `p = (SS YC² + CC YS² - 2 CS YC YS) / (YY D)`, the fraction of the weighted variance
//! the sinusoid explains. It equals astropy's `LombScargle(t, y, dy, fit_mean=True,
//! center_data=True, normalization='standard')`. Other scalings are in [`Normalization`];
//! false-alarm probabilities in [`FalseAlarmMethod`]; the spectral window is
//! [`PeriodogramResult::window_power`]. Where `D` vanishes (the cosine and sine are the same
//! function on the sampling, as at the Nyquist frequency of regular data) the power is that of
//! the one remaining term instead of 0/0.
//!
//! # Kernels
//! [`Method`] lists them: `Direct` (exact sums, AVX2/FMA when available), `Recurrence`
//! (exact, phase recurrences along nearly regular cadences), `Fast` (type-3
//! non-uniform FFT with a tolerance), `Naive` (the plain loop, the test oracle); `Auto` picks
//! by size. [`batch`] computes many light curves across cores with results identical whatever
//! the number of threads.
#![deny(missing_docs)]

mod error;
mod grid;
mod kernel;
mod normalization;
mod stats;

pub use error::GlsError;
pub use grid::{FrequencyGrid, GridKind};
pub use kernel::Method;
pub use normalization::Normalization;
pub use stats::FalseAlarmMethod;

use kernel::Prepared;
#[cfg(feature = "rayon")]
use rayon::prelude::*;

/// Default tolerance of the fast kernel (relative to the scale of each sum).
pub const DEFAULT_TOLERANCE: f64 = 1e-10;

/// Most points a [`FrequencyGrid`] may have (16.8 million: about 400 MB for the grid, as much
/// again for the sums). Larger grids are refused where they are made.
pub const MAX_GRID_POINTS: usize = 1 << 24;

/// Longest FFT the fast kernel plans (67 million points, 1 GiB per complex buffer);
/// [`Method::Auto`] picks the direct kernel beyond it, an explicit [`Method::Fast`] is refused.
pub const MAX_FFT_LEN: usize = 1 << 26;

/// Most frequencies the fast kernel plans for (1,048,576: its plan holds four interpolation
/// targets of 144 bytes per frequency, 600 MB here); [`Method::Auto`] picks the direct kernel
/// beyond it, an explicit [`Method::Fast`] is refused. Found by the `gls_grid` fuzz target: a
/// grid of 14 million points had the fast kernel plan 8 GB.
pub const MAX_FAST_GRID: usize = 1 << 20;

/// Largest phase `ω (t - t_mid)` any kernel accepts, in radians: beyond it an f64 phase keeps
/// less than about 0.1 radian of precision and every power would be noise.
pub const MAX_PHASE: f64 = 1e15;

/// A light curve ready for periodograms: the front door.
///
/// Build it with [`Periodogram::new`], set options, then [`Periodogram::compute`] on a
/// [`FrequencyGrid`]. The builder holds views of the caller's arrays and copies nothing until
/// `compute`.
#[derive(Debug, Clone)]
pub struct Periodogram<'a> {
    t: &'a [f64],
    y: &'a [f64],
    dy: Option<&'a [f64]>,
    normalization: Normalization,
    method: Method,
    tolerance: f64,
}

impl<'a> Periodogram<'a> {
    /// Times `t` (any unit; days for TESS BTJD) and values `y`, checked: equal lengths, at
    /// least 3 points, all finite. Times need not be sorted; equal times are allowed.
    pub fn new(t: &'a [f64], y: &'a [f64]) -> Result<Self, GlsError> {
        if y.len() != t.len() {
            return Err(GlsError::LengthMismatch {
                what: "y",
                got: y.len(),
                expected: t.len(),
            });
        }
        if t.len() < 3 {
            return Err(GlsError::TooFewPoints { n: t.len() });
        }
        check_finite("t", t)?;
        check_finite("y", y)?;
        Ok(Self {
            t,
            y,
            dy: None,
            normalization: Normalization::Standard,
            method: Method::Auto,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Measurement uncertainties σ (astropy's `dy`): the weights are `1/σ²`. Checked by
    /// [`Periodogram::compute`] (same length as `t`, finite, positive).
    pub fn weights(mut self, dy: &'a [f64]) -> Self {
        self.dy = Some(dy);
        self
    }

    /// The normalisation of the returned power (default [`Normalization::Standard`]).
    pub fn normalization(mut self, normalization: Normalization) -> Self {
        self.normalization = normalization;
        self
    }

    /// The kernel (default [`Method::Auto`]).
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Tolerance of the fast kernel, in `[1e-14, 1e-2]` (default [`DEFAULT_TOLERANCE`]); the
    /// exact kernels ignore it. Checked by [`Periodogram::compute`].
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Computes the power at every frequency of `grid`, in grid order.
    pub fn compute(&self, grid: &FrequencyGrid) -> Result<PeriodogramResult, GlsError> {
        if !(1e-14..=1e-2).contains(&self.tolerance) {
            return Err(GlsError::InvalidParameter {
                name: "tolerance",
                value: self.tolerance,
                reason: "must lie in [1e-14, 1e-2]",
            });
        }
        let prep = self.prepare()?;
        let omega = grid.angular_frequencies();
        let omega_max = omega.iter().cloned().fold(0.0, f64::max);
        let method = self
            .method
            .resolve(self.t.len(), omega.len(), omega_max, prep.span);
        kernel::check_size(method, omega.len(), omega_max, prep.span)?;
        let sums = kernel::sums(&prep, grid, method, self.tolerance);
        let n = self.t.len();
        let power = sums
            .iter()
            .map(|s| {
                let p = kernel::standard_power(s, prep.y_res, prep.yy);
                self.normalization.from_standard(p, n, prep.chi2_ref)
            })
            .collect();
        let window_power = sums.iter().map(|s| s.c * s.c + s.s * s.s).collect();
        Ok(PeriodogramResult {
            power,
            grid: grid.clone(),
            normalization: self.normalization,
            method,
            window_power,
            n_points: n,
            chi2_ref: prep.chi2_ref,
            span: prep.span,
            t_var: prep.t_var,
        })
    }

    /// Centred times, normalised weights, centred weighted values.
    fn prepare(&self) -> Result<Prepared, GlsError> {
        let n = self.t.len();
        let mut w = match self.dy {
            None => vec![1.0; n],
            Some(dy) => {
                if dy.len() != n {
                    return Err(GlsError::LengthMismatch {
                        what: "dy",
                        got: dy.len(),
                        expected: n,
                    });
                }
                check_finite("dy", dy)?;
                if let Some((index, &value)) = dy.iter().enumerate().find(|(_, &d)| d <= 0.0) {
                    return Err(GlsError::NonPositiveUncertainty { index, value });
                }
                dy.iter().map(|d| 1.0 / (d * d)).collect()
            }
        };
        let (tmin, tmax) = self
            .t
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
                (a.min(t), b.max(t))
            });
        let span = tmax - tmin;
        if span <= 0.0 {
            return Err(GlsError::ZeroTimeSpan);
        }
        if self.y.iter().all(|&v| v == self.y[0]) {
            return Err(GlsError::ConstantSignal);
        }
        let wsum: f64 = w.iter().sum();
        let raw_w_over = 1.0 / wsum;
        // chi2_ref uses the raw weights 1/σ² (σ = 1 without dy).
        let ymean = self.y.iter().zip(&w).map(|(y, w)| y * w).sum::<f64>() * raw_w_over;
        let chi2_ref: f64 = self
            .y
            .iter()
            .zip(&w)
            .map(|(y, w)| w * (y - ymean) * (y - ymean))
            .sum();
        for wi in w.iter_mut() {
            *wi *= raw_w_over;
        }
        // The middle of the span: t - tc is exact (Sterbenz) whenever the span is small
        // against the times, as for BTJD.
        let tc = 0.5 * (tmin + tmax);
        let s: Vec<f64> = self.t.iter().map(|t| t - tc).collect();
        let wy: Vec<f64> = self
            .y
            .iter()
            .zip(&w)
            .map(|(y, w)| w * (y - ymean))
            .collect();
        let y_res: f64 = wy.iter().sum();
        let yy: f64 = self
            .y
            .iter()
            .zip(&w)
            .map(|(y, w)| w * (y - ymean) * (y - ymean))
            .sum::<f64>()
            - y_res * y_res;
        let ymax = self.y.iter().fold(0.0f64, |a, y| a.max(y.abs()));
        if yy.is_nan() || yy <= (8.0 * f64::EPSILON * ymax).powi(2) {
            return Err(GlsError::ConstantSignal);
        }
        let smean: f64 = s.iter().zip(&w).map(|(s, w)| s * w).sum();
        let t_var: f64 = s
            .iter()
            .zip(&w)
            .map(|(s, w)| w * (s - smean) * (s - smean))
            .sum();
        Ok(Prepared {
            s,
            w,
            wy,
            y_res,
            yy,
            chi2_ref,
            span,
            t_var,
        })
    }
}

fn check_finite(what: &'static str, v: &[f64]) -> Result<(), GlsError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(GlsError::NonFinite {
            what,
            index,
            value: v[index],
        }),
        None => Ok(()),
    }
}

/// A local maximum of the power.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peak {
    /// Index in the grid.
    pub index: usize,
    /// Frequency (cycles per time unit).
    pub frequency: f64,
    /// Period (time unit).
    pub period: f64,
    /// Power in the result's normalisation.
    pub power: f64,
}

/// A computed periodogram: the power in grid order and the grid it was computed on.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodogramResult {
    /// Power, one per grid point, grid order, in [`PeriodogramResult::normalization`].
    pub power: Vec<f64>,
    /// The grid (frequencies, periods).
    pub grid: FrequencyGrid,
    /// The normalisation of `power`.
    pub normalization: Normalization,
    /// The kernel that ran (`Auto` resolved).
    pub method: Method,
    /// The spectral window `|Σ w e^{iωt}|²` (normalised weights), in `[0, 1]`: the power a
    /// pure sampling pattern puts at each frequency (1 at ω = 0).
    pub window_power: Vec<f64>,
    /// Number of points.
    pub n_points: usize,
    /// `χ²₀ = Σ (y - ȳ)² / σ²` (σ = 1 without uncertainties).
    pub chi2_ref: f64,
    /// Time span `max t - min t`.
    pub span: f64,
    t_var: f64,
}

impl PeriodogramResult {
    /// Index of the highest power (the first one on ties).
    pub fn best_index(&self) -> usize {
        let mut best = 0;
        for (i, &p) in self.power.iter().enumerate() {
            if p > self.power[best] {
                best = i;
            }
        }
        best
    }

    /// Period of the highest power.
    pub fn best_period(&self) -> f64 {
        self.grid.periods()[self.best_index()]
    }

    /// Frequency of the highest power.
    pub fn best_frequency(&self) -> f64 {
        self.grid.frequencies()[self.best_index()]
    }

    /// The `k` highest local maxima in grid order (a point at least as high as both
    /// neighbours; the ends count against their one neighbour), highest first; ties keep grid
    /// order.
    ///
    /// ```
    /// # use gls::{FrequencyGrid, Periodogram};
    /// let t: Vec<f64> = (0..500).map(|i| i as f64 * 0.05).collect();
    /// let y: Vec<f64> = t.iter().map(|t| (t * 2.0).sin() + 0.5 * (t * 7.0).sin()).collect();
    /// let grid = FrequencyGrid::regular(0.05, 2.0, 2000).unwrap();
    /// let r = Periodogram::new(&t, &y).unwrap().compute(&grid).unwrap();
    /// let peaks = r.peaks(2);
    /// assert!((peaks[0].frequency - 2.0 / (2.0 * std::f64::consts::PI)).abs() < 0.01);
    /// assert!((peaks[1].frequency - 7.0 / (2.0 * std::f64::consts::PI)).abs() < 0.01);
    /// ```
    pub fn peaks(&self, k: usize) -> Vec<Peak> {
        let p = &self.power;
        let m = p.len();
        let mut idx: Vec<usize> = (0..m)
            .filter(|&i| (i == 0 || p[i] >= p[i - 1]) && (i + 1 == m || p[i] >= p[i + 1]))
            .collect();
        idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        idx.into_iter()
            .take(k)
            .map(|index| Peak {
                index,
                frequency: self.grid.frequencies()[index],
                period: self.grid.periods()[index],
                power: p[index],
            })
            .collect()
    }

    /// The power min-max normalised to `[0, 1]` (CALNet's periodogram input); all zeros when
    /// the power is flat.
    pub fn min_max_normalized(&self) -> Vec<f64> {
        let lo = self.power.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = self.power.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let range = hi - lo;
        if range.is_nan() || range <= 0.0 || range.is_infinite() {
            return vec![0.0; self.power.len()];
        }
        self.power.iter().map(|p| (p - lo) / range).collect()
    }

    /// False-alarm probability of a power value `z` (in this result's normalisation), for the
    /// highest frequency of the grid. See [`FalseAlarmMethod`] for the formulas.
    ///
    /// ```
    /// # use gls::{FalseAlarmMethod, FrequencyGrid, Periodogram};
    /// let t: Vec<f64> = (0..200).map(|i| i as f64 * 0.1 + (i % 7) as f64 * 0.01).collect();
    /// let y: Vec<f64> = t.iter().map(|t| (t * 3.0).sin()).collect();
    /// let grid = FrequencyGrid::regular(0.01, 2.0, 500).unwrap();
    /// let r = Periodogram::new(&t, &y).unwrap().compute(&grid).unwrap();
    /// let best = r.power[r.best_index()];
    /// assert!(r.false_alarm_probability(best, FalseAlarmMethod::Baluev).unwrap() < 1e-10);
    /// ```
    pub fn false_alarm_probability(
        &self,
        z: f64,
        method: FalseAlarmMethod,
    ) -> Result<f64, GlsError> {
        if !z.is_finite() || z < 0.0 {
            return Err(GlsError::InvalidParameter {
                name: "power",
                value: z,
                reason: "must be finite and non-negative",
            });
        }
        let p = self
            .normalization
            .to_standard(z, self.n_points, self.chi2_ref);
        stats::false_alarm_probability(
            p.clamp(0.0, 1.0),
            method,
            self.n_points,
            self.grid.max_frequency(),
            self.span,
            self.t_var,
        )
    }
}

/// Computes many periodograms on one grid across rayon's threads (feature `rayon`, on by
/// default; one after the other without it). Each periodogram is computed by one thread with
/// the same arithmetic as [`Periodogram::compute`], so the results (in input order) are
/// identical whatever the number of threads.
///
/// ```
/// # use gls::{batch, FrequencyGrid, Periodogram};
/// let t: Vec<f64> = (0..300).map(|i| i as f64 * 0.05).collect();
/// let ys: Vec<Vec<f64>> = (1..4).map(|k| t.iter().map(|t| (t * k as f64).sin()).collect()).collect();
/// let jobs: Vec<Periodogram> = ys.iter().map(|y| Periodogram::new(&t, y).unwrap()).collect();
/// let results = batch(&jobs, &FrequencyGrid::regular(0.01, 1.0, 300).unwrap());
/// assert_eq!(results.len(), 3);
/// ```
pub fn batch(
    periodograms: &[Periodogram<'_>],
    grid: &FrequencyGrid,
) -> Vec<Result<PeriodogramResult, GlsError>> {
    #[cfg(feature = "rayon")]
    let jobs = periodograms.par_iter();
    #[cfg(not(feature = "rayon"))]
    let jobs = periodograms.iter();
    jobs.map(|p| p.compute(grid)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The portable paths, which the runtime dispatch skips on AVX2 machines, against the
    /// naive kernel (RustFFT's rule: every path against the naive truth).
    #[test]
    fn portable_paths_match_naive() {
        // 20-minute cadence over 12.5 days (f T >= 1 on both grids), a gap, dropped points.
        let t: Vec<f64> = (0..900)
            .filter(|i| i % 37 != 0)
            .map(|i| 3000.0 + i as f64 / 72.0 + if i > 400 { 0.4 } else { 0.0 })
            .collect();
        let y: Vec<f64> = t
            .iter()
            .enumerate()
            .map(|(i, t)| (t * 9.0).sin() + 0.3 * ((i * 7919) % 13) as f64)
            .collect();
        let prep = Periodogram::new(&t, &y).unwrap().prepare().unwrap();
        for grid in [
            FrequencyGrid::calnet(),
            FrequencyGrid::regular(0.05, 300.0, 3000).unwrap(),
        ] {
            let om = grid.angular_frequencies();
            let dnu = match grid.kind() {
                GridKind::Regular { df, .. } => Some(2.0 * std::f64::consts::PI * df),
                _ => None,
            };
            let power = |s: &[kernel::TrigSums]| -> Vec<f64> {
                s.iter()
                    .map(|s| kernel::standard_power(s, prep.y_res, prep.yy))
                    .collect()
            };
            let truth = power(&kernel::naive::sums(&prep, om));
            let scale = truth.iter().cloned().fold(0.0, f64::max);
            for (name, got, tol) in [
                ("direct", power(&kernel::direct::portable(&prep, om)), 1e-9),
                (
                    "recurrence",
                    power(&kernel::recurrence::portable(&prep, om)),
                    1e-9,
                ),
                (
                    "fast",
                    power(&kernel::fast::portable(&prep, om, dnu, 1e-10)),
                    2e-9,
                ),
            ] {
                let e = got
                    .iter()
                    .zip(&truth)
                    .map(|(a, b)| (a - b).abs() / scale)
                    .fold(0.0, f64::max);
                assert!(e <= tol, "{name} on {} frequencies: {e:e}", om.len());
            }
        }
    }
}
