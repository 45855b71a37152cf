"""CALNet-rs from Python, notebook style: read a light curve, plot its periodogram, classify.

Run from the repository root after `pip install ./python` (matplotlib needed for the plot):

    python python/examples/quickstart.py [LIGHT_CURVE.fits] [WEIGHTS]

Defaults: CW Eri (TIC 98853987, a detached eclipsing binary), sector 4, and the simulated-data
weights in fixtures/weights. Writes quickstart-periodogram.png.
"""
import pathlib
import sys

import numpy as np

import calnet

ROOT = pathlib.Path(__file__).resolve().parents[2]
path = sys.argv[1] if len(sys.argv) > 1 else (
    ROOT / "fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits")
weights = sys.argv[2] if len(sys.argv) > 2 else ROOT / "fixtures/weights/calnet-sim.safetensors"

# %% Read: the product, the flux column and the TIC come from the headers.
lc = calnet.read_lightcurve(path)
print(lc)
print(f"{len(lc)} rows kept; dropped {lc.meta['DROPPED_QUALITY']} flagged, "
      f"{lc.meta['DROPPED_NONFINITE_TIME']} NaN time, {lc.meta['DROPPED_NONFINITE_FLUX']} NaN flux")

# %% Periodogram on CALNet's 1000 periods, and on a fine grid for the peak.
periods = 1 / calnet.calnet_frequencies()
power = calnet.gls(lc.time, lc.flux, lc.flux_err)
fine_f = np.linspace(0.05, 5.0, 100_000)
fine = calnet.gls(lc.time, lc.flux, lc.flux_err, frequency=fine_f)
best = 1 / fine_f[np.argmax(fine)]
print(f"highest peak at {best:.5f} d (an EB's often sits at half its orbit)")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(2, 1, figsize=(9, 6))
    a.plot(lc.time, lc.flux, ",k")
    a.set(xlabel="time (BTJD)", ylabel=f"{lc.meta['FLUX_COLUMN']} (e-/s)",
          title=f"TIC {lc.tic}, sector {lc.sector}")
    b.semilogx(periods, power, "k-", lw=0.8)
    b.axvline(best, color="C1", lw=0.8)
    b.set(xlabel="period (d)", ylabel="GLS power (standard)")
    fig.tight_layout()
    fig.savefig("quickstart-periodogram.png", dpi=100)
    print("wrote quickstart-periodogram.png")
except ImportError:
    print("matplotlib not installed: no plot")

# %% CALNet's inputs and p(EB) per segment.
segments = calnet.features(lc)
clf = calnet.Classifier(weights)
p = clf.predict(np.stack([s.lc for s in segments]), np.stack([s.gls for s in segments]))
for s, p_eb in zip(segments, p):
    print(f"segment {s.index}: BTJD {s.t_start:.3f}-{s.t_end:.3f}, {s.n_points} points, "
          f"p(EB) = {p_eb:.3f}")

# %% The catalog rows, as `calnet classify` writes segments.csv.
rows = calnet.classify([path], weights)
print(rows)
