//! `calnet curate` as a real binary on a simulated 30-minute set: the CSV's columns, the
//! split by star, the same bytes whatever --threads, and a clear error for a bad table.

use std::process::Output;

mod common;
use common::calnet;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "calnet failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn curate_writes_the_split_and_the_check_of_every_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("sim");
    let d = data.to_str().unwrap();
    ok(&calnet([
        "simulate",
        "--n",
        "16",
        "--out",
        d,
        "--seed",
        "4",
        "--cadence",
        "1800",
    ]));
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("split-{threads}.csv"));
        let o = calnet([
            "curate",
            d,
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "7",
            "--threads",
            threads,
        ]);
        ok(&o);
        let counts = String::from_utf8(o.stdout).unwrap();
        assert!(
            counts.starts_with("label,class,split,kept,dropped\n"),
            "{counts}"
        );
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "the same bytes whatever --threads");

    let text = String::from_utf8(outputs.remove(0)).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("file,tic,label,class,split,signal_ok,z,specificity,reason")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 16);
    let truth = lc_sim::read_labels(&data.join("labels.csv")).unwrap();
    for (row, t) in rows.iter().zip(&truth) {
        assert_eq!(row[0], t.file);
        assert_eq!(row[1], t.tic.to_string());
        assert!(["train", "validation", "test"].contains(&row[4]), "{row:?}");
        if t.label == 1 {
            assert!(["0", "1"].contains(&row[5]), "{row:?}");
            assert!(!row[8].is_empty(), "a reason for every binary: {row:?}");
        } else {
            assert_eq!(row[5], "", "label 0 is not checked: {row:?}");
        }
    }
}

#[test]
fn a_bad_labels_table_is_refused_with_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let labels = tmp.path().join("labels.csv");
    std::fs::write(&labels, "file,label\na.fits,1\n").unwrap();
    let o = calnet([
        "curate",
        tmp.path().to_str().unwrap(),
        "--out",
        tmp.path().join("s.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("labels.csv") && err.contains("'tic'"),
        "names the file and the column: {err}"
    );
}
