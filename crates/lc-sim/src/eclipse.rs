//! Occultation of a limb-darkened star by an opaque disk.
//!
//! The blocked fraction of a star of unit radius, quadratic limb darkening
//! `I(mu) = 1 - u1 (1 - mu) - u2 (1 - mu)^2` (`mu = sqrt(1 - r^2)`), behind a disk of radius
//! `p` whose centre lies `z` stellar radii from the star's centre, is
//!
//! ```text
//! lambda(p, z) = [ integral_0^1 I(r) dA(r) ] / [ pi (1 - u1/3 - u2/6) ]
//! ```
//!
//! where `A(r)` is the area of the lens shared by the occulting disk and the circle of radius
//! `r` about the star's centre (the "uniform source" overlap of Mandel & Agol 2002, eq. 1).
//! The integral is a Stieltjes sum over annuli with the exact annulus-mean intensity (the
//! intensity integrates in closed form), as batman (Kreidberg 2015) does for non-quadratic
//! laws; nodes cluster at both ends of the partly covered range, where `A` has square-root
//! behaviour. A `p > 1` disk (the larger star in front) is handled the same way.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Quadratic limb-darkening coefficients `(u1, u2)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuadraticLd {
    /// Linear coefficient.
    pub u1: f64,
    /// Quadratic coefficient.
    pub u2: f64,
}

impl QuadraticLd {
    /// Coefficients with a positive, monotonically limb-darkened profile (Kipping 2013:
    /// `u1 + u2 < 1`, `u1 > 0`, `u1 + 2 u2 > 0`).
    ///
    /// ```
    /// assert!(lc_sim::QuadraticLd::new(0.4, 0.2).is_ok());
    /// assert!(lc_sim::QuadraticLd::new(0.9, 0.3).is_err());
    /// ```
    pub fn new(u1: f64, u2: f64) -> Result<Self> {
        let ok =
            u1.is_finite() && u2.is_finite() && u1 + u2 < 1.0 && u1 > 0.0 && u1 + 2.0 * u2 > 0.0;
        if ok {
            Ok(Self { u1, u2 })
        } else {
            Err(Error::OutOfRange {
                name: "limb darkening (u1, u2)",
                value: u1 + u2,
                range: "such that u1 + u2 < 1, u1 > 0 and u1 + 2 u2 > 0",
            })
        }
    }

    /// Approximate TESS-band coefficients for an effective temperature: linear interpolation
    /// in a coarse grid that follows the trend of Claret (2017, A&A 600, A30) at
    /// main-sequence gravities (good to a few hundredths, which is below what a light curve
    /// of a simulated star constrains).
    pub fn tess_for_teff(teff: f64) -> Self {
        // (Teff, u1, u2) at log g = 4.5, [M/H] = 0, approximating Claret (2017).
        const GRID: [(f64, f64, f64); 7] = [
            (3000.0, 0.16, 0.43),
            (3500.0, 0.20, 0.38),
            (4500.0, 0.42, 0.21),
            (5500.0, 0.38, 0.21),
            (6500.0, 0.30, 0.24),
            (8000.0, 0.22, 0.28),
            (12000.0, 0.15, 0.27),
        ];
        let t = teff.clamp(GRID[0].0, GRID[GRID.len() - 1].0);
        let k = GRID
            .windows(2)
            .position(|w| t <= w[1].0)
            .unwrap_or(GRID.len() - 2);
        let (a, b) = (GRID[k], GRID[k + 1]);
        let w = (t - a.0) / (b.0 - a.0);
        Self {
            u1: a.1 + w * (b.1 - a.1),
            u2: a.2 + w * (b.2 - a.2),
        }
    }

    /// Specific intensity relative to the disk centre at `mu = cos(angle to the normal)`.
    pub fn intensity(&self, mu: f64) -> f64 {
        let x = 1.0 - mu;
        1.0 - self.u1 * x - self.u2 * x * x
    }

    /// Linear coefficient of the best linear law, used by the ellipsoidal amplitude.
    pub(crate) fn linear_equivalent(&self) -> f64 {
        self.u1 + 0.5 * self.u2
    }

    /// `integral_0^r I(s) 2 pi s ds`, in closed form.
    fn cumulative(&self, r: f64) -> f64 {
        let mu = (1.0 - r * r).max(0.0).sqrt();
        let g = |m: f64| {
            (1.0 - self.u1 - self.u2) * m * m / 2.0 + (self.u1 + 2.0 * self.u2) * m * m * m / 3.0
                - self.u2 * m * m * m * m / 4.0
        };
        2.0 * std::f64::consts::PI * (g(1.0) - g(mu))
    }

    /// Total flux of the disk, `pi (1 - u1/3 - u2/6)`.
    pub fn total(&self) -> f64 {
        std::f64::consts::PI * (1.0 - self.u1 / 3.0 - self.u2 / 6.0)
    }
}

