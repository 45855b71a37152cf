//! CALNet-rs: find eclipsing binaries in TESS light curves.
//!
//! This crate is the inference pipeline. It composes the workspace's libraries, each of which
//! another tool can depend on alone:
//!
//! - `tess-io`: read and write TESS light-curve FITS files, quality masks, discovery;
//! - `gls-periodogram` (library `gls`): the generalized Lomb-Scargle periodogram;
//! - `lc-prep`: light curve to CALNet's model inputs;
//! - `calnet-model`: the CALNet network;
//!
//! into [`pipeline`] (`calnet classify`: files to p(EB), parallel, batched, resumable, sharded),
//! [`catalog`] (the outputs), [`period`] (EB period estimate), [`vet`] (the vetting metrics:
//! eclipse depths, secondary, odd-even, shape, harmonics, a flag), [`curate`] (label cleaning
//! and a split by star for real labelled sets) and the vetting sheets of
//! [`plot::sheet`]. Training (`calnet-train`) and simulation (`lc-sim`) are separate crates
//! beside this one, not under it.
#![deny(missing_docs)]

pub mod catalog;
pub mod curate;
pub mod period;
pub mod pipeline;
pub mod plot;
pub mod vet;
