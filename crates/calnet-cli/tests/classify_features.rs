//! `calnet classify --features`: the binary on reference-layout CSVs, against PyTorch's softmax
//! for the same inputs and weights (scripts/golden/model_reference.py, run at test time).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use calnet_test_support::{python_ok, repo_root};

use calnet_model::tch::Tensor;

mod common;
use common::{calnet, CPU_ONE_THREAD};

/// Weights and inputs from PyTorch: (folder, model.pth, expected tensors).
fn reference(dir: &Path, batch: usize) -> HashMap<String, Tensor> {
    let script = repo_root().join("scripts/golden/model_reference.py");
    python_ok([
        script.as_os_str(),
        "make".as_ref(),
        dir.as_os_str(),
        "--batch".as_ref(),
        batch.to_string().as_ref(),
    ]);
    Tensor::read_safetensors(dir.join("expected.safetensors"))
        .unwrap()
        .into_iter()
        .collect()
}

fn rows(t: &Tensor, names: &[&str]) -> String {
    let n = t.size()[0];
    let mut s = String::new();
    for (i, name) in names.iter().enumerate().take(n as usize) {
        let v = Vec::<f32>::try_from(t.get(i as i64).flatten(0, -1)).unwrap();
        s.push_str(name);
        for x in v {
            // Shortest text that reads back to the same f32.
            write!(s, ",{x}").unwrap();
        }
        s.push('\n');
    }
    s
}

fn classify(features: &Path, weights: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "classify",
        "--features",
        features.to_str().unwrap(),
        "--weights",
        weights.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(&CPU_ONE_THREAD);
    args.extend_from_slice(extra);
    calnet(&args)
}

#[test]
fn segments_csv_matches_pytorch() {
    let dir = tempfile::tempdir().unwrap();
    let exp = reference(dir.path(), 5);
    let names = ["a.fits", "a.fits", "b,with comma.fits", "a.fits", "c.fits"];
    let feat = dir.path().join("features");
    std::fs::create_dir_all(&feat).unwrap();
    std::fs::write(
        feat.join("lc.csv"),
        rows(&exp["x1"], &names).replace("b,with comma.fits", "\"b,with comma.fits\""),
    )
    .unwrap();
    std::fs::write(
        feat.join("gls.csv"),
        rows(&exp["x2"], &names).replace("b,with comma.fits", "\"b,with comma.fits\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    // Batch 2: rows cross batch boundaries.
    let o = classify(
        &feat,
        &dir.path().join("model.pth"),
        &out,
        &["--batch", "2", "--threshold", "0.23"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let text = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    // The one segments.csv layout; the feature files hold no TIC, sector or times.
    assert_eq!(
        r.headers().unwrap(),
        lc_prep::output::SEGMENT_COLUMNS.to_vec()
    );
    let want = Vec::<f32>::try_from(exp["prob"].select(1, 1)).unwrap();
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 5);
    let segments = ["0", "1", "0", "0", "0"];
    for (i, rec) in recs.iter().enumerate() {
        assert_eq!(&rec[0], names[i]);
        assert_eq!(&rec[3], segments[i], "row {i}");
        assert!(
            (1..=6).filter(|&c| c != 3).all(|c| rec[c].is_empty()),
            "{rec:?}"
        );
        let p: f32 = rec[7].parse().unwrap();
        assert!(
            (p - want[i]).abs() <= 1e-5,
            "row {i}: {p} vs PyTorch {}",
            want[i]
        );
        assert_eq!(&rec[8], if p > 0.23 { "1" } else { "0" });
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp-")), "{names:?}");
}

/// Runs classify on two hand-made CSVs and returns (status, stderr).
fn bad_input(weights: &Path, lc: &str, gls: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lc.csv"), lc).unwrap();
    std::fs::write(dir.path().join("gls.csv"), gls).unwrap();
    let o = classify(dir.path(), weights, &dir.path().join("out"), &[]);
    assert!(
        !dir.path().join("out/segments.csv").exists(),
        "no complete-looking output after an error"
    );
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn row(name: &str, n: usize, v: &str) -> String {
    format!("{name}{}\n", format!(",{v}").repeat(n))
}

#[test]
fn bad_feature_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let _ = reference(dir.path(), 1);
    let w = dir.path().join("model.pth");
    let (lc2, gls2) = (
        row("a", 4000, "0.5") + &row("b", 4000, "0.5"),
        row("a", 1000, "0.1") + &row("b", 1000, "0.1"),
    );

    // Row counts differ.
    let (code, err) = bad_input(&w, &lc2, &row("a", 1000, "0.1"));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("gls.csv: line 1: ends after 1 rows") && err.contains("(line 2)"),
        "{err}"
    );
    // Names differ.
    let (code, err) = bad_input(&w, &lc2, &(row("a", 1000, "0.1") + &row("c", 1000, "0.1")));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("lc.csv: line 2: row `b`") && err.contains("`c`"),
        "{err}"
    );
    // Wrong number of values.
    let (code, err) = bad_input(&w, &(row("a", 4000, "0.5") + &row("b", 3999, "0.5")), &gls2);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("lc.csv: line 2: 3999 values, expected a name and 4000"),
        "{err}"
    );
    // Not a number.
    let bad = row("a", 1000, "0.1") + "b,0.1,zero" + &",0.1".repeat(998) + "\n";
    let (code, err) = bad_input(&w, &lc2, &bad);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("gls.csv: line 2: field 3 `zero` is not a number"),
        "{err}"
    );
    // Missing file.
    let only_lc = tempfile::tempdir().unwrap();
    std::fs::write(only_lc.path().join("lc.csv"), &lc2).unwrap();
    let o = classify(only_lc.path(), &w, &only_lc.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("gls.csv: cannot open"));
    let _ = gls2;
}

