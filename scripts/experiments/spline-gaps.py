#!/usr/bin/env python3
"""How much of each segment's [0, 1] light-curve input is spline excursion across data gaps,
and how weights do on such segments (docs/training.md, "Where the errors are").

The reference's light-curve input is an interpolating cubic spline through every kept point,
evaluated on 4000 even steps and scaled to [0, 1]. Across a gap of hours inside a segment (the
extended mission's downlinks from sector 56 on, interruptions, flagged stretches) the spline
swings freely, and the swing can take most of the [0, 1] range, squeezing the eclipses. For
every segment this script measures the range the input spans where data are near (grid points
within 30 minutes of a kept cadence): 1 means the data set the scale, 0.3 that the swing took
70% of it.

    calnet features --out FEAT LC_DIR
    calnet evaluate --weights W --data LC_DIR --labels LC_DIR/labels.csv --out EVAL
    .venv/bin/python scripts/experiments/spline-gaps.py FEAT LC_DIR EVAL/segments.csv

Needs numpy and astropy (the project's .venv has both). Kept cadences are those the reference
keeps: QUALITY == 0 with finite TIME and PDCSAP_FLUX.
"""
import csv
import sys
from pathlib import Path

import numpy as np
from astropy.io import fits

NEAR_DAYS = 30 / 1440
EM2_SECTOR = 56


def kept_times(path):
    with fits.open(path) as hdul:
        d = hdul[1].data
        t = np.asarray(d["TIME"], float)
        f = np.asarray(d["PDCSAP_FLUX"], float)
        q = np.asarray(d["QUALITY"])
        sector = int(hdul[0].header.get("SECTOR", -1))
    ok = (q == 0) & np.isfinite(t) & np.isfinite(f)
    return np.sort(t[ok]), sector


def main(feat, lc_dir, segments_csv):
    feat, lc_dir = Path(feat), Path(lc_dir)
    rows = list(csv.DictReader(open(feat / "segments.csv")))
    n_lc = len(next(csv.reader(open(feat / "lc.csv")))) - 1
    lc = np.atleast_2d(np.loadtxt(feat / "lc.csv", delimiter=",", usecols=range(1, n_lc + 1)))
    scored = {
        (r["file"], r["segment"]): (int(r["label"]), float(r["p_eb"]))
        for r in csv.DictReader(open(segments_csv))
    }
    paths = {p.name: p for p in lc_dir.rglob("*.fits*")}
    out, current = [], None
    for x, r in zip(lc, rows):
        if (r["file"], r["segment"]) not in scored:
            continue
        if r["file"] != current:
            times, sector = kept_times(paths[r["file"]])
            current = r["file"]
        t0, t1 = float(r["t_start"]), float(r["t_end"])
        t = times[(times >= t0) & (times <= t1)]
        grid = t0 + np.linspace(0.0, 1.0, len(x)) * (t1 - t0)
        j = np.clip(np.searchsorted(t, grid), 1, len(t) - 1)
        near = np.minimum(np.abs(grid - t[j - 1]), np.abs(t[j] - grid)) <= NEAR_DAYS
        label, p = scored[(r["file"], r["segment"])]
        span = x[near].max() - x[near].min()
        out.append((label, p, span, np.diff(t).max() * 24, sector))
    label, p, span, gap_h, sector = (np.array(c) for c in zip(*out))
    print(f"{len(out)} segments scored; range spanned near data, and the scores there:")
    print("| range near data | EB segments | recall | other segments | false alarms |")
    print("| --- | --- | --- | --- | --- |")
    for lo, hi in [(0.0, 0.5), (0.5, 0.9), (0.9, 1.01)]:
        m = (span >= lo) & (span < hi)
        eb, other = m & (label == 1), m & (label == 0)
        print(
            f"| {lo:.1f}-{min(hi, 1.0):.1f} | {eb.sum()} | {np.mean(p[eb] > 0.5):.3f} "
            f"| {other.sum()} | {np.mean(p[other] > 0.5):.3f} |"
        )
    print("| sectors | segments | longest gap over 2 h | range near data under 0.5 "
          "| EB recall | false alarms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, m in [(f"< {EM2_SECTOR}", sector < EM2_SECTOR), (f">= {EM2_SECTOR}", sector >= EM2_SECTOR)]:
        eb, other = m & (label == 1), m & (label == 0)
        print(
            f"| {name} | {m.sum()} | {np.mean(gap_h[m] > 2):.3f} | {np.mean(span[m] < 0.5):.3f} "
            f"| {np.mean(p[eb] > 0.5):.3f} | {np.mean(p[other] > 0.5):.3f} |"
        )
    missed = (label == 1) & (p <= 0.5)
    print(f"missed EB segments: {missed.sum()}, of which range near data under 0.5: "
          f"{(missed & (span < 0.5)).sum()}, under 0.9: {(missed & (span < 0.9)).sum()}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
