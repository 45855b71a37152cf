//! `cargo xtask vet-recovery`: the vetting metrics against simulated truth (docs/classify.md,
//! "Vetting metrics on simulated light curves"). Simulates detached binaries, blends and
//! transiting planets with `calnet simulate`, classifies them with `calnet classify` (a low
//! threshold, so that most of them reach the catalog and get vetted), and compares the catalog's
//! metrics with `labels.csv` (`scripts/experiments/vet_recovery.py`). A rerun reuses the
//! simulated set and resumes the classification.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::run::{run, Calnet};
use crate::sets::Sets;

/// What `cargo xtask vet-recovery` was given.
pub struct VetRecovery {
    pub work: PathBuf,
    pub n: usize,
    pub seed: u64,
    pub weights: PathBuf,
    pub python: PathBuf,
    pub cadence: u32,
    pub threshold: f64,
}

pub fn vet_recovery(calnet: &Calnet, root: &Path, a: &VetRecovery) -> Result<()> {
    let weights = a
        .weights
        .canonicalize()
        .with_context(|| format!("{}: no such weights file", a.weights.display()))?;
    std::fs::create_dir_all(&a.work).with_context(|| format!("creating {}", a.work.display()))?;
    let sim = a.work.join("sim");
    let catalog_run = a.work.join("run");
    let sim_str = sim
        .to_str()
        .with_context(|| format!("{}: not UTF-8", sim.display()))?;
    let sets = Sets {
        calnet,
        sim: [
            "--classes",
            "detached,blend,planet",
            "--eb-fraction",
            "0.5",
            "--min-snr",
            "10",
            "--eclipse-every-segment",
        ]
        .map(String::from)
        .to_vec(),
    };
    sets.simulate(sim_str, a.n, a.seed, a.cadence)?;
    let mut classify = calnet.command(["classify"]);
    classify
        .arg(&sim)
        .arg("--weights")
        .arg(&weights)
        .arg("--out")
        .arg(&catalog_run)
        .args(["--device", "cpu", "--plots", "none", "--threshold"])
        .arg(a.threshold.to_string());
    run(&mut classify)?;
    run(Command::new(&a.python)
        .arg(root.join("scripts/experiments/vet_recovery.py"))
        .arg(sim.join("labels.csv"))
        .arg(catalog_run.join("catalog.csv")))
}
