//! Round trips with the real thing: files tess-io writes, read by astropy; files astropy
//! writes, read by tess-io. Values must be equal bit for bit, NaNs included.
//! astropy runs through `scripts/golden/tess_io_astropy.py` with the project's `.venv` python.

mod common;

use std::path::Path;

use serde_json::Value;
use tess_io::{LightCurve, Metadata, Product};

fn bin(dir: &Path, column: &str) -> Vec<u8> {
    std::fs::read(dir.join(format!("{column}.bin"))).unwrap_or_else(|e| panic!("{column}.bin: {e}"))
}

fn be64(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn be32f(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn be32i(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn header(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("header.json")).unwrap()).unwrap()
}

/// A light curve with everything that can go wrong in float columns.
fn awkward_light_curve() -> LightCurve {
    let n = 777;
    let mut time: Vec<f64> = (0..n)
        .map(|i| 1500.0 + i as f64 * 200.0 / 86400.0)
        .collect();
    time[10] = f64::NAN;
    time[11] = f64::from_bits(0x7ff8_0000_0000_1234); // a NaN with a payload
    let mut flux: Vec<f32> = (0..n)
        .map(|i| 1.0 + (i as f32 * 0.37).sin() * 1e-3)
        .collect();
    flux[20] = f32::NAN;
    flux[21] = f32::from_bits(0x7fc0_0042);
    flux[22] = -0.0;
    flux[23] = f32::INFINITY;
    flux[24] = f32::MIN_POSITIVE / 4.0; // subnormal
    flux[25] = f32::MAX;
    let mut flux_err = vec![1e-4f32; n];
    flux_err[20] = f32::NAN;
    let mut quality = vec![0i32; n];
    quality[30] = 32;
    quality[31] = i32::MIN;
    quality[32] = 1 << 12;
    let cadenceno = (0..n as i32).map(|i| 1_000_000 + i).collect();
    LightCurve {
        time,
        flux,
        flux_err,
        quality,
        cadenceno,
        meta: Metadata {
            tic: Some(987_654_321),
            sector: Some(61),
            camera: Some(4),
            ccd: Some(3),
            tmag: Some(10.31569958),
            teff: Some(6733.0),
            logg: None,
            radius: Some(1.77456999),
            ra: Some(68.9597092399964),
            dec: Some(-64.0270368810381),
            product: Product::TessSpoc,
            cadence_s: 200.0,
            file: String::new(),
            path: None,
        },
    }
}

#[test]
fn astropy_reads_what_write_spoc_wrote_bit_for_bit() {
    let lc = awkward_light_curve();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("written.fits");
    tess_io::write_spoc(&file, &lc).unwrap();
    let out = dir.path().join("dump");
    common::run_script(
        "tess_io_astropy.py",
        &["dump".as_ref(), file.as_os_str(), out.as_os_str()],
    );

    assert_eq!(bin(&out, "TIME"), be64(&lc.time));
    assert_eq!(bin(&out, "PDCSAP_FLUX"), be32f(&lc.flux));
    assert_eq!(bin(&out, "SAP_FLUX"), be32f(&lc.flux));
    assert_eq!(bin(&out, "PDCSAP_FLUX_ERR"), be32f(&lc.flux_err));
    assert_eq!(bin(&out, "QUALITY"), be32i(&lc.quality));
    assert_eq!(bin(&out, "CADENCENO"), be32i(&lc.cadenceno));

    let h = header(&out);
    assert_eq!(
        h["hdus"],
        serde_json::json!(["PRIMARY", "LIGHTCURVE", "APERTURE"])
    );
    assert_eq!(h["aperture_shape"], serde_json::json!([11, 11]));
    assert_eq!(h["aperture_bitpix"], 32);
    let p = &h["primary"];
    assert_eq!(p["TICID"], 987_654_321);
    assert_eq!(p["OBJECT"], "TIC 987654321");
    assert_eq!(p["SECTOR"], 61);
    assert_eq!(
        (p["CAMERA"].clone(), p["CCD"].clone()),
        (4.into(), 3.into())
    );
    assert_eq!(p["TELESCOP"], "TESS");
    assert_eq!(p["TESSMAG"], 10.31569958);
    assert_eq!(p["RA_OBJ"], 68.9597092399964);
    assert!(
        p.get("LOGG").is_none(),
        "an unknown logg is left out, not written as a number"
    );
    let t = &h["lightcurve"];
    assert_eq!(t["BJDREFI"], 2457000);
    assert_eq!(t["BJDREFF"], 0.0);
    assert!((t["TIMEDEL"].as_f64().unwrap() * 86400.0 - 200.0).abs() < 1e-9);
    // SPOC's column set, order, formats and units.
    let real = common::fixture(common::CW_ERI_S4);
    let real_out = dir.path().join("real");
    common::run_script(
        "tess_io_astropy.py",
        &["dump".as_ref(), real.as_os_str(), real_out.as_os_str()],
    );
    // astropy reports cfitsio's `1D` as `D`: the same format.
    let formats = |v: &Value| -> Vec<(String, String, Value)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let form = c[1].as_str().unwrap();
                (
                    c[0].as_str().unwrap().to_owned(),
                    form.strip_prefix('1').unwrap_or(form).to_owned(),
                    c[2].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        formats(&h["columns"]),
        formats(&header(&real_out)["columns"])
    );

    // And tess-io reads its own file back to the same values.
    let back = tess_io::read(&file).unwrap();
    assert_eq!(be64(&back.time), be64(&lc.time));
    assert_eq!(be32f(&back.flux), be32f(&lc.flux));
    assert_eq!(back.quality, lc.quality);
    assert_eq!(back.meta.tic, lc.meta.tic);
    assert_eq!(back.meta.product, Product::TessSpoc);
    assert_eq!(back.meta.cadence_s, 200.0);
    assert_eq!(back.meta.logg, None);
}

#[test]
fn tess_io_reads_what_astropy_wrote_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("astropy.fits");
    let out = dir.path().join("dump");
    common::run_script(
        "tess_io_astropy.py",
        &["write".as_ref(), file.as_os_str(), out.as_os_str()],
    );
    let lc = tess_io::read(&file).unwrap();
    assert_eq!(be64(&lc.time), bin(&out, "TIME"));
    assert_eq!(be32f(&lc.flux), bin(&out, "PDCSAP_FLUX"));
    assert_eq!(be32f(&lc.flux_err), bin(&out, "PDCSAP_FLUX_ERR"));
    assert_eq!(be32i(&lc.quality), bin(&out, "QUALITY"));
    assert_eq!(be32i(&lc.cadenceno), bin(&out, "CADENCENO"));
    assert!(lc.time.iter().any(|t| t.is_nan()) && lc.flux.iter().any(|f| f.is_nan()));

    let p = &header(&out)["primary"];
    assert_eq!(lc.meta.tic, p["TICID"].as_u64());
    assert_eq!(lc.meta.sector, p["SECTOR"].as_u64().map(|s| s as u32));
    assert_eq!(lc.meta.teff, p["TEFF"].as_f64());
    assert_eq!(lc.meta.product, Product::Spoc);
    assert_eq!(lc.meta.cadence_s, 120.0);

    let sap = tess_io::ReadOptions::new()
        .flux_column(tess_io::FluxColumn::Sap)
        .read(&file)
        .unwrap();
    assert_eq!(be32f(&sap.flux), bin(&out, "SAP_FLUX"));
}

