//! Reading light-curve FITS files (`.fits` and `.fits.gz`) through cfitsio.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fitsio::hdu::{FitsHdu, HduInfo};
use fitsio::tables::ColumnDataType;
use fitsio::FitsFile;

use crate::error::{fits_err, Error};
use crate::layout::{self, Layout};
use crate::{LightCurve, Metadata, Product};

/// BTJD's zero point: BTJD = BJD - 2457000.
pub const BTJD_ZERO: f64 = 2_457_000.0;

/// cfitsio status codes the reader turns into specific errors.
mod status {
    pub const FILE_NOT_OPENED: i32 = 104;
    pub const END_OF_FILE: i32 = 107;
    pub const BAD_HEADER_FILL: i32 = 254;
    pub const UNKNOWN_REC: i32 = 252;
    pub const NO_SIMPLE: i32 = 251;
    pub const BAD_EOF: i32 = 216;
    pub const BAD_NAXIS: i32 = 212;
    pub const READ_ERROR: i32 = 108;
    pub const BAD_HDU_NUM: i32 = 301;
    pub const BAD_ROW_NUM: i32 = 307;
}

/// Which flux column becomes [`LightCurve::flux`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FluxColumn {
    /// `PDCSAP_FLUX`: SPOC's systematics-corrected flux (the reference's choice).
    Pdcsap,
    /// `SAP_FLUX`: simple aperture photometry.
    Sap,
    /// `KSPSAP_FLUX`: QLP's detrended flux.
    Kspsap,
    /// Any other column, by name (matched without regard to case): `CORR_FLUX` (eleanor),
    /// `cal_aper_flux` (TGLC), `FLUX_RAW` (TASOC), `FLUX` (lightkurve)...
    Named(String),
}

impl FluxColumn {
    /// The column's name in the light-curve table.
    pub fn name(&self) -> &str {
        match self {
            FluxColumn::Pdcsap => "PDCSAP_FLUX",
            FluxColumn::Sap => "SAP_FLUX",
            FluxColumn::Kspsap => "KSPSAP_FLUX",
            FluxColumn::Named(name) => name,
        }
    }

    /// The column used when none is asked for (see `docs/tess-io.md`): `PDCSAP_FLUX` for every
    /// SPOC product, `KSPSAP_FLUX` for QLP (which has no `PDCSAP_FLUX`), `CORR_FLUX` for
    /// eleanor, `cal_psf_flux` for TGLC (lightkurve's default), `FLUX_CORR` for TASOC and
    /// `FLUX` for lightkurve's `to_fits()`.
    pub fn default_for(product: Product) -> FluxColumn {
        let named = |n: &str| FluxColumn::Named(n.to_owned());
        match product {
            Product::Qlp => FluxColumn::Kspsap,
            Product::Spoc | Product::TessSpoc | Product::SpocAlert => FluxColumn::Pdcsap,
            Product::Eleanor => named("CORR_FLUX"),
            Product::Tglc => named("cal_psf_flux"),
            Product::Tasoc => named("FLUX_CORR"),
            Product::Lightkurve => named("FLUX"),
        }
    }
}

impl fmt::Display for FluxColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that names no flux column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad flux column {0:?}: expected pdcsap, sap, kspsap or a column name")]
pub struct ParseFluxColumnError(pub String);

impl FromStr for FluxColumn {
    type Err = ParseFluxColumnError;

    /// Accepts `pdcsap`, `sap`, `kspsap`, with or without `_flux`, in any case; any other
    /// name of letters, digits and `_` is [`FluxColumn::Named`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_uppercase();
        match t.strip_suffix("_FLUX").unwrap_or(&t) {
            "PDCSAP" => Ok(FluxColumn::Pdcsap),
            "SAP" => Ok(FluxColumn::Sap),
            "KSPSAP" => Ok(FluxColumn::Kspsap),
            _ if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                Ok(FluxColumn::Named(s.trim().to_owned()))
            }
            _ => Err(ParseFluxColumnError(s.to_owned())),
        }
    }
}

/// How to read a file; [`read`] uses the defaults.
///
/// ```
/// # fn main() -> Result<(), tess_io::Error> {
/// use tess_io::{FluxColumn, ReadOptions};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../../fixtures/lc/tess2020106103520-s0024-0000000199574208-0180-s_lc.fits");
/// let sap = ReadOptions::new().flux_column(FluxColumn::Sap).read(path)?;
/// assert_eq!(sap.meta.tic, Some(199574208));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The flux column; `None` picks [`FluxColumn::default_for`] the detected product.
    pub flux_column: Option<FluxColumn>,
}

impl ReadOptions {
    /// The defaults: the product's usual flux column.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `column` instead of the product's default.
    pub fn flux_column(mut self, column: FluxColumn) -> Self {
        self.flux_column = Some(column);
        self
    }

    /// Reads one light-curve file with these options.
    pub fn read(&self, path: impl AsRef<Path>) -> Result<LightCurve, Error> {
        read_with(path.as_ref(), self)
    }
}

