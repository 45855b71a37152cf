//! What TESS does to a light curve: the cadence grid of a sector, its gaps, QUALITY flags
//! with the mission's bit values, NaN rows, scattered-light ramps, and noise.
//!
//! Calibrated on the real files in `fixtures/lc` (see docs/simulation.md): SPOC files keep a
//! row for every cadence; rows in the downlink gap have NaN `TIME`, NaN flux and `QUALITY`
//! 8 (Earth point); each momentum dump flags about 14 minutes (coarse point + desaturation +
//! manual exclude, then desaturation alone) with NaN flux; scattered light near orbit ends
//! is flagged 4096 / 32768 with NaN flux; impulsive outliers (512) keep their flux.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use tess_io::flags;
use tess_io::Product;

use crate::error::{Error, Result};

/// A cadence TESS has used, with the product it comes in and the sectors it existed in.
///
/// ```
/// use lc_sim::tess::Cadence;
/// let c: Cadence = "1800".parse()?;
/// assert_eq!(c, Cadence::Ffi1800);
/// assert_eq!((c.seconds(), c.sectors()), (1800.0, (1, 26)));
/// assert!(c.is_ffi() && !Cadence::Spoc120.is_ffi());
/// assert!("60".parse::<Cadence>().is_err());
/// # Ok::<(), lc_sim::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Cadence {
    /// 20 s: SPOC fast-cadence target pixels, sectors 27 on.
    Fast20,
    /// 120 s: SPOC target-pixel light curves, every sector (the default).
    #[default]
    Spoc120,
    /// 200 s: full-frame images from sector 56 (TESS-SPOC, QLP).
    Ffi200,
    /// 600 s: full-frame images of sectors 27-55.
    Ffi600,
    /// 1800 s: full-frame images of sectors 1-26.
    Ffi1800,
}

impl Cadence {
    /// Every cadence, shortest first.
    pub const ALL: [Cadence; 5] = [
        Cadence::Fast20,
        Cadence::Spoc120,
        Cadence::Ffi200,
        Cadence::Ffi600,
        Cadence::Ffi1800,
    ];

    /// Seconds between cadences.
    pub fn seconds(self) -> f64 {
        match self {
            Cadence::Fast20 => 20.0,
            Cadence::Spoc120 => 120.0,
            Cadence::Ffi200 => 200.0,
            Cadence::Ffi600 => 600.0,
            Cadence::Ffi1800 => 1800.0,
        }
    }

    /// The cadence of `seconds`, or [`Error::InvalidCadence`].
    pub fn from_seconds(seconds: f64) -> Result<Cadence> {
        Cadence::ALL
            .into_iter()
            .find(|c| c.seconds() == seconds)
            .ok_or_else(|| Error::InvalidCadence(seconds.to_string()))
    }

    /// Whether the light curves come from full-frame images (200, 600, 1800 s).
    pub fn is_ffi(self) -> bool {
        matches!(self, Cadence::Ffi200 | Cadence::Ffi600 | Cadence::Ffi1800)
    }

    /// The data product: SPOC target-pixel light curves at 20 s and 120 s, TESS-SPOC
    /// full-frame-image light curves at the others.
    pub fn product(self) -> Product {
        if self.is_ffi() {
            Product::TessSpoc
        } else {
            Product::Spoc
        }
    }

    /// The segment rule `lc-prep` applies at this cadence: the reference's (gap 0.75 d, 2,000
    /// points) at 20 s and 120 s, the full-frame-image rule (2.78 days of data, half the span
    /// covered) at the others.
    pub fn segment_rule(self) -> lc_prep::SegmentRule {
        if self.is_ffi() {
            lc_prep::SegmentRule::ffi(self.seconds())
        } else {
            lc_prep::SegmentRule::REFERENCE
        }
    }

    /// Sectors in which the cadence existed: 1800 s FFIs in sectors 1-26, 600 s in 27-55,
    /// 200 s from 56; 20 s from 27; 120 s throughout. Sectors up to 80 are drawn.
    pub fn sectors(self) -> (u32, u32) {
        match self {
            Cadence::Ffi1800 => (1, 26),
            Cadence::Ffi600 => (27, 55),
            Cadence::Ffi200 => (56, 80),
            Cadence::Fast20 => (27, 80),
            Cadence::Spoc120 => (1, 80),
        }
    }
}

