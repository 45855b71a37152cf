//! The other variables: contact binaries, transiting planets, spotted rotators, pulsators,
//! RR Lyrae stars and flares. Each is a normalised flux (quiescent mean about 1).

use std::f64::consts::{PI, TAU};

use serde::{Deserialize, Serialize};

use crate::eclipse::{occulted_fraction, QuadraticLd};
use crate::error::{check_range, Error, Result};

/// A contact (W UMa) binary as a Fourier series in orbital phase `phi = (t - t0)/P`
/// (Rucinski 1993, PASP 105, 1433): `F = 1 + sum_k a_k cos(2 pi k phi) + b1 sin(2 pi phi)`.
/// `a2 < 0` makes the two minima per orbit; `a1 < 0` makes the primary (phase 0) the deeper;
/// `a4` sharpens or rounds the minima; `b1` is the O'Connell effect (unequal maxima).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactBinary {
    /// Orbital period, days.
    pub period_d: f64,
    /// Time of the primary minimum, BTJD.
    pub t0: f64,
    /// Cosine coefficients `a1..a4`.
    pub cos_coeffs: [f64; 4],
    /// Sine coefficient `b1` (O'Connell effect).
    pub sin_coeff: f64,
}

impl ContactBinary {
    /// Checks the period and that the flux stays positive.
    pub fn validate(&self) -> Result<()> {
        if !(self.period_d.is_finite() && self.period_d > 0.0) {
            return Err(Error::InvalidPeriod(self.period_d));
        }
        let min = (0..200)
            .map(|i| self.flux_at_phase(i as f64 / 200.0))
            .fold(f64::INFINITY, f64::min);
        check_range("contact minimum flux", min, 1e-3, f64::MAX, "positive")
    }

    fn flux_at_phase(&self, phi: f64) -> f64 {
        let x = TAU * phi;
        let mut f = 1.0 + self.sin_coeff * x.sin();
        for (k, a) in self.cos_coeffs.iter().enumerate() {
            f += a * ((k + 1) as f64 * x).cos();
        }
        f
    }

    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        self.flux_at_phase((t - self.t0) / self.period_d)
    }

    /// Depths of the minima at phases 0 and 0.5 relative to the highest maximum.
    pub fn depths(&self) -> (f64, f64) {
        let max = (0..400)
            .map(|i| self.flux_at_phase(i as f64 / 400.0))
            .fold(f64::NEG_INFINITY, f64::max);
        (
            1.0 - self.flux_at_phase(0.0) / max,
            1.0 - self.flux_at_phase(0.5) / max,
        )
    }
}

/// A transiting planet on a circular orbit: an opaque disk of radius `rp_rs` crossing a
/// limb-darkened star, no secondary eclipse. The scaled semi-major axis comes from the
/// stellar density, `a/R* = (G rho* P^2 / 3 pi)^(1/3)`, which fixes the duration
/// (Seager & Mallén-Ornelas 2003, ApJ 585, 1038, eq. 3):
/// `T14 = (P/pi) asin[(R*/a) sqrt((1 + k)^2 - b^2) / sin i]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transit {
    /// Orbital period, days.
    pub period_d: f64,
    /// Mid-transit time, BTJD.
    pub t0: f64,
    /// Planet-to-star radius ratio `k`.
    pub rp_rs: f64,
    /// Semi-major axis over stellar radius.
    pub a_rs: f64,
    /// Impact parameter `b = (a/R*) cos i`.
    pub impact: f64,
    /// Stellar limb darkening.
    pub ld: QuadraticLd,
}

impl Transit {
    /// Checks the ranges: period > 0, `0 < k < 0.5`, `a/R* > 1 + k`, `0 <= b < 1 + k`.
    ///
    /// ```
    /// use lc_sim::{QuadraticLd, Transit};
    /// let ld = QuadraticLd::new(0.4, 0.2).unwrap();
    /// let t = Transit { period_d: 3.0, t0: 0.0, rp_rs: 0.1, a_rs: 9.0, impact: 0.3, ld };
    /// assert!(t.validate().is_ok());
    /// assert!((t.depth() - 0.0117).abs() < 0.001);
    /// ```
    pub fn validate(&self) -> Result<()> {
        if !(self.period_d.is_finite() && self.period_d > 0.0) {
            return Err(Error::InvalidPeriod(self.period_d));
        }
        check_range("rp_rs", self.rp_rs, 1e-4, 0.5, "in (0, 0.5)")?;
        check_range(
            "a_rs",
            self.a_rs,
            1.0 + self.rp_rs + 1e-9,
            1e5,
            "> 1 + rp_rs",
        )?;
        check_range(
            "impact",
            self.impact,
            0.0,
            1.0 + self.rp_rs - 1e-9,
            "in [0, 1 + rp_rs)",
        )
    }

