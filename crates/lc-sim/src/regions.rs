//! The hard-cases population: parameter regions where classifiers trained on the reference
//! mix fail on real light curves (issue 21), drawn on their own so that a training set can
//! hold as many of them as it needs.
//!
//! Each [`Region`] belongs to a [`Class`] (so labels and `--classes` work as for the
//! reference mix) and narrows or extends that class's distributions; docs/simulation.md
//! states them and compares them with the real fixtures.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use crate::binary::{BinaryParams, EclipsingBinary};
use crate::draw::{
    self, binary_drawn, draw_flares, gravity_darkening, log_uniform, place_epoch, spotted_star,
    star_of_mass, try_planet, uniform, BinaryConstraints, Class, Drawn, Window,
};
use crate::eclipse::QuadraticLd;
use crate::error::{Error, Result};
use crate::signal::Signal;
use crate::stars;
use crate::variables::{Granulation, Mode, Pulsator};

/// Which mix of light curves a set draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Population {
    /// Every class with the weights of [`Class::weight`] and the distributions of
    /// [`crate::draw`]: the mix the published sets and the shipped weights were made with.
    /// The same seed gives the same bytes as before populations existed.
    #[default]
    Reference,
    /// Only the [`Region`]s, each with its weight within its label group, on the sector
    /// layout measured from the real files ([`crate::tess::SectorLayout::Measured`]).
    HardCases,
}

impl Population {
    /// Every population, in the order of the `--population` help.
    pub const ALL: [Population; 2] = [Population::Reference, Population::HardCases];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Population::Reference => "reference",
            Population::HardCases => "hard-cases",
        }
    }
}

impl fmt::Display for Population {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Population {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        Population::ALL
            .into_iter()
            .find(|p| p.name() == t)
            .ok_or(Error::UnknownPopulation(t))
    }
}

/// A parameter region of the hard-cases population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    /// Detached M-dwarf twins (like CM Dra): short periods, narrow, equal, deep eclipses,
    /// half of them spotted and flaring (label 1).
    LowMassTwin,
    /// Detached binaries whose period leaves one or two primary eclipses in a segment, each
    /// segment holding at least one (label 1).
    LongPeriod,
    /// Transiting planets around stars with spots, granulation and flares (label 0).
    ActivePlanetHost,
    /// M dwarfs flaring several times a day (label 0).
    FlareStar,
    /// Spotted stars rotating in under a day (label 0).
    FastRotator,
    /// Ellipsoidal variables with Doppler beaming and the first and third harmonics of the
    /// ellipsoidal variation (label 1).
    BeamingEllipsoidal,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 6] = [
        Region::LowMassTwin,
        Region::LongPeriod,
        Region::ActivePlanetHost,
        Region::FlareStar,
        Region::FastRotator,
        Region::BeamingEllipsoidal,
    ];

    /// The name in the `region` column of `labels.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Region::LowMassTwin => "low-mass-twin",
            Region::LongPeriod => "long-period",
            Region::ActivePlanetHost => "active-planet-host",
            Region::FlareStar => "flare-star",
            Region::FastRotator => "fast-rotator",
            Region::BeamingEllipsoidal => "beaming-ellipsoidal",
        }
    }

    /// The class the region belongs to (its `class` column and label).
    pub fn class(self) -> Class {
        match self {
            Region::LowMassTwin | Region::LongPeriod => Class::Detached,
            Region::ActivePlanetHost => Class::Planet,
            Region::FlareStar => Class::Flare,
            Region::FastRotator => Class::Rotator,
            Region::BeamingEllipsoidal => Class::Ellipsoidal,
        }
    }

    /// Relative frequency of the region within its label group.
    pub fn weight(self) -> f64 {
        match self {
            Region::LowMassTwin | Region::LongPeriod => 0.5,
            Region::BeamingEllipsoidal => 0.3,
            Region::ActivePlanetHost => 0.4,
            Region::FlareStar | Region::FastRotator => 0.3,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        Region::ALL
            .into_iter()
            .find(|r| r.name() == t)
            .ok_or(Error::UnknownRegion(t))
    }
}