impl std::fmt::Display for Cadence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.seconds())
    }
}

impl std::str::FromStr for Cadence {
    type Err = Error;
    fn from_str(s: &str) -> Result<Cadence> {
        let seconds: f64 = s
            .trim()
            .parse()
            .map_err(|_| Error::InvalidCadence(s.to_string()))?;
        Cadence::from_seconds(seconds)
    }
}

/// Electrons per second from a Tmag = 10 star (Vanderspek et al. 2018, TESS Instrument
/// Handbook: 15,000 e-/s at T = 10).
pub const ZERO_POINT_E_PER_S: f64 = 15_000.0;

/// Approximate start of a sector in BTJD (sector 1 began at 1325.29; sectors last 27.3 d on
/// average).
pub fn sector_start(sector: u32) -> f64 {
    1325.29 + 27.32 * (sector.max(1) - 1) as f64
}

/// Flux in e-/s of a star of TESS magnitude `tmag`.
pub fn flux_from_tmag(tmag: f64) -> f64 {
    ZERO_POINT_E_PER_S * 10f64.powf(-0.4 * (tmag - 10.0))
}

/// One-hour photometric precision in ppm from Stassun et al. (2018, AJ 156, 102, §3.3.3;
/// arXiv:1706.00495 p. 24), valid for 4 < T < 16; includes a 60 ppm/hr systematic floor:
/// `ln sigma = 3.29685 + 0.850021 T - 0.285042 T^2 + 0.0395908 T^3 - 0.00223080 T^4 +
/// 4.73508e-5 T^5`.
///
/// ```
/// let s = lc_sim::tess::one_hour_precision_ppm(10.0);
/// assert!((200.0..240.0).contains(&s));
/// ```
pub fn one_hour_precision_ppm(tmag: f64) -> f64 {
    let t = tmag.clamp(4.0, 16.0);
    (3.296_850_047_71 + 0.850_021_465_753 * t - 0.285_041_632_435 * t.powi(2)
        + 0.039_590_832_136_9 * t.powi(3)
        - 0.002_230_801_589_4 * t.powi(4)
        + 4.735_084_035_25e-5 * t.powi(5))
    .exp()
}

/// Systematic noise floor of the Stassun et al. relation, ppm per hour.
pub const SYSTEMATIC_FLOOR_PPM: f64 = 60.0;

/// White noise per cadence (fraction of the flux) for a star of magnitude `tmag`: the
/// Stassun et al. one-hour precision without its systematic floor, scaled by
/// `sqrt(3600 s / cadence)`. (The floor is added as correlated noise instead.)
pub fn white_sigma(tmag: f64, cadence_s: f64) -> f64 {
    let s = one_hour_precision_ppm(tmag);
    let w = (s * s - SYSTEMATIC_FLOOR_PPM * SYSTEMATIC_FLOOR_PPM)
        .max(1.0)
        .sqrt();
    w * 1e-6 * (3600.0 / cadence_s).sqrt()
}

/// White noise per point (fraction of the flux) of a star of magnitude `tmag` at `cadence`.
///
/// Target pixels (20 s, 120 s): [`white_sigma`]; the 60 ppm/hr floor is added as correlated
/// noise ([`NoiseModel`]). Full-frame images: the same 2-minute white noise binned to the
/// cadence plus the floor in quadrature as white noise, i.e. the whole one-hour precision of
/// Stassun et al. (2018) scaled by `sqrt(3600 s / cadence)`. Sullivan et al. (2015, ApJ 809,
/// 77) state the floor as 60 ppm hr^1/2, a white term; at 30 minutes the
/// systematics of successive full frames (pointing jitter, background fitted per frame) are
/// nearly independent. The real 30-minute TESS-SPOC light curves agree with this within 5% for
/// T = 8-11 (docs/simulation.md), where the binned white noise alone is 9-17% low.
///
/// ```
/// use lc_sim::tess::{point_sigma, white_sigma, Cadence};
/// assert_eq!(point_sigma(10.0, Cadence::Spoc120), white_sigma(10.0, 120.0));
/// let ffi = point_sigma(10.0, Cadence::Ffi1800);
/// assert!(ffi > white_sigma(10.0, 1800.0));
/// ```
pub fn point_sigma(tmag: f64, cadence: Cadence) -> f64 {
    if cadence.is_ffi() {
        one_hour_precision_ppm(tmag) * 1e-6 * (3600.0 / cadence.seconds()).sqrt()
    } else {
        white_sigma(tmag, cadence.seconds())
    }
}

