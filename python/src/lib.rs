//! The native half of the Python package `calnet` (`calnet._calnet`): thin wrappers over
//! tess-io, gls, lc-prep and calnet-model's native engine. Argument checking that Python does better (dtype conversion,
//! duck typing) and the docstrings live in `calnet/__init__.py`; everything here takes
//! contiguous numpy arrays of the right dtype and returns new ones.

use std::path::PathBuf;

use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike2, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use lc_prep::{FeatureChoice, FeatureConfig, FeatureExtractor, Mode};
use tess_io::{FluxColumn, QualityMask};

/// Raises `calnet.LightCurveError(path, reason)`.
fn light_curve_error(py: Python<'_>, path: &str, reason: &str) -> PyErr {
    match py
        .import("calnet._errors")
        .and_then(|m| m.getattr("LightCurveError"))
        .and_then(|cls| cls.call1((path, reason)))
    {
        Ok(err) => PyErr::from_value(err),
        Err(e) => e,
    }
}

fn parse_quality(quality: &str) -> PyResult<QualityMask> {
    quality
        .parse()
        .map_err(|e| PyValueError::new_err(format!("quality: {e}")))
}

fn parse_mode(mode: &str) -> PyResult<Mode> {
    mode.parse()
        .map_err(|e| PyValueError::new_err(format!("mode: {e}")))
}

/// A TESS light curve: the rows a quality mask kept, and the file's header values.
#[pyclass(module = "calnet", name = "LightCurve", frozen)]
struct LightCurve {
    inner: tess_io::LightCurve,
    flux_column: String,
    report: Option<tess_io::MaskReport>,
}

#[pymethods]
impl LightCurve {
    /// Mid-exposure times, BTJD (BJD - 2457000), days (float64).
    #[getter]
    fn time<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.inner.time.clone().into_pyarray(py)
    }

    /// Flux of the chosen column (float32).
    #[getter]
    fn flux<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        self.inner.flux.clone().into_pyarray(py)
    }

    /// Flux uncertainty (float32; NaN where the product gives none).
    #[getter]
    fn flux_err<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        self.inner.flux_err.clone().into_pyarray(py)
    }

    /// QUALITY flags (int32).
    #[getter]
    fn quality<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i32>> {
        self.inner.quality.clone().into_pyarray(py)
    }

    /// Cadence numbers (int32).
    #[getter]
    fn cadenceno<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i32>> {
        self.inner.cadenceno.clone().into_pyarray(py)
    }

    /// TIC number, or None when the file names no target.
    #[getter]
    fn tic(&self) -> Option<u64> {
        self.inner.meta.tic
    }

    /// Observing sector, or None.
    #[getter]
    fn sector(&self) -> Option<u32> {
        self.inner.meta.sector
    }

    /// Cadence in seconds.
    #[getter]
    fn cadence_s(&self) -> f64 {
        self.inner.meta.cadence_s
    }

    /// The data product: SPOC, TESS-SPOC, QLP, SPOC-alert, eleanor, TGLC, TASOC, lightkurve.
    #[getter]
    fn product(&self) -> &'static str {
        self.inner.meta.product.name()
    }

    /// Header values and reading details, by FITS keyword.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = &self.inner.meta;
        let d = PyDict::new(py);
        d.set_item("TICID", m.tic)?;
        d.set_item("SECTOR", m.sector)?;
        d.set_item("CAMERA", m.camera)?;
        d.set_item("CCD", m.ccd)?;
        d.set_item("TESSMAG", m.tmag)?;
        d.set_item("TEFF", m.teff)?;
        d.set_item("LOGG", m.logg)?;
        d.set_item("RADIUS", m.radius)?;
        d.set_item("RA_OBJ", m.ra)?;
        d.set_item("DEC_OBJ", m.dec)?;
        d.set_item("PRODUCT", m.product.name())?;
        d.set_item("CADENCE_S", m.cadence_s)?;
        d.set_item("FILE", &m.file)?;
        d.set_item("PATH", m.path.as_ref().map(|p| p.display().to_string()))?;
        d.set_item("FLUX_COLUMN", &self.flux_column)?;
        if let Some(r) = &self.report {
            d.set_item("QUALITY_MASK", r.mask.to_string())?;
            d.set_item("ROWS", r.rows)?;
            d.set_item("DROPPED_QUALITY", r.quality)?;
            d.set_item("DROPPED_NONFINITE_TIME", r.nonfinite_time)?;
            d.set_item("DROPPED_NONFINITE_FLUX", r.nonfinite_flux)?;
        }
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.inner.time.len()
    }

    fn __repr__(&self) -> String {
        let m = &self.inner.meta;
        format!(
            "<calnet.LightCurve {} TIC {} sector {} {:.0} s, {} rows of {}>",
            m.product.name(),
            m.tic.map_or("unknown".to_owned(), |t| t.to_string()),
            m.sector.map_or("?".to_owned(), |s| s.to_string()),
            m.cadence_s,
            self.inner.time.len(),
            self.flux_column,
        )
    }
}

