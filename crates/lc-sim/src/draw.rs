//! Classes of light curves and the distributions their parameters are drawn from.
//!
//! Every distribution is stated here and in docs/simulation.md; every drawn value that
//! shapes the light curve is recorded in the [`Truth`].

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::binary::{BinaryParams, EclipsingBinary};
use crate::eclipse::QuadraticLd;
use crate::error::{Error, Result};
use crate::signal::Signal;
use crate::stars;
use crate::truth::Truth;
use crate::variables::{ContactBinary, Flare, Mode, Pulsator, RrLyrae, Spot, SpottedStar, Transit};

/// The kinds of light curve the simulator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Class {
    /// Detached eclipsing binary (label 1).
    Detached,
    /// Semi-detached (Algol) eclipsing binary (label 1).
    SemiDetached,
    /// Contact (W UMa) binary (label 1).
    Contact,
    /// Non-eclipsing ellipsoidal binary (label 1, as in the TESS EB catalogue of Prša et al.
    /// 2022, which lists ellipsoidal variables).
    Ellipsoidal,
    /// Transiting planet (label 0).
    Planet,
    /// Spotted rotator (label 0).
    Rotator,
    /// Flaring, spotted M dwarf (label 0).
    Flare,
    /// delta Scuti pulsator (label 0).
    DeltaScuti,
    /// gamma Doradus pulsator (label 0).
    GammaDor,
    /// RR Lyrae star (label 0).
    RrLyrae,
    /// Constant star (label 0).
    Constant,
    /// Eclipsing binary diluted by a brighter target in the aperture (label 0 by default:
    /// the target is not the binary; see [`crate::SimConfig::blend_label`]).
    Blend,
}

impl Class {
    /// Every class, in the order of the `--classes` help.
    pub const ALL: [Class; 12] = [
        Class::Detached,
        Class::SemiDetached,
        Class::Contact,
        Class::Ellipsoidal,
        Class::Planet,
        Class::Rotator,
        Class::Flare,
        Class::DeltaScuti,
        Class::GammaDor,
        Class::RrLyrae,
        Class::Constant,
        Class::Blend,
    ];

    /// The name used on the command line and in `labels.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Detached => "detached",
            Class::SemiDetached => "semidetached",
            Class::Contact => "contact",
            Class::Ellipsoidal => "ellipsoidal",
            Class::Planet => "planet",
            Class::Rotator => "rotator",
            Class::Flare => "flare",
            Class::DeltaScuti => "dsct",
            Class::GammaDor => "gdor",
            Class::RrLyrae => "rrlyr",
            Class::Constant => "constant",
            Class::Blend => "blend",
        }
    }

    /// Whether the class is an eclipsing (or ellipsoidal) binary of the target itself.
    pub fn is_eb(self) -> bool {
        matches!(
            self,
            Class::Detached | Class::SemiDetached | Class::Contact | Class::Ellipsoidal
        )
    }

    /// Relative frequency of the class within its label group (EBs or others).
    pub fn weight(self) -> f64 {
        match self {
            Class::Detached => 0.55,
            Class::SemiDetached => 0.15,
            Class::Contact => 0.20,
            Class::Ellipsoidal => 0.10,
            Class::Planet => 0.20,
            Class::Rotator => 0.20,
            Class::Flare => 0.08,
            Class::DeltaScuti => 0.10,
            Class::GammaDor => 0.10,
            Class::RrLyrae => 0.05,
            Class::Constant => 0.17,
            Class::Blend => 0.10,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Class {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        Class::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or(Error::UnknownClass(s))
    }
}

/// Optional constraints on a drawn binary (used by injection).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BinaryConstraints {
    /// Orbital period, days.
    pub period_d: Option<f64>,
    /// Primary depth as observed, fraction in (0, 1).
    pub depth: Option<f64>,
    /// Eccentricity.
    pub ecc: Option<f64>,
    /// Primary conjunction time, BTJD.
    pub t0: Option<f64>,
}

impl BinaryConstraints {
    /// Checks the given values (period > 0, depth in (0, 1), e in [0, 1)).
    pub fn validate(&self) -> Result<()> {
        if let Some(p) = self.period_d {
            if !(p.is_finite() && p > 0.0) {
                return Err(Error::InvalidPeriod(p));
            }
        }
        if let Some(d) = self.depth {
            if !(d.is_finite() && d > 0.0 && d < 1.0) {
                return Err(Error::InvalidDepth(d));
            }
        }
        if let Some(e) = self.ecc {
            if !(e.is_finite() && (0.0..1.0).contains(&e)) {
                return Err(Error::InvalidEccentricity(e));
            }
        }
        Ok(())
    }
}