/// The cadence grid of one simulated sector with its gaps and flags.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Sector number.
    pub sector: u32,
    /// Cadence, seconds.
    pub cadence_s: f64,
    /// Mid-exposure times, BTJD; NaN in data gaps (as in SPOC files).
    pub time: Vec<f64>,
    /// Nominal times of every row, also in gaps (for noise processes).
    pub nominal_time: Vec<f64>,
    /// QUALITY flags.
    pub quality: Vec<i32>,
    /// False where the pipeline would write NaN flux.
    pub flux_valid: Vec<bool>,
    /// CADENCENO.
    pub cadenceno: Vec<i32>,
    /// Start times of the stretches of data between gaps.
    pub orbit_starts: Vec<f64>,
    /// End times of the same stretches.
    pub orbit_ends: Vec<f64>,
}

fn uniform<R: Rng>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// How the gaps and flags of a sector are laid out. The two differ from sector 56 on only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SectorLayout {
    /// The layout of the reference population (its bytes are pinned): from sector 56 each of
    /// the four stretches between downlinks is treated as an orbit, with its own chance of
    /// scattered light at both ends and momentum dumps every 4.5-9 d.
    #[default]
    Reference,
    /// The layout measured on the sector-61 TESS-SPOC file (`fixtures/lc`): from sector 56
    /// scattered light only at the ends of the two spacecraft orbits (the sector's ends and
    /// both sides of the mid-sector downlink, where perigee brings the Earth and Moon close),
    /// none at the two mid-orbit downlinks; a momentum dump at the end of every downlink and
    /// none between. Before sector 56 as [`SectorLayout::Reference`].
    Measured,
}

/// Draws the cadence grid, gaps and QUALITY flags of a sector in the reference layout.
pub fn observe<R: Rng>(rng: &mut R, sector: u32, cadence: Cadence) -> Observation {
    observe_with(rng, sector, cadence, SectorLayout::Reference)
}

