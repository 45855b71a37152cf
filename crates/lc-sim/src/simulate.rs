//! Labelled data sets: many light curves, written in parallel, deterministic for a seed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;
use rayon::prelude::*;
use tess_io::{LightCurve, Metadata};

use crate::draw::{self, uniform, Class, Window};
use crate::error::{check_range, Error, Result};
use crate::regions::{self, Population, Region};
use crate::signal::Signal;
use crate::tess::{self, Cadence, NoiseModel, Observation, SectorLayout};
use crate::truth::{write_labels, Truth};

/// First TIC identifier of the range reserved for simulated stars. Real TIC v8 identifiers
/// stay below 2.1e9, so 9,000,000,000-9,999,999,999 never names a real star. A simulated
/// star's TIC is `SIM_TIC_BASE + (seed mod 1000) * 1,000,000 + index`: distinct within a
/// run (up to [`MAX_PER_RUN`] light curves) and across runs whose seeds differ modulo 1000.
pub const SIM_TIC_BASE: u64 = 9_000_000_000;

/// Most light curves one run can make (the TIC scheme gives each run a million identifiers).
pub const MAX_PER_RUN: usize = 1_000_000;

/// Name of the truth table written next to the light curves.
pub const LABELS_FILE: &str = "labels.csv";

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Cadence (and with it the product, sectors and noise model).
    pub cadence: Cadence,
    /// Fraction of light curves with label 1.
    pub eb_fraction: f64,
    /// Classes to draw from (each group, label 1 and label 0, by [`Class::weight`]).
    pub classes: Vec<Class>,
    /// Label given to [`Class::Blend`] (0: the target is not the binary; 1: any EB signal
    /// counts).
    pub blend_label: u8,
    /// Range of TESS magnitudes; drawn from a truncated exponential `p(T) ~ 10^(0.15 T)`,
    /// i.e. more faint stars than bright ones, as among TESS targets.
    pub tmag_range: (f64, f64),
    /// Worker threads for [`simulate_to_dir`] (`None`: rayon's global pool). The output does
    /// not depend on it.
    pub threads: Option<usize>,
    /// Lowest matched-filter SNR ([`Truth::snr`]) of a light curve with label 1 or of an
    /// eclipsing class (planet, blend): a system below it is redrawn with a new magnitude,
    /// so every such signal can be seen. 0 (the default) keeps every draw, the way a sky
    /// survey holds binaries far below its noise.
    pub min_snr: f64,
    /// Redraw an eclipsing system (detached, semi-detached, blend, planet) until each
    /// segment a classifier will see holds a primary eclipse on valid data: each run of
    /// valid cadences that `lc-prep` keeps as a segment under the cadence's rule
    /// ([`Cadence::segment_rule`]: the reference's 2,000 points at 20 s and 120 s, the
    /// full-frame-image rule at 200, 600 and 1800 s). Off by default: then one eclipse per sector suffices,
    /// and a long-period binary can leave a whole orbit without one, which makes that
    /// segment's label (the file's) untrue of what it shows.
    pub eclipse_every_segment: bool,
    /// Which mix to draw: the reference mix (the default; the same bytes for a seed as
    /// before populations existed) or the hard-cases regions ([`Population::HardCases`]),
    /// whose classes must also be in [`SimConfig::classes`].
    pub population: Population,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            cadence: Cadence::Spoc120,
            eb_fraction: 0.5,
            classes: Class::ALL.to_vec(),
            blend_label: 0,
            tmag_range: (6.5, 13.5),
            threads: None,
            min_snr: 0.0,
            eclipse_every_segment: false,
            population: Population::Reference,
        }
    }
}

