//! `calnet features` run as a real binary on the fixtures: the reference-csv rows equal the
//! reference pipeline's golden inputs (`scripts/golden/prep_golden.py`), the order does not
//! depend on `--threads`, a broken file is reported and the rest completes, `npy` holds the same
//! values, and Python reads the CSV values back to the same float32.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

use calnet_test_support::{python_ok, repo_root};

mod common;

fn calnet(args: &[&str], out: &Path) -> Output {
    let mut all: Vec<&OsStr> = vec!["features".as_ref()];
    all.extend(args.iter().map(OsStr::new));
    all.extend([OsStr::new("--out"), out.as_os_str()]);
    common::calnet(all)
}

fn fixture(name: &str) -> String {
    repo_root()
        .join("fixtures/lc")
        .join(name)
        .display()
        .to_string()
}

/// Rows of a reference-csv file: (file name, values).
fn rows(path: &Path) -> Vec<(String, Vec<f32>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut it = l.split(',');
            let name = it.next().unwrap().to_string();
            (name, it.map(|v| v.parse::<f32>().unwrap()).collect())
        })
        .collect()
}

fn golden_f32(case: &str, name: &str) -> Vec<f32> {
    let p = repo_root()
        .join("fixtures/golden/lc-prep")
        .join(case)
        .join(name);
    std::fs::read(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

const CW_ERI_S4: &str = "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits";
const CM_DRA: &str = "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits";

#[test]
fn reference_csv_rows_equal_the_reference_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let out = calnet(
        &[&fixture(CW_ERI_S4), &fixture(CM_DRA), "--threads", "2"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lc = rows(&dir.path().join("lc.csv"));
    let gls = rows(&dir.path().join("gls.csv"));
    let segments = std::fs::read_to_string(dir.path().join("segments.csv")).unwrap();
    let seg_lines: Vec<&str> = segments.lines().skip(1).collect();
    assert_eq!(
        segments.lines().next().unwrap(),
        "file,tic,sector,segment,t_start,t_end,n_points"
    );
    assert_eq!(lc.len(), seg_lines.len());
    assert_eq!(gls.len(), seg_lines.len());
    // Golden segments of these two files, in the golden's (time) order.
    let golden: Vec<String> =
        std::fs::read_to_string(repo_root().join("fixtures/golden/lc-prep/cases.txt"))
            .unwrap()
            .lines()
            .filter(|l| {
                l.starts_with("segment ") && (l.ends_with(CW_ERI_S4) || l.ends_with(CM_DRA))
            })
            .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
            .collect();
    assert_eq!(golden.len(), lc.len(), "one row per kept segment");
    for (k, case) in golden.iter().enumerate() {
        let file = if case.starts_with("tess2018292075959") {
            CW_ERI_S4
        } else {
            CM_DRA
        };
        assert_eq!(lc[k].0, file);
        assert!(seg_lines[k].starts_with(file), "{}", seg_lines[k]);
        let seg_index = case.rsplit("_seg").next().unwrap();
        assert_eq!(seg_lines[k].split(',').nth(3).unwrap(), seg_index);
        for (what, got, want) in [
            ("lc", &lc[k].1, golden_f32(case, "lc.f32")),
            ("gls", &gls[k].1, golden_f32(case, "gls.f32")),
        ] {
            let worst = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert_eq!(got.len(), want.len(), "{case} {what}");
            assert!(worst <= 1e-6, "{case} {what}: max difference {worst:e}");
        }
    }
}

#[test]
fn output_is_the_same_whatever_the_thread_count_and_broken_files_do_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.fits");
    std::fs::write(&broken, b"not a FITS file").unwrap();
    let lc_dir = repo_root().join("fixtures/lc").display().to_string();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let a = calnet(&[broken.to_str().unwrap(), &lc_dir, "--threads", "1"], &one);
    let b = calnet(&[broken.to_str().unwrap(), &lc_dir, "--threads", "2"], &two);
    for out in [&a, &b] {
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("broken.fits: "), "{stderr}");
    }
    for name in [
        "lc.csv",
        "gls.csv",
        "segments.csv",
        "skipped.csv",
        "failures.csv",
    ] {
        let x = std::fs::read(one.join(name)).unwrap();
        let y = std::fs::read(two.join(name)).unwrap();
        assert!(x == y, "{name} differs between --threads 1 and --threads 2");
    }
    let failures = std::fs::read_to_string(one.join("failures.csv")).unwrap();
    assert_eq!(failures.lines().count(), 2, "{failures}");
    assert!(failures.lines().nth(1).unwrap().contains("broken.fits"));
    // Every good fixture still gave its rows, and no value is NaN or outside [0, 1].
    let lc = rows(&one.join("lc.csv"));
    assert!(lc.len() >= 12, "{} rows", lc.len());
    for (name, values) in &lc {
        assert_eq!(values.len(), 4000, "{name}");
        assert!(values.iter().all(|v| (0.0..=1.0).contains(v)), "{name}");
    }
    // Rows come in input order: file names sorted as the folder listing is.
    let names: Vec<&String> = lc.iter().map(|(n, _)| n).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let skipped = std::fs::read_to_string(one.join("skipped.csv")).unwrap();
    assert!(skipped.contains("fewer than the minimum 2000"), "{skipped}");
}

#[test]
fn npy_holds_the_csv_values_and_python_reads_the_csv_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let csv_dir = dir.path().join("csv");
    let npy_dir = dir.path().join("npy");
    let input = fixture(CM_DRA);
    assert!(calnet(&[&input], &csv_dir).status.success());
    assert!(calnet(&[&input, "--format", "npy"], &npy_dir)
        .status
        .success());
    // numpy reads the .npy files, and Python's float() reads every CSV value back to the
    // float32 that the .npy holds.
    let script = r#"
import sys, numpy as np
d = sys.argv[1]
for name in ("lc", "gls"):
    m = np.load(f"{d}/npy/{name}.npy")
    rows = [l.rstrip("\n").split(",") for l in open(f"{d}/csv/{name}.csv")]
    c = np.array([[np.float32(float(v)) for v in r[1:]] for r in rows], dtype=np.float32)
    assert m.dtype == np.float32 and m.shape == c.shape, (m.shape, c.shape)
    assert (m.view(np.uint32) == c.view(np.uint32)).all(), name
    print(name, m.shape)
"#;
    let text = python_ok(["-c".as_ref(), script.as_ref(), dir.path().as_os_str()]);
    assert!(
        text.contains("lc (2, 4000)") && text.contains("gls (2, 1000)"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = calnet(&[&fixture(CM_DRA), "--mode", "fancy"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn robust_mode_and_quality_presets_run_and_differ_from_reference() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(CM_DRA);
    let reference = dir.path().join("reference");
    let robust = dir.path().join("robust");
    assert!(calnet(&[&input], &reference).status.success());
    let out = calnet(&[&input, "--mode", "robust", "--quality", "hard"], &robust);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = rows(&reference.join("lc.csv"));
    let b = rows(&robust.join("lc.csv"));
    assert_eq!(a.len(), b.len());
    for ((_, x), (_, y)) in a.iter().zip(&b) {
        assert!(y.iter().all(|v| (0.0..=1.0).contains(v)));
        assert_ne!(x, y, "robust mode gave the reference's values");
    }
}
