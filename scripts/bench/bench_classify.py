#!/usr/bin/env python3
"""Speed and memory of `calnet classify` against the Python reference pipeline, same files, same run.

    .venv/bin/python scripts/bench/bench_classify.py [--files 100] [--ref-files 8] [--threads 2]
                                               [--memory 200,2000] [--calnet target/release/calnet]

1. Simulates `--files` SPOC 2-minute light curves with `calnet simulate` (EBs and look-alikes,
   about two segments each) into a temporary folder.
2. Rust: `calnet classify DIR --threads T --device cpu --plots none` with random
   weights (speed does not depend on the weights' values); segments/s = segments / wall time,
   start-up and output writing included.
3. Python reference, on the first `--ref-files` of the same files: astropy read, QUALITY == 0 and
   finite values, 0.75-day gap split, segments of >= 2000 points, P99 clip, three rounds of
   scipy's InterpolatedUnivariateSpline with the robust 3-sigma mask, 4000-point resampling and
   min-max scaling, the original CALNet's GLS as a direct numpy sum over the 1000
   periods, and a PyTorch forward of the network in batches of 128 (torch threads = T). Each
   step is timed; segments/s = segments / total.
4. Memory: peak resident memory (ru_maxrss of the child) of `calnet classify --plots none` on
   lists of N files for each N of `--memory` (hard links to the simulated files, so the inputs
   are distinct paths but cost no disk).
Prints a Markdown table and the projection to a full sector of 40,000 segments.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "golden"))  # model_reference


def run_timed(cmd):
    """Runs cmd under GNU time; returns (wall s, CPU s (user + system), peak RSS MiB, stdout).
    Exit status 1 (some inputs failed) is accepted; anything else stops the benchmark."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %U %S %M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    user, system, rss = re.search(r"TIME ([\d.]+) ([\d.]+) (\d+)", p.stderr).groups()
    return wall, float(user) + float(system), int(rss) / 1024.0, p.stdout


# ---------------------------------------------------------------- Python reference pipeline

def robust_mask(y, cut=3.0):
    """Astronet's robust_mean mask (as the original CALNet uses it)."""
    absdev = np.abs(y - np.median(y))
    sigma = 1.4826 * np.median(absdev)
    if sigma < 1e-24:
        sigma = 1.253 * np.mean(absdev)
    mask = absdev <= cut * sigma
    corr = -0.15405 + 0.90723 * cut - 0.23584 * cut**2 + 0.020142 * cut**3
    for _ in range(2):
        sigma = np.std(y[mask]) / corr
        mask = absdev <= cut * sigma
    return mask


def ref_segments(path, timers):
    from astropy.io import fits
    from scipy.interpolate import InterpolatedUnivariateSpline

    t0 = time.perf_counter()
    data = fits.getdata(path, 1)
    t = np.array(data["TIME"], dtype=np.float64)
    f = np.array(data["PDCSAP_FLUX"], dtype=np.float32)
    q = np.array(data["QUALITY"])
    keep = (q == 0) & np.isfinite(f) & np.isfinite(t)
    t, f = t[keep], f[keep]
    timers["read"] += time.perf_counter() - t0

    out = []
    cuts = np.where(np.diff(t) > 0.75)[0] + 1
    for ts, fs in zip(np.split(t, cuts), np.split(f, cuts)):
        if len(ts) < 2000:
            continue
        t1 = time.perf_counter()
        k = fs < np.percentile(fs, 99)
        ts, fs = ts[k], fs[k]
        x = (ts - ts.min()) / (ts.max() - ts.min())
        xs, ys = x, fs
        mask = None
        for _ in range(3):
            if mask is not None:
                xs, ys = xs[mask], ys[mask]
            spl = InterpolatedUnivariateSpline(xs, ys)
            mask = robust_mask(ys - spl(xs))
        lc = spl(np.linspace(0, 1, 4000))
        lc = (lc - lc.min()) / (lc.max() - lc.min())
        t2 = time.perf_counter()
        timers["spline"] += t2 - t1
        out.append((lc.astype(np.float32), ref_gls(ts, fs.astype(np.float64))))
        timers["gls"] += time.perf_counter() - t2
    return out


PERIODS = np.logspace(-3, 1, 1125)[125:]


def ref_gls(t, y):
    """The reference's generalized Lomb-Scargle (the original CALNet's), direct sums."""
    w = np.full(len(t), 1.0 / len(t))
    Y = np.sum(w * y)
    YY = np.sum(w * y * y) - Y * Y
    p = np.empty(len(PERIODS))
    for i, P in enumerate(PERIODS):
        arg = 2 * np.pi / P * t
        c, s = np.cos(arg), np.sin(arg)
        C, S = np.sum(w * c), np.sum(w * s)
        YC = np.sum(w * y * c) - Y * C
        YS = np.sum(w * y * s) - Y * S
        CC = np.sum(w * c * c) - C * C
        SS = np.sum(w * s * s) - S * S
        CS = np.sum(w * c * s) - C * S
        D = CC * SS - CS * CS
        p[i] = (SS * YC**2 + CC * YS**2 - 2 * CS * YC * YS) / (YY * D)
    p = p * (len(t) - 1) / 2
    return ((p - p.min()) / (p.max() - p.min())).astype(np.float32)


