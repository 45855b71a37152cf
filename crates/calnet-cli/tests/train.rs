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

    let o = train("sim/labels.csv", "run", &["--lr-schedule", "cosine"]);
    assert!(o.status.success(), "{}", text(&o));
    let metrics = std::fs::read_to_string(d.join("run/metrics.json")).unwrap();
    assert!(metrics.contains("\"lr_schedule\": \"cosine\""), "{metrics}");
    for f in [
        "metrics.json",
        "metrics.csv",
        "curves.png",
        "confusion.png",
        "split.csv",
        "best.safetensors",
        "last.safetensors",
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
    for f in [
        "evaluation.json",
        "segments.csv",
        "files.csv",
        "confusion.png",
    ] {
        assert!(d.join("eval").join(f).exists(), "{f} missing");
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