/// Area shared by a circle of radius `r` about the origin and a disk of radius `p` at
/// distance `z`.
fn lens_area(r: f64, p: f64, z: f64) -> f64 {
    use std::f64::consts::PI;
    if r <= 0.0 || z >= r + p {
        return 0.0;
    }
    if z <= (r - p).abs() {
        let m = r.min(p);
        return PI * m * m;
    }
    let k0 = ((z * z + p * p - r * r) / (2.0 * z * p))
        .clamp(-1.0, 1.0)
        .acos();
    let k1 = ((z * z + r * r - p * p) / (2.0 * z * r))
        .clamp(-1.0, 1.0)
        .acos();
    let s = ((-z + r + p) * (z + r - p) * (z - r + p) * (z + r + p)).max(0.0);
    p * p * k0 + r * r * k1 - 0.5 * s.sqrt()
}

/// Number of annuli over the partly covered range; enough for a relative error below 1e-5
/// of the blocked flux in the tests against a two-dimensional quadrature.
const ANNULI: usize = 96;

/// Fraction of the flux of a limb-darkened star (unit radius) blocked by an opaque disk of
/// radius `p` at projected centre distance `z` (both in stellar radii).
///
/// ```
/// use lc_sim::{occulted_fraction, QuadraticLd};
/// let ld = QuadraticLd::new(0.4, 0.25).unwrap();
/// assert_eq!(occulted_fraction(0.1, 1.2, &ld), 0.0); // no contact
/// assert_eq!(occulted_fraction(1.5, 0.2, &ld), 1.0); // total
/// let central = occulted_fraction(0.1, 0.0, &ld);
/// assert!(central > 0.01); // limb darkening deepens a central transit beyond p^2
/// ```
pub fn occulted_fraction(p: f64, z: f64, ld: &QuadraticLd) -> f64 {
    let z = z.abs();
    if p <= 0.0 || z >= 1.0 + p {
        return 0.0;
    }
    if p >= 1.0 + z {
        return 1.0;
    }
    let total = ld.total();
    let lo = (z - p).abs();
    let hi = (z + p).min(1.0);
    // Inside r < p - z the annuli are fully covered: closed form.
    let mut blocked = if p > z { ld.cumulative(lo) } else { 0.0 };
    if hi > lo {
        let mut r_prev = lo;
        let mut a_prev = lens_area(lo, p, z);
        let mut c_prev = ld.cumulative(lo);
        for i in 1..=ANNULI {
            // Cosine spacing: dense where the lens area changes like a square root.
            let s = 0.5 * (1.0 - (std::f64::consts::PI * i as f64 / ANNULI as f64).cos());
            let r = if i == ANNULI { hi } else { lo + (hi - lo) * s };
            let a = lens_area(r, p, z);
            let c = ld.cumulative(r);
            let ring = std::f64::consts::PI * (r * r - r_prev * r_prev);
            if ring > 0.0 {
                blocked += (c - c_prev) / ring * (a - a_prev);
            }
            r_prev = r;
            a_prev = a;
            c_prev = c;
        }
    }
    (blocked / total).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lens_area_limits() {
        use std::f64::consts::PI;
        assert_eq!(lens_area(1.0, 0.1, 2.0), 0.0);
        assert!((lens_area(1.0, 0.1, 0.5) - PI * 0.01).abs() < 1e-15);
        assert!((lens_area(0.3, 1.0, 0.1) - PI * 0.09).abs() < 1e-15);
        // Two unit circles one radius apart share 2 pi/3 - sqrt(3)/2.
        let want = 2.0 * PI / 3.0 - 3f64.sqrt() / 2.0;
        assert!((lens_area(1.0, 1.0, 1.0) - want).abs() < 1e-12);
    }

    #[test]
    fn uniform_disk_matches_area_ratio() {
        // With u1 -> 0 the blocked fraction is the lens area over pi. u1 must be > 0 for
        // `new`, so build the struct directly.
        let ld = QuadraticLd { u1: 0.0, u2: 0.0 };
        for &(p, z) in &[(0.1, 0.5), (0.1, 0.95), (0.5, 0.8), (2.0, 1.5), (1.0, 1.0)] {
            let got = occulted_fraction(p, z, &ld);
            let want = lens_area(1.0, p, z) / std::f64::consts::PI;
            assert!((got - want).abs() < 1e-9, "p={p} z={z}: {got} vs {want}");
        }
    }

    #[test]
    fn central_transit_is_closed_form() {
        let ld = QuadraticLd::new(0.45, 0.2).unwrap();
        for p in [0.05, 0.3, 0.9] {
            let want = ld.cumulative(p) / ld.total();
            let got = occulted_fraction(p, 0.0, &ld);
            assert!((got - want).abs() < 1e-12, "{got} {want}");
        }
    }

    #[test]
    fn ld_grid_is_valid_everywhere() {
        for t in (2500..15000).step_by(250) {
            let ld = QuadraticLd::tess_for_teff(t as f64);
            assert!(QuadraticLd::new(ld.u1, ld.u2).is_ok(), "Teff {t}: {ld:?}");
        }
    }
}
