//! What a classification run writes: per-file records, the per-target catalog, and the writers
//! of `segments.csv`, `catalog.csv`, `catalog.dat`, `skipped.csv` and `failures.csv`.
//!
//! A [`FileRecord`] is everything the pipeline learned from one input file (one line of the
//! run's journal). The outputs are functions of the records alone, written in the records'
//! order, so a run resumed after a crash, or shards joined by [`crate::pipeline::merge`], give
//! byte-identical files. [`Catalog::from_records`] keeps one row per TIC with at least one
//! segment above the threshold.
//!
//! ```
//! use calnet::catalog::{Catalog, Classified, FileRecord, Outcome, SegmentResult};
//!
//! let segment = |i: usize, p: f32| SegmentResult {
//!     segment: i, t_start: 1410.9 + 13.0 * i as f64, t_end: 1423.3 + 13.0 * i as f64,
//!     n_points: 8000, p_eb: p, peak_period: Some(1.364),
//! };
//! let record = FileRecord {
//!     index: 0,
//!     file: "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits".into(),
//!     outcome: Outcome::Classified(Classified {
//!         tic: Some(98853987), sector: Some(4), product: "SPOC".into(),
//!         ra: Some(47.1), dec: Some(-17.9), tmag: Some(7.9), teff: Some(6800.0),
//!         segments: vec![segment(0, 0.98), segment(1, 0.31)],
//!         skipped: vec![], period: None, sheet: None, quality_bitmask: u32::MAX, warnings: vec![],
//!     }),
//! };
//! let catalog = Catalog::from_records(&[record], 0.5);
//! assert_eq!(catalog.rows.len(), 1);
//! assert_eq!((catalog.rows[0].n_segments, catalog.rows[0].n_flagged), (2, 1));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lc_prep::output::{SegmentRow, SegmentsCsv};
use serde::{Deserialize, Serialize};

use crate::period::PeriodEstimate;
use crate::pipeline::Error;
use crate::vet::Vetting;

/// What the pipeline learned from one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Position of the file in the run's whole input list (before any sharding): outputs are
    /// written in this order.
    pub index: usize,
    /// The file's path as the run listed it.
    pub file: String,
    /// The result.
    pub outcome: Outcome,
}

/// Whether a file was classified, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
// One record per file, built once and written once: a box would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// Read and classified (possibly with no usable segment).
    Classified(Classified),
    /// Could not be read or prepared.
    Failed {
        /// Why, in words.
        reason: String,
    },
}

impl FileRecord {
    /// The results, when the file was classified.
    pub fn classified(&self) -> Option<&Classified> {
        match &self.outcome {
            Outcome::Classified(c) => Some(c),
            Outcome::Failed { .. } => None,
        }
    }
}

/// The results of one classified file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classified {
    /// TESS Input Catalog identifier, when the headers name one.
    pub tic: Option<u64>,
    /// Observing sector, when the headers give it.
    pub sector: Option<u32>,
    /// The data product (`SPOC`, `TESS-SPOC`, `QLP`, `SPOC-alert`).
    pub product: String,
    /// Right ascension, degrees.
    pub ra: Option<f64>,
    /// Declination, degrees.
    pub dec: Option<f64>,
    /// TESS magnitude.
    pub tmag: Option<f64>,
    /// Effective temperature, K.
    pub teff: Option<f64>,
    /// One entry per classified segment, in time order.
    pub segments: Vec<SegmentResult>,
    /// Segments that gave no model input, and why.
    pub skipped: Vec<SkipRecord>,
    /// The EB period estimate of the file's most probable segment; computed for files with a
    /// segment above the threshold and for files that get a sheet.
    pub period: Option<SegmentPeriod>,
    /// The vetting sheet's file name (inside the run's `sheets/` folder), if one was drawn.
    pub sheet: Option<String>,
    /// The QUALITY bits that dropped a cadence (`tess_io::QualityMask::bitmask`), so that
    /// [`crate::vet`] reads the same points again; journals written before it had the field
    /// used the reference mask (every bit).
    #[serde(default = "every_bit")]
    pub quality_bitmask: u32,
    /// Warnings about the file, such as a cadence the weights' feature config is not made
    /// for (`lc_prep::Segments::cadence_warning`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn every_bit() -> u32 {
    u32::MAX
}