/// The time window a signal is drawn for: epochs fall inside it.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// First time, BTJD.
    pub start: f64,
    /// Last time, BTJD.
    pub end: f64,
}

/// A drawn signal with the star it belongs to and its truth (class fields only).
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The signal.
    pub signal: Signal,
    /// Truth fields of the signal (file, TIC, noise fields left for the caller).
    pub truth: Truth,
    /// Effective temperature, log g and radius of the (primary) star.
    pub star: (f64, f64, f64),
}

pub(crate) fn uniform<R: Rng>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

pub(crate) fn log_uniform<R: Rng>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    (lo.ln() + (hi.ln() - lo.ln()) * rng.random::<f64>()).exp()
}

fn normal<R: Rng>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// A main-sequence (or slightly evolved) star: mass, radius, Teff.
pub(crate) fn star_of_mass(mass: f64, inflation: f64) -> (f64, f64, f64) {
    let r = stars::ms_radius(mass) * inflation;
    // An evolved star keeps roughly its luminosity while it swells; brighten it mildly.
    let l = stars::ms_luminosity(mass) * inflation.sqrt();
    (mass, r, stars::teff(l, r))
}

/// Gravity-darkening coefficient of the ellipsoidal term: larger for radiative envelopes.
pub(crate) fn gravity_darkening(teff: f64) -> f64 {
    if teff > 7000.0 {
        0.55
    } else {
        0.35
    }
}

/// Draws the signal of one light curve of class `class` for the window `w`.
pub fn draw<R: Rng>(rng: &mut R, class: Class, w: Window) -> Result<Drawn> {
    let mut d = match class {
        Class::Detached | Class::SemiDetached | Class::Ellipsoidal => {
            draw_binary(rng, class, w, BinaryConstraints::default(), 0.0)?
        }
        Class::Blend => {
            let l3 = uniform(rng, 0.8, 0.995);
            draw_binary(rng, Class::Blend, w, BinaryConstraints::default(), l3)?
        }
        Class::Contact => draw_contact(rng, w, BinaryConstraints::default())?,
        Class::Planet => draw_planet(rng, w)?,
        Class::Rotator => draw_rotator(rng, w, false),
        Class::Flare => draw_rotator(rng, w, true),
        Class::DeltaScuti => draw_delta_scuti(rng),
        Class::GammaDor => draw_gamma_dor(rng),
        Class::RrLyrae => draw_rr_lyrae(rng, w)?,
        Class::Constant => {
            let m = (normal(rng) * 0.4).exp().clamp(0.3, 2.5);
            let (_, r, t) = star_of_mass(m, 1.0 + normal(rng).abs() * 0.15);
            Drawn {
                signal: Signal::Constant,
                truth: Truth::default(),
                star: (t, stars::log_g(m, r), r),
            }
        }
    };
    d.truth.class = class.name().to_owned();
    d.truth.label = u8::from(class.is_eb());
    Ok(d)
}

/// Draws a detached, semi-detached, ellipsoidal or blended binary (`third_light` > 0 for a
/// blend) that satisfies `c`.
///
/// Distributions: period log-uniform 0.2-30 d (detached, blends), 0.6-8 d (semi-detached),
/// 0.3-5 d (ellipsoidal); primary mass log-normal about 1 Msun (sigma 0.45 in ln M, 0.15-3.5
/// Msun), mass ratio uniform 0.15-1; main-sequence radii (Demircan & Kahraman 1991) inflated
/// by `1 + |N(0, 0.25)|` (20%: 1.5-3, subgiants); eccentricity 0 below 1.5 d, else 0 (40%)
/// or uniform up to a period-dependent envelope; argument of periastron uniform; the
/// observed primary depth log-uniform 0.1%-50% (blends: intrinsic 2%-50%, diluted by a
/// third light of 80-99.5%), reached by solving for the inclination; drawn detached systems
/// keep both stars within 80% of their Roche lobes. Semi-detached: a 1.5-4 Msun primary,
/// q = 0.1-0.45, the secondary a cool (4000-5800 K) subgiant filling 93-100% of its Roche
/// lobe (the primary within 90% of its own), with strong reflection, and a primary depth
/// log-uniform 2%-50%.
pub fn draw_binary<R: Rng>(
    rng: &mut R,
    class: Class,
    w: Window,
    c: BinaryConstraints,
    third_light: f64,
) -> Result<Drawn> {
    c.validate()?;
    const TRIES: usize = 2000;
    for attempt in 0..TRIES {
        let Some(mut d) = try_binary(rng, class, w, c, third_light, attempt) else {
            continue;
        };
        d.truth.third_light = Some(third_light);
        return Ok(d);
    }
    Err(Error::DepthUnreachable {
        depth: c.depth.unwrap_or(f64::NAN),
        class: class.name(),
        tries: TRIES,
    })
}

