//! Every parameter of the feature pipeline, in one place.

use crate::Error;
use tess_io::QualityMask;

/// How the light curve is detrended before resampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The reference CALNet's way, bit for bit: three rounds of an interpolating spline and a
    /// 3-sigma mask of its round-off residuals ([`crate::detrend::reference_spline`]). The
    /// published weights were trained on these inputs.
    #[default]
    Reference,
    /// A real outlier removal (opt-in): a least-squares cubic B-spline with knots every
    /// [`RobustConfig::knot_spacing_days`], iterative clipping of its residuals, then the
    /// interpolating spline through the kept points.
    Robust,
}

impl std::str::FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reference" => Ok(Mode::Reference),
            "robust" => Ok(Mode::Robust),
            _ => Err(Error::Config(format!(
                "unknown mode {s:?}: expected reference or robust"
            ))),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Reference => "reference",
            Mode::Robust => "robust",
        })
    }
}

/// Parameters of [`Mode::Robust`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RobustConfig {
    /// Spacing of the least-squares spline's interior knots, days (Astronet's 0.5).
    pub knot_spacing_days: f64,
    /// Clipping threshold in robust sigmas.
    pub cut: f64,
    /// Most fit-and-clip rounds; stops earlier when the mask no longer changes.
    pub max_iterations: usize,
}

impl Default for RobustConfig {
    fn default() -> Self {
        RobustConfig {
            knot_spacing_days: 0.5,
            cut: 3.0,
            max_iterations: 5,
        }
    }
}

/// All parameters that turn a light curve into CALNet's inputs.
///
/// [`FeatureConfig::reference()`] (also the `Default`) is the reference CALNet.
///
/// ```
/// let cfg = lc_prep::FeatureConfig::reference();
/// assert_eq!((cfg.gap_days, cfg.min_points, cfg.lc_len), (0.75, 2000, 4000));
/// let robust = lc_prep::FeatureConfig { mode: lc_prep::Mode::Robust, ..cfg };
/// robust.validate()?;
/// # Ok::<(), lc_prep::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureConfig {
    /// Which QUALITY flags drop a cadence (non-finite time and flux are always dropped).
    pub quality: QualityMask,
    /// A jump in time above this (days) starts a new segment.
    pub gap_days: f64,
    /// Segments with fewer points (after the quality cut) are skipped.
    pub min_points: usize,
    /// Points at or above this percentile of the segment's flux are dropped (the reference's
    /// "dropMax"; numpy's linear method in float32, strict `<` keeps).
    pub clip_percentile: f64,
    /// Detrending mode.
    pub mode: Mode,
    /// Spline-and-mask rounds of the reference mode (the last mask is never applied).
    pub spline_iterations: usize,
    /// Cut of the reference mode's robust outlier mask, sigmas.
    pub outlier_cut: f64,
    /// Parameters of the robust mode.
    pub robust: RobustConfig,
    /// Length of the light-curve input (samples of the spline on [0, 1]).
    pub lc_len: usize,
}

impl FeatureConfig {
    /// The reference CALNet's parameters.
    pub const fn reference() -> Self {
        FeatureConfig {
            quality: QualityMask::Reference,
            gap_days: crate::segment::REFERENCE_GAP_DAYS,
            min_points: 2000,
            clip_percentile: 99.0,
            mode: Mode::Reference,
            spline_iterations: 3,
            outlier_cut: 3.0,
            robust: RobustConfig {
                knot_spacing_days: 0.5,
                cut: 3.0,
                max_iterations: 5,
            },
            lc_len: 4000,
        }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Config(m));
        // False for NaN too.
        let positive = |v: f64| v > 0.0;
        if !positive(self.gap_days) {
            return bad(format!("gap_days must be > 0, got {}", self.gap_days));
        }
        if !(0.0..=100.0).contains(&self.clip_percentile) {
            return bad(format!(
                "clip_percentile must be in [0, 100], got {}",
                self.clip_percentile
            ));
        }
        if self.spline_iterations == 0 {
            return bad("spline_iterations must be at least 1".into());
        }
        if !positive(self.outlier_cut) || !positive(self.robust.cut) {
            return bad("outlier cuts must be > 0".into());
        }
        if !positive(self.robust.knot_spacing_days) || self.robust.max_iterations == 0 {
            return bad("robust knot spacing must be > 0 and max_iterations >= 1".into());
        }
        if self.lc_len < 2 {
            return bad(format!("lc_len must be at least 2, got {}", self.lc_len));
        }
        Ok(())
    }
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig::reference()
    }
}
