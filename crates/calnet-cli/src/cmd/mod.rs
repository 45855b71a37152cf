//! One module per subcommand: each parses nothing itself (clap does) and only composes the
//! libraries.

pub mod classify;
pub mod features;
pub mod inject;
pub mod inspect;
pub mod merge;
pub mod simulate;
