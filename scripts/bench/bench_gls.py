#!/usr/bin/env python3
"""Times the Python periodograms and `gls` on the same data in the same run.

    .venv/bin/python scripts/bench/bench_gls.py [--quick]

Installs nifty-ls and finufft into the venv from scripts/bench/requirements-bench.txt when they are
missing, then measures, on one thread each (OMP/MKL threads 1, nthreads=1):
  - the CALNet reference's numpy loop (github.com/wangleon/CALNet) on CALNet's 1000-period grid;
  - astropy LombScargle(method='cython') on that grid (the only exact method astropy allows
    on a non-regular grid);
  - a finufft type-3 transform computing the same sums (eps 1e-12);
  - nifty-ls on a 1e5-point regular grid (and 1000 points);
  - `gls` (cargo run --release -p gls-periodogram --example gls_bench), same data;
  - `calnet.gls` from Python (the package in python/, when installed), on CALNet's grid and on
    nifty-ls's regular grids (np.linspace, recognised as regular), method auto.
Prints the median seconds per periodogram and a Markdown table for docs/performance.md.
"""
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def ensure_packages():
    try:
        import finufft  # noqa: F401
        import nifty_ls  # noqa: F401
    except ImportError:
        req = os.path.join(ROOT, "scripts", "bench", "requirements-bench.txt")
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "-r", req])


ensure_packages()

import numpy as np  # noqa: E402
import finufft  # noqa: E402
import nifty_ls  # noqa: E402
from astropy.timeseries import LombScargle  # noqa: E402

# The reference's numpy loop, the one the gls goldens were written with.
sys.path.insert(0, os.path.join(ROOT, "scripts", "golden"))
from gls_golden import reference_gls as reference_loop  # noqa: E402

MASK = (1 << 64) - 1


def tess_like(n, seed):
    """The data of examples/gls_bench.rs, value for value."""
    t = []
    i = 0
    while len(t) < n:
        ti = 2000.0 + i / 720.0
        i += 1
        if (ti - 2000.0) % 13.7 > 12.7 or (i + seed) % 97 == 0:
            continue
        t.append(ti)
    t = np.array(t)
    state = (seed * 6364136223846793005 + 1442695040888963407) & MASK
    y = np.empty(n)
    for k in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        noise = (state >> 11) / float(1 << 53) - 0.5
        y[k] = 1.0 + 0.01 * np.sin(2 * np.pi * t[k] / 1.3) + 0.002 * noise
    return t, y


def median_time(f, reps):
    f()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def finufft_sums(t, y, omega, eps=1e-12):
    """The sums of the GLS by one type-3 transform at ±ω, ±2ω (strengths w + i κ w(y - ȳ))."""
    n = len(t)
    w = np.full(n, 1.0 / n)
    wy = w * (y - np.dot(w, y))
    kappa = 1.0 / np.abs(wy).sum()
    s = t - 0.5 * (t.min() + t.max())
    nu = np.concatenate([omega, -omega, 2 * omega, -2 * omega])
    g = finufft.nufft1d3(s, (w + 1j * kappa * wy).astype(np.complex128), nu, eps=eps,
                         isign=1, nthreads=1)
    m = len(omega)
    gp, gm, g2p, g2m = g[:m], g[m:2 * m], g[2 * m:3 * m], g[3 * m:]
    fw = 0.5 * (gp + np.conj(gm))
    fwy = (gp - np.conj(gm)) / (2j * kappa)
    f2 = 0.5 * (g2p + np.conj(g2m))
    return fw, fwy, f2


def main():
    quick = "--quick" in sys.argv
    reps = 3 if quick else 7
    rows = []
    periods = np.logspace(-3, 1, 1125)[125:]
    freq = 1 / periods
    t, y = tess_like(9400, 0)
    rows.append(("reference numpy loop", 9400, 1000, "calnet",
                 median_time(lambda: reference_loop(t, y, periods), 1 if quick else 3)))
    ls = LombScargle(t, y)
    rows.append(("astropy cython", 9400, 1000, "calnet",
                 median_time(lambda: ls.power(freq, method="cython"), 1 if quick else 3)))
    omega = 2 * np.pi * freq
    rows.append(("finufft type-3 (eps 1e-12)", 9400, 1000, "calnet",
                 median_time(lambda: finufft_sums(t, y, omega), reps)))
    try:
        import calnet
    except ImportError:
        calnet = None
        print("calnet (python/) not installed: no calnet.gls rows")
    if calnet is not None:
        rows.append(("calnet.gls (Python)", 9400, 1000, "calnet",
                     median_time(lambda: calnet.gls(t, y), reps)))
    for nf in [1000, 100_000]:
        fmax = 360.0
        df = fmax / nf
        rows.append(("nifty-ls", 9400, nf, "regular", median_time(
            lambda: nifty_ls.lombscargle(t, y, fmin=df, fmax=fmax, Nf=nf, nthreads=1), reps)))
        if calnet is not None:
            f = np.linspace(df, fmax, nf)
            rows.append(("calnet.gls (Python)", 9400, nf, "regular",
                         median_time(lambda: calnet.gls(t, y, frequency=f), reps)))
    cmd = ["cargo", "run", "--release", "-q", "-p", "gls-periodogram", "--example", "gls_bench", "--"]
    if quick:
        cmd.append("--quick")
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        print(line)
        if not line.startswith("gls_bench "):
            continue
        kv = dict(part.split("=", 1) for part in line.split()[1:])
        if kv["threads"] != "1":
            continue
        rows.append((f"gls {kv['kernel']}", int(kv["n"]), int(kv["m"]), kv["grid"],
                     float(kv["seconds"])))
    print()
    print("| code | N | M | grid | ms per periodogram |")
    print("|---|---|---|---|---|")
    for name, n, m, grid, sec in rows:
        print(f"| {name} | {n} | {m} | {grid} | {sec * 1e3:.3g} |")


if __name__ == "__main__":
    main()
