//! Broken input: each case is a typed error that names the file and the reason, never a panic.
//! The broken files are made here, in temporary folders, from the real fixtures.

mod common;

use std::path::{Path, PathBuf};

use tess_io::Error;

/// A copy of a fixture, changed by `edit`, in its own temporary folder.
fn broken(name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(common::fixture(name)).unwrap();
    edit(&mut bytes);
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Replaces the first header card of the first extension whose keyword is `key` with
/// `key = value` (a FITS header is 80-byte cards; the extension starts at a XTENSION card).
fn set_card(bytes: &mut [u8], key: &str, value: &str) {
    let cards = bytes.len() / 80;
    let ext = (0..cards)
        .find(|&i| bytes[i * 80..].starts_with(b"XTENSION"))
        .expect("an extension");
    set_card_from(bytes, ext, key, value);
}

/// Same, in the primary header.
fn set_primary_card(bytes: &mut [u8], key: &str, value: &str) {
    set_card_from(bytes, 0, key, value);
}

fn set_card_from(bytes: &mut [u8], ext: usize, key: &str, value: &str) {
    let cards = bytes.len() / 80;
    let i = (ext..cards)
        .find(|&i| &bytes[i * 80..i * 80 + 8] == format!("{key:<8}").as_bytes())
        .unwrap_or_else(|| panic!("no {key} card"));
    let card = format!("{key:<8}= {value:>20}");
    let card = format!("{card:<80}");
    bytes[i * 80..(i + 1) * 80].copy_from_slice(card.as_bytes());
}

fn assert_names_file(err: &Error, path: &Path, words: &str) {
    let msg = err.to_string();
    assert!(
        msg.starts_with(&path.display().to_string()),
        "no file in {msg:?}"
    );
    assert!(msg.contains(words), "{msg:?} does not say {words:?}");
    assert_eq!(err.path(), path);
}

#[test]
fn missing_file() {
    let path = common::fixtures_dir().join("no-such-file.fits");
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_names_file(&err, &path, "no such file");
}

#[test]
fn not_a_fits_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("README.fits");
    std::fs::copy(common::fixtures_dir().join("README.md"), &path).unwrap();
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::NotFits { .. }), "{err:?}");
    assert_names_file(&err, &path, "not a FITS file");

    std::fs::write(&path, b"").unwrap();
    let err = tess_io::read(&path).unwrap_err();
    assert_names_file(&err, &path, "empty");
}

#[test]
fn truncated_file() {
    // Cut mid-block: caught by the size check.
    let (_d, path) = broken(common::CW_ERI_S4, |b| b.truncate(1_000_001));
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
    assert_names_file(&err, &path, "truncated");

    // Cut at a block boundary inside the table data: caught when cfitsio reads past the end.
    let (_d, path) = broken(common::CW_ERI_S4, |b| b.truncate(2880 * 200));
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
    assert_names_file(&err, &path, "truncated");

    // Cut inside the table's header.
    let (_d, path) = broken(common::CW_ERI_S4, |b| b.truncate(2880 * 3));
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated { .. } | Error::NoLightCurveTable { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn corrupt_gzip() {
    use std::io::Write;
    let gzip = |b: &mut Vec<u8>| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b).unwrap();
        *b = enc.finish().unwrap();
    };
    // Garbage in the middle of the deflate stream.
    let (_d, path) = broken(common::QLP, |b| {
        gzip(b);
        let mid = b.len() / 2;
        b[mid..mid + 64].iter_mut().for_each(|x| *x ^= 0xa5);
    });
    let path_gz = path.with_extension("fits.gz");
    std::fs::rename(&path, &path_gz).unwrap();
    let err = tess_io::read(&path_gz).unwrap_err();
    assert!(matches!(err, Error::CorruptGzip { .. }), "{err:?}");
    assert_names_file(&err, &path_gz, "corrupt gzip");

    // A gzip stream cut short.
    let (_d, path) = broken(common::QLP, |b| {
        gzip(b);
        b.truncate(b.len() / 3);
    });
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::CorruptGzip { .. } | Error::Truncated { .. }),
        "{err:?}"
    );
}

#[test]
fn no_lightcurve_table() {
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_card(b, "EXTNAME", "'LIGHTCURVX'")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::NoLightCurveTable { .. }), "{err:?}");
    assert_names_file(&err, &path, "no LIGHTCURVE table");
}

#[test]
fn missing_column() {
    // TTYPE8 is PDCSAP_FLUX in SPOC files.
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_card(b, "TTYPE8", "'PDCSAP_FLUY'")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::MissingColumn { ref column, .. } if column == "PDCSAP_FLUX"),
        "{err:?}"
    );
    assert_names_file(&err, &path, "no column PDCSAP_FLUX");

    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_card(b, "TTYPE10", "'QUALITX'")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert_names_file(&err, &path, "no column QUALITY");
}

#[test]
fn wrongly_typed_column() {
    // TIME as 64-bit integers (same width, so the file stays consistent).
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| set_card(b, "TFORM1", "'K'"));
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::ColumnType { ref column, .. } if column == "TIME"),
        "{err:?}"
    );
    assert_names_file(&err, &path, "column TIME has format 1K");

    // QUALITY (J, 4 bytes) as a 4-character string.
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| set_card(b, "TFORM10", "'4A'"));
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::ColumnType { ref column, .. } if column == "QUALITY"),
        "{err:?}"
    );
}

#[test]
fn empty_table() {
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| set_card(b, "NAXIS2", "0"));
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::EmptyTable { .. }), "{err:?}");
    assert_names_file(&err, &path, "no rows");
}

