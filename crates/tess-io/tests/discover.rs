//! Discovery: the reference's `ROOT/s{DDD}/*.fits` layout, recursive folders, mixed inputs.

mod common;

use std::path::{Path, PathBuf};

/// A small tree: ROOT/s004/{b,a}.fits, ROOT/s031/c.fits.gz, ROOT/s031/notes.txt,
/// ROOT/deep/er/d.FITS, made of copies of fixtures.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let src = common::fixture(common::QLP);
    for rel in [
        "s004/b.fits",
        "s004/a.fits",
        "s031/c.fits.gz",
        "deep/er/d.FITS",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(&src, &p).unwrap();
    }
    std::fs::write(root.join("s031/notes.txt"), "not a light curve").unwrap();
    dir
}

fn rel(root: &Path, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn sector_layout_through_a_paths_config() {
    let dir = tree();
    let cfg_file = dir.path().join("paths.json");
    std::fs::write(&cfg_file, r#"{"lc_root": ".", "other": 1}"#).unwrap();
    let cfg = tess_io::PathsConfig::load(&cfg_file).unwrap();
    assert_eq!(
        rel(dir.path(), &cfg.sector_files(4).unwrap()),
        ["s004/a.fits", "s004/b.fits"]
    );
    assert_eq!(
        rel(dir.path(), &cfg.sector_files(31).unwrap()),
        ["s031/c.fits.gz"]
    );
    let err = cfg.sector_files(5).unwrap_err();
    assert!(matches!(err, tess_io::Error::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("s005"), "{err}");

    // An absolute root is used as is.
    std::fs::write(&cfg_file, format!(r#"{{"lc_root": {:?}}}"#, dir.path())).unwrap();
    let cfg = tess_io::PathsConfig::load(&cfg_file).unwrap();
    assert_eq!(cfg.lc_root, dir.path());
    assert_eq!(tess_io::sector_files(dir.path(), 4).unwrap().len(), 2);
}

#[test]
fn bad_paths_config_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg_file = dir.path().join("paths.json");
    std::fs::write(&cfg_file, r#"{"root": "x"}"#).unwrap();
    let err = tess_io::PathsConfig::load(&cfg_file).unwrap_err();
    assert!(matches!(err, tess_io::Error::Config { .. }), "{err}");
    assert!(
        err.to_string().contains("paths.json") && err.to_string().contains("lc_root"),
        "{err}"
    );
    let err = tess_io::PathsConfig::load(dir.path().join("nope.json")).unwrap_err();
    assert!(matches!(err, tess_io::Error::NotFound { .. }), "{err}");
}

#[test]
fn recursive_discovery_is_sorted_and_finds_gz_and_any_case() {
    let dir = tree();
    let files = tess_io::find_light_curves(dir.path()).unwrap();
    assert_eq!(
        rel(dir.path(), &files),
        [
            "deep/er/d.FITS",
            "s004/a.fits",
            "s004/b.fits",
            "s031/c.fits.gz"
        ]
    );
}

#[test]
fn mixed_inputs_keep_order_and_drop_duplicates() {
    let dir = tree();
    let root = dir.path();
    let inputs = [
        root.join("s031/c.fits.gz"),
        root.join("s004"),
        root.join("s004/./a.fits"), // same file as s004/a.fits, spelled differently
        root.join("missing.fits"),  // kept: the reader reports it
        root.to_path_buf(),
    ];
    let found = tess_io::collect_inputs(&inputs);
    assert!(found.errors.is_empty());
    assert_eq!(
        rel(root, &found.files),
        [
            "s031/c.fits.gz",
            "s004/a.fits",
            "s004/b.fits",
            "missing.fits",
            "deep/er/d.FITS"
        ]
    );
    // Every file found is readable, the missing one is a NotFound error.
    for f in &found.files {
        match tess_io::read(f) {
            Ok(lc) => assert_eq!(lc.meta.product, tess_io::Product::Qlp),
            Err(e) => assert!(matches!(e, tess_io::Error::NotFound { .. }), "{e}"),
        }
    }
}

/// Dangling and looping symbolic links with light-curve names are inputs (their reading fails
/// with the reason, so a run lists them per file), not folder errors that only reach stderr.
#[cfg(unix)]
#[test]
fn unfollowable_links_are_inputs_whose_reading_fails() {
    use std::os::unix::fs::symlink;
    let root = tree();
    let dir = root.path().join("s004");
    symlink(dir.join("missing.fits"), dir.join("dangling_lc.fits")).unwrap();
    symlink(dir.join("loop_b.fits"), dir.join("loop_a.fits")).unwrap();
    symlink(dir.join("loop_a.fits"), dir.join("loop_b.fits")).unwrap();
    let found = tess_io::collect_inputs(&[root.path()]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    for name in ["dangling_lc.fits", "loop_a.fits", "loop_b.fits"] {
        let path = dir.join(name);
        assert!(found.files.contains(&path), "{name} in {:?}", found.files);
        let err = tess_io::read(&path).unwrap_err();
        assert_eq!(err.path(), path);
    }
}
