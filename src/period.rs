//! The period of an eclipsing-binary candidate: the periodogram's peak, or twice the peak.
//!
//! The Lomb-Scargle periodogram of an eclipsing binary usually peaks at half the orbital period
//! (two eclipses per orbit look like one signal at twice the frequency), while a sinusoidal
//! variable (a spotted or pulsating star) peaks at its true period. [`estimate`] folds the light
//! curve at both candidates and keeps the one that folds it more coherently:
//!
//! 1. each candidate is refined by phase dispersion minimisation (Stellingwerf 1978) within one
//!    step of CALNet's period grid (the grid's 0.8 % steps smear a fold of many cycles);
//! 2. at twice the peak the fold is cut into two halves, one per eclipse, and the halves are
//!    compared bin by bin (a chi-square of the differences of the bin means): unequal alternate
//!    minima, or any other difference between the halves, mean the true period is the doubled
//!    one; identical halves mean the signal repeats at the peak itself;
//! 3. the doubled period is kept only when the test rejects identical halves (`z` above
//!    [`ALTERNATE_Z`]) and its fold is also less dispersed than the fold at the peak.
//!
//! An eclipsing binary with equal eclipses cannot be told from photometry alone: its estimate
//! stays at the peak, half the orbital period; the vetting sheet's fold shows it.
//!
//! ```
//! use calnet::period;
//!
//! // A sinusoid of period 1.7 d sampled every 2 minutes for 12 days.
//! let time: Vec<f64> = (0..8640).map(|i| 1400.0 + i as f64 / 720.0).collect();
//! let flux: Vec<f64> = time
//!     .iter()
//!     .map(|t| (2.0 * std::f64::consts::PI * t / 1.7).sin())
//!     .collect();
//! let e = period::estimate(&time, &flux, 1.705).unwrap();
//! assert!(!e.doubled);
//! assert!((e.period - 1.7).abs() < 1e-3);
//! ```

use serde::{Deserialize, Serialize};

/// Number of phase bins of a fold at the periodogram's peak; a fold at twice the peak uses
/// twice as many, so that both resolve the same span of time.
pub const BINS: usize = 50;

/// The alternate-halves test's threshold, in standard deviations of the chi-square (through
/// the Wilson-Hilferty transform): above it, the two halves of the doubled fold differ.
pub const ALTERNATE_Z: f64 = 5.0;

/// The ratio of neighbouring periods on CALNet's grid (`logspace(-3, 1, 1125)`):
/// `10^(4/1124)`. A periodogram peak read off that grid is within this factor of the truth.
pub const GRID_RATIO: f64 = 1.008_227_011_660_524_8;

/// The outcome of [`estimate`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeriodEstimate {
    /// The periodogram's peak period, refined, days.
    pub peak: f64,
    /// The estimate: `peak`, or the refined doubled period when that folds better, days.
    pub period: f64,
    /// Whether `period` is the doubled one.
    pub doubled: bool,
    /// Phase dispersion (Stellingwerf's theta: pooled bin variance over total variance, 0 for a
    /// perfect fold, about 1 for noise) of the fold at `peak`; `None` for a constant flux.
    pub theta_peak: Option<f64>,
    /// Phase dispersion of the fold at the doubled period.
    pub theta_double: Option<f64>,
    /// The alternate-halves statistic at the doubled period, in standard deviations; `None`
    /// when too few bins hold points in both halves.
    pub alternate_z: Option<f64>,
}

/// The period of the highest value of a periodogram: `periods[argmax(power)]`, the first one
/// on ties. `None` when empty, when the lengths differ or when no power is finite.
///
/// ```
/// let p = calnet::period::peak_period(&[1.0, 2.0, 3.0], &[0.1, 0.9, 0.3]);
/// assert_eq!(p, Some(2.0));
/// ```
pub fn peak_period(periods: &[f64], power: &[f32]) -> Option<f64> {
    if periods.len() != power.len() {
        return None;
    }
    let mut best: Option<(usize, f32)> = None;
    for (i, &p) in power.iter().enumerate() {
        if p.is_finite() && best.is_none_or(|(_, b)| p > b) {
            best = Some((i, p));
        }
    }
    best.map(|(i, _)| periods[i])
}

/// Chooses between `peak` and `2 * peak` as described in the [module documentation](self).
///
/// `time` in days (any origin), `flux` in any unit; non-finite pairs are ignored. `None` when
/// `peak` is not a positive finite number or fewer than `4 * BINS` points are usable.
pub fn estimate(time: &[f64], flux: &[f64], peak: f64) -> Option<PeriodEstimate> {
    if !(peak.is_finite() && peak > 0.0) {
        return None;
    }
    let (t, y) = usable(time, flux);
    if t.len() < 4 * BINS {
        return None;
    }
    let span = t[t.len() - 1] - t[0];
    let peak = refine(&t, &y, peak, BINS, span);
    let double = refine(&t, &y, 2.0 * peak, 2 * BINS, span);
    let theta_peak = Fold::new(&t, &y, peak, BINS).theta();
    let fold_double = Fold::new(&t, &y, double, 2 * BINS);
    let theta_double = fold_double.theta();
    let alternate_z = fold_double.alternate_z();
    let doubled = alternate_z > ALTERNATE_Z && theta_double < theta_peak;
    let finite = |v: f64| v.is_finite().then_some(v);
    Some(PeriodEstimate {
        peak,
        period: if doubled { double } else { peak },
        doubled,
        theta_peak: finite(theta_peak),
        theta_double: finite(theta_double),
        alternate_z: finite(alternate_z),
    })
}