/// Reads a TESS light-curve file (`.fits` or `.fits.gz`) with the product's default flux column.
///
/// The product (SPOC 2-min/20-s, TESS-SPOC, QLP, early data-alert) is detected from the
/// headers, never from the file name. All rows are returned, flagged and NaN ones included:
/// use [`LightCurve::apply_quality`] to cut them.
///
/// ```
/// # fn main() -> Result<(), tess_io::Error> {
/// let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../../fixtures/lc/hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits"))?;
/// assert_eq!(lc.meta.product, tess_io::Product::Qlp);
/// assert_eq!(lc.meta.cadence_s, 1800.0);
/// assert_eq!(lc.time.len(), lc.flux.len());
/// # Ok(()) }
/// ```
pub fn read(path: impl AsRef<Path>) -> Result<LightCurve, Error> {
    read_with(path.as_ref(), &ReadOptions::default())
}

/// Reads only the headers of a file: its [`Metadata`], without the flux columns. For the
/// products whose headers give no cadence (eleanor, TGLC, lightkurve's `to_fits()`) the `TIME`
/// column is read to measure it.
pub fn read_metadata(path: impl AsRef<Path>) -> Result<Metadata, Error> {
    let path = path.as_ref();
    let (mut f, _) = open(path)?;
    let primary = primary_headers(&mut f, path)?;
    let (table, columns) = lightcurve_table(&mut f, path, &primary)?;
    let mut meta = metadata(&mut f, &table, &columns, &primary, path)?;
    if meta.cadence_s.is_nan() {
        let col = Columns {
            path,
            columns: &columns,
        };
        let time_name = col.find("TIME")?;
        col.check(&time_name, Kind::Float)?;
        let rows = table_rows(&table);
        let mut time: Vec<f64> = Vec::with_capacity(rows);
        col.read(&mut f, &table, &time_name, &(0..rows), &mut time)?;
        meta.cadence_s = cadence_from_times(&time, path)?;
    }
    Ok(meta)
}

fn table_rows(table: &FitsHdu) -> usize {
    match &table.info {
        HduInfo::TableInfo { num_rows, .. } => *num_rows,
        _ => unreachable!("lightcurve_table only returns tables"),
    }
}

