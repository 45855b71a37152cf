"""CALNet-rs for Python: find eclipsing binaries in TESS light curves.

Numpy arrays in and out; the work is done in Rust (tess-io, gls, lc-prep), without the GIL.

>>> import calnet
>>> lc = calnet.read_lightcurve("tess2018292075959-s0004-0000000098853987-0124-s_lc.fits")
>>> power = calnet.gls(lc.time, lc.flux, lc.flux_err)          # CALNet's 1000 periods
>>> segments = calnet.features(lc)                              # as `calnet features`

Wherever a path goes, a lightkurve ``LightCurve`` (anything with ``.time.value``,
``.flux.value`` and optionally ``.flux_err.value``, ``.quality``, ``.meta``) goes too, without
importing lightkurve.
"""
import os

import numpy as np

from . import _calnet
from ._calnet import Classifier, LightCurve, Segment
from ._errors import LightCurveError

__all__ = [
    "Classifier",
    "LightCurve",
    "LightCurveError",
    "Segment",
    "calnet_frequencies",
    "classify",
    "features",
    "gls",
    "read_lightcurve",
]

BTJD_ZERO = 2457000.0


def read_lightcurve(path, quality="reference", flux="auto"):
    """Read a TESS light-curve FITS file (``.fits`` or ``.fits.gz``).

    SPOC 2-min and 20-s, TESS-SPOC, QLP, early data-alert, eleanor, TGLC and TASOC light
    curves and files written by lightkurve's ``LightCurve.to_fits()`` are recognised from their
    headers (see docs/tess-io.md).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    quality : str or int
        Which cadences to drop: ``"reference"`` (``QUALITY != 0``, as CALNet), lightkurve's
        ``"default"``, ``"hard"``, ``"hardest"``, ``"none"``, or an integer bitmask. Rows with a
        NaN time or flux are always dropped.
    flux : str
        ``"auto"`` (the product's usual column: PDCSAP_FLUX, KSPSAP_FLUX for QLP, CORR_FLUX for
        eleanor, cal_psf_flux for TGLC, FLUX_CORR for TASOC, FLUX for lightkurve files),
        ``"pdcsap"``, ``"sap"``, ``"kspsap"`` or any column name.

    Returns
    -------
    LightCurve
        ``.time`` (BTJD, float64), ``.flux``, ``.flux_err`` (float32), ``.quality`` (int32),
        ``.tic`` (None when the file names no target), ``.sector``, ``.cadence_s``,
        ``.product`` and ``.meta`` (header values by keyword, and what the mask dropped).

    Raises
    ------
    LightCurveError
        The file is missing, not FITS, truncated, not a TESS light curve, or lacks a column;
        ``.path`` and ``.reason`` say which and why.
    """
    return _calnet.read(os.fspath(path), str(quality), str(flux))


def _value(x):
    """An astropy Quantity or Time's ``.value``, or the thing itself."""
    return getattr(x, "value", x)


def _tic_from_meta(meta):
    from_keys = ("TICID", "TIC_ID", "TARGETID", "OBJECT", "LABEL")
    for key in from_keys:
        v = meta.get(key) if hasattr(meta, "get") else None
        if v is None:
            continue
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            if v > 0:
                return int(v)
            continue
        s = str(v).strip()
        if s[:3].upper() == "TIC":
            s = s[3:].lstrip(" -_:")
        if s.isdigit() and int(s) > 0:
            return int(s)
    return None


