//! `calnet classify` and the feature record of its weights: a contradicting flag is refused
//! with both values, FFI weights classify a real 30-minute TESS-SPOC light curve that the
//! reference config skips, and a file whose cadence does not suit the weights is warned about
//! once, on stderr and in the journal.

mod common;

use std::path::{Path, PathBuf};

use common::{calnet, CPU_ONE_THREAD};
use lc_prep::{FeatureConfig, Mode};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// The demo weights, whose tensors the tests write again with other records.
const DEMO_WEIGHTS: &str = "weights/calnet-sim.safetensors";
/// WASP-100, TESS-SPOC, sector 1: real 30-minute data.
const TESS_SPOC_30MIN: &str = "lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The demo weights' tensors with `config`'s record.
fn weights_with(config: &FeatureConfig, path: &Path) {
    let (_, tensors) = calnet_model::read_calnet(&fixture(DEMO_WEIGHTS)).unwrap();
    calnet_model::write_safetensors_with_metadata(&tensors, &config.to_record(), path).unwrap();
}

/// The demo weights' tensors without a record (as the published `.pth` and safetensors written
/// before records existed).
fn weights_without_record(path: &Path) -> PathBuf {
    let (_, tensors) = calnet_model::read_calnet(&fixture(DEMO_WEIGHTS)).unwrap();
    calnet_model::write_safetensors_with_metadata(&tensors, &Default::default(), path).unwrap();
    path.to_path_buf()
}

fn classify(file: &Path, weights: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "classify".as_ref(),
        file.as_os_str(),
        "--weights".as_ref(),
        weights.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--plots".as_ref(),
        "none".as_ref(),
    ];
    args.extend(CPU_ONE_THREAD.iter().map(std::ffi::OsStr::new));
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    calnet(args)
}

fn segment_rows(out: &Path) -> usize {
    csv::Reader::from_path(out.join("segments.csv"))
        .unwrap()
        .records()
        .count()
}

#[test]
fn a_flag_against_the_record_is_refused_naming_both_values() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("robust.safetensors");
    let robust = FeatureConfig {
        mode: Mode::Robust,
        ..FeatureConfig::reference()
    };
    weights_with(&robust, &weights);
    let file = fixture(TESS_SPOC_30MIN);
    let o = classify(
        &file,
        &weights,
        &dir.path().join("a"),
        &["--mode", "reference"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for part in ["robust.safetensors", "mode reference", "mode robust"] {
        assert!(err.contains(part), "{err}: should name {part:?}");
    }
    let o = classify(
        &file,
        &weights,
        &dir.path().join("b"),
        &["--segments", "ffi"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("segments ffi"));
    assert!(text(&o.stderr).contains("segments reference"));
}

#[test]
fn ffi_weights_classify_a_real_30_minute_file_that_the_reference_config_skips() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture(TESS_SPOC_30MIN);

    // Weights without a record: the reference config, whose 2,000 points a 30-minute orbit
    // (about 500 cadences here) never has; one warning for the file.
    let out = dir.path().join("reference");
    let old = weights_without_record(&dir.path().join("old.safetensors"));
    let o = classify(&file, &old, &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(segment_rows(&out), 0);
    let err = text(&o.stderr);
    assert_eq!(err.matches("warning: cadence 1800 s").count(), 1, "{err}");
    assert!(err.contains("120-s light curves"), "{err}");
    let journal = std::fs::read_to_string(out.join("journal.jsonl")).unwrap();
    assert_eq!(journal.matches("cadence 1800 s").count(), 1, "{journal}");

    // The FFI record: both orbits classified, no warning.
    let weights = dir.path().join("ffi.safetensors");
    weights_with(&FeatureConfig::ffi(), &weights);
    let out = dir.path().join("ffi");
    let o = classify(&file, &weights, &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(segment_rows(&out), 2);
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));

    // The same FFI config asked of weights without a record: the same p_eb.
    let flagged = dir.path().join("flagged");
    let o = classify(
        &file,
        &old,
        &flagged,
        &[
            "--segments",
            "ffi",
            "--quality",
            "product",
            "--alias-cut",
            "true",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read(out.join("segments.csv")).unwrap(),
        std::fs::read(flagged.join("segments.csv")).unwrap()
    );
}
