//! Keplerian orbits: Kepler's equation and the sky-projected geometry of a binary.

use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// Eccentric anomaly `E` solving Kepler's equation `M = E - e sin E`, by Newton's method
/// started at `M + e sin M` (or `pi` for high eccentricity near periastron, where Newton from
/// `M` can overshoot), iterated to 1e-13 rad.
///
/// ```
/// let e = 0.6;
/// let m = 1.0;
/// let big_e = lc_sim::orbit::eccentric_anomaly(m, e);
/// assert!((big_e - e * big_e.sin() - m).abs() < 1e-12);
/// ```
pub fn eccentric_anomaly(mean_anomaly: f64, ecc: f64) -> f64 {
    let m = mean_anomaly.rem_euclid(TAU);
    if ecc == 0.0 {
        return m;
    }
    let mut e = if ecc > 0.8 { PI } else { m + ecc * m.sin() };
    for _ in 0..60 {
        let f = e - ecc * e.sin() - m;
        let step = f / (1.0 - ecc * e.cos());
        e -= step;
        if step.abs() < 1e-13 {
            break;
        }
    }
    e
}

/// True anomaly from the eccentric anomaly.
pub fn true_anomaly(ecc_anomaly: f64, ecc: f64) -> f64 {
    2.0 * (((1.0 + ecc) / (1.0 - ecc)).sqrt() * (ecc_anomaly / 2.0).tan()).atan()
}

/// Mean anomaly at a given true anomaly (inverse of the two functions above).
pub fn mean_anomaly_at(true_anom: f64, ecc: f64) -> f64 {
    let e_anom = 2.0 * (((1.0 - ecc) / (1.0 + ecc)).sqrt() * (true_anom / 2.0).tan()).atan();
    e_anom - ecc * e_anom.sin()
}

/// An orbit in units of its semi-major axis, timed by the primary conjunction.
///
/// Convention: the relative orbit of star 2 about star 1 has argument of periastron `omega`;
/// star 2 is in front (the primary eclipse, of star 1) at `nu + omega = pi/2`.
#[derive(Debug, Clone, Copy)]
pub struct Orbit {
    period: f64,
    ecc: f64,
    omega: f64,
    sin_i: f64,
    t_peri: f64,
}

/// Where the two stars are at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    /// Separation of the centres, in units of the semi-major axis.
    pub separation: f64,
    /// Sky-projected separation, in units of the semi-major axis.
    pub projected: f64,
    /// True when star 2 is nearer the observer than star 1.
    pub star2_in_front: bool,
    /// Orbital phase angle from the primary conjunction, `nu + omega - pi/2`.
    pub phase_angle: f64,
}

impl Orbit {
    /// An orbit of period `period` days whose primary conjunction falls at `t0`; `omega` and
    /// `incl` in radians. Inputs are validated by the callers ([`crate::BinaryParams`]).
    pub fn new(period: f64, t0: f64, ecc: f64, omega: f64, incl: f64) -> Self {
        let nu_c = FRAC_PI_2 - omega;
        let m_c = mean_anomaly_at(nu_c, ecc);
        Self {
            period,
            ecc,
            omega,
            sin_i: incl.sin(),
            t_peri: t0 - period * m_c / TAU,
        }
    }

    /// Positions at time `t` (days).
    pub fn position(&self, t: f64) -> Position {
        let m = TAU * (t - self.t_peri) / self.period;
        let e_anom = eccentric_anomaly(m, self.ecc);
        let nu = true_anomaly(e_anom, self.ecc);
        let r = 1.0 - self.ecc * e_anom.cos();
        let s = (nu + self.omega).sin();
        Position {
            separation: r,
            projected: r * (1.0 - s * s * self.sin_i * self.sin_i).max(0.0).sqrt(),
            star2_in_front: s > 0.0,
            phase_angle: nu + self.omega - FRAC_PI_2,
        }
    }

    /// Time from the primary to the next secondary conjunction, as a fraction of the period.
    pub fn secondary_phase(&self) -> f64 {
        let m1 = mean_anomaly_at(FRAC_PI_2 - self.omega, self.ecc);
        let m2 = mean_anomaly_at(3.0 * FRAC_PI_2 - self.omega, self.ecc);
        ((m2 - m1) / TAU).rem_euclid(1.0)
    }

    /// Time of the secondary conjunction that follows `t0`.
    pub fn secondary_time(&self, t0: f64) -> f64 {
        t0 + self.secondary_phase() * self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kepler_residual_is_tiny_for_all_eccentricities() {
        for ie in 0..100 {
            let e = ie as f64 * 0.0099;
            for im in 0..200 {
                let m = im as f64 * TAU / 200.0;
                let big_e = eccentric_anomaly(m, e);
                let resid = (big_e - e * big_e.sin() - m + PI).rem_euclid(TAU) - PI;
                assert!(resid.abs() < 1e-11, "e={e} M={m}: residual {resid}");
            }
        }
    }

    #[test]
    fn conjunctions_are_where_the_convention_puts_them() {
        let o = Orbit::new(3.0, 10.0, 0.3, 1.0, 89f64.to_radians());
        let p = o.position(10.0);
        assert!(p.star2_in_front && p.projected < 0.05 && p.phase_angle.abs() < 1e-9);
        let ts = o.secondary_time(10.0);
        let q = o.position(ts);
        assert!(!q.star2_in_front && q.projected < 0.05);
        // Sterne's approximation of the secondary phase, to first order in e.
        let approx = 0.5 + 2.0 / PI * 0.3 * 1f64.cos();
        assert!((o.secondary_phase() - approx).abs() < 0.03);
    }

    #[test]
    fn circular_secondary_at_half_phase() {
        let o = Orbit::new(1.0, 0.0, 0.0, FRAC_PI_2, 1.5);
        assert!((o.secondary_phase() - 0.5).abs() < 1e-12);
    }
}