fn read_with(path: &Path, opts: &ReadOptions) -> Result<LightCurve, Error> {
    let (mut f, layout) = open(path)?;
    let primary = primary_headers(&mut f, path)?;
    let (table, columns) = lightcurve_table(&mut f, path, &primary)?;
    let mut meta = metadata(&mut f, &table, &columns, &primary, path)?;
    let rows = table_rows(&table);
    // The scan checked the headers' sizes against the file: the row count below is backed by
    // bytes, so the columns can be sized from it.
    let scanned = layout.table(primary.eleanor).map_or(0, |h| h.rows);
    if rows as u64 != scanned {
        return Err(Error::Header {
            path: path.to_path_buf(),
            key: "NAXIS2".to_owned(),
            reason: format!("cfitsio reads {rows} rows, the header scan {scanned}"),
        });
    }
    if rows == 0 {
        return Err(Error::EmptyTable {
            path: path.to_path_buf(),
        });
    }
    let product = meta.product;
    let flux_col = opts
        .flux_column
        .clone()
        .unwrap_or_else(|| FluxColumn::default_for(product));
    let col = Columns {
        path,
        columns: &columns,
    };

    let time_name = col.find("TIME")?;
    col.check(&time_name, Kind::Float)?;
    let flux_name = col.find(flux_col.name())?;
    col.check(&flux_name, Kind::Float)?;
    let errors = ErrorSource::of(product, &flux_name, &col)?;
    let quality = QualitySource::of(product, &col)?;
    let spoc_layout = matches!(
        product,
        Product::Spoc | Product::TessSpoc | Product::SpocAlert | Product::Qlp
    );
    let cadence_name = match spoc_layout {
        true => Some(col.find("CADENCENO")?),
        false => ["CADENCENO", "cadence_num", "FFIINDEX"]
            .iter()
            .find_map(|n| col.find(n).ok()),
    };
    if let Some(name) = &cadence_name {
        col.check(name, Kind::Number)?;
    }

    let mut time: Vec<f64> = Vec::with_capacity(rows);
    let mut flux: Vec<f32> = Vec::with_capacity(rows);
    let mut err_a: Vec<f32> = Vec::new();
    let mut err_b: Vec<f32> = Vec::new();
    let mut q_a: Vec<i32> = Vec::with_capacity(rows);
    let mut q_b: Vec<i32> = Vec::new();
    let mut cadence: Vec<f64> = Vec::new();
    // Row blocks across the columns, not one column after the other: each column spans the
    // whole table, so column-at-a-time reading would pass the file through cfitsio's buffers
    // once per column.
    const ROWS_PER_BLOCK: usize = 512;
    let mut start = 0;
    while start < rows {
        let block = start..(start + ROWS_PER_BLOCK).min(rows);
        col.read(&mut f, &table, &time_name, &block, &mut time)?;
        col.read(&mut f, &table, &flux_name, &block, &mut flux)?;
        match &errors {
            ErrorSource::Column(name) => col.read(&mut f, &table, name, &block, &mut err_a)?,
            ErrorSource::Scaled { err, reference } => {
                col.read(&mut f, &table, err, &block, &mut err_a)?;
                col.read(&mut f, &table, reference, &block, &mut err_b)?;
            }
            ErrorSource::Constant(_) => {}
        }
        match &quality {
            QualitySource::Column(name) => col.read(&mut f, &table, name, &block, &mut q_a)?,
            QualitySource::Tglc { tess, tglc } => {
                col.read(&mut f, &table, tess, &block, &mut q_a)?;
                col.read(&mut f, &table, tglc, &block, &mut q_b)?;
            }
            QualitySource::None => {}
        }
        if let Some(name) = &cadence_name {
            col.read(&mut f, &table, name, &block, &mut cadence)?;
        }
        start = block.end;
    }
    let flux_err = match errors {
        ErrorSource::Column(_) => err_a,
        // eleanor's FLUX_ERR belongs to RAW_FLUX: scaled to the chosen column as lightkurve
        // does (err * flux / raw).
        ErrorSource::Scaled { .. } => flux
            .iter()
            .zip(err_a.iter().zip(&err_b))
            .map(|(&f, (&e, &raw))| e * f / raw)
            .collect(),
        // TGLC gives one uncertainty per flux column, in the table's header; NaN (unknown) when
        // there is none.
        ErrorSource::Constant(header) => {
            let value = header
                .and_then(|k| key::<f64>(&mut f, &table, k))
                .filter(|v| v.is_finite() && *v > 0.0)
                .map_or(f32::NAN, |v| v as f32);
            vec![value; rows]
        }
    };
    let quality = match quality {
        QualitySource::Column(_) => q_a,
        // TGLC's own flags go above SPOC's 16 bits, so that `QUALITY != 0` is TGLC's advice
        // (both columns 0) and lightkurve's presets see SPOC's bits only.
        QualitySource::Tglc { .. } => q_a
            .iter()
            .zip(&q_b)
            .map(|(&tess, &tglc)| (tess & 0xFFFF) | ((tglc & 0x7FFF) << 16))
            .collect(),
        QualitySource::None => vec![0; rows],
    };
    let cadenceno: Vec<i32> = match &cadence_name {
        Some(_) => cadence.iter().map(|&c| c as i32).collect(),
        // Row numbers: what a cadence number is for, ordering, without inventing one.
        None => (0..rows as i32).collect(),
    };
    // Rows of nothing but zero bytes at the end are the block padding read as data: NAXIS2
    // claims more rows than were written (no TESS cadence has CADENCENO 0 at TIME 0).
    let has_cadence = cadence_name.is_some();
    let zero_tail = (0..rows)
        .rev()
        .take_while(|&i| {
            time[i].to_bits() == 0
                && (!has_cadence || cadenceno[i] == 0)
                && quality[i] == 0
                && flux[i].to_bits() == 0
        })
        .count();
    if zero_tail > 0 {
        return Err(Error::Truncated {
            path: path.to_path_buf(),
            reason: format!(
                "NAXIS2 = {rows} but the last {zero_tail} rows are all zero bytes (the table's \
                 padding): the header claims more rows than were written"
            ),
        });
    }
    let time_offset = time_offset(&mut f, &table, &columns, &time_name, product, path)?;
    if time_offset != 0.0 {
        time.iter_mut().for_each(|t| *t += time_offset);
    }
    if meta.cadence_s.is_nan() {
        meta.cadence_s = cadence_from_times(&time, path)?;
    }

    if !flux.iter().any(|v| v.is_finite()) {
        return Err(Error::AllNanFlux {
            path: path.to_path_buf(),
            column: flux_name,
        });
    }
    Ok(LightCurve {
        time,
        flux,
        flux_err,
        quality,
        cadenceno,
        meta,
    })
}