def _from_object(obj):
    """A LightCurve from a lightkurve-like object (duck typing, no lightkurve import)."""
    time_attr = obj.time
    fmt = getattr(time_attr, "format", "btjd")
    time = np.ascontiguousarray(_value(time_attr), dtype=np.float64)
    if fmt in ("jd", "bjd"):
        time = time - BTJD_ZERO
    elif fmt not in ("btjd", None):
        raise LightCurveError(
            _name_of(obj), f"time format {fmt!r}: expected btjd (a TESS light curve)"
        )
    flux = np.ascontiguousarray(np.ma.filled(_value(obj.flux), np.nan), dtype=np.float32)
    err = getattr(obj, "flux_err", None)
    flux_err = (
        np.full(len(time), np.nan, dtype=np.float32)
        if err is None
        else np.ascontiguousarray(np.ma.filled(_value(err), np.nan), dtype=np.float32)
    )
    q = getattr(obj, "quality", None)
    quality = (
        np.zeros(len(time), dtype=np.int32)
        if q is None
        else np.ascontiguousarray(_value(q), dtype=np.int32)
    )
    meta = getattr(obj, "meta", None) or {}
    sector = meta.get("SECTOR") if hasattr(meta, "get") else None
    sector = int(sector) if isinstance(sector, (int, np.integer)) and sector >= 0 else None
    return _calnet.from_arrays(
        time, flux, flux_err, quality, _tic_from_meta(meta), sector, _name_of(obj)
    )


def _name_of(obj):
    meta = getattr(obj, "meta", None) or {}
    for key in ("FILENAME", "LABEL", "OBJECT"):
        v = meta.get(key) if hasattr(meta, "get") else None
        if v:
            return os.path.basename(str(v))
    return type(obj).__name__


def _as_lightcurve(x, quality="reference"):
    if isinstance(x, LightCurve):
        return x
    if isinstance(x, (str, bytes, os.PathLike)):
        return read_lightcurve(os.fsdecode(x), quality=quality)
    if hasattr(x, "time") and hasattr(x, "flux"):
        return _from_object(x)
    raise TypeError(
        f"expected a path, a calnet.LightCurve or a lightkurve-like object, not {type(x)!r}"
    )


def gls(t, y, dy=None, frequency=None, normalization="standard", method="auto"):
    """The generalized Lomb-Scargle periodogram (floating mean, optional weights).

    Equal to astropy's ``LombScargle(t, y, dy).power(frequency, normalization=...)`` (its
    defaults: ``fit_mean=True``, ``center_data=True``) within 1e-6, computed in Rust with the
    GIL released.

    Parameters
    ----------
    t, y : array_like
        Times (days) and values; finite, same length, at least 3 points.
    dy : array_like, optional
        Uncertainties of ``y`` (weights ``1/dy**2``), finite and positive.
    frequency : array_like, optional
        Frequencies in cycles per day. None: CALNet's 1000 periods
        (:func:`calnet_frequencies`). Exactly evenly spaced arrays (``np.linspace``) use the
        regular-grid fast kernel.
    normalization : str
        ``"standard"`` (fraction of variance explained, [0, 1]), ``"model"``, ``"log"``,
        ``"psd"`` (astropy's), or ``"horne-baliunas"``, ``"cumming"``.
    method : str
        ``"auto"``, ``"fast"`` (non-uniform FFT, relative tolerance 1e-10), ``"direct"``,
        ``"recurrence"`` or ``"naive"`` (exact sums).

    Returns
    -------
    numpy.ndarray
        float64 power, one value per frequency.
    """
    t = np.ascontiguousarray(_value(t), dtype=np.float64)
    y = np.ascontiguousarray(_value(y), dtype=np.float64)
    dy = None if dy is None else np.ascontiguousarray(_value(dy), dtype=np.float64)
    if frequency is not None:
        frequency = np.ascontiguousarray(_value(frequency), dtype=np.float64)
    return _calnet.periodogram(t, y, dy, frequency, normalization, method)


def calnet_frequencies():
    """CALNet's 1000 trial frequencies in cycles per day (periods ``logspace(-3, 1, 1125)[125:]``
    days, 0.0028 to 10 days), in the network's input order."""
    return _calnet.calnet_frequencies()


