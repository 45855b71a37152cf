"""calnet.read_lightcurve on real files, the community layouts, lightkurve's to_fits() layout
written here by astropy, lightkurve objects, and bad files."""
import shutil

import numpy as np
import pytest
from astropy.io import fits

import calnet
from conftest import CW_ERI, HLSP, LC


def test_spoc_file_equals_astropy_after_the_reference_mask():
    lc = calnet.read_lightcurve(CW_ERI)
    with fits.open(CW_ERI) as hdul:
        d = hdul["LIGHTCURVE"].data
        ok = (d["QUALITY"] == 0) & np.isfinite(d["TIME"]) & np.isfinite(d["PDCSAP_FLUX"])
        np.testing.assert_array_equal(lc.time, d["TIME"][ok])
        np.testing.assert_array_equal(lc.flux, d["PDCSAP_FLUX"][ok])
        np.testing.assert_array_equal(lc.flux_err, d["PDCSAP_FLUX_ERR"][ok])
        np.testing.assert_array_equal(lc.quality, d["QUALITY"][ok])
    assert (lc.tic, lc.sector, lc.cadence_s, lc.product) == (98853987, 4, 120.0, "SPOC")
    assert lc.time.dtype == np.float64 and lc.flux.dtype == np.float32
    assert lc.quality.dtype == np.int32 and len(lc) == ok.sum()
    m = lc.meta
    assert m["TICID"] == 98853987 and m["FLUX_COLUMN"] == "PDCSAP_FLUX"
    assert m["ROWS"] == len(d) and m["QUALITY_MASK"] == "reference"
    assert m["ROWS"] - len(lc) == (
        m["DROPPED_QUALITY"] + m["DROPPED_NONFINITE_TIME"] + m["DROPPED_NONFINITE_FLUX"]
    )


def test_quality_and_flux_options():
    none = calnet.read_lightcurve(CW_ERI, quality="none")
    ref = calnet.read_lightcurve(CW_ERI)
    default = calnet.read_lightcurve(CW_ERI, quality="default")
    assert len(ref) < len(default) <= len(none)
    sap = calnet.read_lightcurve(CW_ERI, flux="sap")
    assert sap.meta["FLUX_COLUMN"] == "SAP_FLUX"
    assert not np.array_equal(sap.flux, ref.flux)
    with pytest.raises(ValueError):
        calnet.read_lightcurve(CW_ERI, quality="sometimes")


@pytest.mark.parametrize("name,product,column", [
    ("hlsp_gsfc-eleanor-lite_tess_ffi_s0004-0000000098853987_tess_v1.0_lc.fits", "eleanor",
     "CORR_FLUX"),
    ("hlsp_tglc_tess_ffi_gaiaid-unknown-s0004-cam2-ccd4_tess_v1_llc.fits", "TGLC",
     "cal_psf_flux"),
    ("hlsp_tasoc_tess_ffi_tic00098853987-s0004-cam2-ccd4-c1800_tess_v05_cbv-lc.fits", "TASOC",
     "FLUX_CORR"),
    ("lightkurve-tic98853987-s0004-orbit1_lc.fits", "lightkurve", "FLUX"),
])
def test_community_products(name, product, column):
    lc = calnet.read_lightcurve(HLSP / name)
    assert (lc.product, lc.tic, lc.sector) == (product, 98853987, 4)
    assert lc.meta["FLUX_COLUMN"] == column


