//! `cargo xtask ffi-train`: a full-frame-image (FFI) training set and a CPU fine-tune from the
//! 2-minute demo weights (docs/training.md, "Real 30-minute data").
//!
//! 1. Simulated FFI light curves: N_SIM each at 1800, 600 and 200 s (seeds 61-63), drawn so that
//!    each segment shows its label, as the demo weights' sets.
//! 2. The real TESSellator set's training split (`fixtures/tessellator/split.csv`, made by
//!    `calnet curate`): label 0 as it is, label 1 only where `signal_ok` is 1; its validation
//!    and test splits the same way, for `calnet evaluate` only.
//! 3. `calnet train --init fixtures/weights/calnet-sim.safetensors` on both (EPOCHS at
//!    `--lr 5e-4`, batch 64, as the demo weights' second stage).
//! 4. `calnet evaluate` of the best and the last weights on the real validation and test splits
//!    and on simulated test sets of other seeds (300 light curves at each cadence, seeds
//!    64-66), each reported per class (the tables carry a `class` column).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::run::Calnet;
use crate::sets::{evaluate_sets, train_unless_done, Sets, LABEL_IN_EVERY_SEGMENT};
use crate::tables::{join_tables, write_whole, Columns};

/// What `cargo xtask ffi-train` was given.
pub struct FfiTrain {
    /// Simulated light curves per cadence.
    pub n_sim: usize,
    pub epochs: u64,
    /// The TESSellator set's folder, absolute.
    pub tessellator: PathBuf,
    /// The feature-config options of `calnet train`.
    pub features: Vec<String>,
    pub threads: usize,
}

/// Runs the workflow in the current folder (the work folder).
pub fn ffi_train(calnet: &Calnet, root: &Path, a: &FfiTrain) -> Result<()> {
    let split = root.join("fixtures/tessellator/split.csv");
    let init = root.join("fixtures/weights/calnet-sim.safetensors");
    let threads = a.threads.to_string();
    let mut sim = LABEL_IN_EVERY_SEGMENT.map(String::from).to_vec();
    sim.extend(["--threads".into(), threads.clone()]);
    let sets = Sets { calnet, sim };
    for (dir, seed, cadence) in [
        ("sim1800", 61, 1800),
        ("sim600", 62, 600),
        ("sim200", 63, 200),
    ] {
        sets.simulate(dir, a.n_sim, seed, cadence)?;
    }
    real_split(&split, &a.tessellator, "train", Path::new("real-train"))?;
    for name in ["validation", "test"] {
        real_split(
            &split,
            &a.tessellator,
            name,
            Path::new(&format!("real-{name}")),
        )?;
    }
    for (dir, seed, cadence) in SIM_TESTS {
        sets.simulate(dir, SIM_TEST_N, seed, cadence)?;
    }

    // `file,label` of every training file, from tables whose columns differ.
    let tables =
        ["sim1800", "sim600", "sim200", "real-train"].map(|t| Path::new(t).join("labels.csv"));
    join_tables(
        Path::new("train-labels.csv"),
        &tables,
        Columns::Only(&["file", "label"]),
    )?;

    let epochs = a.epochs.to_string();
    let mut args: Vec<String> = [
        "--data",
        "sim1800",
        "sim600",
        "sim200",
        "real-train",
        "--labels",
        "train-labels.csv",
        "--out",
        "run",
        "--cache",
        "cache",
        "--init",
    ]
    .map(String::from)
    .to_vec();
    args.push(init.to_string_lossy().into_owned());
    args.extend(
        [
            "--epochs",
            &epochs,
            "--lr",
            "5e-4",
            "--batch",
            "64",
            "--device",
            "cpu",
            "--threads",
            &threads,
            "--seed",
            "42",
        ]
        .map(String::from),
    );
    args.extend(a.features.iter().cloned());
    train_unless_done(calnet, "run", a.epochs, &args)?;
    let tests = ["real-validation", "real-test"];
    let tests = tests.into_iter().chain(SIM_TESTS.map(|(dir, _, _)| dir));
    let extra = ["--device", "cpu", "--threads", &threads];
    for weights in ["best", "last"] {
        let file = format!("run/{weights}.safetensors");
        let prefix = format!("eval-{weights}-");
        evaluate_sets(calnet, &file, tests.clone(), &prefix, &extra)?;
    }
    Ok(())
}

/// Simulated light curves per cadence in the test sets.
pub const SIM_TEST_N: usize = 300;

/// The simulated FFI test sets, `(folder, seed, cadence)`: seeds no training set is drawn with.
pub const SIM_TESTS: [(&str, u64, u32); 3] = [
    ("test1800", 64, 1800),
    ("test600", 65, 600),
    ("test200", 66, 200),
];

