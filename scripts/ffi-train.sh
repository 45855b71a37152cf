#!/usr/bin/env bash
# A full-frame-image (FFI) training set and a CPU fine-tune from the 2-minute demo weights
# (docs/training.md, "Real 30-minute data"):
#
#   nice -n 19 scripts/ffi-train.sh WORKDIR [N_SIM] [EPOCHS]
#
# 1. Simulated FFI light curves: N_SIM (default 2000) each at 1800, 600 and 200 s (seeds 61-63),
#    drawn so that each segment shows its label (--blend-label 1 --min-snr 20
#    --eclipse-every-segment, as the demo weights' sets).
# 2. The real TESSellator set's training split (fixtures/tessellator/split.csv, made by
#    `calnet curate`): label 0 as it is, label 1 only where signal_ok is 1; its validation split
#    the same way, for `calnet evaluate` only. The test split is used by nothing here.
# 3. `calnet train --init fixtures/weights/calnet-sim.safetensors` on both (8 epochs at
#    --lr 5e-4, batch 64, as the demo weights' second stage), then `calnet evaluate` of the best weights on the real validation split.
#
# Environment: CALNET (a `calnet` built with `--features torch`; default target/release/calnet),
# TESSELLATOR (the set's folder; default ../shared/data/tessellator beside the repository),
# FEATURES (the feature-config options of `calnet train`; default `--feature-config ffi`: the
# reference config keeps no 30-minute segment; `calnet evaluate` takes the config from the
# weights' record), THREADS (default 2).
# Every step skips what an earlier, interrupted run finished; training resumes.
set -euo pipefail
[[ $# -ge 1 && $# -le 3 ]] || { echo "usage: $0 WORKDIR [N_SIM] [EPOCHS]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CALNET=${CALNET:-$ROOT/target/release/calnet}
TESSELLATOR=$(cd "${TESSELLATOR:-$ROOT/../shared/data/tessellator}" && pwd)
read -r -a FEATURES <<< "${FEATURES:---feature-config ffi}"
THREADS=${THREADS:-2}
N_SIM=${2:-2000}
EPOCHS=${3:-8}
SPLIT=$ROOT/fixtures/tessellator/split.csv
mkdir -p "$1" && cd "$1"

SIM=(--blend-label 1 --min-snr 20 --eclipse-every-segment --threads "$THREADS")
# shellcheck source=sim-sets.sh
source "$ROOT/scripts/sim-sets.sh"

for spec in "sim1800 61 1800" "sim600 62 600" "sim200 63 200"; do
    read -r dir seed cadence <<< "$spec"
    simulate "$dir" "$N_SIM" "$seed" "$cadence"
done

# A real split as a folder of links and a `file,label` table (dropped binaries left out).
real_split() { # NAME
    local dir=real-$1
    [[ -f $dir/labels.csv ]] && return 0
    mkdir -p "$dir"
    awk -F, -v s="$1" 'NR > 1 && $5 == s && $6 != "0" { print $1 "," $3 }' "$SPLIT" > "$dir/rows"
    cut -d, -f1 "$dir/rows" | while read -r f; do ln -sf "$TESSELLATOR/$f" "$dir/$f"; done
    { echo "file,label"; cat "$dir/rows"; } > "$dir/labels.csv.tmp"
    rm "$dir/rows"
    mv "$dir/labels.csv.tmp" "$dir/labels.csv"
}
real_split train
real_split validation

# `file,label` of every training file, from tables whose columns differ.
file_label() { # LABELS.csv
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "file") f = i; if ($i == "label") l = i }; next }
             { print $f "," $l }' "$1"
}
{
    echo "file,label"
    for t in sim1800 sim600 sim200 real-train; do file_label "$t/labels.csv"; done
} > train-labels.csv

epochs_done() { # DIR
    sed -n 's/^ *"epochs_done": *\([0-9]*\).*/\1/p' "$1/checkpoint/state.json" 2>/dev/null || true
}
done_epochs=$(epochs_done run)
if [[ ${done_epochs:-0} -lt $EPOCHS ]]; then
    resume=(); [[ -n $done_epochs ]] && resume=(--resume)
    "$CALNET" train --data sim1800 sim600 sim200 real-train --labels train-labels.csv \
        --out run --cache cache --init "$ROOT/fixtures/weights/calnet-sim.safetensors" \
        --epochs "$EPOCHS" --lr 5e-4 --batch 64 --device cpu --threads "$THREADS" --seed 42 \
        "${FEATURES[@]}" "${resume[@]}"
fi
"$CALNET" evaluate --weights run/best.safetensors --data real-validation \
    --labels real-validation/labels.csv --cache cache --out eval-real-validation \
    --device cpu --threads "$THREADS"