fn try_binary<R: Rng>(
    rng: &mut R,
    class: Class,
    w: Window,
    c: BinaryConstraints,
    third_light: f64,
    attempt: usize,
) -> Option<Drawn> {
    let semi = class == Class::SemiDetached;
    let ellipsoidal = class == Class::Ellipsoidal;
    let period = c.period_d.unwrap_or_else(|| match class {
        Class::SemiDetached => log_uniform(rng, 0.6, 8.0),
        Class::Ellipsoidal => log_uniform(rng, 0.3, 5.0),
        _ => log_uniform(rng, 0.2, 30.0),
    });
    // Short periods need small stars: after many failures, favour low masses.
    let m_scale = if attempt > 200 { 0.5 } else { 1.0 };
    let (m1, r1, t1, m2, r2, t2) = if semi {
        let m1 = uniform(rng, 1.5, 4.0);
        let q = uniform(rng, 0.1, 0.45);
        let m2 = m1 * q;
        let a = stars::semi_major_axis(m1 + m2, period);
        let r2 = stars::roche_lobe(q) * a * uniform(rng, 0.93, 1.0);
        let (_, r1, t1) = star_of_mass(m1, uniform(rng, 1.0, 1.3));
        (m1, r1, t1, m2, r2, uniform(rng, 4000.0, 5800.0))
    } else {
        let m1 = ((normal(rng) * 0.45).exp() * m_scale).clamp(0.15, 3.5);
        let q = uniform(rng, 0.15, 1.0);
        let m2 = (m1 * q).max(0.08);
        let infl = if rng.random::<f64>() < 0.2 {
            uniform(rng, 1.5, 3.0)
        } else {
            1.0 + normal(rng).abs() * 0.25
        };
        let (_, r1, t1) = star_of_mass(m1, infl);
        let (_, r2, t2) = star_of_mass(m2, 1.0 + normal(rng).abs() * 0.1);
        (m1, r1, t1, m2, r2, t2)
    };
    let a = stars::semi_major_axis(m1 + m2, period);
    let ecc = c.ecc.unwrap_or_else(|| {
        if semi || ellipsoidal || period < 1.5 || rng.random::<f64>() < 0.4 {
            0.0
        } else {
            let emax = (0.9 * (1.0 - (period / 1.5).powf(-2.0 / 3.0))).min(0.8);
            uniform(rng, 0.0, emax)
        }
    });
    let omega_deg = if ecc > 0.0 {
        uniform(rng, 0.0, 360.0)
    } else {
        90.0
    };
    let sb_ratio = stars::tess_surface_brightness_ratio(t1, t2);
    let mut p = BinaryParams {
        period_d: period,
        t0: 0.0,
        ecc,
        omega_deg,
        incl_deg: 90.0,
        r1: r1 / a,
        r2: r2 / a,
        sb_ratio,
        mass_ratio: m2 / m1,
        ld1: QuadraticLd::tess_for_teff(t1),
        ld2: QuadraticLd::tess_for_teff(t2),
        gravity_darkening: (gravity_darkening(t1), gravity_darkening(t2)),
        albedo: (
            if t1 > 7000.0 { 1.0 } else { 0.5 },
            if semi {
                uniform(rng, 0.5, 1.0)
            } else if t2 > 7000.0 {
                1.0
            } else {
                0.5
            },
        ),
        third_light,
    };
    let ok = if semi {
        p.validate()
    } else {
        p.validate_detached()
    };
    ok.ok()?;
    // In a semi-detached system only the secondary fills its lobe (both would be contact).
    if semi && p.r1 > 0.9 * stars::roche_lobe(1.0 / p.mass_ratio) {
        return None;
    }
    // A drawn detached system keeps both stars within 80% of their Roche lobes: closer
    // systems are the semi-detached, contact and ellipsoidal classes' business.
    if class == Class::Detached || class == Class::Blend {
        let peri = 1.0 - ecc;
        let l1 = stars::roche_lobe(1.0 / p.mass_ratio) * peri;
        let l2 = stars::roche_lobe(p.mass_ratio) * peri;
        if p.r1 > 0.8 * l1 || p.r2 > 0.8 * l2 {
            return None;
        }
    }
    // Separation at primary conjunction, in units of a.
    let rho_c = (1.0 - ecc * ecc) / (1.0 + ecc * omega_deg.to_radians().sin());
    let cos_contact = ((p.r1 + p.r2) / rho_c).min(1.0);
    if ellipsoidal {
        // No eclipse: cos i above contact; ellipsoidal amplitude must be visible (>0.05%).
        let ci = uniform(rng, cos_contact * 1.02, 1.0).min(0.999);
        p.incl_deg = ci.acos().to_degrees();
        let eb = EclipsingBinary::new(p.clone()).ok()?;
        let f: Vec<f64> = (0..200)
            .map(|i| eb.flux(period * i as f64 / 200.0))
            .collect();
        let (lo, hi) = f
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        if (hi - lo) / hi < 5e-4 {
            return None;
        }
        p.t0 = place_epoch(rng, period, w, c.t0);
        let eb = EclipsingBinary::new(p.clone()).ok()?;
        let depth1 = 1.0 - eb.flux(p.t0) / hi;
        let depth2 = 1.0 - eb.flux(p.t0 + 0.5 * period) / hi;
        return Some(binary_drawn(eb, t1, m1, r1, Some((depth1, depth2)), None));
    }
    // Target primary depth as observed.
    let target = match c.depth {
        Some(d) => d,
        None if third_light > 0.0 => log_uniform(rng, 0.02, 0.5) * (1.0 - third_light),
        // Algols are found by their deep primary eclipses.
        None if semi => log_uniform(rng, 0.02, 0.5),
        None => log_uniform(rng, 0.001, 0.5),
    };
    let depth_at = |p: &BinaryParams, cos_i: f64| -> Option<(f64, f64)> {
        let mut q = p.clone();
        q.incl_deg = cos_i.clamp(0.0, 1.0).acos().to_degrees();
        EclipsingBinary::new(q).ok().map(|eb| eb.depths())
    };
    let (dmax, d2max) = depth_at(&p, 0.0)?;
    if dmax < target || d2max > dmax {
        return None;
    }
    // A central eclipse much deeper than the target would need a grazing geometry: keep
    // some of those, but mostly redraw so that shallow eclipses also come from small,
    // faint companions (flat-bottomed, planet-like), as they do in nature.
    if c.depth.is_none() && dmax > 5.0 * target && rng.random::<f64>() < 0.7 {
        return None;
    }
    // Depth falls with cos i from central to the contact limit: bisect.
    let (mut lo, mut hi) = (0.0, cos_contact);
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        let (d, _) = depth_at(&p, mid)?;
        if d > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    p.incl_deg = (0.5 * (lo + hi)).acos().to_degrees();
    let (d1, d2) = depth_at(&p, 0.5 * (lo + hi))?;
    if (d1 / target - 1.0).abs() > 0.02 || d2 > d1 {
        return None;
    }
    p.t0 = place_epoch(rng, period, w, c.t0);
    let eb = EclipsingBinary::new(p).ok()?;
    let duration = eb.primary_duration();
    Some(binary_drawn(eb, t1, m1, r1, None, Some(duration)))
}

