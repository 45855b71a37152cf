//! Feature files: the reference's CSV layout, or `.npy` matrices, written row by row.
//!
//! `reference-csv` writes `lc.csv` and `gls.csv`, one row per kept segment: the light curve's
//! file name, then the values (no header, as the reference's files). Values are written in the
//! shortest form that parses back to the same float32 (also through Python's float64 `float`).
//! `npy` writes `lc.npy` (`[rows, lc_len]`, `<f4`) and `gls.npy` (`[rows, 1000]`) instead.
//! Both formats add `segments.csv` (`file, tic, sector, segment, t_start, t_end, n_points`, the
//! same rows in the same order), `skipped.csv` (`file, segment, t_start, t_end, n_points,
//! reason`) and `failures.csv` (`file, reason`).

use crate::features::Features;
use crate::Error;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use tess_io::Metadata;

/// Layout of the feature files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `lc.csv` and `gls.csv` as the reference writes them.
    #[default]
    ReferenceCsv,
    /// `lc.npy` and `gls.npy` float32 matrices.
    Npy,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reference-csv" | "csv" => Ok(Format::ReferenceCsv),
            "npy" => Ok(Format::Npy),
            _ => Err(Error::Config(format!(
                "unknown format {s:?}: expected reference-csv or npy"
            ))),
        }
    }
}

/// Writes the features of many light curves to one folder, streaming each row to disk.
///
/// ```
/// use lc_prep::output::{FeatureWriter, Format};
/// let dir = tempfile::tempdir()?;
/// let mut w = FeatureWriter::create(dir.path(), Format::ReferenceCsv, 4000)?;
/// w.write_failure("broken.fits", "not a FITS file")?;
/// assert_eq!(w.finish()?, 0);
/// let failures = std::fs::read_to_string(dir.path().join("failures.csv"))?;
/// assert_eq!(failures, "file,reason\nbroken.fits,not a FITS file\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FeatureWriter {
    dir: PathBuf,
    format: Format,
    lc_len: usize,
    lc: BufWriter<File>,
    gls: BufWriter<File>,
    segments: csv::Writer<File>,
    skipped: csv::Writer<File>,
    failures: csv::Writer<File>,
    rows: usize,
    line: String,
}

/// Bytes reserved for an `.npy` header (magic to newline), rewritten with the row count at
/// the end; a multiple of 64 as the format asks.
const NPY_HEADER: usize = 128;

impl FeatureWriter {
    /// Creates `dir` if needed and the files of `format` in it (replacing old ones).
    pub fn create(dir: &Path, format: Format, lc_len: usize) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let open = |name: &str| {
            let p = dir.join(name);
            File::create(&p).map_err(|e| io(&p, e))
        };
        let csv_file = |name: &str, header: &[&str]| -> Result<csv::Writer<File>, Error> {
            let mut w = csv::Writer::from_writer(open(name)?);
            w.write_record(header)
                .map_err(|e| csv_err(&dir.join(name), e))?;
            Ok(w)
        };
        let (lc_name, gls_name) = match format {
            Format::ReferenceCsv => ("lc.csv", "gls.csv"),
            Format::Npy => ("lc.npy", "gls.npy"),
        };
        let mut w = FeatureWriter {
            dir: dir.to_path_buf(),
            format,
            lc_len,
            lc: BufWriter::new(open(lc_name)?),
            gls: BufWriter::new(open(gls_name)?),
            segments: csv_file(
                "segments.csv",
                &[
                    "file", "tic", "sector", "segment", "t_start", "t_end", "n_points",
                ],
            )?,
            skipped: csv_file(
                "skipped.csv",
                &["file", "segment", "t_start", "t_end", "n_points", "reason"],
            )?,
            failures: csv_file("failures.csv", &["file", "reason"])?,
            rows: 0,
            line: String::new(),
        };
        if format == Format::Npy {
            w.lc.write_all(&[b' '; NPY_HEADER])
                .map_err(|e| io(&w.path(lc_name), e))?;
            w.gls
                .write_all(&[b' '; NPY_HEADER])
                .map_err(|e| io(&w.path(gls_name), e))?;
        }
        Ok(w)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Appends the kept segments of one light curve (rows named `file_name`) and lists its
    /// skipped segments.
    pub fn write_features(
        &mut self,
        file_name: &str,
        meta: &Metadata,
        features: &Features,
    ) -> Result<(), Error> {
        for seg in &features.segments {
            if seg.lc.len() != self.lc_len {
                return Err(Error::LengthMismatch {
                    what: "segment light curve and the file's row length",
                    left: seg.lc.len(),
                    right: self.lc_len,
                });
            }
            match self.format {
                Format::ReferenceCsv => {
                    write_csv_row(&mut self.line, file_name, &seg.lc);
                    self.lc
                        .write_all(self.line.as_bytes())
                        .map_err(|e| io(&self.dir.join("lc.csv"), e))?;
                    write_csv_row(&mut self.line, file_name, &seg.gls);
                    self.gls
                        .write_all(self.line.as_bytes())
                        .map_err(|e| io(&self.dir.join("gls.csv"), e))?;
                }
                Format::Npy => {
                    write_f32_le(&mut self.lc, &seg.lc)
                        .map_err(|e| io(&self.dir.join("lc.npy"), e))?;
                    write_f32_le(&mut self.gls, &seg.gls)
                        .map_err(|e| io(&self.dir.join("gls.npy"), e))?;
                }
            }
            let sector = meta.sector.map(|s| s.to_string()).unwrap_or_default();
            self.segments
                .write_record([
                    file_name,
                    &meta.tic.to_string(),
                    &sector,
                    &seg.index.to_string(),
                    &seg.t_start.to_string(),
                    &seg.t_end.to_string(),
                    &seg.n_points.to_string(),
                ])
                .map_err(|e| csv_err(&self.dir.join("segments.csv"), e))?;
            self.rows += 1;
        }
        for s in &features.skipped {
            self.skipped
                .write_record([
                    file_name,
                    &s.index.to_string(),
                    &s.t_start.to_string(),
                    &s.t_end.to_string(),
                    &s.n_points.to_string(),
                    &s.reason.to_string(),
                ])
                .map_err(|e| csv_err(&self.dir.join("skipped.csv"), e))?;
        }
        Ok(())
    }