    fn cos_i(&self) -> f64 {
        self.impact / self.a_rs
    }

    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        let ph = TAU * (t - self.t0) / self.period_d;
        if ph.cos() <= 0.0 {
            return 1.0; // planet behind the star: no occultation modelled
        }
        let ci = self.cos_i();
        let z = self.a_rs * (ph.sin().powi(2) + ci * ci * ph.cos().powi(2)).sqrt();
        1.0 - occulted_fraction(self.rp_rs, z, &self.ld)
    }

    /// Depth at mid-transit.
    pub fn depth(&self) -> f64 {
        1.0 - self.flux(self.t0)
    }

    /// Total duration, Seager & Mallén-Ornelas (2003) eq. 3.
    pub fn duration(&self) -> f64 {
        let ci = self.cos_i();
        let si = (1.0 - ci * ci).sqrt();
        let x = ((1.0 + self.rp_rs).powi(2) - self.impact.powi(2))
            .max(0.0)
            .sqrt()
            / (self.a_rs * si);
        self.period_d / PI * x.min(1.0).asin()
    }
}

/// One starspot: a dark patch that grows and decays (Gaussian envelope) on a differentially
/// rotating star.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spot {
    /// Latitude, radians.
    pub latitude: f64,
    /// Longitude at t = 0, radians.
    pub longitude: f64,
    /// Flux deficit when at disk centre and at full size.
    pub amplitude: f64,
    /// Time of largest size, BTJD.
    pub t_max: f64,
    /// Envelope width (Gaussian sigma), days.
    pub lifetime_d: f64,
    /// Rotation period at the spot's latitude, days.
    pub period_d: f64,
}

/// A spotted rotator: `F = 1 - sum_k A_k g_k(t) max(mu_k, 0) (1 - u (1 - mu_k))`, with
/// `mu_k = cos i sin(lat_k) + sin i cos(lat_k) cos(2 pi t / P_k + lon_k)` the foreshortening
/// of spot k (a small-spot model in the spirit of Dorren 1987, ApJ 320, 756), `g_k` its
/// growth-and-decay envelope and `u` linear limb darkening. Spots at different latitudes
/// rotate at different periods and come and go, so the signal is quasi-periodic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpottedStar {
    /// Equatorial rotation period, days.
    pub period_d: f64,
    /// Stellar inclination, radians.
    pub inclination: f64,
    /// Linear limb darkening.
    pub limb_u: f64,
    /// The spots.
    pub spots: Vec<Spot>,
}

impl SpottedStar {
    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        let (si, ci) = self.inclination.sin_cos();
        let mut f = 1.0;
        for s in &self.spots {
            let g = ((t - s.t_max) / s.lifetime_d).powi(2);
            if g > 30.0 {
                continue;
            }
            let mu = ci * s.latitude.sin()
                + si * s.latitude.cos() * (TAU * t / s.period_d + s.longitude).cos();
            if mu > 0.0 {
                f -= s.amplitude * (-0.5 * g).exp() * mu * (1.0 - self.limb_u * (1.0 - mu));
            }
        }
        f
    }
}

/// A pulsation mode `a sin(2 pi f t + phase)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mode {
    /// Frequency, cycles per day.
    pub freq_cd: f64,
    /// Semi-amplitude, fraction of the flux.
    pub amplitude: f64,
    /// Phase at t = 0, radians.
    pub phase: f64,
}

/// A multi-periodic pulsator (delta Scuti p modes, gamma Doradus g modes):
/// `F = 1 + sum_k a_k sin(2 pi f_k t + phi_k)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulsator {
    /// The modes.
    pub modes: Vec<Mode>,
}

impl Pulsator {
    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        1.0 + self
            .modes
            .iter()
            .map(|m| m.amplitude * (TAU * m.freq_cd * t + m.phase).sin())
            .sum::<f64>()
    }
}

