//! `calnet inspect`.

use std::process::ExitCode;

/// Arguments of `calnet inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// Light-curve files or folders (searched recursively for *.fits and *.fits.gz).
    #[arg(required = true)]
    pub inputs: Vec<std::path::PathBuf>,
}

/// Runs `calnet inspect`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("inspect is not implemented yet")
}
