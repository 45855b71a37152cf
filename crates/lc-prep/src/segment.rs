//! Splitting a light curve into segments at gaps in time, and which segments are long enough.
//!
//! The reference rule ([`SegmentRule::REFERENCE`]: a new segment after a gap of more than
//! 0.75 d, at least 2,000 points) is written for 2-minute light curves: 2,000 cadences of 120 s
//! are 2.78 days of data. A 30-minute orbit holds about 650 points, so the full-frame-image
//! rule ([`SegmentRule::ffi`]) asks for the same 2.78 days of data at each file's cadence
//! (134 points at 1800 s, 400 at 600 s, 1,200 at 200 s) and that the points cover at least half
//! of the segment's span, since at long cadences a quality mask thins a segment out.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::Error;

/// The reference's gap width: a jump in time larger than this (days) starts a new segment,
/// so that each TESS orbit becomes one segment.
pub const REFERENCE_GAP_DAYS: f64 = 0.75;

/// The data the reference asks of a segment, seconds: 2,000 points of 120 s (2.78 days).
pub const REFERENCE_DATA_S: f64 = 2000.0 * 120.0;

/// The cadences the reference config is made for, seconds: SPOC's 2-minute light curves.
pub const REFERENCE_CADENCES_S: [f64; 1] = [120.0];

/// The full-frame-image cadences, seconds: 30 minutes (sectors 1-26), 10 minutes (27-55) and
/// 200 s (56 on).
pub const FFI_CADENCES_S: [f64; 3] = [1800.0, 600.0, 200.0];

/// Which segments of a light curve are long enough to give model inputs.
///
/// A segment with `n` points from `t_start` to `t_end` (days) at cadence `c` (seconds) is kept
/// when `n >= min_points` and `n * c >= min_coverage * ((t_end - t_start) * 86400 + c)`, the
/// share of the span's cadences that hold a point.
///
/// ```
/// use lc_prep::SegmentRule;
/// assert_eq!(SegmentRule::REFERENCE.min_points, 2000);
/// assert_eq!(SegmentRule::ffi(1800.0).min_points, 134);
/// assert_eq!(SegmentRule::ffi(600.0).min_points, 400);
/// assert_eq!(SegmentRule::ffi(200.0).min_points, 1200);
/// // 134 points at 30 minutes spread over 10 days cover 28% of it: too sparse.
/// assert!(!SegmentRule::ffi(1800.0).keeps(134, 10.0, 1800.0));
/// assert!(SegmentRule::ffi(1800.0).keeps(300, 10.0, 1800.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentRule {
    /// A jump in time above this (days) starts a new segment.
    pub gap_days: f64,
    /// Segments with fewer points (after the quality cut) are skipped.
    pub min_points: usize,
    /// Segments whose points fill less than this share of their span's cadences are skipped
    /// (0 for no such check, as in the reference).
    pub min_coverage: f64,
}

impl SegmentRule {
    /// The reference CALNet's rule: gap 0.75 d, at least 2,000 points, whatever the cadence.
    pub const REFERENCE: SegmentRule = SegmentRule {
        gap_days: REFERENCE_GAP_DAYS,
        min_points: 2000,
        min_coverage: 0.0,
    };

    /// The share of the span a full-frame-image segment's points must cover.
    pub const FFI_MIN_COVERAGE: f64 = 0.5;

    /// The full-frame-image rule at cadence `cadence_s` (seconds): gap 0.75 d, the reference's
    /// 2.78 days of data ([`REFERENCE_DATA_S`]) as points of this cadence, rounded up, and
    /// points covering at least half the span. At 120 s the points are the reference's 2,000.
    /// A cadence that is not a positive number counts as 120 s.
    pub fn ffi(cadence_s: f64) -> SegmentRule {
        let cadence = if cadence_s.is_finite() && cadence_s > 0.0 {
            cadence_s
        } else {
            120.0
        };
        SegmentRule {
            gap_days: REFERENCE_GAP_DAYS,
            min_points: ((REFERENCE_DATA_S / cadence).ceil() as usize).max(4),
            min_coverage: SegmentRule::FFI_MIN_COVERAGE,
        }
    }

