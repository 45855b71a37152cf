//! `calnet classify`: p(EB) per segment.
//!
//! `--features DIR` classifies model inputs already computed, in the reference's CSV layout
//! (`DIR/lc.csv`, `DIR/gls.csv`: a name, then 4000 resp. 1000 values per row, no header), so
//! feature files written by the original Python scripts or by `calnet features --format
//! reference-csv` can be classified without the light curves. Both files are streamed a batch at
//! a time: memory stays flat whatever their length.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use calnet::pipeline::{Plots, Shard};
use calnet_model::{Classifier, ClassifierOptions, DeviceSpec, GLS_LEN, LC_LEN};
use lc_prep::output::FeatureCsvReader;

mod files;

/// Arguments of `calnet classify`.
#[derive(clap::Args)]
#[command(after_help = "\
With INPUT files or folders (searched recursively for *.fits and *.fits.gz, e.g. a sector folder \
ROOT/s0004), writes into OUT: segments.csv, skipped.csv, failures.csv, catalog.csv, catalog.dat \
(astropy fixed_width_two_line), sheets/TIC<tic>_s<sector>.png and journal.jsonl. Rerunning the \
same command after an interruption resumes it; --shard K/N runs part K of N, and `calnet merge` \
joins the parts. Exit status: 0 success, 1 if some inputs failed (listed in failures.csv, the \
others are classified), 2 usage or fatal error.

With --features DIR, reads DIR/lc.csv and DIR/gls.csv (reference layout: a name, then 4000 resp. \
1000 values per row, no header) and writes OUT/segments.csv: file,segment,p_eb,is_eb, one row per \
input row in the same order.

Exit status: 0 success, 2 usage error or unreadable input (a bad row is reported with its line).")]
pub struct Args {
    /// Light-curve files or folders (not with --features).
    #[arg(conflicts_with = "features")]
    pub inputs: Vec<PathBuf>,
    /// Classify precomputed model inputs: DIR/lc.csv and DIR/gls.csv in the reference's layout.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// Model weights: a PyTorch state_dict (.pth/.pt, e.g. the published
    /// CNN_CBAM_LSTM_model_dict.pth) or safetensors; the format is read from the content.
    #[arg(long, value_name = "FILE")]
    pub weights: PathBuf,
    /// Output folder (created if needed; with INPUT, a rerun into it resumes).
    #[arg(long, value_name = "DIR", default_value = "calnet-out")]
    pub out: PathBuf,
    /// Where the network runs: auto, cpu, cuda or cuda:N.
    #[arg(long, value_name = "D", default_value = "auto")]
    pub device: DeviceSpec,
    /// Segments per forward pass.
    #[arg(long, value_name = "B", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch: u32,
    /// A segment is an EB when p_eb > threshold.
    #[arg(long, value_name = "P", default_value_t = 0.5)]
    pub threshold: f32,
    /// Threads reading light curves and computing features [default: all cores].
    #[arg(long, value_name = "N", conflicts_with = "features")]
    pub jobs: Option<usize>,
    /// Vetting sheets for: candidates, all or none.
    #[arg(
        long,
        value_name = "WHICH",
        default_value = "candidates",
        conflicts_with = "features"
    )]
    pub plots: Plots,
    /// Classify part K of N of the inputs (a job array); join the parts with `calnet merge`.
    #[arg(long, value_name = "K/N", conflicts_with = "features")]
    pub shard: Option<Shard>,
    /// libtorch threads [default: libtorch's choice; with INPUT, --jobs].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `calnet classify`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match &args.features {
        Some(dir) => run_features(dir, &args),
        None => files::run(&args),
    }
}

fn run_features(dir: &Path, args: &Args) -> anyhow::Result<ExitCode> {
    let options = ClassifierOptions {
        device: args.device,
        batch_size: args.batch as usize,
        threads: args.threads,
    };
    let classifier = Classifier::load(&args.weights, options)?;
    let mut reader = FeatureCsvReader::open(dir)?.with_lengths(LC_LEN, GLS_LEN);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let final_path = args.out.join("segments.csv");
    // Written under another name and renamed at the end: a failed run leaves no segments.csv
    // that looks complete.
    let partial = args.out.join("segments.csv.partial");
    let file =
        File::create(&partial).with_context(|| format!("{}: cannot create", partial.display()))?;
    let mut out = BufWriter::new(file);
    writeln!(out, "file,segment,p_eb,is_eb")?;

    let batch = args.batch as usize;
    let (mut names, mut x1, mut x2) = (Vec::new(), Vec::new(), Vec::new());
    let mut last: Option<(String, usize)> = None;
    let mut rows = 0usize;
    loop {
        names.clear();
        x1.clear();
        x2.clear();
        while names.len() < batch {
            match reader.next_into(&mut x1, &mut x2)? {
                Some(row) => names.push(row.name),
                None => break,
            }
        }
        if names.is_empty() {
            break;
        }
        let p = classifier.predict(&x1, &x2)?;
        for (name, p) in names.drain(..).zip(p) {
            // `segment` counts consecutive rows of the same file, as the reference writes them.
            let segment = match &last {
                Some((prev, k)) if *prev == name => k + 1,
                _ => 0,
            };
            write_row(&mut out, &name, segment, p, args.threshold)?;
            last = Some((name, segment));
            rows += 1;
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, &final_path).with_context(|| {
        format!(
            "{}: cannot rename to {}",
            partial.display(),
            final_path.display()
        )
    })?;
    eprintln!(
        "calnet: {rows} segments classified on {:?}: {}",
        classifier.device(),
        final_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_row(
    out: &mut impl Write,
    name: &str,
    segment: usize,
    p: f32,
    threshold: f32,
) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record([
        name,
        &segment.to_string(),
        &p.to_string(),
        if p > threshold { "1" } else { "0" },
    ])
    .map_err(std::io::Error::other)?;
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}
