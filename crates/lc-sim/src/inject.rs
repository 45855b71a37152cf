//! Injection of simulated binaries into real light curves, for completeness studies.

use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;
use tess_io::LightCurve;

use crate::draw::{self, BinaryConstraints, Class, Window};
use crate::error::{Error, Result};
use crate::simulate::{amplitude_and_snr, events_on_valid_rows};
use crate::truth::Truth;

/// What to inject.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InjectRequest {
    /// Detached, semi-detached, contact, ellipsoidal or blend.
    pub class: Class,
    /// Fixed parameters; the others are drawn as in [`crate::draw::draw_binary`].
    pub constraints: BinaryConstraints,
    /// Dilution for a blend (ignored otherwise); drawn in 0.8-0.995 when `None`.
    pub third_light: Option<f64>,
}

impl Default for InjectRequest {
    fn default() -> Self {
        Self {
            class: Class::Detached,
            constraints: BinaryConstraints::default(),
            third_light: None,
        }
    }
}

/// Name of the injected copy of `file`: `{stem}-inj{seed}.fits`.
pub fn injected_name(file: &str, seed: u64) -> String {
    format!("{}-inj{seed}.fits", fits_stem(file))
}

/// `file` without its `.fits` or `.fits.gz` ending.
pub(crate) fn fits_stem(file: &str) -> &str {
    file.strip_suffix(".fits.gz")
        .or_else(|| file.strip_suffix(".fits"))
        .unwrap_or(file)
}

/// Robust per-cadence scatter (point-to-point MAD) of the valid rows, as a fraction.
fn scatter(lc: &LightCurve, valid: &[bool]) -> f64 {
    let f: Vec<f64> = lc
        .flux
        .iter()
        .zip(valid)
        .filter(|(_, &v)| v)
        .map(|(&f, _)| f64::from(f))
        .collect();
    if f.len() < 3 {
        return f64::NAN;
    }
    let mut s = f.clone();
    s.sort_by(f64::total_cmp);
    point_to_point_sigma(&f) / s[s.len() / 2].abs()
}

/// Robust point-to-point scatter of a series (a Gaussian sigma, white noise assumed): the
/// median absolute difference of consecutive values times 1.4826 / sqrt(2); 0 for fewer than
/// two values.
pub(crate) fn point_to_point_sigma(values: &[f64]) -> f64 {
    let mut d: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    if d.is_empty() {
        return 0.0;
    }
    d.sort_by(f64::total_cmp);
    d[d.len() / 2] * lc_prep::outlier::MAD_TO_SIGMA / std::f64::consts::SQRT_2
}

/// Longest time span (days) a light curve may have for an injection: 100 years, far beyond any
/// multi-sector TESS light curve; the ephemeris steps through every epoch of the span.
pub const MAX_SPAN_D: f64 = 36_525.0;

/// Largest time magnitude (days) accepted: there an f64 still resolves a 20-second cadence to
/// about 1e-6 of itself, so epochs `t0 + k P` advance.
pub const MAX_ABS_TIME: f64 = 1e7;

pub(crate) fn check_time_range(file: &str, w: Window) -> Result<()> {
    let reason = if w.end - w.start > MAX_SPAN_D {
        format!("a span over {MAX_SPAN_D} days")
    } else if w.start.abs().max(w.end.abs()) > MAX_ABS_TIME {
        format!("times beyond ±{MAX_ABS_TIME:e} days")
    } else {
        return Ok(());
    };
    Err(Error::TimeRange {
        file: file.to_owned(),
        start: w.start,
        end: w.end,
        reason,
    })
}

