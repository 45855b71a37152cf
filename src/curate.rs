//! A real labelled set made fit for training: label cleaning and a split by star.
//!
//! Catalog labels say what a star is, not what one sector of its light curve shows. A binary
//! of the Kepler Eclipsing Binary Catalog seen by TESS for one sector at 30 minutes may be too
//! shallow, too faint or too long-period to show anything; such a file is not a positive
//! example. The rule ([`check_signal`]): fold the file's kept points (each segment divided by
//! its median) at the catalog period and measure how much of their variance the phase
//! explains, by the analysis of variance of Schwarzenberg-Czerny (1989) in [`PHASE_BINS`]
//! bins, which sees eclipses, ellipsoidal and contact variation alike. The binary shows its
//! signal when that variation is significant (`z` >= [`Z_MIN`]) and specific: at least
//! [`SPECIFICITY`] times the excess variance at any of four control periods
//! ([`CONTROL_RATIOS`], none a harmonic of the catalog period). Slow systematics, other
//! variability and the orbit-start ramps of TESS fold into any long period alike; a binary's
//! eclipses line up at its own period only. Binning in phase also catches a signal at half
//! the catalog period (twin eclipses) or twice it. A catalog period longer than the data's
//! span cannot be checked, and the file is not kept as a positive.
//!
//! The split ([`split_of`]) is by star: a seeded hash of the TIC picks train, validation or
//! test, so every file of a star lands in the same set, whatever else is in the set.
//!
//! ```
//! use calnet::curate::{split_of, Split};
//! // Deterministic, by star: the same TIC and seed give the same set.
//! assert_eq!(split_of(123_456_789, 0), split_of(123_456_789, 0));
//! let test = (0..10_000u64).filter(|&t| split_of(t, 0) == Split::Test).count();
//! assert!((1_300..1_700).contains(&test), "{test}");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tess_io::{LightCurve, QualityMask};

/// Share of stars in the training set; [`VALIDATION_FRACTION`] go to validation, the rest
/// (15%) to test.
pub const TRAIN_FRACTION: f64 = 0.70;

/// Share of stars in the validation set.
pub const VALIDATION_FRACTION: f64 = 0.15;

/// Where a star's files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    /// Training set.
    Train,
    /// Validation set (model selection).
    Validation,
    /// Held-out test set.
    Test,
}

impl Split {
    /// The name in CSV files: `train`, `validation`, `test`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer, written
/// out so that the split can be reproduced in any language.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The set of star `tic` under `seed`: `u = splitmix64(tic XOR splitmix64(seed)) / 2^64`,
/// train below [`TRAIN_FRACTION`], validation below `TRAIN_FRACTION + VALIDATION_FRACTION`,
/// test above.
pub fn split_of(tic: u64, seed: u64) -> Split {
    let u = (splitmix64(tic ^ splitmix64(seed)) >> 11) as f64 / (1u64 << 53) as f64;
    if u < TRAIN_FRACTION {
        Split::Train
    } else if u < TRAIN_FRACTION + VALIDATION_FRACTION {
        Split::Validation
    } else {
        Split::Test
    }
}

/// Phase bins of the analysis of variance.
pub const PHASE_BINS: usize = 50;

/// Lowest significance (z, [`SignalCheck::z`]) of the variation at the catalog period.
pub const Z_MIN: f64 = 7.1;

/// How many times the excess variance at the best control period the catalog period's
/// excess must reach ([`SignalCheck::specificity`]).
pub const SPECIFICITY: f64 = 3.0;

/// Control periods, as multiples of the catalog period: powers of 2^(1/3), so no control is
/// a harmonic (n or 1/n) of the catalog period, and far enough from it that a few cycles
/// of an eclipse no longer fold onto one another.
pub const CONTROL_RATIOS: [f64; 4] = [0.629_960_5, 0.793_700_5, 1.259_921, 1.587_401];

/// Whether a light curve shows a signal at a given period, and the measurements behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalCheck {
    /// Whether `z` reaches [`Z_MIN`] and `specificity` reaches [`SPECIFICITY`].
    pub ok: bool,
    /// The analysis-of-variance statistic at the period: between-bin over within-bin
    /// variance of the folded light curve in [`PHASE_BINS`] bins (about 1 without a signal).
    pub aov: f64,
    /// Its significance: `(k F - k) / sqrt(2 k)` with `k` the occupied bins less one (for
    /// white noise `k F` is chi-square with `k` degrees of freedom). NaN when not measured.
    pub z: f64,
    /// `(F - 1)` at the period over the largest `(F - 1)` at the [`CONTROL_RATIOS`] periods
    /// within the data's span: how much more the period explains than periods the star has
    /// no reason to show. Infinite when no control shows any excess.
    pub specificity: f64,
    /// What was found: [`Found::Signal`], or why not.
    pub found: Found,
}