/// Granulation and supergranulation, the "flicker" of a convective star (Bastien et al.
/// 2013, Nature 500, 427): red noise with a Harvey (1985) spectrum
/// `P(f) ~ 1/(1 + (2 pi f tau)^2)`, synthesised as `sum_k a_k sin(2 pi f_k t + phi_k)` over
/// [`Granulation::COMPONENTS`] log-spaced frequencies from 1/30 to 72 cycles per day (each
/// jittered within its bin), amplitudes `a_k = sigma sqrt(2 w_k E_k / sum_j w_j E_j)` with
/// `w_k = P(f_k) df_k` and `E_k` exponential (Rayleigh amplitudes, so the spectrum of one
/// star is as uneven as a noise realisation's), phases uniform; the rms is `sigma`. A sum of
/// sines, not a noise process, so that it is a function of time: the same star at every
/// cadence, and its exposure mean is exact (`sinc`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Granulation {
    /// The components.
    pub components: Vec<Mode>,
}

impl Granulation {
    /// Number of sines in the synthesis.
    pub const COMPONENTS: usize = 64;

    /// Draws a realisation of rms `sigma` (fraction of the flux) and Harvey time
    /// scale `tau_d` (days).
    pub fn draw<R: rand::Rng>(rng: &mut R, sigma: f64, tau_d: f64) -> Self {
        let (lo, hi) = (1.0f64 / 30.0, 72.0f64);
        let step = (hi / lo).ln() / Self::COMPONENTS as f64;
        let mut raw: Vec<(f64, f64, f64)> = (0..Self::COMPONENTS)
            .map(|k| {
                let a = lo * (step * k as f64).exp();
                let b = a * step.exp();
                let f = a * (step * rng.random::<f64>()).exp();
                let w = (b - a) / (1.0 + (TAU * f * tau_d).powi(2));
                let e = -(1.0 - rng.random::<f64>()).ln();
                (f, w * e, TAU * rng.random::<f64>())
            })
            .collect();
        let total: f64 = raw.iter().map(|r| r.1).sum::<f64>().max(f64::MIN_POSITIVE);
        let components = raw
            .drain(..)
            .map(|(f, we, phase)| Mode {
                freq_cd: f,
                amplitude: sigma * (2.0 * we / total).sqrt(),
                phase,
            })
            .collect();
        Self { components }
    }

    /// Flux excess (fraction) at `t`.
    pub fn excess(&self, t: f64) -> f64 {
        self.mean_excess(t, 0.0)
    }

    /// Mean flux excess over the exposure `[t - e/2, t + e/2]`, exactly: each sine is
    /// multiplied by `sin(pi f e)/(pi f e)`.
    pub fn mean_excess(&self, t: f64, exposure_d: f64) -> f64 {
        self.components
            .iter()
            .map(|m| {
                let x = PI * m.freq_cd * exposure_d;
                let sinc = if x.abs() < 1e-9 { 1.0 } else { x.sin() / x };
                m.amplitude * sinc * (TAU * m.freq_cd * t + m.phase).sin()
            })
            .sum()
    }
}

/// An RR Lyrae star: a magnitude light curve as a Fourier series whose amplitudes fall as
/// `rho^(k-1)/k` (a sawtooth for `rho = 1`: slow decline, fast rise), with optional Blazhko
/// amplitude modulation. `m(phi) = -A S(phi) / ptp(S)`,
/// `S = sum_{k=1}^{8} rho^(k-1)/k sin(2 pi k phi + psi_k)`; flux `10^(-0.4 m)` over its mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RrLyrae {
    /// Pulsation period, days.
    pub period_d: f64,
    /// Time of maximum light (approximately), BTJD.
    pub t0: f64,
    /// Peak-to-peak amplitude in the TESS band, magnitudes.
    pub amp_mag: f64,
    /// Harmonic damping `rho` (about 0.7 for RRab, 0.2 for RRc).
    pub damping: f64,
    /// Phase offsets `psi_k` of the harmonics, radians.
    pub phases: [f64; 8],
    /// Blazhko period (days) and relative amplitude modulation, if any.
    pub blazhko: Option<(f64, f64)>,
    ptp: f64,
    mean: f64,
}

