//! The spline step: the reference's round-off-driven mask, and the robust alternative.

use crate::config::RobustConfig;
use crate::fitpack::{self, Spline};
use crate::{outlier, Error};

/// One round of the reference spline step.
#[derive(Debug, Clone, PartialEq)]
pub struct SplineRound {
    /// The interpolating spline through the points of this round.
    pub spline: Spline,
    /// The robust mask of its residuals over the points of this round (`true` keeps); the
    /// next round fits only the kept points.
    pub keep: Vec<bool>,
}

/// The reference spline step: `iterations` rounds of FITPACK's
/// interpolating spline through `(x, flux)`, each followed by the robust mask
/// ([`outlier::robust_mask`]) of the residuals `flux - s(x)` at `cut` sigmas; each round
/// fits the points the previous round kept. The last round's mask is returned but, as in the
/// reference, not applied: the last round's spline is the result.
///
/// Every operation rounds as scipy and numpy do, so the masks are the reference's bit for bit.
/// Fails if a round is left with fewer than 4 points or `x` is not strictly increasing.
///
/// ```
/// let x: Vec<f64> = (0..100).map(|i| i as f64 / 99.0).collect();
/// let flux: Vec<f32> = x.iter().map(|v| (6.0 * v).sin() as f32).collect();
/// let rounds = lc_prep::detrend::reference_spline(&x, &flux, 3, 3.0)?;
/// assert_eq!(rounds.len(), 3);
/// assert_eq!(rounds[1].keep.len(), rounds[0].keep.iter().filter(|&&k| k).count());
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn reference_spline(
    x: &[f64],
    flux: &[f32],
    iterations: usize,
    cut: f64,
) -> Result<Vec<SplineRound>, Error> {
    if x.len() != flux.len() {
        return Err(Error::LengthMismatch {
            what: "spline step time and flux",
            left: x.len(),
            right: flux.len(),
        });
    }
    let mut xs = x.to_vec();
    // scipy converts the float32 flux to float64; residuals are then float64 too.
    let mut ys: Vec<f64> = flux.iter().map(|&f| f as f64).collect();
    let mut rounds: Vec<SplineRound> = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        if let Some(prev) = rounds.last() {
            xs = crate::clip::select(&xs, &prev.keep);
            ys = crate::clip::select(&ys, &prev.keep);
        }
        let (spline, fitted) = Spline::interpolate_with_values(&xs, &ys)?;
        let residuals: Vec<f64> = ys.iter().zip(&fitted).map(|(y, s)| y - s).collect();
        let keep = outlier::robust_mask(&residuals, cut);
        rounds.push(SplineRound { spline, keep });
    }
    Ok(rounds)
}

/// Result of [`robust_spline`].
#[derive(Debug, Clone, PartialEq)]
pub struct RobustFit {
    /// Which input points survive (`true` keeps): all but upward outliers (flares, cosmic
    /// rays) and isolated downward ones.
    pub keep: Vec<bool>,
    /// Which points the last least-squares fit used (both-sided clipping: eclipses are
    /// excluded here so that they do not drag the trend down, but they stay in `keep`).
    pub fit_keep: Vec<bool>,
    /// The least-squares spline of the last round (in the time units of `t`).
    pub trend: Spline,
    /// The interpolating spline through the kept points (in the units of `x`).
    pub spline: Spline,
    /// Fit-and-clip rounds run.
    pub iterations: usize,
}

