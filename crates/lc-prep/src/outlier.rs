//! The reference's outlier mask: Astronet's `robust_mean` with cut 3.

use crate::npy;

/// Scale from the median absolute deviation to a Gaussian sigma.
pub const MAD_TO_SIGMA: f64 = 1.4826;
/// Scale from the mean absolute deviation to a Gaussian sigma (the fallback when the median
/// absolute deviation is zero).
pub const MEAN_AD_TO_SIGMA: f64 = 1.253;

/// The robust outlier mask of `y` at `cut` sigmas (Astronet's `robust_mean`): `true` keeps
/// the value.
///
/// `absdev = |y - median(y)|`; `sigma = 1.4826 * median(absdev)` (or `1.253 * mean(absdev)`
/// when that is below 1e-24); `mask = absdev <= cut * sigma`; then twice:
/// `sigma = std(y[mask]) / trim(cut)` and `mask = absdev <= cut * sigma`, where `trim` is the
/// trimming correction `-0.15405 + 0.90723 c - 0.23584 c^2 + 0.020142 c^3` for
/// `1 <= c <= 4.5` (cut below 1 counts as 1; above 4.5 no correction). Sums are numpy's
/// pairwise sums, so the mask is the reference's bit for bit.
///
/// An empty `y` gives an empty mask. If a round keeps no value, its sigma is NaN and every
/// later comparison is false, as in numpy: the whole mask is then `false`.
///
/// ```
/// let mut y = vec![0.0; 100];
/// for (i, v) in y.iter_mut().enumerate() { *v = ((i * 37) % 11) as f64 * 0.1; }
/// y[50] = 100.0;
/// let mask = lc_prep::outlier::robust_mask(&y, 3.0);
/// assert!(!mask[50]);
/// assert_eq!(mask.iter().filter(|&&k| k).count(), 99);
/// ```
pub fn robust_mask(y: &[f64], cut: f64) -> Vec<bool> {
    if y.is_empty() {
        return Vec::new();
    }
    let med = npy::median(y);
    let absdev: Vec<f64> = y.iter().map(|&v| (v - med).abs()).collect();
    let mut sigma = MAD_TO_SIGMA * npy::median(&absdev);
    if sigma < 1.0e-24 {
        sigma = MEAN_AD_TO_SIGMA * npy::mean(&absdev);
    }
    let mut mask = threshold(&absdev, cut * sigma);
    let sc = cut.max(1.0);
    // `powf` is libm's `pow`, what numpy's `sc**2` calls.
    let trim = (sc <= 4.5)
        .then(|| -0.15405 + 0.90723 * sc - 0.23584 * sc.powf(2.0) + 0.020142 * sc.powf(3.0));
    let mut kept = Vec::with_capacity(y.len());
    for _ in 0..2 {
        kept.clear();
        kept.extend(y.iter().zip(&mask).filter(|(_, &k)| k).map(|(&v, _)| v));
        let mut sigma = npy::std(&kept);
        if let Some(trim) = trim {
            sigma /= trim;
        }
        mask = threshold(&absdev, cut * sigma);
    }
    mask
}

fn threshold(absdev: &[f64], limit: f64) -> Vec<bool> {
    absdev.iter().map(|&d| d <= limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_equal_values_are_all_kept() {
        assert!(robust_mask(&[2.0; 10], 3.0).iter().all(|&k| k));
    }

    #[test]
    fn empty_gives_empty() {
        assert!(robust_mask(&[], 3.0).is_empty());
    }
}