/// One classified segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentResult {
    /// Position among all segments of the light curve (skipped ones included), from 0.
    pub segment: usize,
    /// First time, BTJD days.
    pub t_start: f64,
    /// Last time, BTJD days.
    pub t_end: f64,
    /// Points after the quality cut.
    pub n_points: usize,
    /// The network's probability that the segment shows an eclipsing binary.
    pub p_eb: f32,
    /// The period of the highest value of the segment's 1000-value periodogram, days.
    pub peak_period: Option<f64>,
}

/// A segment that gave no model input ([`lc_prep::SkippedSegment`]) as the journal records
/// it: the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkipRecord {
    /// Position among all segments of the light curve, from 0.
    pub segment: usize,
    /// First time, BTJD days.
    pub t_start: f64,
    /// Last time, BTJD days.
    pub t_end: f64,
    /// Points after the quality cut.
    pub n_points: usize,
    /// Why, in words.
    pub reason: String,
}

impl From<&lc_prep::SkippedSegment> for SkipRecord {
    fn from(s: &lc_prep::SkippedSegment) -> SkipRecord {
        SkipRecord {
            segment: s.index,
            t_start: s.t_start,
            t_end: s.t_end,
            n_points: s.n_points,
            reason: s.reason.to_string(),
        }
    }
}

/// The period estimate of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SegmentPeriod {
    /// Which segment ([`SegmentResult::segment`]).
    pub segment: usize,
    /// The estimate.
    pub estimate: PeriodEstimate,
}

impl Classified {
    /// The segment with the highest p_eb (the first on ties), if any.
    pub fn best_segment(&self) -> Option<&SegmentResult> {
        self.segments
            .iter()
            .fold(None, |best: Option<&SegmentResult>, s| match best {
                Some(b) if b.p_eb >= s.p_eb => Some(b),
                _ => Some(s),
            })
    }
}

/// One catalog row: a TIC with at least one segment above the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogRow {
    /// TESS Input Catalog identifier.
    pub tic: u64,
    /// Sectors in which the target was classified, ascending, without repeats.
    pub sectors: Vec<u32>,
    /// Segments classified.
    pub n_segments: usize,
    /// Segments above the threshold.
    pub n_flagged: usize,
    /// Highest p_eb.
    pub p_max: f32,
    /// Mean p_eb over all segments.
    pub p_mean: f64,
    /// Right ascension, degrees (from the first file, in input order, whose header has it).
    pub ra: Option<f64>,
    /// Declination, degrees.
    pub dec: Option<f64>,
    /// TESS magnitude.
    pub tmag: Option<f64>,
    /// Effective temperature, K.
    pub teff: Option<f64>,
    /// Periodogram peak period of the most probable segment, days.
    pub period_peak: Option<f64>,
    /// EB period estimate of the most probable segment (the peak or twice the peak), days.
    pub period_eb: Option<f64>,
    /// The vetting metrics ([`crate::vet::vet_catalog`]); `None` until measured, written as
    /// NaN with the reason `not vetted`.
    pub vetting: Option<Vetting>,
}

/// The per-target catalog.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    /// Rows in ascending TIC order.
    pub rows: Vec<CatalogRow>,
}

impl Catalog {
    /// Aggregates records per TIC, keeping targets with a segment whose p_eb is above
    /// `threshold` (strictly, as the reference's argmax). The periods come from the target's
    /// most probable segment (first in record order on ties) among those with an estimate.
    /// Files whose headers name no TIC are in `segments.csv` but in no catalog row: nothing
    /// says which of them are the same star.
    pub fn from_records(records: &[FileRecord], threshold: f32) -> Catalog {
        let mut by_tic: BTreeMap<u64, Vec<&Classified>> = BTreeMap::new();
        for r in records {
            if let Outcome::Classified(c) = &r.outcome {
                if let Some(tic) = c.tic {
                    by_tic.entry(tic).or_default().push(c);
                }
            }
        }
        let rows = by_tic
            .into_iter()
            .filter_map(|(tic, files)| Self::row(tic, &files, threshold))
            .collect();
        Catalog { rows }
    }

