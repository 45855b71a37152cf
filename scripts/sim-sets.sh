# Simulated training and test sets for the training scripts (demo-weights.sh, gpu-scale.sh);
# sourced, not run. The caller sets CALNET (the binary) and SIM (options of `calnet simulate`).
# Each function skips what an earlier, interrupted run already finished.

# A set of light curves: DIR/*.fits and DIR/labels.csv.
simulate() { # DIR N SEED CADENCE
    [[ -f $1/labels.csv ]] || "$CALNET" simulate --out "$1" --n "$2" --seed "$3" --cadence "$4" "${SIM[@]}"
}

# A set kept only as reference-layout features, DIR/{lc,gls,labels}.csv: its FITS files (1.9 MB
# each, against 0.11 MB of CSV) are deleted, so the disk holds one set's FITS at a time.
feature_set() { # DIR N SEED CADENCE
    [[ -f $1/labels.csv ]] && return 0
    simulate "$1-fits" "$2" "$3" "$4"
    "$CALNET" features --out "$1" "$1-fits"
    cp "$1-fits/labels.csv" "$1/labels.csv"
    rm -rf "$1-fits"
}

# Feature sets as one: OUT/{lc,gls}.csv in the order given (row i of one file goes with row i of
# the other) and one labels table.
merge_feature_sets() { # OUT DIR...
    local out=$1 part d; shift
    mkdir -p "$out"
    for part in lc gls; do
        for d in "$@"; do cat "$d/$part.csv"; done > "$out/$part.csv"
    done
    local labels=()
    for d in "$@"; do labels+=("$d/labels.csv"); done
    merge_labels "$out/labels.csv" "${labels[@]}"
}

# One labels table from several: the first header, then every row.
merge_labels() { # OUT IN...
    local out=$1 f; shift
    head -n 1 "$1" > "$out.tmp"
    for f in "$@"; do tail -n +2 "$f" >> "$out.tmp"; done
    mv "$out.tmp" "$out"
}
