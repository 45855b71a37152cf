#!/usr/bin/env bash
# Does more data help? One CUDA run on more simulated light curves than 2 CPU cores can train on
# (docs/training.md, "GPU"), evaluated on the demo weights' test sets (seeds 12 and 14).
#
#   scripts/gpu-scale.sh WORKDIR [N120] [N200] [EPOCHS] [ROUNDS]   (defaults 13000, 3000, 20, 1)
#
# Round r (from 0) draws N120 light curves at 120 s with seed 41+4r and N200 at 200 s with seed
# 43+4r, so two rounds hold the one-round set and as much again. Each set becomes
# reference-layout feature CSVs (`calnet features`, 0.11 MB per light curve) and its FITS files
# (1.9 MB each) are deleted before the next is drawn, so the disk holds one set's FITS at a time.
# One round: 171 s on one H200 with 16 cores (2026-11-26, features then cached, not CSVs); two
# rounds: 525 s on one H100 with 16 cores, about 30 GB of disk at its peak.
# CALNET as in gpu-check.sh; DEVICE (default cuda) lets a CPU try the script on a few curves.
# Needs `calnet train` and `calnet evaluate`: build with `cargo build --release -p calnet-cli --features torch`.
set -euo pipefail
[[ $# -ge 1 && $# -le 5 ]] || { echo "usage: $0 WORKDIR [N120] [N200] [EPOCHS] [ROUNDS]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
CALNET=$(realpath "${CALNET:-$HERE/../target/release/calnet}")
N120=${2:-13000}
N200=${3:-3000}
EPOCHS=${4:-20}
ROUNDS=${5:-1}
DEVICE=${DEVICE:-cuda}
mkdir -p "$1" && cd "$1"
SIM=(--blend-label 1 --min-snr 20 --eclipse-every-segment --threads "$(nproc)")

# shellcheck source=sim-sets.sh
source "$HERE/sim-sets.sh"
simulate test120 600 12 120
simulate test200 300 14 200

# The rounds asked for, in order (not whatever an earlier, longer run left in WORKDIR).
sets=()
for ((r = 0; r < ROUNDS; r++)); do
    for spec in "$((41 + 4 * r)) 120 $N120" "$((43 + 4 * r)) 200 $N200"; do
        read -r seed cadence n <<< "$spec"
        feature_set features/$seed "$n" "$seed" "$cadence"
        sets+=("features/$seed")
    done
done
merge_feature_sets train "${sets[@]}"

"$CALNET" train --features train --labels train/labels.csv --out run \
    --epochs "$EPOCHS" --batch 128 --lr-schedule cosine --device "$DEVICE" --seed 42 \
    | grep -v 'batch [0-9]*/'
for t in test120 test200; do
    "$CALNET" evaluate --weights run/best.safetensors --data $t --labels $t/labels.csv \
        --cache cache --out eval-$t --device "$DEVICE"
done