/// A row with a NaN (or infinite) input is a failure in failures.csv with exit 1, never a
/// p_eb of NaN with exit 0; the other rows are classified.
#[test]
fn non_finite_rows_are_failures() {
    let dir = tempfile::tempdir().unwrap();
    let _ = reference(dir.path(), 1);
    let w = dir.path().join("model.pth");
    let lc = row("a", 4000, "0.5") + &row("b", 4000, "nan") + &row("c", 4000, "0.5");
    let gls = row("a", 1000, "0.1") + &row("b", 1000, "0.1") + &row("c", 1000, "inf");
    std::fs::write(dir.path().join("lc.csv"), lc).unwrap();
    std::fs::write(dir.path().join("gls.csv"), gls).unwrap();
    let out = dir.path().join("out");
    let o = classify(dir.path(), &w, &out, &["--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let files: Vec<&str> = segments.lines().skip(1).map(|l| &l[..1]).collect();
    assert_eq!(files, ["a"], "{segments}");
    // --json: stdout is one JSON object, the summary; the words went to stderr.
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["segments"], 1, "{summary}");
    assert_eq!(summary["failures"], 2, "{summary}");
    assert_eq!(summary["engine"], "native", "{summary}");
    assert_eq!(
        summary["outputs"]["failures"],
        out.join("failures.csv").to_str().unwrap()
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("2 rows could not be classified"));
    assert!(!segments.contains("NaN"), "{segments}");
    let failures = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    assert!(failures.starts_with("file,segment,reason\n"), "{failures}");
    assert!(
        failures.contains("b,0,lc.csv line 2: value 1 is not finite"),
        "{failures}"
    );
    assert!(
        failures.contains("c,0,gls.csv line 3: value 1 is not finite"),
        "{failures}"
    );
}

#[test]
fn bad_weights_and_device_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lc.csv"), row("a", 4000, "0.5")).unwrap();
    std::fs::write(dir.path().join("gls.csv"), row("a", 1000, "0.5")).unwrap();
    std::fs::write(dir.path().join("w.pth"), "not weights").unwrap();
    let o = classify(
        dir.path(),
        &dir.path().join("w.pth"),
        &dir.path().join("out"),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("w.pth: not a weights file"));
    let o = calnet([
        "classify",
        "--features",
        "x",
        "--weights",
        "w",
        "--out",
        "o",
        "--device",
        "gpu",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected auto, cpu, cuda or cuda:N"));
}
