//! Eclipsing and ellipsoidal binaries: two limb-darkened spheres on a Keplerian orbit.
//!
//! Normalised flux (out-of-eclipse mean = 1 before dilution):
//!
//! ```text
//! F(t) = [ (l1 (1 + E1) + R1) (1 - lambda1) + (l2 (1 + E2) + R2) (1 - lambda2) ] / N
//! F_obs = (1 - l3) F + l3
//! ```
//!
//! - `l1 = 1 / (1 + J k^2)`, `l2 = 1 - l1`: light fractions, `k = R2/R1`, `J` the ratio of
//!   mean TESS-band surface brightnesses;
//! - `lambda_j`: the blocked fraction of star j ([`crate::occulted_fraction`]) with the
//!   companion's disk of radius `R_other/R_j` at projected distance `d/R_j`, where `d` comes
//!   from the Keplerian orbit ([`crate::orbit`], Kepler's equation by Newton iterations);
//! - ellipsoidal variation (Morris 1985, ApJ 295, 143; Morris & Naftilan 1993):
//!   `E_j = -alpha_j q_j (R_j/a)^3 (a/r)^3 sin^2 i cos 2 theta`,
//!   `alpha_j = 0.15 (15 + u_j)(1 + tau_j) / (3 - u_j)`, `u_j` the linear limb darkening,
//!   `tau_j` the gravity-darkening coefficient, `q_j = M_other/M_j`, `theta` the phase angle
//!   from the primary conjunction and `r` the instantaneous separation;
//! - reflection as a cosine (irradiated hemisphere, Lambert-like phase): star 2 reflects
//!   `R2 = A_2 l1 (R2/r)^2 (1 - sin i cos theta)/2`, star 1 `R1 = A_1 l2 (R1/r)^2
//!   (1 + sin i cos theta)/2`, each hidden with its star during an eclipse;
//! - `N` makes the mean of the variation terms zero (circular-orbit mean), so out-of-eclipse
//!   flux averages to 1.
//!
//! Spheres are exact for well-detached systems; for stars near their Roche lobes the shapes
//! are only approximated (ellipsoidal term on a spherical eclipse), see docs/simulation.md.

use serde::{Deserialize, Serialize};

use crate::eclipse::{occulted_fraction, QuadraticLd};
use crate::error::{check_range, Error, Result};
use crate::orbit::Orbit;
use crate::stars::roche_lobe;

/// Everything that defines a binary's light curve. Angles in degrees, radii in units of the
/// semi-major axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryParams {
    /// Orbital period, days.
    pub period_d: f64,
    /// Time of primary conjunction (star 2 in front of star 1), BTJD.
    pub t0: f64,
    /// Eccentricity, `[0, 1)`.
    pub ecc: f64,
    /// Argument of periastron, degrees.
    pub omega_deg: f64,
    /// Inclination, degrees (90 = edge-on).
    pub incl_deg: f64,
    /// Primary radius over semi-major axis, R1/a.
    pub r1: f64,
    /// Secondary radius over semi-major axis, R2/a.
    pub r2: f64,
    /// Mean TESS-band surface brightness of star 2 over star 1.
    pub sb_ratio: f64,
    /// Mass ratio M2/M1.
    pub mass_ratio: f64,
    /// Limb darkening of star 1.
    pub ld1: QuadraticLd,
    /// Limb darkening of star 2.
    pub ld2: QuadraticLd,
    /// Gravity-darkening coefficients `(tau1, tau2)` of the ellipsoidal term.
    pub gravity_darkening: (f64, f64),
    /// Reflection efficiencies `(A1, A2)` (0 = none, about 0.5-1 for irradiated envelopes).
    pub albedo: (f64, f64),
    /// Fraction of the total flux from unrelated light (0 = none; blends: close to 1).
    pub third_light: f64,
}

