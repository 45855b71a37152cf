//! Every committed fixture read by tess-io compared with what astropy reads
//! (`fixtures/golden/tess-io/expected.json`, made by `scripts/golden/tess_io_expected.py`).

mod common;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tess_io::{FluxColumn, Product, QualityMask, ReadOptions};

fn expected() -> serde_json::Map<String, Value> {
    let path = common::repo_root().join("fixtures/golden/tess-io/expected.json");
    let text = std::fs::read_to_string(&path)
        .expect("expected.json (run scripts/golden/tess_io_expected.py)");
    match serde_json::from_str(&text).unwrap() {
        Value::Object(m) => m,
        _ => panic!("expected.json is not an object"),
    }
}

fn sha_be<T, const N: usize>(v: &[T], to_be: impl Fn(&T) -> [u8; N]) -> String {
    let mut h = Sha256::new();
    for x in v {
        h.update(to_be(x));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn product_name(p: Product) -> &'static str {
    match p {
        Product::Spoc => "Spoc",
        Product::TessSpoc => "TessSpoc",
        Product::Qlp => "Qlp",
        Product::SpocAlert => "SpocAlert",
        Product::Eleanor => "Eleanor",
        Product::Tglc => "Tglc",
        Product::Tasoc => "Tasoc",
        Product::Lightkurve => "Lightkurve",
    }
}

fn opt_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|x| x as u32)
}

#[test]
fn every_fixture_is_in_the_golden_file() {
    let exp = expected();
    let files = tess_io::find_light_curves(common::fixtures_dir()).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut golden: Vec<&String> = exp.keys().collect();
    golden.sort();
    assert_eq!(names.iter().collect::<Vec<_>>(), golden);
}

#[test]
fn headers_rows_and_columns_match_astropy() {
    for (name, e) in expected() {
        let lc = tess_io::read(common::fixture(&name)).unwrap();
        let m = &lc.meta;
        assert_eq!(product_name(m.product), e["product"], "{name}: product");
        assert_eq!(m.tic, e["tic"].as_u64(), "{name}: TIC");
        assert_eq!(m.sector, opt_u32(&e["sector"]), "{name}: sector");
        assert_eq!(m.camera, opt_u32(&e["camera"]), "{name}: camera");
        assert_eq!(m.ccd, opt_u32(&e["ccd"]), "{name}: ccd");
        assert_eq!(m.tmag, opt_f64(&e["tmag"]), "{name}: tmag");
        assert_eq!(m.teff, opt_f64(&e["teff"]), "{name}: teff");
        assert_eq!(m.logg, opt_f64(&e["logg"]), "{name}: logg");
        assert_eq!(m.radius, opt_f64(&e["radius"]), "{name}: radius");
        assert_eq!(m.ra, opt_f64(&e["ra"]), "{name}: ra");
        assert_eq!(m.dec, opt_f64(&e["dec"]), "{name}: dec");
        assert_eq!(
            m.cadence_s,
            e["cadence_s"].as_f64().unwrap(),
            "{name}: cadence"
        );
        assert_eq!(m.file, name);
        assert_eq!(FluxColumn::default_for(m.product).name(), e["flux_column"]);

        let rows = e["rows"].as_u64().unwrap() as usize;
        for len in [
            lc.time.len(),
            lc.flux.len(),
            lc.flux_err.len(),
            lc.quality.len(),
            lc.cadenceno.len(),
        ] {
            assert_eq!(len, rows, "{name}: rows");
        }
        // Bit for bit, NaNs included: hashes of the big-endian bytes as stored.
        let h = &e["sha256"];
        assert_eq!(
            sha_be(&lc.time, |x| x.to_be_bytes()),
            h["TIME"],
            "{name}: TIME"
        );
        assert_eq!(
            sha_be(&lc.flux, |x| x.to_be_bytes()),
            h["FLUX"],
            "{name}: flux"
        );
        assert_eq!(
            sha_be(&lc.flux_err, |x| x.to_be_bytes()),
            h["FLUX_ERR"],
            "{name}: flux_err"
        );
        assert_eq!(
            sha_be(&lc.quality, |x| x.to_be_bytes()),
            h["QUALITY"],
            "{name}: QUALITY"
        );
        assert_eq!(
            sha_be(&lc.cadenceno, |x| x.to_be_bytes()),
            h["CADENCENO"],
            "{name}: CADENCENO"
        );
    }
}