/// Multiplies a simulated binary into `real`: every row with a finite TIME has its flux and
/// flux error multiplied by the binary's normalised flux averaged over the cadence; rows
/// with NaN TIME, NaN flux and all QUALITY values are left as they are, so the real file's
/// gaps, flags and NaN pattern survive. Returns the new light curve (its `meta.file` set to
/// [`injected_name`]) and the truth record.
///
/// Unless `t0` is given, the epoch is redrawn until at least one primary eclipse falls on a
/// cadence with `QUALITY == 0` and finite flux.
///
/// ```no_run
/// let real = tess_io::read("tess2018206045859-s0001-0000000025155310-0120-s_lc.fits")?;
/// let mut req = lc_sim::InjectRequest::default();
/// req.constraints.period_d = Some(2.0);
/// req.constraints.depth = Some(0.01);
/// let (lc, truth) = lc_sim::inject(&real, &req, 7)?;
/// assert_eq!(truth.label, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inject(real: &LightCurve, req: &InjectRequest, seed: u64) -> Result<(LightCurve, Truth)> {
    req.constraints.validate()?;
    if !matches!(
        req.class,
        Class::Detached | Class::SemiDetached | Class::Contact | Class::Ellipsoidal | Class::Blend
    ) {
        return Err(Error::NotInjectable(req.class.name()));
    }
    let finite = real.time.iter().copied().filter(|t| t.is_finite());
    let w = Window {
        start: finite.clone().fold(f64::INFINITY, f64::min),
        end: finite.fold(f64::NEG_INFINITY, f64::max),
    };
    if !w.start.is_finite() {
        return Err(Error::NoFiniteTime {
            file: real.meta.file.clone(),
        });
    }
    check_time_range(&real.meta.file, w)?;
    let valid: Vec<bool> = real
        .flux
        .iter()
        .zip(&real.quality)
        .zip(&real.time)
        .map(|((f, &q), t)| f.is_finite() && q == 0 && t.is_finite())
        .collect();
    let cadence_d = real.meta.cadence_s / 86_400.0;
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let third_light = match req.class {
        Class::Blend => req
            .third_light
            .unwrap_or_else(|| draw::uniform(&mut rng, 0.8, 0.995)),
        _ => 0.0,
    };
    if let Some(l3) = req.third_light {
        crate::error::check_range("third_light", l3, 0.0, 0.9999, "in [0, 1)")?;
    }
    let mut drawn;
    let mut tries = 0;
    loop {
        drawn = match req.class {
            Class::Contact => draw::draw_contact(&mut rng, w, req.constraints)?,
            Class::Blend => {
                draw::draw_binary(&mut rng, Class::Detached, w, req.constraints, third_light)?
            }
            c => draw::draw_binary(&mut rng, c, w, req.constraints, 0.0)?,
        };
        tries += 1;
        let (Some(t0), Some(p)) = (drawn.truth.t0, drawn.truth.period_d) else {
            break;
        };
        let n = events_on_valid_rows(t0, p, &real.time, &valid, cadence_d);
        drawn.truth.n_primary = Some(n);
        let needs_eclipse = req.class != Class::Ellipsoidal && req.constraints.t0.is_none();
        if n > 0 || !needs_eclipse || tries >= 200 {
            break;
        }
    }
    let signal = drawn.signal.integrate(&real.time, cadence_d);
    let mut lc = real.clone();
    for (i, &s) in signal.iter().enumerate() {
        if s.is_finite() {
            lc.flux[i] = (f64::from(lc.flux[i]) * s) as f32;
            lc.flux_err[i] = (f64::from(lc.flux_err[i]) * s) as f32;
        }
    }
    let file = injected_name(&real.meta.file, seed);
    lc.meta.file = file.clone();
    lc.meta.path = None;
    let sigma = scatter(real, &valid);
    let (amplitude, snr) = amplitude_and_snr(&signal, &valid, sigma);
    let mut truth = drawn.truth;
    truth.file = file;
    truth.tic = real.meta.tic.ok_or_else(|| Error::NoTic {
        file: real.meta.file.clone(),
    })?;
    truth.sector = real.meta.sector.unwrap_or(0);
    truth.class = req.class.name().to_owned();
    truth.label = u8::from(req.class.is_eb());
    truth.amplitude = amplitude;
    truth.snr = snr;
    truth.tmag = real.meta.tmag.unwrap_or(f64::NAN);
    truth.cadence_s = real.meta.cadence_s;
    truth.sigma_ppm = sigma * 1e6;
    truth.seed = seed;
    truth.index = 0;
    Ok((lc, truth))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A light curve with a huge TIME once made the eclipse count step through 1e300 days of
    /// epochs (or never advance): refused at once.
    #[test]
    fn times_no_light_curve_has_are_refused() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits"
        );
        let real = tess_io::read(path).unwrap();
        let last = real.time.len() - 1;
        let cases: [(usize, f64); 4] = [(last, 1e300), (0, -1e300), (last, 1e12), (last, 4e4)];
        for (i, value) in cases {
            let mut lc = real.clone();
            lc.time[i] = value;
            let err = inject(&lc, &InjectRequest::default(), 1).unwrap_err();
            assert!(matches!(err, Error::TimeRange { .. }), "{value}: {err:?}");
        }
        let mut lc = real.clone();
        lc.time.iter_mut().for_each(|t| *t = 1e300);
        let err = inject(&lc, &InjectRequest::default(), 1).unwrap_err();
        assert!(matches!(err, Error::TimeRange { .. }), "{err:?}");
        assert!(inject(&real, &InjectRequest::default(), 1).is_ok());
    }

    #[test]
    fn names_keep_the_stem() {
        assert_eq!(injected_name("a-s_lc.fits", 3), "a-s_lc-inj3.fits");
        assert_eq!(injected_name("b.fits.gz", 12), "b-inj12.fits");
    }
}
