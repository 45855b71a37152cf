#!/usr/bin/env bash
# The README's demo, what `make demo` runs once the release binary is built: `calnet classify` on
# the committed light curves (9 real TESS files in fixtures/lc, 6 simulated ones in fixtures/sim)
# with the committed demo weights; prints the summary, the catalog and where the sheets are.
set -euo pipefail
cd "$(dirname "$0")/.."

CALNET=${CALNET:-target/release/calnet}
WEIGHTS=${WEIGHTS:-fixtures/weights/calnet-sim.safetensors}
OUT=${OUT:-target/demo}

if [[ ! -f "$WEIGHTS" ]]; then
    echo "demo: $WEIGHTS is missing (the demo weights); set WEIGHTS=FILE to use other weights" >&2
    exit 2
fi
# A fresh run each time (a rerun into the same folder would resume, and finish at once).
rm -rf "$OUT"
status=0
"$CALNET" classify fixtures/lc fixtures/sim --weights "$WEIGHTS" --out "$OUT" --device cpu \
    --plots candidates || status=$?
echo
echo "catalog ($OUT/catalog.dat, astropy fixed_width_two_line):"
cat "$OUT/catalog.dat"
echo
echo "vetting sheets: $OUT/sheets/ (open them with any image viewer)"
ls "$OUT/sheets"
echo "simulated truth for comparison: fixtures/sim/labels.csv (label 1 = eclipsing binary)"
exit $status
