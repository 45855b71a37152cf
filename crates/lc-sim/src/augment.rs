//! Augmented copies of real light curves: new training examples that keep a real star's
//! signal and noise (docs/training.md, "FFI weights").
//!
//! A copy is the real light curve's kept rows, optionally reversed in time, stretched in time
//! (every period scaled by the same factor) and resampled back onto the file's own cadence
//! grid, cropped at both ends (the segments start elsewhere), with white noise added. None of
//! these changes what the star is, so a copy keeps its source's label.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;
use rand_distr::{Distribution, StandardNormal};
use tess_io::{LightCurve, QualityMask};

use crate::error::{Error, Result};

/// Range of the time stretch (every period multiplied by it), drawn log-uniformly.
pub const STRETCH_RANGE: (f64, f64) = (0.8, 1.25);

/// Longest crop (days) at each end; never more than a quarter of the span.
pub const MAX_CROP_D: f64 = 3.0;

/// Largest added noise, in units of the light curve's own point-to-point scatter.
pub const MAX_NOISE: f64 = 1.0;

/// Most grid points per kept row: a stretch adds 25% and gaps add none, so a cadence that asks
/// for more does not describe the rows.
pub const MAX_GRID_PER_ROW: f64 = 4.0;

/// Fewest kept rows a light curve needs to be augmented.
pub const MIN_ROWS: usize = 10;

/// One draw of the transformations of [`augment`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augmentation {
    /// Time reversed (`t -> t_first + t_last - t`).
    pub reversed: bool,
    /// Time stretch factor, in [`STRETCH_RANGE`].
    pub stretch: f64,
    /// Days cropped at the start and at the end (after the stretch).
    pub crop_d: (f64, f64),
    /// Standard deviation of the added white noise, in units of the point-to-point scatter.
    pub noise: f64,
}

