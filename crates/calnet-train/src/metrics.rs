//! Classification metrics: confusion matrix, accuracy, precision, recall, F1 and ROC-AUC.
//!
//! Definitions follow scikit-learn: precision, recall and F1 are those of the positive class
//! (EB, label 1) and are 0 when their denominator is 0 (`zero_division=0`); ROC-AUC is the
//! trapezoidal area under the ROC curve whose thresholds are the distinct scores, so tied
//! scores count one half, as `roc_auc_score` does.

use serde::{Deserialize, Serialize};

/// A segment or file is called an EB when its p(EB) exceeds this (argmax of two classes).
pub const THRESHOLD: f32 = 0.5;

/// Counts of a binary classification, EB (label 1) being the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// EBs called EB.
    pub tp: u64,
    /// Others called EB.
    pub fp: u64,
    /// Others called other.
    pub tn: u64,
    /// EBs called other.
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Confusion {
    /// Counts predictions (`true` = EB) against labels (1 = EB).
    ///
    /// ```
    /// let c = calnet_train::Confusion::count(&[true, false, true], &[1, 1, 0]);
    /// assert_eq!((c.tp, c.fn_, c.fp, c.tn), (1, 1, 1, 0));
    /// ```
    pub fn count(predicted: &[bool], labels: &[u8]) -> Self {
        let mut c = Confusion::default();
        for (&p, &y) in predicted.iter().zip(labels) {
            match (p, y == 1) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, false) => c.tn += 1,
                (false, true) => c.fn_ += 1,
            }
        }
        c
    }

    /// Number of items counted.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }
}

/// The metrics of one pass over a data set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Number of items (segments or files).
    pub n: u64,
    /// Mean loss, where one was computed.
    pub loss: Option<f64>,
    /// (TP + TN) / n.
    pub accuracy: f64,
    /// TP / (TP + FP), 0 when nothing was called EB.
    pub precision: f64,
    /// TP / (TP + FN), 0 when there is no EB.
    pub recall: f64,
    /// Harmonic mean of precision and recall, 0 when both are 0.
    pub f1: f64,
    /// Area under the ROC curve; `None` when only one class is present.
    pub roc_auc: Option<f64>,
    /// The counts behind the ratios.
    pub confusion: Confusion,
}

impl Metrics {
    /// Metrics of scores p(EB) against labels (1 = EB, 0 = other), calling EB above
    /// [`THRESHOLD`].
    ///
    /// ```
    /// let m = calnet_train::Metrics::from_scores(&[0.9, 0.2, 0.7, 0.1], &[1, 0, 0, 0], None);
    /// assert_eq!(m.recall, 1.0);
    /// assert_eq!(m.precision, 0.5);
    /// assert_eq!(m.roc_auc, Some(1.0));
    /// ```
    pub fn from_scores(scores: &[f32], labels: &[u8], loss: Option<f64>) -> Self {
        Self::from_scores_at(scores, labels, loss, THRESHOLD)
    }

    /// [`Metrics::from_scores`] calling EB above `threshold` instead.
    ///
    /// ```
    /// let m = calnet_train::Metrics::from_scores_at(&[0.9, 0.2, 0.7], &[1, 1, 0], None, 0.1);
    /// assert_eq!((m.recall, m.precision), (1.0, 2.0 / 3.0));
    /// ```
    pub fn from_scores_at(
        scores: &[f32],
        labels: &[u8],
        loss: Option<f64>,
        threshold: f32,
    ) -> Self {
        let predicted: Vec<bool> = scores.iter().map(|&s| s > threshold).collect();
        let mut m = Self::from_confusion(Confusion::count(&predicted, labels), loss);
        m.roc_auc = roc_auc(scores, labels);
        m
    }