pub(crate) fn binary_drawn(
    eb: EclipsingBinary,
    teff: f64,
    m1: f64,
    r1: f64,
    minima: Option<(f64, f64)>,
    duration: Option<f64>,
) -> Drawn {
    let p = eb.params().clone();
    let (d1, d2) = minima.unwrap_or_else(|| eb.depths());
    let truth = Truth {
        period_d: Some(p.period_d),
        t0: Some(p.t0),
        depth1: Some(d1),
        depth2: Some(d2),
        phase2: Some(eb.orbit().secondary_phase()),
        duration_d: duration,
        ecc: Some(p.ecc),
        omega_deg: Some(p.omega_deg),
        incl_deg: Some(p.incl_deg),
        r1_a: Some(p.r1),
        r2_a: Some(p.r2),
        sb_ratio: Some(p.sb_ratio),
        mass_ratio: Some(p.mass_ratio),
        teff: Some(teff),
        ..Default::default()
    };
    Drawn {
        signal: Signal::Binary(eb),
        truth,
        star: (teff, stars::log_g(m1, r1), r1),
    }
}

/// First epoch: given, or uniform over the first period (or over the window when the period
/// is longer, so that at least one event can fall in it).
pub(crate) fn place_epoch<R: Rng>(rng: &mut R, period: f64, w: Window, given: Option<f64>) -> f64 {
    given.unwrap_or_else(|| w.start + uniform(rng, 0.0, period.min(w.end - w.start)))
}

