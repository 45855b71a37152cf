"""Golden files for calnet-train's cross-checks.

Rerun: .venv/bin/python scripts/golden/train_golden.py

- metrics.json: scores with many ties and labels, with accuracy, precision, recall, F1 and
  ROC-AUC computed here with numpy (AUC by the Mann-Whitney statistic with average ranks,
  which is what scikit-learn's roc_auc_score gives with ties).
- adam.safetensors: torch.optim.Adam(amsgrad=True) on two parameters fed fixed gradients;
  initial values, each step's gradients and the parameters after every step.
"""
import json
import pathlib

import numpy as np
import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "calnet-train"
OUT.mkdir(parents=True, exist_ok=True)


def average_ranks(x):
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def metrics(scores, labels):
    pred = scores > np.float32(0.5)
    pos = labels == 1
    tp = int(np.sum(pred & pos))
    fp = int(np.sum(pred & ~pos))
    tn = int(np.sum(~pred & ~pos))
    fn = int(np.sum(~pred & pos))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    auc = None
    if n_pos and n_neg:
        r = average_ranks(scores.astype(np.float64))
        auc = (r[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
    return dict(tp=tp, fp=fp, tn=tn, fn=fn, accuracy=(tp + tn) / len(labels),
                precision=precision, recall=recall, f1=f1, roc_auc=auc)


rng = np.random.default_rng(20260417)
cases = []
for n, decimals in [(10, 1), (57, 1), (200, 2), (1000, 3), (333, 6), (5, 1)]:
    labels = (rng.random(n) < 0.4).astype(np.uint8)
    # Scores correlated with labels, rounded so that many tie (across classes too).
    raw = np.clip(0.35 * labels + rng.random(n) * 0.65, 0, 1)
    scores = np.round(raw, decimals).astype(np.float32)
    cases.append(dict(scores=scores.tolist(), labels=labels.tolist(), expected=metrics(scores, labels)))
one = np.ones(4, dtype=np.uint8)
cases.append(dict(scores=[0.2, 0.6, 0.7, 0.9], labels=one.tolist(),
                  expected=metrics(np.array([0.2, 0.6, 0.7, 0.9], dtype=np.float32), one)))
(OUT / "metrics.json").write_text(json.dumps(cases))

torch.manual_seed(7)
a0 = torch.randn(3, 4)
b0 = torch.randn(5)
a = a0.clone().requires_grad_(True)
b = b0.clone().requires_grad_(True)
opt = torch.optim.Adam([a, b], lr=1e-2, amsgrad=True)
tensors = {"init.a": a0, "init.b": b0}
for step in range(6):
    # Gradients of varying scale so that the running maximum of v matters.
    ga = torch.randn(3, 4) * (3.0 if step == 1 else 0.5)
    gb = torch.randn(5) * (0.1 if step > 2 else 2.0)
    a.grad = ga.clone()
    b.grad = gb.clone()
    opt.step()
    tensors[f"grad{step}.a"] = ga
    tensors[f"grad{step}.b"] = gb
    tensors[f"after{step}.a"] = a.detach().clone()
    tensors[f"after{step}.b"] = b.detach().clone()
save_file({k: v.contiguous() for k, v in tensors.items()}, str(OUT / "adam.safetensors"))
print("wrote", OUT)
