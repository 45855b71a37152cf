//! `cargo xtask refine`: training that accumulates across sessions (docs/training.md, "Refining
//! the demo weights"). A round starts from the current best weights (`--init`; the shipped demo
//! weights by default) and trains on fresh simulated light curves of the round's own seeds:
//! the reference mix and the hard-cases population at 120 s and 200 s, plus hard negatives
//! mined from a pool of simulated non-binaries as those the starting weights score highest.
//! The cheap levers are options of the run: a cosine rate, label smoothing, and the mean of the
//! last epochs' weights (SWA). Then the starting, best, last and averaged weights are
//! evaluated alike: the demo weights' test sets at 0.5 and at the threshold tuned on the run's
//! validation set (recall at precision >= 0.98), and the real fixtures; `summary.md` compares
//! them. Which file, if any, replaces the shipped one is a decision made on that table.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::run::{run, Calnet};
use crate::sets::{
    evaluate_fixtures, evaluate_sets, merge_feature_sets, train_unless_done, Sets,
    LABEL_IN_EVERY_SEGMENT, TEST_SETS,
};
use crate::tables::{column_pairs, concat_files, filter_table, join_tables, write_whole, Columns};

/// The options of a round.
#[derive(clap::Args)]
pub struct Refine {
    /// Round number: names the seeds (round R draws seeds 1000 + 20 R to 1000 + 20 R + 6, which
    /// no other workflow uses), so each round must get a new one
    #[arg(long)]
    pub round: u64,
    /// Weights to start from [default: the demo weights]
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Reference-mix light curves at 120 s
    #[arg(long, default_value_t = 3000)]
    pub n120: usize,
    /// Reference-mix light curves at 200 s
    #[arg(long, default_value_t = 1000)]
    pub n200: usize,
    /// Hard-cases light curves at 120 s
    #[arg(long, default_value_t = 1000)]
    pub hard120: usize,
    /// Hard-cases light curves at 200 s
    #[arg(long, default_value_t = 500)]
    pub hard200: usize,
    /// Simulated non-binaries scored for hard-negative mining: half reference at 120 s, a
    /// quarter hard-cases at 120 s and at 200 s
    #[arg(long, default_value_t = 2000)]
    pub pool: usize,
    /// Pool light curves whose highest segment p(EB) under the starting weights is above this
    /// join the training set
    #[arg(long, default_value_t = 0.1)]
    pub mine_above: f64,
    /// Training epochs
    #[arg(long, default_value_t = 6)]
    pub epochs: u64,
    /// Learning rate (cosine-annealed)
    #[arg(long, default_value_t = 3e-4)]
    pub lr: f64,
    /// Label smoothing
    #[arg(long, default_value_t = 0.05)]
    pub label_smoothing: f64,
    /// Epochs averaged into run/swa.safetensors
    #[arg(long, default_value_t = 3)]
    pub swa: u64,
    /// Threads of `calnet train`
    #[arg(long, env = "THREADS", default_value_t = 2)]
    pub threads: usize,
    /// `calnet train --device`
    #[arg(long, env = "DEVICE", default_value = "cpu")]
    pub device: String,
    /// Copy summary.md, run/metrics.json and one candidate's weights in pieces of at most
    /// 15 MiB (with SHA256SUMS) into this folder: six files, what a GPU machine can hand back
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// The candidate --export copies: best, last or swa
    #[arg(long, default_value = "best", value_parser = ["best", "last", "swa"])]
    pub export_weights: String,
}

/// The largest piece [`export`] writes: under the GPU machines' 16 MiB per returned file.
const PIECE_BYTES: usize = 15 << 20;