def reference(files, threads):
    import torch
    from model_reference import CNN_CBAM_LSTM_model

    torch.set_num_threads(threads)
    timers = {"read": 0.0, "spline": 0.0, "gls": 0.0, "forward": 0.0}
    segs = []
    for path in files:
        segs += ref_segments(path, timers)
    model = CNN_CBAM_LSTM_model().eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(segs), 128):
            chunk = segs[i:i + 128]
            x1 = torch.from_numpy(np.stack([s[0] for s in chunk])[:, None, :])
            x2 = torch.from_numpy(np.stack([s[1] for s in chunk])[:, None, :])
            model(x1, x2)
    timers["forward"] = time.perf_counter() - t0
    return len(segs), timers


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--ref-files", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory", default="200,2000", help="file counts for the memory runs ('' for none)")
    ap.add_argument("--calnet", default=os.path.join(ROOT, "target/release/calnet"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    T = str(args.threads)

    with tempfile.TemporaryDirectory(prefix="bench-classify-") as tmp:
        sim = os.path.join(tmp, "sim")
        subprocess.run([args.calnet, "simulate", "--n", str(args.files), "--out", sim,
                        "--seed", str(args.seed), "--threads", T], check=True,
                       stdout=subprocess.DEVNULL)
        files = sorted(os.path.join(sim, f) for f in os.listdir(sim) if f.endswith(".fits"))
        weights = os.path.join(tmp, "random")
        script = os.path.join(ROOT, "scripts/golden/model_reference.py")
        subprocess.run([sys.executable, script, "make", weights, "--batch", "1"], check=True)
        weights = os.path.join(weights, "model.pth")

        # Rust, whole path.
        cmd = [args.calnet, "classify", sim, "--weights", weights, "--out", os.path.join(tmp, "out"),
               "--device", "cpu", "--threads", T, "--plots", "none"]
        wall, cpu, rss, out = run_timed(cmd)
        rust_segments = int(re.search(r"(\d+) segments", out).group(1))
        # With a sheet for every file, for the cost of drawing.
        cmd_all = cmd[:-1] + ["all"]
        cmd_all[cmd_all.index("--out") + 1] = os.path.join(tmp, "out-all")
        wall_all, cpu_all, _, _ = run_timed(cmd_all)
        # One file: the fixed start-up cost (loading the weights, their hash from the cache or computed).
        one = os.path.join(tmp, "one")
        os.makedirs(one)
        os.link(files[0], os.path.join(one, os.path.basename(files[0])))
        cmd_one = cmd[:]
        cmd_one[2] = one
        cmd_one[cmd_one.index("--out") + 1] = os.path.join(tmp, "out-one")
        wall_one, cpu_one, rss_one, _ = run_timed(cmd_one)

        # Python reference, on the first files.
        ref_files = files[: args.ref_files]
        t0, c0 = time.perf_counter(), time.process_time()
        ref_n, timers = reference(ref_files, args.threads)
        ref_wall, ref_cpu = time.perf_counter() - t0, time.process_time() - c0

        load = os.getloadavg()[0]
        print(f"## classify: {args.files} simulated SPOC 2-min files, {args.threads} threads "
              f"(load average {load:.1f} at the end)\n")
        print("| pipeline | segments | wall (s) | segments/s (wall) | CPU ms/segment | "
              f"40,000 segments on {args.threads} idle cores |")
        print("|---|---:|---:|---:|---:|---:|")

        def row(name, n, wall, cpu, fixed_cpu=0.0):
            per = (cpu - fixed_cpu) / n
            proj = 40000 * per / args.threads + fixed_cpu
            unit = f"{proj / 60:.1f} min" if proj < 7200 else f"{proj / 3600:.1f} h"
            print(f"| {name} | {n} | {wall:.1f} | {n / wall:.2f} | {1000 * per:.1f} | {unit} |")
            return per

        rust_per = row("calnet classify --plots none", rust_segments, wall, cpu, cpu_one)
        row("calnet classify --plots all", rust_segments, wall_all, cpu_all, cpu_one)
        ref_per = row(f"Python reference ({len(ref_files)} files)", ref_n, ref_wall, ref_cpu)
        per = {k: 1000 * v / max(ref_n, 1) for k, v in timers.items()}
        print("\nPython reference, wall ms per segment: "
              + ", ".join(f"{k} {v:.0f}" for k, v in per.items()))
        print(f"\ncalnet start-up (one file): {wall_one:.1f} s wall, {cpu_one:.1f} s CPU, "
              f"peak RSS {rss_one:.0f} MiB; the table's CPU ms/segment exclude it for calnet")
        print(f"speed-up in CPU time per segment: {ref_per / rust_per:.0f}x; "
              f"in wall time: {(rust_segments / wall) / (ref_n / ref_wall):.0f}x")

        if args.memory:
            print("\n| files | segments | wall (s) | peak RSS (MiB) |\n|---:|---:|---:|---:|")
            for n in [int(x) for x in args.memory.split(",")]:
                many = os.path.join(tmp, f"many-{n}")
                os.makedirs(many)
                for i in range(n):
                    src = files[i % len(files)]
                    os.link(src, os.path.join(many, f"{i:06d}-{os.path.basename(src)}"))
                w, _, rss, out = run_timed([args.calnet, "classify", many, "--weights", weights,
                                            "--out", os.path.join(tmp, f"out-{n}"), "--device", "cpu",
                                            "--threads", T, "--plots", "none"])
                segs = int(re.search(r"(\d+) segments", out).group(1))
                print(f"| {n} | {segs} | {w:.0f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
