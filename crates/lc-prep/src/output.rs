//! Feature files: the reference's CSV layout, or `.npy` matrices, written row by row; the CSV
//! layout is also read back ([`FeatureCsvReader`]).
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
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use tess_io::{AtomicFile, Metadata};

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

/// The columns of `segments.csv`, the table of classified segments: written by
/// `calnet classify` (and `calnet merge`, which joins its shards), by `calnet evaluate` (which
/// adds the truth `label` after them) and returned by the Python package's `classify`. The
/// first seven are the columns of the features' `segments.csv` ([`FeatureWriter`]).
pub const SEGMENT_COLUMNS: [&str; 9] = [
    "file", "tic", "sector", "segment", "t_start", "t_end", "n_points", "p_eb", "is_eb",
];

/// One row of `segments.csv` ([`SEGMENT_COLUMNS`]); what the writer does not know is `None`
/// and is written empty (a TIC is never written as 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentRow<'a> {
    /// The light curve's file, as the run lists it.
    pub file: &'a str,
    /// TESS Input Catalog identifier.
    pub tic: Option<u64>,
    /// TESS sector.
    pub sector: Option<u32>,
    /// Position among all segments of the light curve's gap split (skipped ones too), from 0.
    pub segment: usize,
    /// First time, BTJD days.
    pub t_start: Option<f64>,
    /// Last time, BTJD days.
    pub t_end: Option<f64>,
    /// Points after the quality cut.
    pub n_points: Option<usize>,
    /// The network's probability that the segment shows an eclipsing binary.
    pub p_eb: f32,
    /// Whether `p_eb` is above the run's threshold.
    pub is_eb: bool,
}

/// Writes `segments.csv`, the one writer of its layout: the header of [`SEGMENT_COLUMNS`]
/// (then any extra columns the caller adds), then one line per row; numbers in the shortest
/// form that parses back to the same value.
///
/// ```
/// use lc_prep::output::{SegmentRow, SegmentsCsv};
/// let mut w = SegmentsCsv::new(Vec::new(), &[])?;
/// w.write(&SegmentRow { file: "a.fits", tic: Some(12), sector: Some(4), segment: 1,
///     t_start: Some(1410.9), t_end: Some(1423.5), n_points: Some(9000), p_eb: 0.75,
///     is_eb: true }, &[])?;
/// let text = String::from_utf8(w.into_inner()?)?;
/// assert_eq!(text, "file,tic,sector,segment,t_start,t_end,n_points,p_eb,is_eb\n\
///                   a.fits,12,4,1,1410.9,1423.5,9000,0.75,1\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SegmentsCsv<W: Write> {
    out: csv::Writer<W>,
    extra: usize,
}

impl<W: Write> SegmentsCsv<W> {
    /// Starts the table on `out` with its header: [`SEGMENT_COLUMNS`], then `extra`.
    pub fn new(out: W, extra: &[&str]) -> std::io::Result<Self> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(SEGMENT_COLUMNS.iter().chain(extra))?;
        Ok(SegmentsCsv {
            out,
            extra: extra.len(),
        })
    }

    /// Writes one row, with as many `extra` values as the header has extra columns.
    pub fn write(&mut self, row: &SegmentRow<'_>, extra: &[&str]) -> std::io::Result<()> {
        if extra.len() != self.extra {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "segments.csv row with {} extra values for {} extra columns",
                    extra.len(),
                    self.extra
                ),
            ));
        }
        fn opt<T: ToString>(v: Option<T>) -> String {
            v.map(|v| v.to_string()).unwrap_or_default()
        }
        let fields = [
            row.file.to_string(),
            opt(row.tic),
            opt(row.sector),
            row.segment.to_string(),
            opt(row.t_start),
            opt(row.t_end),
            opt(row.n_points),
            row.p_eb.to_string(),
            u8::from(row.is_eb).to_string(),
        ];
        self.out.write_record(
            fields
                .iter()
                .map(String::as_str)
                .chain(extra.iter().copied()),
        )?;
        Ok(())
    }

    /// Flushes the table and returns the writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
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
    lc: BufWriter<AtomicFile>,
    gls: BufWriter<AtomicFile>,
    segments: csv::Writer<AtomicFile>,
    skipped: csv::Writer<AtomicFile>,
    failures: csv::Writer<AtomicFile>,
    rows: usize,
    line: String,
}

/// Bytes reserved for an `.npy` header (magic to newline), rewritten with the row count at
/// the end; a multiple of 64 as the format asks.
const NPY_HEADER: usize = 128;

