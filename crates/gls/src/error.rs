//! The one error type of `gls`.

/// Everything that can be wrong with the input of a periodogram.
///
/// Each variant names the offending array (`t`, `y`, `dy`, the grid) and, where there is one,
/// the index of the first bad value, so that a caller can report `path: reason`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GlsError {
    /// Two arrays that must be parallel have different lengths.
    #[error("length mismatch: {what} has {got} values, t has {expected}")]
    LengthMismatch {
        /// Which array (`y` or `dy`).
        what: &'static str,
        /// Its length.
        got: usize,
        /// The length of `t`.
        expected: usize,
    },
    /// Fewer than 3 points: the floating-mean sinusoid has 3 parameters.
    #[error("too few points: {n} (the floating-mean model needs at least 3)")]
    TooFewPoints {
        /// How many points were given.
        n: usize,
    },
    /// A value is NaN or infinite.
    #[error("{what}[{index}] is not finite ({value})")]
    NonFinite {
        /// Which array (`t`, `y`, `dy`, `frequency`).
        what: &'static str,
        /// Index of the first bad value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// An uncertainty is zero or negative, so its weight 1/dy² is undefined.
    #[error("dy[{index}] = {value} is not positive (weights are 1/dy^2)")]
    NonPositiveUncertainty {
        /// Index of the first bad value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A frequency or period of a grid is zero or negative.
    #[error("{what}[{index}] = {value} is not positive")]
    NonPositiveFrequency {
        /// `frequency` or `period`.
        what: &'static str,
        /// Index of the first bad value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A grid was asked for with no points, or with bounds in the wrong order.
    #[error("invalid grid: {reason}")]
    InvalidGrid {
        /// What is wrong.
        reason: String,
    },
    /// `y` has zero variance (for the given weights): every power would be 0/0.
    #[error("y is constant (zero weighted variance): the periodogram is undefined")]
    ConstantSignal,
    /// All times are equal: there is no baseline to measure a period on.
    #[error("all times are equal: the periodogram is undefined")]
    ZeroTimeSpan,
    /// The problem is too large to compute: a grid with more than [`crate::MAX_GRID_POINTS`]
    /// points, phases beyond [`crate::MAX_PHASE`], or a fast-kernel FFT beyond
    /// [`crate::MAX_FFT_LEN`].
    #[error("too large: {reason}")]
    TooLarge {
        /// Which size, and its limit.
        reason: String,
    },
    /// A parameter outside its domain (tolerance, number of trials, power for a FAP).
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// Why it is refused.
        reason: &'static str,
    },
}
