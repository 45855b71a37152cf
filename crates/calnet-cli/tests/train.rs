//! `calnet train` and `calnet evaluate` end to end on a small simulated set: outputs written,
//! a learning-rate schedule recorded, resume refused on other data, bad inputs reported with
//! counts and exit code 1, a one-class set or an unknown schedule refused with exit code 2.

use std::path::Path;
use std::process::Output;

mod common;
use common::{calnet, CPU_ONE_THREAD};

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn simulate_train_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = |p: &str| d.join(p).to_str().unwrap().to_string();
    // `calnet train` on the simulated folder with a labels file into an output folder: one
    // quick epoch on the CPU, then `extra`.
    let train = |labels: &str, out: &str, extra: &[&str]| {
        let (sim, labels, out) = (s("sim"), s(labels), s(out));
        let mut args = vec![
            "train", "--data", &sim, "--labels", &labels, "--out", &out, "--epochs", "1",
            "--batch", "4",
        ];
        args.extend_from_slice(&CPU_ONE_THREAD);
        args.extend_from_slice(extra);
        calnet(&args)
    };
    let o = calnet(["simulate", "--n", "16", "--seed", "5", "--out", &s("sim")]);
    assert!(o.status.success(), "{}", text(&o));

    let o = train(
        "sim/labels.csv",
        "run",
        &[
            "--lr-schedule",
            "cosine",
            "--label-smoothing",
            "0.1",
            "--swa",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let metrics = std::fs::read_to_string(d.join("run/metrics.json")).unwrap();
    assert!(metrics.contains("\"lr_schedule\": \"cosine\""), "{metrics}");
    assert!(metrics.contains("\"label_smoothing\": 0.1"), "{metrics}");
    assert!(metrics.contains("\"swa\": {"), "{metrics}");
    assert!(text(&o).contains("mean of epochs 1-1"), "{}", text(&o));
    for f in [
        "metrics.json",
        "metrics.csv",
        "curves.png",
        "confusion.png",
        "split.csv",
        "best.safetensors",
        "last.safetensors",
        "swa.safetensors",
    ] {
        assert!(d.join("run").join(f).exists(), "{f} missing:\n{}", text(&o));
    }
    let log = text(&o);
    assert!(log.contains("16 files found"), "{log}");

    // Broken inputs: a file that is not FITS, a label that matches nothing.
    std::fs::write(d.join("sim/broken.fits"), b"not a FITS file").unwrap();
    let mut labels = std::fs::read_to_string(d.join("sim/labels.csv")).unwrap();
    let row = labels.lines().nth(1).unwrap().to_string();
    let rest = row.split_once(',').unwrap().1;
    labels.push_str(&format!("gone.fits,{rest}\nbroken.fits,{rest}\n"));
    std::fs::write(d.join("labels2.csv"), labels).unwrap();
    let (weights, sim, labels, eval) = (
        s("run/best.safetensors"),
        s("sim"),
        s("labels2.csv"),
        s("eval"),
    );
    let evaluate = [
        "evaluate",
        "--weights",
        &weights,
        "--data",
        &sim,
        "--labels",
        &labels,
        "--out",
        &eval,
    ];
    let o = calnet(evaluate.iter().chain(&CPU_ONE_THREAD));
    let log = text(&o);
    assert_eq!(o.status.code(), Some(1), "{log}");
    assert!(log.contains("broken.fits:"), "{log}");
    assert!(log.contains("1 label rows matched no input file"), "{log}");
    assert!(log.contains("1 files could not be read"), "{log}");
    assert!(log.contains("segments:") && log.contains("files:"), "{log}");
    // The simulator's labels have a `class` column: each class's line counts its rows of
    // files.csv and how many of them are called EB.
    let files = std::fs::read_to_string(d.join("eval/files.csv")).unwrap();
    assert!(files.starts_with("file,tic,label,segments,max_p_eb,predicted,class\n"));
    let mut per_class = std::collections::BTreeMap::<(String, String), (usize, usize)>::new();
    for row in files.lines().skip(1) {
        let cols: Vec<&str> = row.split(',').collect();
        let c = per_class
            .entry((cols[6].to_string(), cols[2].to_string()))
            .or_default();
        c.0 += 1;
        c.1 += usize::from(cols[5] == "1");
    }
    assert!(per_class.len() >= 2, "{files}");
    for ((class, label), (n, flagged)) in &per_class {
        let want = format!("{class} (label {label}): {flagged} of {n} (");
        assert!(log.contains(&want), "{want} not in {log}");
    }
    for f in [
        "evaluation.json",
        "segments.csv",
        "files.csv",
        "confusion.png",
    ] {
        assert!(d.join("eval").join(f).exists(), "{f} missing");
    }
    let json = std::fs::read_to_string(d.join("eval/evaluation.json")).unwrap();
    assert!(json.contains("\"recall_at_precision_98\""), "{json}");
    assert!(log.contains("best recall at precision >= 0.98"), "{log}");
    // At threshold 0 every file with a segment is called EB.
    let low = s("eval-low");
    let o = calnet(
        evaluate[..7]
            .iter()
            .chain(&["--out", &low, "--threshold", "0"])
            .chain(&CPU_ONE_THREAD),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let files = std::fs::read_to_string(d.join("eval-low/files.csv")).unwrap();
    assert!(
        files
            .lines()
            .skip(1)
            .all(|r| r.split(',').nth(5) == Some("1")),
        "{files}"
    );
    let o = calnet(evaluate.iter().chain(&["--threshold", "1.5"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // Segments are numbered as `calnet classify` numbers them (skipped ones count), and get
    // the same p(EB) from the same weights.
    let (classified, weights) = (s("classified"), s("run/best.safetensors"));
    let args = [
        "classify",
        &sim,
        "--weights",
        &weights,
        "--out",
        &classified,
        "--plots",
        "none",
    ];
    let o = calnet(args.iter().chain(&CPU_ONE_THREAD));
    assert_eq!(o.status.code(), Some(1), "broken.fits fails: {}", text(&o));
    // classify and evaluate write one segments.csv layout (evaluate adds the label after it).
    let p_eb = |path: &str| -> Vec<(String, String, f64)> {
        let text = std::fs::read_to_string(d.join(path)).unwrap();
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with(&lc_prep::output::SEGMENT_COLUMNS.join(",")),
            "{path}: {header}"
        );
        let mut rows: Vec<(String, String, f64)> = text
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                let name = Path::new(f[0]).file_name().unwrap().to_string_lossy();
                (name.into_owned(), f[3].to_string(), f[7].parse().unwrap())
            })
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    };
    let (evaluated, classified) = (p_eb("eval/segments.csv"), p_eb("classified/segments.csv"));
    assert_eq!(evaluated.len(), classified.len());
    for (e, c) in evaluated.iter().zip(&classified) {
        assert_eq!((&e.0, &e.1), (&c.0, &c.1));
        assert!((e.2 - c.2).abs() < 1e-5, "{e:?} against {c:?}");
    }

    // The same segments as reference-layout feature CSVs (every segment's row named by its
    // file) give the same p(EB), segment for segment: rows pair by position, not by name.
    let o = calnet(["features", "--out", &s("feat"), &sim]);
    assert_eq!(o.status.code(), Some(1), "broken.fits fails: {}", text(&o));
    let broken = d.join("sim/broken.fits").display().to_string();
    assert_eq!(text(&o).matches(&broken).count(), 1, "{}", text(&o));
    let (feat, all_labels, eval_csv) = (s("feat"), s("sim/labels.csv"), s("eval-csv"));
    let args = [
        "evaluate",
        "--weights",
        &weights,
        "--features",
        &feat,
        "--labels",
        &all_labels,
        "--out",
        &eval_csv,
    ];
    let o = calnet(args.iter().chain(&CPU_ONE_THREAD));
    assert!(o.status.success(), "{}", text(&o));
    let by_file = |rows: Vec<(String, String, f64)>| {
        let mut files: std::collections::BTreeMap<String, Vec<(usize, f64)>> = Default::default();
        for (name, segment, p) in rows {
            files
                .entry(name)
                .or_default()
                .push((segment.parse().unwrap(), p));
        }
        files
            .into_iter()
            .map(|(name, mut v)| {
                v.sort_by_key(|&(k, _)| k);
                (name, v.into_iter().map(|(_, p)| p).collect::<Vec<f64>>())
            })
            .collect::<Vec<_>>()
    };
    let (from_fits, from_csv) = (by_file(evaluated), by_file(p_eb("eval-csv/segments.csv")));
    assert_eq!(from_fits.len(), from_csv.len());
    for ((f1, p1), (f2, p2)) in from_fits.iter().zip(&from_csv) {
        assert_eq!((f1, p1.len()), (f2, p2.len()));
        for (a, b) in p1.iter().zip(p2) {
            assert!(
                (a - b).abs() < 1e-5,
                "{f1}: {p1:?} from FITS, {p2:?} from CSV"
            );
        }
    }

    // One class only: refused with a clear message and exit code 2.
    let first = std::fs::read_to_string(d.join("sim/labels.csv")).unwrap();
    let one: String = first
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(3) == Some("1"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(d.join("eb-only.csv"), one).unwrap();
    let o = train("eb-only.csv", "run1", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("training needs EBs"), "{}", text(&o));
    let o = train("sim/labels.csv", "run2", &["--lr-schedule", "step"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("expected constant or cosine"),
        "{}",
        text(&o)
    );
    assert!(Path::new(&s("run1")).exists());
}
