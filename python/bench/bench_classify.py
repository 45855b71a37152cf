"""Times calnet.features + Classifier.predict from Python, per segment, on the real SPOC
2-minute fixtures (fixtures/lc/tess*.fits), one process, default rayon pool.

    .venv/bin/python python/bench/bench_classify.py [REPEATS]

Prints wall and CPU (process_time: user + system of all threads) milliseconds per segment for
reading + features, for predict (native engine, all segments in one call), and in total.
"""
import pathlib
import sys
import time

import numpy as np

import calnet

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "fixtures" / "lc").glob("tess*.fits"))
WEIGHTS = ROOT / "fixtures" / "weights" / "calnet-sim.safetensors"


def timed(f):
    w0, c0 = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    clf = calnet.Classifier(WEIGHTS)
    rows = []
    for _ in range(repeats):
        segs, fw, fc = timed(lambda: [s for p in FILES for s in calnet.features(p)])
        lc = np.stack([s.lc for s in segs])
        gls = np.stack([s.gls for s in segs])
        _, pw, pc = timed(lambda: clf.predict(lc, gls))
        n = len(segs)
        rows.append((n, fw / n, fc / n, pw / n, pc / n))
    n, fw, fc, pw, pc = (float(np.median([r[i] for r in rows])) for i in range(5))
    print(f"{len(FILES)} files, {int(n)} segments, median of {repeats}")
    print("| step | wall ms/segment | CPU ms/segment |")
    print("|---|---:|---:|")
    print(f"| read + calnet.features | {fw * 1e3:.1f} | {fc * 1e3:.1f} |")
    print(f"| Classifier.predict | {pw * 1e3:.1f} | {pc * 1e3:.1f} |")
    print(f"| total | {(fw + pw) * 1e3:.1f} | {(fc + pc) * 1e3:.1f} |")


if __name__ == "__main__":
    main()