impl FeatureWriter {
    /// Creates `dir` if needed and starts the files of `format` in it. Each is written as an
    /// [`AtomicFile`]: the old files stay whole until [`FeatureWriter::finish`] replaces them,
    /// and a run that fails or is killed before leaves them as they were.
    pub fn create(dir: &Path, format: Format, lc_len: usize) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let open = |name: &str| {
            let p = dir.join(name);
            AtomicFile::create(&p).map_err(|e| io(&p, e))
        };
        let csv_file = |name: &str, header: &[&str]| -> Result<csv::Writer<AtomicFile>, Error> {
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
            segments: csv_file("segments.csv", &SEGMENT_COLUMNS[..7])?,
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
                    &meta.tic.map(|t| t.to_string()).unwrap_or_default(),
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
        let dir = self.dir;
        let commit = |f: AtomicFile| {
            let path = f.target().to_path_buf();
            f.commit().map_err(|e| io(&path, e))
        };
        let inner = |w: BufWriter<AtomicFile>| w.into_inner().map_err(|e| io(&dir, e.into_error()));
        let csv_inner = |w: csv::Writer<AtomicFile>| {
            w.into_inner()
                .map_err(|e| io(&dir, std::io::Error::other(e.to_string())))
        };
        // segments.csv last: it lists the rows of lc and gls.
        commit(inner(self.lc)?)?;
        commit(inner(self.gls)?)?;
        commit(csv_inner(self.skipped)?)?;
        commit(csv_inner(self.failures)?)?;
        commit(csv_inner(self.segments)?)?;
        Ok(self.rows)
    }
}

/// Reads the reference layout's `lc.csv` and `gls.csv` in step, one segment (row pair) at a
/// time: row `i` of one file goes with row `i` of the other, as the reference writes them.
/// Pairing by name would not do: every segment of a light curve carries the file's name.
///
/// Rows must carry the same name in both files, and every row of a file the same number of
/// values (or the number given to [`FeatureCsvReader::with_lengths`]); values that do not
/// parse as numbers, unequal names or unequal row counts are errors naming the file and line.
/// `nan` and `inf` parse (a data set may report and drop such rows).
///
/// ```
/// use lc_prep::output::FeatureCsvReader;
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("lc.csv"), "a.fits,0.5,1\na.fits,0,nan\n")?;
/// std::fs::write(dir.path().join("gls.csv"), "a.fits,1\na.fits,0.25\n")?;
/// let mut reader = FeatureCsvReader::open(dir.path())?;
/// let (mut lc, mut gls) = (Vec::new(), Vec::new());
/// while let Some(row) = reader.next_into(&mut lc, &mut gls)? {
///     println!("{} (line {})", row.name, row.line);
/// }
/// assert_eq!(lc.len(), 4);
/// assert_eq!(gls, [1.0, 0.25]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FeatureCsvReader {
    lc: CsvRows,
    gls: CsvRows,
}

/// The name and line of a row pair read by [`FeatureCsvReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRow {
    /// The row's first field: the light curve's file name (possibly with a segment suffix).
    pub name: String,
    /// 1-based line of the row (the same in both files).
    pub line: u64,
}