impl SimConfig {
    /// Checks the fraction, magnitudes and that both labels can be drawn when the
    /// fraction asks for them.
    pub fn validate(&self) -> Result<()> {
        check_range("eb_fraction", self.eb_fraction, 0.0, 1.0, "in [0, 1]")?;
        check_range("tmag_range.0", self.tmag_range.0, 4.0, 16.0, "in [4, 16]")?;
        check_range(
            "tmag_range.1",
            self.tmag_range.1,
            self.tmag_range.0,
            16.0,
            "in [Tmin, 16]",
        )?;
        check_range(
            "blend_label",
            f64::from(self.blend_label),
            0.0,
            1.0,
            "0 or 1",
        )?;
        check_range("min_snr", self.min_snr, 0.0, 1e6, "in [0, 1e6]")?;
        if self.classes.is_empty() {
            return Err(Error::EmptyClassSet("the class list is empty".into()));
        }
        if self.population == Population::HardCases {
            let (eb, other) = self.region_groups();
            if eb.is_empty() && other.is_empty() {
                return Err(Error::EmptyClassSet(
                    "no hard-cases region belongs to a listed class (regions: detached, \
                     ellipsoidal, planet, flare, rotator)"
                        .into(),
                ));
            }
            if eb.is_empty() && self.eb_fraction == 1.0 {
                return Err(Error::EmptyClassSet(
                    "eb_fraction is 1 but no hard-cases region of a listed class has label 1"
                        .into(),
                ));
            }
            if other.is_empty() && self.eb_fraction == 0.0 {
                return Err(Error::EmptyClassSet(
                    "eb_fraction is 0 but every hard-cases region of a listed class has label 1"
                        .into(),
                ));
            }
            return Ok(());
        }
        let (eb, other) = self.groups();
        if eb.is_empty() && self.eb_fraction == 1.0 {
            return Err(Error::EmptyClassSet(
                "eb_fraction is 1 but no EB class is listed".into(),
            ));
        }
        if other.is_empty() && self.eb_fraction == 0.0 {
            return Err(Error::EmptyClassSet(
                "eb_fraction is 0 but only EB classes are listed".into(),
            ));
        }
        Ok(())
    }

    /// Label of a class under this configuration.
    pub fn label(&self, class: Class) -> u8 {
        if class == Class::Blend {
            self.blend_label
        } else {
            u8::from(class.is_eb())
        }
    }

    fn groups(&self) -> (Vec<Class>, Vec<Class>) {
        let mut c = self.classes.clone();
        c.sort();
        c.dedup();
        c.into_iter().partition(|&k| self.label(k) == 1)
    }

    /// Regions of the hard-cases population whose class is listed, by label (1, then 0).
    fn region_groups(&self) -> (Vec<Region>, Vec<Region>) {
        Region::ALL
            .into_iter()
            .filter(|r| self.classes.contains(&r.class()))
            .partition(|&r| self.label(r.class()) == 1)
    }

    /// A region of the hard-cases population: the label group by `eb_fraction` (as
    /// [`SimConfig::pick_class`]), then a region by [`Region::weight`].
    fn pick_region<R: Rng>(&self, rng: &mut R) -> Region {
        let (eb, other) = self.region_groups();
        let group = if eb.is_empty() {
            other
        } else if other.is_empty() || rng.random::<f64>() < self.eb_fraction {
            eb
        } else {
            other
        };
        let total: f64 = group.iter().map(|r| r.weight()).sum();
        let mut x = rng.random::<f64>() * total;
        for &r in &group {
            x -= r.weight();
            if x < 0.0 {
                return r;
            }
        }
        group[group.len() - 1]
    }

    fn pick_class<R: Rng>(&self, rng: &mut R) -> Class {
        let (eb, other) = self.groups();
        let group = if eb.is_empty() {
            other
        } else if other.is_empty() || rng.random::<f64>() < self.eb_fraction {
            eb
        } else {
            other
        };
        let total: f64 = group.iter().map(|c| c.weight()).sum();
        let mut x = rng.random::<f64>() * total;
        for &c in &group {
            x -= c.weight();
            if x < 0.0 {
                return c;
            }
        }
        group[group.len() - 1]
    }
}

/// The TIC identifier of light curve `index` of a run with `seed` (see [`SIM_TIC_BASE`]).
pub fn sim_tic(seed: u64, index: u64) -> u64 {
    SIM_TIC_BASE + (seed % 1000) * 1_000_000 + index
}

/// One simulated light curve.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// The light curve as it will be written (fluxes in e-/s).
    pub lc: LightCurve,
    /// What went into it.
    pub truth: Truth,
    /// The noiseless normalised signal on the same rows (NaN where TIME is NaN).
    pub signal: Vec<f64>,
}