/// Contact binaries: period log-normal about 0.37 d (sigma 0.25 in ln P, 0.22-1 d);
/// Fourier coefficients `-a2` log-uniform in [0.005, 0.25], `a1 = -|a2| U(0, 0.15)` (unequal
/// minima), `a4` between Rucinski's contact limit `a2 (0.125 - a2)` and `0.1 |a2|`,
/// `a3 = a1 U(0, 0.3)`, O'Connell `b1 = |a2| U(-0.08, 0.08)`.
pub fn draw_contact<R: Rng>(rng: &mut R, w: Window, c: BinaryConstraints) -> Result<Drawn> {
    c.validate()?;
    for _ in 0..1000 {
        let period = c
            .period_d
            .unwrap_or_else(|| (0.37f64.ln() + 0.25 * normal(rng)).exp().clamp(0.22, 1.0));
        let a2 = match c.depth {
            // depth ~ 2 |a2| for a pure cos(4 pi phi) curve; refined below.
            Some(d) => -(d / 2.0) * uniform(rng, 0.9, 1.1),
            // Low inclinations give contact binaries of small amplitude (hard cases).
            None => -log_uniform(rng, 0.005, 0.25),
        };
        let a1 = -a2.abs() * uniform(rng, 0.0, 0.15);
        let a4 = uniform(rng, a2 * (0.125 - a2), 0.1 * a2.abs());
        let a3 = a1 * uniform(rng, 0.0, 0.3);
        let b1 = a2.abs() * uniform(rng, -0.08, 0.08);
        let mut cb = ContactBinary {
            period_d: period,
            t0: place_epoch(rng, period, w, c.t0),
            cos_coeffs: [a1, a2, a3, a4],
            sin_coeff: b1,
        };
        if let Some(d) = c.depth {
            // Scale the variable part so that the primary depth is exactly d.
            let (d1, _) = cb.depths();
            if d1 <= 0.0 {
                continue;
            }
            let mut s = d / d1;
            for _ in 0..30 {
                let scaled = scale_contact(&cb, s);
                let (dd, _) = scaled.depths();
                if dd <= 0.0 {
                    break;
                }
                s *= d / dd;
            }
            cb = scale_contact(&cb, s);
        }
        if cb.validate().is_err() {
            continue;
        }
        let (d1, d2) = cb.depths();
        if c.depth.is_some_and(|d| (d1 / d - 1.0).abs() > 0.01) {
            continue;
        }
        let m1 = uniform(rng, 0.8, 1.5);
        let (_, r1, t1) = star_of_mass(m1, uniform(rng, 1.0, 1.3));
        let truth = Truth {
            period_d: Some(period),
            t0: Some(cb.t0),
            depth1: Some(d1),
            depth2: Some(d2),
            phase2: Some(0.5),
            teff: Some(t1),
            ..Default::default()
        };
        return Ok(Drawn {
            signal: Signal::Contact(cb),
            truth,
            star: (t1, stars::log_g(m1, r1), r1),
        });
    }
    Err(Error::DepthUnreachable {
        depth: c.depth.unwrap_or(f64::NAN),
        class: "contact",
        tries: 1000,
    })
}

fn scale_contact(c: &ContactBinary, s: f64) -> ContactBinary {
    ContactBinary {
        cos_coeffs: c.cos_coeffs.map(|a| a * s),
        sin_coeff: c.sin_coeff * s,
        ..c.clone()
    }
}

/// Planets: host mass uniform 0.5-1.4 Msun, radius main-sequence times 0.95-1.4; period
/// log-uniform 0.5-20 d; radius ratio log-uniform 0.03-0.16; impact parameter uniform in
/// [0, 1 + k - 0.02); a/R* from the host density (Kepler's third law).
pub fn draw_planet<R: Rng>(rng: &mut R, w: Window) -> Result<Drawn> {
    loop {
        if let Some(d) = try_planet(rng, w, (0.5, 1.4), (0.03, 0.16)) {
            return Ok(d);
        }
    }
}

