//! The one error type of the crate.

use std::path::PathBuf;

/// Everything that can go wrong while building a model, drawing parameters, simulating or
/// injecting. Messages name the parameter (or file) and the reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A period that is not a finite positive number of days.
    #[error("period_d must be finite and > 0 days, got {0}")]
    InvalidPeriod(f64),
    /// An eccentricity outside [0, 1).
    #[error("eccentricity must be in [0, 1), got {0}")]
    InvalidEccentricity(f64),
    /// A depth outside the open interval (0, 1).
    #[error("depth must be in (0, 1) (a fraction of the flux), got {0}")]
    InvalidDepth(f64),
    /// Any other parameter outside its physical range.
    #[error("{name} must be {range}, got {value}")]
    OutOfRange {
        /// The parameter's name, as in [`crate::BinaryParams`] or the labels file.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        range: &'static str,
    },
    /// The two stars of a binary would touch or overlap at periastron.
    #[error(
        "stars overlap: R1/a + R2/a = {sum:.4} reaches the periastron separation 1 - e = {periastron:.4}"
    )]
    StarsOverlap {
        /// Sum of the fractional radii.
        sum: f64,
        /// Periastron separation in units of the semi-major axis.
        periastron: f64,
    },
    /// A star of a system declared detached fills its Roche lobe (Eggleton 1983).
    #[error(
        "star {star} overflows its Roche lobe in a detached system: R/a = {radius:.4} > R_L/a = {roche:.4}"
    )]
    RocheLobeOverflow {
        /// 1 (primary) or 2 (secondary).
        star: u8,
        /// Fractional radius R/a.
        radius: f64,
        /// Roche-lobe volume-equivalent radius R_L/a at periastron.
        roche: f64,
    },
    /// A requested eclipse depth that no allowed geometry of the drawn system reaches.
    #[error("could not reach eclipse depth {depth} for the {class} class in {tries} draws")]
    DepthUnreachable {
        /// Requested primary depth.
        depth: f64,
        /// Class name.
        class: &'static str,
        /// Number of systems tried.
        tries: usize,
    },
    /// A class name that is not one of [`crate::Class::ALL`].
    #[error("unknown class '{0}' (known: detached, semidetached, contact, ellipsoidal, planet, rotator, flare, dsct, gdor, rrlyr, constant, blend)")]
    UnknownClass(String),
    /// A population name that is not one of [`crate::Population::ALL`].
    #[error("unknown population '{0}' (known: reference, hard-cases)")]
    UnknownPopulation(String),
    /// A region name that is not one of [`crate::Region::ALL`].
    #[error("unknown region '{0}' (known: low-mass-twin, long-period, active-planet-host, flare-star, fast-rotator, beaming-ellipsoidal)")]
    UnknownRegion(String),
    /// A class that cannot be injected (only binaries and blends can).
    #[error("class '{0}' cannot be injected: choose detached, semidetached, contact, ellipsoidal or blend")]
    NotInjectable(&'static str),
    /// A cadence TESS does not use.
    #[error("the cadence must be one of 20, 120, 200, 600, 1800 seconds, got '{0}'")]
    InvalidCadence(String),
    /// A light curve whose headers name no TIC: the truth row of an injection needs one.
    #[error("{file}: no TIC in the headers; an injected light curve's truth needs one")]
    NoTic {
        /// The light curve's file name.
        file: String,
    },
    /// A light curve without a single finite time stamp.
    #[error("{file}: no finite TIME value to inject into")]
    NoFiniteTime {
        /// The light curve's file name.
        file: String,
    },
    /// Times no light curve has: a span beyond [`crate::MAX_SPAN_D`] or values beyond
    /// [`crate::MAX_ABS_TIME`], where the eclipse ephemeris would step through an
    /// astronomical number of epochs, or not advance at all in f64.
    #[error("{file}: TIME runs from {start} to {end}: {reason}")]
    TimeRange {
        /// The light curve's file name.
        file: String,
        /// Earliest finite time.
        start: f64,
        /// Latest finite time.
        end: f64,
        /// Which limit.
        reason: String,
    },
    /// A light curve with too few kept rows to augment.
    #[error("{file}: {rows} rows kept after the quality mask, {needed} needed to augment")]
    TooFewRows {
        /// The light curve's file name.
        file: String,
        /// Rows kept.
        rows: usize,
        /// The minimum, [`crate::augment::MIN_ROWS`].
        needed: usize,
    },
    /// A cadence (from the headers) that would put far more grid points over the light curve's
    /// span than it has rows ([`crate::augment::MAX_GRID_PER_ROW`]).
    #[error(
        "{file}: a {cadence_s} s cadence over {span_d:.3} days does not describe its {rows} rows"
    )]
    Cadence {
        /// The light curve's file name.
        file: String,
        /// The cadence, seconds.
        cadence_s: f64,
        /// The stretched span, days.
        span_d: f64,
        /// Rows kept.
        rows: usize,
    },
    /// The class list or the EB fraction leave nothing to draw.
    #[error("nothing to simulate: {0}")]
    EmptyClassSet(String),
    /// A file-system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path being written or renamed.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing a light-curve file failed.
    #[error("{path}: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The cause, from `tess-io`.
        source: tess_io::Error,
    },
    /// Writing or reading `labels.csv` failed.
    #[error("{path}: {source}")]
    Csv {
        /// The labels file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that `value` is finite and inside `[lo, hi]`.
pub(crate) fn check_range(
    name: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    range: &'static str,
) -> Result<()> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(Error::OutOfRange { name, value, range })
    }
}