/// The random stream of light curve `index`: the run's seed picks the key, the index the
/// stream, so light curves do not depend on one another or on the thread count.
fn stream(seed: u64, index: u64) -> ChaCha12Rng {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

fn draw_tmag<R: Rng>(rng: &mut R, (lo, hi): (f64, f64)) -> f64 {
    let b = 0.15 * std::f64::consts::LN_10;
    let u: f64 = rng.random();
    ((b * lo).exp() + u * ((b * hi).exp() - (b * lo).exp())).ln() / b
}

/// Number of epochs `t0 + k P` that fall on a cadence with valid flux.
pub(crate) fn events_on_valid_rows(
    t0: f64,
    period: f64,
    time: &[f64],
    valid: &[bool],
    cadence_d: f64,
) -> u32 {
    let finite: Vec<(usize, f64)> = time
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, t)| t.is_finite())
        .collect();
    let (Some(&(_, first)), Some(&(_, last))) = (finite.first(), finite.last()) else {
        return 0;
    };
    let mut n = 0;
    let mut k = ((first - t0) / period).ceil();
    loop {
        let t = t0 + k * period;
        if t > last {
            break;
        }
        let j = finite.partition_point(|&(_, x)| x < t);
        let near = [j.checked_sub(1), Some(j)]
            .into_iter()
            .flatten()
            .filter_map(|j| finite.get(j))
            .any(|&(i, x)| (x - t).abs() <= cadence_d && valid[i]);
        n += u32::from(near);
        k += 1.0;
    }
    n
}

/// Valid-cadence masks of the segments a classifier will see under `lc-prep`'s segment rule
/// for `cadence` (see [`SimConfig::eclipse_every_segment`]).
fn segment_masks(time: &[f64], valid: &[bool], cadence: Cadence) -> Vec<Vec<bool>> {
    let rule = cadence.segment_rule();
    let mut masks = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut flush = |rows: &mut Vec<usize>| {
        let span = match (rows.first(), rows.last()) {
            (Some(&a), Some(&b)) => time[b] - time[a],
            _ => 0.0,
        };
        if rule.keeps(rows.len(), span, cadence.seconds()) {
            let mut m = vec![false; time.len()];
            rows.iter().for_each(|&i| m[i] = true);
            masks.push(m);
        }
        rows.clear();
    };
    for (i, (&t, &ok)) in time.iter().zip(valid).enumerate() {
        if !(ok && t.is_finite()) {
            continue;
        }
        if let Some(&last) = current.last() {
            if t - time[last] > rule.gap_days {
                flush(&mut current);
            }
        }
        current.push(i);
    }
    flush(&mut current);
    masks
}

/// Peak-to-peak amplitude and matched-filter SNR of a noiseless signal over valid rows.
pub(crate) fn amplitude_and_snr(signal: &[f64], valid: &[bool], white: f64) -> (f64, f64) {
    let mut v: Vec<f64> = signal
        .iter()
        .zip(valid)
        .filter(|(s, &ok)| ok && s.is_finite())
        .map(|(&s, _)| s)
        .collect();
    if v.is_empty() {
        return (0.0, 0.0);
    }
    v.sort_by(f64::total_cmp);
    let med = v[v.len() / 2];
    let amp = (v[v.len() - 1] - v[0]) / med;
    let ss: f64 = v.iter().map(|s| (s - med) * (s - med)).sum();
    (amp, ss.sqrt() / (white * med))
}

/// Most systems drawn for one light curve in search of [`SimConfig::min_snr`]; the last
/// draw is kept (and its SNR recorded) when none reaches it.
const MAX_SNR_ATTEMPTS: usize = 200;

/// Span in days of the shortest of `segments` (valid-cadence masks), or 13.0 (about a
/// TESS orbit) when there is none.
fn shortest_segment(time: &[f64], segments: &[Vec<bool>]) -> f64 {
    segments
        .iter()
        .filter_map(|m| {
            let first = m.iter().position(|&v| v)?;
            let last = m.iter().rposition(|&v| v)?;
            Some(time[last] - time[first])
        })
        .fold(None, |acc: Option<f64>, s| {
            Some(acc.map_or(s, |a| a.min(s)))
        })
        .unwrap_or(13.0)
}