/// One try at a planet around a host of mass uniform in `mass` (Msun) with a radius ratio
/// log-uniform in `k_range` (the rest as [`draw_planet`]); `None` for an impossible orbit.
pub(crate) fn try_planet<R: Rng>(
    rng: &mut R,
    w: Window,
    mass: (f64, f64),
    k_range: (f64, f64),
) -> Option<Drawn> {
    let m = uniform(rng, mass.0, mass.1);
    let (_, r, t) = star_of_mass(m, uniform(rng, 0.95, 1.4));
    let period = log_uniform(rng, 0.5, 20.0);
    let k = log_uniform(rng, k_range.0, k_range.1);
    let a_rs = stars::semi_major_axis(m, period) / r;
    let tr = Transit {
        period_d: period,
        t0: place_epoch(rng, period, w, None),
        rp_rs: k,
        a_rs,
        impact: uniform(rng, 0.0, 1.0 + k - 0.02),
        ld: QuadraticLd::tess_for_teff(t),
    };
    if tr.validate().is_err() || a_rs < 2.0 {
        return None;
    }
    let truth = Truth {
        period_d: Some(period),
        t0: Some(tr.t0),
        depth1: Some(tr.depth()),
        depth2: Some(0.0),
        duration_d: Some(tr.duration()),
        ecc: Some(0.0),
        incl_deg: Some((tr.impact / a_rs).acos().to_degrees()),
        r1_a: Some(1.0 / a_rs),
        r2_a: Some(k / a_rs),
        teff: Some(t),
        ..Default::default()
    };
    Some(Drawn {
        signal: Signal::Transit(tr),
        truth,
        star: (t, stars::log_g(m, r), r),
    })
}

/// Spotted rotators: equatorial period log-uniform 0.4-20 d; differential rotation
/// `P(lat) = P_eq / (1 - alpha sin^2 lat)`, alpha uniform 0-0.2; 1-4 spots visible at a time,
/// latitudes uniform in +-60 deg, amplitudes log-uniform 0.03%-3%, Gaussian lifetimes of
/// 2-20 d; stellar inclination isotropic. Flare stars: M dwarfs with periods 0.3-10 d,
/// spot amplitudes 0.1%-2%, flare rate log-uniform 0.2-3 per day, peak amplitudes from a
/// power law `dN/dA ~ A^-2` on 0.3%-80%, FWHM log-uniform 1.5-40 min.
pub fn draw_rotator<R: Rng>(rng: &mut R, w: Window, flares: bool) -> Drawn {
    let (m, period, amp_lo, amp_hi) = if flares {
        (
            uniform(rng, 0.12, 0.6),
            log_uniform(rng, 0.3, 10.0),
            1e-3,
            2e-2,
        )
    } else {
        (
            uniform(rng, 0.5, 1.4),
            log_uniform(rng, 0.4, 20.0),
            3e-4,
            3e-2,
        )
    };
    let (_, r, t) = star_of_mass(m, 1.0);
    let spotted = spotted_star(rng, w, period, (amp_lo, amp_hi), (2.0, 20.0), 0.2);
    let mut truth = Truth {
        period_d: Some(period),
        teff: Some(t),
        ..Default::default()
    };
    let star = (t, stars::log_g(m, r), r);
    if !flares {
        return Drawn {
            signal: Signal::Spotted(spotted),
            truth,
            star,
        };
    }
    let list = draw_flares(rng, w, (0.2, 3.0), (0.003, 0.8));
    truth.n_flares = Some(list.len() as u32);
    Drawn {
        signal: Signal::FlareStar {
            spots: spotted,
            flares: list,
        },
        truth,
        star,
    }
}

/// Spots of a star of equatorial period `period` over the window `w`: differential rotation
/// alpha uniform from 0 to `shear`, a typical lifetime log-uniform in `life` (days, each spot x 0.5-1.5),
/// 1-4 spots visible at a time, a level log-uniform in `amplitude` (each spot x 0.3-3),
/// latitudes uniform in +-60 deg, isotropic inclination.
pub(crate) fn spotted_star<R: Rng>(
    rng: &mut R,
    w: Window,
    period: f64,
    amplitude: (f64, f64),
    life: (f64, f64),
    shear: f64,
) -> SpottedStar {
    let alpha = uniform(rng, 0.0, shear);
    let life = log_uniform(rng, life.0, life.1);
    let active = rng.random_range(1..=4usize);
    let span = w.end - w.start;
    let n_spots = ((active as f64) * (span + 4.0 * life) / (2.5 * life)).ceil() as usize;
    let level = log_uniform(rng, amplitude.0, amplitude.1);
    let spots = (0..n_spots)
        .map(|_| {
            let lat = uniform(rng, -PI / 3.0, PI / 3.0);
            Spot {
                latitude: lat,
                longitude: uniform(rng, 0.0, 2.0 * PI),
                amplitude: level * log_uniform(rng, 0.3, 3.0),
                t_max: uniform(rng, w.start - 2.0 * life, w.end + 2.0 * life),
                lifetime_d: life * uniform(rng, 0.5, 1.5),
                period_d: period / (1.0 - alpha * lat.sin().powi(2)),
            }
        })
        .collect();
    SpottedStar {
        period_d: period,
        inclination: rng.random::<f64>().acos(),
        limb_u: 0.6,
        spots,
    }
}

