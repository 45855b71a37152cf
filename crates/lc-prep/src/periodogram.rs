//! The periodogram branch input: the generalized Lomb-Scargle on CALNet's grid, scaled to
//! [0, 1].

use crate::{resample, Error};

/// Number of values of the periodogram branch input: the length of CALNet's grid, and
/// `calnet_model::GLS_LEN`, the network's input (the `calnet` crate asserts at compile time
/// that the two agree).
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
    resample::min_max_f32(&power(t, flux, grid)?, "periodogram")
}

/// [`calnet_periodogram`] without its aliases: the values at periods below `shortest_days`
/// (twice the cadence: beyond the Nyquist frequency, where nearly even sampling mirrors the
/// power of `1/cadence - f`) are left out of the min-max scaling and set to 0. The
/// full-frame-image config's periodogram (`FeatureConfig::alias_cut`); at 2 minutes no
/// period of CALNet's grid is that short, so the input equals [`calnet_periodogram`]'s.
///
/// ```
/// let grid = gls::FrequencyGrid::calnet();
/// let t: Vec<f64> = (0..600).map(|i| i as f64 / 48.0).collect(); // 30 minutes
/// let f: Vec<f32> = t.iter().map(|&t| (t * 6.283 / 1.7).sin() as f32).collect();
/// let p = lc_prep::periodogram::calnet_periodogram_above(&t, &f, &grid, 2.0 * 1800.0 / 86_400.0)?;
/// let below = grid.periods().iter().filter(|&&p| p < 2.0 * 1800.0 / 86_400.0).count();
/// assert!(p[..below].iter().all(|&v| v == 0.0));
/// assert_eq!(p[below..].iter().cloned().fold(0.0f32, f32::max), 1.0);
/// # Ok::<(), lc_prep::Error>(())
/// ```
pub fn calnet_periodogram_above(
    t: &[f64],
    flux: &[f32],
    grid: &gls::FrequencyGrid,
    shortest_days: f64,
) -> Result<Vec<f32>, Error> {
    let power = power(t, flux, grid)?;
    // Periods increase along CALNet's grid.
    let first = grid.periods().partition_point(|&p| p < shortest_days);
    if first == power.len() {
        return Err(Error::Periodogram(format!(
            "no period of the grid is as long as {shortest_days} d (twice the cadence)"
        )));
    }
    let mut out = vec![0.0f32; first];
    out.extend(resample::min_max_f32(&power[first..], "periodogram")?);
    Ok(out)
}

/// The generalized Lomb-Scargle power of `(t, flux)` on `grid`.
fn power(t: &[f64], flux: &[f32], grid: &gls::FrequencyGrid) -> Result<Vec<f64>, Error> {
    let y: Vec<f64> = flux.iter().map(|&f| f as f64).collect();
    Ok(gls::Periodogram::new(t, &y)
        .and_then(|p| p.compute(grid))
        .map_err(|e| Error::Periodogram(e.to_string()))?
        .power)
}
