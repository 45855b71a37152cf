#!/usr/bin/env python3
"""Time reading one real SPOC 2-min light curve: astropy's fits.getdata vs tess-io, in one run.

astropy: open the file, fits.getdata(..., "LIGHTCURVE") and copy TIME, PDCSAP_FLUX, QUALITY into
native arrays (what a pipeline does before using them). tess-io: `cargo bench --bench read`
(criterion, benches/read.rs) on the same file, which reads TIME, PDCSAP_FLUX, PDCSAP_FLUX_ERR,
QUALITY, CADENCENO and the headers. Prints both medians.

Run from the repository root:  .venv/bin/python scripts/bench/bench_read.py
"""
import pathlib
import re
import subprocess
import sys
import timeit

import numpy as np
from astropy.io import fits
import astropy

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILE = ROOT / "fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits"


def astropy_read():
    d = fits.getdata(FILE, "LIGHTCURVE")
    return (np.array(d["TIME"], dtype=np.float64), np.array(d["PDCSAP_FLUX"], dtype=np.float32),
            np.array(d["QUALITY"], dtype=np.int32))


def astropy_median_ms(repeat=15, number=20):
    astropy_read()
    runs = timeit.repeat(astropy_read, repeat=repeat, number=number)
    return 1e3 * float(np.median(runs)) / number


def rust_medians_ms():
    out = subprocess.run(
        ["cargo", "bench", "--bench", "read", "--", "--noplot"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(out.stderr[-3000:])
    result = {}
    name = None
    unit = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
    for line in out.stdout.splitlines():
        m = re.match(r"^(read/\S+)", line.strip())
        if m:
            name = m.group(1)
        t = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if t and name:
            result[name] = float(t.group(1)) * unit[t.group(2)]
    return result


def main():
    rows = len(fits.getdata(FILE, "LIGHTCURVE"))
    py = astropy_median_ms()
    rust = rust_medians_ms()
    print(f"file: {FILE.name} ({rows} rows)")
    print(f"astropy {astropy.__version__} fits.getdata + 3 columns: {py:.3f} ms (median)")
    for name, ms in rust.items():
        print(f"{name}: {ms:.3f} ms (criterion median)  -> {py / ms:.1f}x astropy")


if __name__ == "__main__":
    main()
