//! `cargo xtask ffi-augment`: the FFI weights fine-tuned in two rounds on augmented copies of
//! the real TESSellator training split (`calnet augment`) with fresh simulated FFI light curves
//! (docs/training.md, "FFI weights").
//!
//! The network misses real contact and ellipsoidal binaries that a simulator's 30-minute
//! classes do not resemble closely enough, and confuses them with γ Dor stars; the real
//! training split holds only 131 such binaries. Augmented copies (reversed, stretched, cropped,
//! noisier) multiply the real examples of the confusable classes without changing what the
//! stars are.
//!
//! 1. The real splits (as `cargo xtask ffi-train` links them) and simulated sets: 800 reference
//!    and 800 hard-cases light curves at 1800 s (seeds 2001, 2002), 400 at 600 s and at 200 s
//!    (2003, 2004), all drawn so each segment shows its label; the simulated test sets of
//!    `ffi-train` (300 per cadence, seeds 64-66).
//! 2. Round 1: `calnet augment` of the training split (seed 1; copies per class
//!    [`ROUND1_COPIES`], one per non-variable), then `calnet train --init` the starting weights
//!    (the shipped FFI weights by default) on the split, its copies and the 1800 s sets:
//!    8 epochs, `--lr 2e-4` cosine, label smoothing 0.05, SWA over 3 epochs, batch 64, seed 42.
//! 3. Round 2 from round 1's last epoch: fresh copies (seed 2, more γ Dor and δ Sct ones,
//!    [`ROUND2_COPIES`]), the hard-cases 1800 s set and the 600 s and 200 s sets: 6 epochs,
//!    `--lr 1.5e-4`, seed 43, otherwise as round 1.
//! 4. `calnet evaluate` of round 1's last weights on the real validation split, and of round
//!    2's last and SWA weights on the real validation and test splits and the simulated test
//!    sets (each table carries a `class` column, so every result is per class).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::ffi_train::{real_split, SIM_TESTS, SIM_TEST_N};
use crate::run::{run, Calnet};
use crate::sets::{evaluate_sets, train_unless_done, Sets, LABEL_IN_EVERY_SEGMENT};
use crate::tables::{join_tables, Columns};

/// What `cargo xtask ffi-augment` was given.
pub struct FfiAugment {
    /// The weights round 1 starts from, absolute.
    pub init: PathBuf,
    /// The TESSellator set's folder, absolute.
    pub tessellator: PathBuf,
    pub threads: usize,
}

/// `calnet augment --class-copies` of round 1 (other classes: one copy).
pub const ROUND1_COPIES: &str = "KEBC=8,GDOR=6,RRc_Benko2023=6,DSCT=3";
/// `calnet augment --class-copies` of round 2.
pub const ROUND2_COPIES: &str = "KEBC=8,GDOR=10,RRc_Benko2023=6,DSCT=5";

/// One training round: its folder, augmentation, data, starting weights and schedule.
struct Round<'a> {
    out: &'a str,
    aug: &'a str,
    aug_seed: u64,
    copies: &'a str,
    sims: &'a [&'a str],
    init: String,
    epochs: u64,
    lr: &'a str,
    seed: u64,
}

/// Runs the workflow in the current folder (the work folder).
pub fn ffi_augment(calnet: &Calnet, root: &Path, a: &FfiAugment) -> Result<()> {
    let split = root.join("fixtures/tessellator/split.csv");
    for name in ["train", "validation", "test"] {
        let dir = format!("real-{name}");
        real_split(&split, &a.tessellator, name, Path::new(&dir))?;
    }
    let threads = a.threads.to_string();
    let mut sim = LABEL_IN_EVERY_SEGMENT.map(String::from).to_vec();
    sim.extend(["--threads".into(), threads.clone()]);
    let sets = Sets {
        calnet,
        sim: sim.clone(),
    };
    sets.simulate("simref", 800, 2001, 1800)?;
    sim.extend(["--population".into(), "hard-cases".into()]);
    Sets { calnet, sim }.simulate("simhard", 800, 2002, 1800)?;
    sets.simulate("sim600", 400, 2003, 600)?;
    sets.simulate("sim200", 400, 2004, 200)?;
    for (dir, seed, cadence) in SIM_TESTS {
        sets.simulate(dir, SIM_TEST_N, seed, cadence)?;
    }

    let rounds = [
        Round {
            out: "r1",
            aug: "aug1",
            aug_seed: 1,
            copies: ROUND1_COPIES,
            sims: &["simref", "simhard"],
            init: a.init.to_string_lossy().into_owned(),
            epochs: 8,
            lr: "2e-4",
            seed: 42,
        },
        Round {
            out: "r2",
            aug: "aug2",
            aug_seed: 2,
            copies: ROUND2_COPIES,
            sims: &["simhard", "sim600", "sim200"],
            init: "r1/last.safetensors".into(),
            epochs: 6,
            lr: "1.5e-4",
            seed: 43,
        },
    ];
    for r in &rounds {
        train_round(calnet, r, &threads)?;
    }

    let extra = ["--device", "cpu", "--threads", &threads];
    evaluate_sets(
        calnet,
        "r1/last.safetensors",
        ["real-validation"],
        "eval-r1-last-",
        &extra,
    )?;
    let tests = ["real-validation", "real-test"];
    let tests = tests.into_iter().chain(SIM_TESTS.map(|(dir, _, _)| dir));
    for weights in ["last", "swa"] {
        let file = format!("r2/{weights}.safetensors");
        let prefix = format!("eval-r2-{weights}-");
        evaluate_sets(calnet, &file, tests.clone(), &prefix, &extra)?;
    }
    Ok(())
}

/// The round's augmented copies, then its training run.
fn train_round(calnet: &Calnet, r: &Round, threads: &str) -> Result<()> {
    if !Path::new(r.aug).join("labels.csv").is_file() {
        let seed = r.aug_seed.to_string();
        run(&mut calnet.command([
            "augment",
            "real-train",
            "--out",
            r.aug,
            "--seed",
            &seed,
            "--copies",
            "1",
            "--class-copies",
            r.copies,
            "--threads",
            threads,
        ]))?;
    }
    let mut data = vec!["real-train", r.aug];
    data.extend(r.sims);
    let labels = format!("{}-labels.csv", r.out);
    let tables: Vec<PathBuf> = data
        .iter()
        .map(|d| Path::new(d).join("labels.csv"))
        .collect();
    join_tables(
        Path::new(&labels),
        &tables,
        Columns::Only(&["file", "label"]),
    )?;
    let (epochs, seed) = (r.epochs.to_string(), r.seed.to_string());
    let mut args: Vec<String> = vec!["--data".into()];
    args.extend(data.iter().map(|d| d.to_string()));
    args.extend(
        [
            "--labels",
            &labels,
            "--out",
            r.out,
            "--cache",
            "cache",
            "--init",
            &r.init,
            "--feature-config",
            "ffi",
            "--epochs",
            &epochs,
            "--lr",
            r.lr,
            "--lr-schedule",
            "cosine",
            "--label-smoothing",
            "0.05",
            "--swa",
            "3",
            "--batch",
            "64",
            "--device",
            "cpu",
            "--threads",
            threads,
            "--seed",
            &seed,
        ]
        .map(String::from),
    );
    train_unless_done(calnet, r.out, r.epochs, &args)
}