#[test]
fn all_nan_flux() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all-nan.fits");
    std::fs::copy(common::fixture(common::TESS_SPOC_1800), &path).unwrap();
    {
        let mut f = fitsio::FitsFile::edit(&path).unwrap();
        let hdu = f.hdu("LIGHTCURVE").unwrap();
        let rows = tess_io::read(common::fixture(common::TESS_SPOC_1800))
            .unwrap()
            .time
            .len();
        hdu.write_col(&mut f, "PDCSAP_FLUX", &vec![f32::NAN; rows])
            .unwrap();
    }
    let err = tess_io::read(&path).unwrap_err();
    assert!(
        matches!(err, Error::AllNanFlux { ref column, .. } if column == "PDCSAP_FLUX"),
        "{err:?}"
    );
    assert_names_file(&err, &path, "every PDCSAP_FLUX value is NaN");
    // SAP_FLUX is still there to be read on request.
    let sap = tess_io::ReadOptions::new()
        .flux_column(tess_io::FluxColumn::Sap)
        .read(&path)
        .unwrap();
    assert!(sap.flux.iter().any(|f| f.is_finite()));
}

#[test]
fn not_tess_and_no_tic() {
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_primary_card(b, "TELESCOP", "'Kepler'")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::UnknownProduct { .. }), "{err:?}");
    assert_names_file(&err, &path, "not a TESS light curve");

    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_primary_card(b, "TICID", "'none'");
        set_primary_card(b, "OBJECT", "'WASP-100'");
        // The LIGHTCURVE header repeats both.
        set_card(b, "TICID", "'none'");
        set_card(b, "OBJECT", "'WASP-100'");
    });
    // Read all the same: no target id is an empty TIC, never an error or a 0.
    let lc = tess_io::read(&path).unwrap();
    assert_eq!(lc.meta.tic, None);
}

#[test]
fn a_folder_is_not_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = tess_io::read(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}

#[test]
fn garbled_table_header_card() {
    // Found by `cargo fuzz` (docs/tess-io.md): a NAXIS1 card whose keyword is binary junk made
    // cfitsio ask for an impossible allocation; it must come back as an error, not an abort.
    let (_d, path) = broken(common::QLP, |b| {
        let ext = b.windows(8).position(|w| w == b"XTENSION").unwrap();
        let at = ext
            + b[ext..]
                .windows(10)
                .position(|w| w == b"NAXIS1  = ")
                .unwrap();
        b[at + 5..at + 13].copy_from_slice(&[0xcf, 0xdf, 0xdf, 0xc2, 0xdf, 0xdf, 0xdf, 0xe4]);
    });
    let err = tess_io::read(&path).unwrap_err();
    assert_eq!(err.path(), path);
    eprintln!("{err}");
}

/// A header may claim any size; the reader must check it against the file before sizing
/// anything from it (a claim of 5e9 rows aborted the process, 2e18 panicked).
#[test]
fn header_sizes_larger_than_the_file() {
    for rows in ["5000000000", "2000000000000000000", "9223372036854775807"] {
        let (_d, path) = broken(common::TESS_SPOC_1800, |b| set_card(b, "NAXIS2", rows));
        let err = tess_io::read(&path).unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { .. } | Error::Truncated { .. }),
            "{err:?}"
        );
        assert_eq!(err.path(), path);
    }
    // A heap (PCOUNT) larger than the file.
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_card(b, "PCOUNT", "1000000000")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
    assert_names_file(&err, &path, "claims");
}

/// Bad table geometry is named for what it is, not "no LIGHTCURVE table".
#[test]
fn bad_table_geometry_names_the_keyword() {
    for (key, value, words) in [
        ("NAXIS2", "-5", "NAXIS2: -5 is negative"),
        ("NAXIS1", "7", "NAXIS1: 7 bytes per row"),
        ("TFIELDS", "1000", "TFIELDS: 1000 columns"),
        ("TFIELDS", "40", "there is no TFORM"),
        ("TFIELDS", "'x'", "TFIELDS: \"x\" is not an integer"),
    ] {
        let (_d, path) = broken(common::TESS_SPOC_1800, |b| set_card(b, key, value));
        let err = tess_io::read(&path).unwrap_err();
        assert!(
            matches!(err, Error::Header { .. }),
            "{key}={value}: {err:?}"
        );
        assert_names_file(&err, &path, words);
    }
}

/// NAXIS2 one larger than the rows written: the extra row lies in the block padding (zero
/// bytes) and once read as a row at TIME = 0.
#[test]
fn naxis2_larger_than_the_data_is_truncation() {
    let lc = tess_io::read(common::fixture(common::TESS_SPOC_1800)).unwrap();
    let rows = lc.time.len();
    for extra in [1, 2] {
        let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
            set_card(b, "NAXIS2", &(rows + extra).to_string())
        });
        let err = tess_io::read(&path).unwrap_err();
        assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
        assert_names_file(&err, &path, "truncated");
    }
}

#[test]
fn string_timedel_is_not_missing() {
    let (_d, path) = broken(common::TESS_SPOC_1800, |b| {
        set_card(b, "TIMEDEL", "'two minutes'")
    });
    let err = tess_io::read(&path).unwrap_err();
    assert_names_file(&err, &path, "TIMEDEL: \"two minutes\" is not a number");
}

/// A small .fits.gz that inflates far beyond what its headers describe is refused while
/// streaming, before cfitsio inflates it whole into memory.
#[test]
fn gzip_inflating_beyond_its_headers_is_refused() {
    use std::io::Write;
    let (_d, path) = broken(common::QLP, |b| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(b).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
        *b = enc.finish().unwrap();
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 2_000_000);
    let err = tess_io::read(&path).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    assert_names_file(&err, &path, "inflates to more than its headers describe");
}
