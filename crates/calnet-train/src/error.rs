//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while building data sets, training or evaluating.
///
/// Each message names the file (and the line or key where one applies) and the reason.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A labels CSV is malformed.
    #[error("{path}: line {line}: {reason}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number (0 when the problem is the file as a whole).
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A feature file (the reference's CSV layout) is malformed or its two halves disagree.
    #[error(transparent)]
    FeatureFile(#[from] lc_prep::Error),
    /// A catalog in astropy's `fixed_width_two_line` layout is malformed.
    #[error("{path}: line {line}: {reason}")]
    Catalog {
        /// The catalog file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A feature-cache entry is unreadable (it is recomputed, so this only surfaces when the
    /// cache cannot be written).
    #[error("{path}: feature cache: {reason}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A checkpoint or its state file is missing, unreadable or does not fit the run.
    #[error("{path}: checkpoint: {reason}")]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The data set cannot be trained or evaluated on (empty, one class, too small a batch).
    #[error("data set: {0}")]
    Data(String),
    /// A training option is out of range.
    #[error("invalid option: {0}")]
    Config(String),
    /// The model refused weights or a device.
    #[error(transparent)]
    Model(#[from] calnet_model::ModelError),
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

impl TrainError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TrainError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = TrainError> = std::result::Result<T, E>;
