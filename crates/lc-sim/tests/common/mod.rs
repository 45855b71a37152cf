//! What lc-sim's test files share: the real fixture light curves they compare with, and a median.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use tess_io::LightCurve;

/// A committed real light curve of `fixtures/lc/`, read as `calnet` reads it.
pub fn fixture(name: &str) -> LightCurve {
    let path = calnet_test_support::fixture(&format!("lc/{name}"));
    tess_io::read(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The upper median (the middle value, or the upper of the two middle ones).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