/// Robust mode's spline step (opt-in; not the reference).
///
/// 1. The trend: a least-squares cubic B-spline in `t` (days) with interior knots about
///    every `cfg.knot_spacing_days`, refitted to the points that the robust mask
///    ([`outlier::robust_mask`] at `cfg.cut` sigmas) of its residuals keeps, until that mask
///    stops changing (at most `cfg.max_iterations` rounds), as Astronet's
///    `fit_kepler_spline` does. The clipping is two-sided, so eclipses do not pull the trend.
/// 2. The outliers: with `sigma` the robust scatter (1.4826 x MAD) of the fitted points'
///    residuals, a point is dropped if its residual is above `cut * sigma` (flares, cosmic
///    rays, scattered light glints) or below `-cut * sigma` with neither neighbour also
///    below (a single low cadence: an instrumental outlier). Runs of two or more low points
///    are eclipses or transits and are kept: they are the signal CALNet looks for.
/// 3. The interpolating spline through the kept `(x, flux)`, as in the reference.
///
/// ```
/// let t: Vec<f64> = (0..3000).map(|i| i as f64 * 0.002).collect();
/// let x: Vec<f64> = t.iter().map(|v| v / t[2999]).collect();
/// let mut flux: Vec<f32> = t.iter().map(|v| (1.0 + 0.01 * v.sin()) as f32).collect();
/// flux[1500] += 0.5; // a cosmic ray
/// let fit = lc_prep::detrend::robust_spline(&t, &x, &flux, &Default::default())?;
/// assert!(!fit.keep[1500]);
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn robust_spline(
    t: &[f64],
    x: &[f64],
    flux: &[f32],
    cfg: &RobustConfig,
) -> Result<RobustFit, Error> {
    let n = t.len();
    if x.len() != n || flux.len() != n {
        return Err(Error::LengthMismatch {
            what: "robust spline time and flux",
            left: n,
            right: flux.len(),
        });
    }
    if n < 4 {
        return Err(Error::TooFewPoints {
            what: "robust spline",
            n,
            need: 4,
        });
    }
    let y: Vec<f64> = flux.iter().map(|&f| f as f64).collect();
    let knots = lsq_knots(t[0], t[n - 1], cfg.knot_spacing_days);
    let mut fit_keep = vec![true; n];
    let mut iterations = 0;
    let mut fitted = vec![0.0; n];
    let mut residuals = vec![0.0; n];
    let trend = loop {
        iterations += 1;
        let spline = lsq_spline(t, &y, &fit_keep, &knots);
        spline.eval_into(t, &mut fitted);
        for i in 0..n {
            residuals[i] = y[i] - fitted[i];
        }
        let new_keep = outlier::robust_mask(&residuals, cfg.cut);
        let n_new = new_keep.iter().filter(|&&k| k).count();
        if new_keep == fit_keep || iterations == cfg.max_iterations || n_new < 4 {
            break spline;
        }
        fit_keep = new_keep;
    };
    let fitted_residuals = crate::clip::select(&residuals, &fit_keep);
    let center = crate::npy::median(&fitted_residuals);
    let absdev: Vec<f64> = fitted_residuals
        .iter()
        .map(|r| (r - center).abs())
        .collect();
    let mut sigma = outlier::MAD_TO_SIGMA * crate::npy::median(&absdev);
    if sigma < 1.0e-24 {
        sigma = outlier::MEAN_AD_TO_SIGMA * crate::npy::mean(&absdev);
    }
    let limit = cfg.cut * sigma;
    let low: Vec<bool> = residuals.iter().map(|r| r - center < -limit).collect();
    let keep: Vec<bool> = (0..n)
        .map(|i| {
            let high = residuals[i] - center > limit;
            let isolated_low = low[i] && !(i > 0 && low[i - 1]) && !(i + 1 < n && low[i + 1]);
            !(high || isolated_low)
        })
        .collect();
    let xs = crate::clip::select(x, &keep);
    let ys = crate::clip::select(&y, &keep);
    let spline = Spline::interpolate(&xs, &ys)?;
    Ok(RobustFit {
        keep,
        fit_keep,
        trend,
        spline,
        iterations,
    })
}

/// Knots of a cubic spline on `[t0, t1]` with equal intervals no longer than `spacing`:
/// four boundary knots at each end and the interior knots between.
fn lsq_knots(t0: f64, t1: f64, spacing: f64) -> Vec<f64> {
    let span = t1 - t0;
    let intervals = ((span / spacing).ceil() as usize).max(1);
    let mut knots = vec![t0; 4];
    for i in 1..intervals {
        knots.push(t0 + span * i as f64 / intervals as f64);
    }
    knots.extend([t1; 4]);
    knots
}

/// Least-squares cubic spline on fixed knots through the points with `keep` set
/// ([`fitpack`]'s Givens reduction; knot intervals without data are allowed).
fn lsq_spline(t: &[f64], y: &[f64], keep: &[bool], knots: &[f64]) -> Spline {
    Spline {
        knots: knots.to_vec(),
        coeffs: fitpack::lsq(t, y, keep, knots),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsq_spline_reproduces_a_cubic_and_survives_empty_knot_intervals() {
        // A 1.2-day hole leaves two 0.5-day knot intervals without data.
        let t: Vec<f64> = (0..2000)
            .map(|i| i as f64 * 0.002)
            .filter(|&v| !(1.0..2.2).contains(&v))
            .collect();
        let y: Vec<f64> = t.iter().map(|v| 3.0 - v + 0.5 * v * v * v).collect();
        let knots = lsq_knots(t[0], t[t.len() - 1], 0.5);
        let s = lsq_spline(&t, &y, &vec![true; t.len()], &knots);
        assert!(s.coeffs.iter().all(|c| c.is_finite()));
        for (ti, yi) in t.iter().zip(&y) {
            assert!((s.eval_one(*ti) - yi).abs() < 1e-8, "at {ti}");
        }
    }

    #[test]
    fn knots_cover_the_span_evenly() {
        let k = lsq_knots(0.0, 1.2, 0.5);
        assert_eq!(k.len(), 10);
        let expect = [0.0, 0.0, 0.0, 0.0, 0.4, 0.8, 1.2, 1.2, 1.2, 1.2];
        assert!(k.iter().zip(expect).all(|(a, b)| (a - b).abs() < 1e-12));
        assert_eq!(lsq_knots(0.0, 0.1, 0.5).len(), 8);
    }
}