    /// Ratios of a confusion matrix (no ROC-AUC: it needs the scores).
    pub fn from_confusion(c: Confusion, loss: Option<f64>) -> Self {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(c.tp, c.tp + c.fp);
        let recall = ratio(c.tp, c.tp + c.fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Metrics {
            n: c.total(),
            loss,
            accuracy: ratio(c.tp + c.tn, c.total()),
            precision,
            recall,
            f1,
            roc_auc: None,
            confusion: c,
        }
    }
}

/// Area under the ROC curve of `scores` for `labels` (1 = positive), tied scores counting one
/// half, like scikit-learn's `roc_auc_score`. `None` when either class is absent.
///
/// ```
/// // One positive above both negatives, one tied with a negative.
/// let auc = calnet_train::metrics::roc_auc(&[0.9, 0.5, 0.5, 0.1], &[1, 1, 0, 0]).unwrap();
/// assert!((auc - 0.875).abs() < 1e-12);
/// ```
pub fn roc_auc(scores: &[f32], labels: &[u8]) -> Option<f64> {
    let n_pos = labels.iter().filter(|&&y| y == 1).count() as f64;
    let n_neg = labels.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // NaN scores sort last (lowest) so that one bad value cannot poison the ordering.
    order.sort_by(|&a, &b| {
        let (x, y) = (scores[a], scores[b]);
        y.partial_cmp(&x)
            .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()))
    });
    // Walk thresholds from high to low; each group of tied scores adds one trapezoid.
    let (mut tp, mut fp, mut area) = (0.0f64, 0.0f64, 0.0f64);
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        let (tp0, fp0) = (tp, fp);
        while i < order.len()
            && (scores[order[i]] == s || (s.is_nan() && scores[order[i]].is_nan()))
        {
            if labels[order[i]] == 1 {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        area += (fp - fp0) * (tp + tp0) / 2.0;
    }
    Some(area / (n_pos * n_neg))
}

/// A threshold on p(EB) and what calling EB above it gives: one point of the precision-recall
/// curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    /// Items with a score above this are called EB: halfway between the lowest score called and
    /// the highest one not called (0 when every item is called), so that `p > threshold`, the
    /// rule of `calnet classify --threshold`, gives exactly this point.
    pub threshold: f32,
    /// TP / (TP + FP) at the threshold.
    pub precision: f64,
    /// TP / (TP + FN) at the threshold.
    pub recall: f64,
}