#[test]
fn write_spoc_gz_and_replace_existing_file() {
    let lc = awkward_light_curve();
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("lc.fits.gz");
    tess_io::write_spoc(&gz, &lc).unwrap();
    let bytes = std::fs::read(&gz).unwrap();
    assert_eq!(
        &bytes[..2],
        &[0x1f, 0x8b],
        "a .gz path is written gzip-compressed"
    );
    assert_eq!(be64(&tess_io::read(&gz).unwrap().time), be64(&lc.time));

    // Writing over an existing file replaces it, and leaves no temporary file behind.
    let plain = dir.path().join("lc.fits");
    std::fs::write(&plain, b"old contents").unwrap();
    tess_io::write_spoc(&plain, &lc).unwrap();
    assert_eq!(tess_io::read(&plain).unwrap().cadenceno, lc.cadenceno);
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["lc.fits", "lc.fits.gz"]);
}

/// Atomic writes go through a temporary file; the result must still get the mode a plain
/// `File::create` gives (tempfile's own default, 0600, would hide outputs from other users).
#[cfg(unix)]
#[test]
fn written_files_get_the_mode_of_a_plain_create() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let lc = awkward_light_curve();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::File::create(&plain).unwrap();
    for name in ["lc.fits", "lc.fits.gz"] {
        let path = dir.path().join(name);
        tess_io::write_spoc(&path, &lc).unwrap();
        assert_eq!(mode(&path), mode(&plain), "{name}");
    }
}

#[test]
fn write_spoc_refuses_columns_of_unequal_length() {
    let mut lc = awkward_light_curve();
    lc.quality.pop();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.fits");
    let err = tess_io::write_spoc(&file, &lc).unwrap_err();
    assert!(
        matches!(err, tess_io::Error::InvalidLightCurve { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("quality"), "{err}");
    assert!(!file.exists());
}
