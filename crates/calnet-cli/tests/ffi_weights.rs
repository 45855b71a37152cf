//! The committed full-frame-image weights (fixtures/weights/calnet-ffi.safetensors, trained by
//! `cargo xtask ffi-train`) on real 30-minute light curves, as the demo runs them: the weights'
//! feature record chooses the FFI config without a flag (the reference config keeps no segment
//! of a 30-minute orbit), and the output is a segments table and a catalog.

mod common;

use std::path::PathBuf;

use common::{calnet, CPU_ONE_THREAD};

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `tic` column of a CSV (segments.csv: second; catalog.csv: first).
fn tics(csv: &str) -> Vec<String> {
    let col = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "tic")
        .unwrap();
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().to_owned())
        .collect()
}

#[test]
fn ffi_weights_classify_30_minute_light_curves_with_their_recorded_config() {
    let f = fixtures();
    let weights = f.join("weights/calnet-ffi.safetensors");
    let inputs = [
        // A detached binary (TESSellator, lightkurve-saved TESS-SPOC, sector 14).
        f.join("tessellator/lc"),
        // The planet host WASP-100 at 30 minutes: TESS-SPOC sector 1 and QLP sector 2.
        f.join("lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"),
        f.join("lc/hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["classify".into()];
    args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    args.extend(["--weights".into(), weights.clone().into_os_string()]);
    args.extend(["--out".into(), out.clone().into_os_string()]);
    args.extend(["--plots", "none"].map(Into::into));
    args.extend(CPU_ONE_THREAD.map(Into::into));
    let o = calnet(&args);
    let log = text(&o.stderr);
    assert!(o.status.success(), "{log}");
    // Cadence suits the config: no warning.
    assert!(!log.contains("cadence"), "{log}");

    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let seg_tics = tics(&segments);
    for tic in ["158635832", "38846515"] {
        assert!(
            seg_tics.iter().filter(|t| *t == tic).count() >= 2,
            "TIC {tic}: an orbit per segment expected\n{segments}"
        );
    }
    let catalog = std::fs::read_to_string(out.join("catalog.csv")).unwrap();
    assert_eq!(tics(&catalog), ["158635832"], "{catalog}");

    // The reference config, named against the record, is refused.
    let mut refused = args.clone();
    refused.extend(["--segments", "reference"].map(Into::into));
    let out2 = dir.path().join("out2");
    let i = refused.iter().position(|a| a == out.as_os_str()).unwrap();
    refused[i] = out2.into_os_string();
    let o = calnet(&refused);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}
