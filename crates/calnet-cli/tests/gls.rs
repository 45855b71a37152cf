//! `calnet gls` run as a real binary: its CSV is the library's periodogram of the same light
//! curve, the plot is written, and a bad file fails with the file named.

use std::path::PathBuf;
use std::process::Command;

use gls::{FrequencyGrid, Periodogram};
use tess_io::{self, QualityMask};

/// CW Eri, sector 31: a detached EB with P = 2.728 d (equal-ish eclipses: GLS peaks at P/2).
fn cw_eri() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits"
    ))
}

fn read_csv(path: &std::path::Path) -> Vec<[f64; 3]> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("period,frequency,power"));
    lines
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2]]
        })
        .collect()
}

#[test]
fn calnet_grid_csv_is_the_library_periodogram_and_the_plot_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, png) = (dir.path().join("p.csv"), dir.path().join("p.png"));
    let out = Command::new(env!("CARGO_BIN_EXE_calnet"))
        .arg("gls")
        .arg(cw_eri())
        .arg("--out")
        .arg(&csv)
        .arg("--plot")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_csv(&csv);
    assert_eq!(rows.len(), 1000);

    let (lc, _) = tess_io::read(cw_eri())
        .unwrap()
        .apply_quality(QualityMask::Reference);
    let t = lc.time.clone();
    let y: Vec<f64> = lc.flux.iter().map(|&f| f64::from(f)).collect();
    let lib = Periodogram::new(&t, &y)
        .unwrap()
        .compute(&FrequencyGrid::calnet())
        .unwrap();
    for (row, (&p, &power)) in rows.iter().zip(lib.grid.periods().iter().zip(&lib.power)) {
        assert!((row[0] - p).abs() <= 1e-9 * p, "period {} vs {p}", row[0]);
        assert!((row[2] - power).abs() <= 1e-9 * lib.power.iter().cloned().fold(0.0, f64::max));
    }
    // The strongest peak of an EB with two similar eclipses sits at half the orbital period.
    let best = rows.iter().max_by(|a, b| a[2].total_cmp(&b[2])).unwrap();
    assert!(
        (best[0] - 2.7284 / 2.0).abs() < 0.01,
        "best period {}",
        best[0]
    );
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
}

#[test]
fn regular_grid_has_the_requested_size() {
    let out = Command::new(env!("CARGO_BIN_EXE_calnet"))
        .arg("gls")
        .arg(cw_eri())
        .args(["--fmin", "0.1", "--fmax", "10", "--n", "500"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 501);
}

#[test]
fn a_file_that_is_not_fits_fails_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.fits");
    std::fs::write(&bad, b"not a FITS file at all").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_calnet"))
        .arg("gls")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.fits"));
}

/// A picture that cannot be drawn fails with its path and the reason in words (plotters' Debug
/// form once showed through: `ImageError(Unsupported(UnsupportedError { ... }))`), after the
/// CSV is written.
#[test]
fn a_plot_that_cannot_be_drawn_names_the_picture_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    for (name, reason) in [
        ("p.xyz", "its name must end in .png, not .xyz"),
        ("p", "its name must end in .png"),
        ("no-such-folder/p.png", "No such file or directory"),
    ] {
        let png = dir.path().join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_calnet"))
            .arg("gls")
            .arg(cw_eri())
            .arg("--out")
            .arg(&csv)
            .arg("--plot")
            .arg(&png)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        let want = format!("{}: cannot draw: ", png.display());
        assert!(stderr.contains(&want), "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
        // No Debug structs, no temporary file's name.
        assert!(!stderr.contains("Error("), "{name}: {stderr}");
        assert!(!stderr.contains(tess_io::TEMP_PREFIX), "{name}: {stderr}");
        assert!(!png.exists(), "{name}");
        assert_eq!(read_csv(&csv).len(), 1000);
        std::fs::remove_file(&csv).unwrap();
    }
}
