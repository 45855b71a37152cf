//! The feature-config options shared by `features`, `train`, `evaluate` and `classify`: one
//! set of flags, one meaning. With weights (`classify`, `evaluate`) the weights' record decides
//! and a flag that contradicts it is refused; without (`features`, `train`), `--feature-config`
//! picks the starting point and the flags change it.

#[cfg(feature = "torch")]
use std::path::Path;

use lc_prep::{FeatureChoice, FeatureConfig, Mode, Segments};
use tess_io::{FluxColumn, QualityMask};

/// The feature parameters a command line may state.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct FeatureArgs {
    /// Detrending mode: reference (bit-exact with the reference CALNet) or robust (real outlier
    /// removal) [default: the weights' or --feature-config's].
    #[arg(long, value_name = "MODE", value_parser = super::parse::mode())]
    pub mode: Option<Mode>,
    /// Which QUALITY flags drop a cadence: reference (QUALITY == 0, as CALNet), default, hard,
    /// hardest (lightkurve's presets), none, product (the mask suited to each file's product),
    /// or an integer bitmask [default: the weights' or --feature-config's].
    #[arg(long, value_name = "MASK")]
    pub quality: Option<QualityMask>,
    /// Flux column: pdcsap, sap, kspsap or a column name [default: each product's own].
    #[arg(long, value_name = "COLUMN")]
    pub flux_column: Option<FluxColumn>,
    /// Segment rule: reference (gap 0.75 d, 2000 points), ffi (2.78 days of data at each
    /// file's cadence, half the span covered) or gap_days=G,min_points=N,min_coverage=C
    /// [default: the weights' or --feature-config's].
    #[arg(long, value_name = "RULE")]
    pub segments: Option<Segments>,
    /// Set the periodogram input to 0 at periods below twice the cadence (beyond the Nyquist
    /// frequency): true or false [default: the weights' or --feature-config's].
    #[arg(long, value_name = "BOOL")]
    pub alias_cut: Option<bool>,
}

impl FeatureArgs {
    /// The stated choices.
    pub fn choice(&self) -> FeatureChoice {
        FeatureChoice {
            mode: self.mode,
            quality: self.quality,
            flux_column: self.flux_column.clone(),
            segments: self.segments,
            alias_cut: self.alias_cut,
        }
    }

    /// The config for the weights at `weights`: their record (the reference config for a file
    /// without one), checked against the flags (`evaluate`; `classify` leaves it to
    /// `calnet::pipeline`).
    #[cfg(feature = "torch")]
    pub fn for_weights(&self, weights: &Path) -> anyhow::Result<FeatureConfig> {
        let at = |e: lc_prep::Error| anyhow::anyhow!("{}: {e}", weights.display());
        let metadata = calnet_model::read_metadata(weights)?;
        let record = FeatureConfig::from_record(&metadata).map_err(at)?;
        self.choice().resolve(record.as_ref()).map_err(at)
    }
}

/// `--feature-config` of `features` and `train`: the config the other flags start from.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preset {
    /// The reference CALNet's (2-minute light curves).
    #[default]
    Reference,
    /// Full-frame images (1800, 600 and 200 s): segments by span and coverage at each file's
    /// cadence, the QUALITY mask of each product.
    Ffi,
}

impl Preset {
    /// The preset's config.
    pub fn config(self) -> FeatureConfig {
        match self {
            Preset::Reference => FeatureConfig::reference(),
            Preset::Ffi => FeatureConfig::ffi(),
        }
    }
}

/// The options of commands that compute features without weights: a preset and the flags.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct FeatureConfigArgs {
    /// The feature config the other feature flags start from: reference or ffi.
    #[arg(long, value_name = "CONFIG", value_enum, default_value_t = Preset::Reference)]
    pub feature_config: Preset,
    #[command(flatten)]
    pub flags: FeatureArgs,
}

impl FeatureConfigArgs {
    /// The preset with the flags applied, checked.
    pub fn config(&self) -> anyhow::Result<FeatureConfig> {
        let config = self.flags.choice().apply(self.feature_config.config());
        config.validate()?;
        Ok(config)
    }
}