/// Draws a system of `class` (of `region` in the hard-cases population) whose eclipses
/// show: eclipsing classes need a primary event on valid data (a 30-d binary often has none
/// in a sector) and, when `segments` is not empty, one in each of them. Returns the system
/// and its number of primary events (for classes with a period). After 100 tries the last
/// draw is kept.
fn draw_visible<R: Rng>(
    rng: &mut R,
    class: Class,
    region: Option<Region>,
    w: Window,
    obs: &Observation,
    cadence_d: f64,
    segments: &[Vec<bool>],
) -> Result<(draw::Drawn, Option<u32>)> {
    let eclipsing = matches!(
        class,
        Class::Detached | Class::SemiDetached | Class::Blend | Class::Planet
    );
    let longest_period = shortest_segment(&obs.time, segments);
    let draw_once = |rng: &mut R| match region {
        Some(r) => regions::draw_region(rng, r, w, longest_period),
        None => draw::draw(rng, class, w),
    };
    let mut drawn = draw_once(rng)?;
    let mut n_primary = None;
    for _ in 0..100 {
        let (Some(t0), Some(p)) = (drawn.truth.t0, drawn.truth.period_d) else {
            break;
        };
        if !(eclipsing || class == Class::Contact || class == Class::Ellipsoidal) {
            break;
        }
        let n = events_on_valid_rows(t0, p, &obs.time, &obs.flux_valid, cadence_d);
        n_primary = Some(n);
        let every_segment = || {
            segments
                .iter()
                .all(|m| events_on_valid_rows(t0, p, &obs.time, m, cadence_d) > 0)
        };
        if !eclipsing || (n > 0 && every_segment()) {
            break;
        }
        drawn = draw_once(rng)?;
    }
    Ok((drawn, n_primary))
}

