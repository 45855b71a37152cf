//! One module per subcommand: each parses nothing itself (clap does) and only composes the
//! libraries.

pub mod classify;
#[cfg(feature = "torch")]
pub mod evaluate;
pub mod features;
pub mod gls;
pub mod inject;
pub mod inspect;
pub mod merge;
pub mod parse;
pub mod simulate;
#[cfg(feature = "torch")]
pub mod train;