/// The outcome of a [`SignalCheck`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A significant, specific variation at the period.
    Signal,
    /// Nothing significant at the period.
    NoSignal,
    /// Significant, but as strong at a control period (systematics, other variability).
    NotSpecific,
    /// The period is longer than the data's span: it cannot be checked.
    PeriodTooLong,
    /// Fewer than two points per phase bin.
    TooFewPoints,
}

impl Found {
    /// The outcome in a few words, as in the CSV's `reason` column.
    pub fn name(self) -> &'static str {
        match self {
            Found::Signal => "signal",
            Found::NoSignal => "no signal",
            Found::NotSpecific => "not specific",
            Found::PeriodTooLong => "period longer than the data",
            Found::TooFewPoints => "too few points",
        }
    }
}

/// Schwarzenberg-Czerny's (1989, MNRAS 241, 153) analysis-of-variance statistic of the
/// points `(t, r)` folded at `period` in [`PHASE_BINS`] bins, with the number of occupied
/// bins; `None` for fewer than two occupied bins or no scatter within bins.
fn aov(t: &[f64], r: &[f64], period: f64) -> Option<(f64, usize)> {
    let mut n = [0usize; PHASE_BINS];
    let mut s = [0.0f64; PHASE_BINS];
    let mut ss = [0.0f64; PHASE_BINS];
    let t0 = t.first().copied().unwrap_or(0.0);
    for (&t, &r) in t.iter().zip(r) {
        let b = ((((t - t0) / period).rem_euclid(1.0) * PHASE_BINS as f64) as usize)
            .min(PHASE_BINS - 1);
        n[b] += 1;
        s[b] += r;
        ss[b] += r * r;
    }
    let total: usize = n.iter().sum();
    let mean = s.iter().sum::<f64>() / total as f64;
    let (mut between, mut within, mut bins) = (0.0, 0.0, 0usize);
    for b in (0..PHASE_BINS).filter(|&b| n[b] > 0) {
        let m = s[b] / n[b] as f64;
        between += n[b] as f64 * (m - mean) * (m - mean);
        within += ss[b] - n[b] as f64 * m * m;
        bins += 1;
    }
    (bins >= 2 && total > bins && within > 0.0).then(|| {
        let f = (between / (bins - 1) as f64) / (within / (total - bins) as f64);
        (f, bins)
    })
}

/// The rule of the [module documentation](self): the points of `lc` that pass lightkurve's
/// default quality mask, each segment (split at the reference's 0.75-day gaps) divided by its
/// median, folded at `period_d` and at the control periods.
///
/// ```
/// use calnet::curate::{check_signal, Found};
/// let lc = tess_io::read("fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits")?;
/// assert_eq!(check_signal(&lc, 2.72837).found, Found::Signal, "CW Eri shows its eclipses");
/// assert!(!check_signal(&lc, 2.72837 * 1.37).ok, "and not at another period");
/// # Ok::<(), tess_io::Error>(())
/// ```
pub fn check_signal(lc: &LightCurve, period_d: f64) -> SignalCheck {
    let (keep, _) = lc.quality_keep(QualityMask::Default);
    let (mut t, mut f): (Vec<f64>, Vec<f32>) = lc
        .time
        .iter()
        .zip(&lc.flux)
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|((&t, &f), _)| (t, f))
        .unzip();
    lc_prep::segment::sort_by_time(&mut t, &mut f);
    let mut r: Vec<f64> = f.iter().map(|&x| f64::from(x)).collect();
    for part in lc_prep::segment::split_at_gaps(&t, lc_prep::segment::REFERENCE_GAP_DAYS) {
        let mut sorted = r[part.clone()].to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        for x in &mut r[part] {
            *x = *x / median - 1.0;
        }
    }
    let unmeasured = |found| SignalCheck {
        ok: false,
        aov: f64::NAN,
        z: f64::NAN,
        specificity: f64::NAN,
        found,
    };
    let span = match (t.first(), t.last()) {
        (Some(a), Some(b)) => b - a,
        _ => 0.0,
    };
    if t.len() < 2 * PHASE_BINS {
        return unmeasured(Found::TooFewPoints);
    }
    if !(period_d.is_finite() && period_d > 0.0 && period_d <= span) {
        return unmeasured(Found::PeriodTooLong);
    }
    let Some((f_at, bins)) = aov(&t, &r, period_d) else {
        return unmeasured(Found::TooFewPoints);
    };
    let k = (bins - 1) as f64;
    let z = (k * f_at - k) / (2.0 * k).sqrt();
    let control = CONTROL_RATIOS
        .iter()
        .map(|x| x * period_d)
        .filter(|&p| p <= span)
        .filter_map(|p| aov(&t, &r, p))
        .map(|(f, _)| f - 1.0)
        .fold(0.0, f64::max);
    let specificity = if control > 0.0 {
        (f_at - 1.0) / control
    } else {
        f64::INFINITY
    };
    let found = if z < Z_MIN {
        Found::NoSignal
    } else if specificity < SPECIFICITY {
        Found::NotSpecific
    } else {
        Found::Signal
    };
    SignalCheck {
        ok: found == Found::Signal,
        aov: f_at,
        z,
        specificity,
        found,
    }
}

