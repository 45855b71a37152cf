"""Vetting metrics of a `calnet classify` catalog against the simulated truth (labels.csv).

    python scripts/experiments/vet_recovery.py LABELS_CSV CATALOG_CSV

Prints Markdown tables: the share of targets folded at the true period, the recovered over true
primary depth, the secondary's detection and phase, and the flags per class and per p(EB) bin.
Run by `cargo xtask vet-recovery`.
"""

import csv
import sys

import numpy as np


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(row, key):
    v = row.get(key, "")
    try:
        return float(v)
    except ValueError:
        return float("nan")


def phase_error(a, b):
    return abs((a - b + 0.5) % 1.0 - 0.5)


def main(labels_path, catalog_path):
    truth = {int(r["tic"]): r for r in read(labels_path)}
    rows = [(r, truth[int(r["tic"])]) for r in read(catalog_path) if int(r["tic"]) in truth]
    classes = sorted({t["class"] for _, t in rows})
    print(f"{len(truth)} simulated light curves, {len(rows)} in the catalog\n")

    print("| class | in catalog | folded at the true period (1 %) | twice | half |")
    print("|---|---|---|---|---|")
    for c in classes:
        sel = [(r, t) for r, t in rows if t["class"] == c]
        ratio = np.array([num(r, "P_EB") / num(t, "period_d") for r, t in sel])
        near = lambda x: np.abs(ratio / x - 1) < 0.01
        print(f"| {c} | {len(sel)} | {near(1).mean():.2f} | {near(2).mean():.2f} | "
              f"{near(0.5).mean():.2f} |")

    print("\nAt the true period, primary SNR >= 10: recovered / true `depth1`")
    print("\n| class | n | median | 16th-84th percentile | within 10 % | within 20 % |")
    print("|---|---|---|---|---|---|")
    for c in classes:
        d = np.array([num(r, "depth1") / (1e6 * num(t, "depth1")) for r, t in rows
                      if t["class"] == c
                      and abs(num(r, "P_EB") / num(t, "period_d") - 1) < 0.01
                      and num(r, "snr1") >= 10])
        if len(d) == 0:
            continue
        lo, med, hi = np.percentile(d, [16, 50, 84])
        print(f"| {c} | {len(d)} | {med:.3f} | {lo:.3f}-{hi:.3f} | "
              f"{np.mean(np.abs(d - 1) < 0.1):.2f} | {np.mean(np.abs(d - 1) < 0.2):.2f} |")

    print("\nAt the true period, binaries with a true secondary at least 5 times its uncertainty:")
    print("\n| class | n | secondary significant | phase error median | phase within 0.01 "
          "| depth2 recovered / true, circular orbits (median) |")
    print("|---|---|---|---|---|---|")
    for c in classes:
        sel = [(r, t) for r, t in rows if t["class"] == c
               and abs(num(r, "P_EB") / num(t, "period_d") - 1) < 0.01
               and num(t, "depth2") * 1e6 > 5 * num(r, "depth2_err")]
        if not sel:
            continue
        sig = [(r, t) for r, t in sel if num(r, "snr2") >= num(r, "snr2_min")]
        err = np.array([phase_error(num(r, "phase2"), num(t, "phase2")) for r, t in sig])
        circ = np.array([num(r, "depth2") / (1e6 * num(t, "depth2")) for r, t in sig
                         if num(t, "ecc") < 0.01])
        print(f"| {c} | {len(sel)} | {len(sig) / len(sel):.2f} | "
              f"{np.median(err) if len(err) else float('nan'):.4f} | "
              f"{np.mean(err < 0.01) if len(err) else float('nan'):.2f} | "
              f"{np.median(circ) if len(circ) else float('nan'):.3f} |")

    flags = ["EB", "planet-like", "sinusoidal", "ambiguous"]
    right = lambda r, t: abs(num(r, "P_EB") / num(t, "period_d") - 1) < 0.01
    for title, keep in [("all catalog rows", lambda r, t: True),
                        ("rows folded at the true period", right),
                        ("rows folded at another period", lambda r, t: not right(r, t))]:
        print(f"\nFlags per class ({title}):\n")
        print("| class | n | " + " | ".join(flags) + " |")
        print("|---|---|" + "---|" * len(flags))
        for c in classes:
            sel = [r for r, t in rows if t["class"] == c and keep(r, t)]
            if sel:
                print(f"| {c} | {len(sel)} | " + " | ".join(
                    f"{sum(r['flag'] == f for r in sel) / len(sel):.2f}" for f in flags) + " |")

    print("\nAt equal p(EB): share flagged `planet-like` (all rows; in brackets, rows folded at "
          "the true period), by `p_max` bin:\n")
    print("| p_max | planets | planet-like | detached + blend | planet-like |")
    print("|---|---|---|---|---|")
    edges = [0.0, 0.5, 0.9, 0.99, 1.0001]

    def share(xs):
        if not xs:
            return "-"
        at = [(r, t) for r, t in xs if right(r, t)]
        frac = lambda ys: sum(r["flag"] == "planet-like" for r, _ in ys) / len(ys)
        return f"{frac(xs):.2f} ({frac(at):.2f} of {len(at)})" if at else f"{frac(xs):.2f} (-)"

    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = [(r, t) for r, t in rows if lo <= num(r, "p_max") < hi]
        pl = [(r, t) for r, t in sel if t["class"] == "planet"]
        eb = [(r, t) for r, t in sel if t["class"] in ("detached", "blend")]
        print(f"| {lo:g}-{min(hi, 1):g} | {len(pl)} | {share(pl)} | {len(eb)} | {share(eb)} |")

if __name__ == "__main__":
    main(*sys.argv[1:3])
