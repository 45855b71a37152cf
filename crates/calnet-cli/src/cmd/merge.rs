//! `calnet merge`: join the output folders of `calnet classify --shard K/N` runs.

use std::path::PathBuf;
use std::process::ExitCode;

use calnet::pipeline;

/// Arguments of `calnet merge`.
#[derive(clap::Args)]
#[command(after_help = "\
Reads each folder's journal.jsonl, checks that the folders are the N shards of one run (same \
inputs, weights and options) and that each is finished, and writes into --out exactly what one \
unsharded run writes: segments.csv, skipped.csv, failures.csv, catalog.csv, catalog.dat, \
sheets/ and journal.jsonl.

Exit status: 0 success, 1 if some files of the run failed (see failures.csv), 2 if the folders \
cannot be merged (the reason names the folder).")]
pub struct Args {
    /// The shards' output folders (`calnet classify --shard K/N --out DIR`).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where the merged outputs go (created if needed; not one of the shards).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs `calnet merge`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let summary = pipeline::merge(&args.dirs, &args.out)?;
    say!(
        "calnet merge: {} shard folders, {} files, {} segments, {} candidate segments in {} \
         targets, {} failures",
        args.dirs.len(),
        summary.files,
        summary.segments,
        summary.candidate_segments,
        summary.targets,
        summary.failures
    );
    say!("  catalog: {}", summary.out.join("catalog.dat").display());
    Ok(match summary.failures {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}
