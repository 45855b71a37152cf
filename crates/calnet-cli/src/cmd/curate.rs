//! `calnet curate`: label cleaning and a split by star for a real labelled set.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use calnet::curate;

/// Arguments of `calnet curate`.
#[derive(clap::Args)]
#[command(after_help = "\
Reads LABELS (columns file, tic, label; optional subclass or class, kebc_period or period_d: \
the TESSellator set's labels.csv or calnet simulate's), checks every label-1 file at its \
catalog period (a significant variation in phase, z >= 7.1, at least 3 times stronger than at \
four control periods; docs/training.md) and assigns each star (TIC) to train, validation or test by a \
seeded hash. Writes --out as CSV: file,tic,label,class,split,signal_ok,z,specificity,reason \
(signal_ok 1/0 for label 1, empty for label 0). Prints kept and dropped counts per class and \
set. The output does not depend on --threads.
Exit status: 0 on success, 2 for a usage or fatal error.")]
pub struct Args {
    /// Folder of the light curves (the labels' `file` names are relative to it).
    #[arg(value_name = "DIR")]
    pub data: PathBuf,
    /// Labels table [default: DIR/labels.csv].
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Output CSV.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the split by star.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also check every label-0 file at a binary's catalog period (picked by a hash of its
    /// TIC), write those rows to FILE (same columns) and print how many pass: the rule's
    /// false-pass rate per class.
    #[arg(long, value_name = "FILE")]
    pub null_test: Option<PathBuf>,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

/// Runs `calnet curate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let labels = args
        .labels
        .clone()
        .unwrap_or_else(|| args.data.join("labels.csv"));
    let rows = curate::read_labels(&labels)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.get())
        .build()
        .context("starting the worker threads")?;
    let curated = pool.install(|| curate::curate(&args.data, &rows, args.seed));
    curate::write_csv(&args.out, &curated)?;

    // (label, class, split) -> (kept, dropped).
    let mut counts: BTreeMap<(u8, &str, &str), (usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for r in &curated {
        let e = counts
            .entry((r.row.label, r.row.class.as_str(), r.split.name()))
            .or_default();
        if r.kept() {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        if r.row.label == 1 {
            let key = if r.reason.starts_with("unreadable") {
                "unreadable"
            } else {
                r.reason.as_str()
            };
            *reasons.entry(key.to_string()).or_default() += 1;
        }
    }
    println!("label,class,split,kept,dropped");
    for ((label, class, split), (kept, dropped)) in &counts {
        println!("{label},{class},{split},{kept},{dropped}");
    }
    let why: Vec<String> = reasons.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "calnet curate: {} files, {} kept; label 1 by reason: {}; wrote {}",
        curated.len(),
        curated.iter().filter(|r| r.kept()).count(),
        why.join(", "),
        args.out.display()
    );
    if let Some(path) = &args.null_test {
        let null = pool
            .install(|| curate::null_test(&args.data, &rows, args.seed))
            .context("the null test needs label-1 rows with a period")?;
        curate::write_csv(path, &null)?;
        let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for r in &null {
            let e = per.entry(r.row.class.as_str()).or_default();
            e.0 += 1;
            e.1 += usize::from(r.signal_ok == Some(true));
        }
        for (class, (n, pass)) in per {
            eprintln!(
                "null test: {class}: {pass} of {n} label-0 files pass at a binary's period ({:.1}%)",
                100.0 * pass as f64 / n.max(1) as f64
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
