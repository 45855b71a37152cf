#!/usr/bin/env python3
"""Golden data for the `gls` crate's cross-checks against astropy and the CALNet reference.

Writes fixtures/golden/gls/*.json. Rerun with the project's venv:
    .venv/bin/python scripts/golden/gls_golden.py
Every expected number comes from astropy's LombScargle (method='cython', the exact direct
sums) or from the reference's numpy loop (the original CALNet, github.com/wangleon/CALNet), never by hand.
"""
import json
import os

import numpy as np
from astropy.io import fits
from astropy.timeseries import LombScargle
from astropy.timeseries.periodograms.lombscargle import _statistics

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "fixtures", "golden", "gls")


def calnet_periods():
    return np.logspace(-3, 1, 1125)[125:]


def reference_gls(t, y, periods):
    """The CALNet reference's loop (generalized Lomb-Scargle, equal weights, (N-1)/2 factor)."""
    n = len(t)
    w = np.ones(n) / n
    out = np.empty(len(periods))
    Y = np.sum(w * y)
    YY = np.sum(w * y * y) - Y * Y
    for k, P in enumerate(periods):
        om = 2 * np.pi / P
        c = np.cos(om * t)
        s = np.sin(om * t)
        C = np.sum(w * c)
        S = np.sum(w * s)
        YC = np.sum(w * y * c) - Y * C
        YS = np.sum(w * y * s) - Y * S
        CC = np.sum(w * c * c) - C * C
        SS = np.sum(w * s * s) - S * S
        CS = np.sum(w * c * s) - C * S
        D = CC * SS - CS * CS
        out[k] = (SS * YC**2 + CC * YS**2 - 2 * CS * YC * YS) / (YY * D)
    return out * (n - 1) / 2


def minmax(p):
    return (p - p.min()) / (p.max() - p.min())


def astropy_case(name, t, y, dy, freq, faps=True):
    case = {"name": name, "t": list(t), "y": list(y), "dy": None if dy is None else list(dy),
            "frequency": list(freq), "power": {}}
    for norm in ["standard", "model", "log", "psd"]:
        ls = LombScargle(t, y, dy, fit_mean=True, center_data=True, normalization=norm)
        case["power"][norm] = list(ls.power(freq, method="cython"))
    if faps:
        # astropy's formulas for f_max = the grid's highest frequency exactly (its
        # LombScargle.false_alarm_probability rounds f_max to its own autofrequency grid).
        z = np.array([0.01, 0.05, 0.1, 0.3])
        fmax = float(np.max(freq))
        case["fap"] = {"z": list(z)}
        for method in ["baluev", "davies", "naive"]:
            case["fap"][method] = list(_statistics.false_alarm_probability(
                z, fmax, t - t.min(), y, dy, normalization="standard", method=method))
    return case


def finite_or_none(obj):
    """JSON has no NaN/inf: non-finite numbers (astropy's 0/0 at N = 3) become null."""
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite_or_none(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return float(obj) if np.isfinite(obj) else None
    return obj


def write(name, obj):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(finite_or_none(obj), f, allow_nan=False)
    print(path, os.path.getsize(path), "bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20251125)
    cases = []
    # Random irregular data with uncertainties, on a log-period grid.
    t = np.sort(1500 + 27 * rng.random(300))
    y = 3 + np.sin(2 * np.pi * t / 2.3) + rng.normal(0, 0.8, t.size)
    dy = 0.5 + rng.random(t.size)
    cases.append(astropy_case("random_weighted", t, y, dy, 1 / np.logspace(-2, 1.5, 400)))
    # The same without uncertainties, on a regular grid.
    cases.append(astropy_case("random_unweighted", t, y, None, np.linspace(0.01, 20, 500)))
    # Times near BTJD 3000 with a 13-day span, 2-minute cadence with a gap, CALNet's grid.
    t = 3000 + np.arange(0, 13 * 720) / 720.0
    t = t[(t < 3006) | (t > 3007)]
    y = 1e4 * (1 + 0.003 * np.cos(2 * np.pi * t / 0.71)) + rng.normal(0, 3, t.size)
    t, y = t[::4], y[::4]
    cases.append(astropy_case("btjd3000_13d", t, y, None, 1 / calnet_periods()))
    # N = 3 and duplicate times.
    cases.append(astropy_case("n3", np.array([0.1, 0.7, 2.2]), np.array([1.0, -0.5, 0.3]),
                              None, np.linspace(0.05, 3, 50), faps=False))
    t = np.repeat(np.sort(10 * rng.random(40)), 2)
    y = np.sin(t) + rng.normal(0, 0.3, t.size)
    cases.append(astropy_case("duplicate_times", t, y, None, np.linspace(0.01, 2, 100)))
    # A single frequency.
    cases.append(astropy_case("single_frequency", t, y, None, np.array([0.159])))
    # Near the Nyquist frequency of regular 2-minute data (360 c/d), the exact one excluded
    # (there sin wt vanishes on every sample and astropy divides 0 by 0).
    t = 2000 + np.arange(2000) / 720.0
    y = np.cos(2 * np.pi * 359.0 * t) + rng.normal(0, 1, t.size)
    cases.append(astropy_case("near_nyquist", t, y, None,
                              np.array([355.0, 358.0, 359.0, 359.5, 359.9, 359.99])))
    write("astropy_cases", cases)

    # A real segment (CW Eri, sector 31): the reference's preprocessing up to the periodogram.
    path = os.path.join(ROOT, "fixtures", "lc",
                        "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits")
    d = fits.getdata(path, "LIGHTCURVE")
    t = np.asarray(d["TIME"], dtype=np.float64)
    f = np.asarray(d["PDCSAP_FLUX"])
    q = np.asarray(d["QUALITY"])
    keep = (q == 0) & np.isfinite(f) & np.isfinite(t)
    t, f = t[keep], f[keep]
    cut = np.where(np.diff(t) > 0.75)[0]
    t, f = t[: cut[0] + 1], f[: cut[0] + 1]
    p99 = np.percentile(f, 99)
    keep = f < p99
    t, f = t[keep], f[keep].astype(np.float64)
    periods = calnet_periods()
    ref = reference_gls(t, f, periods)
    write("cw_eri_s31_seg0", {"name": "CW Eri s31 segment 0", "t": list(t), "y": list(f),
                              "period": list(periods), "reference_minmax": list(minmax(ref))})


if __name__ == "__main__":
    main()
