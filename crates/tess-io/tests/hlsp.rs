//! lightkurve's `to_fits()` files and the eleanor, TGLC and TASOC light curves: tess-io against
//! an independent astropy reading of the same rules (scripts/golden/hlsp_expected.py), bit for bit.

mod common;

use std::path::PathBuf;

use tess_io::{Error, FluxColumn, Product, ReadOptions};

fn hlsp(name: &str) -> PathBuf {
    common::repo_root().join("fixtures/hlsp").join(name)
}

const LIGHTKURVE: &str = "lightkurve-tic98853987-s0004-orbit1_lc.fits";
const ELEANOR: &str = "hlsp_gsfc-eleanor-lite_tess_ffi_s0004-0000000098853987_tess_v1.0_lc.fits";
const TGLC: &str = "hlsp_tglc_tess_ffi_gaiaid-unknown-s0004-cam2-ccd4_tess_v1_llc.fits";
const TASOC: &str = "hlsp_tasoc_tess_ffi_tic00098853987-s0004-cam2-ccd4-c1800_tess_v05_cbv-lc.fits";

fn expected(path: &std::path::Path) -> serde_json::Value {
    let out = common::run_script("hlsp_expected.py", &[path.as_os_str()]);
    serde_json::from_str(&out).unwrap()
}

