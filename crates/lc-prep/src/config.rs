//! Every parameter of the feature pipeline, in one place, and the record of them that weight
//! files carry ([`FeatureConfig::to_record`], [`FeatureConfig::from_record`]).

use std::collections::BTreeMap;

use crate::segment::{SegmentRule, Segments};
use crate::Error;
use tess_io::{FluxColumn, QualityMask};

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
/// assert_eq!(cfg.segments.rule(120.0), lc_prep::SegmentRule::REFERENCE);
/// assert_eq!(cfg.lc_len, 4000);
/// let robust = lc_prep::FeatureConfig { mode: lc_prep::Mode::Robust, ..cfg.clone() };
/// robust.validate()?;
/// // The full-frame-image config: segments by span and coverage at each file's cadence.
/// let ffi = lc_prep::FeatureConfig::ffi();
/// assert_eq!(ffi.segments.rule(1800.0).min_points, 134);
/// # Ok::<(), lc_prep::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    /// Which QUALITY flags drop a cadence (non-finite time and flux are always dropped).
    pub quality: QualityMask,
    /// The flux column to read (`tess_io::ReadOptions`); `None` is the product's default
    /// (`PDCSAP_FLUX` for SPOC, as the reference). See [`FeatureConfig::read_options`].
    pub flux_column: Option<FluxColumn>,
    /// How a light curve is cut into segments, and which segments are too short.
    pub segments: Segments,
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
    /// Set the periodogram input to 0 at periods below twice the file's cadence (beyond its
    /// Nyquist frequency, where the power mirrors that of lower frequencies) and scale the
    /// rest alone ([`crate::periodogram::calnet_periodogram_above`]). Off in the reference
    /// (2-minute data have no such period on CALNet's grid), on in [`FeatureConfig::ffi`].
    pub alias_cut: bool,
}

impl FeatureConfig {
    /// The reference CALNet's parameters.
    pub const fn reference() -> Self {
        FeatureConfig {
            quality: QualityMask::Reference,
            flux_column: None,
            segments: Segments::Fixed(SegmentRule::REFERENCE),
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
            alias_cut: false,
        }
    }

    /// The full-frame-image config (30-minute, 10-minute and 200-second light curves):
    /// segments cut by span and coverage at each file's cadence ([`Segments::Ffi`]), the
    /// QUALITY mask suited to each product ([`QualityMask::Product`]), the product's flux
    /// column, no periodogram values beyond the Nyquist frequency
    /// ([`FeatureConfig::alias_cut`]); the spline step and the 4000- and 1000-value inputs of the reference, so the
    /// network and its weights keep their shapes.
    pub const fn ffi() -> Self {
        let mut cfg = FeatureConfig::reference();
        cfg.quality = QualityMask::Product;
        cfg.segments = Segments::Ffi;
        cfg.alias_cut = true;
        cfg
    }

