#!/usr/bin/env python3
"""Golden data for lc-prep: the reference CALNet's input steps, written from the original CALNet
(github.com/wangleon/CALNet)
with numpy/scipy calls (scipy's InterpolatedUnivariateSpline is the FITPACK oracle).

Usage: scripts/golden/prep_golden.py OUT_DIR [--full] [--random N]

With --random N, writes only N random noise-dominated curves of 2,000 to 9,000 points (kind
`spline`, seed N), where the reference's round-off mask is most fragile; the lc-prep tests run
this at test time into a temporary folder.

Writes raw little-endian arrays, one file per array, named `<case>/<name>.<dtype>` with dtype
one of f64, f32, u32, u64, and `OUT_DIR/cases.txt` listing `kind case` per line:

- kind `spline`: a synthetic curve. Inputs `x.f64` (normalised time) and `f.f32` (flux); per
  round i (0, 1, 2) `knots{i}.f64`, `coeffs{i}.f64` (the n - 4 meaningful ones),
  `values{i}.f64` (s(x) at the round's points), `keep{i}.u32` (the mask as 0/1); then
  `nrounds.u32` (rounds that ran: fewer than 3 when a mask left < 4 points), and when
  all three ran `grid.f64` (the last spline at linspace(0, 1, 4000)).
- kind `segment`: a segment of a real fixture, through the whole reference pipeline. `meta.f64`
  = [segment index, n_points, t_start, t_end, p99, n_clipped]; per round `rejected{i}.u32` (the
  indices the mask drops) and `hash{i}.u64` = FNV-1a 64 of the little-endian bytes of
  [knots, coeffs, values]; `lc.f32`, `gls.f32`. With --full also the full arrays as for
  `spline` (for debugging a mismatch; large).
- kind `npy`: `a.f64` random arrays concatenated, `len.u32` their lengths, `stats.f64` =
  [sum, mean, std, median] per array; `p.f32` arrays for percentiles with `plen.u32` and
  `p99.f32` = np.percentile(a, 99) of each.
"""
import os
import sys

import numpy as np
from astropy.io import fits
from scipy.interpolate import InterpolatedUnivariateSpline

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
GAP = 0.75
MIN_POINTS = 2000
LC_LEN = 4000


# ---- the reference steps (the original CALNet) -----------------------------------------------

def read_lc(path):
    with fits.open(path) as hdul:
        d = hdul[1].data
        t = np.array(d["TIME"], dtype=np.float64)
        f = np.array(d["PDCSAP_FLUX"], dtype=np.float32)
        q = np.array(d["QUALITY"])
    keep = (q == 0) & np.isfinite(f) & np.isfinite(t)
    return t[keep], f[keep]


