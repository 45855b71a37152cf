//! The CLI on lightkurve `to_fits()` files and the eleanor, TGLC and TASOC light curves
//! (fixtures/hlsp, from scripts/golden/hlsp_fixtures.py): recognised, read with the product's flux
//! column, and a file that names no target still classified, with an empty TIC and a warning.

mod common;

use std::path::{Path, PathBuf};

use common::{calnet, CPU_ONE_THREAD};

fn hlsp() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/hlsp"))
}

const WEIGHTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/weights/calnet-sim.safetensors"
);
const LIGHTKURVE: &str = "lightkurve-tic98853987-s0004-orbit1_lc.fits";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn inspect_names_every_product_and_its_flux_column() {
    let o = calnet(["inspect".as_ref(), "--json".as_ref(), hlsp().as_os_str()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut seen: Vec<(String, String)> = text(&o.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["tic"], 98853987, "{l}");
            assert_eq!(v["sector"], 4, "{l}");
            (
                v["product"].as_str().unwrap().to_owned(),
                v["flux_column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let want = [
        ("TASOC", "FLUX_CORR"),
        ("TGLC", "cal_psf_flux"),
        ("eleanor", "CORR_FLUX"),
        ("lightkurve", "FLUX"),
    ];
    assert_eq!(
        seen,
        want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
}

/// A copy of the lightkurve fixture without OBJECT and TARGETID (a light curve lightkurve
/// wrote without a target id).
fn anonymous(dir: &Path) -> PathBuf {
    let mut bytes = std::fs::read(hlsp().join(LIGHTKURVE)).unwrap();
    for key in ["OBJECT", "TARGETID"] {
        let i = (0..bytes.len() / 80)
            .find(|&i| &bytes[i * 80..i * 80 + 8] == format!("{key:<8}").as_bytes())
            .unwrap();
        bytes[i * 80..i * 80 + 80].copy_from_slice(format!("{:<80}", "COMMENT").as_bytes());
    }
    let path = dir.join("anonymous_lc.fits");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_file_without_target_id_gets_features_and_p_eb_with_an_empty_tic() {
    let dir = tempfile::tempdir().unwrap();
    let anon = anonymous(dir.path());

    let feats = dir.path().join("features");
    let o = calnet([
        "features".as_ref(),
        anon.as_os_str(),
        "--out".as_ref(),
        feats.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("anonymous_lc.fits: warning: no TIC"),
        "{}",
        text(&o.stderr)
    );
    let seg = std::fs::read_to_string(feats.join("segments.csv")).unwrap();
    let row = seg.lines().nth(1).expect("one segment");
    assert!(row.starts_with("anonymous_lc.fits,,4,0,"), "{row}");

    let out = dir.path().join("run");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "classify".as_ref(),
        anon.as_os_str(),
        "--weights".as_ref(),
        WEIGHTS.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--plots".as_ref(),
        "none".as_ref(),
    ];
    args.extend(CPU_ONE_THREAD.iter().map(std::ffi::OsStr::new));
    let o = calnet(args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("warning: no TIC"),
        "{}",
        text(&o.stderr)
    );
    let seg = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let fields: Vec<&str> = seg
        .lines()
        .nth(1)
        .expect("one segment")
        .split(',')
        .collect();
    assert_eq!(fields[1], "", "empty tic, never 0: {seg}");
    let p: f32 = fields[7].parse().unwrap();
    assert!((0.0..=1.0).contains(&p), "{seg}");
}

#[test]
fn full_frame_products_report_their_short_segments_not_a_failure() {
    // 30-minute cadences give ~600 points per orbit: CALNet's 2000-point minimum skips them,
    // and the run says so segment by segment.
    let dir = tempfile::tempdir().unwrap();
    let o = calnet([
        "features".as_ref(),
        hlsp().as_os_str(),
        "--out".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let skipped = std::fs::read_to_string(dir.path().join("skipped.csv")).unwrap();
    for name in ["eleanor", "tglc", "tasoc"] {
        assert!(
            skipped
                .lines()
                .any(|l| l.contains(name) && l.contains("fewer than the minimum 2000")),
            "{name}: {skipped}"
        );
    }
    let seg = std::fs::read_to_string(dir.path().join("segments.csv")).unwrap();
    assert_eq!(seg.lines().count(), 2, "{seg}");
    assert!(
        seg.contains(&format!("{LIGHTKURVE},98853987,4,0,")),
        "{seg}"
    );
    let failures = std::fs::read_to_string(dir.path().join("failures.csv")).unwrap();
    assert_eq!(failures.lines().count(), 1, "{failures}");
}