/// Draws the signal of one light curve of `region` for the window `w`. `longest_period` is
/// the span of the shortest segment a classifier will see (days): a long-period binary
/// stays below it, so that each segment can hold an eclipse.
pub fn draw_region<R: Rng>(
    rng: &mut R,
    region: Region,
    w: Window,
    longest_period: f64,
) -> Result<Drawn> {
    let mut d = match region {
        Region::LowMassTwin => draw_low_mass_twin(rng, w)?,
        Region::LongPeriod => draw_long_period(rng, w, longest_period)?,
        Region::ActivePlanetHost => draw_active_planet_host(rng, w),
        Region::FlareStar => draw_flare_star(rng, w),
        Region::FastRotator => draw_fast_rotator(rng, w),
        Region::BeamingEllipsoidal => draw_beaming_ellipsoidal(rng, w)?,
    };
    let class = region.class();
    d.truth.class = class.name().to_owned();
    d.truth.label = u8::from(class.is_eb());
    d.truth.region = Some(region.name().to_owned());
    Ok(d)
}

/// Low-mass twins: M1 uniform 0.1-0.6 Msun (M dwarfs, and late K at the top), q uniform
/// 0.9-1, both radii main-sequence inflated by 0-10% (M dwarfs in eclipsing binaries are
/// larger than models, Torres 2013, AN 334, 4); P log-uniform 0.25-3 d (CM Dra: 1.27 d);
/// circular; impact parameter uniform 0-0.6 in units of R1 + R2, so eclipses are deep and of
/// nearly equal depth; both stars within 60% of their Roche lobes (GU Boo, twin M dwarfs at
/// 0.49 d, fill 60%), which keeps the eclipses narrow. Half are active: spots rotating with the orbit (tidally locked),
/// amplitude log-uniform 0.1%-1%, and flares at 0.1-2 per day of 0.3%-30%.
pub fn draw_low_mass_twin<R: Rng>(rng: &mut R, w: Window) -> Result<Drawn> {
    const TRIES: usize = 1000;
    for _ in 0..TRIES {
        let m1 = uniform(rng, 0.1, 0.6);
        let m2 = m1 * uniform(rng, 0.9, 1.0);
        let period = log_uniform(rng, 0.25, 3.0);
        let (_, r1, t1) = star_of_mass(m1, uniform(rng, 1.0, 1.1));
        let (_, r2, t2) = star_of_mass(m2, uniform(rng, 1.0, 1.1));
        let a = stars::semi_major_axis(m1 + m2, period);
        let (r1a, r2a) = (r1 / a, r2 / a);
        let cos_i = uniform(rng, 0.0, 0.6) * (r1a + r2a);
        let p = BinaryParams {
            period_d: period,
            t0: place_epoch(rng, period, w, None),
            ecc: 0.0,
            omega_deg: 90.0,
            incl_deg: cos_i.acos().to_degrees(),
            r1: r1a,
            r2: r2a,
            sb_ratio: stars::tess_surface_brightness_ratio(t1, t2),
            mass_ratio: m2 / m1,
            ld1: QuadraticLd::tess_for_teff(t1),
            ld2: QuadraticLd::tess_for_teff(t2),
            gravity_darkening: (gravity_darkening(t1), gravity_darkening(t2)),
            albedo: (0.5, 0.5),
            third_light: 0.0,
        };
        let within_lobes = p.r1 <= 0.6 * stars::roche_lobe(1.0 / p.mass_ratio)
            && p.r2 <= 0.6 * stars::roche_lobe(p.mass_ratio);
        if p.validate_detached().is_err() || !within_lobes {
            continue;
        }
        let Ok(eb) = EclipsingBinary::new(p) else {
            continue;
        };
        let duration = eb.primary_duration();
        let mut d = binary_drawn(eb, t1, m1, r1, None, Some(duration));
        d.truth.third_light = Some(0.0);
        if rng.random::<f64>() < 0.5 {
            let spots = spotted_star(rng, w, period, (1e-3, 1e-2), (5.0, 30.0), 0.2);
            let flares = draw_flares(rng, w, (0.1, 2.0), (0.003, 0.3));
            d.truth.n_flares = Some(flares.len() as u32);
            d.signal = Signal::ActiveStar {
                base: Box::new(d.signal),
                spots: Some(spots),
                granulation: None,
                flares,
            };
        }
        return Ok(d);
    }
    Err(Error::DepthUnreachable {
        depth: f64::NAN,
        class: "low-mass-twin",
        tries: TRIES,
    })
}

/// Long-period detached binaries: P log-uniform from half to all of `longest_period` (the
/// shortest segment's span), so a segment that holds an eclipse holds one or two; observed
/// primary depth log-uniform 0.5%-40%; the rest as [`draw::draw_binary`] (eccentric orbits,
/// evolved primaries). The caller redraws the epoch until every segment holds a primary
/// eclipse on valid data, so no segment of a label-1 file is flat.
pub fn draw_long_period<R: Rng>(rng: &mut R, w: Window, longest_period: f64) -> Result<Drawn> {
    let hi = longest_period.clamp(4.0, 14.0);
    let c = BinaryConstraints {
        period_d: Some(log_uniform(rng, 0.5 * hi, hi)),
        depth: Some(log_uniform(rng, 0.005, 0.4)),
        ..Default::default()
    };
    draw::draw_binary(rng, Class::Detached, w, c, 0.0)
}

