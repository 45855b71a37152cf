//! Read and write TESS light curves.
//!
//! The shared vocabulary of the workspace: a [`LightCurve`] holds the columns of a TESS
//! light-curve file (times in BTJD = BJD - 2457000) and its [`Metadata`].
//!
//! - [`read`] / [`ReadOptions`]: SPOC 2-min and 20-s, TESS-SPOC FFI, QLP and early data-alert
//!   files, the eleanor, TGLC and TASOC community light curves and lightkurve's
//!   `LightCurve.to_fits()` files, `.fits` or `.fits.gz`; the product is detected from the
//!   headers.
//! - [`QualityMask`] and [`LightCurve::apply_quality`]: the reference's `QUALITY == 0` cut,
//!   lightkurve's presets or any bitmask, with a [`MaskReport`] of what was dropped and why.
//! - [`collect_inputs`], [`find_light_curves`], [`PathsConfig`]: discovery, including the
//!   reference's `ROOT/s{DDD}/*.fits` layout.
//! - [`write_spoc`]: SPOC-format files, written atomically.
//!
//! Every failure is an [`Error`] naming the file and the reason; nothing here prints or panics
//! on bad input.
//!
//! ```
//! # fn main() -> Result<(), tess_io::Error> {
//! let path = concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits");
//! let lc = tess_io::read(path)?;
//! assert_eq!((lc.meta.tic, lc.meta.sector), (Some(98853987), Some(4)));
//! assert_eq!(lc.meta.product, tess_io::Product::Spoc);
//! let (clean, report) = lc.apply_quality(tess_io::QualityMask::Reference);
//! assert!(report.nonfinite_time > 0); // this sector has NaN TIME on QUALITY == 0 rows
//! assert!(clean.flux.iter().all(|f| f.is_finite()));
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod atomic;
mod cfitsio;
mod discover;
mod error;
mod layout;
mod quality;
mod read;
mod write;

pub use atomic::{write_atomic, AtomicFile, TEMP_PREFIX};
pub use discover::{
    collect_inputs, find_light_curves, is_light_curve_name, sector_dir, sector_files, Inputs,
    PathsConfig,
};
pub use error::Error;
pub use layout::MAX_FILE_BYTES;
pub use quality::{flags, MaskReport, ParseQualityMaskError, QualityMask};
pub use read::{
    detect_product, median_cadence_s, parse_tic, read, read_metadata, FluxColumn,
    ParseFluxColumnError, ProductHints, ReadOptions, BTJD_ZERO, TIC_KEYWORDS,
};
pub use write::{write_spoc, APERTURE_SIDE};

use std::path::PathBuf;

/// Which TESS data product a file is; detected from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Product {
    /// SPOC 2-minute or 20-second target-pixel light curve (`tess*-s_lc.fits`, `_fast-lc.fits`).
    Spoc,
    /// TESS-SPOC light curve from full-frame images (1800, 600 or 200 s).
    TessSpoc,
    /// Quick-Look Pipeline light curve from full-frame images (`KSPSAP_FLUX`, `ORBITID`).
    Qlp,
    /// Early SPOC data-alert product (sectors 1-2 `hlsp_tess-data-alerts`).
    SpocAlert,
    /// eleanor (and GSFC-ELEANOR-LITE) light curves from full-frame images (`CORR_FLUX`).
    Eleanor,
    /// TESS-Gaia Light Curves (TGLC), PSF photometry of full-frame images (`cal_psf_flux`).
    Tglc,
    /// TASOC (T'DA) light curves of full-frame images and target pixels (`FLUX_CORR`).
    Tasoc,
    /// A file written by lightkurve's `LightCurve.to_fits()` (`FLUX`).
    Lightkurve,
}

impl Product {
    /// The product's name in outputs and messages: `SPOC`, `TESS-SPOC`, `QLP`, `SPOC-alert`,
    /// `eleanor`, `TGLC`, `TASOC`, `lightkurve`.
    pub fn name(self) -> &'static str {
        match self {
            Product::Spoc => "SPOC",
            Product::TessSpoc => "TESS-SPOC",
            Product::Qlp => "QLP",
            Product::SpocAlert => "SPOC-alert",
            Product::Eleanor => "eleanor",
            Product::Tglc => "TGLC",
            Product::Tasoc => "TASOC",
            Product::Lightkurve => "lightkurve",
        }
    }
}

/// Header values of a light-curve file. Values a product lacks are `None`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metadata {
    /// TESS Input Catalog identifier, from the first of [`TIC_KEYWORDS`] that holds one;
    /// `None` when no header names the target (a lightkurve file of an unnamed light curve).
    pub tic: Option<u64>,
    /// Observing sector.
    pub sector: Option<u32>,
    /// Camera (1-4).
    pub camera: Option<u32>,
    /// CCD (1-4).
    pub ccd: Option<u32>,
    /// TESS magnitude.
    pub tmag: Option<f64>,
    /// Effective temperature, K.
    pub teff: Option<f64>,
    /// Surface gravity, log10(cm/s^2).
    pub logg: Option<f64>,
    /// Stellar radius, solar radii.
    pub radius: Option<f64>,
    /// Right ascension, degrees.
    pub ra: Option<f64>,
    /// Declination, degrees.
    pub dec: Option<f64>,
    /// The data product.
    pub product: Product,
    /// Cadence in seconds.
    pub cadence_s: f64,
    /// The source file's name (no folder).
    pub file: String,
    /// The full path the light curve was read from, if any.
    pub path: Option<PathBuf>,
}

/// A TESS light curve: one row per cadence, columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct LightCurve {
    /// Mid-exposure times, BTJD (BJD - 2457000), days.
    pub time: Vec<f64>,
    /// Flux, e-/s (normalised for QLP), from the chosen flux column.
    pub flux: Vec<f32>,
    /// Flux uncertainty, same units as `flux`.
    pub flux_err: Vec<f32>,
    /// QUALITY bit flags (0 = no flag).
    pub quality: Vec<i32>,
    /// Cadence numbers (`CADENCENO`, or `CADENCENO`-like counters for QLP).
    pub cadenceno: Vec<i32>,
    /// Header values.
    pub meta: Metadata,
}