    fn row(tic: u64, files: &[&Classified], threshold: f32) -> Option<CatalogRow> {
        let segments = || files.iter().flat_map(|f| f.segments.iter());
        let n_flagged = segments().filter(|s| s.p_eb > threshold).count();
        if n_flagged == 0 {
            return None;
        }
        let n_segments = segments().count();
        let p_max = segments().map(|s| s.p_eb).fold(f32::NEG_INFINITY, f32::max);
        let p_mean = segments().map(|s| s.p_eb as f64).sum::<f64>() / n_segments as f64;
        let mut sectors: Vec<u32> = files.iter().filter_map(|f| f.sector).collect();
        sectors.sort_unstable();
        sectors.dedup();
        let first = |get: fn(&Classified) -> Option<f64>| files.iter().find_map(|f| get(f));
        // The most probable segment that has a period estimate.
        let mut best: Option<(f32, &SegmentResult, &SegmentPeriod)> = None;
        for f in files {
            if let Some(period) = &f.period {
                if let Some(s) = f.segments.iter().find(|s| s.segment == period.segment) {
                    if best.is_none_or(|(p, _, _)| s.p_eb > p) {
                        best = Some((s.p_eb, s, period));
                    }
                }
            }
        }
        Some(CatalogRow {
            tic,
            sectors,
            n_segments,
            n_flagged,
            p_max,
            p_mean,
            ra: first(|f| f.ra),
            dec: first(|f| f.dec),
            tmag: first(|f| f.tmag),
            teff: first(|f| f.teff),
            period_peak: best.map(|(_, _, p)| p.estimate.peak),
            period_eb: best.map(|(_, _, p)| p.estimate.period),
            vetting: None,
        })
    }
}

/// The catalog's columns: name, unit (for the documentation), decimals in `catalog.dat`.
/// From `depth1` on, the vetting metrics of [`crate::vet`] (NaN where unmeasured).
pub const CATALOG_COLUMNS: [(&str, &str, Option<usize>); 28] = [
    ("tic", "TESS Input Catalog identifier", None),
    ("sectors", "sectors classified, comma-separated", None),
    ("n_seg", "segments classified", None),
    ("n_eb", "segments with p_eb above the threshold", None),
    ("p_max", "highest p_eb", Some(4)),
    ("p_mean", "mean p_eb", Some(4)),
    ("RA", "right ascension, deg", Some(5)),
    ("Dec", "declination, deg", Some(5)),
    ("Tmag", "TESS magnitude", Some(3)),
    ("Teff", "effective temperature, K", Some(0)),
    ("P_peak", "periodogram peak period, d", Some(6)),
    ("P_EB", "EB period estimate, d", Some(6)),
    ("P_vet", "period the vetting folded at, d", Some(6)),
    ("depth1", "primary eclipse depth, ppm", Some(1)),
    ("depth1_err", "its uncertainty, ppm", Some(1)),
    ("depth2", "secondary eclipse depth, ppm", Some(1)),
    ("depth2_err", "its uncertainty, ppm", Some(1)),
    (
        "phase2",
        "phase of the secondary after the primary",
        Some(4),
    ),
    ("snr1", "primary depth over its uncertainty", Some(2)),
    ("snr2", "secondary depth over its uncertainty", Some(2)),
    ("snr2_min", "SNR of a significant secondary", Some(2)),
    ("odd_even", "odd-even depth difference, sigma", Some(2)),
    ("T14_P", "eclipse duration over period", Some(5)),
    ("v_shape", "ingress fraction: 0 box, 1 V", Some(2)),
    ("ellip", "ellipsoidal semi-amplitude, ppm", Some(1)),
    ("refl", "reflection semi-amplitude, ppm", Some(1)),
    ("flag", "EB, planet-like, sinusoidal or ambiguous", None),
    ("reason", "why the flag, or why the metrics are NaN", None),
];

/// The first vetting column of [`CATALOG_COLUMNS`].
const VET_COLUMN: usize = 12;

