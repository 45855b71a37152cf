//! CALNet's model inputs from a TESS light curve.
//!
//! Each step of the reference pipeline (the original CALNet Python code, Wang et al. 2025) is a
//! function of its own, and [`FeatureExtractor`] composes them, the one place that training and
//! classification use:
//!
//! 1. quality cut: `tess_io::LightCurve::quality_keep` with [`FeatureConfig::quality`];
//! 2. gap split at 0.75 d ([`segment::split_at_gaps`]), segments under 2000 points skipped
//!    (the full-frame-image config, [`FeatureConfig::ffi`], asks for the same 2.78 days of
//!    data at each file's cadence instead: [`SegmentRule`]);
//! 3. percentile clip ([`clip::percentile_keep`], numpy's P99 in float32, strict `<`);
//! 4. the spline step: [`detrend::reference_spline`] (FITPACK's interpolating spline,
//!    ported bit for bit in [`fitpack`], and the robust mask of its residuals,
//!    [`outlier::robust_mask`]) or, opt-in, [`detrend::robust_spline`];
//! 5. resampling to 4000 points on [0, 1] and min-max scaling ([`resample`]);
//! 6. the generalized Lomb-Scargle on CALNet's 1000 periods ([`periodogram`]).
//!
//! ```
//! use lc_prep::{FeatureConfig, FeatureExtractor};
//! let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"))?;
//! let features = FeatureExtractor::new(FeatureConfig::reference())?.extract(&lc)?;
//! // CW Eri, sector 4: two orbits of about 5,000 points each, and a short piece between.
//! assert_eq!(features.segments.len(), 2);
//! for seg in &features.segments {
//!     assert_eq!((seg.lc.len(), seg.gls.len()), (4000, 1000));
//! }
//! for skip in &features.skipped {
//!     println!("segment {} skipped: {}", skip.index, skip.reason);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod clip;
pub mod config;
pub mod detrend;
mod error;
pub mod features;
pub mod fitpack;
pub mod npy;
pub mod outlier;
pub mod output;
pub mod periodogram;
pub mod resample;
pub mod segment;

pub use config::{FeatureChoice, FeatureConfig, Mode, RobustConfig};
pub use error::Error;
pub use features::{FeatureExtractor, Features, Segment, SkipReason, SkippedSegment};
pub use segment::{SegmentRule, Segments};
