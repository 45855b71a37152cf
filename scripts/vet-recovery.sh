#!/usr/bin/env bash
# The vetting metrics against simulated truth (docs/classify.md, "Vetting metrics on simulated
# light curves"): simulates detached binaries, blends and transiting planets with `calnet
# simulate`, classifies them with `calnet classify` (a low threshold, so that most of them reach
# the catalog and get vetted), and compares the catalog's metrics with labels.csv.
#
#   scripts/vet-recovery.sh [WORKDIR] [N] [SEED]     (defaults target/vet-recovery, 600, 21)
#
# CALNET: the binary (default target/release/calnet); WEIGHTS (default the demo weights);
# CADENCE (default 200 s: TESS-SPOC light curves, 1.1 MB each; 600 s and 1800 s leave most
# segments under the 2000 points CALNET needs); THRESHOLD (default 0.05).
# A rerun reuses the simulated set and resumes the classification.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CALNET=$(realpath "${CALNET:-$HERE/../target/release/calnet}")
WEIGHTS=$(realpath "${WEIGHTS:-$HERE/../fixtures/weights/calnet-sim.safetensors}")
PYTHON=${PYTHON:-$HERE/../.venv/bin/python}
WORK=${1:-$HERE/../target/vet-recovery}
N=${2:-600}
SEED=${3:-21}
CADENCE=${CADENCE:-200}
THRESHOLD=${THRESHOLD:-0.05}
mkdir -p "$WORK"
if [[ ! -f $WORK/sim/labels.csv ]]; then
    "$CALNET" simulate --out "$WORK/sim" --n "$N" --seed "$SEED" --cadence "$CADENCE" \
        --classes detached,blend,planet --eb-fraction 0.5 --min-snr 10 --eclipse-every-segment
fi
"$CALNET" classify "$WORK/sim" --weights "$WEIGHTS" --out "$WORK/run" --device cpu \
    --plots none --threshold "$THRESHOLD"
"$PYTHON" "$HERE/vet_recovery.py" "$WORK/sim/labels.csv" "$WORK/run/catalog.csv"