    /// Whether a segment of `n_points` spanning `span_days` at `cadence_s` is kept.
    pub fn keeps(&self, n_points: usize, span_days: f64, cadence_s: f64) -> bool {
        n_points >= self.min_points.max(1) && self.covers(n_points, span_days, cadence_s)
    }

    /// The coverage half of [`SegmentRule::keeps`]; always true when `min_coverage` is 0.
    pub fn covers(&self, n_points: usize, span_days: f64, cadence_s: f64) -> bool {
        self.min_coverage <= 0.0
            || n_points as f64 * cadence_s >= self.min_coverage * (span_days * 86_400.0 + cadence_s)
    }
}

/// How a [`crate::FeatureConfig`] cuts light curves: one rule for every file, or the
/// full-frame-image rule at each file's cadence.
///
/// Written in weight files' records as `reference`, `ffi`, or
/// `gap_days=G,min_points=N,min_coverage=C` for another fixed rule:
///
/// ```
/// use lc_prep::{SegmentRule, Segments};
/// assert_eq!("ffi".parse::<Segments>()?, Segments::Ffi);
/// assert_eq!(Segments::Fixed(SegmentRule::REFERENCE).to_string(), "reference");
/// let custom = Segments::Fixed(SegmentRule { min_points: 10, ..SegmentRule::REFERENCE });
/// assert_eq!(custom.to_string().parse::<Segments>()?, custom);
/// # Ok::<(), lc_prep::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segments {
    /// This rule for every file ([`SegmentRule::REFERENCE`] in the reference config).
    Fixed(SegmentRule),
    /// [`SegmentRule::ffi`] at each file's cadence.
    Ffi,
}

impl Segments {
    /// The reference rule.
    pub const REFERENCE: Segments = Segments::Fixed(SegmentRule::REFERENCE);

    /// The rule for a file of cadence `cadence_s` (seconds).
    pub fn rule(&self, cadence_s: f64) -> SegmentRule {
        match self {
            Segments::Fixed(rule) => *rule,
            Segments::Ffi => SegmentRule::ffi(cadence_s),
        }
    }

    /// The cadences (seconds) the rule is made for: 120 s for the reference, the FFI cadences
    /// for [`Segments::Ffi`], `None` (any) for another fixed rule.
    pub fn cadences(&self) -> Option<&'static [f64]> {
        match self {
            Segments::Fixed(rule) if *rule == SegmentRule::REFERENCE => Some(&REFERENCE_CADENCES_S),
            Segments::Fixed(_) => None,
            Segments::Ffi => Some(&FFI_CADENCES_S),
        }
    }

    /// Whether a file of cadence `cadence_s` suits the rule: within 2% of one of
    /// [`Segments::cadences`] (header cadences and measured ones differ by milliseconds).
    pub fn suits(&self, cadence_s: f64) -> bool {
        self.cadences()
            .is_none_or(|list| list.iter().any(|&c| (cadence_s - c).abs() <= 0.02 * c))
    }
}

impl Segments {
    /// A warning for a file of cadence `cadence_s` that does not suit the rule
    /// ([`Segments::suits`]), naming both; `None` when it suits.
    ///
    /// ```
    /// use lc_prep::Segments;
    /// let w = Segments::REFERENCE.cadence_warning(1800.0).unwrap();
    /// assert_eq!(w, "cadence 1800 s, but the feature config (segments reference) is made \
    ///     for 120-s light curves: its inputs may not be what the weights learned");
    /// assert_eq!(Segments::Ffi.cadence_warning(600.0), None);
    /// ```
    pub fn cadence_warning(&self, cadence_s: f64) -> Option<String> {
        if self.suits(cadence_s) {
            return None;
        }
        let made_for: Vec<String> = self
            .cadences()
            .unwrap_or_default()
            .iter()
            .map(|c| c.to_string())
            .collect();
        Some(format!(
            "cadence {cadence_s} s, but the feature config (segments {self}) is made for {}-s \
             light curves: its inputs may not be what the weights learned",
            made_for.join("-, ")
        ))
    }
}

