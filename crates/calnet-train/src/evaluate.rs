//! Metrics of trained weights on a labelled data set, per segment and per file (a file is
//! called EB when any of its segments is, as the reference's catalog does).

use std::path::Path;

use lc_prep::output::{SegmentRow, SegmentsCsv};
use serde::Serialize;
use tch::Device;

use crate::cache::write_atomic;
use crate::dataset::Dataset;
use crate::error::{Result, TrainError};
use crate::metrics::{Confusion, Metrics, THRESHOLD};
use crate::train::{predict, Loss, Network};

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Per segment (loss: cross-entropy on the logits).
    pub segment: Metrics,
    /// Per file: EB when any segment is; ROC-AUC on the highest segment p(EB).
    pub file: Metrics,
    /// p(EB) of each segment of the data set.
    #[serde(skip)]
    pub scores: Vec<f32>,
    /// Highest p(EB) of each file.
    #[serde(skip)]
    pub file_scores: Vec<f32>,
}

/// Runs `net` (dropout off) over every segment of `data` in batches.
///
/// ```no_run
/// # fn data() -> calnet_train::Dataset { unimplemented!() }
/// let (vs, net) = calnet_train::new_calnet(tch::Device::Cpu, 0);
/// calnet_train::load_vars(&vs, "best.safetensors".as_ref())?;
/// let ev = calnet_train::evaluate(&net, &data(), vs.device(), 128)?;
/// println!("segment recall {:.3}, file recall {:.3}", ev.segment.recall, ev.file.recall);
/// # Ok::<(), calnet_train::TrainError>(())
/// ```
pub fn evaluate(
    net: &dyn Network,
    data: &Dataset,
    device: Device,
    batch_size: usize,
) -> Result<Evaluation> {
    if data.is_empty() {
        return Err(TrainError::Data("no labelled segment to evaluate".into()));
    }
    let idx: Vec<usize> = (0..data.len()).collect();
    let (scores, loss) = predict(net, data, &idx, device, batch_size, Loss::Logits)?;
    let segment = Metrics::from_scores(&scores, &data.labels, Some(loss));
    let mut file_scores = vec![f32::NEG_INFINITY; data.files.len()];
    for (i, &s) in scores.iter().enumerate() {
        let f = data.segment_file[i];
        file_scores[f] = file_scores[f].max(s);
    }
    let file_labels = data.file_labels();
    let mut file = Metrics::from_scores(&file_scores, &file_labels, None);
    // Same rule as the scores' threshold, stated once more for the file-level confusion.
    let called: Vec<bool> = file_scores.iter().map(|&s| s > THRESHOLD).collect();
    file.confusion = Confusion::count(&called, &file_labels);
    Ok(Evaluation {
        segment,
        file,
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
            n_files: usize,
            n_segments: usize,
            data: &'a crate::DataReport,
        }
        let json = serde_json::to_string_pretty(&File {
            segment: &self.segment,
            file: &self.file,
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
                is_eb: s > THRESHOLD,
            };
            seg.write(&row, &[&data.labels[i].to_string()])
                .map_err(io)?;
        }
        write_atomic(&seg_path, &seg.into_inner().map_err(io)?)?;
        let mut files = String::from("file,tic,label,segments,max_p_eb,predicted\n");
        for (f, &s) in data.files.iter().zip(&self.file_scores) {
            files.push_str(&format!(
                "{},{},{},{},{s:.6},{}\n",
                quote(&f.name),
                f.tic.map_or(String::new(), |t| t.to_string()),
                f.label,
                f.n_segments,
                u8::from(s > THRESHOLD)
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
