//! The crate's error type.

/// What can go wrong while turning a light curve into model inputs.
///
/// Messages name the quantity (`what`) and the reason; the caller adds the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Too few points for a step (a cubic spline needs 4).
    #[error("{what}: {n} points, need at least {need}")]
    TooFewPoints {
        /// The step or quantity.
        what: &'static str,
        /// Points available.
        n: usize,
        /// Points needed.
        need: usize,
    },
    /// A NaN or infinite value where finite values are required.
    #[error("{what}: value at index {index} is not finite")]
    NonFinite {
        /// The array.
        what: &'static str,
        /// Index of the first bad value.
        index: usize,
    },
    /// Values that must increase strictly do not (duplicate or unsorted times).
    #[error("{what}: not strictly increasing at index {index}")]
    NotIncreasing {
        /// The array.
        what: &'static str,
        /// Index of the first value not above its predecessor.
        index: usize,
    },
    /// Two arrays that must have the same length do not.
    #[error("{what}: lengths differ ({left} and {right})")]
    LengthMismatch {
        /// The arrays.
        what: &'static str,
        /// First length.
        left: usize,
        /// Second length.
        right: usize,
    },
    /// A quantity that must vary is constant (max = min), so it cannot be scaled to [0, 1].
    #[error("{what} is constant: cannot scale it to [0, 1]")]
    Constant {
        /// The quantity.
        what: &'static str,
    },
    /// The periodogram failed.
    #[error("periodogram: {0}")]
    Periodogram(String),
    /// Reading or writing a file failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A feature file (the reference's CSV layout) that cannot be read as one.
    #[error("{}: line {line}: {message}", path.display())]
    FeatureFile {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A [`crate::FeatureConfig`] value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A weights file's feature record ([`crate::FeatureConfig::from_record`]) that cannot be
    /// read.
    #[error("feature record {key} = {value:?}: {reason}")]
    Record {
        /// The metadata key.
        key: String,
        /// Its value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// An explicit choice that contradicts the feature config a weights file records
    /// ([`crate::FeatureChoice::resolve`]).
    #[error("{what} {given} conflicts with the weights, which were trained with {what} {recorded}: leave the option out to use the weights' config")]
    Conflict {
        /// The parameter (`mode`, `quality`, `flux column`, `segments`).
        what: &'static str,
        /// The value the weights record.
        recorded: String,
        /// The value asked for.
        given: String,
    },
}
