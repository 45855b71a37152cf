//! The pipeline's errors: each names the file (or folder) and the reason.

use std::path::PathBuf;

/// Why a run, a merge or an output failed. Bad input files are not errors of the run: they are
/// recorded in `failures.csv` and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("{path}: {source}")]
    Csv {
        /// The output file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// A journal line could not be read or written.
    #[error("{path}: line {line}: {reason}")]
    Journal {
        /// The journal.
        path: PathBuf,
        /// Line number, from 1 (0 when writing).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The output folder holds the journal of a run with other settings.
    #[error(
        "{path}: the folder holds a run with another {field}; rerun with the same inputs and \
         options to resume it, or choose another --out"
    )]
    OtherRun {
        /// The journal.
        path: PathBuf,
        /// The first setting that differs.
        field: String,
    },
    /// Another run holds the output folder's lock: two runs into one folder would tear its
    /// journal.
    #[error(
        "{}: another calnet run is writing into this folder (it holds {}); wait for it to \
         end or choose another --out",
        dir.display(),
        super::lock::LOCK
    )]
    Locked {
        /// The output folder.
        dir: PathBuf,
    },
    /// The weights could not be loaded (the cause names the file).
    #[error("{source}")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// The cause.
        source: calnet_model::ModelError,
    },
    /// The weights' feature record cannot be read, or an explicit feature choice contradicts
    /// it.
    #[error("{}: {source}", path.display())]
    WeightsFeatures {
        /// The weights file.
        path: PathBuf,
        /// The cause.
        source: lc_prep::Error,
    },
    /// The network failed on a batch.
    #[error("inference: {0}")]
    Inference(calnet_model::ModelError),
    /// The feature configuration is not usable.
    #[error("feature configuration: {0}")]
    Features(#[from] lc_prep::Error),
    /// A vetting sheet could not be drawn.
    #[error("{path}: {reason}")]
    Sheet {
        /// The sheet.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Shard folders that do not make up one whole run.
    #[error("{dir}: {reason}")]
    Merge {
        /// The shard's folder.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A threshold that is not a probability (NaN, infinite, outside [0, 1]).
    #[error("threshold {0} is not a probability in [0, 1]")]
    Threshold(f32),
    /// A panic that cannot be tied to one file (a panic in one file's work fails that file).
    #[error("{0}; the files journaled so far are kept, and rerunning the command resumes")]
    Panic(String),
    /// A worker thread could not start or stopped.
    #[error("worker threads: {0}")]
    Threads(String),
}
