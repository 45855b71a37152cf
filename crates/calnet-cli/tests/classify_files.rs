//! `calnet classify INPUT...` and `calnet merge` as a user runs them: the real binary on the
//! real light curves of `fixtures/lc`, with random weights (the outputs' bytes, not the
//! network's skill, are under test here).
//!
//! - a broken file never stops the run;
//! - a run killed with SIGKILL at several moments and restarted with the same command ends with
//!   outputs byte-identical to an uninterrupted run;
//! - shards joined by `calnet merge` are byte-identical to one run;
//! - a folder holding another run, or an incomplete set of shards, is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use calnet_test_weights::random_weights;

mod common;
use common::calnet;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lc");

/// The options every run of a test shares. Random weights give p_eb near 0.2, so a threshold
/// there makes some segments candidates (sheets, catalog rows) and others not.
fn classify_args(inputs: &[&Path], weights: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["classify".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    for a in [
        "--weights",
        weights.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--device",
        "cpu",
        "--threads",
        "2",
        "--batch",
        "4",
        "--threshold",
        "0.22",
        "--plots",
        "all",
    ] {
        args.push(a.into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Every output file of a run folder (the journal, whose line order follows completion, aside)
/// with its bytes.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for name in calnet::catalog::OUTPUT_FILES {
        files.insert(name.to_string(), std::fs::read(dir.join(name)).unwrap());
    }
    let sheets = dir.join(calnet::pipeline::SHEETS);
    if sheets.exists() {
        for e in std::fs::read_dir(&sheets).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().to_string();
            assert!(!name.starts_with(".tmp"), "temporary file left: {name}");
            files.insert(format!("sheets/{name}"), std::fs::read(e.path()).unwrap());
        }
    }
    files
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<_> = a.keys().collect();
    let names_b: Vec<_> = b.keys().collect();
    assert_eq!(names_a, names_b);
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{name} differs");
    }
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn journal_records(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .map(|t| t.lines().count().saturating_sub(1))
        .unwrap_or(0)
}

#[test]
fn killed_and_restarted_runs_end_identical_to_a_clean_run() {
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let inputs = [Path::new(FIXTURES)];
    let clean = tmp.path().join("clean");
    let o = calnet(classify_args(&inputs, &w, &clean, &[]));
    assert!(o.status.success(), "{}", text(&o));
    let reference = outputs(&clean);
    assert!(reference.keys().any(|k| k.starts_with("sheets/")));
    let catalog = String::from_utf8(reference["catalog.csv"].clone()).unwrap();
    assert!(catalog.lines().count() > 1, "no candidate: {catalog}");

    // Kill the real binary with SIGKILL after 0, 1, 3 and 5 journalled files (and once right
    // at the start), restarting it each time with the same command.
    let resumed = tmp.path().join("resumed");
    let args = classify_args(&inputs, &w, &resumed, &[]);
    let mut kills = 0;
    for after in [usize::MAX, 0, 1, 3, 5] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_calnet"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the run ended ({status}) before the kill after {after} files");
            }
            let ready = match after {
                usize::MAX => t0.elapsed() > Duration::from_millis(30),
                n => journal_records(&resumed) > n,
            };
            if ready {
                child.kill().unwrap(); // SIGKILL on Unix
                child.wait().unwrap();
                kills += 1;
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(300), "stuck");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    assert_eq!(kills, 5);
    assert!(journal_records(&resumed) < 9, "the kills came too late");
    let o = calnet(&args);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("(0 resumed)"), "{stdout}");
    assert_same(&reference, &outputs(&resumed));

    // A finished run started again changes nothing.
    let o = calnet(&args);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("9 files (9 resumed)"));
    assert_same(&reference, &outputs(&resumed));

    // Other settings into the same folder are refused, naming what differs.
    let other: Vec<String> = args
        .iter()
        .map(|a| {
            if a == "0.22" {
                "0.3".to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let o = calnet(&other);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("threshold"),
        "{}",
        text(&o)
    );
}

#[test]
fn shards_merge_into_exactly_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let inputs = [Path::new(FIXTURES)];
    let single = tmp.path().join("single");
    let o = calnet(classify_args(&inputs, &w, &single, &[]));
    assert!(o.status.success(), "{}", text(&o));

    let parts: Vec<PathBuf> = (1..=3)
        .map(|k| tmp.path().join(format!("part{k}")))
        .collect();
    // Each shard with another batch size and thread count: the native engine's p_eb depends
    // on neither, so the parts still merge into the single run's bytes.
    let knobs = [("3", "1"), ("5", "3"), ("64", "1")];
    for (k, dir) in parts.iter().enumerate() {
        let shard = format!("{}/3", k + 1);
        let mut args = classify_args(&inputs, &w, dir, &["--shard", &shard]);
        let (batch, threads) = knobs[k];
        for (flag, value) in [("--batch", batch), ("--threads", threads)] {
            let at = args.iter().position(|a| a == flag).unwrap();
            args[at + 1] = value.to_string();
        }
        let o = calnet(args);
        assert!(o.status.success(), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("(shard {shard})")));
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(parts.iter().rev().map(|p| p.display().to_string()));
    args.extend(["--out".to_string(), merged.display().to_string()]);
    let o = calnet(&args);
    assert!(o.status.success(), "{}", text(&o));
    assert_same(&outputs(&single), &outputs(&merged));

    // The merged folder is a finished run: classify into it resumes everything.
    let o = calnet(classify_args(&inputs, &w, &merged, &[]));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("9 files (9 resumed)"),
        "{}",
        text(&o)
    );

    // A missing shard is refused with its name.
    let args = vec![
        "merge".to_string(),
        parts[0].display().to_string(),
        parts[2].display().to_string(),
        "--out".into(),
        tmp.path().join("bad").display().to_string(),
    ];
    let o = calnet(&args);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("shards missing: 2/3"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_broken_file_never_stops_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let good = "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits";
    std::fs::copy(Path::new(FIXTURES).join(good), data.join(good)).unwrap();
    std::fs::write(data.join("a_not_fits.fits"), b"this is not a FITS file").unwrap();
    // A real file cut in half: the header reads, the table does not.
    let bytes = std::fs::read(Path::new(FIXTURES).join(good)).unwrap();
    std::fs::write(data.join("b_truncated.fits"), &bytes[..bytes.len() / 2]).unwrap();
    let out = tmp.path().join("out");
    let o = calnet(classify_args(&[&data], &w, &out, &["--json"]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("a_not_fits.fits: "), "{stderr}");
    assert!(stderr.contains("b_truncated.fits: "), "{stderr}");
    let failures = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    assert_eq!(failures.lines().count(), 3, "{failures}");
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    assert_eq!(
        segments.lines().filter(|l| l.contains(good)).count(),
        2,
        "{segments}"
    );
    // --json: stdout holds the summary as one JSON object and nothing else; the summary's
    // words and the failures went to stderr.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["files"], 3, "{summary}");
    assert_eq!(summary["failures"], 2, "{summary}");
    assert_eq!(summary["segments"], 2, "{summary}");
    assert_eq!(summary["threshold"], 0.22, "{summary}");
    assert_eq!(summary["shard"], serde_json::Value::Null, "{summary}");
    assert_eq!(
        summary["outputs"]["segments"],
        out.join("segments.csv").to_str().unwrap()
    );
    assert!(stderr.contains("2 failures"), "{stderr}");
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let inputs = [Path::new(FIXTURES)];
    let runs: Vec<BTreeMap<String, Vec<u8>>> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = tmp.path().join(format!("threads{threads}"));
            let args: Vec<String> = classify_args(&inputs, &w, &out, &[])
                .into_iter()
                .map(|a| if a == "2" { threads.to_string() } else { a })
                .collect();
            let o = calnet(&args);
            assert!(o.status.success(), "{}", text(&o));
            outputs(&out)
        })
        .collect();
    assert_same(&runs[0], &runs[1]);
}
