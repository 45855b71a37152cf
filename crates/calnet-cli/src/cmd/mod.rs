//! One module per subcommand: each parses nothing itself (clap does) and only composes the
//! libraries.

pub mod augment;
pub mod classify;
pub mod curate;
#[cfg(feature = "torch")]
pub mod evaluate;
pub mod feature_args;
pub mod features;
pub mod gls;
pub mod inject;
pub mod inspect;
pub mod merge;
pub mod parse;
pub mod simulate;
#[cfg(feature = "torch")]
pub mod train;

/// What `inspect`, `features` and `classify` print (after `path: `) for a file whose headers
/// name no TIC: it is still processed, with an empty `tic`.
pub const NO_TIC_WARNING: &str =
    "warning: no TIC in TICID, TIC_ID, OBJECT, LABEL or TARGETID; tic left empty";