impl CatalogRow {
    /// The row's fields as text, in [`CATALOG_COLUMNS`] order: full precision when
    /// `decimals` is false (CSV), the columns' decimals otherwise (`catalog.dat`); missing
    /// values are empty.
    fn fields(&self, decimals: bool) -> Vec<String> {
        let num = |v: Option<f64>, col: usize| -> String {
            match (v, CATALOG_COLUMNS[col].2) {
                (Some(v), Some(d)) if decimals => format!("{v:.d$}"),
                (Some(v), _) => format!("{v}"),
                (None, _) => String::new(),
            }
        };
        let sectors = self
            .sectors
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        vec![
            self.tic.to_string(),
            sectors,
            self.n_segments.to_string(),
            self.n_flagged.to_string(),
            match decimals {
                true => num(Some(self.p_max as f64), 4),
                false => self.p_max.to_string(),
            },
            num(Some(self.p_mean), 5),
            num(self.ra, 6),
            num(self.dec, 7),
            num(self.tmag, 8),
            num(self.teff, 9),
            num(self.period_peak, 10),
            num(self.period_eb, 11),
        ]
        .into_iter()
        .chain(self.vet_fields(decimals))
        .collect()
    }

    /// The vetting columns: NaN (`NaN`) where a metric is unmeasured.
    fn vet_fields(&self, decimals: bool) -> Vec<String> {
        let unvetted;
        let v = match &self.vetting {
            Some(v) => v,
            None => {
                unvetted = Vetting::unmeasured(self.period_eb, "not vetted");
                &unvetted
            }
        };
        let values = [
            v.period,
            v.depth1,
            v.depth1_err,
            v.depth2,
            v.depth2_err,
            v.phase2,
            v.snr1,
            v.snr2,
            v.snr2_threshold,
            v.odd_even_sigma,
            v.duration_over_period,
            v.v_shape,
            v.ellipsoidal,
            v.reflection,
        ];
        let mut out: Vec<String> = values
            .iter()
            .enumerate()
            .map(
                |(k, &x)| match (CATALOG_COLUMNS[VET_COLUMN + k].2, decimals) {
                    _ if x.is_nan() => "NaN".to_string(),
                    (Some(d), true) => format!("{x:.d$}"),
                    _ => format!("{x}"),
                },
            )
            .collect();
        out.push(v.flag.name().to_string());
        out.push(v.reason.clone());
        out
    }
}

/// [`tess_io::write_atomic`], its error naming `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    tess_io::write_atomic(path, bytes).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn csv_bytes(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, Error> {
    let err = |source| Error::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// `segments.csv` ([`lc_prep::output::SEGMENT_COLUMNS`]), one row per classified segment in
/// record order; `is_eb` is 1 when `p_eb > threshold`, else 0.
pub fn segments_csv(records: &[FileRecord], threshold: f32) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: PathBuf::from("segments.csv"),
        source,
    };
    let mut w = SegmentsCsv::new(Vec::new(), &[]).map_err(io)?;
    for r in records {
        if let Some(c) = r.classified() {
            for s in &c.segments {
                let row = SegmentRow {
                    file: &r.file,
                    tic: c.tic,
                    sector: c.sector,
                    segment: s.segment,
                    t_start: Some(s.t_start),
                    t_end: Some(s.t_end),
                    n_points: Some(s.n_points),
                    p_eb: s.p_eb,
                    is_eb: s.p_eb > threshold,
                };
                w.write(&row, &[]).map_err(io)?;
            }
        }
    }
    w.into_inner().map_err(io)
}

/// `skipped.csv`: `file,tic,sector,segment,t_start,t_end,n_points,reason` for the segments
/// that gave no model input (too short, for example).
pub fn skipped_csv(records: &[FileRecord]) -> Result<Vec<u8>, Error> {
    let rows = records.iter().flat_map(|r| {
        r.classified().into_iter().flat_map(move |c| {
            c.skipped.iter().map(move |s| {
                vec![
                    r.file.clone(),
                    opt(c.tic),
                    opt(c.sector),
                    s.segment.to_string(),
                    s.t_start.to_string(),
                    s.t_end.to_string(),
                    s.n_points.to_string(),
                    s.reason.clone(),
                ]
            })
        })
    });
    csv_bytes(
        Path::new("skipped.csv"),
        &[
            "file", "tic", "sector", "segment", "t_start", "t_end", "n_points", "reason",
        ],
        rows,
    )
}