/// Where a product keeps the uncertainty of the chosen flux column.
enum ErrorSource {
    /// A column of its own.
    Column(String),
    /// `err * flux / reference` (eleanor).
    Scaled { err: String, reference: String },
    /// One value for every row from the table's header keyword, if any (TGLC).
    Constant(Option<&'static str>),
}

impl ErrorSource {
    fn of(product: Product, flux: &str, col: &Columns<'_>) -> Result<ErrorSource, Error> {
        let own = format!("{flux}_ERR");
        if let Ok(name) = col.find(&own) {
            col.check(&name, Kind::Float)?;
            return Ok(ErrorSource::Column(name));
        }
        match product {
            // QLP publishes no SAP_FLUX_ERR: the uncertainty is unknown, not zero.
            Product::Qlp if flux.eq_ignore_ascii_case("SAP_FLUX") => {
                Ok(ErrorSource::Constant(None))
            }
            Product::Eleanor => {
                let err = col.find("FLUX_ERR")?;
                col.check(&err, Kind::Float)?;
                if flux.eq_ignore_ascii_case("RAW_FLUX") {
                    return Ok(ErrorSource::Column(err));
                }
                let reference = col.find("RAW_FLUX")?;
                col.check(&reference, Kind::Float)?;
                Ok(ErrorSource::Scaled { err, reference })
            }
            Product::Tglc => Ok(ErrorSource::Constant(
                match flux.to_ascii_lowercase().as_str() {
                    "cal_psf_flux" => Some("CPSF_ERR"),
                    "cal_aper_flux" => Some("CAPE_ERR"),
                    "psf_flux" => Some("PSF_ERR"),
                    "aperture_flux" => Some("APER_ERR"),
                    _ => None,
                },
            )),
            // lightkurve writes FLUX_ERR only when the light curve had one.
            Product::Lightkurve => Ok(ErrorSource::Constant(None)),
            _ => Err(Error::MissingColumn {
                path: col.path.to_path_buf(),
                column: own,
            }),
        }
    }
}

/// Where a product keeps its cadence flags.
enum QualitySource {
    Column(String),
    /// TGLC's `TESS_flags` and `TGLC_flags`.
    Tglc {
        tess: String,
        tglc: String,
    },
    /// No flags at all (a lightkurve `LightCurve` without `quality`): every row unflagged.
    None,
}

impl QualitySource {
    fn of(product: Product, col: &Columns<'_>) -> Result<QualitySource, Error> {
        let checked = |name: &str| -> Result<String, Error> {
            let found = col.find(name)?;
            col.check(&found, Kind::Int)?;
            Ok(found)
        };
        match product {
            Product::Tglc => Ok(QualitySource::Tglc {
                tess: checked("TESS_flags")?,
                tglc: checked("TGLC_flags")?,
            }),
            Product::Lightkurve if col.find("QUALITY").is_err() => Ok(QualitySource::None),
            _ => Ok(QualitySource::Column(checked("QUALITY")?)),
        }
    }
}

/// The cadence in seconds from the median spacing of finite, increasing times (days), rounded
/// to a whole second: every TESS cadence is a whole number of seconds, and barycentric times
/// stray from it by milliseconds. `None` when fewer than two increasing finite times exist.
/// Used for products whose headers give no cadence.
///
/// ```
/// let t: Vec<f64> = (0..100).map(|i| 1000.0 + i as f64 * 120.0 / 86_400.0).collect();
/// assert_eq!(tess_io::median_cadence_s(&t), Some(120.0));
/// assert_eq!(tess_io::median_cadence_s(&[1.0]), None);
/// ```
pub fn median_cadence_s(time: &[f64]) -> Option<f64> {
    let t: Vec<f64> = time.iter().copied().filter(|t| t.is_finite()).collect();
    let mut steps: Vec<f64> = t
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .collect();
    if steps.is_empty() {
        return None;
    }
    steps.sort_by(f64::total_cmp);
    Some((steps[steps.len() / 2] * 86_400.0).round())
}

/// [`median_cadence_s`] for a file that names no cadence: an error naming the file without one.
fn cadence_from_times(time: &[f64], path: &Path) -> Result<f64, Error> {
    median_cadence_s(time).ok_or_else(|| Error::Header {
        path: path.to_path_buf(),
        key: "TIMEDEL".to_owned(),
        reason: "missing, and TIME has fewer than two increasing values to measure the cadence"
            .to_owned(),
    })
}

/// Opens a file read-only, sorting cfitsio's failures into the errors users need to tell apart,
/// after checking the sizes its headers claim against its bytes ([`crate::layout`]).
fn open(path: &Path) -> Result<(FitsFile, Layout), Error> {
    let text = path.to_str().ok_or_else(|| Error::BadPath {
        path: path.to_path_buf(),
    })?;
    if text.contains('\0') {
        return Err(Error::BadPath {
            path: path.to_path_buf(),
        });
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::from_io(path, e))?;
    if !meta.is_file() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("not a regular file"),
        });
    }
    // Look at the first bytes ourselves: cfitsio's status codes do not say "this is a PNG"
    // or "this gzip stream is broken" in words a user recognises.
    let mut head = [0u8; 80];
    let n = read_prefix(path, &mut head)?;
    let gzipped = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    if !gzipped {
        if !head[..n].starts_with(b"SIMPLE  =") {
            return Err(Error::NotFits {
                path: path.to_path_buf(),
                reason: describe_prefix(&head[..n]),
            });
        }
        if meta.len() % 2880 != 0 {
            return Err(Error::Truncated {
                path: path.to_path_buf(),
                reason: format!(
                    "{} bytes is not a whole number of 2880-byte FITS blocks",
                    meta.len()
                ),
            });
        }
    }
    // Before cfitsio: it sizes buffers from the headers, and inflates a .gz whole.
    let layout = layout::scan(path, gzipped)?;
    // eleanor's table has no EXTNAME: a binary table as the first extension will do here;
    // which table is read is decided from the primary header afterwards.
    if layout.lightcurve().is_none() && layout.table(true).is_none() {
        return Err(Error::NoLightCurveTable {
            path: path.to_path_buf(),
        });
    }
    let f = crate::cfitsio::open_readonly(text).map_err(|e| match e {
        fitsio::errors::Error::Fits(fe) if gzipped => Error::CorruptGzip {
            path: path.to_path_buf(),
            reason: format!("cfitsio error {}: {}", fe.status, fe.message),
        },
        fitsio::errors::Error::Fits(fe) => classify_open_error(path, fe.status, fe.message),
        other => fits_err(path, "opening the file", other),
    })?;
    Ok((f, layout))
}