/// Phase in [0, 1) of `t` at `period`, with the epoch at the first time.
pub fn phase(t: f64, t0: f64, period: f64) -> f64 {
    let x = (t - t0) / period;
    x - x.floor()
}

/// Finite pairs, in time order, with the flux centred on its mean (sums of squares then stay
/// accurate whatever the flux level).
fn usable(time: &[f64], flux: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut pairs: Vec<(f64, f64)> = time
        .iter()
        .zip(flux)
        .filter(|(t, f)| t.is_finite() && f.is_finite())
        .map(|(&t, &f)| (t, f))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean = pairs.iter().map(|p| p.1).sum::<f64>() / pairs.len().max(1) as f64;
    pairs.into_iter().map(|(t, f)| (t, f - mean)).unzip()
}

/// Minimises the phase dispersion within one grid step either side of `period`, in three
/// passes of finer and finer scans (the dispersion's valley is `period / span` wide in relative
/// terms, narrower than one grid step for short periods).
fn refine(t: &[f64], y: &[f64], period: f64, bins: usize, span: f64) -> f64 {
    const STEPS: usize = 48;
    let mut lo = (period / GRID_RATIO).ln();
    let mut hi = (period * GRID_RATIO).ln();
    let mut best = (Fold::new(t, y, period, bins).theta(), period);
    for _ in 0..3 {
        let step = (hi - lo) / STEPS as f64;
        for k in 0..=STEPS {
            let p = (lo + step * k as f64).exp();
            let theta = Fold::new(t, y, p, bins).theta();
            if theta < best.0 {
                best = (theta, p);
            }
        }
        let centre = best.1.ln();
        // Stop once the scan is finer than the valley could resolve.
        if step < 0.1 * best.1 / (span.max(best.1) * bins as f64) {
            break;
        }
        lo = centre - 2.0 * step;
        hi = centre + 2.0 * step;
    }
    best.1
}

/// Per-bin sums of a fold: count, sum and sum of squares.
struct Fold {
    n: Vec<f64>,
    sum: Vec<f64>,
    sum2: Vec<f64>,
}

impl Fold {
    fn new(t: &[f64], y: &[f64], period: f64, bins: usize) -> Fold {
        let mut fold = Fold {
            n: vec![0.0; bins],
            sum: vec![0.0; bins],
            sum2: vec![0.0; bins],
        };
        let t0 = t[0];
        for (&ti, &yi) in t.iter().zip(y) {
            let b = ((phase(ti, t0, period) * bins as f64) as usize).min(bins - 1);
            fold.n[b] += 1.0;
            fold.sum[b] += yi;
            fold.sum2[b] += yi * yi;
        }
        fold
    }

    /// Stellingwerf's theta: pooled within-bin variance over the total variance.
    fn theta(&self) -> f64 {
        let n: f64 = self.n.iter().sum();
        let sum: f64 = self.sum.iter().sum();
        let sum2: f64 = self.sum2.iter().sum();
        let total = (sum2 - sum * sum / n) / (n - 1.0);
        let (mut within, mut dof) = (0.0, 0.0);
        for b in 0..self.n.len() {
            if self.n[b] >= 2.0 {
                within += self.sum2[b] - self.sum[b] * self.sum[b] / self.n[b];
                dof += self.n[b] - 1.0;
            }
        }
        if dof <= 0.0 || total <= 0.0 {
            return f64::NAN;
        }
        (within / dof) / total
    }

    /// Compares bin `b` with bin `b + bins/2`: the chi-square of the differences of their means,
    /// as a standard normal deviate (Wilson-Hilferty). NaN when fewer than a quarter of the pairs
    /// have two points on each side.
    fn alternate_z(&self) -> f64 {
        let half = self.n.len() / 2;
        let (mut chi2, mut k) = (0.0, 0usize);
        for a in 0..half {
            let b = a + half;
            if self.n[a] < 2.0 || self.n[b] < 2.0 {
                continue;
            }
            let (ma, va) = self.mean_var(a);
            let (mb, vb) = self.mean_var(b);
            let err2 = va / self.n[a] + vb / self.n[b];
            if err2 > 0.0 {
                chi2 += (ma - mb) * (ma - mb) / err2;
                k += 1;
            }
        }
        if k * 4 < half {
            return f64::NAN;
        }
        let k = k as f64;
        let c = 2.0 / (9.0 * k);
        ((chi2 / k).cbrt() - (1.0 - c)) / c.sqrt()
    }

