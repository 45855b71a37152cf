//! Synthetic TESS light curves of eclipsing binaries and the stars that look like them, and
//! injection of binaries into real light curves.
//!
//! - Signal models ([`Signal`]): detached and semi-detached binaries (two limb-darkened
//!   spheres on an eccentric orbit, [`EclipsingBinary`]), contact binaries
//!   ([`ContactBinary`]), ellipsoidal variables, transiting planets ([`Transit`]), spotted
//!   rotators ([`SpottedStar`]), delta Scuti / gamma Doradus pulsators ([`Pulsator`]),
//!   RR Lyrae stars ([`RrLyrae`]), flares ([`Flare`]), constant stars and diluted blends.
//! - TESS itself ([`tess`]): cadence grids with the mission's gaps, QUALITY flags (real bit
//!   values from `tess_io::flags`), NaN rows, scattered-light ramps and Tmag-scaled noise.
//! - Data sets ([`simulate_to_dir`]): SPOC-format files plus `labels.csv`, in parallel,
//!   deterministic for a seed; injection into real files ([`inject`]); augmented copies of
//!   real light curves for training ([`augment()`]).
//! - Populations ([`Population`]): the reference mix of every class (the default, whose
//!   bytes for a seed are pinned by a test), or the hard-cases [`Region`]s where classifiers
//!   trained on it fail: M-dwarf twins like CM Dra, long-period binaries with one or two
//!   eclipses per segment, planet hosts with spots, granulation and flares, flare stars, fast
//!   rotators, on the sector layout measured from real sector-61 data.
//!
//! Equations, sources, distributions and limits: `docs/simulation.md`.
//!
//! ```
//! use lc_sim::{simulate_one, Cadence, Class, SimConfig};
//! let cfg = SimConfig {
//!     cadence: Cadence::Ffi1800,
//!     classes: vec![Class::Detached],
//!     eb_fraction: 1.0,
//!     ..Default::default()
//! };
//! let sim = simulate_one(&cfg, 1, 0)?;
//! assert_eq!(sim.truth.label, 1);
//! assert!(sim.truth.depth1.unwrap() >= 0.001);
//! assert_eq!(sim.lc.time.len(), sim.lc.flux.len());
//! # Ok::<(), lc_sim::Error>(())
//! ```
#![deny(missing_docs)]

pub mod augment;
mod binary;
pub mod draw;
mod eclipse;
mod error;
mod inject;
pub mod orbit;
pub mod regions;
mod signal;
mod simulate;
pub mod stars;
pub mod tess;
mod truth;
mod variables;

pub use augment::{augment, augment_seed, augmented_name, Augmentation};
pub use binary::{BinaryParams, EclipsingBinary};
pub use draw::{BinaryConstraints, Class};
pub use eclipse::{occulted_fraction, QuadraticLd};
pub use error::{Error, Result};
pub use inject::{inject, injected_name, InjectRequest, MAX_ABS_TIME, MAX_SPAN_D};
pub use regions::{Population, Region};
pub use signal::Signal;
pub use simulate::{
    class_counts, file_name, region_counts, sim_tic, simulate_one, simulate_to_dir, SimConfig,
    SimProgress, Simulated, LABELS_FILE, MAX_PER_RUN, SIM_TIC_BASE,
};
pub use tess::{Cadence, SectorLayout};
pub use truth::{read_labels, write_labels, Truth};
pub use variables::{
    ContactBinary, Flare, Granulation, Mode, Pulsator, RrLyrae, Spot, SpottedStar, Transit,
};
