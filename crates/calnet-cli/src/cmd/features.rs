//! `calnet features`: CALNet's model inputs for many light curves, in the reference's CSV
//! layout or as `.npy` matrices.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lc_prep::output::{FeatureWriter, Format};
use lc_prep::{FeatureExtractor, Features};
use rayon::prelude::*;
use tess_io::{self, Metadata};

/// Arguments of `calnet features`.
#[derive(clap::Args)]
#[command(after_help = "\
Writes DIR/lc.csv and DIR/gls.csv (reference-csv: one row per kept segment, the file name then \
the values, no header) or DIR/lc.npy and DIR/gls.npy (npy), plus DIR/segments.csv (file, tic, \
sector, segment, t_start, t_end, n_points: the same rows in the same order), DIR/skipped.csv \
(segments without inputs, and why) and DIR/failures.csv (file, reason). Rows follow the input \
order (each folder sorted by path), then time, whatever --threads.

Exit status: 0 if every file was processed, 1 if any input failed (the others are still \
written), 2 for a usage or fatal error.")]
pub struct Args {
    /// Light-curve files or folders (searched recursively for *.fits and *.fits.gz).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if needed; its feature files are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// reference-csv (the reference's lc.csv/gls.csv layout) or npy.
    #[arg(long, value_name = "FORMAT", default_value = "reference-csv")]
    pub format: Format,
    #[command(flatten)]
    pub features: super::feature_args::FeatureConfigArgs,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

/// What one input file gave.
type Outcome = Result<(Metadata, Features), String>;

/// Runs `calnet features`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.features.config()?;
    let lc_len = config.lc_len;
    let extractor = FeatureExtractor::new(config)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.get())
        .build()?;
    let inputs = tess_io::collect_inputs(&args.inputs);
    let mut writer = FeatureWriter::create(&args.out, args.format, lc_len)?;
    let mut failed = false;
    for e in &inputs.errors {
        eprintln!("{e}");
        writer.write_failure(&e.to_string(), "could not list")?;
        failed = true;
    }

    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.files.len() as u64);
        bar.set_style(indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} files, {msg} [{elapsed_precise} < {eta_precise}]",
        )?);
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Files are processed in parallel in chunks and written in input order, so memory stays
    // bounded by one chunk and the output does not depend on the number of threads.
    let chunk = (pool.current_num_threads() * 4).max(1);
    let mut rows = 0usize;
    for files in inputs.files.chunks(chunk) {
        let outcomes: Vec<Outcome> =
            pool.install(|| files.par_iter().map(|p| process(p, &extractor)).collect());
        for (path, outcome) in files.iter().zip(outcomes) {
            let name = file_name(path);
            match outcome {
                Ok((meta, features)) => {
                    if meta.tic.is_none() {
                        bar.suspend(|| {
                            eprintln!("{}: {}", path.display(), crate::cmd::NO_TIC_WARNING)
                        });
                    }
                    rows += features.segments.len();
                    writer.write_features(&name, &meta, &features)?;
                }
                Err(reason) => {
                    bar.suspend(|| eprintln!("{}: {reason}", path.display()));
                    writer.write_failure(&path.display().to_string(), &reason)?;
                    failed = true;
                }
            }
            bar.inc(1);
            bar.set_message(format!("{rows} segments"));
        }
    }
    bar.finish_and_clear();
    writer.finish()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn process(path: &Path, extractor: &FeatureExtractor) -> Outcome {
    let lc = extractor
        .config()
        .read_options()
        .read(path)
        .map_err(|e| e.reason())?;
    let features = extractor.extract(&lc).map_err(|e| e.to_string())?;
    Ok((lc.meta, features))
}

/// The light curve's file name, the first field of the reference's rows.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
