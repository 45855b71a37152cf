//! numpy's reductions, reproduced to the last bit.
//!
//! The reference's outlier mask is decided by round-off ([`crate::detrend::reference_spline`]),
//! so every sum that feeds it must be rounded the way numpy rounds it: `np.sum`, `np.mean` and
//! `np.std` of a contiguous float64 array use pairwise summation (blocks of at most 128 values
//! summed with 8 interleaved accumulators, halves above that), `np.median` takes the middle
//! value (or the mean of the two middle values), and `np.percentile(a_f32, 99)` interpolates in
//! float32.

/// Block size below which numpy sums with 8 interleaved accumulators (`PW_BLOCKSIZE`).
const PW_BLOCKSIZE: usize = 128;

/// numpy's pairwise sum of a float64 array, bit for bit (`np.sum(a)` for a contiguous `a`).
///
/// ```
/// let a: Vec<f64> = (0..1000).map(|i| 0.1 * i as f64).collect();
/// assert!((lc_prep::npy::sum(&a) - 49950.0).abs() < 1e-9);
/// ```
pub fn sum(a: &[f64]) -> f64 {
    // numpy's reduction starts from the identity 0.0 and adds the pairwise sum of all values.
    0.0 + pairwise(a)
}

fn pairwise(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= PW_BLOCKSIZE {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (j, acc) in r.iter_mut().enumerate() {
                *acc += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        // Halve, keeping the first half a multiple of the unroll factor, as numpy does.
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&a[..n2]) + pairwise(&a[n2..])
    }
}

/// `np.mean(a)`: the pairwise sum divided by the count. `NaN` for an empty slice, as numpy.
///
/// ```
/// assert_eq!(lc_prep::npy::mean(&[1.0, 2.0, 4.0, 5.0]), 3.0);
/// ```
pub fn mean(a: &[f64]) -> f64 {
    sum(a) / a.len() as f64
}

/// `np.std(a)` (population standard deviation, `ddof = 0`), rounded as numpy rounds it:
/// the mean first, then the pairwise sum of squared deviations, divided by the count.
///
/// ```
/// assert_eq!(lc_prep::npy::std(&[1.0, 3.0]), 1.0);
/// ```
pub fn std(a: &[f64]) -> f64 {
    let m = mean(a);
    let sq: Vec<f64> = a
        .iter()
        .map(|&v| {
            let d = v - m;
            d * d
        })
        .collect();
    (sum(&sq) / a.len() as f64).sqrt()
}

/// `np.median(a)` of values without NaN: the middle value, or the mean of the two middle
/// values (`(lo + hi) / 2`, the way `np.mean` of two values rounds). `NaN` when empty.
///
/// `scratch` is reordered (a partial sort); pass a copy if the order matters.
///
/// ```
/// let mut v = vec![3.0, 1.0, 4.0, 1.5];
/// assert_eq!(lc_prep::npy::median_in_place(&mut v), 2.25);
/// ```
pub fn median_in_place(scratch: &mut [f64]) -> f64 {
    let n = scratch.len();
    if n == 0 {
        return f64::NAN;
    }
    let half = n / 2;
    let (lower, mid, _) = scratch.select_nth_unstable_by(half, f64::total_cmp);
    let hi = *mid;
    if n % 2 == 1 {
        return hi;
    }
    let lo = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (0.0 + lo + hi) / 2.0
}

/// `np.median(a)`, leaving `a` untouched.
///
/// ```
/// assert_eq!(lc_prep::npy::median(&[5.0, 1.0, 3.0]), 3.0);
/// ```
pub fn median(a: &[f64]) -> f64 {
    median_in_place(&mut a.to_vec())
}

/// `np.percentile(a, q)` for a float32 array and a Python number `q`, with numpy 2's default
/// linear method, bit for bit.
///
/// numpy computes the virtual index `(n - 1) * (q / 100)` in float64, takes the two
/// neighbouring sorted values, and, because `q` is a Python scalar (weak promotion), blends
/// them in float32: `a + d * g` if the fraction `g < 0.5`, else `b - d * (1 - g)`, with
/// `d = b - a` and `g` (or `1 - g`) cast to float32. `None` when `a` is empty, holds a NaN, or
/// `q` is outside [0, 100].
///
/// ```
/// let p = lc_prep::npy::percentile_f32(&[1.0, 2.0, 3.0, 4.0, 5.0], 99.0).unwrap();
/// assert_eq!(p, 4.96);
/// ```
pub fn percentile_f32(a: &[f32], q: f64) -> Option<f32> {
    let n = a.len();
    if n == 0 || !(0.0..=100.0).contains(&q) || a.iter().any(|v| v.is_nan()) {
        return None;
    }
    let quantile = q / 100.0;
    let virtual_index = (n - 1) as f64 * quantile;
    let mut sorted = a.to_vec();
    let (prev_i, next_i) = if virtual_index >= (n - 1) as f64 {
        (n - 1, n - 1)
    } else {
        let p = virtual_index.floor() as usize;
        (p, p + 1)
    };
    let gamma = virtual_index - prev_i as f64;
    sorted.select_nth_unstable_by(prev_i, f32::total_cmp);
    let prev = sorted[prev_i];
    let next = if next_i == prev_i {
        prev
    } else {
        // The next order statistic is the minimum of everything above `prev_i`.
        sorted[prev_i + 1..]
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min)
    };
    let diff = next - prev;
    if gamma >= 0.5 {
        Some(next - diff * ((1.0 - gamma) as f32))
    } else {
        Some(prev + diff * (gamma as f32))
    }
}

/// `np.linspace(start, stop, num)` (float64, endpoint included), bit for bit:
/// `i * step + start` with `step = (stop - start) / (num - 1)`, the last value set to `stop`.
///
/// ```
/// let x = lc_prep::npy::linspace(0.0, 1.0, 5);
/// assert_eq!(x, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// ```
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 0 {
        return Vec::new();
    }
    if num == 1 {
        return vec![start];
    }
    let div = (num - 1) as f64;
    let delta = stop - start;
    let step = delta / div;
    let mut y: Vec<f64> = if step == 0.0 {
        (0..num).map(|i| i as f64 / div * delta + start).collect()
    } else {
        (0..num).map(|i| i as f64 * step + start).collect()
    };
    y[num - 1] = stop;
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[2.0, 1.0]), 1.5);
        assert_eq!(median(&[9.0, 2.0, 1.0]), 2.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn percentile_edges() {
        assert_eq!(percentile_f32(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile_f32(&[1.0, 2.0], 100.0), Some(2.0));
        assert_eq!(percentile_f32(&[1.0, 2.0], 0.0), Some(1.0));
        assert_eq!(percentile_f32(&[], 99.0), None);
        assert_eq!(percentile_f32(&[1.0, f32::NAN], 99.0), None);
    }
}