impl BinaryParams {
    /// Checks every field's range and that the stars stay apart at periastron.
    ///
    /// ```
    /// use lc_sim::{BinaryParams, Error, QuadraticLd};
    /// let ld = QuadraticLd::new(0.4, 0.2).unwrap();
    /// let mut p = BinaryParams {
    ///     period_d: 2.0, t0: 1.0, ecc: 0.0, omega_deg: 90.0, incl_deg: 88.0,
    ///     r1: 0.2, r2: 0.15, sb_ratio: 0.8, mass_ratio: 0.9, ld1: ld, ld2: ld,
    ///     gravity_darkening: (0.3, 0.3), albedo: (0.5, 0.5), third_light: 0.0,
    /// };
    /// assert!(p.validate().is_ok());
    /// p.ecc = 0.7; // periastron separation 0.3 < r1 + r2 = 0.35
    /// assert!(matches!(p.validate(), Err(Error::StarsOverlap { .. })));
    /// ```
    pub fn validate(&self) -> Result<()> {
        if !(self.period_d.is_finite() && self.period_d > 0.0) {
            return Err(Error::InvalidPeriod(self.period_d));
        }
        if !(self.ecc.is_finite() && (0.0..1.0).contains(&self.ecc)) {
            return Err(Error::InvalidEccentricity(self.ecc));
        }
        check_range("t0", self.t0, f64::MIN, f64::MAX, "a finite time (BTJD)")?;
        check_range(
            "omega_deg",
            self.omega_deg,
            -360.0,
            720.0,
            "in [-360, 720] degrees",
        )?;
        check_range("incl_deg", self.incl_deg, 0.0, 90.0, "in [0, 90] degrees")?;
        check_range("r1", self.r1, 1e-6, 0.999, "in (0, 1) (R1/a)")?;
        check_range("r2", self.r2, 1e-6, 0.999, "in (0, 1) (R2/a)")?;
        check_range("sb_ratio", self.sb_ratio, 0.0, 1e3, "in [0, 1000]")?;
        check_range("mass_ratio", self.mass_ratio, 1e-4, 1e4, "positive (M2/M1)")?;
        check_range("third_light", self.third_light, 0.0, 0.9999, "in [0, 1)")?;
        for (name, v) in [
            ("gravity_darkening.0", self.gravity_darkening.0),
            ("gravity_darkening.1", self.gravity_darkening.1),
            ("albedo.0", self.albedo.0),
            ("albedo.1", self.albedo.1),
        ] {
            check_range(name, v, 0.0, 2.0, "in [0, 2]")?;
        }
        for ld in [self.ld1, self.ld2] {
            QuadraticLd::new(ld.u1, ld.u2)?;
        }
        let periastron = 1.0 - self.ecc;
        let sum = self.r1 + self.r2;
        if sum >= periastron {
            return Err(Error::StarsOverlap { sum, periastron });
        }
        Ok(())
    }

    /// Also requires both stars to stay inside their Roche lobes at periastron (Eggleton
    /// 1983), as a detached system must.
    pub fn validate_detached(&self) -> Result<()> {
        self.validate()?;
        let peri = 1.0 - self.ecc;
        let lobes = [
            (1u8, self.r1, roche_lobe(1.0 / self.mass_ratio) * peri),
            (2u8, self.r2, roche_lobe(self.mass_ratio) * peri),
        ];
        for (star, radius, roche) in lobes {
            if radius > roche {
                return Err(Error::RocheLobeOverflow {
                    star,
                    radius,
                    roche,
                });
            }
        }
        Ok(())
    }
}

/// A validated binary, ready to evaluate.
#[derive(Debug, Clone)]
pub struct EclipsingBinary {
    params: BinaryParams,
    orbit: Orbit,
    l1: f64,
    l2: f64,
    ell: (f64, f64),
    refl: (f64, f64),
    sin_i: f64,
    norm: f64,
}

impl EclipsingBinary {
    /// Builds the model after [`BinaryParams::validate`].
    pub fn new(params: BinaryParams) -> Result<Self> {
        params.validate()?;
        let p = &params;
        let incl = p.incl_deg.to_radians();
        let orbit = Orbit::new(p.period_d, p.t0, p.ecc, p.omega_deg.to_radians(), incl);
        let k = p.r2 / p.r1;
        let l2 = p.sb_ratio * k * k / (1.0 + p.sb_ratio * k * k);
        let l1 = 1.0 - l2;
        let sin_i = incl.sin();
        let alpha = |ld: &QuadraticLd, tau: f64| {
            let u = ld.linear_equivalent();
            0.15 * (15.0 + u) * (1.0 + tau) / (3.0 - u)
        };
        let ell = (
            alpha(&p.ld1, p.gravity_darkening.0) * p.mass_ratio * p.r1.powi(3) * sin_i * sin_i,
            alpha(&p.ld2, p.gravity_darkening.1) / p.mass_ratio * p.r2.powi(3) * sin_i * sin_i,
        );
        // Light reflected by star j, relative to the system, at full phase.
        let refl = (p.albedo.0 * l2 * p.r1 * p.r1, p.albedo.1 * l1 * p.r2 * p.r2);
        let norm = 1.0 + 0.5 * (refl.0 + refl.1);
        Ok(Self {
            params,
            orbit,
            l1,
            l2,
            ell,
            refl,
            sin_i,
            norm,
        })
    }