    /// How to read a file for this config: its flux column.
    pub fn read_options(&self) -> tess_io::ReadOptions {
        tess_io::ReadOptions {
            flux_column: self.flux_column.clone(),
        }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Config(m));
        // False for NaN too.
        let positive = |v: f64| v > 0.0;
        if let Segments::Fixed(rule) = &self.segments {
            if !positive(rule.gap_days) {
                return bad(format!("gap_days must be > 0, got {}", rule.gap_days));
            }
            if !(0.0..=1.0).contains(&rule.min_coverage) {
                return bad(format!(
                    "min_coverage must be in [0, 1], got {}",
                    rule.min_coverage
                ));
            }
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

/// The prefix of a feature record's keys in a weights file's metadata.
pub const RECORD_PREFIX: &str = "features.";

/// The version of the record's layout this crate writes and reads.
const RECORD_VERSION: &str = "1";

impl FeatureConfig {
    /// The record weight files carry (safetensors `__metadata__`: string keys and values, all
    /// starting with [`RECORD_PREFIX`]): every parameter, in words a person can read, e.g.
    /// `features.mode = robust`, `features.segments = ffi`, `features.quality = product`,
    /// `features.flux_column = default`, `features.lc_len = 4000`, `features.gls_len = 1000`.
    ///
    /// ```
    /// use lc_prep::{FeatureConfig, Mode};
    /// let robust = FeatureConfig { mode: Mode::Robust, ..FeatureConfig::ffi() };
    /// let record = robust.to_record();
    /// assert_eq!(record["features.mode"], "robust");
    /// assert_eq!(record["features.segments"], "ffi");
    /// assert_eq!(FeatureConfig::from_record(&record)?, Some(robust));
    /// // A file without a record (the published .pth) gives None: the reference config.
    /// assert_eq!(FeatureConfig::from_record(&Default::default())?, None);
    /// # Ok::<(), lc_prep::Error>(())
    /// ```
    pub fn to_record(&self) -> BTreeMap<String, String> {
        let r = &self.robust;
        [
            ("version", RECORD_VERSION.to_string()),
            ("mode", self.mode.to_string()),
            ("quality", self.quality.to_string()),
            (
                "flux_column",
                self.flux_column
                    .as_ref()
                    .map_or("default".to_string(), |c| c.name().to_string()),
            ),
            ("segments", self.segments.to_string()),
            ("lc_len", self.lc_len.to_string()),
            ("alias_cut", self.alias_cut.to_string()),
            ("gls_len", crate::periodogram::GLS_LEN.to_string()),
            ("clip_percentile", self.clip_percentile.to_string()),
            ("spline_iterations", self.spline_iterations.to_string()),
            ("outlier_cut", self.outlier_cut.to_string()),
            (
                "robust",
                format!(
                    "knot_spacing_days={},cut={},max_iterations={}",
                    r.knot_spacing_days, r.cut, r.max_iterations
                ),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (format!("{RECORD_PREFIX}{k}"), v))
        .collect()
    }

    /// The config a weights file's metadata records, `None` when it holds no key starting with
    /// [`RECORD_PREFIX`] (the published `.pth`, older safetensors: the reference config). A
    /// key the record lacks takes the reference value; an unknown key, a value that does not
    /// parse, another record version or a periodogram length other than 1000 is an error
    /// ([`Error::Record`]), and so is a config that [`FeatureConfig::validate`] refuses.
    pub fn from_record(
        metadata: &BTreeMap<String, String>,
    ) -> Result<Option<FeatureConfig>, Error> {
        let mut cfg = FeatureConfig::reference();
        let mut any = false;
        for (key, value) in metadata {
            let Some(name) = key.strip_prefix(RECORD_PREFIX) else {
                continue;
            };
            any = true;
            let bad = |why: String| Error::Record {
                key: key.clone(),
                value: value.clone(),
                reason: why,
            };
            let number = |v: &str| v.trim().parse::<f64>().map_err(|e| bad(e.to_string()));
            let count = |v: &str| v.trim().parse::<usize>().map_err(|e| bad(e.to_string()));
            match name {
                "version" if value.trim() == RECORD_VERSION => {}
                "version" => {
                    return Err(bad(format!(
                        "this calnet reads record version {RECORD_VERSION}"
                    )))
                }
                "mode" => cfg.mode = value.parse().map_err(|e: Error| bad(e.to_string()))?,
                "quality" => {
                    cfg.quality = value
                        .parse()
                        .map_err(|e: tess_io::ParseQualityMaskError| bad(e.to_string()))?
                }
                "flux_column" if value.trim() == "default" => cfg.flux_column = None,
                "flux_column" => {
                    cfg.flux_column = Some(
                        value
                            .parse()
                            .map_err(|e: tess_io::ParseFluxColumnError| bad(e.to_string()))?,
                    )
                }
                "segments" => {
                    cfg.segments = value.parse().map_err(|e: Error| bad(e.to_string()))?
                }
                "lc_len" => cfg.lc_len = count(value)?,
                "alias_cut" => {
                    cfg.alias_cut = value
                        .trim()
                        .parse()
                        .map_err(|_| bad("expected true or false".into()))?
                }
                "gls_len" if count(value)? == crate::periodogram::GLS_LEN => {}
                "gls_len" => {
                    return Err(bad(format!(
                        "the periodogram input has {} values",
                        crate::periodogram::GLS_LEN
                    )))
                }
                "clip_percentile" => cfg.clip_percentile = number(value)?,
                "spline_iterations" => cfg.spline_iterations = count(value)?,
                "outlier_cut" => cfg.outlier_cut = number(value)?,
                "robust" => {
                    for part in value.split(',') {
                        let (k, v) = part
                            .split_once('=')
                            .ok_or_else(|| bad("expected key=value pairs".into()))?;
                        match k.trim() {
                            "knot_spacing_days" => cfg.robust.knot_spacing_days = number(v)?,
                            "cut" => cfg.robust.cut = number(v)?,
                            "max_iterations" => cfg.robust.max_iterations = count(v)?,
                            other => return Err(bad(format!("unknown robust parameter {other}"))),
                        }
                    }
                }
                _ => return Err(bad("unknown key (written by a newer calnet?)".into())),
            }
        }
        if !any {
            return Ok(None);
        }
        cfg.validate()?;
        Ok(Some(cfg))
    }
}

/// The feature parameters a user states explicitly (command-line flags), each `None` when not
/// given: checked against a weights file's record, or applied to a config.
///
/// ```
/// use lc_prep::{FeatureChoice, FeatureConfig, Mode};
/// let robust = FeatureConfig { mode: Mode::Robust, ..FeatureConfig::reference() };
/// // No flag: the record.
/// assert_eq!(FeatureChoice::default().resolve(Some(&robust))?, robust);
/// // No record (the published .pth): the reference config, with the flags applied.
/// let choice = FeatureChoice { mode: Some(Mode::Robust), ..Default::default() };
/// assert_eq!(choice.resolve(None)?, robust);
/// // A flag that contradicts the record is refused, naming both values.
/// let err = FeatureChoice { mode: Some(Mode::Reference), ..Default::default() }
///     .resolve(Some(&robust)).unwrap_err();
/// assert!(err.to_string().contains("mode reference") && err.to_string().contains("robust"));
/// # Ok::<(), lc_prep::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureChoice {
    /// Detrending mode.
    pub mode: Option<Mode>,
    /// QUALITY mask.
    pub quality: Option<QualityMask>,
    /// Flux column.
    pub flux_column: Option<FluxColumn>,
    /// Segment rule.
    pub segments: Option<Segments>,
    /// Periodogram alias cut ([`FeatureConfig::alias_cut`]).
    pub alias_cut: Option<bool>,
}

impl FeatureChoice {
    /// `base` with every stated choice applied.
    pub fn apply(&self, base: FeatureConfig) -> FeatureConfig {
        FeatureConfig {
            mode: self.mode.unwrap_or(base.mode),
            quality: self.quality.unwrap_or(base.quality),
            flux_column: self.flux_column.clone().or(base.flux_column),
            segments: self.segments.unwrap_or(base.segments),
            alias_cut: self.alias_cut.unwrap_or(base.alias_cut),
            ..base
        }
    }

    /// The config for weights whose record is `record`: the record itself when every stated
    /// choice agrees with it (an [`Error::Conflict`] naming both values otherwise); without a
    /// record, the reference config with the choices applied.
    pub fn resolve(&self, record: Option<&FeatureConfig>) -> Result<FeatureConfig, Error> {
        let Some(record) = record else {
            return Ok(self.apply(FeatureConfig::reference()));
        };
        let conflict = |what: &'static str, recorded: String, given: String| {
            Err(Error::Conflict {
                what,
                recorded,
                given,
            })
        };
        if let Some(m) = self.mode.filter(|m| *m != record.mode) {
            return conflict("mode", record.mode.to_string(), m.to_string());
        }
        if let Some(q) = self.quality.filter(|q| *q != record.quality) {
            return conflict("quality", record.quality.to_string(), q.to_string());
        }
        if let Some(c) = &self.flux_column {
            if Some(c) != record.flux_column.as_ref() {
                let recorded = record
                    .flux_column
                    .as_ref()
                    .map_or("default (the product's)".to_string(), |c| c.to_string());
                return conflict("flux column", recorded, c.to_string());
            }
        }
        if let Some(s) = self.segments.filter(|s| *s != record.segments) {
            return conflict("segments", record.segments.to_string(), s.to_string());
        }
        if let Some(a) = self.alias_cut.filter(|a| *a != record.alias_cut) {
            return conflict("alias cut", record.alias_cut.to_string(), a.to_string());
        }
        Ok(record.clone())
    }
}
