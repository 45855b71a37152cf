//! Cross-checks against independent implementations in the project's Python environment
//! (`.venv`, created by `make test` / `scripts/setup.sh`):
//! - the eclipse integral against scipy's adaptive quadrature of the same blocked flux,
//!   written in the star's polar coordinates (arc of each annulus under the occulting disk);
//! - Kepler's equation against scipy's `brentq` root finder.

use std::io::Write;
use std::process::{Command, Stdio};

use calnet_test_support::python;
use lc_sim::{occulted_fraction, QuadraticLd};

fn run_python(script: &str, input: &str) -> Vec<f64> {
    let mut child = Command::new(python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

const ECLIPSE: &str = r#"
import sys, numpy as np
from scipy.integrate import quad
def blocked(p, z, u1, u2):
    I = lambda r: 1 - u1*(1 - np.sqrt(1 - r*r)) - u2*(1 - np.sqrt(1 - r*r))**2
    def arc(r):  # fraction of the annulus of radius r under the disk
        if r + z <= p: return 1.0
        if r >= z + p or r <= z - p: return 0.0
        c = (r*r + z*z - p*p) / (2*r*z)
        return np.arccos(min(1.0, max(-1.0, c))) / np.pi
    pts = [x for x in (abs(z - p), min(1.0, z + p)) if 0 < x < 1]
    num = quad(lambda r: I(r) * arc(r) * 2 * r, 0, 1, points=pts or None, epsabs=1e-13, epsrel=1e-11, limit=400)[0]
    den = quad(lambda r: I(r) * 2 * r, 0, 1, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
    return num / den
for line in sys.stdin:
    p, z, u1, u2 = map(float, line.split())
    print(repr(blocked(p, z, u1, u2)))
"#;

#[test]
fn eclipse_integral_matches_scipy_quadrature() {
    let mut cases = Vec::new();
    for &(u1, u2) in &[(0.4, 0.25), (0.16, 0.43), (0.22, 0.28)] {
        for &p in &[0.01, 0.08, 0.3, 0.7, 1.0, 1.6, 4.0] {
            for &zf in &[0.0, 0.3, 0.8, 0.97, 1.0, 1.03, 1.4] {
                // z spans central, partial and grazing geometry for each p.
                let z = zf * (1.0 + p) * 0.999;
                cases.push((p, z, u1, u2));
            }
        }
    }
    let input: String = cases
        .iter()
        .map(|(p, z, u1, u2)| format!("{p} {z} {u1} {u2}\n"))
        .collect();
    let want = run_python(ECLIPSE, &input);
    assert_eq!(want.len(), cases.len());
    let mut worst: f64 = 0.0;
    for (&(p, z, u1, u2), &w) in cases.iter().zip(&want) {
        let ld = QuadraticLd::new(u1, u2).unwrap();
        let got = occulted_fraction(p, z, &ld);
        let err = (got - w).abs();
        worst = worst.max(err / w.max(1e-4));
        // Absolute error below 2e-6 of the star's flux, or 1e-4 of the blocked flux.
        assert!(
            err < 2e-6 || err < 1e-4 * w,
            "p={p} z={z} u=({u1},{u2}): {got} vs scipy {w}"
        );
    }
    eprintln!("worst relative error {worst:.2e}");
}

const KEPLER: &str = r#"
import sys, numpy as np
from scipy.optimize import brentq
for line in sys.stdin:
    m, e = map(float, line.split())
    print(repr(brentq(lambda E: E - e*np.sin(E) - m, 0.0, 2*np.pi, xtol=1e-15, rtol=1e-15)))
"#;

#[test]
fn kepler_solver_matches_scipy_brentq() {
    let mut cases = Vec::new();
    for &e in &[0.0, 0.1, 0.5, 0.9, 0.99] {
        for k in 0..12 {
            cases.push((0.01 + k as f64 * 0.52, e));
        }
    }
    let input: String = cases.iter().map(|(m, e)| format!("{m} {e}\n")).collect();
    let want = run_python(KEPLER, &input);
    for (&(m, e), &w) in cases.iter().zip(&want) {
        let got = lc_sim::orbit::eccentric_anomaly(m, e);
        assert!((got - w).abs() < 1e-10, "M={m} e={e}: {got} vs {w}");
    }
}
