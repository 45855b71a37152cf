//! `calnet augment`: augmented copies of a labelled set of real light curves, for training.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use rayon::prelude::*;

/// Arguments of `calnet augment`.
#[derive(clap::Args)]
#[command(after_help = "\
Each copy of a file: its rows kept by the product's quality mask, reversed in time or not, \
stretched in time by a factor in 0.8-1.25 (every period with it) and resampled onto the file's \
own cadence, cropped by up to 3 days at each end, with white noise of up to the file's own \
point-to-point scatter added (lc_sim::augment). A copy keeps its source's label. \
Writes DIR/<stem>-aug<k>.fits (SPOC format) and DIR/labels.csv: the labels table's columns, \
one row per copy, `file` naming the copy. Each copy depends only on --seed, the file's name \
and k, not on the other files or --threads; a rerun keeps the copies already written.
Exit status: 0 on success, 1 when some files could not be augmented (each named with its \
reason; the others are written), 2 for a usage or fatal error.")]
pub struct Args {
    /// Folder of the light curves (the labels' `file` names are relative to it).
    #[arg(value_name = "DIR")]
    pub data: PathBuf,
    /// Labels table with `file` and `label` columns [default: DIR/labels.csv].
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Copies of each file.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub copies: u64,
    /// Copies per class instead, `CLASS=N,...`, by the labels' `class` (or `subclass`) column;
    /// classes not named get --copies.
    #[arg(long, value_name = "CLASS=N,...", value_parser = class_copies)]
    pub class_copies: Option<ClassCopies>,
    /// Seed of the draws.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

/// `--class-copies`: copies per class name.
#[derive(Debug, Clone)]
pub struct ClassCopies(BTreeMap<String, u64>);

fn class_copies(s: &str) -> Result<ClassCopies, String> {
    let mut map = BTreeMap::new();
    for part in s.split(',') {
        let (class, n) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?}: expected CLASS=N"))?;
        let n = n
            .trim()
            .parse::<u64>()
            .map_err(|e| format!("{part:?}: the count: {e}"))?;
        map.insert(class.trim().to_owned(), n);
    }
    Ok(ClassCopies(map))
}

/// Runs `calnet augment`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let labels = args
        .labels
        .clone()
        .unwrap_or_else(|| args.data.join("labels.csv"));
    let (header, rows) = read_table(&labels)?;
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(file_col), Some(_)) = (col("file"), col("label")) else {
        bail!("{}: needs `file` and `label` columns", labels.display());
    };
    let class_col = col("class").or_else(|| col("subclass"));
    if args.class_copies.is_some() && class_col.is_none() {
        bail!(
            "{}: --class-copies needs a `class` or `subclass` column",
            labels.display()
        );
    }
    let copies_of = |row: &csv::StringRecord| -> u64 {
        let by_class = args.class_copies.as_ref().zip(class_col);
        by_class
            .and_then(|(map, c)| map.0.get(&row[c]).copied())
            .unwrap_or(args.copies)
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: creating the folder", args.out.display()))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.get())
        .build()
        .context("starting the worker threads")?;
    // One job per source file: it is read once, for all its copies.
    let results: Vec<Result<Vec<String>, String>> = pool.install(|| {
        rows.par_iter()
            .map(|r| write_copies(&args.data, &args.out, &r[file_col], copies_of(r), args.seed))
            .collect()
    });

    let mut out_rows = Vec::new();
    let mut failed = Vec::new();
    for (source, result) in rows.iter().zip(&results) {
        match result {
            Ok(names) => {
                for name in names {
                    let mut r: Vec<&str> = source.iter().collect();
                    r[file_col] = name;
                    out_rows.push(r);
                }
            }
            Err(why) => failed.push((&source[file_col], why)),
        }
    }
    for (file, why) in &failed {
        eprintln!("{file}: {why}");
    }
    let table = args.out.join("labels.csv");
    write_table(&table, &header, &out_rows)?;
    eprintln!(
        "calnet augment: {} copies of {} files in {}; {} files skipped",
        out_rows.len(),
        rows.len() - failed.len(),
        args.out.display(),
        failed.len()
    );
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes copies `0..copies` of `data/file` into `out`, except those already there (written
/// atomically, so a file there is whole); their names, or why they could not be made.
fn write_copies(
    data: &Path,
    out: &Path,
    file: &str,
    copies: u64,
    seed: u64,
) -> Result<Vec<String>, String> {
    let names: Vec<String> = (0..copies)
        .map(|k| lc_sim::augmented_name(file, k))
        .collect();
    if names.iter().all(|n| out.join(n).is_file()) {
        return Ok(names);
    }
    let real = tess_io::read(data.join(file)).map_err(|e| e.to_string())?;
    for (k, name) in (0..copies).zip(&names) {
        let path = out.join(name);
        if path.is_file() {
            continue;
        }
        let (mut copy, _) = lc_sim::augment(&real, lc_sim::augment_seed(seed, file, k))
            .map_err(|e| e.to_string())?;
        copy.meta.file = name.clone();
        tess_io::write_spoc(&path, &copy).map_err(|e| e.to_string())?;
    }
    Ok(names)
}

fn read_table(path: &Path) -> anyhow::Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let mut rd = csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
    let header = rd
        .headers()
        .with_context(|| format!("{}", path.display()))?
        .clone();
    let rows = rd
        .records()
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}", path.display()))?;
    Ok((header, rows))
}

fn write_table(path: &Path, header: &csv::StringRecord, rows: &[Vec<&str>]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    let bytes = w.into_inner().context("writing the labels table")?;
    tess_io::write_atomic(path, &bytes).with_context(|| format!("{}", path.display()))
}