    fn mean_var(&self, b: usize) -> (f64, f64) {
        let n = self.n[b];
        let mean = self.sum[b] / n;
        let var = ((self.sum2[b] - self.sum[b] * mean) / (n - 1.0)).max(0.0);
        (mean, var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// 2-minute cadence over 12.5 days with a mid-segment gap, as one TESS orbit.
    fn times() -> Vec<f64> {
        (0..9000)
            .map(|i| 1410.0 + i as f64 / 720.0)
            .filter(|t| !(1416.0..1416.6).contains(t))
            .collect()
    }

    /// Deterministic pseudo-noise in [-1, 1] (a linear congruential sequence), so the test needs
    /// no random-number crate and always sees the same values.
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }

    /// A detached eclipsing binary: Gaussian-shaped eclipses of depths `d1` (phase 0) and `d2`
    /// (phase 0.5), width `w` in phase, plus white noise of amplitude `sigma`.
    fn eb(t: &[f64], period: f64, d1: f64, d2: f64, w: f64, sigma: f64) -> Vec<f64> {
        let nz = noise(t.len(), 7);
        t.iter()
            .zip(nz)
            .map(|(&ti, e)| {
                let ph = phase(ti, 1409.3, period);
                let dip = |c: f64| {
                    let d = (ph - c + 0.5).rem_euclid(1.0) - 0.5;
                    (-0.5 * (d / w).powi(2)).exp()
                };
                1.0 - d1 * dip(0.0) - d2 * dip(0.5) + sigma * e
            })
            .collect()
    }

    #[test]
    fn unequal_eclipses_double_the_half_period_peak() {
        let t = times();
        for &p in &[0.45, 1.3, 2.728, 4.1] {
            let f = eb(&t, p, 0.3, 0.12, 0.02, 0.005);
            // The periodogram of an EB peaks near half the period; read it off the coarse grid.
            let e = estimate(&t, &f, 0.5 * p * 1.004).unwrap();
            assert!(e.doubled, "P = {p}: {e:?}");
            assert!((e.period / p - 1.0).abs() < 1e-3, "P = {p}: {e:?}");
        }
    }

    #[test]
    fn a_peak_at_the_true_period_is_kept() {
        let t = times();
        let f = eb(&t, 2.728, 0.3, 0.12, 0.02, 0.005);
        let e = estimate(&t, &f, 2.728 / 1.005).unwrap();
        assert!(!e.doubled, "{e:?}");
        assert!((e.period / 2.728 - 1.0).abs() < 1e-3, "{e:?}");
    }

    #[test]
    fn sinusoids_keep_the_peak() {
        let t = times();
        // (period, noise, tolerance): three cycles in the segment pin the period less well.
        for &(p, sigma, tol) in &[(0.23, 0.2, 2e-3), (1.7, 0.05, 2e-3), (3.9, 1.0, 1e-2)] {
            let nz = noise(t.len(), 11);
            let f: Vec<f64> = t
                .iter()
                .zip(nz)
                .map(|(&ti, e)| (2.0 * PI * ti / p).sin() + sigma * e)
                .collect();
            let e = estimate(&t, &f, p * 1.003).unwrap();
            assert!(!e.doubled, "P = {p}: {e:?}");
            assert!((e.period / p - 1.0).abs() < tol, "P = {p}: {e:?}");
            assert!(e.theta_peak.unwrap() < 0.5, "P = {p}: {e:?}");
        }
    }

    #[test]
    fn equal_eclipses_stay_at_the_peak() {
        // Photometry cannot tell equal eclipses from one eclipse per half period: documented.
        let t = times();
        let f = eb(&t, 1.3, 0.2, 0.2, 0.02, 0.005);
        let e = estimate(&t, &f, 0.65).unwrap();
        assert!(!e.doubled, "{e:?}");
        assert!((e.period / 0.65 - 1.0).abs() < 1e-3);
    }

    #[test]
    fn pure_noise_folds_incoherently() {
        let t = times();
        let f = noise(t.len(), 3);
        let e = estimate(&t, &f, 0.77).unwrap();
        assert!(e.theta_peak.unwrap() > 0.9, "{e:?}");
        assert!(!e.doubled, "{e:?}");
    }

    #[test]
    fn bad_input_gives_none() {
        let t = times();
        let f = vec![1.0; t.len()];
        assert!(estimate(&t, &f, 0.0).is_none());
        assert!(estimate(&t, &f, f64::NAN).is_none());
        assert!(estimate(&t[..100], &f[..100], 1.0).is_none());
        let nan = vec![f64::NAN; t.len()];
        assert!(estimate(&t, &nan, 1.0).is_none());
        assert_eq!(peak_period(&[1.0], &[]), None);
        assert_eq!(peak_period(&[1.0, 2.0], &[f32::NAN, f32::NAN]), None);
    }
}
