//! The generalized Lomb-Scargle periodogram (Zechmeister & Kürster 2009). Work in progress:
//! nothing is implemented yet.
#![deny(missing_docs)]