fn read_prefix(path: &Path, buf: &mut [u8]) -> Result<usize, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]).map_err(io)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn describe_prefix(head: &[u8]) -> String {
    if head.is_empty() {
        return "the file is empty".to_owned();
    }
    let shown: String = head
        .iter()
        .take(16)
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("it starts with {shown:?}, not \"SIMPLE  =\"")
}

fn classify_open_error(path: &Path, status_code: i32, message: String) -> Error {
    let reason = format!("cfitsio error {status_code}: {message}");
    match status_code {
        status::END_OF_FILE | status::BAD_EOF | status::READ_ERROR | status::BAD_HEADER_FILL => {
            Error::Truncated {
                path: path.to_path_buf(),
                reason,
            }
        }
        status::NO_SIMPLE | status::UNKNOWN_REC | status::BAD_NAXIS => Error::NotFits {
            path: path.to_path_buf(),
            reason,
        },
        status::FILE_NOT_OPENED => Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(reason),
        },
        _ => Error::Fits {
            path: path.to_path_buf(),
            doing: "opening the file".to_owned(),
            status: status_code,
            message,
        },
    }
}

/// Name, TFORM letter and repeat of each column.
type ColumnList = Vec<(String, ColumnDataType, usize)>;

/// The primary-header values that decide the product.
struct Primary {
    hdu: FitsHdu,
    origin: Option<String>,
    creator: Option<String>,
    procver: Option<String>,
    telescop: Option<String>,
    /// eleanor's `LITE` and `PCORIGIN` keywords are both there.
    eleanor: bool,
}

fn primary_headers(f: &mut FitsFile, path: &Path) -> Result<Primary, Error> {
    let hdu = f
        .primary_hdu()
        .map_err(|e| fits_err(path, "reading the primary header", e))?;
    let has = |f: &mut FitsFile, k: &str| hdu.read_key::<String>(f, k).is_ok();
    let eleanor = has(f, "LITE") && has(f, "PCORIGIN");
    Ok(Primary {
        origin: key(f, &hdu, "ORIGIN"),
        creator: key(f, &hdu, "CREATOR"),
        procver: key(f, &hdu, "PROCVER"),
        telescop: key(f, &hdu, "TELESCOP"),
        eleanor,
        hdu,
    })
}

/// The light-curve table: the `LIGHTCURVE` extension, or for eleanor (whose tables have no
/// `EXTNAME`) the first extension.
fn lightcurve_table(
    f: &mut FitsFile,
    path: &Path,
    primary: &Primary,
) -> Result<(FitsHdu, ColumnList), Error> {
    let found = if primary.eleanor {
        f.hdu(1)
    } else {
        f.hdu("LIGHTCURVE")
    };
    let hdu = found.map_err(|e| match e {
        fitsio::errors::Error::Fits(fe) if fe.status == status::BAD_HDU_NUM => {
            Error::NoLightCurveTable {
                path: path.to_path_buf(),
            }
        }
        fitsio::errors::Error::Fits(fe) if is_truncation(fe.status) => Error::Truncated {
            path: path.to_path_buf(),
            reason: format!("cfitsio error {}: {}", fe.status, fe.message),
        },
        other => fits_err(path, "looking for the LIGHTCURVE table", other),
    })?;
    let columns = match &hdu.info {
        HduInfo::TableInfo {
            column_descriptions,
            ..
        } => column_descriptions
            .iter()
            .map(|c| (c.name.clone(), c.data_type.typ, c.data_type.repeat))
            .collect(),
        // An image HDU named LIGHTCURVE is no light-curve table either.
        _ => {
            return Err(Error::NoLightCurveTable {
                path: path.to_path_buf(),
            })
        }
    };
    Ok((hdu, columns))
}

fn is_truncation(code: i32) -> bool {
    matches!(
        code,
        status::END_OF_FILE | status::BAD_EOF | status::READ_ERROR | status::BAD_ROW_NUM
    )
}

#[derive(Clone, Copy)]
enum Kind {
    Float,
    Int,
    /// Integer or float (cadence counters: eleanor wrote `FFIINDEX` as float in early versions).
    Number,
}

struct Columns<'a> {
    path: &'a Path,
    columns: &'a ColumnList,
}

