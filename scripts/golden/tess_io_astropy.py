#!/usr/bin/env python3
"""astropy's side of tess-io's round-trip tests (run by crates/tess-io/tests/roundtrip.rs).

  dump FILE OUTDIR   read FILE with astropy; write each LIGHTCURVE column's raw big-endian bytes
                     to OUTDIR/<COLUMN>.bin and the headers to OUTDIR/header.json
  write FILE OUTDIR  write a small SPOC-format light curve with astropy (NaN rows, NaN TIME,
                     flagged rows, negative zero, huge and tiny values), then dump it as above

Run with the project's venv: .venv/bin/python scripts/golden/tess_io_astropy.py dump x.fits out/
"""
import json
import pathlib
import sys

import numpy as np
from astropy.io import fits


def plain(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v
    return None  # undefined values


def dump(path, outdir):
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with fits.open(path) as hdul:
        lc = hdul["LIGHTCURVE"]
        info = {
            "hdus": [h.name for h in hdul],
            "primary": {k: plain(v) for k, v in hdul[0].header.items() if k not in ("COMMENT", "HISTORY", "")},
            "lightcurve": {k: plain(v) for k, v in lc.header.items() if k not in ("COMMENT", "HISTORY", "")},
            "columns": [[c.name, c.format, c.unit] for c in lc.columns],
            "rows": len(lc.data),
        }
        if "APERTURE" in [h.name for h in hdul]:
            ap = hdul["APERTURE"]
            info["aperture_shape"] = list(ap.data.shape)
            info["aperture_bitpix"] = ap.header["BITPIX"]
        for c in lc.columns:
            col = np.asarray(lc.data[c.name])
            col.astype(col.dtype.newbyteorder(">")).tofile(outdir / f"{c.name}.bin")
    (outdir / "header.json").write_text(json.dumps(info, indent=1))


def write(path, outdir):
    n = 1000
    i = np.arange(n)
    time = 2000.0 + i * (120.0 / 86400.0)
    time[100:110] = np.nan  # NaN TIME, as in sector 4 of CW Eri
    time[500:] += 1.5  # a gap: two segments
    flux = (1000.0 + 10.0 * np.sin(i / 7.0)).astype(np.float32)
    flux[200:220] = np.nan
    flux[300] = np.float32(-0.0)
    flux[301] = np.float32(3.0e38)
    flux[302] = np.float32(1.0e-40)  # subnormal
    flux[303] = np.inf
    flux_err = np.full(n, 3.5, dtype=np.float32)
    flux_err[200:220] = np.nan
    quality = np.zeros(n, dtype=np.int32)
    quality[::97] = 128
    quality[400] = -2147483648  # the sign bit is a flag too
    quality[401] = 1 << 20
    cadenceno = (54321 + i).astype(np.int32)
    nan32 = np.full(n, np.nan, dtype=np.float32)
    cols = [
        fits.Column("TIME", "D", "BJD - 2457000, days", array=time),
        fits.Column("TIMECORR", "E", "d", array=np.zeros(n, dtype=np.float32)),
        fits.Column("CADENCENO", "J", array=cadenceno),
        fits.Column("SAP_FLUX", "E", "e-/s", array=flux * np.float32(1.01)),
        fits.Column("SAP_FLUX_ERR", "E", "e-/s", array=flux_err),
        fits.Column("SAP_BKG", "E", "e-/s", array=nan32),
        fits.Column("SAP_BKG_ERR", "E", "e-/s", array=nan32),
        fits.Column("PDCSAP_FLUX", "E", "e-/s", array=flux),
        fits.Column("PDCSAP_FLUX_ERR", "E", "e-/s", array=flux_err),
        fits.Column("QUALITY", "J", array=quality),
    ]
    primary = fits.PrimaryHDU()
    h = primary.header
    h["ORIGIN"] = "NASA/Ames"
    h["TELESCOP"] = "TESS"
    h["PROCVER"] = "spoc-5.0.20-20201120"
    h["OBJECT"] = "TIC 123456789"
    h["TICID"] = 123456789
    h["SECTOR"] = 42
    h["CAMERA"] = 1
    h["CCD"] = 3
    h["TESSMAG"] = 9.5
    h["TEFF"] = 5800.0
    h["LOGG"] = 4.4
    h["RADIUS"] = 1.0
    h["RA_OBJ"] = 123.456
    h["DEC_OBJ"] = -45.678
    table = fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")
    table.header["TIMEDEL"] = 120.0 / 86400.0
    table.header["BJDREFI"] = 2457000
    table.header["BJDREFF"] = 0.0
    aperture = fits.ImageHDU(np.zeros((11, 11), dtype=np.int32), name="APERTURE")
    fits.HDUList([primary, table, aperture]).writeto(path, overwrite=True)
    dump(path, outdir)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("dump", "write"):
        sys.exit(__doc__)
    {"dump": dump, "write": write}[sys.argv[1]](sys.argv[2], sys.argv[3])
