//! `cargo xtask demo-weights`: how `fixtures/weights/calnet-sim.safetensors` was made
//! (docs/training.md, "Demo weights"): simulated light curves only, two stages on the CPU, then
//! the test-set and fixture evaluations. About 90 minutes on 2 cores; 12 GB of disk at peak.
//!
//! Stage 1 trains from a seeded initialisation on 3,000 light curves (FITS kept, features
//! cached). Stage 2 fine-tunes the stage-1 best weights (`--init`) on 10,000 fresh light curves
//! of other seeds; to stay within the disk, each chunk of 2,000 becomes reference-layout feature
//! CSVs (`calnet features`) and its FITS files are deleted. The test sets are used by nothing but
//! `calnet evaluate`.

use std::path::Path;

use anyhow::Result;

use crate::run::Calnet;
use crate::sets::{
    evaluate_fixtures, evaluate_test_sets, merge_feature_sets, train_unless_done, Sets,
    LABEL_IN_EVERY_SEGMENT,
};
use crate::tables::{join_tables, Columns};

/// Runs the workflow in the current folder (the work folder).
pub fn demo_weights(calnet: &Calnet, root: &Path) -> Result<()> {
    let sets = Sets {
        calnet,
        sim: LABEL_IN_EVERY_SEGMENT.map(String::from).to_vec(),
    };
    // Unless `dir` has done its epochs; resumes after a kill.
    let train = |dir: &str, epochs: u64, args: &[&str]| {
        let e = epochs.to_string();
        let mut all = vec!["--out", dir, "--epochs", &e];
        all.extend([
            "--batch",
            "64",
            "--device",
            "cpu",
            "--threads",
            "2",
            "--seed",
            "42",
        ]);
        all.extend(args);
        let all: Vec<String> = all.into_iter().map(String::from).collect();
        train_unless_done(calnet, dir, epochs, &all)
    };
    sets.simulate_test_sets()?;

    // Stage 1: 2,600 light curves at 120 s + 400 at 200 s, 30 epochs.
    sets.simulate("train120", 2600, 11, 120)?;
    sets.simulate("train200", 400, 13, 200)?;
    let stage1 = ["train120", "train200"].map(|d| Path::new(d).join("labels.csv"));
    join_tables(Path::new("stage1-labels.csv"), &stage1, Columns::All)?;
    train(
        "stage1",
        30,
        &[
            "--data",
            "train120",
            "train200",
            "--labels",
            "stage1-labels.csv",
            "--cache",
            "cache",
        ],
    )?;

    // Stage 2: 8,000 fresh light curves at 120 s + 2,000 at 200 s, 8 epochs from stage 1's best.
    let mut chunks = Vec::new();
    for (seed, cadence) in [(21, 120), (22, 120), (23, 120), (24, 120), (25, 200)] {
        let dir = format!("features{seed}");
        sets.feature_set(&dir, 2000, seed, cadence)?;
        chunks.push(dir);
    }
    merge_feature_sets("stage2-features", &chunks)?;
    train(
        "stage2",
        8,
        &[
            "--features",
            "stage2-features",
            "--labels",
            "stage2-features/labels.csv",
            "--init",
            "stage1/best.safetensors",
            "--lr",
            "5e-4",
        ],
    )?;

    // The shipped file is stage 2's LAST epoch, not its best-F1 one: docs/training.md says why.
    let weights = "stage2/last.safetensors";
    // Evaluation: the test sets of other seeds, then the real fixture light curves.
    evaluate_test_sets(calnet, weights, &[])?;
    evaluate_fixtures(calnet, root, weights, "eval-fixtures", &[])?;
    let cwd = std::env::current_dir()?;
    println!("weights: {}", cwd.join(weights).display());
    Ok(())
}
