#!/usr/bin/env python3
"""Features speed: the reference's Python steps against `calnet features`, same files, same run.

Usage: scripts/bench/bench_features.py [--calnet target/release/calnet] [--threads 2] [--repeat 3]
                                      [FILES...]

The Python side is the original CALNet pipeline (github.com/wangleon/CALNet: astropy read, QUALITY == 0
and NaN cut, 0.75-d split, P99 clip, three InterpolatedUnivariateSpline rounds with the robust
mask, 4000-point resample, direct generalized Lomb-Scargle on 1000 periods in numpy), one
process, as the reference runs. It reports the time split between read, spline and periodogram
and segments per second; then `calnet features --format reference-csv` on the same files (best
of --repeat), and the speed-up.
"""
import argparse
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "golden"))
import prep_golden as ref  # noqa: E402  (the original CALNet's steps)

ROOT = os.path.join(HERE, "..", "..")


def python_reference(files):
    t_read = t_spline = t_gls = 0.0
    segments = 0
    cpu0 = time.process_time()
    for path in files:
        a = time.perf_counter()
        try:
            t, f = ref.read_lc(path)
        except KeyError:  # no PDCSAP_FLUX (QLP): the reference cannot read it
            continue
        b = time.perf_counter()
        t_read += b - a
        for lo, hi in ref.split(t):
            if hi - lo < ref.MIN_POINTS:
                continue
            a = time.perf_counter()
            tc, fc, _ = ref.clip(t[lo:hi], f[lo:hi])
            x = (tc - tc.min()) / (tc.max() - tc.min())
            rounds = ref.spline_step(x, fc)
            ref.lc_input(rounds[-1][0])
            b = time.perf_counter()
            ref.gls_input(tc, fc)
            c = time.perf_counter()
            t_spline += b - a
            t_gls += c - b
            segments += 1
    return segments, t_read, t_spline, t_gls, time.process_time() - cpu0


def timed(cmd):
    a = time.perf_counter()
    subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - a


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def rust(calnet, files, threads, repeat):
    best = best_cpu = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            a = time.perf_counter()
            c0 = child_cpu()
            p = subprocess.run([calnet, "features", *files, "--out", out, "--threads", str(threads)],
                               capture_output=True, text=True)
            wall = time.perf_counter() - a
            cpu = child_cpu() - c0
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
            rows = sum(1 for _ in open(os.path.join(out, "segments.csv"))) - 1
        if p.returncode not in (0, 1):
            sys.exit(f"calnet features failed: {p.stderr}")
        best = wall if best is None else min(best, wall)
    return rows, best, best_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calnet", default=os.path.join(ROOT, "target/release/calnet"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--copies", type=int, default=1,
                    help="list each file this many times for calnet (longer, steadier timing)")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "fixtures/lc/*.fits")))
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    n, tr, ts, tg, pcpu = python_reference(files)
    total = tr + ts + tg
    print(f"python reference: {n} segments in {total:.2f} s = {n / total:.2f} segments/s")
    print(f"  read {1e3 * tr / n:.1f} ms/segment, spline step {1e3 * ts / n:.1f} ms/segment, "
          f"periodogram {1e3 * tg / n:.1f} ms/segment; CPU {1e3 * pcpu / n:.1f} ms/segment")

    # Copies of the inputs under distinct names (real copies: calnet lists a file reached
    # twice, or through a link, once).
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for k in range(args.copies):
            for f in files:
                link = os.path.join(tmp, f"{k}_{os.path.basename(f)}")
                shutil.copyfile(f, link)
                inputs.append(link)
        rows, wall, cpu = rust(args.calnet, inputs, args.threads, args.repeat)
    print(f"calnet features --threads {args.threads}: {rows} segments in {wall:.3f} s = "
          f"{rows / wall:.1f} segments/s (best of {args.repeat}, process start included); "
          f"CPU {1e3 * cpu / rows:.1f} ms/segment")
    start = min(timed([args.calnet, "--version"]) for _ in range(3))
    print(f"  process start alone (`calnet --version`): {start:.3f} s; "
          f"without it: {rows / (wall - start):.1f} segments/s")
    print(f"speed-up, wall clock: {(rows / wall) / (n / total):.1f}x; "
          f"per CPU second: {(pcpu / n) / (cpu / rows):.1f}x")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