impl Augmentation {
    /// Draws a transformation: reversal with probability 1/2, the stretch log-uniform in
    /// [`STRETCH_RANGE`], each crop uniform up to [`MAX_CROP_D`], the noise uniform up to
    /// [`MAX_NOISE`].
    pub fn draw<R: Rng>(rng: &mut R) -> Augmentation {
        let (lo, hi) = STRETCH_RANGE;
        Augmentation {
            reversed: rng.random::<bool>(),
            stretch: (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp(),
            crop_d: (
                rng.random::<f64>() * MAX_CROP_D,
                rng.random::<f64>() * MAX_CROP_D,
            ),
            noise: rng.random::<f64>() * MAX_NOISE,
        }
    }
}

/// Name of the `k`-th augmented copy of `file`: `{stem}-aug{k}.fits`.
///
/// ```
/// assert_eq!(lc_sim::augmented_name("123.fits", 2), "123-aug2.fits");
/// assert_eq!(lc_sim::augmented_name("a_lc.fits.gz", 0), "a_lc-aug0.fits");
/// ```
pub fn augmented_name(file: &str, k: u64) -> String {
    format!("{}-aug{k}.fits", crate::inject::fits_stem(file))
}

/// The seed of the `k`-th copy of the file named `file` in a run seeded `seed`: a hash of all
/// three, so a copy does not depend on which other files are in the run or their order.
///
/// ```
/// let a = lc_sim::augment_seed(0, "123.fits", 1);
/// assert_eq!(a, lc_sim::augment_seed(0, "123.fits", 1));
/// assert_ne!(a, lc_sim::augment_seed(0, "123.fits", 2));
/// assert_ne!(a, lc_sim::augment_seed(1, "123.fits", 1));
/// ```
pub fn augment_seed(seed: u64, file: &str, k: u64) -> u64 {
    // FNV-1a of the name, then splitmix64 steps to mix in the seed and the copy's index.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in file.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(splitmix64(h ^ splitmix64(seed)) ^ k)
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An augmented copy of `real`, drawn with `seed`: the rows its product's quality mask keeps
/// ([`QualityMask::Product`]), transformed as [`Augmentation::draw`] drew, on the file's own
/// cadence grid. Returns the copy (QUALITY 0 everywhere, `meta.file` the source's name, set
/// by the caller) and the draw.
///
/// The stretched light curve is interpolated linearly onto the grid only between rows at most
/// 1.5 stretched cadences apart, so no gap is filled. Added noise is white, its standard
/// deviation the draw's `noise` times the robust point-to-point scatter (median absolute
/// difference of consecutive fluxes, scaled to a Gaussian sigma); flux errors grow to match.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let real = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../../fixtures/lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"))?;
/// let (copy, how) = lc_sim::augment(&real, 7)?;
/// assert!(copy.quality.iter().all(|&q| q == 0));
/// assert!(copy.time.windows(2).all(|w| w[1] > w[0]));
/// assert!(how.stretch >= 0.8 && how.stretch <= 1.25);
/// # Ok(()) }
/// ```
pub fn augment(real: &LightCurve, seed: u64) -> Result<(LightCurve, Augmentation)> {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    let how = Augmentation::draw(&mut rng);
    let (clean, _) = real.apply_quality(QualityMask::Product);
    let mut rows: Vec<(f64, f64, f64)> = clean
        .time
        .iter()
        .zip(&clean.flux)
        .zip(&clean.flux_err)
        .map(|((&t, &f), &e)| (t, f64::from(f), f64::from(e)))
        .collect();
    let too_few = |n: usize| Error::TooFewRows {
        file: real.meta.file.clone(),
        rows: n,
        needed: MIN_ROWS,
    };
    if rows.len() < MIN_ROWS {
        return Err(too_few(rows.len()));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (first, last) = (rows[0].0, rows[rows.len() - 1].0);
    crate::inject::check_time_range(
        &real.meta.file,
        crate::draw::Window {
            start: first,
            end: last,
        },
    )?;
    let cadence_d = if real.meta.cadence_s.is_finite() && real.meta.cadence_s > 0.0 {
        real.meta.cadence_s / 86_400.0
    } else {
        let t: Vec<f64> = rows.iter().map(|r| r.0).collect();
        tess_io::median_cadence_s(&t).ok_or_else(|| too_few(rows.len()))? / 86_400.0
    };
    if how.reversed {
        rows.reverse();
        for r in &mut rows {
            r.0 = first + last - r.0;
        }
    }
    let stretched: Vec<f64> = rows
        .iter()
        .map(|r| first + (r.0 - first) * how.stretch)
        .collect();
    let span = stretched[stretched.len() - 1] - first;
    let start = first + how.crop_d.0.min(span / 4.0);
    let end = first + span - how.crop_d.1.min(span / 4.0);
    let max_step = 1.5 * cadence_d * how.stretch;

    let fluxes: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let sigma = how.noise * crate::inject::point_to_point_sigma(&fluxes);
    let mut out = LightCurve {
        time: Vec::new(),
        flux: Vec::new(),
        flux_err: Vec::new(),
        quality: Vec::new(),
        cadenceno: Vec::new(),
        meta: real.meta.clone(),
    };
    // The grid runs on from the first stretched row, so the copy keeps the file's cadence. A
    // header cadence far below the rows' spacing would make a grid of mostly empty points (or,
    // near zero, an endless one): refused.
    let n_grid = (span / cadence_d).floor() + 1.0;
    if n_grid.is_nan() || n_grid > MAX_GRID_PER_ROW * rows.len() as f64 {
        return Err(Error::Cadence {
            file: real.meta.file.clone(),
            cadence_s: cadence_d * 86_400.0,
            span_d: span,
            rows: rows.len(),
        });
    }
    let n_grid = n_grid as usize;
    for j in 0..n_grid {
        let g = first + j as f64 * cadence_d;
        if g < start || g > end {
            continue;
        }
        let i = stretched.partition_point(|&t| t < g);
        let (f, e) = if i < stretched.len() && stretched[i] == g {
            (rows[i].1, rows[i].2)
        } else if i == 0 || i == stretched.len() || stretched[i] - stretched[i - 1] > max_step {
            continue;
        } else {
            let w = (g - stretched[i - 1]) / (stretched[i] - stretched[i - 1]);
            (
                rows[i - 1].1 + w * (rows[i].1 - rows[i - 1].1),
                rows[i - 1].2 + w * (rows[i].2 - rows[i - 1].2),
            )
        };
        let z: f64 = StandardNormal.sample(&mut rng);
        out.time.push(g);
        out.flux.push((f + sigma * z) as f32);
        out.flux_err.push(e.hypot(sigma) as f32);
        out.quality.push(0);
        out.cadenceno.push(j as i32);
    }
    if out.time.len() < MIN_ROWS {
        return Err(too_few(out.time.len()));
    }
    out.meta.path = None;
    Ok((out, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noiseless sinusoid of period 2 d on a 30-minute grid with a gap in the middle, in
    /// the headers of a real TESS-SPOC file.
    fn sinusoid() -> LightCurve {
        let real = tess_io::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"
        ))
        .unwrap();
        let cad = 1800.0 / 86_400.0;
        let time: Vec<f64> = (0..1300)
            .map(|j| 1000.0 + j as f64 * cad)
            .filter(|t| !(1012.0..1013.5).contains(t))
            .collect();
        let n = time.len();
        let flux = time
            .iter()
            .map(|t| (1000.0 + 10.0 * (std::f64::consts::TAU * t / 2.0).sin()) as f32)
            .collect();
        let mut meta = real.meta;
        meta.cadence_s = 1800.0;
        meta.file = "sine.fits".into();
        LightCurve {
            time,
            flux,
            flux_err: vec![1.0; n],
            quality: vec![0; n],
            cadenceno: (0..n as i32).collect(),
            meta,
        }
    }

    /// The copy's fluxes are the source's stretched sinusoid (period 2 d times the stretch),
    /// within the added noise and the linear interpolation's error, on the source's cadence,
    /// with the gap left empty.
    #[test]
    fn a_copy_is_the_stretched_signal_on_the_same_cadence_with_its_gap() {
        let lc = sinusoid();
        for seed in 0..20 {
            let (copy, how) = augment(&lc, seed).unwrap();
            let cad = 1800.0 / 86_400.0;
            assert!(copy.time.windows(2).all(|w| w[1] - w[0] > 0.99 * cad));
            let steps = copy.time.windows(2).filter(|w| w[1] - w[0] > 1.01 * cad);
            assert_eq!(steps.count(), 1, "seed {seed}: one gap, not filled");
            let (first, last) = (lc.time[0], lc.time[lc.time.len() - 1]);
            let fluxes: Vec<f64> = lc.flux.iter().map(|&f| f64::from(f)).collect();
            let tol = 5.0 * how.noise * crate::inject::point_to_point_sigma(&fluxes) + 0.02;
            for (&g, &f) in copy.time.iter().zip(&copy.flux) {
                let mut t = first + (g - first) / how.stretch;
                if how.reversed {
                    t = first + last - t;
                }
                let want = 1000.0 + 10.0 * (std::f64::consts::TAU * t / 2.0).sin();
                assert!(
                    (f64::from(f) - want).abs() < tol,
                    "seed {seed}: at {g} flux {f} vs {want}"
                );
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_copy_and_others_differ() {
        let lc = sinusoid();
        let a = augment(&lc, 3).unwrap();
        let b = augment(&lc, 3).unwrap();
        let c = augment(&lc, 4).unwrap();
        assert_eq!(a.0.flux, b.0.flux);
        assert_eq!(a.0.time, b.0.time);
        assert_ne!(a.0.flux, c.0.flux);
    }

    #[test]
    fn a_cadence_the_rows_do_not_have_is_refused() {
        let mut lc = sinusoid();
        lc.meta.cadence_s = 1e-6;
        let e = augment(&lc, 0).unwrap_err().to_string();
        assert!(e.contains("sine.fits") && e.contains("cadence"), "{e}");
    }

    #[test]
    fn too_few_rows_are_refused_with_the_file() {
        let mut lc = sinusoid();
        lc.quality.iter_mut().skip(5).for_each(|q| *q = 1);
        let e = augment(&lc, 0).unwrap_err().to_string();
        assert!(e.contains("sine.fits") && e.contains("5 rows"), "{e}");
    }
}
