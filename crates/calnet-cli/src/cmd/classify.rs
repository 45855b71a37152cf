//! `calnet classify`: p(EB) per segment.
//!
//! `--features DIR` classifies model inputs already computed, in the reference's CSV layout
//! (`DIR/lc.csv`, `DIR/gls.csv`: a name, then 4000 resp. 1000 values per row, no header), so
//! feature files written by the original Python scripts or by `calnet features --format
//! reference-csv` can be classified without the light curves. Both files are streamed a batch at
//! a time: memory stays flat whatever their length.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use calnet::pipeline::{Plots, Shard};
use calnet_model::{Classifier, ClassifierOptions, DeviceSpec, GLS_LEN, LC_LEN};
use lc_prep::output::{FeatureCsvReader, SegmentRow, SegmentsCsv};
use tess_io::AtomicFile;

mod files;

/// Arguments of `calnet classify`.
#[derive(clap::Args)]
#[command(after_help = "\
With INPUT files or folders (searched recursively for *.fits and *.fits.gz, e.g. a sector folder \
ROOT/s0004), writes into OUT: segments.csv (file,tic,sector,segment,t_start,t_end,n_points,p_eb,\
is_eb), skipped.csv, failures.csv, catalog.csv, catalog.dat \
(astropy fixed_width_two_line), sheets/TIC<tic>_s<sector>_<hash>.png and journal.jsonl. Rerunning the \
same command after an interruption resumes it; --shard K/N runs part K of N, and `calnet merge` \
joins the parts. Exit status: 0 success, 1 if some inputs failed (listed in failures.csv, the \
others are classified), 2 usage or fatal error.

With --features DIR, reads DIR/lc.csv and DIR/gls.csv (reference layout: a name, then 4000 resp. \
1000 values per row, no header) and writes OUT/segments.csv (the same columns; tic, sector, \
t_start, t_end and n_points empty, as the feature files do not hold them), one row per input row \
in the same order, and OUT/failures.csv: file,segment,reason for rows with a value \
that is not finite (they are not classified).

With --json, stdout holds only the summary, as one JSON object: with INPUT, files, \
files_resumed, segments, candidate_segments, threshold, targets, failures, input_errors, sheets, \
elapsed_s, segments_per_second, shard and outputs (the files written); with --features, \
segments, failures, engine and outputs.

Exit status: 0 success, 1 some rows not finite (in failures.csv), 2 usage error or unreadable \
input (a row that does not parse is reported with its line).")]
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
    /// Where the network runs: auto, cpu, cuda or cuda:N (CUDA: a calnet built with the `torch`
    /// feature).
    #[arg(long, value_name = "D", default_value = "auto")]
    pub device: DeviceSpec,
    /// Segments per forward pass.
    #[arg(long, value_name = "B", default_value_t = 128, value_parser = super::parse::batch)]
    pub batch: usize,
    /// A segment is an EB when p_eb > threshold (a probability in [0, 1]).
    #[arg(long, value_name = "P", default_value_t = 0.5, value_parser = super::parse::probability)]
    pub threshold: f32,
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
    /// Feature options: the weights' record decides (the reference config for weights
    /// without one, such as the published .pth); a flag that contradicts it is refused.
    #[command(flatten)]
    pub features_config: super::feature_args::FeatureArgs,
    #[command(flatten)]
    pub threads: super::parse::Threads,
    /// Print the run's summary as one JSON object on stdout (everything else goes to stderr).
    #[arg(long)]
    pub json: bool,
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
        batch_size: args.batch,
        threads: args.threads.n,
    };
    let classifier = Classifier::load(&args.weights, options)?;
    let mut reader = FeatureCsvReader::open(dir)?.with_lengths(LC_LEN, GLS_LEN);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let final_path = args.out.join("segments.csv");
    // Atomic: a failed or killed run leaves no segments.csv that looks complete.
    let file = AtomicFile::create(&final_path)
        .with_context(|| format!("{}: cannot create", final_path.display()))?;
    let mut out = SegmentsCsv::new(BufWriter::new(file), &[])?;

    let batch = args.batch;
    let (mut rows_in, mut x1, mut x2) = (Vec::new(), Vec::new(), Vec::new());
    let mut last: Option<(String, usize)> = None;
    let mut rows = 0usize;
    // Rows that cannot be classified (a non-finite input or output): file, segment, reason.
    let mut failures: Vec<(String, usize, String)> = Vec::new();
    let mut done = false;
    while !done {
        rows_in.clear();
        x1.clear();
        x2.clear();
        while rows_in.len() < batch {
            let (lc_start, gls_start) = (x1.len(), x2.len());
            let Some(row) = reader.next_into(&mut x1, &mut x2)? else {
                done = true;
                break;
            };
            // `segment` counts consecutive rows of the same file, as the reference writes them.
            let segment = match &last {
                Some((prev, k)) if *prev == row.name => k + 1,
                _ => 0,
            };
            last = Some((row.name.clone(), segment));
            let bad = |v: &[f32]| v.iter().position(|x| !x.is_finite());
            let reason = match (bad(&x1[lc_start..]), bad(&x2[gls_start..])) {
                (Some(i), _) => Some(format!(
                    "lc.csv line {}: value {} is not finite",
                    row.line,
                    i + 1
                )),
                (None, Some(i)) => Some(format!(
                    "gls.csv line {}: value {} is not finite",
                    row.line,
                    i + 1
                )),
                (None, None) => None,
            };
            match reason {
                Some(reason) => {
                    x1.truncate(lc_start);
                    x2.truncate(gls_start);
                    eprintln!("{}: {reason}", row.name);
                    failures.push((row.name, segment, reason));
                }
                None => rows_in.push((row.name, segment, row.line)),
            }
        }
        if rows_in.is_empty() {
            continue;
        }
        let p = classifier.predict(&x1, &x2)?;
        for ((name, segment, line), p) in rows_in.drain(..).zip(p) {
            if !p.is_finite() {
                let reason = format!("line {line}: the network gave p_eb = {p}");
                eprintln!("{name}: {reason}");
                failures.push((name, segment, reason));
                continue;
            }
            // The feature files hold no TIC, sector or times: those columns stay empty.
            let row = SegmentRow {
                file: &name,
                tic: None,
                sector: None,
                segment,
                t_start: None,
                t_end: None,
                n_points: None,
                p_eb: p,
                is_eb: p > args.threshold,
            };
            out.write(&row, &[])?;
            rows += 1;
        }
    }
    let failures_path = args.out.join("failures.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["file", "segment", "reason"])?;
    for (file, segment, reason) in &failures {
        w.write_record([file.as_str(), &segment.to_string(), reason.as_str()])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    tess_io::write_atomic(&failures_path, &bytes)
        .with_context(|| failures_path.display().to_string())?;
    out.into_inner()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .and_then(AtomicFile::commit)
        .with_context(|| final_path.display().to_string())?;
    eprintln!(
        "calnet: {rows} segments classified by the {} engine: {}",
        classifier.engine(),
        final_path.display()
    );
    if !failures.is_empty() {
        eprintln!(
            "calnet: {} rows could not be classified: {}",
            failures.len(),
            failures_path.display()
        );
    }
    if args.json {
        print_json(&serde_json::json!({
            "segments": rows,
            "failures": failures.len(),
            "engine": classifier.engine().to_string(),
            "outputs": {
                "segments": final_path,
                "failures": failures_path,
            },
        }));
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--json`: the summary as one line of JSON on stdout.
fn print_json(summary: &serde_json::Value) {
    say!("{summary}");
}
