"""calnet.features against the `calnet features` command of the same checkout, bit for bit."""
import csv
import subprocess

import numpy as np
import pytest

import calnet
from conftest import CM_DRA, CW_ERI, HLSP, LC


def cli_features(calnet_bin, path, out, mode="reference"):
    subprocess.run(
        [calnet_bin, "features", str(path), "--out", str(out), "--format", "npy",
         "--mode", mode, "--threads", "1"],
        check=True, capture_output=True,
    )
    with open(out / "segments.csv") as f:
        rows = list(csv.DictReader(f))
    return np.load(out / "lc.npy"), np.load(out / "gls.npy"), rows


@pytest.mark.parametrize("path", [CW_ERI, CM_DRA, HLSP / "lightkurve-tic98853987-s0004-orbit1_lc.fits"])
def test_features_equal_the_cli_bit_for_bit(calnet_bin, tmp_path, path):
    lc_rows, gls_rows, rows = cli_features(calnet_bin, path, tmp_path)
    segments = calnet.features(path)
    assert len(segments) == len(rows) == lc_rows.shape[0] >= 1
    for seg, lc, gls, row in zip(segments, lc_rows, gls_rows, rows):
        assert seg.lc.dtype == np.float32 and seg.lc.shape == (4000,)
        assert seg.gls.dtype == np.float32 and seg.gls.shape == (1000,)
        np.testing.assert_array_equal(seg.lc.view(np.uint32), lc.view(np.uint32))
        np.testing.assert_array_equal(seg.gls.view(np.uint32), gls.view(np.uint32))
        assert seg.index == int(row["segment"])
        assert seg.n_points == int(row["n_points"])
        assert repr(seg.t_start) == row["t_start"] and repr(seg.t_end) == row["t_end"]


def test_robust_mode_equals_the_cli(calnet_bin, tmp_path):
    lc_rows, gls_rows, _ = cli_features(calnet_bin, CM_DRA, tmp_path, mode="robust")
    segments = calnet.features(CM_DRA, mode="robust")
    np.testing.assert_array_equal(np.stack([s.lc for s in segments]), lc_rows)
    np.testing.assert_array_equal(np.stack([s.gls for s in segments]), gls_rows)


def test_a_read_light_curve_and_a_path_give_the_same_segments():
    by_path = calnet.features(CW_ERI)
    by_lc = calnet.features(calnet.read_lightcurve(CW_ERI))
    by_unmasked = calnet.features(calnet.read_lightcurve(CW_ERI, quality="none"))
    for a, b, c in zip(by_path, by_lc, by_unmasked):
        np.testing.assert_array_equal(a.lc, b.lc)
        np.testing.assert_array_equal(a.gls, c.gls)
    assert len(by_path) == len(by_lc) == len(by_unmasked) == 2


class Quantity:
    """The part of astropy's Quantity/Time a lightkurve LightCurve exposes."""

    def __init__(self, value, format=None):
        self.value = value
        if format:
            self.format = format


class LightkurveLike:
    """Duck typing: what calnet needs from a lightkurve LightCurve, nothing imported."""

    def __init__(self, lc):
        self.time = Quantity(lc.time, "btjd")
        self.flux = Quantity(lc.flux)
        self.flux_err = Quantity(lc.flux_err)
        self.quality = Quantity(lc.quality)
        self.meta = {"TICID": lc.tic, "SECTOR": lc.sector, "LABEL": f"TIC {lc.tic}"}


def test_lightkurve_like_objects_go_where_a_path_goes():
    lc = calnet.read_lightcurve(CW_ERI)
    segments = calnet.features(LightkurveLike(lc))
    for a, b in zip(segments, calnet.features(CW_ERI)):
        np.testing.assert_array_equal(a.lc, b.lc)
        np.testing.assert_array_equal(a.gls, b.gls)
    obj = LightkurveLike(lc)
    obj.time = Quantity(lc.time, "bkjd")
    with pytest.raises(calnet.LightCurveError, match="bkjd"):
        calnet.features(obj)


def test_the_ffi_config_equals_the_cli_on_a_real_30_minute_file(calnet_bin, tmp_path):
    path = LC / "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"
    subprocess.run(
        [calnet_bin, "features", str(path), "--out", str(tmp_path), "--format", "npy",
         "--feature-config", "ffi", "--threads", "1"],
        check=True, capture_output=True,
    )
    lc_rows, gls_rows = np.load(tmp_path / "lc.npy"), np.load(tmp_path / "gls.npy")
    segments = calnet.features(path, config="ffi")
    assert len(segments) == lc_rows.shape[0] == 2
    for seg, lc, gls in zip(segments, lc_rows, gls_rows):
        assert np.array_equal(seg.lc, lc) and np.array_equal(seg.gls, gls)
    # The reference config keeps no 30-minute orbit (2,000 points are 42 days at 30 minutes).
    assert calnet.features(path) == []
    with pytest.raises(ValueError, match="config"):
        calnet.features(path, config="tess")