/// Simulates light curve `index` of the run `seed`. Identical for identical arguments,
/// whatever else runs.
///
/// ```
/// let cfg = lc_sim::SimConfig { cadence: lc_sim::Cadence::Ffi1800, ..Default::default() };
/// let a = lc_sim::simulate_one(&cfg, 42, 3).unwrap();
/// let b = lc_sim::simulate_one(&cfg, 42, 3).unwrap();
/// // NaN rows make `==` false; the debug text compares them too.
/// assert_eq!(format!("{:?}", a.lc), format!("{:?}", b.lc));
/// assert_eq!(a.lc.meta.tic, Some(lc_sim::sim_tic(42, 3)));
/// let class: lc_sim::Class = a.truth.class.parse().unwrap();
/// assert_eq!(a.truth.label, cfg.label(class));
/// ```
pub fn simulate_one(cfg: &SimConfig, seed: u64, index: u64) -> Result<Simulated> {
    cfg.validate()?;
    let mut rng = stream(seed, index);
    let (class, region) = match cfg.population {
        Population::Reference => (cfg.pick_class(&mut rng), None),
        Population::HardCases => {
            let r = cfg.pick_region(&mut rng);
            (r.class(), Some(r))
        }
    };
    let (lo, hi) = cfg.cadence.sectors();
    let sector = rng.random_range(lo..=hi);
    let layout = match cfg.population {
        Population::Reference => SectorLayout::Reference,
        Population::HardCases => SectorLayout::Measured,
    };
    let obs = tess::observe_with(&mut rng, sector, cfg.cadence, layout);
    let finite = obs.time.iter().copied().filter(|t| t.is_finite());
    let w = Window {
        start: finite.clone().fold(f64::INFINITY, f64::min),
        end: finite.fold(f64::NEG_INFINITY, f64::max),
    };
    let cadence_d = cfg.cadence.seconds() / 86_400.0;
    let eclipsing = matches!(
        class,
        Class::Detached | Class::SemiDetached | Class::Blend | Class::Planet
    );
    let valid: Vec<bool> = obs
        .flux_valid
        .iter()
        .zip(&obs.quality)
        .map(|(&v, &q)| v && q == 0)
        .collect();
    // A long-period binary's label is honest only if every segment shows an eclipse, so
    // that region always asks for one, whatever the option says.
    let every_segment = cfg.eclipse_every_segment || region == Some(Region::LongPeriod);
    let segments = if eclipsing && every_segment {
        segment_masks(&obs.time, &valid, cfg.cadence)
    } else {
        Vec::new()
    };
    let snr_applies = cfg.min_snr > 0.0 && (eclipsing || cfg.label(class) == 1);
    // Redraws keep consuming the same stream, so a light curve still depends only on
    // (seed, index); a configuration that asks for nothing redraws nothing and gives the
    // same light curves as before these options existed.
    let mut attempt = 0;
    let (drawn, n_primary, tmag, noise, signal, amplitude, snr) = loop {
        attempt += 1;
        let (drawn, n_primary) =
            draw_visible(&mut rng, class, region, w, &obs, cadence_d, &segments)?;
        let tmag = draw_tmag(&mut rng, cfg.tmag_range);
        let noise = NoiseModel::draw(&mut rng, tmag, cfg.cadence);
        let signal = drawn.signal.integrate(&obs.time, cadence_d);
        let (amplitude, mut snr) = amplitude_and_snr(&signal, &valid, noise.white);
        // On an active star the SNR is that of the eclipses or transits alone, so that
        // `min_snr` keeps them visible under the spots and flares.
        if let Signal::ActiveStar { base, .. } = &drawn.signal {
            snr = amplitude_and_snr(&base.integrate(&obs.time, cadence_d), &valid, noise.white).1;
        }
        if !snr_applies || snr >= cfg.min_snr || attempt >= MAX_SNR_ATTEMPTS {
            break (drawn, n_primary, tmag, noise, signal, amplitude, snr);
        }
    };
    let flux_e = tess::flux_from_tmag(tmag) * uniform(&mut rng, 0.93, 1.07);
    let (flux, flux_err) = noise.apply(&mut rng, &obs, &signal, flux_e);
    let tic = sim_tic(seed, index);
    let file = file_name(index, sector, tic, cfg.cadence);
    let (teff, logg, radius) = drawn.star;
    let meta = Metadata {
        tic: Some(tic),
        sector: Some(sector),
        camera: Some(rng.random_range(1..=4)),
        ccd: Some(rng.random_range(1..=4)),
        tmag: Some(round_to(tmag, 3)),
        teff: Some(round_to(teff, 0)),
        logg: Some(round_to(logg, 3)),
        radius: Some(round_to(radius, 3)),
        ra: Some(uniform(&mut rng, 0.0, 360.0)),
        dec: Some(uniform(&mut rng, -1.0, 1.0).asin().to_degrees()),
        product: cfg.cadence.product(),
        cadence_s: cfg.cadence.seconds(),
        file: file.clone(),
        path: None,
    };
    let mut truth = drawn.truth;
    truth.file = file;
    truth.tic = tic;
    truth.sector = sector;
    truth.label = cfg.label(class);
    truth.n_primary = n_primary;
    truth.amplitude = amplitude;
    truth.snr = snr;
    truth.tmag = round_to(tmag, 3);
    truth.cadence_s = cfg.cadence.seconds();
    truth.sigma_ppm = noise.white * 1e6;
    truth.seed = seed;
    truth.index = index;
    let Observation {
        time,
        quality,
        cadenceno,
        ..
    } = obs;
    Ok(Simulated {
        lc: LightCurve {
            time,
            flux,
            flux_err,
            quality,
            cadenceno,
            meta,
        },
        truth,
        signal,
    })
}

fn round_to(x: f64, digits: i32) -> f64 {
    let s = 10f64.powi(digits);
    (x * s).round() / s
}

/// File name of a simulated light curve: `sim-{index:06}-s{sector:04}-{tic:016}_lc.fits`
/// (`_fast-lc` for 20 s, `_ffi-lc` for full-frame cadences), sortable by index.
pub fn file_name(index: u64, sector: u32, tic: u64, cadence: Cadence) -> String {
    let kind = match cadence {
        Cadence::Fast20 => "fast-lc",
        Cadence::Spoc120 => "lc",
        _ => "ffi-lc",
    };
    format!("sim-{index:06}-s{sector:04}-{tic:016}_{kind}.fits")
}

/// Progress of a run: light curves written so far, out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimProgress {
    /// Light curves written.
    pub done: usize,
    /// Light curves asked for.
    pub total: usize,
}

