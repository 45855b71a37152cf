//! `calnet::pipeline::classify` applies the feature config its weights record: robust-mode
//! weights classify robust-mode inputs without being told, a contradicting choice is refused
//! naming both values, and weights without a record (the published `.pth`, or safetensors
//! written before records existed) mean the reference config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calnet::pipeline::{self, ClassifyOptions, Error, Plots};
use calnet_model::{Classifier, ClassifierOptions, DeviceSpec};
use lc_prep::{FeatureChoice, FeatureConfig, FeatureExtractor, Mode};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

const CM_DRA: &str = "lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits";
/// The demo weights, whose tensors the tests write again with other records.
const DEMO_WEIGHTS: &str = "weights/calnet-sim.safetensors";

fn robust() -> FeatureConfig {
    FeatureConfig {
        mode: Mode::Robust,
        ..FeatureConfig::reference()
    }
}

/// The fixture's tensors again, with `record` in the metadata.
fn weights_with(record: &BTreeMap<String, String>, path: &Path) {
    let (_, tensors) = calnet_model::read_calnet(&fixture(DEMO_WEIGHTS)).unwrap();
    calnet_model::write_safetensors_with_metadata(&tensors, record, path).unwrap();
}

/// p_eb of each segment, computed directly: features with `config`, the native engine.
fn direct(weights: &Path, config: FeatureConfig) -> Vec<f32> {
    let lc = tess_io::read(fixture(CM_DRA)).unwrap();
    let features = FeatureExtractor::new(config).unwrap().extract(&lc).unwrap();
    let options = ClassifierOptions {
        device: DeviceSpec::Cpu,
        batch_size: 8,
        threads: Some(1),
    };
    let classifier = Classifier::load(weights, options).unwrap();
    let lc: Vec<f32> = features
        .segments
        .iter()
        .flat_map(|s| s.lc.clone())
        .collect();
    let gls: Vec<f32> = features
        .segments
        .iter()
        .flat_map(|s| s.gls.clone())
        .collect();
    classifier.predict(&lc, &gls).unwrap()
}

fn options(weights: &Path, out: &Path) -> ClassifyOptions {
    let mut o = ClassifyOptions::new(weights, out);
    o.device = DeviceSpec::Cpu;
    o.jobs = 1;
    o.plots = Plots::None;
    o
}

/// p_eb of segments.csv, in row order.
fn classified(out: &Path) -> Vec<f32> {
    let mut rows = csv::Reader::from_path(out.join("segments.csv")).unwrap();
    let col = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "p_eb")
        .unwrap();
    rows.records()
        .map(|r| r.unwrap()[col].parse().unwrap())
        .collect()
}

#[test]
fn robust_weights_classify_robust_inputs_without_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("robust.safetensors");
    weights_with(&robust().to_record(), &weights);

    let want = direct(&weights, robust());
    let reference = direct(&weights, FeatureConfig::reference());
    assert_eq!(want.len(), 2);
    assert_ne!(
        want, reference,
        "the two modes must give different p_eb here"
    );

    let out = dir.path().join("out");
    pipeline::classify(&[fixture(CM_DRA)], &options(&weights, &out), &mut |_| {}).unwrap();
    assert_eq!(classified(&out), want);
    let journal = std::fs::read_to_string(out.join("journal.jsonl")).unwrap();
    assert!(journal.contains("Robust"), "the run header names the mode");
}

#[test]
fn a_choice_that_contradicts_the_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("robust.safetensors");
    weights_with(&robust().to_record(), &weights);
    let mut o = options(&weights, &dir.path().join("out"));
    o.features = FeatureChoice {
        mode: Some(Mode::Reference),
        ..Default::default()
    };
    let err = pipeline::classify(&[fixture(CM_DRA)], &o, &mut |_| {}).unwrap_err();
    assert!(matches!(err, Error::WeightsFeatures { .. }), "{err:?}");
    let text = err.to_string();
    for part in ["robust.safetensors", "mode reference", "mode robust"] {
        assert!(text.contains(part), "{text}: should name {part:?}");
    }
    // The same choice agreeing with the record is accepted.
    o.features.mode = Some(Mode::Robust);
    pipeline::classify(&[fixture(CM_DRA)], &o, &mut |_| {}).unwrap();
}

#[test]
fn weights_without_a_record_mean_the_reference_config() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.safetensors");
    weights_with(&BTreeMap::new(), &old);
    let metadata = calnet_model::read_metadata(&old).unwrap();
    assert_eq!(FeatureConfig::from_record(&metadata).unwrap(), None);
    let out = dir.path().join("out");
    pipeline::classify(&[fixture(CM_DRA)], &options(&old, &out), &mut |_| {}).unwrap();
    assert_eq!(classified(&out), direct(&old, FeatureConfig::reference()));
    // Without a record a choice applies instead of being refused.
    let out = dir.path().join("robust");
    let mut o = options(&old, &out);
    o.features.mode = Some(Mode::Robust);
    pipeline::classify(&[fixture(CM_DRA)], &o, &mut |_| {}).unwrap();
    assert_eq!(classified(&out), direct(&old, robust()));
}