/// Draws the cadence grid, gaps and QUALITY flags of a sector in `layout`.
pub fn observe_with<R: Rng>(
    rng: &mut R,
    sector: u32,
    cadence: Cadence,
    layout: SectorLayout,
) -> Observation {
    // Extended mission 2 (sector 56 on) as measured: see [`SectorLayout::Measured`].
    let em2 = layout == SectorLayout::Measured && sector >= 56;
    let cadence_s = cadence.seconds();
    let dt = cadence_s / 86_400.0;
    let span = uniform(rng, 25.4, 27.9);
    let start = sector_start(sector) + uniform(rng, 0.0, 0.3);
    let n = (span / dt).floor() as usize;
    let nominal_time: Vec<f64> = (0..n).map(|i| start + (i as f64 + 0.5) * dt).collect();
    let end = start + n as f64 * dt;
    let mut quality = vec![0i32; n];
    let mut flux_valid = vec![true; n];
    let mut in_gap = vec![false; n];
    // Sector 1 of the 2-min cadence counter started at 70444 (fixture, BTJD 1325.29).
    let base = 70_444.0 * 120.0 / cadence_s + (start - 1325.29) / dt;
    let cadenceno: Vec<i32> = (0..n).map(|i| (base + i as f64).round() as i32).collect();

    let idx = |t: f64| -> usize { (((t - start) / dt).floor().max(0.0) as usize).min(n) };
    let flag = |q: &mut [i32], valid: &mut [bool], t0: f64, t1: f64, bits: u32, nan: bool| {
        let (a, b) = (idx(t0), idx(t1).max(idx(t0) + 1).min(n));
        for i in a..b {
            q[i] |= bits as i32;
            if nan {
                valid[i] = false;
            }
        }
    };

    // Data downlink gaps: one near mid-sector before sector 56, three short ones after
    // (the extended mission's more frequent downlinks).
    let mut gaps: Vec<(f64, f64, bool)> = Vec::new();
    if sector < 56 {
        let w = if rng.random::<f64>() < 0.1 {
            uniform(rng, 1.5, 3.0)
        } else {
            uniform(rng, 0.9, 1.5)
        };
        let c = start + span * uniform(rng, 0.47, 0.53);
        gaps.push((c - w / 2.0, c + w / 2.0, true));
    } else {
        for f in [0.25, 0.5, 0.75] {
            let w = uniform(rng, 0.15, 0.3);
            let c = start + span * (f + uniform(rng, -0.02, 0.02));
            gaps.push((c - w / 2.0, c + w / 2.0, true));
        }
    }
    // An occasional instrument interruption (as in sector 4): rows stay, TIME is NaN and,
    // as in that sector's SPOC file, QUALITY is 0.
    if rng.random::<f64>() < 0.1 {
        let w = uniform(rng, 0.3, 2.5);
        let c = uniform(rng, start + 2.0, end - 2.0 - w);
        if gaps.iter().all(|&(a, b, _)| c + w < a - 1.0 || c > b + 1.0) {
            gaps.push((c, c + w, false));
        }
    }
    gaps.sort_by(|a, b| a.0.total_cmp(&b.0));
    for &(a, b, earth) in &gaps {
        let bits = if earth { flags::EARTH_POINT } else { 0 };
        flag(&mut quality, &mut flux_valid, a, b, bits, true);
        for g in in_gap.iter_mut().take(idx(b).min(n)).skip(idx(a)) {
            *g = true;
        }
    }
    let mut orbit_starts = vec![start];
    let mut orbit_ends = Vec::new();
    for &(a, b, _) in &gaps {
        orbit_ends.push(a);
        orbit_starts.push(b);
    }
    orbit_ends.push(end);
    // The spacecraft's orbits: in the measured EM2 layout the stretches either side of the
    // Earth-point gap nearest mid-sector, elsewhere every stretch between gaps.
    let orbits: Vec<(f64, f64)> = if em2 {
        let mid = gaps
            .iter()
            .filter(|g| g.2)
            .min_by(|a, b| {
                let c = start + 0.5 * span;
                (0.5 * (a.0 + a.1) - c)
                    .abs()
                    .total_cmp(&(0.5 * (b.0 + b.1) - c).abs())
            })
            .map(|g| (g.0, g.1));
        match mid {
            Some((a, b)) => vec![(start, a), (b, end)],
            None => vec![(start, end)],
        }
    } else {
        orbit_starts
            .iter()
            .copied()
            .zip(orbit_ends.iter().copied())
            .collect()
    };

    // First cadence: Earth point, as in every fixture.
    quality[0] |= flags::EARTH_POINT as i32;
    flux_valid[0] = false;
    // Desaturation at orbit starts (sectors 24 and 31 show four 2-min cadences; sector 61
    // after every downlink).
    for &s in &orbit_starts {
        if em2 || rng.random::<f64>() < 0.6 {
            flag(
                &mut quality,
                &mut flux_valid,
                s,
                s + 8.0 / 1440.0,
                flags::DESAT,
                true,
            );
        }
    }
    // Momentum dumps: every 2.5-3.2 d early in the mission, less often later.
    let (lo, hi) = match sector {
        0..=13 => (2.4, 3.2),
        14..=26 => (3.5, 6.0),
        _ => (4.5, 9.0),
    };
    for (&s, &e) in orbit_starts.iter().zip(&orbit_ends) {
        if em2 {
            // Sector 61 unloads momentum during its downlinks only (flagged above).
            break;
        }
        let every = uniform(rng, lo, hi);
        let mut t = s + uniform(rng, 0.2, 1.0) * every;
        while t < e - 0.05 {
            let m = 1.0 / 1440.0;
            let all = flags::COARSE_POINT | flags::DESAT | flags::MANUAL_EXCLUDE;
            flag(&mut quality, &mut flux_valid, t, t + 6.0 * m, all, true);
            let dm = flags::DESAT | flags::MANUAL_EXCLUDE;
            flag(
                &mut quality,
                &mut flux_valid,
                t + 6.0 * m,
                t + 10.0 * m,
                dm,
                true,
            );
            flag(
                &mut quality,
                &mut flux_valid,
                t + 10.0 * m,
                t + 14.0 * m,
                flags::DESAT,
                true,
            );
            t += every;
        }
    }
    // Scattered light near orbit ends and starts (flag 4096 set from background
    // thresholds, 32768 where too few targets were left for the systematics correction).
    for &(s, e) in &orbits {
        if e - s < 3.0 {
            continue;
        }
        if rng.random::<f64>() < 0.35 {
            let w = uniform(rng, 0.2, 1.5);
            flag(
                &mut quality,
                &mut flux_valid,
                e - w,
                e,
                flags::STRAYLIGHT2,
                true,
            );
            if rng.random::<f64>() < 0.5 {
                let w2 = uniform(rng, 0.1, 1.0);
                let bits = flags::INSUFFICIENT_TARGETS;
                flag(&mut quality, &mut flux_valid, e - w - w2, e - w, bits, true);
            }
        }
        if rng.random::<f64>() < 0.25 {
            let off = uniform(rng, 0.0, 1.0);
            let w = uniform(rng, 0.2, 1.2);
            flag(
                &mut quality,
                &mut flux_valid,
                s + off,
                s + off + w,
                flags::STRAYLIGHT2,
                true,
            );
            if rng.random::<f64>() < 0.5 {
                let w2 = uniform(rng, 0.1, 0.8);
                let bits = flags::INSUFFICIENT_TARGETS;
                flag(
                    &mut quality,
                    &mut flux_valid,
                    s + off + w,
                    s + off + w + w2,
                    bits,
                    true,
                );
            }
        }
    }
    // Argabrightening events.
    if rng.random::<f64>() < 0.3 {
        for _ in 0..rng.random_range(1..=2) {
            let t = uniform(rng, start, end);
            let w = rng.random_range(1..=12) as f64 / 720.0;
            flag(
                &mut quality,
                &mut flux_valid,
                t,
                t + w,
                flags::ARGABRIGHTENING,
                true,
            );
        }
    }
    // Scattered single manual excludes: rates from 0.1% to 4% of 2-min cadences, as in the
    // fixtures (sector 31: 0.2%, sector 24: 1%, sector 1's pointing jitter: 4.8%).
    let rate = (10f64.powf(uniform(rng, -3.0, -1.4)) * (cadence_s / 120.0).sqrt()).min(0.08);
    for i in 0..n {
        if rng.random::<f64>() < rate {
            quality[i] |= flags::MANUAL_EXCLUDE as i32;
            flux_valid[i] = false;
        }
    }
    // Impulsive outliers: flagged, flux kept (the noise step makes them outliers).
    let n_out = rng.random_range(0..=16usize);
    for _ in 0..n_out {
        let i = rng.random_range(0..n);
        if flux_valid[i] {
            quality[i] |= flags::IMPULSIVE_OUTLIER as i32;
        }
    }
    let time = nominal_time
        .iter()
        .zip(&in_gap)
        .map(|(&t, &g)| if g { f64::NAN } else { t })
        .collect();
    Observation {
        sector,
        cadence_s,
        time,
        nominal_time,
        quality,
        flux_valid,
        cadenceno,
        orbit_starts,
        orbit_ends,
    }
}

