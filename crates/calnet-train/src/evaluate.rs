//! Metrics of trained weights on a labelled data set, per segment and per file (a file is
//! called EB when any of its segments is, as the reference's catalog does).

use std::collections::BTreeMap;
use std::path::Path;

use lc_prep::output::{SegmentRow, SegmentsCsv};
use serde::Serialize;
use tch::Device;

use crate::cache::write_atomic;
use crate::dataset::Dataset;
use crate::error::{Result, TrainError};
use crate::metrics::{precision_at_recall, recall_at_precision, Metrics, OperatingPoint};
use crate::train::{predict, Loss, Network};

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Per segment (loss: cross-entropy on the logits).
    pub segment: Metrics,
    /// Per file: EB when any segment is; ROC-AUC on the highest segment p(EB).
    pub file: Metrics,
    /// Files flagged per class of the label table (empty when it has no `class` column).
    pub per_class: Vec<ClassRate>,
    /// A segment or file is called EB when its p(EB) is above this.
    pub threshold: f32,
    /// Segments: the highest recall at precision >= [`MIN_PRECISION`], with its threshold.
    pub recall_at_precision: Option<OperatingPoint>,
    /// Segments: the highest precision at recall >= [`MIN_RECALL`], with its threshold.
    pub precision_at_recall: Option<OperatingPoint>,
    /// p(EB) of each segment of the data set.
    #[serde(skip)]
    pub scores: Vec<f32>,
    /// Highest p(EB) of each file.
    #[serde(skip)]
    pub file_scores: Vec<f32>,
}

/// The precision of [`Evaluation::recall_at_precision`]: the demo weights' goal (issue 21).
pub const MIN_PRECISION: f64 = 0.98;
/// The recall of [`Evaluation::precision_at_recall`].
pub const MIN_RECALL: f64 = 0.99;

/// The files of one class of the label table (its `class` column) and how many are called EB.
/// For a class labelled 1 the flagged fraction is its recall; for a class labelled 0 it is its
/// false-positive rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRate {
    /// The class, as the label table writes it.
    pub class: String,
    /// The label of its files (a class with both labels gets one entry per label).
    pub label: u8,
    /// Files of the class in the data set.
    pub files: usize,
    /// Of those, files with a segment above the threshold.
    pub flagged: usize,
}

impl ClassRate {
    /// `flagged / files`.
    pub fn fraction(&self) -> f64 {
        self.flagged as f64 / self.files as f64
    }
}

/// Counts per (class, label) of the files that have a class, in class order.
fn per_class(data: &Dataset, file_scores: &[f32], threshold: f32) -> Vec<ClassRate> {
    let mut counts: BTreeMap<(&str, u8), (usize, usize)> = BTreeMap::new();
    for (f, &s) in data.files.iter().zip(file_scores) {
        if let Some(class) = &f.class {
            let c = counts.entry((class, f.label)).or_default();
            c.0 += 1;
            c.1 += usize::from(s > threshold);
        }
    }
    counts
        .into_iter()
        .map(|((class, label), (files, flagged))| ClassRate {
            class: class.to_owned(),
            label,
            files,
            flagged,
        })
        .collect()
}

/// Runs `net` (dropout off) over every segment of `data` in batches, calling EB what is above
/// `threshold` (0.5, [`crate::metrics::THRESHOLD`], is the network's argmax).
///
/// ```no_run
/// # fn data() -> calnet_train::Dataset { unimplemented!() }
/// let (vs, net) = calnet_train::new_calnet(tch::Device::Cpu, 0);
/// calnet_train::load_vars(&vs, "best.safetensors".as_ref())?;
/// let ev = calnet_train::evaluate(&net, &data(), vs.device(), 128, 0.5)?;
/// println!("segment recall {:.3}, file recall {:.3}", ev.segment.recall, ev.file.recall);
/// # Ok::<(), calnet_train::TrainError>(())
/// ```
pub fn evaluate(
    net: &dyn Network,
    data: &Dataset,
    device: Device,
    batch_size: usize,
    threshold: f32,
) -> Result<Evaluation> {
    if data.is_empty() {
        return Err(TrainError::Data("no labelled segment to evaluate".into()));
    }
    let idx: Vec<usize> = (0..data.len()).collect();
    let (scores, loss) = predict(net, data, &idx, device, batch_size, Loss::Logits)?;
    let segment = Metrics::from_scores_at(&scores, &data.labels, Some(loss), threshold);
    let mut file_scores = vec![f32::NEG_INFINITY; data.files.len()];
    for (i, &s) in scores.iter().enumerate() {
        let f = data.segment_file[i];
        file_scores[f] = file_scores[f].max(s);
    }
    let file_labels = data.file_labels();
    let file = Metrics::from_scores_at(&file_scores, &file_labels, None, threshold);
    Ok(Evaluation {
        recall_at_precision: recall_at_precision(&scores, &data.labels, MIN_PRECISION),
        precision_at_recall: precision_at_recall(&scores, &data.labels, MIN_RECALL),
        segment,
        file,
        threshold,
        per_class: per_class(data, &file_scores, threshold),
        scores,
        file_scores,
    })
}

