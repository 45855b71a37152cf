//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The committed real TESS files.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lc"))
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// CW Eri, sector 4: a SPOC 2-min file with NaN TIME on QUALITY == 0 rows.
pub const CW_ERI_S4: &str = "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits";
pub const QLP: &str = "hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits";
pub const TESS_SPOC_1800: &str = "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits";

pub use calnet_test_support::repo_root;

/// Runs a committed script with the venv's Python; panics with its stderr when it fails.
pub fn run_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let script = repo_root().join("scripts/golden").join(script);
    calnet_test_support::python_ok(std::iter::once(script.as_os_str()).chain(args.iter().copied()))
}