/// Flares over the window `w`: a rate log-uniform in `rate` (per day), peak amplitudes from
/// the power law `dN/dA ~ A^-2` on `amplitude`, FWHM log-uniform 1.5-40 min; sorted by peak.
pub(crate) fn draw_flares<R: Rng>(
    rng: &mut R,
    w: Window,
    rate: (f64, f64),
    amplitude: (f64, f64),
) -> Vec<Flare> {
    let rate = log_uniform(rng, rate.0, rate.1);
    let n = (rate * (w.end - w.start)).round() as usize;
    let (a_min, a_max) = amplitude;
    let mut list: Vec<Flare> = (0..n)
        .map(|_| {
            let u: f64 = rng.random();
            Flare {
                t_peak: uniform(rng, w.start, w.end),
                t_half_d: log_uniform(rng, 1.5, 40.0) / 1440.0,
                amplitude: 1.0 / (1.0 / a_min - u * (1.0 / a_min - 1.0 / a_max)),
            }
        })
        .collect();
    list.sort_by(|a, b| a.t_peak.total_cmp(&b.t_peak));
    list
}

/// delta Scuti stars: 2-10 modes at 5-60 c/d, the strongest with a semi-amplitude
/// log-uniform 0.03%-2%, the others 3%-70% of it; 10% are high-amplitude (HADS): one mode
/// at 5-15 c/d of 5%-30% with harmonics at 30% and 10%.
pub fn draw_delta_scuti<R: Rng>(rng: &mut R) -> Drawn {
    let mut modes = Vec::new();
    if rng.random::<f64>() < 0.1 {
        let f = uniform(rng, 5.0, 15.0);
        let a = uniform(rng, 0.05, 0.3);
        for (h, rel) in [(1.0, 1.0), (2.0, 0.3), (3.0, 0.1)] {
            modes.push(Mode {
                freq_cd: f * h,
                amplitude: a * rel,
                phase: uniform(rng, 0.0, 2.0 * PI),
            });
        }
    } else {
        let a0 = log_uniform(rng, 3e-4, 2e-2);
        for k in 0..rng.random_range(2..=10usize) {
            modes.push(Mode {
                freq_cd: uniform(rng, 5.0, 60.0),
                amplitude: if k == 0 {
                    a0
                } else {
                    a0 * log_uniform(rng, 0.03, 0.7)
                },
                phase: uniform(rng, 0.0, 2.0 * PI),
            });
        }
    }
    pulsator_drawn(rng, modes, (6800.0, 8500.0))
}

/// gamma Doradus stars: 3-8 prograde g modes with periods `P0 + n dPi` (P0 uniform
/// 0.4-1.5 d, spacing 0.01-0.04 d, i.e. close frequencies that beat), semi-amplitudes
/// log-uniform 0.03%-0.8%.
pub fn draw_gamma_dor<R: Rng>(rng: &mut R) -> Drawn {
    let p0 = uniform(rng, 0.4, 1.5);
    let dpi = uniform(rng, 0.01, 0.04);
    let modes = (0..rng.random_range(3..=8usize))
        .map(|n| Mode {
            freq_cd: 1.0 / (p0 + n as f64 * dpi),
            amplitude: log_uniform(rng, 3e-4, 8e-3),
            phase: uniform(rng, 0.0, 2.0 * PI),
        })
        .collect();
    pulsator_drawn(rng, modes, (6900.0, 7500.0))
}

fn pulsator_drawn<R: Rng>(rng: &mut R, modes: Vec<Mode>, teff: (f64, f64)) -> Drawn {
    let strongest = modes
        .iter()
        .max_by(|a, b| a.amplitude.total_cmp(&b.amplitude))
        .map(|m| 1.0 / m.freq_cd);
    let t = uniform(rng, teff.0, teff.1);
    let m = uniform(rng, 1.4, 2.2);
    let r = uniform(rng, 1.5, 2.8);
    Drawn {
        signal: Signal::Pulsator(Pulsator { modes }),
        truth: Truth {
            period_d: strongest,
            teff: Some(t),
            ..Default::default()
        },
        star: (t, stars::log_g(m, r), r),
    }
}