/// `read_lightcurve`: the file, cut by `quality`.
#[pyfunction]
fn read(py: Python<'_>, path: PathBuf, quality: &str, flux: &str) -> PyResult<LightCurve> {
    let mask = parse_quality(quality)?;
    let column = match flux.trim().to_ascii_lowercase().as_str() {
        "auto" | "" => None,
        _ => Some(
            flux.parse::<FluxColumn>()
                .map_err(|e| PyValueError::new_err(format!("flux: {e}")))?,
        ),
    };
    let mut opts = tess_io::ReadOptions::new();
    if let Some(c) = column.clone() {
        opts = opts.flux_column(c);
    }
    let result = py.detach(|| opts.read(&path));
    let lc = result.map_err(|e| light_curve_error(py, &path.display().to_string(), &e.reason()))?;
    let flux_column = column
        .unwrap_or_else(|| FluxColumn::default_for(lc.meta.product))
        .name()
        .to_owned();
    let (kept, report) = lc.apply_quality(mask);
    Ok(LightCurve {
        inner: kept,
        flux_column,
        report: Some(report),
    })
}

/// A light curve from arrays (a lightkurve object, or the user's own).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn from_arrays(
    time: PyReadonlyArray1<'_, f64>,
    flux: PyReadonlyArray1<'_, f32>,
    flux_err: PyReadonlyArray1<'_, f32>,
    quality: PyReadonlyArray1<'_, i32>,
    tic: Option<u64>,
    sector: Option<u32>,
    name: String,
) -> PyResult<LightCurve> {
    let time = time.as_slice()?.to_vec();
    let n = time.len();
    let flux = flux.as_slice()?.to_vec();
    let flux_err = flux_err.as_slice()?.to_vec();
    let quality = quality.as_slice()?.to_vec();
    for (what, len) in [
        ("flux", flux.len()),
        ("flux_err", flux_err.len()),
        ("quality", quality.len()),
    ] {
        if len != n {
            return Err(PyValueError::new_err(format!(
                "{what} has {len} values, time has {n}"
            )));
        }
    }
    let cadence_s = tess_io::median_cadence_s(&time).unwrap_or(f64::NAN);
    let meta = tess_io::Metadata {
        tic,
        sector,
        camera: None,
        ccd: None,
        tmag: None,
        teff: None,
        logg: None,
        radius: None,
        ra: None,
        dec: None,
        product: tess_io::Product::Lightkurve,
        cadence_s,
        file: name,
        path: None,
    };
    Ok(LightCurve {
        inner: tess_io::LightCurve {
            cadenceno: (0..n as i32).collect(),
            time,
            flux,
            flux_err,
            quality,
            meta,
        },
        flux_column: "flux".to_owned(),
        report: None,
    })
}

fn parse_normalization(s: &str) -> PyResult<gls::Normalization> {
    use gls::Normalization as N;
    Ok(
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "standard" => N::Standard,
            "model" => N::Model,
            "log" => N::Log,
            "psd" => N::Psd,
            "hornebaliunas" | "horne" => N::HorneBaliunas,
            "cumming" => N::Cumming,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "normalization {s:?}: expected standard, model, log, psd, \
                     horne-baliunas or cumming"
                )))
            }
        },
    )
}

fn parse_method(s: &str) -> PyResult<gls::Method> {
    use gls::Method as M;
    Ok(match s.trim().to_ascii_lowercase().as_str() {
        "auto" => M::Auto,
        "fast" => M::Fast,
        "direct" => M::Direct,
        "recurrence" => M::Recurrence,
        "naive" => M::Naive,
        _ => {
            return Err(PyValueError::new_err(format!(
                "method {s:?}: expected auto, fast, direct, recurrence or naive"
            )))
        }
    })
}