/// Noise and systematics of one simulated star.
#[derive(Debug, Clone, Copy)]
pub struct NoiseModel {
    /// White noise per cadence, fraction of the flux.
    pub white: f64,
    /// Standard deviation and time scale (days) of the short correlated component.
    pub short: (f64, f64),
    /// Standard deviation and time scale (days) of the slow systematics left by PDC.
    pub long: (f64, f64),
    /// Amplitude of scattered-light ramps at orbit starts (fraction; signed).
    pub ramp: f64,
}

impl NoiseModel {
    /// Draws the noise of a star of magnitude `tmag` at `cadence`: white noise from the
    /// Stassun et al. (2018) relation ([`point_sigma`]) with a star-to-star scatter of 10%;
    /// at target-pixel cadences the 60 ppm/hr floor as a correlated (Ornstein-Uhlenbeck)
    /// process of 1-3 h (full frames have it in their white noise); slow PDC residuals of
    /// 30-500 ppm over 0.5-3 d; ramps of up to 0.3%.
    pub fn draw<R: Rng>(rng: &mut R, tmag: f64, cadence: Cadence) -> Self {
        let z: f64 = StandardNormal.sample(rng);
        let white = point_sigma(tmag, cadence) * (0.1 * z).exp();
        // The same draws at every cadence, so the random stream stays aligned.
        let floor = if cadence.is_ffi() {
            0.0
        } else {
            SYSTEMATIC_FLOOR_PPM * 1e-6
        };
        let short = (floor, uniform(rng, 0.04, 0.12));
        let long = (10f64.powf(uniform(rng, -4.5, -3.3)), uniform(rng, 0.5, 3.0));
        let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
        let ramp = sign * 10f64.powf(uniform(rng, -4.0, -2.5));
        Self {
            white,
            short,
            long,
            ramp,
        }
    }