/// Planet hosts with their own variability: a transit as [`draw::draw_planet`] but hosts of
/// 0.3-1.4 Msun (M dwarfs included) and radius ratios 0.03-0.2; spots with a rotation period
/// log-uniform 1-30 d, amplitude log-uniform 0.03%-2%, lifetimes 5-30 d; granulation of rms
/// log-uniform 30-300 ppm (dwarfs to subgiants, Bastien et al. 2013) and Harvey time scale
/// 0.5-8 h; flares at 0.05-2 per day of 0.1%-20%.
pub fn draw_active_planet_host<R: Rng>(rng: &mut R, w: Window) -> Drawn {
    let mut d = loop {
        if let Some(d) = try_planet(rng, w, (0.3, 1.4), (0.03, 0.2)) {
            break d;
        }
    };
    let prot = log_uniform(rng, 1.0, 30.0);
    let spots = spotted_star(rng, w, prot, (3e-4, 2e-2), (5.0, 30.0), 0.2);
    let sigma = log_uniform(rng, 3e-5, 3e-4);
    let tau = log_uniform(rng, 0.5, 8.0) / 24.0;
    let granulation = Granulation::draw(rng, sigma, tau);
    let flares = draw_flares(rng, w, (0.05, 2.0), (0.001, 0.2));
    d.truth.n_flares = Some(flares.len() as u32);
    d.signal = Signal::ActiveStar {
        base: Box::new(d.signal),
        spots: Some(spots),
        granulation: Some(granulation),
        flares,
    };
    d
}

/// Flare stars: M dwarfs of 0.1-0.5 Msun rotating in 0.2-5 d (log-uniform), spots
/// 0.1%-3%, flares at 2-12 per day (the reference flare class: 0.2-3) of 0.3%-80%.
pub fn draw_flare_star<R: Rng>(rng: &mut R, w: Window) -> Drawn {
    let m = uniform(rng, 0.1, 0.5);
    let period = log_uniform(rng, 0.2, 5.0);
    let (_, r, t) = star_of_mass(m, 1.0);
    let spots = spotted_star(rng, w, period, (1e-3, 3e-2), (2.0, 20.0), 0.2);
    let flares = draw_flares(rng, w, (2.0, 12.0), (0.003, 0.8));
    Drawn {
        truth: crate::truth::Truth {
            period_d: Some(period),
            teff: Some(t),
            n_flares: Some(flares.len() as u32),
            ..Default::default()
        },
        signal: Signal::FlareStar { spots, flares },
        star: (t, stars::log_g(m, r), r),
    }
}

/// Fast rotators: stars of 0.1-1.3 Msun (young K and M dwarfs among them) rotating in
/// 0.1-1 d (log-uniform; the reference rotators start at 0.4 d), spots 0.3%-5% that live
/// 10-60 d, so the modulation keeps its shape over a sector as a binary's would; relative
/// differential rotation 0-0.05 (the absolute shear hardly depends on the rotation rate,
/// Reinhold et al. 2013, A&A 560, A4, so fast rotators shear little).
pub fn draw_fast_rotator<R: Rng>(rng: &mut R, w: Window) -> Drawn {
    let m = uniform(rng, 0.1, 1.3);
    let period = log_uniform(rng, 0.1, 1.0);
    let (_, r, t) = star_of_mass(m, 1.0);
    let spots = spotted_star(rng, w, period, (3e-3, 5e-2), (10.0, 60.0), 0.05);
    Drawn {
        truth: crate::truth::Truth {
            period_d: Some(period),
            teff: Some(t),
            ..Default::default()
        },
        signal: Signal::Spotted(spots),
        star: (t, stars::log_g(m, r), r),
    }
}

/// Speed of light, km/s.
const C_KM_S: f64 = 299_792.458;

/// Doppler-beaming factor of a blackbody of `teff` at 800 nm, the middle of the TESS band:
/// `alpha = x e^x / (4 (e^x - 1))`, `x = hc / (lambda k T)` (Loeb & Gaudi 2003, ApJ 588,
/// L117), so that a star approaching at `v` brightens by `4 alpha v / c`.
fn beaming_factor(teff: f64) -> f64 {
    let x = 14_387.77 / (0.8 * teff);
    x * x.exp() / (4.0 * x.exp_m1())
}

