#!/usr/bin/env bash
# Does more data help? One CUDA run on more simulated light curves than 2 CPU cores can train on
# (docs/training.md, "GPU"), evaluated on the demo weights' test sets (seeds 12 and 14).
#
#   scripts/gpu-scale.sh WORKDIR [N120] [N200] [EPOCHS]     (defaults 13000, 3000 and 20)
#
# 171 s on one H200 with 16 cores (2026-11-26); about 32 GB of disk (1.9 MB per light curve).
# CALNET as in gpu-check.sh.
set -euo pipefail
[[ $# -ge 1 && $# -le 4 ]] || { echo "usage: $0 WORKDIR [N120] [N200] [EPOCHS]" >&2; exit 2; }
CALNET=$(realpath "${CALNET:-$(dirname "$0")/../target/release/calnet}")
N120=${2:-13000}
N200=${3:-3000}
EPOCHS=${4:-20}
mkdir -p "$1" && cd "$1"
SIM=(--blend-label 1 --min-snr 20 --eclipse-every-segment --threads "$(nproc)")

simulate() { # DIR N SEED CADENCE
    [[ -f $1/labels.csv ]] || "$CALNET" simulate --out "$1" --n "$2" --seed "$3" --cadence "$4" "${SIM[@]}"
}
simulate test120 600 12 120
simulate test200 300 14 200
simulate train120 "$N120" 41 120
simulate train200 "$N200" 43 200
{ cat train120/labels.csv; tail -n +2 train200/labels.csv; } > train-labels.csv
"$CALNET" train --data train120 train200 --labels train-labels.csv --out run --cache cache \
    --epochs "$EPOCHS" --batch 128 --lr-schedule cosine --device cuda --seed 42 \
    | grep -v 'batch [0-9]*/'
for t in test120 test200; do
    "$CALNET" evaluate --weights run/best.safetensors --data $t --labels $t/labels.csv \
        --cache cache --out eval-$t --device cuda
done