def write_lightkurve_layout(path, object_value, targetid, n=3000):
    """A file exactly as lightkurve's TessLightCurve.to_fits() lays it out (lightkurve 2.x):
    template primary header, ORIGIN/CREATOR/PROCVER, OBJECT = str(targetid), TARGETID, no
    TICID; LIGHTCURVE with TIME (D, unit btjd), FLUX, FLUX_ERR (E), CADENCENO, QUALITY (J);
    no TIMEDEL, no BJDREFI. The data: a detached-EB-like signal at 2-minute cadence."""
    rng = np.random.default_rng(3)
    t = 2000.0 + np.arange(n) * (120.0 / 86400.0)
    phase = (t / 1.7) % 1.0
    flux = 1000.0 * (1 - 0.3 * np.exp(-0.5 * ((phase - 0.5) / 0.01) ** 2)) + rng.normal(0, 2, n)
    h = fits.Header()
    for k, v in [("NEXTEND", 2), ("EXTNAME", "PRIMARY"), ("EXTVER", 1),
                 ("ORIGIN", "Unofficial data product"), ("DATE", "2026-12-06"),
                 ("CREATOR", "lightkurve.LightCurve.to_fits()"), ("TELESCOP", "TESS"),
                 ("INSTRUME", None), ("OBJECT", object_value), ("RADESYS", "ICRS"),
                 ("RA_OBJ", 150.0), ("DEC_OBJ", -30.0), ("EQUINOX", 2000.0),
                 ("PROCVER", "2.6.0"), ("MISSION", "TESS"), ("CAMERA", 1), ("CCD", 2),
                 ("SECTOR", 30), ("TARGETID", targetid)]:
        h[k] = v
    table = fits.BinTableHDU.from_columns([
        fits.Column(name="TIME", format="D", unit="btjd", array=t),
        fits.Column(name="FLUX", format="E", unit="electron / s", array=flux),
        fits.Column(name="FLUX_ERR", format="E", unit="electron / s", array=np.full(n, 2.0)),
        fits.Column(name="CADENCENO", format="J", array=np.arange(n) + 100),
        fits.Column(name="QUALITY", format="J", array=np.zeros(n, np.int32)),
    ])
    table.header["EXTNAME"] = "LIGHTCURVE"
    fits.HDUList([fits.PrimaryHDU(header=h), table]).writeto(path)
    return t, flux


@pytest.mark.parametrize("object_value,targetid,tic", [
    ("123456789", 123456789, 123456789),   # what lightkurve writes for a TESS target
    ("TIC 123456789", None, 123456789),
    ("TIC-123456789", None, 123456789),
    ("None", None, None),                  # str(None): no target id at all
])
def test_lightkurve_layout_written_by_astropy(tmp_path, object_value, targetid, tic):
    path = tmp_path / "lk.fits"
    t, flux = write_lightkurve_layout(path, object_value, targetid)
    lc = calnet.read_lightcurve(path)
    assert (lc.product, lc.tic, lc.sector, lc.cadence_s) == ("lightkurve", tic, 30, 120.0)
    np.testing.assert_array_equal(lc.time, t)
    np.testing.assert_array_equal(lc.flux, flux.astype(np.float32))
    # No target id: features all the same.
    segments = calnet.features(path)
    assert len(segments) == 1 and segments[0].n_points == len(t)


def test_lightkurve_itself_when_installed(tmp_path):
    lk = pytest.importorskip("lightkurve")
    lkc = lk.read(str(CW_ERI))  # lightkurve's default quality bitmask
    path = tmp_path / "to_fits.fits"
    lkc.to_fits(str(path))
    lc = calnet.read_lightcurve(path, quality="none")
    assert (lc.product, lc.tic, lc.sector) == ("lightkurve", 98853987, 4)
    finite = np.isfinite(lkc.time.value) & np.isfinite(lkc.flux.value.filled(np.nan))
    np.testing.assert_array_equal(lc.time, lkc.time.value[finite])
    # The object itself goes where a path goes (duck typing), with the same result.
    from_object = calnet.features(lkc)
    from_file = calnet.features(path)
    assert len(from_object) == len(from_file) >= 1
    for a, b in zip(from_object, from_file):
        np.testing.assert_array_equal(a.lc, b.lc)
        np.testing.assert_array_equal(a.gls, b.gls)


def test_bad_files_raise_light_curve_error(tmp_path):
    with pytest.raises(calnet.LightCurveError) as e:
        calnet.read_lightcurve(tmp_path / "missing.fits")
    assert isinstance(e.value, ValueError)
    assert e.value.path.endswith("missing.fits") and e.value.reason == "no such file"

    text = tmp_path / "notes.fits"
    text.write_text("hello")
    with pytest.raises(calnet.LightCurveError, match="not a FITS file"):
        calnet.read_lightcurve(text)

    cut = tmp_path / "cut.fits"
    cut.write_bytes(CW_ERI.read_bytes()[:100_000])
    with pytest.raises(calnet.LightCurveError, match="truncated") as e:
        calnet.read_lightcurve(cut)
    assert e.value.path == str(cut)

    kepler = tmp_path / "kepler.fits"
    shutil.copy(CW_ERI, kepler)
    with fits.open(kepler, mode="update") as hdul:
        hdul[0].header["TELESCOP"] = "Kepler"
    with pytest.raises(calnet.LightCurveError, match="not a TESS light curve"):
        calnet.read_lightcurve(kepler)
    with pytest.raises(calnet.LightCurveError, match="no column NO_SUCH"):
        calnet.read_lightcurve(LC / CW_ERI.name, flux="NO_SUCH")
    with pytest.raises(TypeError):
        calnet.features(42)