/// Ellipsoidal variables as the `ellipsoidal` class, plus what the class's first-order model
/// leaves out, each term per star and weighted by its light (star 2's phase angle is
/// `theta + pi`):
/// - the first and third harmonics of the ellipsoidal variation (Morris & Naftilan 1993,
///   AJ 106, 2065; as used by Faigler & Mazeh 2011, MNRAS 415, 3921):
///   `-A_j (f1_j cos theta + f2_j cos 3 theta)` with `A_j` the class's `cos 2 theta`
///   amplitude, `f1 = 3 a1 (R/a)(5 sin^2 i - 4)/sin i`, `f2 = 5 a1 (R/a) sin i`,
///   `a1 = 25 u (2 + tau) / (24 (15 + u)(1 + tau))`: the minimum at the primary conjunction,
///   where the star shows its pointed, gravity-darkened side, is the deeper;
/// - Doppler beaming `4 alpha_j K_j / c sin theta` (star 1 approaches at phase 0.25), `K_j`
///   from the masses, the period and the inclination, `alpha_j` from `beaming_factor`.
pub fn draw_beaming_ellipsoidal<R: Rng>(rng: &mut R, w: Window) -> Result<Drawn> {
    let mut d = draw::draw_binary(
        rng,
        Class::Ellipsoidal,
        w,
        BinaryConstraints::default(),
        0.0,
    )?;
    let Signal::Binary(eb) = &d.signal else {
        unreachable!("draw_binary draws Signal::Binary")
    };
    let p = eb.params();
    let (t1, _, r1_sun) = d.star;
    // Star 2's temperature from the surface-brightness ratio (monotonic in it): bisection.
    let (mut lo, mut hi) = (1500.0, 60_000.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if stars::tess_surface_brightness_ratio(t1, mid) < p.sb_ratio {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t2 = 0.5 * (lo + hi);
    let sin_i = p.incl_deg.to_radians().sin();
    let q = p.mass_ratio;
    let l1 = eb.light_fraction1();
    let l2 = 1.0 - l1;
    let harmonics = |ld: &QuadraticLd, tau: f64, r: f64, q_j: f64| {
        let u = ld.linear_equivalent();
        let a1 = (tau + 2.0) / (tau + 1.0) * 25.0 * u / (24.0 * (15.0 + u));
        let a2 = 0.15 * (15.0 + u) * (1.0 + tau) / (3.0 - u);
        let amp = a2 * q_j * r.powi(3) * sin_i * sin_i;
        let f1 = 3.0 * a1 * r * (5.0 * sin_i * sin_i - 4.0) / sin_i;
        let f2 = 5.0 * a1 * r * sin_i;
        (amp * f1, amp * f2)
    };
    let (h1_1, h3_1) = harmonics(&p.ld1, p.gravity_darkening.0, p.r1, q);
    let (h1_2, h3_2) = harmonics(&p.ld2, p.gravity_darkening.1, p.r2, 1.0 / q);
    let cos1 = -(l1 * h1_1 - l2 * h1_2);
    let cos3 = -(l1 * h3_1 - l2 * h3_2);
    // Orbital speed in km/s: a in solar radii from star 1's radius, P in days.
    let a_km = r1_sun / p.r1 * 695_700.0;
    let k_total = std::f64::consts::TAU * a_km * sin_i / (p.period_d * 86_400.0);
    let (k1, k2) = (k_total * q / (1.0 + q), k_total / (1.0 + q));
    let sin1 = 4.0 / C_KM_S * (l1 * beaming_factor(t1) * k1 - l2 * beaming_factor(t2) * k2);
    // As sines of time: theta = 2 pi (t - t0) / P.
    let omega = std::f64::consts::TAU / p.period_d;
    let modes = vec![
        Mode {
            freq_cd: 1.0 / p.period_d,
            amplitude: cos1.hypot(sin1),
            phase: (cos1.atan2(sin1) - omega * p.t0).rem_euclid(std::f64::consts::TAU),
        },
        Mode {
            freq_cd: 3.0 / p.period_d,
            amplitude: cos3,
            phase: (std::f64::consts::FRAC_PI_2 - 3.0 * omega * p.t0)
                .rem_euclid(std::f64::consts::TAU),
        },
    ];
    d.signal = Signal::Sum(vec![d.signal, Signal::Pulsator(Pulsator { modes })]);
    Ok(d)
}
