#!/usr/bin/env python3
"""CALNet forward time per segment on the CPU: the native engine and tch (both through
examples/bench_forward.rs of calnet-model) against PyTorch eager, in one run.

    .venv/bin/python scripts/bench/bench_model.py [--threads 1 2] [--batches 1 32 128] [--rounds 3]

Builds the Rust example in release mode (with the `torch` feature) first. Every side times the
same network (random weights: the time does not depend on their values) on random inputs,
inference only, the median of several forwards after two warm-up passes. Thread counts: the
native engine's rayon pool, libtorch's intra-op threads (tch and PyTorch). The sides run one
after the other, never at the same time, alternating for --rounds rounds; each figure is the
best round (other processes on a shared machine only ever slow a round down). Prints a Markdown
table for docs/performance.md with the load average before and after.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "golden"))
from model_reference import CNN_CBAM_LSTM_model  # noqa: E402


def python_ms_per_segment(threads, batch):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = CNN_CBAM_LSTM_model().eval()
    x1, x2 = torch.rand(batch, 1, 4000), torch.rand(batch, 1, 1000)
    reps = min(max(192 // batch, 3), 50)
    times = []
    with torch.no_grad():
        for i in range(reps + 2):
            t = time.perf_counter()
            model(x1, x2)[0, 1].item()
            if i >= 2:
                times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times) / batch


def rust_ms_per_segment(exe, engine, threads, batches):
    out = subprocess.run([exe, engine, str(threads), *map(str, batches)],
                         capture_output=True, text=True, check=True).stdout
    return {int(b): float(ms) for b, ms in (line.split(",") for line in out.split())}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batches", type=int, nargs="+", default=[1, 32, 128])
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()

    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "calnet-model", "--features", "torch",
         "--example", "bench_forward"],
        cwd=ROOT, check=True,
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_forward")
    load_before = os.getloadavg()
    best = {}  # (side, threads, batch) -> ms

    def keep(side, threads, batch, ms):
        key = (side, threads, batch)
        best[key] = min(best.get(key, float("inf")), ms)

    for _ in range(args.rounds):
        for threads in args.threads:
            for engine in ("native", "tch"):
                for b, ms in rust_ms_per_segment(exe, engine, threads, args.batches).items():
                    keep(engine, threads, b, ms)
            for b in args.batches:
                keep("pytorch", threads, b, python_ms_per_segment(threads, b))

    load_after = os.getloadavg()
    print(f"CPU, torch {torch.__version__}, {os.cpu_count()} cores visible, best of "
          f"{args.rounds} rounds, load average {load_before[0]:.1f} before / "
          f"{load_after[0]:.1f} after\n")
    print("| threads | batch | native ms/segment | tch ms/segment | PyTorch ms/segment "
          "| tch / native | PyTorch / native |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for threads in args.threads:
        for b in args.batches:
            n, t, py = (best[(s, threads, b)] for s in ("native", "tch", "pytorch"))
            print(f"| {threads} | {b} | {n:.2f} | {t:.2f} | {py:.2f} | {t / n:.2f} | {py / n:.2f} |")


if __name__ == "__main__":
    main()