    /// Turns a noiseless normalised signal into fluxes in e-/s with their errors, in place
    /// of the observation's rows: white noise scaled by `sqrt(signal)` (photon noise),
    /// correlated noise, ramps after each orbit start, outliers at impulsive-outlier rows,
    /// NaN where the pipeline leaves no flux.
    pub fn apply<R: Rng>(
        &self,
        rng: &mut R,
        obs: &Observation,
        signal: &[f64],
        flux_e: f64,
    ) -> (Vec<f32>, Vec<f32>) {
        let n = obs.nominal_time.len();
        let mut flux = Vec::with_capacity(n);
        let mut err = Vec::with_capacity(n);
        let mut short = 0.0;
        let mut long = 0.0;
        let mut prev_t = obs.nominal_time.first().copied().unwrap_or(0.0);
        let ramps: Vec<(f64, f64, f64)> = obs
            .orbit_starts
            .iter()
            .map(|&s| {
                let a: f64 = self.ramp * uniform(rng, 0.3, 1.0);
                (s, a, uniform(rng, 0.15, 1.0))
            })
            .collect();
        for (i, &t) in obs.nominal_time.iter().enumerate() {
            let step = t - prev_t;
            prev_t = t;
            let mut ou = |x: &mut f64, (sigma, tau): (f64, f64)| {
                let rho = (-step / tau).exp();
                let z: f64 = StandardNormal.sample(rng);
                *x = *x * rho + sigma * (1.0 - rho * rho).sqrt() * z;
            };
            if i == 0 {
                let z1: f64 = StandardNormal.sample(rng);
                let z2: f64 = StandardNormal.sample(rng);
                short = self.short.0 * z1;
                long = self.long.0 * z2;
            } else {
                ou(&mut short, self.short);
                ou(&mut long, self.long);
            }
            let z: f64 = StandardNormal.sample(rng);
            let s = signal[i];
            if !(obs.flux_valid[i] && s.is_finite()) {
                flux.push(f32::NAN);
                err.push(f32::NAN);
                continue;
            }
            let ramp: f64 = ramps
                .iter()
                .filter(|r| t >= r.0)
                .map(|&(s0, a, tau)| a * (-(t - s0) / tau).exp())
                .sum();
            let sig = self.white * s.max(0.0).sqrt();
            let mut f = s * (1.0 + short + long + ramp) + sig * z;
            if obs.quality[i] & flags::IMPULSIVE_OUTLIER as i32 != 0 {
                let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                f += sign * sig * uniform(rng, 5.0, 15.0);
            }
            flux.push((f * flux_e) as f32);
            err.push((sig * flux_e) as f32);
        }
        (flux, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn sector_layout_looks_like_spoc() {
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(3);
        let obs = observe(&mut rng, 5, Cadence::Spoc120);
        let n = obs.time.len();
        assert!((18_000..20_200).contains(&n));
        let nan_time = obs.time.iter().filter(|t| t.is_nan()).count();
        assert!(nan_time > 400, "a downlink gap of NaN-time rows");
        assert!(obs.quality[0] & 8 != 0);
        let desat = obs.quality.iter().filter(|&&q| q & 32 != 0).count();
        assert!(desat >= 7 * 6, "momentum dumps every ~3 d: {desat}");
        // Every flagged row except impulsive outliers has no flux.
        for i in 0..n {
            let q = obs.quality[i] & !(flags::IMPULSIVE_OUTLIER as i32);
            if q != 0 {
                assert!(!obs.flux_valid[i]);
            }
        }
        assert!(obs.cadenceno.windows(2).all(|w| w[1] == w[0] + 1));
    }
}