impl RrLyrae {
    /// Builds the star; computes the normalisations.
    pub fn new(
        period_d: f64,
        t0: f64,
        amp_mag: f64,
        damping: f64,
        phases: [f64; 8],
        blazhko: Option<(f64, f64)>,
    ) -> Result<Self> {
        if !(period_d.is_finite() && period_d > 0.0) {
            return Err(Error::InvalidPeriod(period_d));
        }
        check_range("amp_mag", amp_mag, 0.0, 3.0, "in [0, 3] mag")?;
        check_range("damping", damping, 0.0, 1.0, "in [0, 1]")?;
        let mut star = Self {
            period_d,
            t0,
            amp_mag,
            damping,
            phases,
            blazhko,
            ptp: 1.0,
            mean: 1.0,
        };
        let s: Vec<f64> = (0..512).map(|i| star.shape(i as f64 / 512.0)).collect();
        let (lo, hi) = s
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        star.ptp = (hi - lo).max(1e-12);
        star.mean = s
            .iter()
            .map(|v| 10f64.powf(0.4 * amp_mag * v / star.ptp))
            .sum::<f64>()
            / s.len() as f64;
        Ok(star)
    }

    fn shape(&self, phi: f64) -> f64 {
        (1..=8)
            .map(|k| {
                let kf = k as f64;
                self.damping.powi(k - 1) / kf * (TAU * kf * phi + self.phases[k as usize - 1]).sin()
            })
            .sum()
    }

    /// Normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        let amp = match self.blazhko {
            Some((pb, db)) => self.amp_mag * (1.0 + db * (TAU * t / pb).sin()),
            None => self.amp_mag,
        };
        // The sawtooth rises at phase 0, so t0 is (close to) maximum light.
        let phi = (t - self.t0) / self.period_d;
        10f64.powf(0.4 * amp * self.shape(phi) / self.ptp) / self.mean
    }
}

/// A flare with the Davenport et al. (2014, ApJ 797, 122) template: rise
/// `1 + 1.941 x - 0.175 x^2 - 2.246 x^3 - 1.125 x^4` for `-1 <= x <= 0`, decay
/// `0.6890 e^(-1.600 x) + 0.3030 e^(-0.2783 x)` for `x > 0`, `x = (t - t_peak)/t_half`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flare {
    /// Peak time, BTJD.
    pub t_peak: f64,
    /// Full width at half maximum, days.
    pub t_half_d: f64,
    /// Peak amplitude, fraction of the quiescent flux.
    pub amplitude: f64,
}

impl Flare {
    /// Template integral from `x = -1` (exact; polynomial and exponentials).
    fn integral(x: f64) -> f64 {
        let poly = |x: f64| {
            x + 1.941 * x * x / 2.0
                - 0.175 * x.powi(3) / 3.0
                - 2.246 * x.powi(4) / 4.0
                - 1.125 * x.powi(5) / 5.0
        };
        if x <= -1.0 {
            0.0
        } else if x <= 0.0 {
            poly(x) - poly(-1.0)
        } else {
            poly(0.0) - poly(-1.0)
                + 0.6890 / 1.600 * (1.0 - (-1.600 * x).exp())
                + 0.3030 / 0.2783 * (1.0 - (-0.2783 * x).exp())
        }
    }

    /// Template value at `x`.
    fn template(x: f64) -> f64 {
        if x < -1.0 {
            0.0
        } else if x <= 0.0 {
            1.0 + 1.941 * x - 0.175 * x * x - 2.246 * x.powi(3) - 1.125 * x.powi(4)
        } else {
            0.6890 * (-1.600 * x).exp() + 0.3030 * (-0.2783 * x).exp()
        }
    }

    /// Flux excess (fraction) at `t`.
    pub fn excess(&self, t: f64) -> f64 {
        self.amplitude * Self::template((t - self.t_peak) / self.t_half_d)
    }

    /// Mean flux excess over the exposure `[t - e/2, t + e/2]`, exactly.
    pub fn mean_excess(&self, t: f64, exposure_d: f64) -> f64 {
        if exposure_d <= 0.0 {
            return self.excess(t);
        }
        let xa = (t - 0.5 * exposure_d - self.t_peak) / self.t_half_d;
        let xb = (t + 0.5 * exposure_d - self.t_peak) / self.t_half_d;
        self.amplitude * (Self::integral(xb) - Self::integral(xa)) / (xb - xa)
    }