fn bits(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

#[test]
fn every_layout_equals_astropy_bit_for_bit() {
    for (name, product, flux) in [
        (LIGHTKURVE, Product::Lightkurve, "FLUX"),
        (ELEANOR, Product::Eleanor, "CORR_FLUX"),
        (TGLC, Product::Tglc, "cal_psf_flux"),
        (TASOC, Product::Tasoc, "FLUX_CORR"),
    ] {
        let path = hlsp(name);
        let lc = tess_io::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let e = expected(&path);
        let m = &lc.meta;
        assert_eq!(m.product, product, "{name}");
        assert_eq!(format!("{:?}", m.product), e["product"], "{name}");
        assert_eq!(FluxColumn::default_for(product).name(), flux, "{name}");
        assert_eq!(e["flux_column"], flux, "{name}");
        assert_eq!(m.tic, Some(98853987), "{name}");
        assert_eq!(m.tic, e["tic"].as_u64(), "{name}");
        assert_eq!(m.sector, Some(4), "{name}");
        assert_eq!(m.cadence_s, e["cadence_s"].as_f64().unwrap(), "{name}");
        assert_eq!(lc.time.len(), e["rows"].as_u64().unwrap() as usize);
        let t: Vec<u64> = lc.time.iter().map(|t| t.to_bits()).collect();
        assert_eq!(t, bits(&e["time"]), "{name}: time");
        let f: Vec<u64> = lc.flux.iter().map(|f| f.to_bits() as u64).collect();
        assert_eq!(f, bits(&e["flux"]), "{name}: flux");
        let fe: Vec<u64> = lc.flux_err.iter().map(|f| f.to_bits() as u64).collect();
        assert_eq!(fe, bits(&e["flux_err"]), "{name}: flux_err");
        let q: Vec<i64> = lc.quality.iter().map(|&q| q as i64).collect();
        let eq: Vec<i64> = e["quality"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        assert_eq!(q, eq, "{name}: quality");
        let c: Vec<i64> = lc.cadenceno.iter().map(|&c| c as i64).collect();
        let ec: Vec<i64> = e["cadenceno"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        assert_eq!(c, ec, "{name}: cadenceno");
        assert!(
            lc.flux_err.iter().any(|e| e.is_finite()),
            "{name}: errors known"
        );
    }
}

#[test]
fn fixtures_carry_the_products_own_cadences() {
    let cad = |n| tess_io::read(hlsp(n)).unwrap().meta.cadence_s;
    assert_eq!(cad(LIGHTKURVE), 120.0);
    assert_eq!(cad(ELEANOR), 1800.0);
    assert_eq!(cad(TGLC), 1800.0);
    assert_eq!(cad(TASOC), 1800.0);
    // read_metadata measures the cadence from TIME where the headers give none.
    for n in [LIGHTKURVE, ELEANOR, TGLC, TASOC] {
        let m = tess_io::read_metadata(hlsp(n)).unwrap();
        assert_eq!(m, tess_io::read(hlsp(n)).unwrap().meta, "{n}");
    }
}

#[test]
fn other_flux_columns_by_name() {
    let raw = ReadOptions::new()
        .flux_column("RAW_FLUX".parse().unwrap())
        .read(hlsp(ELEANOR))
        .unwrap();
    let corr = tess_io::read(hlsp(ELEANOR)).unwrap();
    assert_ne!(raw.flux, corr.flux);
    // FLUX_ERR is RAW_FLUX's own uncertainty, scaled to the other columns as lightkurve does.
    for i in 0..raw.flux.len() {
        let scaled = raw.flux_err[i] * corr.flux[i] / raw.flux[i];
        assert_eq!(corr.flux_err[i].to_bits(), scaled.to_bits(), "row {i}");
    }
    let aper = ReadOptions::new()
        .flux_column(FluxColumn::Named("CAL_APER_FLUX".into()))
        .read(hlsp(TGLC))
        .unwrap();
    assert!(aper
        .flux_err
        .iter()
        .all(|e| *e == aper.flux_err[0] && e.is_finite()));
    let err = ReadOptions::new()
        .flux_column(FluxColumn::Named("NO_SUCH_FLUX".into()))
        .read(hlsp(TASOC))
        .unwrap_err();
    assert!(matches!(err, Error::MissingColumn { ref column, .. } if column == "NO_SUCH_FLUX"));
}

/// Rewrites header cards of a copy of a fixture (values padded to 70 characters).
fn edited(name: &str, edits: &[(&str, Option<&str>)]) -> (tempfile::TempDir, PathBuf) {
    let mut bytes = std::fs::read(hlsp(name)).unwrap();
    for (key, value) in edits {
        let cards = bytes.len() / 80;
        let i = (0..cards)
            .find(|&i| &bytes[i * 80..i * 80 + 8] == format!("{key:<8}").as_bytes())
            .unwrap_or_else(|| panic!("{key} not in {name}"));
        let card = match value {
            Some(v) => format!("{key:<8}= {v:<70}"),
            // COMMENT cards carry no value: the keyword is gone.
            None => format!("{:<80}", "COMMENT"),
        };
        bytes[i * 80..i * 80 + 80].copy_from_slice(card.as_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn tic_from_object_label_or_targetid_in_any_spelling() {
    for (object, want) in [
        ("'TIC 123'", Some(123)),
        ("'123'", Some(123)),
        ("'TIC-123'", Some(123)),
        ("'None'", Some(98853987)), // lightkurve's str(None): TARGETID is still there
    ] {
        let (_d, path) = edited(LIGHTKURVE, &[("OBJECT", Some(object))]);
        assert_eq!(tess_io::read(&path).unwrap().meta.tic, want, "{object}");
    }
    let (_d, path) = edited(
        LIGHTKURVE,
        &[("OBJECT", Some("'WASP-100'")), ("TARGETID", Some("456"))],
    );
    assert_eq!(tess_io::read(&path).unwrap().meta.tic, Some(456));
}

#[test]
fn no_target_id_is_no_tic_not_zero() {
    let (_d, path) = edited(LIGHTKURVE, &[("OBJECT", None), ("TARGETID", None)]);
    let lc = tess_io::read(&path).unwrap();
    assert_eq!(lc.meta.tic, None);
    assert_eq!(lc.meta.product, Product::Lightkurve);
    // TGLC writes TICID = '' when its catalogue match failed; OBJECT is a Gaia designation.
    let (_d, path) = edited(TGLC, &[("TICID", Some("''"))]);
    assert_eq!(tess_io::read(&path).unwrap().meta.tic, None);
}

#[test]
fn telescope_is_checked_where_the_product_writes_it() {
    // eleanor's postcard headers and lightkurve without a mission may leave TELESCOP out.
    let (_d, path) = edited(ELEANOR, &[("TELESCOP", None)]);
    assert_eq!(tess_io::read(&path).unwrap().meta.product, Product::Eleanor);
    let (_d, path) = edited(LIGHTKURVE, &[("TELESCOP", Some("'Kepler'"))]);
    assert!(matches!(
        tess_io::read(&path).unwrap_err(),
        Error::UnknownProduct { .. }
    ));
    let (_d, path) = edited(TASOC, &[("TELESCOP", None)]);
    assert!(matches!(
        tess_io::read(&path).unwrap_err(),
        Error::UnknownProduct { .. }
    ));
}

#[test]
fn lightkurve_time_units() {
    // lightkurve writes the time format as TIME's unit: a Kepler file says bkjd.
    let (_d, path) = edited(LIGHTKURVE, &[("TUNIT1", Some("'bkjd'"))]);
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::Header { ref key, .. } if key == "TUNIT1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("bkjd"), "{err}");
}
