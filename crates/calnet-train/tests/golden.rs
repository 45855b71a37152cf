//! Cross-checks against the real libraries: metrics against numpy (scikit-learn's tie rule),
//! Adam/AMSGrad against torch.optim.Adam, the catalog reader against astropy.
//! Goldens: `scripts/golden/train_golden.py`; astropy runs from the project's .venv at test time.

use std::collections::HashMap;

use calnet_test_support::repo_root as root;
use calnet_train::{Adam, FixedWidthTable, Metrics};
use tch::{nn, Device, Kind, Tensor};

#[test]
fn metrics_match_numpy() {
    let text = std::fs::read_to_string(root().join("fixtures/golden/calnet-train/metrics.json"))
        .expect("run scripts/golden/train_golden.py");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 5);
    for (k, case) in cases.iter().enumerate() {
        let scores: Vec<f32> = serde_json::from_value(case["scores"].clone()).unwrap();
        let labels: Vec<u8> = serde_json::from_value(case["labels"].clone()).unwrap();
        let e = &case["expected"];
        let m = Metrics::from_scores(&scores, &labels, None);
        let c = m.confusion;
        assert_eq!(
            [c.tp, c.fp, c.tn, c.fn_],
            ["tp", "fp", "tn", "fn"].map(|s| e[s].as_u64().unwrap()),
            "case {k}"
        );
        for (name, got) in [
            ("accuracy", m.accuracy),
            ("precision", m.precision),
            ("recall", m.recall),
            ("f1", m.f1),
        ] {
            let want = e[name].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "case {k} {name}: {got} vs {want}"
            );
        }
        match (m.roc_auc, e["roc_auc"].as_f64()) {
            (Some(got), Some(want)) => {
                assert!((got - want).abs() < 1e-12, "case {k} auc: {got} vs {want}")
            }
            (None, None) => {}
            other => panic!("case {k}: auc {other:?}"),
        }
    }
}

#[test]
fn adam_amsgrad_matches_torch() {
    tch::set_num_threads(1);
    let golden: HashMap<String, Tensor> =
        Tensor::read_safetensors(root().join("fixtures/golden/calnet-train/adam.safetensors"))
            .expect("run scripts/golden/train_golden.py")
            .into_iter()
            .collect();
    let vs = nn::VarStore::new(Device::Cpu);
    let mut a = vs.root().zeros("a", &[3, 4]);
    let mut b = vs.root().zeros("b", &[5]);
    tch::no_grad(|| {
        a.copy_(&golden["init.a"]);
        b.copy_(&golden["init.b"]);
    });
    let mut opt = Adam::new(&vs, 1e-2, true);
    let mut worst = 0.0f64;
    for step in 0..6 {
        opt.zero_grad();
        // d/dp sum(p * g) = g: hands the optimizer exactly the recorded gradients.
        let loss = (&a * &golden[&format!("grad{step}.a")]).sum(Kind::Float)
            + (&b * &golden[&format!("grad{step}.b")]).sum(Kind::Float);
        loss.backward();
        opt.step();
        for (p, key) in [(&a, "a"), (&b, "b")] {
            let want = &golden[&format!("after{step}.{key}")];
            let d = (p - want).abs().max().double_value(&[]);
            worst = worst.max(d);
        }
    }
    // Same operations in the same order: agreement to float32 rounding.
    assert!(worst < 1e-7, "max |difference| from torch {worst}");
}

#[test]
fn catalog_reader_matches_astropy() {
    let python = calnet_test_support::python();
    let path = root().join("fixtures/catalogs/training_samples.dat");
    let script = r#"
import json, sys
from astropy.io import ascii
t = ascii.read(sys.argv[1], format="fixed_width_two_line")
out = {"columns": t.colnames,
       "tic": [int(x) for x in t["TIC"]],
       "varname": ["" if getattr(x, "mask", False) or str(x) == "--" else str(x) for x in t["varname"]],
       "class": [str(x) for x in t["class"]]}
print(json.dumps(out))
"#;
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cat = FixedWidthTable::read(&path).unwrap();
    let cols: Vec<String> = serde_json::from_value(want["columns"].clone()).unwrap();
    assert_eq!(cat.columns, cols);
    let tics: Vec<u64> = serde_json::from_value(want["tic"].clone()).unwrap();
    assert_eq!(cat.tics(&path).unwrap(), tics);
    assert_eq!(
        tics.len(),
        4225,
        "the catalog lists CALNet's 4,225 training EBs"
    );
    let varname: Vec<String> = serde_json::from_value(want["varname"].clone()).unwrap();
    assert_eq!(cat.column("varname").unwrap(), varname);
    let class: Vec<String> = serde_json::from_value(want["class"].clone()).unwrap();
    assert_eq!(cat.column("class").unwrap(), class);
}