/// Simulates `n` light curves of run `seed` in parallel (rayon's pool), writes each as a
/// SPOC-format file in `dir` (atomically) and then `dir/labels.csv` (atomically, rows in
/// index order), and returns the rows. `progress` is called after each file, from worker
/// threads. The files and the labels are byte-identical for a seed whatever the thread
/// count.
pub fn simulate_to_dir(
    cfg: &SimConfig,
    dir: &Path,
    seed: u64,
    n: usize,
    progress: &(dyn Fn(SimProgress) + Sync),
) -> Result<Vec<Truth>> {
    cfg.validate()?;
    check_range(
        "n",
        n as f64,
        0.0,
        MAX_PER_RUN as f64,
        "at most 1,000,000 per run",
    )?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let done = AtomicUsize::new(0);
    let work = || {
        (0..n as u64)
            .into_par_iter()
            .map(|i| {
                let sim = simulate_one(cfg, seed, i)?;
                let path: PathBuf = dir.join(&sim.truth.file);
                tess_io::write_spoc(&path, &sim.lc).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(SimProgress { done: d, total: n });
                Ok(sim.truth)
            })
            .collect::<Result<Vec<Truth>>>()
    };
    let rows = match cfg.threads {
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build()
            .map_err(|e| Error::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::other(format!("starting {t} worker threads: {e}")),
            })?
            .install(work)?,
        None => work()?,
    };
    write_labels(&dir.join(LABELS_FILE), &rows)?;
    Ok(rows)
}

/// How many rows of each hard-cases region (empty for a reference set).
pub fn region_counts(rows: &[Truth]) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::new();
    for r in rows.iter().filter_map(|r| r.region.as_ref()) {
        *m.entry(r.clone()).or_insert(0) += 1;
    }
    m.into_iter().collect()
}

