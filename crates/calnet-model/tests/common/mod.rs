//! Shared by the integration tests: runs `scripts/golden/model_reference.py` (real PyTorch) into a
//! temporary folder and reads what it wrote.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calnet_model::NamedTensor;

pub const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
pub const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scripts/golden/model_reference.py"
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

/// The tensors of a safetensors file by name.
pub fn read_named(path: &Path) -> HashMap<String, NamedTensor> {
    let bytes = std::fs::read(path).unwrap();
    calnet_model::read_safetensors(&bytes, &path.display().to_string())
        .unwrap()
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect()
}

/// A weights file written by PyTorch and what PyTorch computed with it.
pub struct Reference {
    pub dir: tempfile::TempDir,
    pub pth: PathBuf,
    pub expected: HashMap<String, NamedTensor>,
}

impl Reference {
    /// The inputs `x1`, `x2` as the Classifier takes them.
    pub fn inputs(&self) -> (&[f32], &[f32]) {
        (&self.expected["x1"].values, &self.expected["x2"].values)
    }

    /// PyTorch's p(EB) per segment: column 1 of the softmax.
    pub fn p_eb(&self) -> Vec<f32> {
        self.expected["prob"]
            .values
            .chunks_exact(2)
            .map(|p| p[1])
            .collect()
    }
}

pub fn make(variant: &str, batch: usize) -> Reference {
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
    let expected = read_named(&dir.path().join("expected.safetensors"));
    Reference { dir, pth, expected }
}

/// Largest absolute difference.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