    /// The parameters this model was built from.
    pub fn params(&self) -> &BinaryParams {
        &self.params
    }

    /// Light fraction of star 1 (before dilution).
    pub fn light_fraction1(&self) -> f64 {
        self.l1
    }

    /// The orbit (conjunction times, secondary phase).
    pub fn orbit(&self) -> &Orbit {
        &self.orbit
    }

    /// Normalised flux at `t` with and without the eclipses, after dilution.
    pub fn flux_parts(&self, t: f64) -> (f64, f64) {
        let p = &self.params;
        let pos = self.orbit.position(t);
        let (mut b1, mut b2) = (0.0, 0.0);
        if pos.projected < p.r1 + p.r2 {
            if pos.star2_in_front {
                b1 = occulted_fraction(p.r2 / p.r1, pos.projected / p.r1, &p.ld1);
            } else {
                b2 = occulted_fraction(p.r1 / p.r2, pos.projected / p.r2, &p.ld2);
            }
        }
        let inv_r = 1.0 / pos.separation;
        let c = pos.phase_angle.cos();
        let c2 = (2.0 * pos.phase_angle).cos();
        let e1 = -self.ell.0 * inv_r.powi(3) * c2;
        let e2 = -self.ell.1 * inv_r.powi(3) * c2;
        let r1 = self.refl.0 * inv_r * inv_r * 0.5 * (1.0 + self.sin_i * c);
        let r2 = self.refl.1 * inv_r * inv_r * 0.5 * (1.0 - self.sin_i * c);
        let s1 = self.l1 * (1.0 + e1) + r1;
        let s2 = self.l2 * (1.0 + e2) + r2;
        let with = (s1 * (1.0 - b1) + s2 * (1.0 - b2)) / self.norm;
        let without = (s1 + s2) / self.norm;
        let l3 = p.third_light;
        ((1.0 - l3) * with + l3, (1.0 - l3) * without + l3)
    }

    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        self.flux_parts(t).0
    }

    /// Fractional depths of the primary and secondary eclipses at conjunction, relative to
    /// the flux the system would have there without the eclipse (0 when there is none).
    pub fn depths(&self) -> (f64, f64) {
        let t0 = self.params.t0;
        let depth = |t: f64| {
            let (w, wo) = self.flux_parts(t);
            (1.0 - w / wo).max(0.0)
        };
        (depth(t0), depth(self.orbit.secondary_time(t0)))
    }

    /// Total duration (first to fourth contact) of the primary eclipse in days, from a
    /// scan of the projected separation around conjunction; 0 without an eclipse.
    pub fn primary_duration(&self) -> f64 {
        let p = &self.params;
        let t0 = p.t0;
        let touching = |t: f64| {
            let pos = self.orbit.position(t);
            pos.star2_in_front && pos.projected < p.r1 + p.r2
        };
        if !touching(t0) {
            return 0.0;
        }
        let edge = |dir: f64| {
            let (mut inside, mut outside) = (0.0, 0.25 * p.period_d);
            for _ in 0..50 {
                let mid = 0.5 * (inside + outside);
                if touching(t0 + dir * mid) {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            inside
        };
        edge(1.0) + edge(-1.0)
    }

    /// Shortest time scale of the light curve (eclipse ingress), for exposure integration.
    pub fn min_timescale(&self) -> f64 {
        let p = &self.params;
        let ingress = p.period_d * p.r1.min(p.r2) * (1.0 - p.ecc) / std::f64::consts::TAU;
        let dur = self.primary_duration();
        if dur > 0.0 {
            ingress.min(dur / 4.0)
        } else {
            p.period_d / 20.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BinaryParams {
        let ld = QuadraticLd::new(0.4, 0.2).unwrap();
        BinaryParams {
            period_d: 2.5,
            t0: 100.0,
            ecc: 0.0,
            omega_deg: 90.0,
            incl_deg: 89.0,
            r1: 0.12,
            r2: 0.08,
            sb_ratio: 0.5,
            mass_ratio: 0.7,
            ld1: ld,
            ld2: ld,
            gravity_darkening: (0.32, 0.32),
            albedo: (0.5, 0.5),
            third_light: 0.0,
        }
    }

    #[test]
    fn impossible_parameters_are_typed_errors() {
        let mut p = base();
        p.period_d = 0.0;
        assert!(matches!(p.validate(), Err(Error::InvalidPeriod(_))));
        p.period_d = -1.0;
        assert!(matches!(p.validate(), Err(Error::InvalidPeriod(_))));
        let mut p = base();
        p.ecc = 1.0;
        assert!(matches!(p.validate(), Err(Error::InvalidEccentricity(_))));
        let mut p = base();
        p.r1 = 0.6;
        p.r2 = 0.5;
        assert!(matches!(p.validate(), Err(Error::StarsOverlap { .. })));
        let mut p = base();
        p.third_light = 1.0;
        assert!(matches!(
            p.validate(),
            Err(Error::OutOfRange {
                name: "third_light",
                ..
            })
        ));
        let mut p = base();
        p.r1 = 0.45; // fills the lobe (R_L/a = 0.40 for q = 1/0.7)
        assert!(p.validate().is_ok());
        assert!(matches!(
            p.validate_detached(),
            Err(Error::RocheLobeOverflow { star: 1, .. })
        ));
    }

    #[test]
    fn depth_ratio_follows_surface_brightness() {
        // Circular, edge-on, total/annular eclipses: the secondary is shallower by roughly
        // the surface-brightness ratio.
        // A wide orbit, so that ellipsoidal variation (~ (R/a)^3) is negligible.
        let mut p = base();
        p.incl_deg = 90.0;
        p.albedo = (0.0, 0.0);
        p.r1 = 0.012;
        p.r2 = 0.008;
        let eb = EclipsingBinary::new(p.clone()).unwrap();
        let (d1, d2) = eb.depths();
        assert!(d1 > d2 && d2 > 0.0);
        // Secondary is total: depth = l2 exactly.
        assert!((d2 - (1.0 - eb.light_fraction1())).abs() < 1e-5);
        // Primary: annular transit of a limb-darkened star with k = 2/3.
        let want = eb.light_fraction1() * occulted_fraction(p.r2 / p.r1, 0.0, &p.ld1);
        assert!((d1 - want).abs() < 1e-5);
    }

    #[test]
    fn dilution_scales_depth() {
        let mut p = base();
        let d = EclipsingBinary::new(p.clone()).unwrap().depths().0;
        p.third_light = 0.9;
        let dd = EclipsingBinary::new(p).unwrap().depths().0;
        // Exactly 10% of the undiluted depth up to the out-of-eclipse level (ellipsoidal
        // and reflection move it by well under 1%).
        assert!((dd / (0.1 * d) - 1.0).abs() < 0.01, "{dd} {d}");
    }

    #[test]
    fn eccentric_orbit_moves_and_can_remove_the_secondary() {
        let mut p = base();
        p.ecc = 0.4;
        p.omega_deg = 0.0;
        p.incl_deg = 86.0;
        let eb = EclipsingBinary::new(p).unwrap();
        let phase2 = eb.orbit().secondary_phase();
        assert!((phase2 - 0.5).abs() > 0.2);
        let mut p = base();
        p.ecc = 0.5;
        p.omega_deg = 90.0; // periastron at primary: secondary at apastron, 3x farther
        p.incl_deg = 80.0; // b = 0.09 at primary, 0.26 > r1 + r2 at secondary
        let eb = EclipsingBinary::new(p).unwrap();
        let (d1, d2) = eb.depths();
        assert!(d1 > 0.0 && d2 == 0.0, "{d1} {d2}");
    }

    #[test]
    fn ellipsoidal_minima_at_conjunctions() {
        let mut p = base();
        p.r1 = 0.3;
        p.r2 = 0.25;
        p.incl_deg = 40.0; // no eclipse
        let eb = EclipsingBinary::new(p).unwrap();
        assert_eq!(eb.depths(), (0.0, 0.0));
        let f0 = eb.flux(100.0);
        let fq = eb.flux(100.0 + 2.5 / 4.0);
        assert!(fq > f0);
    }
}