/// RR Lyrae: 70% RRab (period 0.45-0.8 d, TESS-band amplitude 0.35-0.8 mag, harmonic
/// damping 0.6-0.85, 30% with Blazhko modulation of 20-150 d and 5-30%), 30% RRc (0.25-0.42
/// d, 0.12-0.3 mag, damping 0.1-0.3); harmonic phases perturbed by N(0, 0.15) rad.
pub fn draw_rr_lyrae<R: Rng>(rng: &mut R, w: Window) -> Result<Drawn> {
    let ab = rng.random::<f64>() < 0.7;
    let (period, amp, damping) = if ab {
        (
            uniform(rng, 0.45, 0.8),
            uniform(rng, 0.35, 0.8),
            uniform(rng, 0.6, 0.85),
        )
    } else {
        (
            uniform(rng, 0.25, 0.42),
            uniform(rng, 0.12, 0.3),
            uniform(rng, 0.1, 0.3),
        )
    };
    let mut phases = [0.0; 8];
    for p in phases.iter_mut().skip(1) {
        *p = 0.15 * normal(rng);
    }
    let blazhko = (ab && rng.random::<f64>() < 0.3)
        .then(|| (uniform(rng, 20.0, 150.0), uniform(rng, 0.05, 0.3)));
    let t0 = place_epoch(rng, period, w, None);
    let rr = RrLyrae::new(period, t0, amp, damping, phases, blazhko)?;
    let t = uniform(rng, 6000.0, 7200.0);
    Ok(Drawn {
        signal: Signal::RrLyrae(rr),
        truth: Truth {
            period_d: Some(period),
            t0: Some(t0),
            teff: Some(t),
            ..Default::default()
        },
        star: (t, stars::log_g(0.7, 5.0), 5.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn class_names_round_trip() {
        for c in Class::ALL {
            assert_eq!(c.name().parse::<Class>().unwrap(), c);
        }
        assert!(matches!(
            "quasar".parse::<Class>(),
            Err(Error::UnknownClass(_))
        ));
    }

    #[test]
    fn drawn_binaries_hit_their_depth_and_are_valid() {
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(7);
        let w = Window {
            start: 1400.0,
            end: 1427.0,
        };
        for _ in 0..40 {
            let d = draw(&mut rng, Class::Detached, w).unwrap();
            let Signal::Binary(eb) = &d.signal else {
                panic!()
            };
            eb.params().validate_detached().unwrap();
            let (d1, d2) = eb.depths();
            assert!((0.00098..0.51).contains(&d1), "{d1}");
            assert!(d2 <= d1);
            assert_eq!(d.truth.depth1, Some(d1));
            assert_eq!(d.truth.label, 1);
        }
        let c = BinaryConstraints {
            period_d: Some(3.3),
            depth: Some(0.02),
            ..Default::default()
        };
        let d = draw_binary(&mut rng, Class::Detached, w, c, 0.0).unwrap();
        assert!((d.truth.depth1.unwrap() / 0.02 - 1.0).abs() < 0.02);
        assert_eq!(d.truth.period_d, Some(3.3));
        let bad = BinaryConstraints {
            depth: Some(1.5),
            ..Default::default()
        };
        assert!(matches!(
            draw_binary(&mut rng, Class::Detached, w, bad, 0.0),
            Err(Error::InvalidDepth(_))
        ));
        let bad = BinaryConstraints {
            period_d: Some(-2.0),
            ..Default::default()
        };
        assert!(matches!(
            draw_binary(&mut rng, Class::Detached, w, bad, 0.0),
            Err(Error::InvalidPeriod(_))
        ));
    }

    #[test]
    fn semidetached_primaries_stay_inside_their_lobes() {
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(5);
        let w = Window {
            start: 0.0,
            end: 27.0,
        };
        for _ in 0..30 {
            let d = draw(&mut rng, Class::SemiDetached, w).unwrap();
            let Signal::Binary(eb) = &d.signal else {
                panic!()
            };
            let p = eb.params();
            let lobe1 = stars::roche_lobe(1.0 / p.mass_ratio);
            let lobe2 = stars::roche_lobe(p.mass_ratio);
            assert!(p.r1 <= 0.9 * lobe1, "primary {} vs lobe {lobe1}", p.r1);
            assert!(p.r2 > 0.9 * lobe2, "secondary {} vs lobe {lobe2}", p.r2);
        }
    }

    #[test]
    fn every_class_draws() {
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(11);
        let w = Window {
            start: 2000.0,
            end: 2027.0,
        };
        for c in Class::ALL {
            for _ in 0..5 {
                let d = draw(&mut rng, c, w).unwrap();
                assert_eq!(d.truth.class, c.name());
                let f = d.signal.flux(2010.0);
                assert!(f.is_finite() && f > 0.0, "{c}: {f}");
            }
        }
    }
}
