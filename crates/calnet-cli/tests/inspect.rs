//! `calnet inspect` run as a real binary on the fixtures, checked against what astropy reads
//! (`fixtures/golden/tess-io/expected.json`, from `scripts/golden/tess_io_expected.py`).

use std::path::{Path, PathBuf};
use std::process::Output;

use calnet_test_support::fixture;
use serde_json::Value;

mod common;

fn fixtures() -> PathBuf {
    fixture("lc")
}

fn calnet(args: &[&std::ffi::OsStr]) -> Output {
    common::calnet(std::iter::once("inspect".as_ref()).chain(args.iter().copied()))
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(fixture("golden/tess-io/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn product_label(golden: &str) -> &'static str {
    match golden {
        "Spoc" => "SPOC",
        "TessSpoc" => "TESS-SPOC",
        "Qlp" => "QLP",
        "SpocAlert" => "SPOC-alert",
        other => panic!("unknown product {other}"),
    }
}

fn name_of(v: &Value) -> String {
    Path::new(v["file"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn check_against_golden(lines: &[Value], mask: &str) {
    let exp = expected();
    assert_eq!(lines.len(), exp.len());
    for v in lines {
        let name = name_of(v);
        let e = &exp[&name];
        let m = &e["masks"][mask];
        assert_eq!(v["error"], Value::Null, "{name}");
        assert_eq!(v["tic"], e["tic"], "{name}");
        assert_eq!(v["sector"], e["sector"], "{name}");
        assert_eq!(
            v["product"],
            product_label(e["product"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(v["cadence_s"], e["cadence_s"], "{name}");
        assert_eq!(v["rows"], e["rows"], "{name}");
        assert_eq!(v["kept"], m["kept"], "{name} {mask}");
        assert_eq!(v["segments"], m["segments"], "{name} {mask}");
        assert_eq!(v["dropped_quality"], m["quality"], "{name} {mask}");
        assert_eq!(
            v["dropped_nonfinite_time"], m["nonfinite_time"],
            "{name} {mask}"
        );
        assert_eq!(
            v["dropped_nonfinite_flux"], m["nonfinite_flux"],
            "{name} {mask}"
        );
    }
}

#[test]
fn json_for_every_fixture_matches_astropy() {
    let out = calnet(&["--json".as_ref(), fixtures().as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    // Exactly the documented fields are there (extras allowed).
    for v in &lines {
        for key in [
            "file",
            "tic",
            "sector",
            "product",
            "cadence_s",
            "rows",
            "kept",
            "segments",
            "error",
        ] {
            assert!(v.get(key).is_some(), "{key} missing from {v}");
        }
    }
    // Files come in sorted order.
    let names: Vec<String> = lines.iter().map(name_of).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    check_against_golden(&lines, "reference");
}

#[test]
fn quality_mask_option() {
    for mask in ["hard", "none", "default"] {
        let out = calnet(&[
            "--json".as_ref(),
            "--quality".as_ref(),
            mask.as_ref(),
            fixtures().as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        check_against_golden(&json_lines(&out), mask);
    }
    // An integer bitmask is the same as the named preset with that value.
    let by_number = calnet(&[
        "--json".as_ref(),
        "--quality".as_ref(),
        "7407".as_ref(),
        fixtures().as_os_str(),
    ]);
    let by_name = calnet(&[
        "--json".as_ref(),
        "--quality".as_ref(),
        "hard".as_ref(),
        fixtures().as_os_str(),
    ]);
    let kept = |o: &Output| {
        json_lines(o)
            .iter()
            .map(|v| v["kept"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(kept(&by_number), kept(&by_name));
}

#[test]
fn flux_option() {
    let qlp = fixtures().join("hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits");
    let out = calnet(&[
        "--json".as_ref(),
        "--flux".as_ref(),
        "sap".as_ref(),
        qlp.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = &json_lines(&out)[0];
    assert_eq!(v["flux_column"], "SAP_FLUX");
    let e =
        &expected()["hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits"]["sap_reference"];
    assert_eq!(v["kept"], e["kept"]);
    // QLP has no PDCSAP_FLUX: asking for it is a per-file error, exit 1.
    let out = calnet(&[
        "--json".as_ref(),
        "--flux".as_ref(),
        "pdcsap".as_ref(),
        qlp.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json_lines(&out)[0]["error"]
        .as_str()
        .unwrap()
        .contains("PDCSAP_FLUX"));
}

#[test]
fn a_broken_file_is_reported_and_the_others_still_processed() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixtures().join("hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits");
    let bad = dir.path().join("truncated.fits");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2 + 7]).unwrap();

    let out = calnet(&["--json".as_ref(), bad.as_os_str(), good.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "exit 1 when any file failed");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["error"].as_str().unwrap().contains("truncated"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["rows"], Value::Null);
    assert_eq!(lines[1]["error"], Value::Null);
    assert_eq!(lines[1]["tic"], 38846515);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("{}: truncated", bad.display())),
        "{stderr}"
    );

    // The human-readable listing too: the good file is shown, the bad one on stderr.
    let out = calnet(&[bad.as_os_str(), good.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("TIC 38846515"), "{stdout}");
    assert!(stdout.contains("1 file read, 1 failed"), "{stdout}");
    assert!(!String::from_utf8(out.stderr).unwrap().is_empty());
}

#[test]
fn human_output_says_what_an_astronomer_needs() {
    let cw_eri = fixtures().join("tess2018292075959-s0004-0000000098853987-0124-s_lc.fits");
    let out = calnet(&[cw_eri.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let e = &expected()["tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"];
    let m = &e["masks"]["reference"];
    for needle in [
        "TIC 98853987".to_owned(),
        "sector 4".to_owned(),
        "SPOC light curve, 120 s cadence, PDCSAP_FLUX".to_owned(),
        format!("{} rows, {} kept", e["rows"], m["kept"]),
        format!("{} flagged, {} NaN time", m["quality"], m["nonfinite_time"]),
        format!("{} segments", m["segments"].as_array().unwrap().len()),
        "BTJD".to_owned(),
    ] {
        assert!(text.contains(&needle), "{needle:?} not in\n{text}");
    }
}

#[test]
fn sector_layout_through_paths_json() {
    let dir = tempfile::tempdir().unwrap();
    let s4 = dir.path().join("lc/s004");
    std::fs::create_dir_all(&s4).unwrap();
    let name = "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits";
    std::fs::copy(fixtures().join(name), s4.join(name)).unwrap();
    let paths = dir.path().join("paths.json");
    std::fs::write(&paths, r#"{"lc_root": "lc"}"#).unwrap();
    let out = calnet(&[
        "--json".as_ref(),
        "--paths".as_ref(),
        paths.as_os_str(),
        "--sector".as_ref(),
        "4".as_ref(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["tic"], 98853987);
}

#[test]
fn usage_errors_exit_2_and_empty_folders_exit_1() {
    let out = calnet(&[
        "--quality".as_ref(),
        "softest".as_ref(),
        fixtures().as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("softest"));

    let dir = tempfile::tempdir().unwrap();
    let out = calnet(&[dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no *.fits"));
}
