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
//!    and 800 hard-cases light curves at 1800 s (seeds 2001, 2002), drawn so each segment shows
//!    its label; the simulated test sets of
//!    `ffi-train` (300 per cadence, seeds 64-66).
//! 2. Round 1: `calnet augment` of the training split (seed 1; copies per class
//!    [`ROUND1_COPIES`], one per non-variable), then `calnet train --init` the starting weights
//!    (the shipped FFI weights by default) on the split, its copies and the 1800 s sets:
//!    8 epochs, `--lr 2e-4` cosine, label smoothing 0.05, SWA over 3 epochs, batch 64, seed 42.
//! 3. Round 2 from round 1's last epoch: fresh copies (seed 3, more γ Dor and δ Sct ones,
//!    [`ROUND2_COPIES`]), detached and semi-detached binaries injected into real non-binaries of
//!    the training split ([`inject_set`]: every γ Dor star and every third non-variable) and
//!    the hard-cases 1800 s set: 6 epochs, `--lr 1.5e-4`, seed 44, otherwise as round 1.
//! 4. `calnet evaluate` of round 1's last weights on the real validation split, and of round
//!    2's last and SWA weights on the real validation and test splits and the simulated test
//!    sets (each table carries a `class` column, so every result is per class).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::ffi_train::{real_split, SIM_TESTS, SIM_TEST_N};
use crate::run::{run, status, Calnet};
use crate::sets::{evaluate_sets, train_unless_done, Sets, LABEL_IN_EVERY_SEGMENT};
use crate::tables::{column_pairs, join_tables, write_whole, Columns};

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
    /// Sets besides the real split and its copies.
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
            aug: "aug3",
            aug_seed: 3,
            copies: ROUND2_COPIES,
            sims: &["inj", "simhard"],
            init: "r1/last.safetensors".into(),
            epochs: 6,
            lr: "1.5e-4",
            seed: 44,
        },
    ];
    train_round(calnet, &rounds[0], &threads)?;
    inject_set(calnet, "inj")?;
    train_round(calnet, &rounds[1], &threads)?;

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

/// Binaries injected into real non-binaries of the training split, as `dir` (`calnet inject`;
/// `dir/labels.csv` holds their truth rows, label 1): into every γ Dor star and every third
/// non-variable, in the table's order; the `k`-th host (from 0) gets seed 5000 + k, a detached
/// binary for even `k` and a semi-detached one for odd `k`, a period `0.5 * 24^u` days (0.5-12)
/// and a depth `0.005 * 60^v` (0.5%-30%), with `u`, `v` the fractional parts of `(k + 1)` times
/// the inverse golden ratio and the inverse plastic number: evenly spread, and the same on
/// every machine. A host whose drawn binary cannot reach its depth (`calnet inject` says so
/// and fails) is left out. A rerun redoes the set unless `dir/complete` marks it finished.
pub fn inject_set(calnet: &Calnet, dir: &str) -> Result<()> {
    let done = Path::new(dir).join("complete");
    if done.is_file() {
        return Ok(());
    }
    let mut hosts = Vec::new();
    let mut non_variable = 0;
    for (file, class) in column_pairs(Path::new("real-train/labels.csv"), "file", "class")? {
        match class.as_str() {
            "GDOR" => hosts.push(file),
            "NV" => {
                if non_variable % 3 == 0 {
                    hosts.push(file);
                }
                non_variable += 1;
            }
            _ => {}
        }
    }
    let mut skipped = 0;
    for (k, file) in hosts.iter().enumerate() {
        let (u, v) = injection_draw(k);
        let period = format!("{:.4}", 0.5 * 24f64.powf(u));
        let depth = format!("{:.5}", 0.005 * 60f64.powf(v));
        let seed = (5000 + k).to_string();
        let class = if k % 2 == 0 {
            "detached"
        } else {
            "semidetached"
        };
        let into = format!("real-train/{file}");
        let mut cmd = calnet.command([
            "inject", "--into", &into, "--out", dir, "--seed", &seed, "--class", class, "--period",
            &period, "--depth", &depth,
        ]);
        // A depth the drawn geometry cannot reach (said on stderr) leaves this host out.
        if !status(&mut cmd)?.success() {
            skipped += 1;
        }
    }
    let made = hosts.len() - skipped;
    write_whole(&done, |w| {
        Ok(writeln!(w, "{made} injections, {skipped} hosts left out")?)
    })
}

/// The `k`-th point of two interleaved additive recurrences (low-discrepancy in the unit
/// square).
fn injection_draw(k: usize) -> (f64, f64) {
    let n = (k + 1) as f64;
    (
        (n * 0.618_033_988_749_894_9).fract(),
        (n * 0.754_877_666_246_692_7).fract(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The draws are the ones the shipped weights' injections used (period and depth strings
    /// as `calnet inject` got them), and spread over the ranges.
    #[test]
    fn injection_draws_are_fixed_and_spread() {
        let args = |k| {
            let (u, v) = injection_draw(k);
            (
                format!("{:.4}", 0.5 * 24f64.powf(u)),
                format!("{:.5}", 0.005 * 60f64.powf(v)),
            )
        };
        assert_eq!(args(0), ("3.5644".to_string(), "0.10997".to_string()));
        assert_eq!(args(1).0, "1.0588");
        let periods: Vec<f64> = (0..460).map(|k| args(k).0.parse().unwrap()).collect();
        for (lo, hi) in [(0.5, 1.0), (1.0, 3.0), (3.0, 6.0), (6.0, 12.0)] {
            let n = periods.iter().filter(|&&p| p >= lo && p < hi).count();
            let want = 460.0 * (hi / lo).ln() / 24f64.ln();
            assert!(
                (n as f64 - want).abs() < 10.0,
                "{lo}-{hi} d: {n} against {want}"
            );
        }
    }
}
