#!/usr/bin/env bash
# CUDA training check (docs/training.md, "GPU"): simulate a small labelled set, train on the GPU,
# then one epoch on the CPU of the same machine for a throughput ratio. The data (seed 31) and the
# training options are those of the CPU comparison run in docs/training.md, so the GPU's
# per-epoch metrics can be laid beside it.
#
#   scripts/gpu-check.sh WORKDIR [N_CURVES] [EPOCHS]        (defaults 1000 and 10)
#
# CALNET names the binary (default target/release/calnet); it must find libtorch with CUDA
# (LD_LIBRARY_PATH or its rpath). Prints the card, each run's metrics.csv and wall times.
# Needs `calnet train` and `calnet evaluate`: build with `cargo build --release -p calnet-cli --features torch`.
set -euo pipefail
[[ $# -ge 1 && $# -le 3 ]] || { echo "usage: $0 WORKDIR [N_CURVES] [EPOCHS]" >&2; exit 2; }
CALNET=$(realpath "${CALNET:-$(dirname "$0")/../target/release/calnet}")
N=${2:-1000}
EPOCHS=${3:-10}
mkdir -p "$1" && cd "$1"

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader \
    || echo "nvidia-smi failed: is there a GPU?"
THREADS=$(nproc)
SIM=(--blend-label 1 --min-snr 20 --eclipse-every-segment)
TRAIN=(--data sim --labels sim/labels.csv --batch 64 --seed 42 --cache cache --threads "$THREADS")

timed() { # LABEL COMMAND...
    local label=$1 t0; shift
    t0=$(date +%s%N)
    "$@"
    echo "$label: $(( ($(date +%s%N) - t0) / 1000000 )) ms wall"
}

[[ -f sim/labels.csv ]] \
    || timed simulate "$CALNET" simulate --out sim --n "$N" --seed 31 --cadence 120 \
        --threads "$THREADS" "${SIM[@]}"
# The first run computes the features into the cache; the CPU run below reads them.
timed "train cuda ($EPOCHS epochs, features included)" \
    "$CALNET" train --out cuda --epochs "$EPOCHS" --device cuda "${TRAIN[@]}"
timed "train cpu (1 epoch, $THREADS threads)" \
    "$CALNET" train --out cpu --epochs 1 --device cpu "${TRAIN[@]}"

for run in cuda cpu; do
    echo "== $run/metrics.csv"
    cat "$run/metrics.csv"
done
