#!/usr/bin/env python3
"""What CALNet's two inputs look like at full-frame-image cadences (docs/lc-prep.md,
"Full-frame images"): aliasing in the periodogram input, and the spline on sparse data.

    calnet features --feature-config ffi --out FEAT LC_DIR
    .venv/bin/python scripts/experiments/ffi_inputs.py FEAT LC_DIR

Periodogram: CALNet's grid runs from 4 minutes (the Nyquist period of 2-minute data) to 10
days. At cadence c every period below 2c is above the Nyquist frequency 1/(2c): with nearly
even sampling its power mirrors that of the frequency 1/c - f. For each segment the script
computes the periodogram without the FFI config's alias cut (astropy's LombScargle, standard
normalisation, on the segment's kept points) and gives the share of the grid below 2c, how
often the highest value lies there, and the correlation between the power at each such
frequency and at its mirror 1/c - f; then checks that the features' periodogram input is 0
there.

Spline: the light-curve input is an interpolating cubic spline through the kept points, on
4000 even steps, scaled to [0, 1]. The script gives the input's steps per cadence and the range
it spans where data are near (grid steps within half a cadence of a kept point): 1 means the
points set the scale, less that the spline swings beyond them between points or across gaps.

Kept cadences are approximated as finite TIME and flux with QUALITY & 175 == 0 (lightkurve's
default mask, the FFI config's for TESS-SPOC and lightkurve files). Needs numpy and astropy.
"""
import csv
import sys
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.timeseries import LombScargle

PERIODS = np.logspace(-3, 1, 1125)[125:]


def read_rows(path):
    with open(path, newline="") as fh:
        return [[float(v) for v in row[1:]] for row in csv.reader(fh)]


def kept_times(path):
    with fits.open(path) as hdul:
        d = hdul[1].data
        names = [n.upper() for n in d.names]
        flux = next(n for n in ("PDCSAP_FLUX", "FLUX", "KSPSAP_FLUX") if n in names)
        t = np.asarray(d["TIME"], float)
        f = np.asarray(d[flux], float)
        q = np.asarray(d["QUALITY"]) if "QUALITY" in names else np.zeros(len(t), int)
    ok = ((q & 175) == 0) & np.isfinite(t) & np.isfinite(f)
    order = np.argsort(t[ok])
    t, f = t[ok][order], f[ok][order]
    return t, f, float(np.median(np.diff(t)))


def main(feat, lc_dir):
    feat, lc_dir = Path(feat), Path(lc_dir)
    with open(feat / "segments.csv", newline="") as fh:
        segs = list(csv.DictReader(fh))
    lcs, glss = read_rows(feat / "lc.csv"), read_rows(feat / "gls.csv")
    assert len(segs) == len(lcs) == len(glss)
    cache = {}
    below, peak_below, corr, per_cadence, near_range, cut = [], [], [], [], [], []
    for seg, lc, gls in zip(segs, lcs, glss):
        if seg["file"] not in cache:
            cache[seg["file"]] = kept_times(lc_dir / seg["file"])
        t_all, f_all, cadence = cache[seg["file"]]
        t0, t1 = float(seg["t_start"]), float(seg["t_end"])
        inside = (t_all >= t0) & (t_all <= t1)
        ts = t_all[inside]
        sub = PERIODS < 2 * cadence
        cut.append(bool(np.all(np.asarray(gls)[sub] == 0)) if sub.any() else True)
        gls = LombScargle(ts, f_all[inside]).power(1 / PERIODS, method="cython")
        lc = np.asarray(lc)
        below.append(sub.mean())
        peak_below.append(bool(sub[np.argmax(gls)]))
        freq = 1 / PERIODS  # decreasing
        mirror = 1 / cadence - freq[sub]
        ok = (mirror >= freq[-1]) & (mirror <= freq[0])
        if ok.sum() > 10:
            mirrored = np.interp(mirror[ok], freq[::-1], gls[::-1])
            corr.append(np.corrcoef(gls[sub][ok], mirrored)[0, 1])
        per_cadence.append(4000 / max(len(ts) - 1, 1))
        grid = t0 + np.linspace(0, 1, 4000) * (t1 - t0)
        i = np.clip(np.searchsorted(ts, grid), 1, len(ts) - 1)
        dist = np.minimum(np.abs(grid - ts[i - 1]), np.abs(grid - ts[i]))
        near = dist <= cadence / 2
        near_range.append(lc[near].max() - lc[near].min())
    near_range = np.asarray(near_range)
    print(f"segments: {len(segs)}")
    print(f"grid share below twice the cadence: median {np.median(below):.3f}")
    print(f"highest periodogram value below twice the cadence: {np.mean(peak_below):.3%}")
    if corr:
        print(
            f"power below 2c vs at its mirror 1/c - f: median correlation "
            f"{np.median(corr):.3f}, 5th percentile {np.percentile(corr, 5):.3f}"
        )
    print(f"features' periodogram input 0 below twice the cadence: {np.mean(cut):.1%}")
    print(f"input steps per cadence: median {np.median(per_cadence):.2f}")
    print(
        "input range near data: median {:.3f}, 5th percentile {:.3f}, below 0.8: {:.1%}, "
        "below 0.5: {:.1%}".format(
            np.median(near_range),
            np.percentile(near_range, 5),
            np.mean(near_range < 0.8),
            np.mean(near_range < 0.5),
        )
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