def features(path_or_lightcurve, mode=None, quality=None, config="reference"):
    """CALNet's inputs for every kept segment of a light curve, bit for bit as
    ``calnet features``.

    Parameters
    ----------
    path_or_lightcurve : str, os.PathLike, LightCurve or lightkurve-like object
        The light curve.
    mode : str, optional
        ``"reference"`` (the published CALNet's spline step) or ``"robust"``; default the
        config's.
    quality : str or int, optional
        The quality mask applied before segmenting (see :func:`read_lightcurve`; also
        ``"product"``, each product's own); default the config's.
    config : str
        ``"reference"`` (2-minute light curves, the default) or ``"ffi"`` (full-frame images
        at 1800, 600 and 200 s: segments by span and coverage, each product's quality mask,
        no periodogram aliases), as ``calnet features --feature-config``.

    Returns
    -------
    list of Segment
        ``.lc`` (float32[4000]), ``.gls`` (float32[1000]), ``.t_start``, ``.t_end`` (BTJD),
        ``.n_points``, ``.index``; segments too short for CALNet (< 2000 points with the
        reference config) are left out.
    """
    lc = _as_lightcurve(path_or_lightcurve, quality="none")
    return _calnet.features(lc, _opt(mode), _opt(quality), str(config))


def _opt(value):
    return None if value is None else str(value)


#: The columns of ``calnet classify``'s ``segments.csv``, in order (defined by the Rust library).
SEGMENT_COLUMNS = _calnet.SEGMENT_COLUMNS


def classify(paths, weights, threshold=0.5, mode=None, quality=None):
    """p(EB) of every segment of every light curve: the rows of ``calnet classify``'s
    ``segments.csv``.

    Parameters
    ----------
    paths : path, LightCurve, lightkurve-like object, or a list of them
        The light curves (a single one may be given alone).
    weights : str or os.PathLike, or Classifier
        CALNet weights (a PyTorch ``.pth`` state_dict or safetensors), or a loaded Classifier.
    threshold : float
        ``is_eb`` is 1 where ``p_eb > threshold``.
    mode, quality : str, optional
        As in :func:`features`. The feature config is the one the weights record
        (``Classifier.feature_record``; the reference config for weights without one, such as
        the published ``.pth``), as ``calnet classify`` applies it; a value that contradicts
        the record raises ValueError naming both.

    Returns
    -------
    pandas.DataFrame, or dict of numpy arrays without pandas
        Columns ``file, tic, sector, segment, t_start, t_end, n_points, p_eb, is_eb``, one row
        per kept segment, in input order then time. ``tic`` and ``sector`` are None where the
        file does not say.

    Raises
    ------
    LightCurveError
        A file cannot be read (the CLI goes on past bad files; here the caller decides).
    """
    if isinstance(paths, (str, bytes, os.PathLike, LightCurve)) or hasattr(paths, "flux"):
        paths = [paths]
    classifier = weights if isinstance(weights, Classifier) else Classifier(os.fspath(weights))
    cols = {name: [] for name in SEGMENT_COLUMNS}
    for item in paths:
        lc = _as_lightcurve(item, quality="none")
        segments = _calnet.features(
            lc, _opt(mode), _opt(quality), "reference", classifier.feature_record
        )
        if not segments:
            continue
        p = classifier.predict(
            np.stack([s.lc for s in segments]), np.stack([s.gls for s in segments])
        )
        name = os.fsdecode(item) if isinstance(item, (str, bytes, os.PathLike)) else _name_of(item)
        for s, p_eb in zip(segments, p):
            cols["file"].append(name)
            cols["tic"].append(lc.tic)
            cols["sector"].append(lc.sector)
            cols["segment"].append(s.index)
            cols["t_start"].append(s.t_start)
            cols["t_end"].append(s.t_end)
            cols["n_points"].append(s.n_points)
            cols["p_eb"].append(p_eb)
            cols["is_eb"].append(int(p_eb > threshold))
    table = {
        "file": np.array(cols["file"], dtype=object),
        "tic": np.array(cols["tic"], dtype=object),
        "sector": np.array(cols["sector"], dtype=object),
        "segment": np.array(cols["segment"], dtype=np.int64),
        "t_start": np.array(cols["t_start"], dtype=np.float64),
        "t_end": np.array(cols["t_end"], dtype=np.float64),
        "n_points": np.array(cols["n_points"], dtype=np.int64),
        "p_eb": np.array(cols["p_eb"], dtype=np.float32),
        "is_eb": np.array(cols["is_eb"], dtype=np.int8),
    }
    try:
        import pandas
    except ImportError:
        return table
    return pandas.DataFrame(table)
