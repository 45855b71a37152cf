#!/usr/bin/env python3
"""What astropy reads from a community (HLSP) or lightkurve light curve, by docs/tess-io.md's
rules, written independently of tess-io: JSON on stdout for crates/tess-io/tests/hlsp.rs.

    .venv/bin/python scripts/golden/hlsp_expected.py FILE

Floats are given as their IEEE bits (time float64, flux and its error float32, as tess-io
returns them), so the Rust test compares bit for bit, NaN payloads included.
"""
import json
import struct
import sys

import numpy as np
from astropy.io import fits

BTJD = 2457000.0


def bits64(a):
    return [struct.unpack("<Q", struct.pack("<d", float(x)))[0] for x in a]


def bits32(a):
    return [int(x) for x in np.asarray(a, dtype=np.float32).view(np.uint32)]


def column(table, name):
    names = {n.lower(): n for n in table.columns.names}
    return np.asarray(table.data[names[name.lower()]])


def parse_tic(v):
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v) if v > 0 else None
    s = str(v).strip()
    if s[:3].upper() == "TIC":
        s = s[3:].lstrip(" -_:")
    return int(s) if s.isdigit() and int(s) > 0 else None


def main(path):
    with fits.open(path) as hdul:
        p = hdul[0].header
        origin = str(p.get("ORIGIN", "")).upper()
        if "TASOC" in origin:
            product, flux_name = "Tasoc", "FLUX_CORR"
        elif "TGLC" in origin:
            product, flux_name = "Tglc", "cal_psf_flux"
        elif "LITE" in p and "PCORIGIN" in p:
            product, flux_name = "Eleanor", "CORR_FLUX"
        elif "lightkurve" in str(p.get("CREATOR", "")).lower():
            product, flux_name = "Lightkurve", "FLUX"
        else:
            raise SystemExit(f"{path}: not one of the layouts this script knows")
        t = hdul[1] if product == "Eleanor" else hdul["LIGHTCURVE"]
        n = len(t.data)
        time = column(t, "TIME").astype(np.float64)
        if product == "Lightkurve":
            unit = t.columns[[c.lower() for c in t.columns.names].index("time")].unit
            if unit and unit.lower() in ("jd", "bjd"):
                time = time - BTJD
        else:
            ref = t.header.get("BJDREFI", BTJD) + t.header.get("BJDREFF", t.header.get("BJDREFR", 0.0))
            if ref != BTJD:
                time = time + (ref - BTJD)
        flux = column(t, flux_name).astype(np.float32)
        names = [c.lower() for c in t.columns.names]
        if flux_name.lower() + "_err" in names:
            err = column(t, flux_name + "_ERR").astype(np.float32)
        elif product == "Eleanor":
            e = column(t, "FLUX_ERR").astype(np.float32)
            raw = column(t, "RAW_FLUX").astype(np.float32)
            err = (e * flux / raw).astype(np.float32)
        elif product == "Tglc":
            key = {"cal_psf_flux": "CPSF_ERR", "cal_aper_flux": "CAPE_ERR"}[flux_name]
            err = np.full(n, np.float32(t.header[key]))
        else:
            err = np.full(n, np.float32(np.nan))
        if product == "Tglc":
            tess = column(t, "TESS_flags").astype(np.int32)
            tglc = column(t, "TGLC_flags").astype(np.int32)
            quality = (tess & 0xFFFF) | ((tglc & 0x7FFF) << 16)
        elif "quality" in names:
            quality = column(t, "QUALITY").astype(np.int32)
        else:
            quality = np.zeros(n, np.int32)
        for cad in ("CADENCENO", "cadence_num", "FFIINDEX"):
            if cad.lower() in names:
                cadenceno = column(t, cad).astype(np.int32)
                break
        else:
            cadenceno = np.arange(n, dtype=np.int32)
        tic = None
        for hdu in (hdul[0], t):
            for k in ("TICID", "TIC_ID", "OBJECT", "LABEL", "TARGETID"):
                tic = parse_tic(hdu.header.get(k))
                if tic:
                    break
            if tic:
                break
        steps = np.diff(time[np.isfinite(time)])
        steps = np.sort(steps[steps > 0])
        measured = product in ("Eleanor", "Tglc", "Lightkurve")
        cadence = (round(steps[len(steps) // 2] * 86400.0) if measured
                   else round(t.header["TIMEDEL"] * 86400.0 * 1000.0) / 1000.0)
        print(json.dumps({
            "product": product, "tic": tic, "sector": p.get("SECTOR"), "rows": n,
            "flux_column": flux_name, "cadence_s": cadence,
            "time": bits64(time), "flux": bits32(flux), "flux_err": bits32(err),
            "quality": [int(q) for q in quality], "cadenceno": [int(c) for c in cadenceno],
        }))


if __name__ == "__main__":
    main(sys.argv[1])