/// Every point of the precision-recall curve, from the highest threshold down: one per distinct
/// score (tied scores are called together). NaN scores are never called.
fn pr_curve(scores: &[f32], labels: &[u8]) -> Vec<OperatingPoint> {
    let n_pos = labels.iter().filter(|&&y| y == 1).count() as f64;
    let mut order: Vec<usize> = (0..scores.len()).filter(|&i| !scores[i].is_nan()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    let mut points = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if labels[order[i]] == 1 {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        let below = order.get(i).map_or(0.0, |&j| scores[j]);
        points.push(OperatingPoint {
            threshold: below + (s - below) / 2.0,
            precision: tp / (tp + fp),
            recall: if n_pos == 0.0 { 0.0 } else { tp / n_pos },
        });
    }
    points
}

/// The point of highest recall whose precision is at least `min_precision` (of those, the
/// highest threshold); `None` when no threshold reaches it or there is no EB.
///
/// ```
/// use calnet_train::metrics::recall_at_precision;
/// // Above 0.55 two of three EBs and no other: precision 1, recall 2/3.
/// let p = recall_at_precision(&[0.9, 0.8, 0.6, 0.5, 0.1], &[1, 1, 0, 1, 0], 0.95).unwrap();
/// assert_eq!((p.precision, p.recall), (1.0, 2.0 / 3.0));
/// assert!((p.threshold - 0.7).abs() < 1e-6); // halfway between 0.8 and 0.6
/// ```
pub fn recall_at_precision(
    scores: &[f32],
    labels: &[u8],
    min_precision: f64,
) -> Option<OperatingPoint> {
    let mut best: Option<OperatingPoint> = None;
    for p in pr_curve(scores, labels) {
        if p.precision >= min_precision && p.recall > best.map_or(0.0, |b| b.recall) {
            best = Some(p);
        }
    }
    best
}

/// The point of highest precision whose recall is at least `min_recall` (of those, the highest
/// threshold); `None` when there is no EB.
///
/// ```
/// use calnet_train::metrics::precision_at_recall;
/// // All three EBs need the threshold below 0.5, where one other is called too.
/// let p = precision_at_recall(&[0.9, 0.8, 0.6, 0.5, 0.1], &[1, 1, 0, 1, 0], 0.99).unwrap();
/// assert_eq!((p.precision, p.recall), (0.75, 1.0));
/// ```
pub fn precision_at_recall(
    scores: &[f32],
    labels: &[u8],
    min_recall: f64,
) -> Option<OperatingPoint> {
    let mut best: Option<OperatingPoint> = None;
    for p in pr_curve(scores, labels) {
        if p.recall >= min_recall && p.precision > best.map_or(-1.0, |b| b.precision) {
            best = Some(p);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_class_has_no_auc() {
        assert_eq!(roc_auc(&[0.1, 0.9], &[1, 1]), None);
        assert_eq!(roc_auc(&[0.1, 0.9], &[0, 0]), None);
    }

    #[test]
    fn zero_denominators_give_zero() {
        let m = Metrics::from_scores(&[0.1, 0.2], &[0, 0], None);
        assert_eq!(
            (m.precision, m.recall, m.f1, m.accuracy),
            (0.0, 0.0, 0.0, 1.0)
        );
    }

    #[test]
    fn half_is_not_eb() {
        let m = Metrics::from_scores(&[0.5], &[1], None);
        assert_eq!(m.confusion.fn_, 1);
    }

    /// Brute force: every threshold between distinct scores, counted from scratch.
    fn brute(scores: &[f32], labels: &[u8]) -> Vec<(f64, f64, f32)> {
        let mut cuts: Vec<f32> = scores.to_vec();
        cuts.push(0.0);
        cuts.sort_by(f32::total_cmp);
        cuts.dedup();
        let mut out = Vec::new();
        for w in cuts.windows(2) {
            let t = w[0] + (w[1] - w[0]) / 2.0;
            let called: Vec<bool> = scores.iter().map(|&s| s > t).collect();
            let c = Confusion::count(&called, labels);
            if c.tp + c.fp > 0 {
                let m = Metrics::from_confusion(c, None);
                out.push((m.precision, m.recall, t));
            }
        }
        out
    }

    #[test]
    fn operating_points_match_brute_force() {
        // A seeded mix of scores with ties, both labels.
        let mut x = 12345u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200 {
            let n = 1 + (next() % 40) as usize;
            let labels: Vec<u8> = (0..n).map(|_| (next() % 2) as u8).collect();
            let scores: Vec<f32> = (0..n).map(|_| (1 + next() % 20) as f32 / 21.0).collect();
            let points = brute(&scores, &labels);
            for min_p in [0.5, 0.8, 0.98, 1.0] {
                let want = points
                    .iter()
                    .filter(|p| p.0 >= min_p)
                    .map(|p| p.1)
                    .fold(None, |a: Option<f64>, r| Some(a.map_or(r, |a| a.max(r))))
                    .filter(|&r| r > 0.0);
                let got = recall_at_precision(&scores, &labels, min_p);
                assert_eq!(got.map(|p| p.recall), want, "{scores:?} {labels:?} {min_p}");
                if let Some(p) = got {
                    let called: Vec<bool> = scores.iter().map(|&s| s > p.threshold).collect();
                    let m = Metrics::from_confusion(Confusion::count(&called, &labels), None);
                    assert_eq!((m.precision, m.recall), (p.precision, p.recall));
                }
            }
            for min_r in [0.5, 0.9, 1.0] {
                let want = points
                    .iter()
                    .filter(|p| p.1 >= min_r)
                    .map(|p| p.0)
                    .fold(None, |a: Option<f64>, q| Some(a.map_or(q, |a| a.max(q))));
                let got = precision_at_recall(&scores, &labels, min_r);
                assert_eq!(
                    got.map(|p| p.precision),
                    want,
                    "{scores:?} {labels:?} {min_r}"
                );
            }
        }
    }
}
