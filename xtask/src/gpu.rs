//! The CUDA workflows (docs/training.md, "GPU"), run on a machine with a GPU where the `calnet`
//! binary (built with `--features torch` against a CUDA libtorch) and this one are carried.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::run::{run, timed, Calnet};
use crate::sets::{evaluate_test_sets, merge_feature_sets, Sets, LABEL_IN_EVERY_SEGMENT};

/// Threads of this machine (`nproc`).
fn cores() -> String {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .to_string()
}

/// `cargo xtask gpu-check`: simulate a small labelled set (seed 31), train on the GPU, then one
/// epoch on the CPU of the same machine for a throughput ratio. The data and the training options
/// are those of the CPU comparison run in docs/training.md, so the GPU's per-epoch metrics can be
/// laid beside it. Prints the card, each run's metrics.csv and wall times. Runs in the current
/// folder (the work folder).
pub fn gpu_check(calnet: &Calnet, n: usize, epochs: u64) -> Result<()> {
    let mut smi = Command::new("nvidia-smi");
    smi.args([
        "--query-gpu=name,memory.total,driver_version",
        "--format=csv,noheader",
    ]);
    if run(&mut smi).is_err() {
        println!("nvidia-smi failed: is there a GPU?");
    }
    let threads = cores();
    let mut sim = vec!["--threads".to_string(), threads.clone()];
    sim.extend(LABEL_IN_EVERY_SEGMENT.map(String::from));
    let sets = Sets { calnet, sim };
    let train_args = [
        "--data",
        "sim",
        "--labels",
        "sim/labels.csv",
        "--batch",
        "64",
        "--seed",
        "42",
        "--cache",
        "cache",
        "--threads",
        &threads,
    ];

    if !Path::new("sim/labels.csv").is_file() {
        let t0 = std::time::Instant::now();
        sets.simulate("sim", n, 31, 120)?;
        println!("simulate: {} ms wall", t0.elapsed().as_millis());
    }
    // The first run computes the features into the cache; the CPU run below reads them.
    let e = epochs.to_string();
    let mut cuda = calnet.command(["train", "--out", "cuda", "--epochs", &e, "--device", "cuda"]);
    cuda.args(train_args);
    timed(
        &format!("train cuda ({epochs} epochs, features included)"),
        &mut cuda,
    )?;
    let mut cpu = calnet.command(["train", "--out", "cpu", "--epochs", "1", "--device", "cpu"]);
    cpu.args(train_args);
    timed(&format!("train cpu (1 epoch, {threads} threads)"), &mut cpu)?;

    for run in ["cuda", "cpu"] {
        let metrics = Path::new(run).join("metrics.csv");
        println!("== {}", metrics.display());
        let text =
            std::fs::read_to_string(&metrics).with_context(|| format!("{}", metrics.display()))?;
        print!("{text}");
    }
    Ok(())
}

/// What `cargo xtask gpu-scale` was given.
pub struct GpuScale {
    pub n120: usize,
    pub n200: usize,
    pub epochs: u64,
    pub rounds: u64,
    pub device: String,
}

/// `cargo xtask gpu-scale`: does more data help? One run on more simulated light curves than 2
/// CPU cores can train on, evaluated on the demo weights' test sets.
///
/// Round r (from 0) draws N120 light curves at 120 s with seed 41+4r and N200 at 200 s with seed
/// 43+4r, so two rounds hold the one-round set and as much again. Each set becomes
/// reference-layout feature CSVs and its FITS files are deleted before the next is drawn, so
/// the disk holds one set's FITS at a time. Runs in the current folder (the work folder).
pub fn gpu_scale(calnet: &Calnet, a: &GpuScale) -> Result<()> {
    let mut sim = LABEL_IN_EVERY_SEGMENT.map(String::from).to_vec();
    sim.extend(["--threads".to_string(), cores()]);
    let sets = Sets { calnet, sim };
    sets.simulate_test_sets()?;

    // The rounds asked for, in order (not whatever an earlier, longer run left in the folder).
    let mut chunks = Vec::new();
    for r in 0..a.rounds {
        for (seed, cadence, n) in [(41 + 4 * r, 120, a.n120), (43 + 4 * r, 200, a.n200)] {
            let dir = format!("features/{seed}");
            sets.feature_set(&dir, n, seed, cadence)?;
            chunks.push(dir);
        }
    }
    merge_feature_sets("train", &chunks)?;

    let e = a.epochs.to_string();
    let mut train = calnet.command([
        "train",
        "--features",
        "train",
        "--labels",
        "train/labels.csv",
        "--out",
        "run",
        "--epochs",
        &e,
        "--batch",
        "128",
        "--lr-schedule",
        "cosine",
        "--device",
        &a.device,
        "--seed",
        "42",
    ]);
    // Unfiltered: without a terminal `calnet train` logs a line per tenth of an epoch, not one
    // per batch.
    run(&mut train)?;
    evaluate_test_sets(calnet, "run/best.safetensors", &["--device", &a.device])
}
