//! Any bytes, written to a file and read as a light curve: `tess_io::read` must return
//! `Ok` or `Err`, never panic, abort or hang.
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One temporary folder per fuzzing process; each input overwrites the same file.
fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
        .path()
}

fuzz_target!(|data: &[u8]| {
    let path = scratch().join("input.fits");
    let mut f = std::fs::File::create(&path).expect("scratch file");
    f.write_all(data).expect("scratch write");
    drop(f);
    if let Ok(lc) = tess_io::read(&path) {
        // Whatever was read must be usable: equal column lengths, the quality cut works.
        let n = lc.time.len();
        assert!(lc.flux.len() == n && lc.flux_err.len() == n && lc.quality.len() == n);
        let (_, report) = lc.apply_quality(tess_io::QualityMask::Reference);
        assert_eq!(report.rows, n);
    }
    let _ = tess_io::ReadOptions::new()
        .flux_column(tess_io::FluxColumn::Sap)
        .read(&path);
});
