//! The crate's error type.

/// Everything that can go wrong while loading weights or running the network.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The weights file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file starts like a zip archive but cannot be read as one (truncated or damaged), or a
    /// storage inside it is missing or short.
    #[error("{path}: damaged or truncated PyTorch checkpoint: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Neither a PyTorch zip checkpoint nor safetensors.
    #[error("{path}: not a weights file: neither a PyTorch zip checkpoint (.pth/.pt) nor safetensors ({detail})")]
    UnknownFormat {
        /// The file.
        path: String,
        /// What the file starts with.
        detail: String,
    },
    /// The pre-1.6 PyTorch format (a bare pickle stream, not a zip archive).
    #[error("{path}: legacy (pre-1.6, non-zip) PyTorch format is not supported: re-save it in Python with `torch.save(torch.load(path), new_path)`")]
    LegacyFormat {
        /// The file.
        path: String,
    },
    /// A zip archive without `data.pkl`: not written by `torch.save`.
    #[error("{path}: zip archive without data.pkl: not a PyTorch checkpoint")]
    MissingDataPkl {
        /// The file.
        path: String,
    },
    /// `data.pkl` uses something this reader does not understand, or is malformed.
    #[error("{path}: data.pkl, byte {offset}: {reason}")]
    Pickle {
        /// The file.
        path: String,
        /// Byte offset of the offending opcode in data.pkl.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// `torch.save(model)` rather than `torch.save(model.state_dict())`.
    #[error("{path}: a whole pickled model (class `{class}`), not a state_dict: save it in Python with `torch.save(model.state_dict(), path)`")]
    WholeModel {
        /// The file.
        path: String,
        /// The pickled object's class, `module.name`.
        class: String,
    },
    /// The pickle holds something other than a dict of tensors.
    #[error("{path}: not a state_dict: found {found}")]
    NotAStateDict {
        /// The file.
        path: String,
        /// What was found instead.
        found: String,
    },
    /// A state_dict entry that is not a tensor.
    #[error("{path}: state_dict key `{key}` holds a {found}, not a tensor")]
    NotATensor {
        /// The file.
        path: String,
        /// The key.
        key: String,
        /// What it holds.
        found: String,
    },
    /// A tensor of a dtype that cannot become float32 weights.
    #[error(
        "tensor `{key}` has dtype {dtype}: weights must be float32, float16, bfloat16 or float64"
    )]
    UnsupportedDtype {
        /// The key.
        key: String,
        /// The dtype as the file names it.
        dtype: String,
    },
    /// The file lacks a tensor the model needs.
    #[error("{path}: missing key `{key}` ({count} missing in all): is this CALNet's state_dict?")]
    MissingKey {
        /// The file.
        path: String,
        /// The first missing key, in the model's order.
        key: String,
        /// How many keys are missing.
        count: usize,
    },
    /// The file holds a tensor the model does not have.
    #[error(
        "{path}: unexpected key `{key}` ({count} unexpected in all): is this CALNet's state_dict?"
    )]
    UnexpectedKey {
        /// The file.
        path: String,
        /// The first unexpected key, in the file's order.
        key: String,
        /// How many keys are unexpected.
        count: usize,
    },
    /// A tensor of the wrong shape.
    #[error("{path}: `{key}` has shape {found:?}, the model expects {expected:?}")]
    ShapeMismatch {
        /// The file.
        path: String,
        /// The key.
        key: String,
        /// The model's shape.
        expected: Vec<i64>,
        /// The file's shape.
        found: Vec<i64>,
    },
    /// A safetensors file that cannot be read.
    #[error("{path}: safetensors: {reason}")]
    Safetensors {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A device string that is not `auto`, `cpu`, `cuda` or `cuda:N`, or a CUDA device that is
    /// not there.
    #[error("device `{spec}`: {reason}")]
    Device {
        /// The string as given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// Model inputs of the wrong length.
    #[error("{what}: {len} values is not a whole number of segments of {per_segment}")]
    InputLength {
        /// Which input (`light curve` or `periodogram`).
        what: &'static str,
        /// Values given.
        len: usize,
        /// Values per segment.
        per_segment: usize,
    },
    /// Light-curve and periodogram inputs for different numbers of segments.
    #[error("{lc} light-curve segments but {gls} periodograms")]
    BatchMismatch {
        /// Segments in the light-curve input.
        lc: usize,
        /// Segments in the periodogram input.
        gls: usize,
    },
    /// The native engine's thread pool could not be started.
    #[error("threads: {0}")]
    Threads(String),
    /// An error inside libtorch.
    #[cfg(feature = "torch")]
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}
