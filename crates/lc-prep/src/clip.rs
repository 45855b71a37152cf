//! The reference's percentile clip ("dropMax").

use crate::npy;

/// Which points survive the percentile clip: `flux < P(flux)`, P the `percentile`-th
/// percentile by numpy's linear method in float32 (bit for bit, see
/// [`npy::percentile_f32`]). The comparison is strict, as in the reference, so a constant
/// flux keeps nothing. An empty or NaN-holding input keeps nothing.
///
/// ```
/// let flux: Vec<f32> = (0..200).map(|i| i as f32).collect();
/// let keep = lc_prep::clip::percentile_keep(&flux, 99.0);
/// assert_eq!(keep.iter().filter(|&&k| k).count(), 198); // P99 = 197.01
/// ```
pub fn percentile_keep(flux: &[f32], percentile: f64) -> Vec<bool> {
    match npy::percentile_f32(flux, percentile) {
        Some(p) => flux.iter().map(|&f| f < p).collect(),
        None => vec![false; flux.len()],
    }
}

/// Applies a keep-mask to several parallel columns.
///
/// ```
/// let kept = lc_prep::clip::select(&[1.0, 2.0, 3.0], &[true, false, true]);
/// assert_eq!(kept, vec![1.0, 3.0]);
/// ```
pub fn select<T: Copy>(values: &[T], keep: &[bool]) -> Vec<T> {
    values
        .iter()
        .zip(keep)
        .filter_map(|(&v, &k)| k.then_some(v))
        .collect()
}