#[test]
fn drop_counts_per_reason_match_astropy_for_every_mask() {
    let masks = [
        ("reference", QualityMask::Reference),
        ("default", QualityMask::Default),
        ("hard", QualityMask::Hard),
        ("hardest", QualityMask::Hardest),
        ("none", QualityMask::None),
    ];
    for (name, e) in expected() {
        let lc = tess_io::read(common::fixture(&name)).unwrap();
        for (mask_name, mask) in masks {
            let x = &e["masks"][mask_name];
            let (clean, r) = lc.apply_quality(mask);
            let what = format!("{name} with mask {mask_name}");
            assert_eq!(r.rows, lc.time.len(), "{what}");
            assert_eq!(r.kept, x["kept"].as_u64().unwrap() as usize, "{what}: kept");
            assert_eq!(
                r.quality,
                x["quality"].as_u64().unwrap() as usize,
                "{what}: quality"
            );
            assert_eq!(
                r.nonfinite_time,
                x["nonfinite_time"].as_u64().unwrap() as usize,
                "{what}: time"
            );
            assert_eq!(
                r.nonfinite_flux,
                x["nonfinite_flux"].as_u64().unwrap() as usize,
                "{what}: flux"
            );
            assert_eq!(r, lc.mask_report(mask), "{what}: mask_report agrees");
            assert_eq!(clean.time.len(), r.kept);
            let segments: Vec<u64> = calnet_split(&clean.time);
            let want: Vec<u64> = x["segments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(segments, want, "{what}: segments");
        }
    }
}

/// The 0.75-day gap split, as the reference does it (`diff(time) > 0.75`); lc-prep owns the
/// real one, this only checks that the kept times are the ones astropy keeps, in order.
fn calnet_split(time: &[f64]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=time.len() {
        if i == time.len() || time[i] - time[i - 1] > 0.75 {
            out.push((i - start) as u64);
            start = i;
        }
    }
    if time.is_empty() {
        out.clear();
    }
    out
}

#[test]
fn sap_flux_on_request() {
    for (name, e) in expected() {
        let lc = ReadOptions::new()
            .flux_column(FluxColumn::Sap)
            .read(common::fixture(&name))
            .unwrap();
        let r = lc.mask_report(QualityMask::Reference);
        let x = &e["sap_reference"];
        assert_eq!(r.kept, x["kept"].as_u64().unwrap() as usize, "{name}");
        assert_eq!(
            r.nonfinite_flux,
            x["nonfinite_flux"].as_u64().unwrap() as usize,
            "{name}"
        );
        if lc.meta.product == Product::Qlp {
            // QLP has no SAP_FLUX_ERR: unknown, not zero.
            assert!(lc.flux_err.iter().all(|v| v.is_nan()));
        }
    }
}

#[test]
fn pdcsap_on_a_qlp_file_is_a_missing_column_error() {
    let err = ReadOptions::new()
        .flux_column(FluxColumn::Pdcsap)
        .read(common::fixture(common::QLP))
        .unwrap_err();
    assert!(
        matches!(err, tess_io::Error::MissingColumn { ref column, .. } if column == "PDCSAP_FLUX"),
        "{err}"
    );
}

#[test]
fn gzipped_file_reads_the_same_as_the_plain_one() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    for name in [common::CW_ERI_S4, common::QLP] {
        let plain = common::fixture(name);
        let gz = dir.path().join(format!("{name}.gz"));
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::fast(),
        );
        enc.write_all(&std::fs::read(&plain).unwrap()).unwrap();
        enc.finish().unwrap();
        let a = tess_io::read(&plain).unwrap();
        let b = tess_io::read(&gz).unwrap();
        assert_eq!(a.meta.tic, b.meta.tic);
        assert_eq!(a.quality, b.quality);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.time), bits(&b.time));
        let bits32 = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits32(&a.flux), bits32(&b.flux));
    }
}

#[test]
fn read_metadata_matches_read() {
    let path = common::fixture(common::TESS_SPOC_1800);
    assert_eq!(
        tess_io::read_metadata(&path).unwrap(),
        tess_io::read(&path).unwrap().meta
    );
}

#[test]
fn file_names_with_cfitsio_syntax_characters_are_plain_names() {
    // cfitsio would read `x.fits[1]` as "HDU 1 of x.fits" and `!x` as "overwrite x".
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "odd[1].fits",
        "!bang.fits",
        "with space(2).fits",
        "-dash.fits",
    ] {
        let p = dir.path().join(name);
        std::fs::copy(common::fixture(common::QLP), &p).unwrap();
        let lc = tess_io::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(lc.meta.file, name);
        let out = dir.path().join(format!("w{name}"));
        tess_io::write_spoc(&out, &lc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tess_io::read(&out).unwrap().time.len(), lc.time.len());
    }
}