/// A class-balanced view for checks: how many rows of each class.
pub fn class_counts(rows: &[Truth]) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::new();
    for r in rows {
        *m.entry(r.class.clone()).or_insert(0) += 1;
    }
    m.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eb_fraction_and_classes_are_respected() {
        let cfg = SimConfig {
            cadence: Cadence::Ffi1800,
            eb_fraction: 1.0,
            classes: vec![Class::Detached, Class::Planet],
            ..Default::default()
        };
        for i in 0..5 {
            let s = simulate_one(&cfg, 5, i).unwrap();
            assert_eq!(s.truth.class, "detached");
            assert_eq!(s.truth.label, 1);
            assert!(s.truth.n_primary.unwrap() >= 1);
        }
        let bad = SimConfig {
            eb_fraction: 0.0,
            classes: vec![Class::Contact],
            ..cfg.clone()
        };
        assert!(matches!(bad.validate(), Err(Error::EmptyClassSet(_))));
        assert!(matches!(
            Cadence::from_seconds(60.0),
            Err(Error::InvalidCadence(_))
        ));
    }

    #[test]
    fn events_are_counted_on_valid_rows_only() {
        let time: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
        let mut valid = vec![true; 100];
        assert_eq!(events_on_valid_rows(0.05, 2.0, &time, &valid, 0.1), 5);
        for v in valid.iter_mut().take(30) {
            *v = false;
        }
        assert_eq!(events_on_valid_rows(0.05, 2.0, &time, &valid, 0.1), 3);
    }

    #[test]
    fn simulated_scatter_follows_the_noise_model() {
        let cfg = SimConfig {
            classes: vec![Class::Constant],
            eb_fraction: 0.0,
            ..Default::default()
        };
        let s = simulate_one(&cfg, 1, 0).unwrap();
        let f: Vec<f64> =
            s.lc.flux
                .iter()
                .zip(&s.lc.quality)
                .filter(|(f, &q)| f.is_finite() && q == 0)
                .map(|(&f, _)| f as f64)
                .collect();
        let mut d: Vec<f64> = f.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        d.sort_by(f64::total_cmp);
        let mut g = f.clone();
        g.sort_by(f64::total_cmp);
        let p2p = d[d.len() / 2] * 1.4826 / 2f64.sqrt() / g[g.len() / 2];
        let want = s.truth.sigma_ppm * 1e-6;
        assert!((p2p / want - 1.0).abs() < 0.1, "{p2p} vs {want}");
    }

    /// Segments of a written light curve as `lc-prep` will cut them (valid, QUALITY 0, split
    /// at gaps over 0.75 d, at least 2000 rows), by their times: written independently of
    /// `segment_masks` on purpose.
    fn segment_times(s: &Simulated) -> Vec<Vec<f64>> {
        let t: Vec<f64> =
            s.lc.time
                .iter()
                .zip(&s.lc.flux)
                .zip(&s.lc.quality)
                .filter(|((t, f), &q)| t.is_finite() && f.is_finite() && q == 0)
                .map(|((&t, _), _)| t)
                .collect();
        let mut out: Vec<Vec<f64>> = vec![Vec::new()];
        for (i, &x) in t.iter().enumerate() {
            if i > 0 && x - t[i - 1] > 0.75 {
                out.push(Vec::new());
            }
            out.last_mut().unwrap().push(x);
        }
        out.retain(|seg| seg.len() >= 2000);
        out
    }

    fn eclipse_in(seg: &[f64], t0: f64, p: f64, cadence_d: f64) -> bool {
        seg.iter()
            .any(|&t| ((t - t0) / p - ((t - t0) / p).round()).abs() * p <= cadence_d)
    }

    #[test]
    fn eclipse_every_segment_leaves_no_segment_without_an_eclipse() {
        let base = SimConfig {
            classes: vec![Class::Detached],
            eb_fraction: 1.0,
            ..Default::default()
        };
        let every = SimConfig {
            eclipse_every_segment: true,
            ..base.clone()
        };
        let cadence_d = base.cadence.seconds() / 86_400.0;
        let misses = |cfg: &SimConfig, i: u64| {
            let s = simulate_one(cfg, 21, i).unwrap();
            let (t0, p) = (s.truth.t0.unwrap(), s.truth.period_d.unwrap());
            segment_times(&s)
                .iter()
                .filter(|seg| !eclipse_in(seg, t0, p, cadence_d))
                .count()
        };
        // Without the option, some long-period binary leaves a segment without an eclipse
        // (so the check below can fail); with it, none does.
        assert!((0..40).any(|i| misses(&base, i) > 0));
        for i in 0..40 {
            assert_eq!(misses(&every, i), 0, "light curve {i}");
        }
    }

    #[test]
    fn eclipse_every_segment_follows_the_full_frame_segment_rule() {
        let every = SimConfig {
            classes: vec![Class::Detached],
            eb_fraction: 1.0,
            cadence: Cadence::Ffi1800,
            eclipse_every_segment: true,
            ..Default::default()
        };
        let rule = lc_prep::SegmentRule::ffi(1800.0);
        let cadence_d = 1800.0 / 86_400.0;
        let mut segments = 0;
        for i in 0..30 {
            let s = simulate_one(&every, 23, i).unwrap();
            let (t0, p) = (s.truth.t0.unwrap(), s.truth.period_d.unwrap());
            let t: Vec<f64> =
                s.lc.time
                    .iter()
                    .zip(&s.lc.flux)
                    .zip(&s.lc.quality)
                    .filter(|((t, f), &q)| t.is_finite() && f.is_finite() && q == 0)
                    .map(|((&t, _), _)| t)
                    .collect();
            for part in lc_prep::segment::split_at_gaps(&t, rule.gap_days) {
                let seg = &t[part];
                if rule.keeps(seg.len(), seg[seg.len() - 1] - seg[0], 1800.0) {
                    segments += 1;
                    assert!(eclipse_in(seg, t0, p, cadence_d), "light curve {i}");
                }
            }
        }
        assert!(segments >= 45, "{segments} segments kept by the FFI rule");
    }

    #[test]
    fn min_snr_redraws_signals_below_it() {
        let base = SimConfig {
            classes: vec![Class::Detached, Class::Planet, Class::Rotator],
            eb_fraction: 0.5,
            tmag_range: (12.5, 13.5),
            ..Default::default()
        };
        let strict = SimConfig {
            min_snr: 40.0,
            ..base.clone()
        };
        let snr = |cfg: &SimConfig, i: u64| {
            let s = simulate_one(cfg, 8, i).unwrap().truth;
            (s.class, s.snr)
        };
        assert!((0..30).any(|i| snr(&base, i).1 < 40.0));
        for i in 0..30 {
            let (class, v) = snr(&strict, i);
            if class != "rotator" {
                assert!(v >= 40.0, "light curve {i} ({class}): SNR {v}");
            }
        }
        assert!(matches!(
            SimConfig {
                min_snr: -1.0,
                ..base
            }
            .validate(),
            Err(Error::OutOfRange { .. })
        ));
    }
}