/// The grid for an array of frequencies: a regular grid when the values are exactly
/// `f0 + k * df` (numpy's `linspace` and `arange` arithmetic), so the fast kernel can use it.
fn grid_for(frequency: Vec<f64>) -> Result<gls::FrequencyGrid, gls::GlsError> {
    let n = frequency.len();
    if n >= 2 {
        let (f0, f1) = (frequency[0], frequency[n - 1]);
        let df = (f1 - f0) / (n - 1) as f64;
        let regular = df > 0.0
            && frequency
                .iter()
                .enumerate()
                .all(|(k, &f)| k == n - 1 || f == f0 + k as f64 * df);
        if regular {
            let grid = gls::FrequencyGrid::regular(f0, f1, n)?;
            if grid.frequencies() == frequency.as_slice() {
                return Ok(grid);
            }
        }
    }
    gls::FrequencyGrid::from_frequencies(frequency)
}

/// `gls`: power at each frequency (cycles per day); the GIL is released while it runs.
#[pyfunction]
#[pyo3(signature = (t, y, dy, frequency, normalization, method))]
fn periodogram<'py>(
    py: Python<'py>,
    t: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    dy: Option<PyReadonlyArray1<'py, f64>>,
    frequency: Option<PyReadonlyArray1<'py, f64>>,
    normalization: &str,
    method: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let normalization = parse_normalization(normalization)?;
    let method = parse_method(method)?;
    let (t, y) = (t.as_slice()?, y.as_slice()?);
    let dy = dy.as_ref().map(|d| d.as_slice()).transpose()?;
    let frequency = frequency
        .map(|f| f.as_slice().map(<[f64]>::to_vec))
        .transpose()?;
    let power = py.detach(|| -> Result<Vec<f64>, gls::GlsError> {
        let grid = match frequency {
            None => gls::FrequencyGrid::calnet(),
            Some(f) => grid_for(f)?,
        };
        let mut p = gls::Periodogram::new(t, y)?
            .normalization(normalization)
            .method(method);
        if let Some(dy) = dy {
            p = p.weights(dy);
        }
        Ok(p.compute(&grid)?.power)
    });
    let power = power.map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(power.into_pyarray(py))
}

/// CALNet's 1000 frequencies, cycles per day (periods 0.0028 to 10 days).
#[pyfunction]
fn calnet_frequencies(py: Python<'_>) -> Bound<'_, PyArray1<f64>> {
    gls::FrequencyGrid::calnet()
        .frequencies()
        .to_vec()
        .into_pyarray(py)
}

/// The model inputs of one segment of a light curve.
#[pyclass(module = "calnet", name = "Segment", frozen)]
struct Segment {
    inner: lc_prep::Segment,
}

#[pymethods]
impl Segment {
    /// Light-curve branch input: 4000 values in [0, 1] (float32).
    #[getter]
    fn lc<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        self.inner.lc.clone().into_pyarray(py)
    }

    /// Periodogram branch input: 1000 values in [0, 1] on CALNet's grid (float32).
    #[getter]
    fn gls<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        self.inner.gls.clone().into_pyarray(py)
    }

    /// First time of the segment, BTJD.
    #[getter]
    fn t_start(&self) -> f64 {
        self.inner.t_start
    }

    /// Last time of the segment, BTJD.
    #[getter]
    fn t_end(&self) -> f64 {
        self.inner.t_end
    }

    /// Points in the segment after the quality cut.
    #[getter]
    fn n_points(&self) -> usize {
        self.inner.n_points
    }

    /// Position among all segments of the light curve (skipped ones included), from 0.
    #[getter]
    fn index(&self) -> usize {
        self.inner.index
    }

    fn __repr__(&self) -> String {
        format!(
            "<calnet.Segment {} BTJD {:.4} to {:.4}, {} points>",
            self.inner.index, self.inner.t_start, self.inner.t_end, self.inner.n_points
        )
    }
}

