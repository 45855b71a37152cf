//! QUALITY bitmasks and the row cut every caller makes before using a light curve.
//!
//! The named presets are lightkurve's `TessQualityFlags` (lightkurve 2.x,
//! `src/lightkurve/utils.py`, commit 65b42cc of github.com/lightkurve/lightkurve):
//! `DEFAULT_BITMASK = AttitudeTweak | SafeMode | CoarsePoint | EarthPoint | Desat |
//! ManualExclude` = 175, `HARD_BITMASK = DEFAULT | ApertureCosmic | CollateralCosmic |
//! Straylight | Straylight2` = 7407, `HARDEST_BITMASK` = 65535. A cadence is dropped when
//! `QUALITY & bitmask != 0`, as in lightkurve's `create_quality_mask`.

use std::fmt;
use std::str::FromStr;

use crate::{LightCurve, Product};

/// TESS QUALITY flag bits (TESS Science Data Products Description Document, Table 28), named as
/// in lightkurve's `TessQualityFlags`.
pub mod flags {
    /// Attitude tweak.
    pub const ATTITUDE_TWEAK: u32 = 1;
    /// Safe mode.
    pub const SAFE_MODE: u32 = 2;
    /// Coarse point.
    pub const COARSE_POINT: u32 = 4;
    /// Earth point.
    pub const EARTH_POINT: u32 = 8;
    /// Argabrightening event.
    pub const ARGABRIGHTENING: u32 = 16;
    /// Reaction-wheel desaturation (momentum dump).
    pub const DESAT: u32 = 32;
    /// Cosmic ray in the optimal aperture.
    pub const APERTURE_COSMIC: u32 = 64;
    /// Manual exclude.
    pub const MANUAL_EXCLUDE: u32 = 128;
    /// Discontinuity corrected.
    pub const DISCONTINUITY: u32 = 256;
    /// Impulsive outlier.
    pub const IMPULSIVE_OUTLIER: u32 = 512;
    /// Cosmic ray in collateral data.
    pub const COLLATERAL_COSMIC: u32 = 1024;
    /// Stray light (set by MIT on inspection).
    pub const STRAYLIGHT: u32 = 2048;
    /// Stray light (set by SPOC from background thresholds).
    pub const STRAYLIGHT2: u32 = 4096;
    /// Planet-search exclude.
    pub const PLANET_SEARCH_EXCLUDE: u32 = 8192;
    /// Bad-calibration exclude.
    pub const BAD_CALIBRATION_EXCLUDE: u32 = 16384;
    /// Insufficient targets for error correction.
    pub const INSUFFICIENT_TARGETS: u32 = 32768;

    /// lightkurve's `DEFAULT_BITMASK`: cadences that are certainly useless.
    pub const DEFAULT_BITMASK: u32 =
        ATTITUDE_TWEAK | SAFE_MODE | COARSE_POINT | EARTH_POINT | DESAT | MANUAL_EXCLUDE;
    /// lightkurve's `HARD_BITMASK`: conservative, may drop useful cadences.
    pub const HARD_BITMASK: u32 =
        DEFAULT_BITMASK | APERTURE_COSMIC | COLLATERAL_COSMIC | STRAYLIGHT | STRAYLIGHT2;
    /// lightkurve's `HARDEST_BITMASK`: every one of the 16 defined flags.
    pub const HARDEST_BITMASK: u32 = 65535;
}

/// Which cadences to drop because of their QUALITY flags.
///
/// Parses from the strings the command line takes:
///
/// ```
/// use tess_io::QualityMask;
/// assert_eq!("reference".parse::<QualityMask>().unwrap(), QualityMask::Reference);
/// assert_eq!("hard".parse::<QualityMask>().unwrap().bitmask(), 7407);
/// assert_eq!("175".parse::<QualityMask>().unwrap(), QualityMask::Bitmask(175));
/// assert!("softest".parse::<QualityMask>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QualityMask {
    /// The reference CALNet's cut: keep only `QUALITY == 0` (any bit drops the cadence).
    #[default]
    Reference,
    /// lightkurve's `"default"` preset ([`flags::DEFAULT_BITMASK`] = 175).
    Default,
    /// lightkurve's `"hard"` preset ([`flags::HARD_BITMASK`] = 7407).
    Hard,
    /// lightkurve's `"hardest"` preset ([`flags::HARDEST_BITMASK`] = 65535).
    Hardest,
    /// A custom bitmask: drop cadences with `QUALITY & mask != 0`.
    Bitmask(u32),
    /// Ignore QUALITY (non-finite time and flux are still dropped).
    None,
    /// The mask suited to each file's product, [`QualityMask::for_product`]: what the
    /// full-frame-image feature config uses, since each FFI pipeline writes its own flags.
    Product,
}