impl Columns<'_> {
    /// The table's spelling of column `name`, matched without regard to case (TGLC writes
    /// `time`, SPOC `TIME`).
    fn find(&self, name: &str) -> Result<String, Error> {
        self.columns
            .iter()
            .find(|c| c.0 == name)
            .or_else(|| self.columns.iter().find(|c| c.0.eq_ignore_ascii_case(name)))
            .map(|c| c.0.clone())
            .ok_or_else(|| Error::MissingColumn {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
            })
    }

    /// Refuses columns whose type would make cfitsio convert silently (text, complex, vectors).
    fn check(&self, name: &str, kind: Kind) -> Result<(), Error> {
        let Some((_, typ, repeat)) = self.columns.iter().find(|c| c.0 == name) else {
            return Err(Error::MissingColumn {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
            });
        };
        use ColumnDataType as T;
        let float = matches!(typ, T::Float | T::Double);
        let int = matches!(
            typ,
            T::Short | T::Int | T::Long | T::LongLong | T::Byte | T::SignedByte
        );
        let (ok, expected) = match kind {
            Kind::Float => (float, "a scalar E or D (float) column"),
            Kind::Int => (int, "a scalar B, I, J or K (integer) column"),
            Kind::Number => (float || int, "a scalar number column"),
        };
        if !ok || *repeat != 1 {
            return Err(Error::ColumnType {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
                found: format!("{repeat}{}", String::from(*typ)),
                expected,
            });
        }
        Ok(())
    }

    /// Appends rows `block` of column `name` to `out`.
    fn read<T: fitsio::tables::ReadsCol>(
        &self,
        f: &mut FitsFile,
        hdu: &FitsHdu,
        name: &str,
        block: &std::ops::Range<usize>,
        out: &mut Vec<T>,
    ) -> Result<(), Error> {
        let values = hdu
            .read_col_range::<T>(f, name, block)
            .map_err(|e| match e {
                fitsio::errors::Error::Fits(fe) if is_truncation(fe.status) => Error::Truncated {
                    path: self.path.to_path_buf(),
                    reason: format!(
                        "reading column {name}: cfitsio error {}: {}",
                        fe.status, fe.message
                    ),
                },
                other => fits_err(self.path, &format!("reading column {name}"), other),
            })?;
        out.extend(values);
        Ok(())
    }
}

/// Reads a keyword, `None` when it is absent or has no value (SPOC writes undefined values
/// for unknown stellar parameters).
fn key<T: fitsio::headers::ReadsKey>(f: &mut FitsFile, hdu: &FitsHdu, name: &str) -> Option<T> {
    hdu.read_key::<T>(f, name).ok()
}

/// The keywords that may hold the target's TIC number, in the order they are tried: SPOC's
/// `TICID`, eleanor's `TIC_ID`, then the names lightkurve and others write (`OBJECT`, `LABEL`,
/// `TARGETID`).
pub const TIC_KEYWORDS: [&str; 5] = ["TICID", "TIC_ID", "OBJECT", "LABEL", "TARGETID"];

/// A TIC number from a header value: `123`, `TIC 123`, `TIC-123`, `TIC123`, `tic_123`
/// (`None` for anything else, such as `Gaia DR3 123` or `None`, and for 0, which no star has).
///
/// ```
/// assert_eq!(tess_io::parse_tic("TIC 98853987"), Some(98853987));
/// assert_eq!(tess_io::parse_tic("98853987"), Some(98853987));
/// assert_eq!(tess_io::parse_tic("TIC-98853987"), Some(98853987));
/// assert_eq!(tess_io::parse_tic("Gaia DR3 4661920130733472384"), None);
/// ```
pub fn parse_tic(value: &str) -> Option<u64> {
    let v = value.trim();
    let digits = match v.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("TIC") => v[3..].trim_start_matches([' ', '-', '_', ':']),
        _ => v,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|&t| t > 0)
}

