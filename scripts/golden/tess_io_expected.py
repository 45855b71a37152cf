#!/usr/bin/env python3
"""Write fixtures/golden/tess-io/expected.json: what astropy reads from every fixture.

For each file in fixtures/lc/*.fits: header values, row count, SHA-256 of the columns tess-io
returns (big-endian bytes, as stored), and per-mask counts of rows dropped for each reason
(QUALITY first, then non-finite TIME, then non-finite flux: the order docs/tess-io.md gives).
The product is taken from fixtures/lc/PROVENANCE.tsv (what the archive says the file is),
not from header rules, so the Rust detection is checked against an independent source.

Run with the project's venv:  .venv/bin/python scripts/golden/tess_io_expected.py
"""
import csv
import hashlib
import json
import pathlib

import numpy as np
from astropy.io import fits

ROOT = pathlib.Path(__file__).resolve().parents[2]
LC = ROOT / "fixtures" / "lc"
OUT = ROOT / "fixtures" / "golden" / "tess-io" / "expected.json"

# lightkurve's TessQualityFlags presets (src/lightkurve/utils.py); Reference = QUALITY == 0.
MASKS = {"reference": 0xFFFFFFFF, "default": 175, "hard": 7407, "hardest": 65535, "none": 0}
PRODUCTS = {"SPOC": "Spoc", "TESS-SPOC": "TessSpoc", "QLP": "Qlp", "SPOC-alert": "SpocAlert"}
GAP_DAYS = 0.75


def value(header, key, qlp):
    v = header.get(key)
    if v is None or isinstance(v, fits.card.Undefined):
        return None
    if qlp and v == -1:  # QLP writes -1 for unknown stellar parameters
        return None
    return v


def sha(col):
    return hashlib.sha256(np.ascontiguousarray(col).astype(col.dtype.newbyteorder(">")).tobytes()).hexdigest()


def drops(quality, time, flux, bitmask):
    bad_q = (quality.astype(np.int64) & bitmask) != 0
    bad_t = ~bad_q & ~np.isfinite(time)
    bad_f = ~bad_q & ~bad_t & ~np.isfinite(flux)
    kept = ~(bad_q | bad_t | bad_f)
    return kept, {
        "kept": int(kept.sum()),
        "quality": int(bad_q.sum()),
        "nonfinite_time": int(bad_t.sum()),
        "nonfinite_flux": int(bad_f.sum()),
    }


def segments(time):
    if len(time) == 0:
        return []
    cuts = np.flatnonzero(np.diff(time) > GAP_DAYS) + 1
    return [int(len(s)) for s in np.split(time, cuts)]


def main():
    with open(LC / "PROVENANCE.tsv") as f:
        provenance = {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}
    out = {}
    for path in sorted(LC.glob("*.fits")):
        with fits.open(path) as hdul:
            p = hdul[0].header
            t = hdul["LIGHTCURVE"].header
            d = hdul["LIGHTCURVE"].data
            product = PRODUCTS[provenance[path.name]["product"]]
            qlp = product == "Qlp"
            flux_col = "KSPSAP_FLUX" if qlp else "PDCSAP_FLUX"
            time = np.asarray(d["TIME"])
            flux = np.asarray(d[flux_col])
            quality = np.asarray(d["QUALITY"])
            entry = {
                "product": product,
                "tic": int(p["TICID"]),
                "sector": p.get("SECTOR"),
                "camera": p.get("CAMERA"),
                "ccd": p.get("CCD"),
                "tmag": value(p, "TESSMAG", qlp),
                "teff": value(p, "TEFF", qlp),
                "logg": value(p, "LOGG", qlp),
                "radius": value(p, "RADIUS", qlp),
                "ra": value(p, "RA_OBJ", qlp),
                "dec": value(p, "DEC_OBJ", qlp),
                "cadence_s": round(float(t["TIMEDEL"]) * 86400.0, 3),
                "rows": int(len(d)),
                "flux_column": flux_col,
                "sha256": {
                    "TIME": sha(time),
                    "FLUX": sha(flux),
                    "FLUX_ERR": sha(np.asarray(d[flux_col + "_ERR"])),
                    "QUALITY": sha(quality),
                    "CADENCENO": sha(np.asarray(d["CADENCENO"])),
                },
                "masks": {},
            }
            for name, bits in MASKS.items():
                kept, counts = drops(quality, time, flux, bits)
                counts["segments"] = segments(time[kept])
                entry["masks"][name] = counts
            # SAP_FLUX on request: same cut, another flux column.
            _, sap = drops(quality, time, np.asarray(d["SAP_FLUX"]), MASKS["reference"])
            entry["sap_reference"] = sap
            out[path.name] = entry
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(out)} files)")


if __name__ == "__main__":
    main()
