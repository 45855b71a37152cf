"""calnet.gls against astropy's LombScargle (exact 'cython' method), random and real data."""
import numpy as np
import pytest
from astropy.io import fits
from astropy.timeseries import LombScargle

import calnet
from conftest import CW_ERI

NORMALIZATIONS = ["standard", "model", "log", "psd"]


def astropy_power(t, y, dy, f, normalization):
    return LombScargle(t, y, dy).power(f, normalization=normalization, method="cython")


def assert_close(got, want):
    # 1e-6 of the scale of the power (relative where the power is large, as in psd).
    scale = max(1.0, float(np.max(np.abs(want))))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weights", [False, True])
@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_random_data_equals_astropy(seed, weights, normalization):
    rng = np.random.default_rng(seed)
    n = 700
    t = np.sort(rng.uniform(1325.0, 1352.0, n))
    y = 3.0 + np.sin(2 * np.pi * t / 1.37) + rng.normal(0, 0.8, n)
    dy = rng.uniform(0.5, 1.5, n) if weights else None
    for f in (calnet.calnet_frequencies(), np.linspace(0.02, 30.0, 5000)):
        got = calnet.gls(t, y, dy, frequency=f, normalization=normalization)
        assert got.dtype == np.float64 and got.shape == f.shape
        assert_close(got, astropy_power(t, y, dy, f, normalization))


def test_default_grid_is_calnets():
    f = calnet.calnet_frequencies()
    assert f.shape == (1000,)
    periods = 1 / f
    assert np.isclose(periods.min(), np.logspace(-3, 1, 1125)[125], rtol=1e-12)
    assert np.isclose(periods.max(), 10.0, rtol=1e-12)
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0, 20, 300))
    y = rng.normal(size=300)
    # The same frequencies; the named grid may pick another exact kernel (round-off apart).
    np.testing.assert_allclose(calnet.gls(t, y), calnet.gls(t, y, frequency=f), rtol=1e-9)


def test_real_light_curve_equals_astropy():
    with fits.open(CW_ERI) as hdul:
        d = hdul["LIGHTCURVE"].data
        ok = (d["QUALITY"] == 0) & np.isfinite(d["TIME"]) & np.isfinite(d["PDCSAP_FLUX"])
        t = np.asarray(d["TIME"][ok], dtype=np.float64)
        y = np.asarray(d["PDCSAP_FLUX"][ok], dtype=np.float64)
        dy = np.asarray(d["PDCSAP_FLUX_ERR"][ok], dtype=np.float64)
    for f in (calnet.calnet_frequencies(), np.linspace(0.01, 50.0, 20000)):
        for normalization in NORMALIZATIONS:
            got = calnet.gls(t, y, dy, frequency=f, normalization=normalization)
            assert_close(got, astropy_power(t, y, dy, f, normalization))
    # CW Eri: the strongest peak is at half the 2.728-day orbit.
    p = calnet.gls(t, y, dy)
    assert abs(1 / calnet.calnet_frequencies()[np.argmax(p)] - 2.728 / 2) < 0.02


def test_every_method_agrees():
    rng = np.random.default_rng(11)
    t = np.sort(rng.uniform(0, 27, 400))
    y = np.sin(t * 4.1) + rng.normal(0, 0.3, 400)
    f = np.linspace(0.05, 10, 800)
    naive = calnet.gls(t, y, frequency=f, method="naive")
    for method in ("auto", "direct", "recurrence", "fast"):
        np.testing.assert_allclose(calnet.gls(t, y, frequency=f, method=method), naive,
                                   atol=1e-9)


def test_inputs_are_converted_and_checked():
    t = list(range(10))
    y = [0, 1, 0, 2, 1, 3, 0, 1, 2, 1]  # integers: converted to float64
    assert calnet.gls(t, y, frequency=[0.1, 0.2]).shape == (2,)
    with pytest.raises(ValueError):
        calnet.gls([0.0, 1.0], [1.0, 2.0])  # fewer than 3 points
    with pytest.raises(ValueError):
        calnet.gls([0.0, 1.0, np.nan], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        calnet.gls(t, y, dy=[1.0] * 9)  # length mismatch
    with pytest.raises(ValueError):
        calnet.gls(t, y, normalization="nope")
    with pytest.raises(ValueError):
        calnet.gls(t, y, method="nope")
