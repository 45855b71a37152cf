//! Read and write TESS light curves.
//!
//! The shared vocabulary of the workspace: a [`LightCurve`] holds the columns of a TESS
//! light-curve file (times in BTJD = BJD - 2457000) and its [`Metadata`].
#![deny(missing_docs)]

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
}

/// Header values of a light-curve file. Values a product lacks are `None`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metadata {
    /// TESS Input Catalog identifier (`TICID`, or `OBJECT` for QLP).
    pub tic: u64,
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