impl Evaluation {
    /// Writes `evaluation.json` (both metric sets and the data report), `segments.csv` and
    /// `files.csv` (each with its label and p(EB)) into `out`.
    pub fn write(&self, out: &Path, data: &Dataset) -> Result<()> {
        #[derive(Serialize)]
        struct File<'a> {
            segment: &'a Metrics,
            file: &'a Metrics,
            per_class: &'a [ClassRate],
            threshold: f32,
            recall_at_precision_98: Option<OperatingPoint>,
            precision_at_recall_99: Option<OperatingPoint>,
            n_files: usize,
            n_segments: usize,
            data: &'a crate::DataReport,
        }
        let json = serde_json::to_string_pretty(&File {
            segment: &self.segment,
            file: &self.file,
            per_class: &self.per_class,
            threshold: self.threshold,
            recall_at_precision_98: self.recall_at_precision,
            precision_at_recall_99: self.precision_at_recall,
            n_files: data.files.len(),
            n_segments: data.len(),
            data: &data.report,
        })
        .unwrap_or_default();
        write_atomic(&out.join("evaluation.json"), json.as_bytes())?;
        // The one segments.csv layout, then the truth label; a data set keeps no sector or
        // times, so those columns stay empty.
        let seg_path = out.join("segments.csv");
        let io = |e| TrainError::io(&seg_path, e);
        let mut seg = SegmentsCsv::new(Vec::new(), &["label"]).map_err(io)?;
        for (i, &s) in self.scores.iter().enumerate() {
            let file = &data.files[data.segment_file[i]];
            let row = SegmentRow {
                file: &file.name,
                tic: file.tic,
                sector: None,
                segment: data.segment_index[i],
                t_start: None,
                t_end: None,
                n_points: None,
                p_eb: s,
                is_eb: s > self.threshold,
            };
            seg.write(&row, &[&data.labels[i].to_string()])
                .map_err(io)?;
        }
        write_atomic(&seg_path, &seg.into_inner().map_err(io)?)?;
        let mut files = String::from("file,tic,label,segments,max_p_eb,predicted,class\n");
        for (f, &s) in data.files.iter().zip(&self.file_scores) {
            files.push_str(&format!(
                "{},{},{},{},{s:.6},{},{}\n",
                quote(&f.name),
                f.tic.map_or(String::new(), |t| t.to_string()),
                f.label,
                f.n_segments,
                u8::from(s > self.threshold),
                quote(f.class.as_deref().unwrap_or(""))
            ));
        }
        write_atomic(&out.join("files.csv"), files.as_bytes())
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::DataFile;

    #[test]
    fn per_class_counts_flagged_files_by_class_and_label() {
        let mut data = Dataset::default();
        for (name, label, class) in [
            ("a", 0, Some("NV")),
            ("b", 0, Some("NV")),
            ("c", 1, Some("EB")),
            ("d", 0, None),
            ("e", 1, Some("NV")),
        ] {
            data.files.push(DataFile {
                name: name.into(),
                path: None,
                tic: None,
                label,
                class: class.map(Into::into),
                n_segments: 1,
            });
        }
        let rates = per_class(&data, &[0.9, 0.1, 0.7, 0.9, 0.5], 0.5);
        let got: Vec<(&str, u8, usize, usize)> = rates
            .iter()
            .map(|r| (r.class.as_str(), r.label, r.files, r.flagged))
            .collect();
        // 0.5 is not above the threshold; the file without a class is in no entry.
        assert_eq!(got, [("EB", 1, 1, 1), ("NV", 0, 2, 1), ("NV", 1, 1, 0)]);
        assert_eq!(rates[1].fraction(), 0.5);
    }
}
