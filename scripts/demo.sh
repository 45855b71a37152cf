#!/usr/bin/env bash
# The README's demo, what `make demo` runs once the release binary is built: `calnet classify` on
# the committed light curves (9 real TESS files in fixtures/lc, 6 simulated ones in fixtures/sim)
# with the committed demo weights; prints the summary, the catalog and where the sheets are.
# Then the full-frame-image weights on 30-minute light curves: a real binary of the TESSellator
# set and the two 30-minute files of the planet host WASP-100 (TIC 38846515).
set -euo pipefail
cd "$(dirname "$0")/.."

CALNET=${CALNET:-target/release/calnet}
WEIGHTS=${WEIGHTS:-fixtures/weights/calnet-sim.safetensors}
OUT=${OUT:-target/demo}
FFI_WEIGHTS=${FFI_WEIGHTS:-fixtures/weights/calnet-ffi.safetensors}
FFI_OUT=${FFI_OUT:-target/demo-ffi}

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

echo
echo "30-minute light curves with the FFI weights ($FFI_WEIGHTS; their feature config is in the file):"
rm -rf "$FFI_OUT"
ffi_status=0
"$CALNET" classify fixtures/tessellator/lc \
    fixtures/lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits \
    fixtures/lc/hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits \
    --weights "$FFI_WEIGHTS" --out "$FFI_OUT" --device cpu --plots candidates || ffi_status=$?
echo
echo "segments ($FFI_OUT/segments.csv; TIC 158635832 is a binary, TIC 38846515 a planet host):"
cut -d, -f2,3,4,8,9 "$FFI_OUT/segments.csv"
echo "vetting sheets: $FFI_OUT/sheets/"
ls "$FFI_OUT/sheets"
[[ $status -ne 0 ]] && exit $status
exit $ffi_status
