//! Shared by the integration tests: runs `scripts/model_reference.py` (real PyTorch) into a
//! temporary folder.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calnet_model::tch::{self, Tensor};

pub const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
pub const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scripts/model_reference.py"
);

pub fn python() -> &'static str {
    assert!(
        Path::new(PYTHON).exists(),
        "{PYTHON} is missing: run `make setup` (scripts/setup.sh) to create the project's venv"
    );
    PYTHON
}

pub fn run_python(args: &[&str]) {
    let out = Command::new(python())
        .arg(SCRIPT)
        .args(args)
        .output()
        .expect("running python");
    assert!(
        out.status.success(),
        "model_reference.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A weights file written by PyTorch and what PyTorch computed with it.
pub struct Reference {
    pub dir: tempfile::TempDir,
    pub pth: PathBuf,
    pub expected: HashMap<String, Tensor>,
}

pub fn make(variant: &str, batch: usize) -> Reference {
    tch::set_num_threads(1);
    let dir = tempfile::tempdir().unwrap();
    let b = batch.to_string();
    run_python(&[
        "make",
        dir.path().to_str().unwrap(),
        "--variant",
        variant,
        "--batch",
        &b,
    ]);
    let pth = dir.path().join("model.pth");
    let expected = Tensor::read_safetensors(dir.path().join("expected.safetensors"))
        .unwrap()
        .into_iter()
        .collect();
    Reference { dir, pth, expected }
}

/// Largest absolute difference.
pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}