impl QualityMask {
    /// The mask suited to a product's QUALITY column (see `docs/tess-io.md`, Quality masks):
    /// - `QUALITY == 0` ([`QualityMask::Reference`]) for SPOC, SPOC-alert, QLP (whose bit 13
    ///   marks scattered light, where its KSPSAP flux is unreliable), eleanor (its own bits 17
    ///   and 18 mark bad FFIs), TGLC (`TESS_flags` and `TGLC_flags` both 0, TGLC's advice) and
    ///   TASOC (its own photometry flags);
    /// - lightkurve's default preset ([`QualityMask::Default`]) for TESS-SPOC, whose PDCSAP
    ///   flux is already NaN where SPOC's serious flags are set (at 30 minutes every cadence
    ///   counts), and for lightkurve's `to_fits()` files, which hold SPOC flags.
    ///
    /// ```
    /// use tess_io::{Product, QualityMask};
    /// assert_eq!(QualityMask::for_product(Product::Qlp), QualityMask::Reference);
    /// assert_eq!(QualityMask::for_product(Product::TessSpoc).bitmask(), 175);
    /// assert_eq!(QualityMask::Product.resolve(Product::Lightkurve), QualityMask::Default);
    /// assert_eq!(QualityMask::Hard.resolve(Product::Qlp), QualityMask::Hard);
    /// ```
    pub fn for_product(product: Product) -> QualityMask {
        match product {
            Product::TessSpoc | Product::Lightkurve => QualityMask::Default,
            Product::Spoc
            | Product::SpocAlert
            | Product::Qlp
            | Product::Eleanor
            | Product::Tglc
            | Product::Tasoc => QualityMask::Reference,
        }
    }

    /// The mask applied to a file of `product`: [`QualityMask::for_product`] for
    /// [`QualityMask::Product`], `self` otherwise.
    pub fn resolve(self, product: Product) -> QualityMask {
        match self {
            QualityMask::Product => QualityMask::for_product(product),
            mask => mask,
        }
    }

    /// The bits that drop a cadence. [`QualityMask::Product`] depends on the file: resolve it
    /// first ([`QualityMask::resolve`]); unresolved it counts as the strictest, every bit.
    pub fn bitmask(self) -> u32 {
        match self {
            QualityMask::Reference | QualityMask::Product => u32::MAX,
            QualityMask::Default => flags::DEFAULT_BITMASK,
            QualityMask::Hard => flags::HARD_BITMASK,
            QualityMask::Hardest => flags::HARDEST_BITMASK,
            QualityMask::Bitmask(m) => m,
            QualityMask::None => 0,
        }
    }

    /// Whether a cadence with this QUALITY value is dropped.
    pub fn drops(self, quality: i32) -> bool {
        // QUALITY is stored as a signed 32-bit integer; its bits are what matter.
        (quality as u32) & self.bitmask() != 0
    }
}

impl fmt::Display for QualityMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QualityMask::Reference => f.write_str("reference"),
            QualityMask::Default => f.write_str("default"),
            QualityMask::Hard => f.write_str("hard"),
            QualityMask::Hardest => f.write_str("hardest"),
            QualityMask::Bitmask(m) => write!(f, "{m}"),
            QualityMask::None => f.write_str("none"),
            QualityMask::Product => f.write_str("product"),
        }
    }
}

/// A string that is not a quality mask.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown quality mask {0:?}: expected reference, default, hard, hardest, none, product or an integer bitmask")]
pub struct ParseQualityMaskError(pub String);

impl FromStr for QualityMask {
    type Err = ParseQualityMaskError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "reference" | "ref" => Ok(QualityMask::Reference),
            "default" => Ok(QualityMask::Default),
            "hard" => Ok(QualityMask::Hard),
            "hardest" => Ok(QualityMask::Hardest),
            "none" => Ok(QualityMask::None),
            "product" => Ok(QualityMask::Product),
            other => {
                let parsed = match other.strip_prefix("0x") {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => other.parse::<u32>(),
                };
                parsed
                    .map(QualityMask::Bitmask)
                    .map_err(|_| ParseQualityMaskError(s.to_owned()))
            }
        }
    }
}

/// How many rows a mask dropped, and why.
///
/// Each dropped row is counted once, under the FIRST reason that applies in this order:
/// QUALITY flags, then non-finite TIME, then non-finite flux. So `nonfinite_time` counts rows
/// whose QUALITY passed the mask but whose TIME is NaN, and `nonfinite_flux` rows with good
/// QUALITY and a finite TIME but NaN flux. `rows == kept + quality + nonfinite_time +
/// nonfinite_flux` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct MaskReport {
    /// The mask that was applied.
    #[serde(skip)]
    pub mask: QualityMask,
    /// Rows before the cut.
    pub rows: usize,
    /// Rows kept.
    pub kept: usize,
    /// Rows dropped for their QUALITY flags.
    pub quality: usize,
    /// Rows with good QUALITY dropped for a NaN or infinite TIME.
    pub nonfinite_time: usize,
    /// Rows with good QUALITY and finite TIME dropped for a NaN or infinite flux.
    pub nonfinite_flux: usize,
}