/// `features`: the kept segments of a light curve, exactly as `calnet features` makes them.
/// The config: `record` (a weights file's `features.*` metadata) when it holds one, checked
/// against `mode` and `quality` (a contradiction is a ValueError naming both); otherwise the
/// preset `config` (`reference` or `ffi`) with `mode` and `quality` applied.
#[pyfunction]
#[pyo3(signature = (lc, mode=None, quality=None, config="reference", record=None))]
fn features(
    py: Python<'_>,
    lc: &LightCurve,
    mode: Option<&str>,
    quality: Option<&str>,
    config: &str,
    record: Option<std::collections::BTreeMap<String, String>>,
) -> PyResult<Vec<Segment>> {
    let value_error = |e: lc_prep::Error| PyValueError::new_err(e.to_string());
    let choice = FeatureChoice {
        mode: mode.map(parse_mode).transpose()?,
        quality: quality.map(parse_quality).transpose()?,
        ..Default::default()
    };
    let recorded = FeatureConfig::from_record(&record.unwrap_or_default()).map_err(value_error)?;
    let config = match (recorded, config.trim().to_ascii_lowercase().as_str()) {
        (Some(recorded), _) => choice.resolve(Some(&recorded)).map_err(value_error)?,
        (None, "reference") => choice.apply(FeatureConfig::reference()),
        (None, "ffi") => choice.apply(FeatureConfig::ffi()),
        (None, other) => {
            return Err(PyValueError::new_err(format!(
                "config {other:?}: expected reference or ffi"
            )))
        }
    };
    let extractor =
        FeatureExtractor::new(config).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let result = py.detach(|| extractor.extract(&lc.inner));
    let features = result.map_err(|e| {
        let name = lc
            .inner
            .meta
            .path
            .as_ref()
            .map_or_else(|| lc.inner.meta.file.clone(), |p| p.display().to_string());
        light_curve_error(py, &name, &e.to_string())
    })?;
    Ok(features
        .segments
        .into_iter()
        .map(|inner| Segment { inner })
        .collect())
}

/// CALNet with its weights, on the native CPU engine.
#[pyclass(module = "calnet", name = "Classifier", frozen)]
struct Classifier {
    inner: calnet_model::Classifier,
    path: String,
}

#[pymethods]
impl Classifier {
    #[new]
    fn new(py: Python<'_>, weights: PathBuf) -> PyResult<Self> {
        let options = calnet_model::ClassifierOptions {
            device: calnet_model::DeviceSpec::Cpu,
            ..Default::default()
        };
        let inner = py
            .detach(|| calnet_model::Classifier::load(&weights, options))
            .map_err(|e| PyValueError::new_err(format!("{}: {e}", weights.display())))?;
        Ok(Classifier {
            inner,
            path: weights.display().to_string(),
        })
    }

    /// p(EB) of each row of `lc` (n, 4000) and `gls` (n, 1000), as float32 (other dtypes
    /// are converted).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        lc: PyArrayLike2<'py, f32, AllowTypeChange>,
        gls: PyArrayLike2<'py, f32, AllowTypeChange>,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let (lc, gls) = (lc.as_array(), gls.as_array());
        let (lc_shape, gls_shape) = (lc.shape().to_vec(), gls.shape().to_vec());
        if lc_shape[1] != calnet_model::LC_LEN
            || gls_shape[1] != calnet_model::GLS_LEN
            || lc_shape[0] != gls_shape[0]
        {
            return Err(PyValueError::new_err(format!(
                "lc has shape {lc_shape:?} and gls {gls_shape:?}: expected (n, {}) and (n, {})",
                calnet_model::LC_LEN,
                calnet_model::GLS_LEN
            )));
        }
        if lc_shape[0] == 0 {
            return Ok(Vec::<f32>::new().into_pyarray(py));
        }
        // Rows in logical order whatever the strides.
        let lc: Vec<f32> = lc.iter().copied().collect();
        let gls: Vec<f32> = gls.iter().copied().collect();
        let p = py
            .detach(|| self.inner.predict(&lc, &gls))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(p.into_pyarray(py))
    }

    /// The feature config the weights were trained on, as their file records it: the
    /// `features.*` entries of the safetensors metadata (`features.mode`,
    /// `features.segments`, ...), an empty dict for weights without a record (the published
    /// .pth: the reference config).
    #[getter]
    fn feature_record(&self) -> std::collections::BTreeMap<String, String> {
        self.inner
            .metadata()
            .iter()
            .filter(|(k, _)| k.starts_with(lc_prep::config::RECORD_PREFIX))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("<calnet.Classifier {} (native CPU engine)>", self.path)
    }
}

#[pymodule]
fn _calnet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LightCurve>()?;
    m.add_class::<Segment>()?;
    m.add_class::<Classifier>()?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(from_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(periodogram, m)?)?;
    m.add_function(wrap_pyfunction!(calnet_frequencies, m)?)?;
    m.add_function(wrap_pyfunction!(features, m)?)?;
    // The columns of `calnet classify`'s segments.csv, from the one place that defines them.
    m.add(
        "SEGMENT_COLUMNS",
        pyo3::types::PyTuple::new(m.py(), lc_prep::output::SEGMENT_COLUMNS)?,
    )?;
    Ok(())
}
