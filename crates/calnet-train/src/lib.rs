//! Training CALNet. Work in progress: nothing is implemented yet.
#![deny(missing_docs)]
