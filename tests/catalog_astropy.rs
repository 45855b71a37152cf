//! `catalog.dat` read by astropy (`ascii.read(format="fixed_width_two_line")`, the format of the
//! original CALNet catalogs) gives the values of `catalog.csv`, column by column, with missing
//! values masked.

use std::process::Command;

use calnet::catalog::{self, Classified, FileRecord, Outcome, SegmentPeriod, SegmentResult};
use calnet::period::PeriodEstimate;

const S4: &str = "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits";
const S31: &str = "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits";

/// Reads both files with astropy and prints, per row, the .dat values next to the .csv values.
const SCRIPT: &str = r#"
import sys, json
import numpy as np
from astropy.io import ascii
dat = ascii.read(sys.argv[1], format="fixed_width_two_line")
csv = ascii.read(sys.argv[2], format="csv")
out = {"dat_columns": dat.colnames, "csv_columns": csv.colnames, "rows": len(dat), "cells": []}
for name in dat.colnames:
    for a, b in zip(dat[name], csv[name]):
        masked_a = np.ma.is_masked(a)
        masked_b = np.ma.is_masked(b)
        out["cells"].append([name, None if masked_a else str(a), None if masked_b else str(b)])
print(json.dumps(out))
"#;

/// A record of `file` (a committed light curve, so that the vetting columns get numbers) or,
/// without one, of a file that does not exist (vetting columns NaN, with the reason).
fn record(
    index: usize,
    tic: u64,
    sector: u32,
    ps: &[f32],
    with_meta: bool,
    file: Option<&str>,
) -> FileRecord {
    // A real file's first segment spans all of it.
    let span = |i: usize| match file {
        Some(_) => (1e5 * i as f64, 1e5 * (i + 1) as f64),
        None => (1325.3 + 14.0 * i as f64, 1338.5 + 14.0 * i as f64),
    };
    let segments: Vec<SegmentResult> = ps
        .iter()
        .enumerate()
        .map(|(i, &p)| SegmentResult {
            segment: i,
            t_start: span(i).0,
            t_end: span(i).1,
            n_points: 9000,
            p_eb: p,
            peak_period: Some(0.6180339887 * (1 + i) as f64),
        })
        .collect();
    let best = segments
        .iter()
        .max_by(|a, b| a.p_eb.total_cmp(&b.p_eb))
        .unwrap()
        .segment;
    FileRecord {
        index,
        file: match file {
            Some(f) => format!("{}/fixtures/lc/{f}", env!("CARGO_MANIFEST_DIR")),
            None => format!("s{sector:04}/tic{tic}.fits"),
        },
        outcome: Outcome::Classified(Classified {
            tic: Some(tic),
            sector: Some(sector),
            product: "SPOC".into(),
            ra: with_meta.then_some(47.123456789),
            dec: with_meta.then_some(-17.98765432),
            tmag: with_meta.then_some(8.0312),
            teff: with_meta.then_some(6839.4),
            segments,
            skipped: vec![],
            period: Some(SegmentPeriod {
                segment: best,
                estimate: PeriodEstimate {
                    peak: 1.3641234567,
                    period: 2.7282469134,
                    doubled: true,
                    theta_peak: Some(0.4),
                    theta_double: Some(0.1),
                    alternate_z: Some(30.0),
                },
            }),
            sheet: None,
            quality_bitmask: u32::MAX,
            warnings: vec![],
        }),
    }
}

#[test]
fn astropy_reads_catalog_dat_as_catalog_csv() {
    let records = vec![
        record(0, 98853987, 4, &[0.998, 0.95], true, Some(S4)),
        record(1, 98853987, 31, &[0.42, 0.999], true, Some(S31)),
        record(2, 5, 1, &[0.51], false, None),
        record(3, 1234567890, 88, &[0.2, 0.49], true, None),
        FileRecord {
            index: 4,
            file: "broken.fits".into(),
            outcome: Outcome::Failed {
                reason: "not a FITS file".into(),
            },
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog::write_outputs(dir.path(), &records, 0.5).unwrap();
    assert_eq!(cat.rows.len(), 2);
    // TIC 5's file does not exist: NaN metrics and the reason; TIC 98853987's two sectors are
    // read and folded together.
    let unread = cat.rows[0].vetting.as_ref().unwrap();
    assert!(unread.depth1.is_nan() && unread.reason.starts_with("cannot read"));
    let vetted = cat.rows[1].vetting.as_ref().unwrap();
    assert!(vetted.depth1.is_finite() && vetted.snr1 > 0.0, "{vetted:?}");
    let out = Command::new(calnet_test_support::python())
        .args([
            "-c",
            SCRIPT,
            dir.path().join("catalog.dat").to_str().unwrap(),
            dir.path().join("catalog.csv").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = catalog::CATALOG_COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(v["dat_columns"], serde_json::json!(names));
    assert_eq!(v["csv_columns"], serde_json::json!(names));
    assert_eq!(v["rows"], 2);
    for cell in v["cells"].as_array().unwrap() {
        let (name, dat, csv) = (cell[0].as_str().unwrap(), &cell[1], &cell[2]);
        let decimals = catalog::CATALOG_COLUMNS
            .iter()
            .find(|c| c.0 == name)
            .unwrap()
            .2;
        match (dat.as_str(), csv.as_str(), decimals) {
            (None, None, _) => {}
            (Some(d), Some(c), Some(places)) => {
                let (d, c): (f64, f64) = (d.parse().unwrap(), c.parse().unwrap());
                if d.is_nan() || c.is_nan() {
                    // Unmeasured vetting metrics: NaN in both files.
                    assert!(d.is_nan() && c.is_nan(), "{name}: dat {d} vs csv {c}");
                    continue;
                }
                let tol = 0.5 * 10f64.powi(-(places as i32)) * (1.0 + 1e-9);
                assert!((d - c).abs() <= tol, "{name}: dat {d} vs csv {c}");
            }
            (Some(d), Some(c), None) => assert_eq!(d, c, "{name}"),
            other => panic!("{name}: masked in one file only: {other:?}"),
        }
    }
}
