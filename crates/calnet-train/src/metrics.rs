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
        let predicted: Vec<bool> = scores.iter().map(|&s| s > THRESHOLD).collect();
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
}
