//! CALNet's model inputs from a TESS light curve. Work in progress: only the gap split
//! ([`segment::split_at_gaps`]) exists so far.
#![deny(missing_docs)]

pub mod segment;