impl FeatureCsvReader {
    /// Opens `dir/lc.csv` and `dir/gls.csv`.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        Self::open_files(&dir.join("lc.csv"), &dir.join("gls.csv"))
    }

    /// Opens a light-curve feature file and its periodogram file.
    pub fn open_files(lc: &Path, gls: &Path) -> Result<Self, Error> {
        Ok(FeatureCsvReader {
            lc: CsvRows::open(lc)?,
            gls: CsvRows::open(gls)?,
        })
    }

    /// Requires rows of exactly these numbers of values (e.g. 4000 and 1000 for CALNet).
    pub fn with_lengths(mut self, lc_len: usize, gls_len: usize) -> Self {
        self.lc.width = Some(lc_len);
        self.gls.width = Some(gls_len);
        self
    }

    /// Appends the next row pair's values to `lc` and `gls` and returns its name, or `None`
    /// after the last row. On an error nothing is appended.
    pub fn next_into(
        &mut self,
        lc: &mut Vec<f32>,
        gls: &mut Vec<f32>,
    ) -> Result<Option<FeatureRow>, Error> {
        let (lc_start, gls_start) = (lc.len(), gls.len());
        let result = self.next_pair(lc, gls);
        if result.is_err() {
            lc.truncate(lc_start);
            gls.truncate(gls_start);
        }
        result
    }

    fn next_pair(
        &mut self,
        lc: &mut Vec<f32>,
        gls: &mut Vec<f32>,
    ) -> Result<Option<FeatureRow>, Error> {
        let a = self.lc.next_into(lc)?;
        let b = self.gls.next_into(gls)?;
        let (lc_rows, gls_rows) = (&self.lc, &self.gls);
        let ends_early = |short: &CsvRows, long: &CsvRows| {
            short.error(
                short.line,
                format!(
                    "ends after {} rows, {} goes on (line {})",
                    short.rows,
                    long.path.display(),
                    long.line
                ),
            )
        };
        match (a, b) {
            (None, None) => Ok(None),
            (Some(name), Some(other)) if name == other => Ok(Some(FeatureRow {
                name,
                line: lc_rows.line,
            })),
            (Some(name), Some(other)) => Err(lc_rows.error(
                lc_rows.line,
                format!(
                    "row `{name}`, but {} line {} is `{other}`: the files must list the same \
                     segments in the same order",
                    gls_rows.path.display(),
                    gls_rows.line
                ),
            )),
            (Some(_), None) => Err(ends_early(gls_rows, lc_rows)),
            (None, Some(_)) => Err(ends_early(lc_rows, gls_rows)),
        }
    }
}

/// One feature CSV, read a row at a time.
struct CsvRows {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    record: csv::ByteRecord,
    /// Values per row: given, or set by the first row.
    width: Option<usize>,
    /// Line of the row last read (1-based).
    line: u64,
    rows: usize,
}

impl CsvRows {
    fn open(path: &Path) -> Result<Self, Error> {
        let file = File::open(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: format!("cannot open: {e}"),
        })?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(BufReader::with_capacity(1 << 20, file));
        Ok(CsvRows {
            path: path.to_path_buf(),
            reader,
            record: csv::ByteRecord::new(),
            width: None,
            line: 0,
            rows: 0,
        })
    }

    fn error(&self, line: u64, message: String) -> Error {
        Error::FeatureFile {
            path: self.path.clone(),
            line,
            message,
        }
    }

    /// Appends the next row's values to `out`; its name, or `None` at the end.
    fn next_into(&mut self, out: &mut Vec<f32>) -> Result<Option<String>, Error> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| self.error(self.line + 1, e.to_string()))?;
        if !more {
            return Ok(None);
        }
        self.line = self.record.position().map_or(self.line + 1, |p| p.line());
        let n = self.record.len().saturating_sub(1);
        match self.width {
            Some(w) if w != n => {
                return Err(self.error(
                    self.line,
                    format!("{n} values, expected a name and {w} values"),
                ))
            }
            None => self.width = Some(n),
            _ => {}
        }
        let name = std::str::from_utf8(&self.record[0])
            .map_err(|_| self.error(self.line, "the name is not UTF-8".into()))?
            .to_string();
        let start = out.len();
        for (i, field) in self.record.iter().enumerate().skip(1) {
            match std::str::from_utf8(field)
                .ok()
                .and_then(|s| s.parse::<f32>().ok())
            {
                Some(v) => out.push(v),
                None => {
                    out.truncate(start);
                    return Err(self.error(
                        self.line,
                        format!(
                            "field {} `{}` is not a number",
                            i + 1,
                            String::from_utf8_lossy(field)
                        ),
                    ));
                }
            }
        }
        self.rows += 1;
        Ok(Some(name))
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