/// The candidates evaluated: a name and the weights file.
fn candidates(init: &str) -> [(&'static str, String); 4] {
    [
        ("start", init.to_owned()),
        ("best", "run/best.safetensors".into()),
        ("last", "run/last.safetensors".into()),
        ("swa", "run/swa.safetensors".into()),
    ]
}

/// Runs a round in the current folder (its work folder).
pub fn refine(calnet: &Calnet, root: &Path, a: &Refine) -> Result<()> {
    let init = a
        .init
        .as_deref()
        .context("no starting weights")?
        .to_string_lossy()
        .into_owned();
    let base = 1000 + 20 * a.round;
    let sim = |extra: &[&str]| Sets {
        calnet,
        sim: LABEL_IN_EVERY_SEGMENT
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect(),
    };
    let (reference, hard) = (sim(&[]), sim(&["--population", "hard-cases"]));
    reference.simulate_test_sets()?;
    reference.feature_set("ref120", a.n120, base, 120)?;
    reference.feature_set("ref200", a.n200, base + 1, 200)?;
    hard.feature_set("hard120", a.hard120, base + 2, 120)?;
    hard.feature_set("hard200", a.hard200, base + 3, 200)?;

    // Hard negatives: the pool's light curves the starting weights come closest to calling EBs.
    let negatives = |s: &Sets| Sets {
        calnet,
        sim: s
            .sim
            .iter()
            .cloned()
            .chain(["--eb-fraction".into(), "0".into()])
            .collect(),
    };
    let pools = [
        ("pool120", a.pool / 2, base + 4, 120, negatives(&reference)),
        ("poolhard120", a.pool / 4, base + 5, 120, negatives(&hard)),
        ("poolhard200", a.pool / 4, base + 6, 200, negatives(&hard)),
    ];
    let mut chunks: Vec<String> = ["ref120", "ref200", "hard120", "hard200"]
        .map(String::from)
        .into();
    if !Path::new("mined/labels.csv").is_file() {
        std::fs::create_dir_all("mined-fits").context("creating mined-fits")?;
        let mut tables = Vec::new();
        for (dir, n, seed, cadence, sets) in &pools {
            sets.simulate(dir, *n, *seed, *cadence)?;
            let out = format!("mine-{dir}");
            if !Path::new(&out).join("files.csv").is_file() {
                evaluate_sets(calnet, &init, [*dir], "mine-", &[])?;
            }
            let scores = column_pairs(&Path::new(&out).join("files.csv"), "file", "max_p_eb")?;
            let mut picked = Vec::new();
            for (file, p) in scores {
                let p: f64 = p
                    .parse()
                    .with_context(|| format!("{out}/files.csv: p {p:?}"))?;
                if p > a.mine_above {
                    let to = Path::new("mined-fits").join(&file);
                    if !to.exists() {
                        std::fs::hard_link(Path::new(dir).join(&file), &to)
                            .with_context(|| format!("linking {dir}/{file}"))?;
                    }
                    picked.push(file);
                }
            }
            eprintln!(
                "{dir}: {} of {n} mined (p > {})",
                picked.len(),
                a.mine_above
            );
            let table = format!("mined-{dir}.csv");
            filter_table(
                Path::new(&table),
                &Path::new(dir).join("labels.csv"),
                "file",
                |f| picked.iter().any(|p| p == f),
            )?;
            tables.push(Path::new(&table).to_path_buf());
        }
        join_tables(Path::new("mined-fits/labels.csv"), &tables, Columns::All)?;
        std::fs::create_dir_all("mined").context("creating mined")?;
        run(&mut calnet.command(["features", "--out", "mined", "mined-fits"]))?;
        concat_files(
            Path::new("mined/labels.csv"),
            &[Path::new("mined-fits/labels.csv").to_path_buf()],
        )?;
    }
    if std::fs::read_to_string("mined/labels.csv")?.lines().count() > 1 {
        chunks.push("mined".into());
    }
    merge_feature_sets("train-features", &chunks)?;

    let (epochs, lr, smooth, swa, threads) = (
        a.epochs.to_string(),
        a.lr.to_string(),
        a.label_smoothing.to_string(),
        a.swa.to_string(),
        a.threads.to_string(),
    );
    let args: Vec<String> = [
        "--features",
        "train-features",
        "--labels",
        "train-features/labels.csv",
        "--init",
        &init,
        "--out",
        "run",
        "--epochs",
        &epochs,
        "--lr",
        &lr,
        "--lr-schedule",
        "cosine",
        "--label-smoothing",
        &smooth,
        "--swa",
        &swa,
        "--batch",
        "64",
        "--device",
        &a.device,
        "--threads",
        &threads,
        "--seed",
        "42",
    ]
    .map(String::from)
    .into();
    train_unless_done(calnet, "run", a.epochs, &args)?;

    let metrics = read_json(Path::new("run/metrics.json"))?;
    let sets = TEST_SETS.map(|(set, ..)| set);
    let mut rows = Vec::new();
    for (name, weights) in candidates(&init) {
        if !Path::new(&weights).is_file() {
            continue;
        }
        let prefix = format!("eval-{name}-");
        let done = |set: &str| Path::new(&format!("{prefix}{set}/evaluation.json")).is_file();
        if !sets.iter().all(|s| done(s)) {
            evaluate_sets(calnet, &weights, sets, &prefix, &[])?;
        }
        if !done("fixtures") {
            evaluate_fixtures(calnet, root, &weights, &format!("{prefix}fixtures"), &[])?;
        }
        // The threshold the run's validation set tunes (none for the starting weights).
        let tuned = tuned_threshold(&metrics, name);
        if let Some(t) = tuned {
            let t = t.to_string();
            let prefix = format!("eval-{name}-tuned-");
            if !sets
                .iter()
                .all(|s| Path::new(&format!("{prefix}{s}/evaluation.json")).is_file())
            {
                evaluate_sets(calnet, &weights, sets, &prefix, &["--threshold", &t])?;
            }
        }
        rows.push(summary_row(name, &weights, tuned)?);
    }
    let table = format!("{}\n{}\n", SUMMARY_HEADER, rows.join("\n"));
    write_whole(Path::new("summary.md"), |w| {
        Ok(std::io::Write::write_all(w, table.as_bytes())?)
    })?;
    println!("{table}");
    if let Some(dir) = &a.export {
        let chosen: Vec<_> = candidates(&init)[1..]
            .iter()
            .filter(|(name, _)| *name == a.export_weights)
            .cloned()
            .collect();
        if chosen.is_empty() {
            bail!(
                "--export-weights {}: expected best, last or swa",
                a.export_weights
            );
        }
        export(Path::new("."), dir, &chosen)?;
    }
    Ok(())
}

/// Copies `summary.md` and `run/metrics.json` of the work folder `work` into `dir`, and each
/// candidate's weights as pieces `NAME.safetensors.partNN` of at most [`PIECE_BYTES`], with
/// `SHA256SUMS` of the whole files: `cat NAME.safetensors.part* > NAME.safetensors &&
/// sha256sum -c SHA256SUMS` joins and checks them.
fn export(work: &Path, dir: &Path, weights: &[(&str, String)]) -> Result<()> {
    use sha2::{Digest, Sha256};
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for f in ["summary.md", "run/metrics.json"] {
        let to = dir.join(Path::new(f).file_name().unwrap_or_default());
        std::fs::copy(work.join(f), &to)
            .with_context(|| format!("copying {f} to {}", to.display()))?;
    }
    let mut sums = String::new();
    for (name, path) in weights {
        let bytes = match std::fs::read(work.join(path)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| path.clone()),
        };
        for (i, piece) in bytes.chunks(PIECE_BYTES).enumerate() {
            let to = dir.join(format!("{name}.safetensors.part{i:02}"));
            std::fs::write(&to, piece).with_context(|| format!("{}", to.display()))?;
        }
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sums.push_str(&format!("{digest}  {name}.safetensors\n"));
    }
    write_whole(&dir.join("SHA256SUMS"), |w| {
        Ok(std::io::Write::write_all(w, sums.as_bytes())?)
    })
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// The validation-tuned threshold of a candidate from the run's `metrics.json`: the recall at
/// precision >= 0.98 of its epoch (best, last) or of the mean (swa).
fn tuned_threshold(metrics: &Value, name: &str) -> Option<f64> {
    let epochs = metrics["epochs"].as_array()?;
    let point = match name {
        "best" => {
            let best = metrics["best_epoch"].as_u64()?;
            &epochs.iter().find(|e| e["epoch"].as_u64() == Some(best))?["val_recall_at_precision"]
        }
        "last" => &epochs.last()?["val_recall_at_precision"],
        "swa" => &metrics["swa"]["val_recall_at_precision"],
        _ => return None,
    };
    point["threshold"].as_f64()
}

const SUMMARY_HEADER: &str = "| weights | 120 s: precision, recall (0.5), ROC-AUC | 120 s: recall at 98% precision (threshold) | 120 s at the tuned threshold: precision, recall | 200 s: precision, recall (0.5), ROC-AUC | 200 s: recall at 98% precision (threshold) | 200 s at the tuned threshold: precision, recall | fixtures: max p(EB) per file |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

/// One row of `summary.md`: a candidate's test-set metrics and the fixtures' scores.
fn summary_row(name: &str, weights: &str, tuned: Option<f64>) -> Result<String> {
    let mut cells = vec![format!("{name} (`{weights}`)")];
    for (set, ..) in TEST_SETS {
        let ev = read_json(&Path::new(&format!("eval-{name}-{set}")).join("evaluation.json"))?;
        let seg = &ev["segment"];
        let f = |v: &Value| v.as_f64().map_or("-".into(), |x| format!("{x:.3}"));
        cells.push(format!(
            "{}, {}, {}",
            f(&seg["precision"]),
            f(&seg["recall"]),
            f(&seg["roc_auc"])
        ));
        let p = &ev["recall_at_precision_98"];
        cells.push(format!("{} ({})", f(&p["recall"]), f(&p["threshold"])));
        cells.push(match tuned {
            Some(t) => {
                let path = Path::new(&format!("eval-{name}-tuned-{set}")).join("evaluation.json");
                let seg = &read_json(&path)?["segment"];
                format!(
                    "{}, {} (p > {t:.3})",
                    f(&seg["precision"]),
                    f(&seg["recall"])
                )
            }
            None => "-".into(),
        });
    }
    let files = Path::new(&format!("eval-{name}-fixtures")).join("files.csv");
    let scores = column_pairs(&files, "file", "max_p_eb")?;
    if scores.is_empty() {
        bail!("{}: no fixture scored", files.display());
    }
    cells.push(
        scores
            .iter()
            .map(|(file, p)| format!("{file} {p}"))
            .collect::<Vec<_>>()
            .join("; "),
    );
    Ok(format!("| {} |", cells.join(" | ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_pieces_join_to_the_weights() {
        let d = tempfile::tempdir().unwrap();
        let w = d.path();
        std::fs::create_dir(w.join("run")).unwrap();
        std::fs::write(w.join("summary.md"), "| table |\n").unwrap();
        std::fs::write(w.join("run/metrics.json"), "{}").unwrap();
        // Two pieces and a bit, in a byte pattern no piece boundary hides.
        let big: Vec<u8> = (0..2 * PIECE_BYTES + 7)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(w.join("run/swa.safetensors"), &big).unwrap();
        // A candidate without a file (no SWA run, say) is left out.
        let weights = [
            ("swa", "run/swa.safetensors".to_owned()),
            ("best", "run/best.safetensors".to_owned()),
        ];
        let out = w.join("out");
        export(w, &out, &weights).unwrap();
        let mut joined = Vec::new();
        for i in 0..3 {
            let piece = std::fs::read(out.join(format!("swa.safetensors.part{i:02}"))).unwrap();
            assert!(piece.len() <= PIECE_BYTES);
            joined.extend(piece);
        }
        assert!(!out.join("swa.safetensors.part03").exists());
        assert_eq!(joined, big);
        let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        assert!(
            sums.ends_with("  swa.safetensors\n") && sums.lines().count() == 1,
            "{sums}"
        );
        assert!(out.join("summary.md").is_file() && out.join("metrics.json").is_file());
    }

    #[test]
    fn tuned_thresholds_come_from_the_candidates_own_records() {
        // The layout of `calnet train`'s metrics.json, trimmed to the fields read.
        let metrics: Value = serde_json::from_str(
            r#"{"best_epoch": 2,
                "epochs": [
                  {"epoch": 1, "val_recall_at_precision": {"threshold": 0.9, "precision": 0.98, "recall": 0.8}},
                  {"epoch": 2, "val_recall_at_precision": {"threshold": 0.7, "precision": 0.99, "recall": 0.85}},
                  {"epoch": 3, "val_recall_at_precision": null}],
                "swa": {"epochs": [2, 3], "val_recall_at_precision": {"threshold": 0.6, "precision": 0.98, "recall": 0.9}}}"#,
        )
        .unwrap();
        assert_eq!(tuned_threshold(&metrics, "best"), Some(0.7));
        assert_eq!(tuned_threshold(&metrics, "last"), None);
        assert_eq!(tuned_threshold(&metrics, "swa"), Some(0.6));
        assert_eq!(tuned_threshold(&metrics, "start"), None);
        let no_swa: Value = serde_json::from_str(r#"{"best_epoch": 1, "epochs": []}"#).unwrap();
        assert_eq!(tuned_threshold(&no_swa, "swa"), None);
        assert_eq!(tuned_threshold(&no_swa, "best"), None);
    }
}
