//! CALNet-rs: find eclipsing binaries in TESS light curves.
//!
//! This facade re-exports the workspace's libraries so that another Rust tool gets
//! everything the `calnet` command can do by depending on one crate:
//!
//! - [`tess_io`]: read and write TESS light-curve FITS files, quality masks, discovery;
//! - [`gls`]: the generalized Lomb-Scargle periodogram;
//! - [`lc_prep`]: light curve to CALNet's model inputs;
//! - [`lc_sim`]: synthetic TESS light curves and injection;
//! - [`calnet_model`]: the CALNet network on libtorch;
//! - [`calnet_train`]: data sets, training, evaluation and metrics.
//!
//! and composes them: [`pipeline`] (`calnet classify`: files to p(EB), parallel, batched,
//! resumable, sharded), [`catalog`] (the outputs), [`period`] (EB period estimate) and the
//! vetting sheets of [`plot::sheet`].
#![deny(missing_docs)]

pub mod catalog;
pub mod period;
pub mod pipeline;
pub mod plot;

pub use calnet_model;
pub use calnet_train;
pub use gls;
pub use lc_prep;
pub use lc_sim;
pub use tess_io;
