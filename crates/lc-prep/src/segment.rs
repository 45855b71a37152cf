//! Splitting a light curve into segments at gaps in time.

use std::ops::Range;

/// The reference's gap width: a jump in time larger than this (days) starts a new segment,
/// so that each TESS orbit becomes one segment.
pub const REFERENCE_GAP_DAYS: f64 = 0.75;

/// Splits sorted times into index ranges wherever `t[i] - t[i-1] > gap` (days).
///
/// The comparison is strict, as in the reference. An empty input gives no range.
///
/// ```
/// let t = [0.0, 0.1, 0.2, 1.5, 1.6];
/// let parts = lc_prep::segment::split_at_gaps(&t, 0.75);
/// assert_eq!(parts, vec![0..3, 3..5]);
/// ```
pub fn split_at_gaps(time: &[f64], gap: f64) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    if time.is_empty() {
        return parts;
    }
    let mut start = 0;
    for i in 1..time.len() {
        if time[i] - time[i - 1] > gap {
            parts.push(start..i);
            start = i;
        }
    }
    parts.push(start..time.len());
    parts
}

/// Sorts `(t, f)` by time, stably, unless already sorted (real TESS files always are): what
/// every caller of [`split_at_gaps`] on a light curve's rows does first, so that shuffled rows
/// give the same segments as sorted ones.
///
/// ```
/// let (mut t, mut f) = (vec![2.0, 0.0, 1.0], vec![20.0f32, 0.0, 10.0]);
/// lc_prep::segment::sort_by_time(&mut t, &mut f);
/// assert_eq!((t, f), (vec![0.0, 1.0, 2.0], vec![0.0, 10.0, 20.0]));
/// ```
pub fn sort_by_time(t: &mut Vec<f64>, f: &mut Vec<f32>) {
    if t.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.sort_by(|&a, &b| t[a].total_cmp(&t[b]));
    *t = order.iter().map(|&i| t[i]).collect();
    *f = order.iter().map(|&i| f[i]).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_exactly_at_threshold_does_not_split() {
        assert_eq!(split_at_gaps(&[0.0, 0.75, 1.5], 0.75), vec![0..3]);
        assert_eq!(split_at_gaps(&[0.0, 0.7500001], 0.75), vec![0..1, 1..2]);
    }

    #[test]
    fn single_point_and_empty() {
        assert_eq!(split_at_gaps(&[5.0], 0.75), vec![0..1]);
        assert!(split_at_gaps(&[], 0.75).is_empty());
    }
}