    /// Records a light curve that could not be processed.
    pub fn write_failure(&mut self, file: &str, reason: &str) -> Result<(), Error> {
        self.failures
            .write_record([file, reason])
            .map_err(|e| csv_err(&self.dir.join("failures.csv"), e))
    }

    /// Flushes everything (and completes the `.npy` headers); returns the number of rows.
    pub fn finish(mut self) -> Result<usize, Error> {
        if self.format == Format::Npy {
            let rows = self.rows;
            let lc_len = self.lc_len;
            finish_npy(&mut self.lc, rows, lc_len).map_err(|e| io(&self.dir.join("lc.npy"), e))?;
            finish_npy(&mut self.gls, rows, crate::periodogram::GLS_LEN)
                .map_err(|e| io(&self.dir.join("gls.npy"), e))?;
        }
        self.lc.flush().map_err(|e| io(&self.dir.join("lc"), e))?;
        self.gls.flush().map_err(|e| io(&self.dir.join("gls"), e))?;
        for (w, name) in [
            (&mut self.segments, "segments.csv"),
            (&mut self.skipped, "skipped.csv"),
            (&mut self.failures, "failures.csv"),
        ] {
            w.flush().map_err(|e| io(&self.dir.join(name), e))?;
        }
        Ok(self.rows)
    }
}

/// `name,v1,...,vN\n`; `{}` prints the shortest decimal that reads back as the same f32.
fn write_csv_row(line: &mut String, name: &str, values: &[f32]) {
    use std::fmt::Write as _;
    line.clear();
    line.push_str(name);
    for v in values {
        let _ = write!(line, ",{v}");
    }
    line.push('\n');
}

fn write_f32_le(w: &mut impl Write, values: &[f32]) -> std::io::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    w.write_all(&bytes)
}

fn finish_npy(w: &mut BufWriter<File>, rows: usize, cols: usize) -> std::io::Result<()> {
    w.flush()?;
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    let mut header = Vec::with_capacity(NPY_HEADER);
    header.extend_from_slice(b"\x93NUMPY\x01\x00");
    header.extend_from_slice(&((NPY_HEADER - 10) as u16).to_le_bytes());
    header.extend_from_slice(dict.as_bytes());
    header.resize(NPY_HEADER - 1, b' ');
    header.push(b'\n');
    let f = w.get_mut();
    f.seek(SeekFrom::Start(0))?;
    f.write_all(&header)?;
    f.seek(SeekFrom::End(0))?;
    Ok(())
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
