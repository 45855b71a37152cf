#!/usr/bin/env python3
"""CALNet forward time per segment on the CPU: Rust (tch, examples/bench_forward.rs of
calnet-model) against PyTorch eager, same libtorch thread count, in one run.

    .venv/bin/python scripts/bench_model.py [--threads 2] [--batches 1 32 128]

Builds the Rust example in release mode first. Both sides time the same network (random
weights: the time does not depend on their values) on random inputs under no_grad, eval mode,
median of several forwards after two warm-up passes. The two sides run one after the other,
never at the same time, alternating for --rounds rounds; each figure is the best round (other
processes on a shared machine only ever slow a round down). Prints a Markdown table for
docs/performance.md with the load average before and after.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", type=int, nargs="+", default=[1, 32, 128])
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    load_before = os.getloadavg()

    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "calnet-model", "--example", "bench_forward"],
        cwd=ROOT, check=True,
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_forward")
    rust, py = {}, {}
    for _ in range(args.rounds):
        out = subprocess.run([exe, str(args.threads), *map(str, args.batches)],
                             capture_output=True, text=True, check=True).stdout
        for line in out.split():
            b, ms = line.split(",")
            rust[int(b)] = min(rust.get(int(b), float("inf")), float(ms))
        for b in args.batches:
            py[b] = min(py.get(b, float("inf")), python_ms_per_segment(args.threads, b))

    load_after = os.getloadavg()
    print(f"CPU, {args.threads} libtorch thread(s), torch {torch.__version__}, "
          f"{os.cpu_count()} cores visible, best of {args.rounds} rounds, load average "
          f"{load_before[0]:.1f} before / {load_after[0]:.1f} after\n")
    print("| batch | Rust (tch) ms/segment | PyTorch eager ms/segment | PyTorch / Rust |")
    print("|---:|---:|---:|---:|")
    for b in args.batches:
        print(f"| {b} | {rust[b]:.2f} | {py[b]:.2f} | {py[b] / rust[b]:.2f} |")


if __name__ == "__main__":
    main()