/// What went wrong reading a labels table.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The table could not be read or parsed.
    #[error("{path}: {source}")]
    Csv {
        /// The table.
        path: PathBuf,
        /// The reason.
        source: csv::Error,
    },
    /// A column the rule needs is missing.
    #[error("{path}: no '{column}' column (the header has: {header})")]
    MissingColumn {
        /// The table.
        path: PathBuf,
        /// The column (or its alternatives).
        column: &'static str,
        /// The header as read.
        header: String,
    },
    /// A value that does not parse.
    #[error("{path}, line {line}: {column} '{value}' is not {what}")]
    BadValue {
        /// The table.
        path: PathBuf,
        /// Line number (1 is the header).
        line: usize,
        /// Column name.
        column: &'static str,
        /// The value as read.
        value: String,
        /// What was expected.
        what: &'static str,
    },
    /// Writing the output failed.
    #[error("{path}: {source}")]
    Write {
        /// The output.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
}

/// One labelled file.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRow {
    /// File name, relative to the data folder.
    pub file: String,
    /// TIC of the star.
    pub tic: u64,
    /// 1 = eclipsing binary, 0 = other.
    pub label: u8,
    /// Finer class (`subclass` or `class` column), may be empty.
    pub class: String,
    /// Catalog period of a binary, days (`kebc_period` or `period_d` column).
    pub period_d: Option<f64>,
}

/// Reads a labels table with columns `file`, `tic`, `label`, and optionally a class
/// (`subclass` or `class`) and a period (`kebc_period` or `period_d`): the TESSellator set's
/// `labels.csv` and `calnet simulate`'s both qualify.
pub fn read_labels(path: &Path) -> Result<Vec<LabelRow>, Error> {
    let csv_err = |source| Error::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut r = csv::Reader::from_path(path).map_err(csv_err)?;
    let header = r.headers().map_err(csv_err)?.clone();
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| header.iter().position(|h| h == *n))
    };
    let need = |names: &[&str], column: &'static str| {
        find(names).ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column,
            header: header.iter().collect::<Vec<_>>().join(","),
        })
    };
    let (i_file, i_tic, i_label) = (
        need(&["file"], "file")?,
        need(&["tic"], "tic")?,
        need(&["label"], "label")?,
    );
    let i_class = find(&["subclass", "class"]);
    let i_period = find(&["kebc_period", "period_d"]);
    let mut rows = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let line = n + 2;
        let bad = |column: &'static str, value: &str, what: &'static str| Error::BadValue {
            path: path.to_path_buf(),
            line,
            column,
            value: value.to_string(),
            what,
        };
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let tic = get(i_tic)
            .parse()
            .map_err(|_| bad("tic", get(i_tic), "a TIC number"))?;
        let label = match get(i_label) {
            "1" | "true" | "True" => 1,
            "0" | "false" | "False" => 0,
            v => return Err(bad("label", v, "0 or 1")),
        };
        let period_d = match i_period.map(get).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|p| p.is_finite() && *p > 0.0)
                    .ok_or_else(|| bad("period", v, "a positive number of days"))?,
            ),
        };
        rows.push(LabelRow {
            file: get(i_file).to_string(),
            tic,
            label,
            class: i_class.map(get).unwrap_or("").to_string(),
            period_d,
        });
    }
    Ok(rows)
}

