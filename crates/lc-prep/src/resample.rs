//! Resampling a spline to the model's grid and scaling to [0, 1].

use crate::fitpack::Spline;
use crate::{npy, Error};

/// The spline at `np.linspace(0, 1, num)` (the reference's 4000-point grid on the normalised
/// time axis; outside the fitted points the end pieces extrapolate).
///
/// ```
/// let x: Vec<f64> = (0..8).map(|i| i as f64 / 7.0).collect();
/// let s = lc_prep::fitpack::Spline::interpolate(&x, &x)?;
/// let v = lc_prep::resample::on_unit_grid(&s, 3);
/// assert!((v[1] - 0.5).abs() < 1e-12);
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn on_unit_grid(spline: &Spline, num: usize) -> Vec<f64> {
    spline.eval(&npy::linspace(0.0, 1.0, num))
}

/// Min-max scaling to [0, 1] in float64, returned as float32 (what the model receives).
///
/// Fails for an empty, constant, or non-finite input, so that no NaN reaches the model.
///
/// ```
/// let v = lc_prep::resample::min_max_f32(&[2.0, 4.0, 3.0], "light curve")?;
/// assert_eq!(v, vec![0.0, 1.0, 0.5]);
/// assert!(lc_prep::resample::min_max_f32(&[1.0, 1.0], "light curve").is_err());
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn min_max_f32(values: &[f64], what: &'static str) -> Result<Vec<f32>, Error> {
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { what, index });
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    if values.is_empty() || span.is_nan() || span <= 0.0 || !span.is_finite() {
        return Err(Error::Constant { what });
    }
    Ok(values.iter().map(|&v| ((v - lo) / span) as f32).collect())
}
