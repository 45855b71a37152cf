//! Writing SPOC-format light-curve files (for the simulator and for tests).

use std::path::Path;

use fitsio::hdu::FitsHdu;
use fitsio::images::{ImageDescription, ImageType};
use fitsio::tables::{ColumnDataType, ColumnDescription};
use fitsio::FitsFile;

use crate::error::{fits_err, Error};
use crate::read::BTJD_ZERO;
use crate::{AtomicFile, LightCurve};

/// Side of the square `APERTURE` image written by [`write_spoc`].
pub const APERTURE_SIDE: usize = 11;

/// The SPOC `LIGHTCURVE` columns in SPOC's order: name, type, unit (`None` = no `TUNIT`).
const COLUMNS: [(&str, ColumnDataType, Option<&str>); 20] = {
    use ColumnDataType::{Double as D, Float as E, Int as J};
    [
        ("TIME", D, Some("BJD - 2457000, days")),
        ("TIMECORR", E, Some("d")),
        ("CADENCENO", J, None),
        ("SAP_FLUX", E, Some("e-/s")),
        ("SAP_FLUX_ERR", E, Some("e-/s")),
        ("SAP_BKG", E, Some("e-/s")),
        ("SAP_BKG_ERR", E, Some("e-/s")),
        ("PDCSAP_FLUX", E, Some("e-/s")),
        ("PDCSAP_FLUX_ERR", E, Some("e-/s")),
        ("QUALITY", J, None),
        ("PSF_CENTR1", D, Some("pixel")),
        ("PSF_CENTR1_ERR", E, Some("pixel")),
        ("PSF_CENTR2", D, Some("pixel")),
        ("PSF_CENTR2_ERR", E, Some("pixel")),
        ("MOM_CENTR1", D, Some("pixel")),
        ("MOM_CENTR1_ERR", E, Some("pixel")),
        ("MOM_CENTR2", D, Some("pixel")),
        ("MOM_CENTR2_ERR", E, Some("pixel")),
        ("POS_CORR1", E, Some("pixels")),
        ("POS_CORR2", E, Some("pixels")),
    ]
};