fn target_tic(f: &mut FitsFile, primary: &FitsHdu, table: &FitsHdu) -> Option<u64> {
    for hdu in [primary, table] {
        for k in TIC_KEYWORDS {
            let found = match key::<i64>(f, hdu, k) {
                Some(n) => u64::try_from(n).ok().filter(|&t| t > 0),
                None => key::<String>(f, hdu, k).as_deref().and_then(parse_tic),
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

fn metadata(
    f: &mut FitsFile,
    table: &FitsHdu,
    columns: &ColumnList,
    primary: &Primary,
    path: &Path,
) -> Result<Metadata, Error> {
    let header_err = |key: &str, reason: String| Error::Header {
        path: path.to_path_buf(),
        key: key.to_owned(),
        reason,
    };
    let has_column = |name: &str| columns.iter().any(|c| c.0.eq_ignore_ascii_case(name));
    let hints = ProductHints {
        origin: primary.origin.as_deref(),
        creator: primary.creator.as_deref(),
        procver: primary.procver.as_deref(),
        eleanor: primary.eleanor,
        has_kspsap: has_column("KSPSAP_FLUX"),
    };
    let family = detect_family(&hints);
    // eleanor's postcard headers and lightkurve's LightCurve without a mission may leave
    // TELESCOP out; where it is there, it must say TESS.
    let telescop_optional = matches!(family, Some(Product::Eleanor | Product::Lightkurve));
    match primary.telescop.as_deref().map(str::trim) {
        Some("TESS") => {}
        None if telescop_optional => {}
        Some(other) => {
            return Err(Error::UnknownProduct {
                path: path.to_path_buf(),
                reason: format!("TELESCOP is {other:?}, not \"TESS\""),
            })
        }
        None => {
            return Err(Error::UnknownProduct {
                path: path.to_path_buf(),
                reason: "no TELESCOP keyword in the primary header".to_owned(),
            })
        }
    }

    let tic = target_tic(f, &primary.hdu, table);

    // The cadence: TIMEDEL where the product writes the true one; measured from TIME (NaN
    // here, filled in by the caller) for eleanor and lightkurve, which write none, and TGLC,
    // whose TIMEDEL is the span divided by the number of rows.
    let measured = matches!(
        family,
        Some(Product::Eleanor | Product::Lightkurve | Product::Tglc)
    );
    let cadence_s = if measured {
        f64::NAN
    } else {
        match key::<f64>(f, table, "TIMEDEL") {
            Some(d) if d.is_finite() && d > 0.0 => (d * 86_400.0 * 1000.0).round() / 1000.0,
            Some(d) => {
                return Err(header_err(
                    "TIMEDEL",
                    format!("{d} is not a positive cadence"),
                ))
            }
            None => {
                // Present but not a number reads as absent through `key`: say which.
                let reason = match key::<String>(f, table, "TIMEDEL") {
                    Some(text) => format!("{text:?} is not a number"),
                    None => "missing from the LIGHTCURVE header".to_owned(),
                };
                return Err(header_err("TIMEDEL", reason));
            }
        }
    };
    let product = family.unwrap_or_else(|| spoc_product(hints.procver, cadence_s));

    let p = &primary.hdu;
    let uint = |v: Option<i64>| v.and_then(|x| u32::try_from(x).ok());
    // QLP writes -1 for stellar parameters it does not know.
    let known =
        |v: Option<f64>| v.filter(|x| x.is_finite() && !(product == Product::Qlp && *x == -1.0));
    let first = |f: &mut FitsFile, keys: &[&str]| keys.iter().find_map(|k| key::<f64>(f, p, k));
    let tmag = first(f, &["TESSMAG", "TMAG"]);
    let ra = first(f, &["RA_OBJ", "CEN_RA"]);
    let dec = first(f, &["DEC_OBJ", "CEN_DEC"]);
    Ok(Metadata {
        tic,
        sector: uint(key(f, p, "SECTOR")),
        camera: uint(key(f, p, "CAMERA")),
        ccd: uint(key(f, p, "CCD")),
        tmag: known(tmag),
        teff: known(key(f, p, "TEFF")),
        logg: known(key(f, p, "LOGG")),
        radius: known(key(f, p, "RADIUS")),
        ra: known(ra),
        dec: known(dec),
        product,
        cadence_s,
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: Some(PathBuf::from(path)),
    })
}

/// Days to add to `TIME` to make it BTJD.
///
/// `TIME` is BJD - (`BJDREFI` + `BJDREFF`) in SPOC, QLP (`BJDREFR` for the fraction), TASOC and
/// TGLC; eleanor writes BTJD without reference keywords; lightkurve's `to_fits()` names the
/// time format in `TIME`'s unit (`btjd`, or `jd` for full Julian dates).
fn time_offset(
    f: &mut FitsFile,
    table: &FitsHdu,
    columns: &ColumnList,
    time_name: &str,
    product: Product,
    path: &Path,
) -> Result<f64, Error> {
    let header_err = |key: String, reason: String| Error::Header {
        path: path.to_path_buf(),
        key,
        reason,
    };
    if product == Product::Lightkurve {
        let index = columns.iter().position(|c| c.0 == time_name).unwrap_or(0) + 1;
        let unit_key = format!("TUNIT{index}");
        let unit: Option<String> = key(f, table, &unit_key);
        return match unit
            .as_deref()
            .map(|u| u.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("btjd") => Ok(0.0),
            Some("jd") | Some("bjd") => Ok(-BTJD_ZERO),
            Some(other) => Err(header_err(
                unit_key,
                format!("TIME is in {other:?}: expected btjd or jd (a TESS light curve)"),
            )),
        };
    }
    let bjdrefi: f64 = key::<f64>(f, table, "BJDREFI").unwrap_or(BTJD_ZERO);
    let bjdreff: f64 = key::<f64>(f, table, "BJDREFF")
        .or_else(|| key::<f64>(f, table, "BJDREFR"))
        .unwrap_or(0.0);
    let offset = (bjdrefi - BTJD_ZERO) + bjdreff;
    if !offset.is_finite() {
        return Err(header_err(
            "BJDREFI".to_owned(),
            "not a finite number".to_owned(),
        ));
    }
    Ok(offset)
}

/// Primary-header values that tell the products apart.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProductHints<'a> {
    /// `ORIGIN`.
    pub origin: Option<&'a str>,
    /// `CREATOR`.
    pub creator: Option<&'a str>,
    /// `PROCVER`.
    pub procver: Option<&'a str>,
    /// Both of eleanor's `LITE` and `PCORIGIN` keywords are present.
    pub eleanor: bool,
    /// The table has a `KSPSAP_FLUX` column.
    pub has_kspsap: bool,
}

/// Detects the product from header values (see `docs/tess-io.md` for the rules' origin), the
/// first rule that applies:
///
/// 1. QLP: `ORIGIN` names QLP, or the table has `KSPSAP_FLUX`.
/// 2. TASOC: `ORIGIN` names TASOC (`TASOC/Aarhus`).
/// 3. TGLC: `ORIGIN` names TGLC (`UCSB/TGLC`).
/// 4. eleanor: the primary header has `LITE` and `PCORIGIN` (lightkurve's rule).
/// 5. lightkurve's `to_fits()`: `CREATOR` names lightkurve.
/// 6. Early data-alert products: SPOC pipeline version (`PROCVER = spoc-X.Y...`) below 4; the
///    sector 1-2 alerts were made by spoc-3.3.
/// 7. TESS-SPOC (full-frame images): cadence of 150 s or more (200, 600, 1800 s); SPOC target
///    pixels are 120 s or 20 s.
/// 8. Otherwise SPOC.
///
/// ```
/// use tess_io::{detect_product, Product, ProductHints};
/// let tglc = ProductHints { origin: Some("UCSB/TGLC"), ..Default::default() };
/// assert_eq!(detect_product(&tglc, 1800.0), Product::Tglc);
/// assert_eq!(detect_product(&ProductHints::default(), 120.0), Product::Spoc);
/// ```
pub fn detect_product(hints: &ProductHints<'_>, cadence_s: f64) -> Product {
    detect_family(hints).unwrap_or_else(|| spoc_product(hints.procver, cadence_s))
}

/// Rules 1-5 of [`detect_product`]; `None` for the SPOC family.
fn detect_family(h: &ProductHints<'_>) -> Option<Product> {
    let origin = h.origin.unwrap_or("").to_ascii_uppercase();
    if origin.contains("QLP") || h.has_kspsap {
        return Some(Product::Qlp);
    }
    if origin.contains("TASOC") {
        return Some(Product::Tasoc);
    }
    if origin.contains("TGLC") {
        return Some(Product::Tglc);
    }
    if h.eleanor {
        return Some(Product::Eleanor);
    }
    if h.creator
        .is_some_and(|c| c.to_ascii_lowercase().contains("lightkurve"))
    {
        return Some(Product::Lightkurve);
    }
    None
}

/// Rules 6-8 of [`detect_product`].
fn spoc_product(procver: Option<&str>, cadence_s: f64) -> Product {
    let spoc_major = procver
        .and_then(|p| p.trim().strip_prefix("spoc-"))
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if spoc_major.is_some_and(|m| m < 4) {
        return Product::SpocAlert;
    }
    if cadence_s >= 150.0 {
        Product::TessSpoc
    } else {
        Product::Spoc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flux_column_parses_short_and_long_names() {
        assert_eq!("pdcsap".parse::<FluxColumn>().unwrap(), FluxColumn::Pdcsap);
        assert_eq!("SAP_FLUX".parse::<FluxColumn>().unwrap(), FluxColumn::Sap);
        assert_eq!(
            "kspsap_flux".parse::<FluxColumn>().unwrap(),
            FluxColumn::Kspsap
        );
        assert_eq!(
            "cal_aper_flux".parse::<FluxColumn>().unwrap(),
            FluxColumn::Named("cal_aper_flux".into())
        );
        assert!("".parse::<FluxColumn>().is_err());
        assert!("flux err".parse::<FluxColumn>().is_err());
    }

    #[test]
    fn tic_spellings() {
        for s in [
            "123", " TIC 123", "TIC-123", "tic123", "TIC_123", "TIC: 123",
        ] {
            assert_eq!(parse_tic(s), Some(123), "{s:?}");
        }
        for s in [
            "",
            "TIC",
            "None",
            "0",
            "TIC 0",
            "Gaia DR3 123",
            "123a",
            "-123",
            "WASP-100",
        ] {
            assert_eq!(parse_tic(s), None, "{s:?}");
        }
    }

    #[test]
    fn detection_rules() {
        let h = |origin: Option<&'static str>, procver: Option<&'static str>| ProductHints {
            origin,
            procver,
            ..Default::default()
        };
        assert_eq!(
            detect_product(
                &ProductHints {
                    has_kspsap: true,
                    ..h(Some("MIT/QLP"), None)
                },
                1800.0
            ),
            Product::Qlp
        );
        assert_eq!(
            detect_product(&h(Some("NASA/Ames"), Some("spoc-3.3.36-20180925")), 120.0),
            Product::SpocAlert
        );
        assert_eq!(
            detect_product(&h(Some("NASA/Ames"), Some("spoc-5.0.96-20230729")), 200.0),
            Product::TessSpoc
        );
        assert_eq!(
            detect_product(&h(Some("NASA/Ames"), Some("spoc-5.0.10-20200904")), 20.0),
            Product::Spoc
        );
        assert_eq!(detect_product(&h(None, None), 120.0), Product::Spoc);
        assert_eq!(
            detect_product(&h(Some("TASOC/Aarhus"), Some("6.0")), 1800.0),
            Product::Tasoc
        );
        let lk = ProductHints {
            origin: Some("Unofficial data product"),
            creator: Some("lightkurve.LightCurve.to_fits()"),
            procver: Some("2.6.0"),
            ..Default::default()
        };
        assert_eq!(detect_product(&lk, 120.0), Product::Lightkurve);
        let eleanor = ProductHints {
            eleanor: true,
            ..Default::default()
        };
        assert_eq!(detect_product(&eleanor, 1800.0), Product::Eleanor);
    }
}
