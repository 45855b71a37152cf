//! The periodogram branch input: the generalized Lomb-Scargle on CALNet's grid, scaled to
//! [0, 1].

use crate::{resample, Error};

/// Number of values of the periodogram branch input.
pub const GLS_LEN: usize = 1000;

/// The 1000-value periodogram input of one segment, as the original CALNet computes it: the generalized
/// Lomb-Scargle power (standard normalisation, floating mean, equal weights) of `(t, flux)`
/// with `t` in days as read, on CALNet's grid (`P = logspace(-3, 1, 1125)[125:]` days), then
/// min-max scaled to [0, 1] and returned as float32. Computed by the [`gls`] crate.
///
/// `grid` is `gls::FrequencyGrid::calnet()`, built once by the caller and reused.
pub fn calnet_periodogram(
    t: &[f64],
    flux: &[f32],
    grid: &gls::FrequencyGrid,
) -> Result<Vec<f32>, Error> {
    let y: Vec<f64> = flux.iter().map(|&f| f as f64).collect();
    let power = gls::Periodogram::new(t, &y)
        .and_then(|p| p.compute(grid))
        .map_err(|e| Error::Periodogram(e.to_string()))?
        .power;
    resample::min_max_f32(&power, "periodogram")
}
