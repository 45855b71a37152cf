//! The CALNet network on libtorch. Work in progress: nothing is implemented yet.
#![deny(missing_docs)]

pub use tch;