fn finish_npy(w: &mut BufWriter<AtomicFile>, rows: usize, cols: usize) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The files were truncated when a run started, so a killed run left partial CSVs that
    /// `classify --features` then read: now a run that does not finish leaves the previous
    /// outputs whole, and no temporary file.
    #[test]
    fn an_unfinished_run_leaves_the_previous_outputs_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = FeatureWriter::create(dir.path(), Format::ReferenceCsv, 4).unwrap();
        w.write_failure("old.fits", "the first run's").unwrap();
        w.finish().unwrap();
        let before = std::fs::read(dir.path().join("failures.csv")).unwrap();
        {
            let mut w = FeatureWriter::create(dir.path(), Format::ReferenceCsv, 4).unwrap();
            w.write_failure("new.fits", "a run killed before it finished")
                .unwrap();
            // Dropped without `finish`: an error or a kill on the way.
        }
        assert_eq!(
            std::fs::read(dir.path().join("failures.csv")).unwrap(),
            before
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "failures.csv",
                "gls.csv",
                "lc.csv",
                "segments.csv",
                "skipped.csv"
            ]
        );
    }

    fn pair(lc: &str, gls: &str) -> (tempfile::TempDir, FeatureCsvReader) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lc.csv"), lc).unwrap();
        std::fs::write(dir.path().join("gls.csv"), gls).unwrap();
        let r = FeatureCsvReader::open(dir.path()).unwrap();
        (dir, r)
    }

    /// Every row of `r`: the rows, then all light-curve and all periodogram values.
    type Read = (Vec<FeatureRow>, Vec<f32>, Vec<f32>);

    fn read_all(r: &mut FeatureCsvReader) -> Result<Read, Error> {
        let (mut rows, mut lc, mut gls) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(row) = r.next_into(&mut lc, &mut gls)? {
            rows.push(row);
        }
        Ok((rows, lc, gls))
    }

    #[test]
    fn written_rows_read_back_bit_for_bit_and_in_order() {
        let values = [
            0.1f32,
            -0.0,
            f32::MIN_POSITIVE / 8.0,
            f32::MAX,
            1.0 / 3.0,
            f32::NAN,
            f32::INFINITY,
        ];
        let (mut lc, mut gls, mut line) = (String::new(), String::new(), String::new());
        // Two segments of one file share its name: rows pair by position, not by name.
        for (k, name) in ["x.fits", "x.fits", "y.fits"].iter().enumerate() {
            let row: Vec<f32> = values.iter().map(|v| v * (k + 1) as f32).collect();
            write_csv_row(&mut line, name, &row);
            lc.push_str(&line);
            write_csv_row(&mut line, name, &[k as f32]);
            gls.push_str(&line);
        }
        let (_d, mut r) = pair(&lc, &gls);
        let (rows, lc_values, gls_values) = read_all(&mut r).unwrap();
        let names: Vec<(&str, u64)> = rows.iter().map(|r| (r.name.as_str(), r.line)).collect();
        assert_eq!(names, [("x.fits", 1), ("x.fits", 2), ("y.fits", 3)]);
        assert_eq!(gls_values, [0.0, 1.0, 2.0]);
        for (k, chunk) in lc_values.chunks(values.len()).enumerate() {
            for (got, v) in chunk.iter().zip(values) {
                let want = v * (k + 1) as f32;
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "{got} != {want}"
                );
            }
        }
    }

    #[test]
    fn misaligned_or_malformed_files_name_the_line() {
        let msg = |lc: &str, gls: &str| {
            let (_d, mut r) = pair(lc, gls);
            read_all(&mut r).unwrap_err().to_string()
        };
        let e = msg("a,1\nb,2\n", "a,1\nc,2\n");
        assert!(e.contains("lc.csv: line 2") && e.contains("`c`"), "{e}");
        let e = msg("a,1\nb,2\n", "a,1\n");
        assert!(e.contains("gls.csv: line 1: ends after 1 rows"), "{e}");
        let e = msg("a,1\n", "a,1\na,2\n");
        assert!(
            e.contains("lc.csv") && e.contains("ends after 1 rows"),
            "{e}"
        );
        let e = msg("a,1,2\na,1\n", "a,1\na,1\n");
        assert!(e.contains("lc.csv: line 2: 1 values"), "{e}");
        let e = msg("a,1,x\n", "a,1\n");
        assert!(e.contains("line 1: field 3 `x` is not a number"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lc.csv"), "a,1,2\n").unwrap();
        std::fs::write(dir.path().join("gls.csv"), "a,1\n").unwrap();
        let mut r = FeatureCsvReader::open(dir.path())
            .unwrap()
            .with_lengths(3, 1);
        let e = read_all(&mut r).unwrap_err().to_string();
        assert!(e.contains("2 values, expected a name and 3"), "{e}");
        let e = FeatureCsvReader::open(&dir.path().join("none"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("none/lc.csv"), "{e}");
    }

    #[test]
    fn a_failed_row_appends_nothing() {
        let (_d, mut r) = pair("a,1,2\nb,3,4\n", "a,1\nc,2\n");
        let (mut lc, mut gls) = (Vec::new(), Vec::new());
        r.next_into(&mut lc, &mut gls).unwrap();
        assert!(r.next_into(&mut lc, &mut gls).is_err());
        assert_eq!((lc, gls), (vec![1.0, 2.0], vec![1.0]));
    }
}