impl fmt::Display for Segments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segments::Fixed(rule) if *rule == SegmentRule::REFERENCE => f.write_str("reference"),
            Segments::Ffi => f.write_str("ffi"),
            Segments::Fixed(r) => write!(
                f,
                "gap_days={},min_points={},min_coverage={}",
                r.gap_days, r.min_points, r.min_coverage
            ),
        }
    }
}

impl FromStr for Segments {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |why: &str| {
            Error::Config(format!(
                "segments {s:?}: {why}: expected reference, ffi or \
                 gap_days=G,min_points=N,min_coverage=C"
            ))
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "reference" => return Ok(Segments::REFERENCE),
            "ffi" => return Ok(Segments::Ffi),
            _ => {}
        }
        let mut rule = SegmentRule::REFERENCE;
        let mut seen = [false; 3];
        for part in s.split(',') {
            let (key, value) = part.split_once('=').ok_or_else(|| bad("not key=value"))?;
            let (k, v) = (key.trim(), value.trim());
            let number = || v.parse::<f64>().map_err(|_| bad("not a number"));
            match k {
                "gap_days" => (rule.gap_days, seen[0]) = (number()?, true),
                "min_points" => {
                    rule.min_points = v.parse().map_err(|_| bad("not a whole number"))?;
                    seen[1] = true;
                }
                "min_coverage" => (rule.min_coverage, seen[2]) = (number()?, true),
                _ => return Err(bad("unknown key")),
            }
        }
        if seen.contains(&false) {
            return Err(bad("a key is missing"));
        }
        Ok(Segments::Fixed(rule))
    }
}

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
    fn reference_rule_is_the_ffi_rule_at_two_minutes_without_coverage() {
        let at_120 = SegmentRule::ffi(120.0);
        assert_eq!(at_120.min_points, SegmentRule::REFERENCE.min_points);
        assert_eq!(at_120.gap_days, SegmentRule::REFERENCE.gap_days);
        assert_eq!(SegmentRule::REFERENCE.min_coverage, 0.0);
        // No coverage check in the reference: 2,000 points over any span are kept.
        assert!(SegmentRule::REFERENCE.keeps(2000, 25.0, 120.0));
        assert!(!SegmentRule::REFERENCE.keeps(1999, 2.0, 120.0));
    }

    #[test]
    fn ffi_coverage_is_the_share_of_the_spans_cadences() {
        let r = SegmentRule::ffi(600.0);
        // 400 contiguous 10-minute points span 399 cadences: full coverage.
        assert!(r.keeps(400, 399.0 * 600.0 / 86_400.0, 600.0));
        // Half the cadences of the span (800 cadences: 400 points fill 50%).
        let cadences = |n: f64| n * 600.0 / 86_400.0;
        assert!(r.keeps(400, cadences(790.0), 600.0));
        assert!(!r.keeps(400, cadences(810.0), 600.0));
        assert!(!r.keeps(399, 1.0, 600.0));
        // A cadence that is no number counts as 2 minutes.
        assert_eq!(SegmentRule::ffi(f64::NAN).min_points, 2000);
    }

    #[test]
    fn segments_parse_and_suit_cadences() {
        for bad in [
            "",
            "ffi2",
            "gap_days=1",
            "gap_days=x,min_points=1,min_coverage=0",
        ] {
            assert!(bad.parse::<Segments>().is_err(), "{bad}");
        }
        assert!(Segments::Ffi.suits(1799.99));
        assert!(Segments::Ffi.suits(200.0));
        assert!(!Segments::Ffi.suits(120.0));
        assert!(Segments::REFERENCE.suits(120.0));
        assert!(!Segments::REFERENCE.suits(1800.0));
        assert!(!Segments::REFERENCE.suits(20.0));
        let custom = Segments::Fixed(SegmentRule {
            min_points: 1,
            ..SegmentRule::REFERENCE
        });
        assert!(custom.suits(20.0));
    }

    #[test]
    fn single_point_and_empty() {
        assert_eq!(split_at_gaps(&[5.0], 0.75), vec![0..1]);
        assert!(split_at_gaps(&[], 0.75).is_empty());
    }
}