/// A labelled file after cleaning and splitting.
#[derive(Debug, Clone, PartialEq)]
pub struct CuratedRow {
    /// The labels row.
    pub row: LabelRow,
    /// The star's set.
    pub split: Split,
    /// For label 1: whether the data show the binary at its catalog period (a file that
    /// does not is no positive example). `None` for label 0.
    pub signal_ok: Option<bool>,
    /// [`SignalCheck::z`] at the catalog period (NaN for label 0 or unmeasured).
    pub z: f64,
    /// [`SignalCheck::specificity`] (NaN likewise).
    pub specificity: f64,
    /// The check's outcome ([`Found::name`]) or why there was none (label 1); empty for
    /// label 0.
    pub reason: String,
}

impl CuratedRow {
    /// Whether the file is a training example: label 0, or label 1 with its signal.
    pub fn kept(&self) -> bool {
        self.signal_ok != Some(false)
    }
}

/// Checks every label-1 row of `rows` (files under `dir`) at its period and assigns every
/// row's star to a set under `seed`; rows run in parallel, the output is in input order and
/// does not depend on the thread count. A label-1 file that cannot be read, or has no period,
/// is not a positive example (`signal_ok` false, the reason says why).
pub fn curate(dir: &Path, rows: &[LabelRow], seed: u64) -> Vec<CuratedRow> {
    rows.par_iter()
        .map(|row| {
            let split = split_of(row.tic, seed);
            let (signal_ok, check, reason) = if row.label == 1 {
                match (row.period_d, tess_io::read(dir.join(&row.file))) {
                    (None, _) => (Some(false), None, "no period".to_string()),
                    (_, Err(e)) => (Some(false), None, format!("unreadable: {e}")),
                    (Some(p), Ok(lc)) => {
                        let c = check_signal(&lc, p);
                        (Some(c.ok), Some(c), c.found.name().to_string())
                    }
                }
            } else {
                (None, None, String::new())
            };
            let (z, specificity) = check.map_or((f64::NAN, f64::NAN), |c| (c.z, c.specificity));
            CuratedRow {
                row: row.clone(),
                split,
                signal_ok,
                z,
                specificity,
                reason,
            }
        })
        .collect()
}

/// The false-pass rate of the rule: each label-0 row checked at the catalog period of a
/// label-1 row picked by a hash of its TIC (a period the star has no reason to show). Rows
/// as [`curate`] gives them, with `signal_ok` the check's outcome at the borrowed period;
/// `None` when no label-1 row has a period. Unreadable files are left out.
pub fn null_test(dir: &Path, rows: &[LabelRow], seed: u64) -> Option<Vec<CuratedRow>> {
    let periods: Vec<f64> = rows
        .iter()
        .filter(|r| r.label == 1)
        .filter_map(|r| r.period_d)
        .collect();
    if periods.is_empty() {
        return None;
    }
    let out = rows
        .par_iter()
        .filter(|r| r.label == 0)
        .filter_map(|r| {
            let lc = tess_io::read(dir.join(&r.file)).ok()?;
            let p = periods[(splitmix64(r.tic) % periods.len() as u64) as usize];
            let c = check_signal(&lc, p);
            Some(CuratedRow {
                row: LabelRow {
                    period_d: Some(p),
                    ..r.clone()
                },
                split: split_of(r.tic, seed),
                signal_ok: Some(c.ok),
                z: c.z,
                specificity: c.specificity,
                reason: c.found.name().to_string(),
            })
        })
        .collect();
    Some(out)
}

fn fmt_num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.1}")
    } else if x == f64::INFINITY {
        "inf".into()
    } else {
        String::new()
    }
}

/// Writes `file,tic,label,class,split,signal_ok,z,specificity,reason` (signal_ok `1`/`0`,
/// empty for label 0; z and specificity to one decimal, `inf` when no control shows any
/// excess, empty when not measured), atomically.
pub fn write_csv(path: &Path, rows: &[CuratedRow]) -> Result<(), Error> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut text = String::from("file,tic,label,class,split,signal_ok,z,specificity,reason\n");
    for r in rows {
        let ok = match r.signal_ok {
            Some(true) => "1",
            Some(false) => "0",
            None => "",
        };
        // Reasons may hold commas (file errors): quote them as CSV does.
        let reason = if r.reason.contains([',', '"']) {
            format!("\"{}\"", r.reason.replace('"', "\"\""))
        } else {
            r.reason.clone()
        };
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.row.file,
            r.row.tic,
            r.row.label,
            r.row.class,
            r.split,
            ok,
            fmt_num(r.z),
            fmt_num(r.specificity),
            reason
        ));
    }
    tess_io::write_atomic(path, text.as_bytes()).map_err(werr)
}
