#!/usr/bin/env python3
"""Reference CALNet network (CNN_CBAM_LSTM_model of github.com/wangleon/CALNet) and the weight files the Rust tests load.

The module below is written from the architecture description, with the attribute names that
give the published state_dict keys. The Rust tests (crates/calnet-model/tests/) run this script
at test time into a temporary folder; nothing it writes is committed (model.pth is 35 MB).

    model_reference.py make OUT [--variant V] [--batch B] [--seed S]
        OUT/model.pth          weights saved as the variant says (default: a plain
                               `torch.save(model.state_dict(), path)`)
        OUT/expected.safetensors  inputs `x1` [B,1,4000], `x2` [B,1,1000], Python's `logits`
                               and `prob` (softmax) in float32, and every state_dict tensor as
                               the model holds it after loading, under `w.<key>`
    model_reference.py check-safetensors WEIGHTS EXPECTED OUT
        loads WEIGHTS (safetensors written by Rust) with load_state_dict(strict=True), runs the
        inputs of EXPECTED and writes OUT (safetensors: `prob`, `logits`)

Variants: state_dict (default), dict (a plain dict instead of the OrderedDict), fp16, bf16
(every tensor in that dtype; `w.<key>` holds the float32 up-cast the model ends up with),
noncontig (some tensors are transposed or offset views of a larger storage, one storage shared
by two tensors), whole (torch.save(model): a whole pickled model), other (the state_dict of a
different model), legacy (the pre-1.6 non-zip format), wrongshape (fc2.3.weight of shape
[3, 1024]), extra (one unexpected key), missing (fc2.3.bias left out).
"""
import argparse
import collections
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file