/// `failures.csv`: `file,reason` for each file that could not be classified.
pub fn failures_csv(records: &[FileRecord]) -> Result<Vec<u8>, Error> {
    let rows = records.iter().filter_map(|r| match &r.outcome {
        Outcome::Failed { reason } => Some(vec![r.file.clone(), reason.clone()]),
        Outcome::Classified(_) => None,
    });
    csv_bytes(Path::new("failures.csv"), &["file", "reason"], rows)
}

impl Catalog {
    /// `catalog.csv`: the columns of [`CATALOG_COLUMNS`] at full precision.
    pub fn to_csv(&self) -> Result<Vec<u8>, Error> {
        let header: Vec<&str> = CATALOG_COLUMNS.iter().map(|c| c.0).collect();
        csv_bytes(
            Path::new("catalog.csv"),
            &header,
            self.rows.iter().map(|r| r.fields(false)),
        )
    }

    /// `catalog.dat`: astropy's `ascii.fixed_width_two_line` layout, as the original CALNet
    /// catalog `newecl.dat`: a header line, a line of dashes, then one line per row, each
    /// column right-aligned to its widest entry and separated by one space; missing values are
    /// blank. `astropy.io.ascii.read(path, format="fixed_width_two_line")` reads it back.
    pub fn to_fixed_width(&self) -> String {
        let header: Vec<String> = CATALOG_COLUMNS.iter().map(|c| c.0.to_string()).collect();
        let body: Vec<Vec<String>> = self.rows.iter().map(|r| r.fields(true)).collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                body.iter()
                    .map(|r| r[c].len())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut l = String::new();
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    l.push(' ');
                }
                let _ = write!(l, "{cell:>w$}", w = widths[c]);
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&header);
        line(&widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>());
        for row in &body {
            line(row);
        }
        out
    }
}

/// Names of the files [`write_outputs`] writes, in the order it writes them.
pub const OUTPUT_FILES: [&str; 5] = [
    "segments.csv",
    "skipped.csv",
    "failures.csv",
    "catalog.csv",
    "catalog.dat",
];