/// One split of the real set as `dir`: a link to each of its files in `tessellator` and a
/// `file,label,class` table, `dir/labels.csv`, written last (a rerun skips a split that has it).
/// Binaries whose eclipses the curation found not to show (`signal_ok` 0) are left out, as
/// `calnet curate`'s split asks.
pub fn real_split(split: &Path, tessellator: &Path, name: &str, dir: &Path) -> Result<()> {
    let labels = dir.join("labels.csv");
    if labels.is_file() {
        return Ok(());
    }
    let mut reader =
        csv::Reader::from_path(split).with_context(|| format!("{}", split.display()))?;
    let header = reader
        .headers()
        .with_context(|| format!("{}: header", split.display()))?
        .clone();
    let column = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .with_context(|| format!("{}: no column {n:?}", split.display()))
    };
    let (file, label, class, which, signal_ok) = (
        column("file")?,
        column("label")?,
        column("class")?,
        column("split")?,
        column("signal_ok")?,
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record.with_context(|| format!("{}", split.display()))?;
        if &r[which] == name && &r[signal_ok] != "0" {
            rows.push((r[file].to_owned(), r[label].to_owned(), r[class].to_owned()));
        }
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (f, _, _) in &rows {
        let target = tessellator.join(f);
        if !target.is_file() {
            bail!(
                "{}: no such file (the {name} split of {} lists it)",
                target.display(),
                split.display()
            );
        }
        let link = dir.join(f);
        if link.symlink_metadata().is_ok() {
            fs::remove_file(&link).with_context(|| format!("replacing {}", link.display()))?;
        }
        symlink(&target, &link).with_context(|| format!("linking {}", link.display()))?;
    }
    write_whole(&labels, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(["file", "label", "class"])?;
        for (f, l, c) in &rows {
            writer.write_record([f, l, c])?;
        }
        writer.flush()?;
        Ok(())
    })
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_file(target, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A split table in `calnet curate`'s layout and the files it names.
    fn real_set(root: &Path) -> (PathBuf, PathBuf) {
        let set = root.join("tessellator");
        fs::create_dir(&set).unwrap();
        for f in ["1.fits", "2.fits", "3.fits", "4.fits", "5.fits"] {
            fs::write(set.join(f), f).unwrap();
        }
        let split = root.join("split.csv");
        fs::write(
            &split,
            "file,tic,label,class,split,signal_ok,z,specificity,reason\n\
             1.fits,1,0,NV,train,,,,\n\
             2.fits,2,1,EA,train,1,3.5,0.9,\n\
             3.fits,3,1,EA,train,0,0.2,0.9,\"no eclipse, flat\"\n\
             4.fits,4,1,EW,validation,1,8,0.95,\n\
             5.fits,5,0,GDOR,test,,,,\n",
        )
        .unwrap();
        (split, set)
    }

    #[test]
    fn a_split_becomes_links_and_a_file_label_table_without_dropped_binaries() {
        let d = tempfile::tempdir().unwrap();
        let (split, set) = real_set(d.path());
        let dir = d.path().join("real-train");
        real_split(&split, &set, "train", &dir).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("labels.csv")).unwrap(),
            "file,label,class\n1.fits,0,NV\n2.fits,1,EA\n"
        );
        let mut names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["1.fits", "2.fits", "labels.csv"]);
        assert_eq!(
            fs::read_link(dir.join("2.fits")).unwrap(),
            set.join("2.fits")
        );
        assert_eq!(fs::read_to_string(dir.join("2.fits")).unwrap(), "2.fits");

        let val = d.path().join("real-validation");
        real_split(&split, &set, "validation", &val).unwrap();
        assert_eq!(
            fs::read_to_string(val.join("labels.csv")).unwrap(),
            "file,label,class\n4.fits,1,EW\n"
        );
    }

    #[test]
    fn a_finished_split_is_kept_and_a_missing_file_is_named() {
        let d = tempfile::tempdir().unwrap();
        let (split, set) = real_set(d.path());
        let dir = d.path().join("real-train");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("labels.csv"), "file,label\nold.fits,1\n").unwrap();
        real_split(&split, &set, "train", &dir).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("labels.csv")).unwrap(),
            "file,label\nold.fits,1\n"
        );
        assert!(!dir.join("1.fits").exists());

        fs::remove_file(set.join("4.fits")).unwrap();
        let val = d.path().join("real-validation");
        let err = real_split(&split, &set, "validation", &val).unwrap_err();
        assert!(err.to_string().contains("4.fits: no such file"), "{err}");
        assert!(!val.join("labels.csv").exists());
    }
}