impl MaskReport {
    /// Rows dropped for any reason.
    pub fn dropped(&self) -> usize {
        self.rows - self.kept
    }

    /// The share of rows dropped, 0 to 1 (0 for an empty light curve).
    pub fn dropped_fraction(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.dropped() as f64 / self.rows as f64
        }
    }
}

/// Why a row is dropped, in the order of attribution of [`MaskReport`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Drop {
    Keep,
    Quality,
    Time,
    Flux,
}

fn classify(mask: QualityMask, quality: i32, time: f64, flux: f32) -> Drop {
    if mask.drops(quality) {
        Drop::Quality
    } else if !time.is_finite() {
        Drop::Time
    } else if !flux.is_finite() {
        Drop::Flux
    } else {
        Drop::Keep
    }
}

impl LightCurve {
    /// Which rows survive `mask` (true = keep), and the counts of rows dropped per reason.
    ///
    /// Non-finite TIME and flux are always dropped, whatever the mask. [`QualityMask::Product`]
    /// is resolved for this light curve's product (the report names the mask applied).
    pub fn quality_keep(&self, mask: QualityMask) -> (Vec<bool>, MaskReport) {
        let mask = mask.resolve(self.meta.product);
        let mut report = MaskReport {
            mask,
            rows: self.time.len(),
            ..MaskReport::default()
        };
        let keep = self
            .time
            .iter()
            .zip(&self.flux)
            .zip(&self.quality)
            .map(|((&t, &f), &q)| {
                let why = classify(mask, q, t, f);
                match why {
                    Drop::Keep => report.kept += 1,
                    Drop::Quality => report.quality += 1,
                    Drop::Time => report.nonfinite_time += 1,
                    Drop::Flux => report.nonfinite_flux += 1,
                }
                why == Drop::Keep
            })
            .collect();
        (keep, report)
    }

    /// A new light curve holding only the rows that survive `mask`, and what was dropped.
    ///
    /// ```
    /// # fn main() -> Result<(), tess_io::Error> {
    /// let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/../../fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"))?;
    /// let (clean, report) = lc.apply_quality(tess_io::QualityMask::Reference);
    /// assert_eq!(clean.time.len(), report.kept);
    /// assert!(clean.time.iter().all(|t| t.is_finite()));
    /// assert_eq!(report.rows, report.kept + report.quality + report.nonfinite_time
    ///     + report.nonfinite_flux);
    /// # Ok(()) }
    /// ```
    pub fn apply_quality(&self, mask: QualityMask) -> (LightCurve, MaskReport) {
        let (keep, report) = self.quality_keep(mask);
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter_map(|(x, &k)| k.then_some(*x))
                .collect()
        }
        let lc = LightCurve {
            time: pick(&self.time, &keep),
            flux: pick(&self.flux, &keep),
            flux_err: pick(&self.flux_err, &keep),
            quality: pick(&self.quality, &keep),
            cadenceno: pick(&self.cadenceno, &keep),
            meta: self.meta.clone(),
        };
        (lc, report)
    }

    /// The counts [`LightCurve::apply_quality`] would report, without copying the data.
    pub fn mask_report(&self, mask: QualityMask) -> MaskReport {
        let mask = mask.resolve(self.meta.product);
        let mut report = MaskReport {
            mask,
            rows: self.time.len(),
            ..MaskReport::default()
        };
        for ((&t, &f), &q) in self.time.iter().zip(&self.flux).zip(&self.quality) {
            match classify(mask, q, t, f) {
                Drop::Keep => report.kept += 1,
                Drop::Quality => report.quality += 1,
                Drop::Time => report.nonfinite_time += 1,
                Drop::Flux => report.nonfinite_flux += 1,
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_lightkurve_bit_sums() {
        assert_eq!(flags::DEFAULT_BITMASK, 1 + 2 + 4 + 8 + 32 + 128);
        assert_eq!(flags::HARD_BITMASK, 175 + 64 + 1024 + 2048 + 4096);
    }

    #[test]
    fn reference_drops_any_bit_including_high_ones() {
        assert!(QualityMask::Reference.drops(1 << 20));
        assert!(QualityMask::Reference.drops(i32::MIN));
        assert!(!QualityMask::Reference.drops(0));
        assert!(!QualityMask::Hardest.drops(1 << 20));
        assert!(!QualityMask::None.drops(-1));
    }

    #[test]
    fn parse_round_trips_through_display() {
        for m in [
            QualityMask::Reference,
            QualityMask::Default,
            QualityMask::Hard,
            QualityMask::Hardest,
            QualityMask::None,
            QualityMask::Product,
            QualityMask::Bitmask(4096),
        ] {
            assert_eq!(m.to_string().parse::<QualityMask>().unwrap(), m);
        }
        assert_eq!(
            "0x10".parse::<QualityMask>().unwrap(),
            QualityMask::Bitmask(16)
        );
        assert!("-1".parse::<QualityMask>().is_err());
    }
}
