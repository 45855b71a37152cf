#!/usr/bin/env python3
"""Simulated full-frame-image (FFI) noise and gaps against real 30-minute light curves.

Usage (from the repository root, after `cargo build --release -p calnet-cli`):

    target/release/calnet simulate --n 400 --out /tmp/ffi1800 --seed 5 --cadence 1800 \
        --classes constant --tmag-min 8 --tmag-max 11.5
    target/release/calnet simulate --n 100 --out /tmp/ffi200 --seed 6 --cadence 200 \
        --classes constant --tmag-min 9.8 --tmag-max 10.8
    .venv/bin/python scripts/experiments/ffi_noise_compare.py --real tessellator/ \
        --sim /tmp/ffi1800 --sim-200 /tmp/ffi200

Real: the non-variable stars (class NV) of the TESSellator set (lightkurve-saved TESS-SPOC
30-minute files; flagged and NaN rows already removed) and the TESS-SPOC / QLP files of
fixtures/lc. Simulated: `calnet simulate` constant stars. Both sides are measured with the
same code: the point-to-point scatter (1.4826 x the median absolute successive difference /
sqrt 2, relative to the median flux) of rows with QUALITY == 0 and finite time and flux,
against a TESS magnitude derived from the median flux with the simulator's zero point
(15,000 e-/s at T = 10), since the TESSellator files carry no TESSMAG. Prints Markdown tables.
"""
import argparse
import csv
import os

import numpy as np
from astropy.io import fits

ZERO_POINT = 15000.0


def stassun_ppm(t):
    """One-hour precision of Stassun et al. (2018), ppm, floor included."""
    t = np.clip(t, 4.0, 16.0)
    return np.exp(3.29685004771 + 0.850021465753 * t - 0.285041632435 * t**2
                  + 0.0395908321369 * t**3 - 0.0022308015894 * t**4 + 4.73508403525e-5 * t**5)


def measure(path):
    """(Tmag from flux, p2p scatter ppm, rows kept per day, gaps > 0.5 d, span d)."""
    with fits.open(path) as h:
        d = h[1].data
        names = d.columns.names
        col = next(c for c in ("PDCSAP_FLUX", "KSPSAP_FLUX", "FLUX") if c in names)
        f = np.asarray(d[col], float)
        t = np.asarray(d["TIME"], float)
        q = np.asarray(d["QUALITY"]) if "QUALITY" in names else np.zeros(len(f), int)
        m = np.isfinite(f) & np.isfinite(t) & (q == 0)
        f, t = f[m], t[m]
        level = np.median(f)
        diff = np.diff(f)
        p2p = 1.4826 * np.median(np.abs(diff - np.median(diff))) / np.sqrt(2) / level * 1e6
        tmag = 10 - 2.5 * np.log10(level / ZERO_POINT) if col != "KSPSAP_FLUX" else np.nan
        gaps = int((np.diff(t) > 0.5).sum())
        span = t[-1] - t[0]
        return tmag, p2p, len(t) / span, gaps, span


def table(real, sim, edges):
    print("| T (from flux) | real files | real p2p (ppm) | simulated files | simulated p2p (ppm) "
          "| sim / real | Stassun x sqrt(2) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for lo, hi in zip(edges[:-1], edges[1:]):
        r = real[(real[:, 0] >= lo) & (real[:, 0] < hi)]
        s = sim[(sim[:, 0] >= lo) & (sim[:, 0] < hi)]
        if len(r) < 5 or len(s) < 5:
            continue
        rp, sp = np.median(r[:, 1]), np.median(s[:, 1])
        tm = np.median(r[:, 0])
        print(f"| {lo:.1f}-{hi:.1f} | {len(r)} | {rp:.0f} | {len(s)} | {sp:.0f} | {sp / rp:.2f} "
              f"| {stassun_ppm(tm) * np.sqrt(2):.0f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", required=True, help="the TESSellator folder (labels.csv + FITS)")
    ap.add_argument("--sim", required=True, help="calnet simulate --cadence 1800 output")
    ap.add_argument("--sim-200", help="calnet simulate --cadence 200 output")
    ap.add_argument("--fixtures",
                    default=os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "lc"))
    a = ap.parse_args()

    with open(os.path.join(a.real, "labels.csv")) as fh:
        rows = [r for r in csv.DictReader(fh) if r["subclass"] == "NV"]
    real = np.array([measure(os.path.join(a.real, r["file"])) for r in rows])
    with open(os.path.join(a.sim, "labels.csv")) as fh:
        srows = list(csv.DictReader(fh))
    sim = np.array([measure(os.path.join(a.sim, r["file"])) for r in srows])
    print(f"\n30-minute scatter, {len(real)} real non-variable stars against {len(sim)} simulated "
          "constant stars:\n")
    table(real, sim, [8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0])

    print("\nRows and gaps (median over files):\n")
    print("| set | kept rows per day | gaps > 0.5 d | span (d) |")
    print("| --- | --- | --- | --- |")
    for name, x in (("real (TESSellator NV)", real), ("simulated 1800 s", sim)):
        print(f"| {name} | {np.median(x[:, 2]):.1f} | {np.median(x[:, 3]):.0f} | {np.median(x[:, 4]):.1f} |")

    print("\nFixtures (TESSMAG from the header; model: Stassun x sqrt(3600 s / cadence)):\n")
    print("| file | cadence (s) | Tmag | real p2p (ppm) | model (ppm) | real / model |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in sorted(os.listdir(a.fixtures)):
        if not name.startswith(("hlsp_tess-spoc", "hlsp_qlp")):
            continue
        path = os.path.join(a.fixtures, name)
        with fits.open(path) as h:
            tm = float(h[0].header["TESSMAG"])
            tt = np.asarray(h[1].data["TIME"], float)
        cad = round(np.nanmedian(np.diff(tt)) * 86400 / 10) * 10
        _, p2p, _, _, _ = measure(path)
        model = stassun_ppm(tm) * np.sqrt(3600 / cad)
        print(f"| {name} | {cad:.0f} | {tm:.2f} | {p2p:.0f} | {model:.0f} | {p2p / model:.2f} |")
    if a.sim_200:
        with open(os.path.join(a.sim_200, "labels.csv")) as fh:
            s2 = np.array([measure(os.path.join(a.sim_200, r["file"]))
                           for r in csv.DictReader(fh)])
        print(f"\nSimulated 200 s constant stars with T 10.0-10.6 from flux: median p2p "
              f"{np.median(s2[(s2[:, 0] >= 10.0) & (s2[:, 0] < 10.6), 1]):.0f} ppm")


if __name__ == "__main__":
    main()