def split(t):
    cuts = np.nonzero(np.diff(t) > GAP)[0] + 1
    bounds = [0, *cuts.tolist(), len(t)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def clip(t, f):
    p99 = np.percentile(f, 99)
    keep = f < p99
    return t[keep], f[keep], p99


def robust_mask(y, cut=3):
    absdev = np.abs(y - np.median(y))
    sigma = 1.4826 * np.median(absdev)
    if sigma < 1.0e-24:
        sigma = 1.253 * np.mean(absdev)
    mask = absdev <= cut * sigma
    for _ in range(2):
        sigma = np.std(y[mask])
        sigma /= (-0.15405 + 0.90723 * cut - 0.23584 * cut**2 + 0.020142 * cut**3)
        mask = absdev <= cut * sigma
    return mask


def spline_step(x, f, rounds=3):
    """Returns the list of (spline, xs, values, mask) per round; fewer rounds if a mask left
    too few points for a cubic spline (scipy then raises)."""
    out = []
    mask = None
    for _ in range(rounds):
        if mask is not None:
            x, f = x[mask], f[mask]
        if len(x) < 4:
            break
        s = InterpolatedUnivariateSpline(x, f)
        values = s(x)
        mask = robust_mask(f - values)
        out.append((s, x, values, mask))
    return out


def lc_input(spline):
    grid = spline(np.linspace(0, 1, LC_LEN))
    lc = (grid - grid.min()) / (grid.max() - grid.min())
    return grid, lc.astype(np.float32)


def gls_input(t, f):
    periods = np.logspace(-3, 1, 1125)[125:]
    omega = 2 * np.pi / periods
    y = f.astype(np.float64)
    w = np.full(len(t), 1.0 / len(t))
    p = np.empty(len(omega))
    Y = np.sum(w * y)
    YY = np.sum(w * y * y) - Y * Y
    for a in range(0, len(omega), 50):
        wt = np.outer(omega[a:a + 50], t)
        c, s = np.cos(wt), np.sin(wt)
        C, S = c @ w, s @ w
        YC = c @ (w * y) - Y * C
        YS = s @ (w * y) - Y * S
        CC = (c * c) @ w - C * C
        SS = (s * s) @ w - S * S
        CS = (c * s) @ w - C * S
        D = CC * SS - CS * CS
        p[a:a + 50] = (SS * YC**2 + CC * YS**2 - 2 * CS * YC * YS) / (YY * D)
    p = (p - p.min()) / (p.max() - p.min())
    return p.astype(np.float32)


# ---- writing --------------------------------------------------------------------------------

def put(case_dir, name, arr, dtype):
    os.makedirs(case_dir, exist_ok=True)
    np.asarray(arr).astype("<" + dtype).tofile(os.path.join(case_dir, f"{name}.{short(dtype)}"))


def short(dtype):
    return {"f8": "f64", "f4": "f32", "u4": "u32", "u8": "u64"}[dtype]


def fnv1a(*arrays):
    h = 0xCBF29CE484222325
    for a in arrays:
        for b in np.ascontiguousarray(a, dtype="<f8").tobytes():
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def write_rounds(case_dir, rounds, full):
    for i, (s, x, values, mask) in enumerate(rounds):
        t, c, _ = s._eval_args
        c = c[: len(t) - 4]
        if full:
            put(case_dir, f"knots{i}", t, "f8")
            put(case_dir, f"coeffs{i}", c, "f8")
            put(case_dir, f"values{i}", values, "f8")
            put(case_dir, f"keep{i}", mask.astype(np.uint32), "u4")
        else:
            put(case_dir, f"rejected{i}", np.nonzero(~mask)[0], "u4")
            put(case_dir, f"hash{i}", [fnv1a(t, c, values)], "u8")


def synthetic_cases(rng):
    """Curves of many shapes: (name, x, f)."""
    cases = []
    for n, shape in [(4, "noise"), (5, "noise"), (30, "sine"), (100, "eclipse"),
                     (257, "flare"), (600, "noise"), (1000, "sine_noise"),
                     (700, "step"), (1000, "eclipse_noise"), (800, "quadratic"),
                     (300, "constant"), (1200, "spiky")]:
        t = np.sort(rng.uniform(0, 13.0, n)) if shape != "eclipse" else np.linspace(0, 13, n)
        t = np.unique(t)
        x = (t - t.min()) / (t.max() - t.min())
        base = 1000.0
        if shape == "noise":
            f = base + rng.normal(0, 3, len(t))
        elif shape == "sine":
            f = base + 50 * np.sin(2 * np.pi * t / 2.7)
        elif shape == "eclipse":
            f = base - 200 * (np.abs(((t / 1.3) % 1) - 0.5) < 0.03)
        elif shape == "flare":
            f = base + rng.normal(0, 1, len(t))
            f[len(t) // 3] += 300
        elif shape == "sine_noise":
            f = base + 20 * np.sin(2 * np.pi * t / 0.9) + rng.normal(0, 2, len(t))
        elif shape == "step":
            f = base + 10 * (t > 6.5) + rng.normal(0, 0.5, len(t))
        elif shape == "eclipse_noise":
            f = base - 80 * (np.abs(((t / 2.1) % 1) - 0.5) < 0.02) + rng.normal(0, 4, len(t))
        elif shape == "quadratic":
            f = base + 3 * (t - 6) ** 2
        elif shape == "constant":
            f = np.full(len(t), base)
            f[::7] += 1
        else:  # spiky
            f = base + rng.normal(0, 1, len(t))
            f[rng.integers(0, len(t), 25)] += rng.uniform(5, 500, 25)
        cases.append((f"{shape}_{n}", x, f.astype(np.float32)))
    return cases


SEGMENT_FILES = [
    "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits",
    "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits",
    "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits",
    "tess2018206045859-s0001-0000000038846515-0120-s_lc.fits",
    "tess2018206045859-s0001-0000000025155310-0120-s_lc.fits",
    "hlsp_tess-spoc_tess_phot_0000000038846515-s0061_tess_v1_lc.fits",
]


def main():
    out = sys.argv[1]
    full = "--full" in sys.argv
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20260425)
    lines = []
    if "--random" in sys.argv:
        count = int(sys.argv[sys.argv.index("--random") + 1])
        rng = np.random.default_rng(count)
        for k in range(count):
            n = int(rng.integers(2000, 9001))
            t = np.cumsum(rng.uniform(0.5, 1.5, n)) * (2 / 1440)
            x = (t - t.min()) / (t.max() - t.min())
            f = (rng.uniform(1e2, 1e5) * (1 + rng.normal(0, 10 ** rng.uniform(-4, -1), n)
                 + 0.01 * np.sin(2 * np.pi * t / rng.uniform(0.3, 5)))).astype(np.float32)
            name = f"random_{k}"
            d = f"{out}/{name}"
            put(d, "x", x, "f8")
            put(d, "f", f, "f4")
            rounds = spline_step(x, f)
            write_rounds(d, rounds, True)
            put(d, "nrounds", [len(rounds)], "u4")
            if len(rounds) == 3:
                put(d, "grid", lc_input(rounds[-1][0])[0], "f8")
            lines.append(f"spline {name}")
        with open(os.path.join(out, "cases.txt"), "w") as fh:
            fh.write("\n".join(lines) + "\n")
        return

    # numpy reductions
    lens = [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257, 1000, 1031, 4099]
    arrays = [rng.normal(1e3, 10 ** rng.uniform(-12, 2), n) for n in lens]
    stats = [[np.sum(a), np.mean(a), np.std(a), np.median(a)] for a in arrays]
    plens = [1, 2, 3, 100, 101, 199, 1234, 2048, 9001]
    parr = [rng.normal(5e4, 300, n).astype(np.float32) for n in plens]
    put(f"{out}/npy", "a", np.concatenate(arrays), "f8")
    put(f"{out}/npy", "len", lens, "u4")
    put(f"{out}/npy", "stats", np.array(stats).ravel(), "f8")
    put(f"{out}/npy", "p", np.concatenate(parr), "f4")
    put(f"{out}/npy", "plen", plens, "u4")
    put(f"{out}/npy", "p99", [np.percentile(a, 99) for a in parr], "f4")
    lines.append("npy npy")

    for name, x, f in synthetic_cases(rng):
        d = f"{out}/{name}"
        put(d, "x", x, "f8")
        put(d, "f", f, "f4")
        rounds = spline_step(x, f)
        write_rounds(d, rounds, True)
        put(d, "nrounds", [len(rounds)], "u4")
        if len(rounds) == 3:
            grid, _ = lc_input(rounds[-1][0])
            put(d, "grid", grid, "f8")
        lines.append(f"spline {name}")

    for file in SEGMENT_FILES:
        t, f = read_lc(os.path.join(ROOT, "fixtures", "lc", file))
        for index, (a, b) in enumerate(split(t)):
            ts, fs = t[a:b], f[a:b]
            if len(ts) < MIN_POINTS:
                continue
            tc, fc, p99 = clip(ts, fs)
            x = (tc - tc.min()) / (tc.max() - tc.min())
            rounds = spline_step(x, fc)
            name = f"{file.split('.fits')[0]}_seg{index}"
            d = f"{out}/{name}"
            put(d, "meta", [index, len(ts), ts[0], ts[-1], p99, len(tc)], "f8")
            write_rounds(d, rounds, full)
            if full:
                put(d, "x", x, "f8")
                put(d, "f", fc, "f4")
            _, lc = lc_input(rounds[-1][0])
            put(d, "lc", lc, "f4")
            put(d, "gls", gls_input(tc, fc), "f4")
            lines.append(f"segment {name} {file}")

    with open(os.path.join(out, "cases.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
