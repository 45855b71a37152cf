//! One module per subcommand: each parses nothing itself (clap does) and only composes the
//! libraries.

pub mod classify;
pub mod evaluate;
pub mod features;
pub mod gls;
pub mod inject;
pub mod inspect;
pub mod merge;
pub mod simulate;
pub mod train;