/// Writes `lc` as a SPOC-format light-curve file, atomically (a temporary file in the same
/// folder, renamed into place), so that a reader never sees half a file.
///
/// The file has SPOC's layout: a primary header with the target's keywords (`TICID`,
/// `SECTOR`, `CAMERA`, `CCD`, `TESSMAG`, `TEFF`, `LOGG`, `RADIUS`, `RA_OBJ`, `DEC_OBJ`,
/// `TELESCOP`, `ORIGIN`...; a `None` value leaves its keyword out), a `LIGHTCURVE` table with
/// SPOC's 20 columns, types and units, and an `APERTURE` image.
///
/// What a [`LightCurve`] does not hold is written as "unknown": `lc.flux` goes to both
/// `PDCSAP_FLUX` and `SAP_FLUX` (and `flux_err` to both error columns); `TIMECORR` is 0;
/// background, centroid and position-correction columns are NaN; the `APERTURE` image is
/// 11 x 11 zeros. `ORIGIN` is `CALNet-rs`, not `NASA/Ames`, so nobody mistakes the file for
/// a mission product. A path ending in `.gz` is written gzip-compressed.
///
/// ```
/// # fn main() -> Result<(), tess_io::Error> {
/// let lc = tess_io::read(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../../fixtures/lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"))?;
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("copy.fits");
/// tess_io::write_spoc(&out, &lc)?;
/// let back = tess_io::read(&out)?;
/// assert_eq!(back.meta.tic, lc.meta.tic);
/// assert_eq!(back.quality, lc.quality);
/// # Ok(()) }
/// ```
pub fn write_spoc(path: &Path, lc: &LightCurve) -> Result<(), Error> {
    check_lengths(path, lc)?;
    if path.to_str().is_none() {
        return Err(Error::BadPath {
            path: path.to_path_buf(),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let gzip = name.to_ascii_lowercase().ends_with(".gz");
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // cfitsio writes uncompressed FITS into a file it creates itself: into the temporary path
    // of an atomic file (removed first), which becomes the output or, for .gz, the source of
    // the compressed one. Dropped without a commit, both are removed.
    let fits_path = if gzip {
        path.with_extension("")
    } else {
        path.to_path_buf()
    };
    let fits = AtomicFile::create(&fits_path).map_err(io)?;
    {
        std::fs::remove_file(fits.temp_path()).map_err(io)?;
        let tmp_text = fits.temp_path().to_str().ok_or_else(|| Error::BadPath {
            path: path.to_path_buf(),
        })?;
        let mut f =
            crate::cfitsio::create(tmp_text).map_err(|e| fits_err(path, "creating the file", e))?;
        write_contents(&mut f, path, lc)?;
        // Dropping `f` closes the file; cfitsio flushes then.
    }
    if gzip {
        // cfitsio reads .gz but writes it uncompressed, so compress here.
        let mut gz = AtomicFile::create(path).map_err(io)?;
        let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
        std::io::copy(
            &mut std::fs::File::open(fits.temp_path()).map_err(io)?,
            &mut enc,
        )
        .map_err(io)?;
        enc.finish().map_err(io)?;
        gz.commit().map_err(io)?;
    } else {
        fits.commit().map_err(io)?;
    }
    Ok(())
}

fn check_lengths(path: &Path, lc: &LightCurve) -> Result<(), Error> {
    let n = lc.time.len();
    let lens = [
        ("flux", lc.flux.len()),
        ("flux_err", lc.flux_err.len()),
        ("quality", lc.quality.len()),
        ("cadenceno", lc.cadenceno.len()),
    ];
    for (name, len) in lens {
        if len != n {
            return Err(Error::InvalidLightCurve {
                path: path.to_path_buf(),
                reason: format!("{name} has {len} rows but time has {n}"),
            });
        }
    }
    if !(lc.meta.cadence_s.is_finite() && lc.meta.cadence_s > 0.0) {
        return Err(Error::InvalidLightCurve {
            path: path.to_path_buf(),
            reason: format!("cadence_s = {} is not a positive number", lc.meta.cadence_s),
        });
    }
    Ok(())
}

fn write_contents(f: &mut FitsFile, path: &Path, lc: &LightCurve) -> Result<(), Error> {
    let m = &lc.meta;
    let primary = f
        .primary_hdu()
        .map_err(|e| fits_err(path, "opening the primary header", e))?;
    let mut k = Keys { f, path };
    k.put(&primary, "EXTNAME", "PRIMARY", "name of extension")?;
    k.put(
        &primary,
        "ORIGIN",
        "CALNet-rs",
        "institution responsible for file",
    )?;
    k.put(
        &primary,
        "CREATOR",
        concat!("tess-io ", env!("CARGO_PKG_VERSION"), " write_spoc"),
        "software that wrote the file",
    )?;
    k.put(&primary, "TELESCOP", "TESS", "telescope")?;
    k.put(&primary, "INSTRUME", "TESS Photometer", "detector type")?;
    k.opt(
        &primary,
        "OBJECT",
        m.tic.map(|t| format!("TIC {t}")),
        "string version of TICID",
    )?;
    k.opt(
        &primary,
        "TICID",
        m.tic.map(|t| t as i64),
        "unique tess target identifier",
    )?;
    k.opt(
        &primary,
        "SECTOR",
        m.sector.map(i64::from),
        "observing sector",
    )?;
    k.opt(&primary, "CAMERA", m.camera.map(i64::from), "camera number")?;
    k.opt(&primary, "CCD", m.ccd.map(i64::from), "CCD chip number")?;
    k.put(
        &primary,
        "RADESYS",
        "ICRS",
        "reference frame of celestial coordinates",
    )?;
    k.opt(&primary, "RA_OBJ", m.ra, "[deg] right ascension")?;
    k.opt(&primary, "DEC_OBJ", m.dec, "[deg] declination")?;
    k.put(
        &primary,
        "EQUINOX",
        2000.0,
        "equinox of celestial coordinate system",
    )?;
    k.opt(&primary, "TESSMAG", m.tmag, "[mag] TESS magnitude")?;
    k.opt(&primary, "TEFF", m.teff, "[K] effective temperature")?;
    k.opt(&primary, "LOGG", m.logg, "[cm/s2] log10 surface gravity")?;
    k.opt(&primary, "RADIUS", m.radius, "[solar radii] stellar radius")?;

    let descriptions = COLUMNS
        .iter()
        .map(|(name, typ, _)| {
            ColumnDescription::new(*name)
                .with_type(*typ)
                .create()
                .map_err(|e| fits_err(path, &format!("describing column {name}"), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let table =
        k.f.create_table("LIGHTCURVE", &descriptions)
            .map_err(|e| fits_err(path, "creating the LIGHTCURVE table", e))?;
    for (i, (_, _, unit)) in COLUMNS.iter().enumerate() {
        if let Some(u) = unit {
            k.put(&table, &format!("TUNIT{}", i + 1), *u, "column units")?;
        }
    }
    let finite = lc.time.iter().copied().filter(|t| t.is_finite());
    let tstart = finite.clone().fold(f64::INFINITY, f64::min);
    let tstop = finite.fold(f64::NEG_INFINITY, f64::max);
    k.put(
        &table,
        "TIMEREF",
        "SOLARSYSTEM",
        "barycentric correction applied to times",
    )?;
    k.put(&table, "TASSIGN", "SPACECRAFT", "where time is assigned")?;
    k.put(
        &table,
        "TIMESYS",
        "TDB",
        "time system is Barycentric Dynamical Time (TDB)",
    )?;
    k.put(
        &table,
        "BJDREFI",
        BTJD_ZERO as i64,
        "integer part of BTJD reference date",
    )?;
    k.put(
        &table,
        "BJDREFF",
        0.0,
        "fraction of the day in BTJD reference date",
    )?;
    k.put(
        &table,
        "TIMEUNIT",
        "d",
        "time unit for TIME, TSTART and TSTOP",
    )?;
    if tstart.is_finite() {
        k.put(&table, "TSTART", tstart, "observation start time in BTJD")?;
        k.put(&table, "TSTOP", tstop, "observation stop time in BTJD")?;
        k.put(&table, "TELAPSE", tstop - tstart, "[d] TSTOP - TSTART")?;
    }
    k.put(
        &table,
        "TIMEDEL",
        m.cadence_s / 86_400.0,
        "[d] time resolution of data",
    )?;
    k.opt(
        &table,
        "TICID",
        m.tic.map(|t| t as i64),
        "unique tess target identifier",
    )?;

    let n = lc.time.len();
    let nan32 = vec![f32::NAN; n];
    let nan64 = vec![f64::NAN; n];
    let zero32 = vec![0.0f32; n];
    // In COLUMNS order.
    let data: [Column<'_>; 20] = [
        Column::D(&lc.time),
        Column::E(&zero32),
        Column::J(&lc.cadenceno),
        Column::E(&lc.flux),
        Column::E(&lc.flux_err),
        Column::E(&nan32),
        Column::E(&nan32),
        Column::E(&lc.flux),
        Column::E(&lc.flux_err),
        Column::J(&lc.quality),
        Column::D(&nan64),
        Column::E(&nan32),
        Column::D(&nan64),
        Column::E(&nan32),
        Column::D(&nan64),
        Column::E(&nan32),
        Column::D(&nan64),
        Column::E(&nan32),
        Column::E(&nan32),
        Column::E(&nan32),
    ];
    let f = k.f;
    // Row blocks across all columns, not one column after the other: a whole column spans the
    // table, so column-at-a-time writing cycles cfitsio's 40 x 2880-byte buffers through the
    // file once per column (about 100,000 small read/write/seek calls for a 2-min sector).
    const ROWS_PER_BLOCK: usize = 512;
    let mut start = 0;
    while start < n {
        let rows = start..(start + ROWS_PER_BLOCK).min(n);
        for ((name, _, _), col) in COLUMNS.iter().zip(&data) {
            let written = match col {
                Column::D(v) => table.write_col_range(f, *name, &v[rows.clone()], &rows),
                Column::E(v) => table.write_col_range(f, *name, &v[rows.clone()], &rows),
                Column::J(v) => table.write_col_range(f, *name, &v[rows.clone()], &rows),
            };
            written.map_err(|e| fits_err(path, &format!("writing column {name}"), e))?;
        }
        start = rows.end;
    }

    let aperture = f
        .create_image(
            "APERTURE",
            &ImageDescription {
                data_type: ImageType::Long,
                dimensions: &[APERTURE_SIDE, APERTURE_SIDE],
            },
        )
        .map_err(|e| fits_err(path, "creating the APERTURE image", e))?;
    aperture
        .write_image(f, &vec![0i32; APERTURE_SIDE * APERTURE_SIDE])
        .map_err(|e| fits_err(path, "writing the APERTURE image", e))?;
    let mut k = Keys { f, path };
    k.opt(
        &aperture,
        "TICID",
        m.tic.map(|t| t as i64),
        "unique tess target identifier",
    )?;
    Ok(())
}

/// One column's values, by FITS type.
enum Column<'a> {
    D(&'a [f64]),
    E(&'a [f32]),
    J(&'a [i32]),
}

struct Keys<'a> {
    f: &'a mut FitsFile,
    path: &'a Path,
}

/// A header value; cfitsio writes floats with 15 significant digits.
enum Value {
    Int(i64),
    Float(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl Keys<'_> {
    fn put(
        &mut self,
        hdu: &FitsHdu,
        name: &str,
        value: impl Into<Value>,
        comment: &str,
    ) -> Result<(), Error> {
        let written = match value.into() {
            Value::Int(v) => hdu.write_key(self.f, name, (v, comment)),
            Value::Float(v) => hdu.write_key(self.f, name, (v, comment)),
            Value::Text(v) => hdu.write_key(self.f, name, (v, comment)),
        };
        written.map_err(|e| fits_err(self.path, &format!("writing keyword {name}"), e))
    }

    fn opt<T: Into<Value>>(
        &mut self,
        hdu: &FitsHdu,
        name: &str,
        value: Option<T>,
        comment: &str,
    ) -> Result<(), Error> {
        match value {
            Some(v) => self.put(hdu, name, v, comment),
            None => Ok(()),
        }
    }
}