    /// Times after which the flare is below 1e-4 of its peak.
    pub fn window(&self) -> (f64, f64) {
        (
            self.t_peak - self.t_half_d,
            self.t_peak + 35.0 * self.t_half_d,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flare_integral_matches_numerical_quadrature() {
        let f = Flare {
            t_peak: 1.0,
            t_half_d: 0.004,
            amplitude: 0.3,
        };
        for &(t, e) in &[
            (1.0, 0.00139),
            (1.001, 0.0208),
            (0.999, 0.00023),
            (1.02, 0.00139),
        ] {
            let n = 20000;
            let num: f64 = (0..n)
                .map(|i| f.excess(t - 0.5 * e + (i as f64 + 0.5) * e / n as f64))
                .sum::<f64>()
                / n as f64;
            let exact = f.mean_excess(t, e);
            assert!(
                (num - exact).abs() < 1e-6 * 0.3,
                "{t} {e}: {num} vs {exact}"
            );
        }
        // The template peaks at 1 and starts near 0.
        assert!((Flare::template(0.0) - 1.0).abs() < 1e-12);
        assert!(Flare::template(-1.0).abs() < 0.01);
    }

    #[test]
    fn granulation_has_its_rms_its_exact_exposure_mean_and_red_power() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(4);
        let (mut rms, mut fast, mut slow) = (Vec::new(), 0.0, 0.0);
        for _ in 0..40 {
            let g = Granulation::draw(&mut rng, 1e-4, 0.1);
            let v: Vec<f64> = (0..20_000).map(|i| g.excess(i as f64 * 0.00139)).collect();
            rms.push((v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt());
            // Power per unit frequency below 1 c/d against above 10 c/d: red, as a Harvey
            // profile with tau = 0.1 d is (about 240 times; white noise would give 1).
            for m in &g.components {
                if m.freq_cd < 1.0 {
                    slow += m.amplitude * m.amplitude;
                } else if m.freq_cd > 10.0 {
                    fast += m.amplitude * m.amplitude;
                }
            }
            // The closed-form exposure mean against a fine numerical one.
            let (t, e) = (1500.3, 1800.0 / 86_400.0);
            let num = (0..4000)
                .map(|i| g.excess(t - 0.5 * e + (i as f64 + 0.5) * e / 4000.0))
                .sum::<f64>()
                / 4000.0;
            assert!((num - g.mean_excess(t, e)).abs() < 1e-9, "{num}");
        }
        rms.sort_by(f64::total_cmp);
        let median = rms[rms.len() / 2];
        assert!((0.8e-4..1.2e-4).contains(&median), "median rms {median}");
        let ratio = (slow / (1.0 - 1.0 / 30.0)) / (fast / 62.0);
        assert!(ratio > 50.0, "density ratio {ratio}");
    }

    #[test]
    fn transit_duration_matches_the_model() {
        let ld = QuadraticLd::new(0.4, 0.2).unwrap();
        let t = Transit {
            period_d: 4.0,
            t0: 0.0,
            rp_rs: 0.1,
            a_rs: 10.0,
            impact: 0.5,
            ld,
        };
        let d = t.duration();
        assert!(t.flux(0.49 * d) < 1.0 && t.flux(0.51 * d) == 1.0);
        assert_eq!(t.flux(2.0), 1.0);
        assert!(t.validate().is_ok());
        let bad = Transit {
            impact: 1.2,
            ..t.clone()
        };
        assert!(bad.validate().is_err());
        let bad = Transit {
            period_d: -1.0,
            ..t
        };
        assert!(matches!(bad.validate(), Err(Error::InvalidPeriod(_))));
    }

    #[test]
    fn rr_lyrae_rises_faster_than_it_declines() {
        let rr = RrLyrae::new(0.55, 0.0, 0.6, 0.75, [0.0; 8], None).unwrap();
        let n = 1000;
        let f: Vec<f64> = (0..n)
            .map(|i| rr.flux(i as f64 * 0.55 / n as f64))
            .collect();
        let imax = (0..n).max_by(|&a, &b| f[a].total_cmp(&f[b])).unwrap();
        let imin = (0..n).min_by(|&a, &b| f[a].total_cmp(&f[b])).unwrap();
        let rise = (imax + n - imin) % n;
        assert!(rise < n / 4, "rise takes {rise} of {n} samples");
        let mean = f.iter().sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 1e-3);
    }

    #[test]
    fn contact_minima_are_unequal_and_positive() {
        let c = ContactBinary {
            period_d: 0.35,
            t0: 0.0,
            cos_coeffs: [-0.02, -0.15, 0.0, 0.01],
            sin_coeff: 0.005,
        };
        c.validate().unwrap();
        let (d1, d2) = c.depths();
        assert!(d1 > d2 && d2 > 0.2);
        let bad = ContactBinary {
            cos_coeffs: [-0.5, -0.6, 0.0, 0.0],
            ..c
        };
        assert!(bad.validate().is_err());
    }
}