class ChannelAttention(nn.Module):
    def __init__(self, channels, ratio=8):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool1d(1)
        self.max_pool = nn.AdaptiveMaxPool1d(1)
        self.fc = nn.Sequential(
            nn.Conv1d(channels, channels // ratio, 1, bias=False),
            nn.ReLU(),
            nn.Conv1d(channels // ratio, channels, 1, bias=False),
        )

    def forward(self, x):
        return torch.sigmoid(self.fc(self.avg_pool(x)) + self.fc(self.max_pool(x)))


class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv1 = nn.Conv1d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        avg = torch.mean(x, dim=1, keepdim=True)
        mx, _ = torch.max(x, dim=1, keepdim=True)
        return torch.sigmoid(self.conv1(torch.cat([avg, mx], dim=1)))


class CBAM(nn.Module):
    def __init__(self, channels, ratio=8, kernel_size=7):
        super().__init__()
        self.channel_attention = ChannelAttention(channels, ratio)
        self.spatial_attention = SpatialAttention(kernel_size)

    def forward(self, x):
        x = x * self.channel_attention(x)
        return x * self.spatial_attention(x)


class CNN_CBAM_LSTM_model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lcbranch = nn.Sequential(
            nn.Conv1d(1, 64, 7, padding=3), nn.ReLU(), CBAM(64), nn.MaxPool1d(4),
            nn.Conv1d(64, 128, 7, padding=3), nn.ReLU(), CBAM(128), nn.MaxPool1d(4),
            nn.Conv1d(128, 256, 7, padding=3), nn.ReLU(), nn.MaxPool1d(4),
        )
        self.lstm1 = nn.LSTM(256, 128, 2, batch_first=True)
        self.glsbranch = nn.Sequential(
            nn.Conv1d(1, 32, 7, padding=3), nn.ReLU(), CBAM(32), nn.MaxPool1d(4),
            nn.Conv1d(32, 64, 7, padding=3), nn.ReLU(), CBAM(64), nn.MaxPool1d(4),
        )
        self.lstm2 = nn.LSTM(64, 64, 2, batch_first=True)
        self.maxpool = nn.MaxPool1d(4)  # defined and unused, as in the original
        self.fc2 = nn.Sequential(
            nn.Linear(62 * 128, 1024), nn.Sigmoid(), nn.Dropout(0.5), nn.Linear(1024, 2),
        )

    def fused(self, x1, x2):
        x1 = self.lcbranch(x1).permute(0, 2, 1)
        x1, _ = self.lstm1(x1)
        x1 = x1.reshape(x1.shape[0], -1)
        x2 = self.glsbranch(x2).permute(0, 2, 1)
        x2, _ = self.lstm2(x2)
        x2 = x2.reshape(x2.shape[0], -1).repeat(1, 2)
        return x1 + x2

    def logits(self, x1, x2):
        return self.fc2(self.fused(x1, x2))

    def forward(self, x1, x2):
        return F.softmax(self.logits(x1, x2), dim=1)


class OtherModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 8, 3)
        self.fc = nn.Linear(8, 2)


def sensitise(model, gain=1.5):
    """Redraws the weights so that the output depends on the input.

    With PyTorch's default initialisation p(EB) is the same to 1e-4 for every input, which would
    let a wrong layer pass the comparison; these scales keep activations alive through the
    ReLUs, the attention and the LSTMs.
    """
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                fan_in = p[0].numel()
                std = gain / math.sqrt(fan_in) if name.startswith("lstm") else gain * math.sqrt(2.0 / fan_in)
                p.normal_(0.0, std)
            else:
                p.normal_(0.0, 0.1)


def inputs(batch):
    """Light curves with periodic dips and noise, periodograms with a few peaks, in [0, 1]."""
    t = torch.linspace(0, 1, 4000)
    x1 = torch.empty(batch, 1, 4000)
    for b in range(batch):
        period = 0.02 + 0.3 * torch.rand(()).item()
        phase = torch.rand(()).item()
        depth = 0.05 + 0.9 * torch.rand(()).item()
        width = 0.002 + 0.02 * torch.rand(()).item()
        dist = torch.remainder(t / period + phase, 1.0)
        dist = torch.minimum(dist, 1 - dist) * period
        flux = 1 - depth * torch.exp(-0.5 * (dist / width) ** 2)
        flux += 0.2 * torch.rand(()).item() * torch.sin(2 * math.pi * t / (0.5 + torch.rand(()).item()))
        flux += 0.05 * torch.randn(4000)
        x1[b, 0] = (flux - flux.min()) / (flux.max() - flux.min())
    i = torch.arange(1000.0)
    x2 = 0.05 * torch.rand(batch, 1, 1000)
    for b in range(batch):
        for _ in range(1 + int(torch.randint(0, 4, ()).item())):
            c, w = 1000 * torch.rand(()).item(), 1 + 20 * torch.rand(()).item()
            x2[b, 0] += torch.rand(()).item() * torch.exp(-0.5 * ((i - c) / w) ** 2)
        x2[b, 0] = (x2[b, 0] - x2[b, 0].min()) / (x2[b, 0].max() - x2[b, 0].min())
    return x1, x2


def noncontig(sd):
    """Same values, stored as views: transposed, offset into a larger storage, shared storage."""
    out = collections.OrderedDict(sd)
    w = sd["fc2.3.weight"]  # [2, 1024]
    out["fc2.3.weight"] = w.t().contiguous().t()  # stride (1, 2)
    assert not out["fc2.3.weight"].is_contiguous()
    b = sd["lcbranch.0.bias"]  # [64]
    big = torch.randn(b.numel() + 17)
    big[17:] = b
    out["lcbranch.0.bias"] = big[17:]  # storage offset 17
    w = sd["lstm1.weight_hh_l0"]  # [512, 128]
    big = torch.randn(512, 256)
    big[:, 100:228] = w
    out["lstm1.weight_hh_l0"] = big[:, 100:228]  # row stride 256, offset 100
    bi, bh = sd["lstm2.bias_ih_l1"], sd["lstm2.bias_hh_l1"]
    both = torch.cat([bi, bh])
    out["lstm2.bias_ih_l1"], out["lstm2.bias_hh_l1"] = both[: bi.numel()], both[bi.numel():]
    return out


def make(args):
    torch.manual_seed(args.seed)
    model = CNN_CBAM_LSTM_model().eval()
    sensitise(model)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.pth")
    sd = model.state_dict()
    v = args.variant
    if v in ("fp16", "bf16"):
        dtype = torch.float16 if v == "fp16" else torch.bfloat16
        low = collections.OrderedDict((k, t.to(dtype)) for k, t in sd.items())
        torch.save(low, path)
        model.load_state_dict({k: t.float() for k, t in low.items()})
    elif v == "noncontig":
        torch.save(noncontig(sd), path)
    elif v == "dict":
        torch.save(dict(sd), path)
    elif v == "whole":
        torch.save(model, path)
    elif v == "other":
        torch.save(OtherModel().state_dict(), path)
    elif v == "legacy":
        torch.save(sd, path, _use_new_zipfile_serialization=False)
    elif v == "wrongshape":
        bad = collections.OrderedDict(sd)
        bad["fc2.3.weight"] = torch.randn(3, 1024)
        torch.save(bad, path)
    elif v == "extra":
        bad = collections.OrderedDict(sd)
        bad["fc3.weight"] = torch.randn(2, 2)
        torch.save(bad, path)
    elif v == "missing":
        bad = collections.OrderedDict(sd)
        del bad["fc2.3.bias"]
        torch.save(bad, path)
    elif v == "state_dict":
        torch.save(sd, path)
    else:
        raise SystemExit(f"unknown variant {v}")

    x1, x2 = inputs(args.batch)
    with torch.no_grad():
        logits = model.logits(x1, x2)
        prob = model(x1, x2)
        fused = model.fused(x1, x2)
    tensors = {"x1": x1, "x2": x2, "logits": logits, "prob": prob, "fused": fused}
    for k, t in model.state_dict().items():
        tensors["w." + k] = t.contiguous()
    save_file(tensors, os.path.join(args.out, "expected.safetensors"))


def check_safetensors(args):
    torch.manual_seed(0)
    model = CNN_CBAM_LSTM_model().eval()
    model.load_state_dict(load_file(args.weights), strict=True)
    exp = load_file(args.expected)
    with torch.no_grad():
        out = {"logits": model.logits(exp["x1"], exp["x2"]), "prob": model(exp["x1"], exp["x2"])}
    save_file(out, args.out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--variant", default="state_dict")
    m.add_argument("--batch", type=int, default=4)
    m.add_argument("--seed", type=int, default=5)
    c = sub.add_parser("check-safetensors")
    c.add_argument("weights")
    c.add_argument("expected")
    c.add_argument("out")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    {"make": make, "check-safetensors": check_safetensors}[args.cmd](args)


if __name__ == "__main__":
    main()