/// Writes every output of a run into `dir` from its records (in the order given), each file
/// atomically; returns the catalog, its rows vetted by [`crate::vet::vet_catalog`] (which
/// reads the targets' files again).
pub fn write_outputs(dir: &Path, records: &[FileRecord], threshold: f32) -> Result<Catalog, Error> {
    let mut catalog = Catalog::from_records(records, threshold);
    crate::vet::vet_catalog(&mut catalog, records);
    let files: [(&str, Vec<u8>); 5] = [
        ("segments.csv", segments_csv(records, threshold)?),
        ("skipped.csv", skipped_csv(records)?),
        ("failures.csv", failures_csv(records)?),
        ("catalog.csv", catalog.to_csv()?),
        ("catalog.dat", catalog.to_fixed_width().into_bytes()),
    ];
    for (name, bytes) in files {
        write_atomic(&dir.join(name), &bytes)?;
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(i: usize, p: f32) -> SegmentResult {
        SegmentResult {
            segment: i,
            t_start: 1325.29 + 14.0 * i as f64,
            t_end: 1338.5 + 14.0 * i as f64,
            n_points: 9000 + i,
            p_eb: p,
            peak_period: Some(0.5 + i as f64),
        }
    }

    fn estimate(peak: f64, doubled: bool) -> PeriodEstimate {
        PeriodEstimate {
            peak,
            period: if doubled { 2.0 * peak } else { peak },
            doubled,
            theta_peak: Some(0.3),
            theta_double: Some(0.2),
            alternate_z: Some(9.0),
        }
    }

    fn classified(tic: u64, sector: u32, ps: &[f32], period: Option<(usize, f64)>) -> Outcome {
        Outcome::Classified(Classified {
            tic: Some(tic),
            sector: Some(sector),
            product: "SPOC".into(),
            ra: (tic != 3).then_some(10.0 + tic as f64),
            dec: Some(-20.25),
            tmag: if sector == 1 { None } else { Some(9.5) },
            teff: Some(5772.0),
            segments: ps.iter().enumerate().map(|(i, &p)| seg(i, p)).collect(),
            skipped: vec![SkipRecord {
                segment: ps.len(),
                t_start: 1350.0,
                t_end: 1351.0,
                n_points: 12,
                reason: "12 points, fewer than the minimum 2000".into(),
            }],
            period: period.map(|(segment, peak)| SegmentPeriod {
                segment,
                estimate: estimate(peak, true),
            }),
            sheet: None,
            quality_bitmask: u32::MAX,
            warnings: vec![],
        })
    }

    fn records() -> Vec<FileRecord> {
        let outcomes = [
            classified(7, 1, &[0.2, 0.9], Some((1, 1.25))),
            Outcome::Failed {
                reason: "not a FITS file".into(),
            },
            classified(7, 2, &[0.97, 0.4], Some((0, 0.75))),
            classified(5, 3, &[0.1, 0.5], None),
            classified(3, 4, &[0.51], Some((0, 3.0))),
        ];
        outcomes
            .into_iter()
            .enumerate()
            .map(|(index, outcome)| FileRecord {
                index,
                file: format!("dir/f{index}, with comma.fits"),
                outcome,
            })
            .collect()
    }

    #[test]
    fn aggregation_per_target() {
        let cat = Catalog::from_records(&records(), 0.5);
        let tics: Vec<u64> = cat.rows.iter().map(|r| r.tic).collect();
        // TIC 5 has p = 0.5 at most: the threshold is strict.
        assert_eq!(tics, [3, 7]);
        let r = &cat.rows[1];
        assert_eq!(r.sectors, [1, 2]);
        assert_eq!((r.n_segments, r.n_flagged), (4, 2));
        assert_eq!(r.p_max, 0.97);
        assert!(
            (r.p_mean - (0.2f32 as f64 + 0.9f32 as f64 + 0.97f32 as f64 + 0.4f32 as f64) / 4.0)
                .abs()
                < 1e-12
        );
        // Sector 1's header lacks Tmag: the first file that has it gives it.
        assert_eq!(r.tmag, Some(9.5));
        // The periods come from the most probable segment: sector 2, segment 0.
        assert_eq!(r.period_peak, Some(0.75));
        assert_eq!(r.period_eb, Some(1.5));
        assert_eq!(cat.rows[0].ra, None);
    }

    #[test]
    fn csv_outputs_hold_every_row() {
        let recs = records();
        let seg = String::from_utf8(segments_csv(&recs, 0.5).unwrap()).unwrap();
        let lines: Vec<&str> = seg.lines().collect();
        assert_eq!(
            lines[0],
            "file,tic,sector,segment,t_start,t_end,n_points,p_eb,is_eb"
        );
        assert_eq!(lines.len(), 1 + 2 + 2 + 2 + 1);
        assert_eq!(
            lines[2],
            "\"dir/f0, with comma.fits\",7,1,1,1339.29,1352.5,9001,0.9,1"
        );
        let fail = String::from_utf8(failures_csv(&recs).unwrap()).unwrap();
        assert_eq!(
            fail,
            "file,reason\n\"dir/f1, with comma.fits\",not a FITS file\n"
        );
        let skipped = String::from_utf8(skipped_csv(&recs).unwrap()).unwrap();
        assert_eq!(skipped.lines().count(), 1 + 4);
    }

    #[test]
    fn fixed_width_columns_line_up() {
        let text = Catalog::from_records(&records(), 0.5).to_fixed_width();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].chars().all(|c| c == '-' || c == ' '));
        // Every column boundary of the dashes line is a space in the header line.
        for (i, c) in lines[1].char_indices() {
            if c == ' ' {
                assert_eq!(lines[0].as_bytes()[i], b' ', "{text}");
            }
        }
        assert!(lines[3].contains("0.9700"), "{text}");
    }
}
