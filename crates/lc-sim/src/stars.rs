//! Main-sequence relations used to draw physically consistent stars.
//!
//! Solar units throughout. These are population-level relations: they make drawn systems
//! plausible (radii, temperatures and brightness ratios that go together), not precise.

/// Semi-major axis in solar radii from Kepler's third law:
/// `a = (G M P^2 / 4 pi^2)^(1/3) = 4.2084 (M/Msun)^(1/3) (P/day)^(2/3) Rsun`.
pub fn semi_major_axis(total_mass: f64, period_d: f64) -> f64 {
    4.2084 * total_mass.cbrt() * period_d.powf(2.0 / 3.0)
}

/// Zero-age-ish main-sequence radius (Demircan & Kahraman 1991, Ap&SS 181, 313:
/// `R = 1.06 M^0.945` below 1.66 Msun, `1.33 M^0.555` above).
pub fn ms_radius(mass: f64) -> f64 {
    if mass < 1.66 {
        1.06 * mass.powf(0.945)
    } else {
        1.33 * mass.powf(0.555)
    }
}

/// Main-sequence luminosity, solar units (piecewise mass-luminosity relation, e.g. Duric
/// 2004, *Advanced Astrophysics*, §2: `0.23 M^2.3`, `M^4`, `1.4 M^3.5`).
pub fn ms_luminosity(mass: f64) -> f64 {
    if mass < 0.43 {
        0.23 * mass.powf(2.3)
    } else if mass < 2.0 {
        mass.powi(4)
    } else {
        1.4 * mass.powf(3.5)
    }
}

/// Effective temperature from luminosity and radius (Stefan-Boltzmann, Teff_sun = 5772 K).
pub fn teff(luminosity: f64, radius: f64) -> f64 {
    5772.0 * (luminosity / (radius * radius)).powf(0.25)
}

/// log10 of the surface gravity in cgs (log g_sun = 4.438).
pub fn log_g(mass: f64, radius: f64) -> f64 {
    4.438 + (mass / (radius * radius)).log10()
}

/// Ratio of mean surface brightness of a `t2` star to a `t1` star in the TESS band: Planck
/// intensities averaged over 600-1000 nm (the TESS bandpass, Ricker et al. 2015).
pub fn tess_surface_brightness_ratio(t1: f64, t2: f64) -> f64 {
    // hc/k in micron K.
    const C2: f64 = 14387.77;
    let band = |t: f64| -> f64 {
        (0..9)
            .map(|i| {
                let lam = 0.60 + 0.05 * i as f64;
                1.0 / (lam.powi(5) * ((C2 / (lam * t)).exp() - 1.0))
            })
            .sum()
    };
    band(t2) / band(t1)
}

/// Volume-equivalent Roche-lobe radius of a star over the separation, with
/// `q = M_star / M_companion` (Eggleton 1983, ApJ 268, 368):
/// `R_L/a = 0.49 q^(2/3) / (0.6 q^(2/3) + ln(1 + q^(1/3)))`.
pub fn roche_lobe(q_star_over_companion: f64) -> f64 {
    let q23 = q_star_over_companion.powf(2.0 / 3.0);
    0.49 * q23 / (0.6 * q23 + (1.0 + q_star_over_companion.cbrt()).ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sun_like_values() {
        assert!((semi_major_axis(1.0, 365.25) / 215.03 - 1.0).abs() < 0.01);
        assert!((teff(1.0, 1.0) - 5772.0).abs() < 1e-9);
        assert!((log_g(1.0, 1.0) - 4.438).abs() < 1e-12);
        // Eggleton: equal masses -> 0.379.
        assert!((roche_lobe(1.0) - 0.3789).abs() < 1e-3);
        assert!((tess_surface_brightness_ratio(5000.0, 5000.0) - 1.0).abs() < 1e-12);
        assert!(tess_surface_brightness_ratio(6000.0, 4000.0) < 0.5);
    }
}
