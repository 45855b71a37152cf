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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FluxColumn {
    /// `PDCSAP_FLUX`: SPOC's systematics-corrected flux (the reference's choice).
    Pdcsap,
    /// `SAP_FLUX`: simple aperture photometry.
    Sap,
    /// `KSPSAP_FLUX`: QLP's detrended flux.
    Kspsap,
}

impl FluxColumn {
    /// The column's name in the `LIGHTCURVE` table.
    pub fn name(self) -> &'static str {
        match self {
            FluxColumn::Pdcsap => "PDCSAP_FLUX",
            FluxColumn::Sap => "SAP_FLUX",
            FluxColumn::Kspsap => "KSPSAP_FLUX",
        }
    }

    /// The column used when none is asked for: `KSPSAP_FLUX` for QLP (which has no
    /// `PDCSAP_FLUX`), `PDCSAP_FLUX` for every SPOC product.
    pub fn default_for(product: Product) -> FluxColumn {
        match product {
            Product::Qlp => FluxColumn::Kspsap,
            Product::Spoc | Product::TessSpoc | Product::SpocAlert => FluxColumn::Pdcsap,
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
#[error("unknown flux column {0:?}: expected pdcsap, sap or kspsap")]
pub struct ParseFluxColumnError(pub String);

impl FromStr for FluxColumn {
    type Err = ParseFluxColumnError;

    /// Accepts `pdcsap`, `sap`, `kspsap`, with or without `_flux`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_uppercase();
        match t.strip_suffix("_FLUX").unwrap_or(&t) {
            "PDCSAP" => Ok(FluxColumn::Pdcsap),
            "SAP" => Ok(FluxColumn::Sap),
            "KSPSAP" => Ok(FluxColumn::Kspsap),
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
/// assert_eq!(sap.meta.tic, 199574208);
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

/// Reads only the headers of a file: its [`Metadata`], without the columns.
pub fn read_metadata(path: impl AsRef<Path>) -> Result<Metadata, Error> {
    let path = path.as_ref();
    let (mut f, _) = open(path)?;
    let (table, _) = lightcurve_table(&mut f, path)?;
    let (meta, _) = metadata(&mut f, &table, path)?;
    Ok(meta)
}

fn read_with(path: &Path, opts: &ReadOptions) -> Result<LightCurve, Error> {
    let (mut f, layout) = open(path)?;
    let (table, columns) = lightcurve_table(&mut f, path)?;
    let (meta, time_offset) = metadata(&mut f, &table, path)?;
    let rows = match &table.info {
        HduInfo::TableInfo { num_rows, .. } => *num_rows,
        _ => unreachable!("lightcurve_table only returns tables"),
    };
    // The scan checked the headers' sizes against the file: the row count below is backed by
    // bytes, so the columns can be sized from it.
    let scanned = layout.lightcurve().map_or(0, |h| h.rows);
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
    let flux_col = opts
        .flux_column
        .unwrap_or_else(|| FluxColumn::default_for(meta.product));
    let col = Columns {
        path,
        columns: &columns,
    };

    col.check("TIME", Kind::Float)?;
    col.check(flux_col.name(), Kind::Float)?;
    let err_name = format!("{}_ERR", flux_col.name());
    let has_err = columns.iter().any(|c| c.0 == err_name);
    if has_err {
        col.check(&err_name, Kind::Float)?;
    } else if !(meta.product == Product::Qlp && flux_col == FluxColumn::Sap) {
        return Err(Error::MissingColumn {
            path: path.to_path_buf(),
            column: err_name,
        });
    }
    col.check("QUALITY", Kind::Int)?;
    col.check("CADENCENO", Kind::Int)?;

    let mut time: Vec<f64> = Vec::with_capacity(rows);
    let mut flux: Vec<f32> = Vec::with_capacity(rows);
    let mut flux_err: Vec<f32> = Vec::with_capacity(rows);
    let mut quality: Vec<i32> = Vec::with_capacity(rows);
    let mut cadenceno: Vec<i32> = Vec::with_capacity(rows);
    // Row blocks across the five columns, not one column after the other: each column spans
    // the whole table, so column-at-a-time reading would pass the file through cfitsio's
    // buffers five times.
    const ROWS_PER_BLOCK: usize = 512;
    let mut start = 0;
    while start < rows {
        let block = start..(start + ROWS_PER_BLOCK).min(rows);
        col.read(&mut f, &table, "TIME", &block, &mut time)?;
        col.read(&mut f, &table, flux_col.name(), &block, &mut flux)?;
        if has_err {
            col.read(&mut f, &table, &err_name, &block, &mut flux_err)?;
        }
        col.read(&mut f, &table, "QUALITY", &block, &mut quality)?;
        col.read(&mut f, &table, "CADENCENO", &block, &mut cadenceno)?;
        start = block.end;
    }
    if !has_err {
        // QLP publishes no SAP_FLUX_ERR: the uncertainty is unknown, not zero.
        flux_err = vec![f32::NAN; rows];
    }
    // Rows of nothing but zero bytes at the end are the block padding read as data: NAXIS2
    // claims more rows than were written (no TESS cadence has CADENCENO 0 at TIME 0).
    let zero_tail = (0..rows)
        .rev()
        .take_while(|&i| {
            time[i].to_bits() == 0 && cadenceno[i] == 0 && quality[i] == 0 && flux[i].to_bits() == 0
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
    if time_offset != 0.0 {
        time.iter_mut().for_each(|t| *t += time_offset);
    }

    if !flux.iter().any(|v| v.is_finite()) {
        return Err(Error::AllNanFlux {
            path: path.to_path_buf(),
            column: flux_col.name().to_owned(),
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
    if layout.lightcurve().is_none() {
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

fn lightcurve_table(f: &mut FitsFile, path: &Path) -> Result<(FitsHdu, ColumnList), Error> {
    let hdu = f.hdu("LIGHTCURVE").map_err(|e| match e {
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
}

struct Columns<'a> {
    path: &'a Path,
    columns: &'a ColumnList,
}

impl Columns<'_> {
    /// Refuses columns whose type would make cfitsio convert silently (text, complex, vectors).
    fn check(&self, name: &str, kind: Kind) -> Result<(), Error> {
        let Some((_, typ, repeat)) = self.columns.iter().find(|c| c.0 == name) else {
            return Err(Error::MissingColumn {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
            });
        };
        use ColumnDataType as T;
        let (ok, expected) = match kind {
            Kind::Float => (
                matches!(typ, T::Float | T::Double),
                "a scalar E or D (float) column",
            ),
            Kind::Int => (
                matches!(typ, T::Short | T::Int | T::Long | T::Byte | T::SignedByte),
                "a scalar B, I or J (integer) column",
            ),
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

fn metadata(f: &mut FitsFile, table: &FitsHdu, path: &Path) -> Result<(Metadata, f64), Error> {
    let primary = f
        .primary_hdu()
        .map_err(|e| fits_err(path, "reading the primary header", e))?;
    let header_err = |key: &str, reason: String| Error::Header {
        path: path.to_path_buf(),
        key: key.to_owned(),
        reason,
    };
    let origin: Option<String> = key(f, &primary, "ORIGIN");
    let telescop: Option<String> = key(f, &primary, "TELESCOP");
    let procver: Option<String> = key(f, &primary, "PROCVER");
    match telescop.as_deref().map(str::trim) {
        Some("TESS") => {}
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

    let tic = match key::<i64>(f, &primary, "TICID") {
        Some(t) => t,
        None => {
            let object: Option<String> = key(f, &primary, "OBJECT");
            object
                .as_deref()
                .and_then(|o| o.trim().strip_prefix("TIC"))
                .and_then(|n| n.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    header_err(
                        "TICID",
                        "missing, and OBJECT is not \"TIC <number>\"".to_owned(),
                    )
                })?
        }
    };
    let tic = u64::try_from(tic).map_err(|_| header_err("TICID", format!("{tic} is negative")))?;

    let timedel: Option<f64> = key(f, table, "TIMEDEL");
    let cadence_s = match timedel {
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
    };

    let has_column = |name: &str| match &table.info {
        HduInfo::TableInfo {
            column_descriptions,
            ..
        } => column_descriptions.iter().any(|c| c.name == name),
        _ => false,
    };
    let product = detect_product(
        origin.as_deref(),
        procver.as_deref(),
        cadence_s,
        has_column("KSPSAP_FLUX"),
    );

    // TIME is BJD - (BJDREFI + BJDREFF); QLP spells the fraction BJDREFR.
    let bjdrefi: f64 = key::<f64>(f, table, "BJDREFI").unwrap_or(BTJD_ZERO);
    let bjdreff: f64 = key::<f64>(f, table, "BJDREFF")
        .or_else(|| key::<f64>(f, table, "BJDREFR"))
        .unwrap_or(0.0);
    let time_offset = (bjdrefi - BTJD_ZERO) + bjdreff;
    if !time_offset.is_finite() {
        return Err(header_err("BJDREFI", "not a finite number".to_owned()));
    }

    let uint = |v: Option<i64>| v.and_then(|x| u32::try_from(x).ok());
    // QLP writes -1 for stellar parameters it does not know.
    let known =
        |v: Option<f64>| v.filter(|x| x.is_finite() && !(product == Product::Qlp && *x == -1.0));
    let meta = Metadata {
        tic,
        sector: uint(key(f, &primary, "SECTOR")),
        camera: uint(key(f, &primary, "CAMERA")),
        ccd: uint(key(f, &primary, "CCD")),
        tmag: known(key(f, &primary, "TESSMAG")),
        teff: known(key(f, &primary, "TEFF")),
        logg: known(key(f, &primary, "LOGG")),
        radius: known(key(f, &primary, "RADIUS")),
        ra: known(key(f, &primary, "RA_OBJ")),
        dec: known(key(f, &primary, "DEC_OBJ")),
        product,
        cadence_s,
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: Some(PathBuf::from(path)),
    };
    Ok((meta, time_offset))
}

/// Detects the product from header values (see `docs/tess-io.md` for the rules' origin).
///
/// 1. QLP: `ORIGIN` names QLP, or the table has `KSPSAP_FLUX`.
/// 2. Early data-alert products: SPOC pipeline version (`PROCVER = spoc-X.Y...`) below 4; the
///    sector 1-2 alerts were made by spoc-3.3.
/// 3. TESS-SPOC (full-frame images): cadence of 150 s or more (200, 600, 1800 s); SPOC target
///    pixels are 120 s or 20 s.
/// 4. Otherwise SPOC.
pub fn detect_product(
    origin: Option<&str>,
    procver: Option<&str>,
    cadence_s: f64,
    has_kspsap: bool,
) -> Product {
    if origin.is_some_and(|o| o.to_ascii_uppercase().contains("QLP")) || has_kspsap {
        return Product::Qlp;
    }
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
        assert!("flux".parse::<FluxColumn>().is_err());
    }

    #[test]
    fn detection_rules() {
        assert_eq!(
            detect_product(Some("MIT/QLP"), None, 1800.0, true),
            Product::Qlp
        );
        assert_eq!(
            detect_product(
                Some("NASA/Ames"),
                Some("spoc-3.3.36-20180925"),
                120.0,
                false
            ),
            Product::SpocAlert
        );
        assert_eq!(
            detect_product(
                Some("NASA/Ames"),
                Some("spoc-5.0.96-20230729"),
                200.0,
                false
            ),
            Product::TessSpoc
        );
        assert_eq!(
            detect_product(Some("NASA/Ames"), Some("spoc-5.0.10-20200904"), 20.0, false),
            Product::Spoc
        );
        assert_eq!(detect_product(None, None, 120.0, false), Product::Spoc);
    }
}
