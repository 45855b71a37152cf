#!/usr/bin/env python3
"""Write fixtures/hlsp/: small files in the layouts of lightkurve's `to_fits()`, eleanor
(GSFC-ELEANOR-LITE), TGLC and TASOC, built from a real SPOC light curve.

The data are CW Eri (TIC 98853987, a detached eclipsing binary, P = 2.728 d), sector 4, from
fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits. The layouts (HDUs,
keywords, column names, FITS types and units) follow each product's own writer:

- lightkurve 2.x `LightCurve.to_fits()` / `TessLightCurve.to_fits()` (lightkurve/lightcurve.py):
  primary header from lightkurve's template with ORIGIN 'Unofficial data product', CREATOR
  'lightkurve.LightCurve.to_fits()', OBJECT = str(targetid) (a bare number), TARGETID, no TICID;
  a LIGHTCURVE table TIME (D, unit 'btjd'), FLUX, FLUX_ERR (E), CADENCENO (J), QUALITY (J);
  no TIMEDEL, no BJDREFI. The rows are those lightkurve keeps with its default quality bitmask
  (175), first orbit only (to keep the file small), flux = PDCSAP_FLUX (lightkurve's default).
- eleanor `TargetData.save(lite=True)` (eleanor/targetdata.py): primary header with LITE,
  PCORIGIN, TIC_ID, TMAG, SECTOR, CAMERA, CCD, CEN_RA, CEN_DEC (+ TVERSION, GITHUB of the
  GSFC-ELEANOR-LITE HLSP); extension 1 an astropy Table without EXTNAME: TIME, BARYCORR,
  RAW_FLUX, CORR_FLUX, FLUX_ERR, QUALITY, X/Y_CENTROID, X/Y_COM, FLUX_BKG, FFIINDEX, PCA_FLUX,
  PSF_FLUX (float64 / int64 as numpy makes them).
- TGLC `lc_output` (tglc/target_lightcurve.py): ORIGIN 'UCSB/TGLC', OBJECT the Gaia DR3
  designation, TICID; LIGHTCURVE table time, psf_flux, aperture_flux, cal_psf_flux,
  cal_aper_flux, background (E), cadence_num (J), TESS_flags, TGLC_flags (I); BJDREFI/BJDREFR,
  TIMEDEL = span / rows, CPSF_ERR, CAPE_ERR, PSF_ERR, APER_ERR in the table header.
- TASOC photometry `save_lightcurve` (tasoc/photometry, BasePhotometry): ORIGIN 'TASOC/Aarhus',
  OBJECT 'TIC n', TICID; LIGHTCURVE table TIME (D), TIMECORR (E), CADENCENO (J), FLUX_RAW,
  FLUX_RAW_ERR, FLUX_BKG, FLUX_CORR (ppm), FLUX_CORR_ERR (D), QUALITY, PIXEL_QUALITY (J),
  MOM_CENTR1/2, POS_CORR1/2 (D); BJDREFI, BJDREFF, TIMEDEL.

The three full-frame-image products get 30-minute cadences: 15 consecutive 2-minute cadences
(by CADENCENO) averaged, flags OR-ed, as a full-frame image co-adds them. Which SPOC column
fills which product column is in COLUMNS below; these are not the HLSP pipelines' photometry,
only their file layouts filled with real TESS data. Gaia DR3 designation: not known here, so
the TGLC file says so in OBJECT (the reader must not take it for a TIC anyway).

Deterministic: the same input gives byte-identical files (no dates written, fixed CHECKSUM-free
headers). Run with the project's venv:  .venv/bin/python scripts/golden/hlsp_fixtures.py
"""
import pathlib

import numpy as np
from astropy.io import fits
from astropy.table import Table

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "fixtures" / "lc" / "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"
OUT = ROOT / "fixtures" / "hlsp"
TIC = 98853987
FFI_BIN = 15  # 2-minute cadences per 30-minute full-frame image
LK_DEFAULT_BITMASK = 175  # lightkurve TessQualityFlags.DEFAULT_BITMASK

# Which SPOC column fills which product column (documented in docs/tess-io.md too).
COLUMNS = {
    "eleanor": {"RAW_FLUX": "SAP_FLUX", "CORR_FLUX": "PDCSAP_FLUX", "FLUX_ERR": "SAP_FLUX_ERR"},
    "tglc": {"aperture_flux": "SAP_FLUX", "psf_flux": "PDCSAP_FLUX"},
    "tasoc": {"FLUX_RAW": "SAP_FLUX", "FLUX_CORR": "PDCSAP_FLUX"},
    "lightkurve": {"FLUX": "PDCSAP_FLUX"},
}


def source():
    with fits.open(SRC) as hdul:
        prim = hdul[0].header
        d = hdul["LIGHTCURVE"].data
        cols = {n: np.array(d[n]).astype(d[n].dtype.newbyteorder("=")) for n in d.columns.names}
        return prim, cols


def ffi_bins(cols):
    """30-minute bins: mean of finite values, errors in quadrature, flags OR-ed."""
    cad = cols["CADENCENO"]
    key = (cad - cad[0]) // FFI_BIN
    out = {k: [] for k in ("TIME", "SAP_FLUX", "SAP_FLUX_ERR", "PDCSAP_FLUX",
                           "PDCSAP_FLUX_ERR", "SAP_BKG", "QUALITY", "CADENCENO",
                           "MOM_CENTR1", "MOM_CENTR2", "POS_CORR1", "POS_CORR2")}
    for k in np.unique(key):
        rows = key == k
        t = cols["TIME"][rows]
        if not np.isfinite(t).any():
            continue  # no time stamp at all: an FFI would not exist either
        out["TIME"].append(np.nanmean(t))
        out["CADENCENO"].append(int(k))
        out["QUALITY"].append(int(np.bitwise_or.reduce(cols["QUALITY"][rows])))
        for name in ("SAP_FLUX", "PDCSAP_FLUX", "SAP_BKG", "MOM_CENTR1", "MOM_CENTR2",
                     "POS_CORR1", "POS_CORR2"):
            v = cols[name][rows].astype(np.float64)
            out[name].append(np.nanmean(v) if np.isfinite(v).any() else np.nan)
        for name in ("SAP_FLUX_ERR", "PDCSAP_FLUX_ERR"):
            v = cols[name][rows].astype(np.float64)
            f = v[np.isfinite(v)]
            out[name].append(np.sqrt(np.sum(f * f)) / len(f) if len(f) else np.nan)
    return {k: np.array(v) for k, v in out.items()}


def write(hdus, name):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    fits.HDUList(hdus).writeto(path, overwrite=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


def lightkurve_file(prim, cols):
    finite = np.isfinite(cols["TIME"])
    t = cols["TIME"][finite]
    gap = np.argmax(np.diff(t))  # the mid-sector downlink
    first_orbit = finite & (cols["TIME"] <= t[gap])
    keep = first_orbit & ((cols["QUALITY"] & LK_DEFAULT_BITMASK) == 0)
    h = fits.Header()
    # lightkurve's lc-ext0-header.txt template, then to_fits()'s defaults and TESS extras.
    for k, v in [("NEXTEND", 2), ("EXTNAME", "PRIMARY"), ("EXTVER", 1),
                 ("ORIGIN", "Unofficial data product"), ("DATE", "2026-01-01"),
                 ("CREATOR", "lightkurve.LightCurve.to_fits()"), ("TELESCOP", "TESS"),
                 ("INSTRUME", None), ("OBJECT", str(TIC)), ("RADESYS", "ICRS"),
                 ("RA_OBJ", prim["RA_OBJ"]), ("DEC_OBJ", prim["DEC_OBJ"]), ("EQUINOX", 2000.0),
                 ("PROCVER", "2.6.0"), ("MISSION", "TESS"), ("CAMERA", prim["CAMERA"]),
                 ("CCD", prim["CCD"]), ("SECTOR", prim["SECTOR"]), ("TARGETID", TIC)]:
        h[k] = v
    table = fits.BinTableHDU.from_columns([
        fits.Column(name="TIME", format="D", unit="btjd", array=cols["TIME"][keep]),
        fits.Column(name="FLUX", format="E", unit="electron / s",
                    array=cols["PDCSAP_FLUX"][keep]),
        fits.Column(name="FLUX_ERR", format="E", unit="electron / s",
                    array=cols["PDCSAP_FLUX_ERR"][keep]),
        fits.Column(name="CADENCENO", format="J", array=cols["CADENCENO"][keep]),
        fits.Column(name="QUALITY", format="J", array=cols["QUALITY"][keep]),
    ])
    table.header["EXTNAME"] = "LIGHTCURVE"
    write([fits.PrimaryHDU(header=h), table], f"lightkurve-tic{TIC}-s0004-orbit1_lc.fits")


def eleanor_file(prim, b):
    h = fits.Header()
    for k, v in [("TELESCOP", "TESS"), ("FILTER", "TESS"), ("VERSION", "1.0.5"), ("LITE", True),
                 ("TIC_ID", TIC), ("TMAG", prim["TESSMAG"]), ("TIC_V", "8.2"),
                 ("GAIA_ID", 0), ("SECTOR", prim["SECTOR"]), ("CAMERA", prim["CAMERA"]),
                 ("CCD", prim["CCD"]), ("CEN_RA", prim["RA_OBJ"]), ("CEN_DEC", prim["DEC_OBJ"]),
                 ("TESSCUT", False), ("BKG_LVL", "PC_LEVEL"), ("PCORIGIN", "MAST"),
                 ("TVERSION", "1.0"), ("GITHUB", "https://github.com/afeinstein20/eleanor"),
                 ("APERTURE", "circle_binary_2.0")]:
        h[k] = v
    n = len(b["TIME"])
    # eleanor's own flags above SPOC's: bit 17 (131072) marks cadences eleanor finds bad.
    quality = b["QUALITY"].astype(np.int64) | np.where(np.isfinite(b["SAP_FLUX"]), 0, 131072)
    t = Table()
    t["TIME"] = b["TIME"]
    t["BARYCORR"] = np.zeros(n)
    t["RAW_FLUX"] = b["SAP_FLUX"]
    t["CORR_FLUX"] = b["PDCSAP_FLUX"]
    t["FLUX_ERR"] = b["SAP_FLUX_ERR"]
    t["QUALITY"] = quality
    t["X_CENTROID"] = b["MOM_CENTR1"]
    t["Y_CENTROID"] = b["MOM_CENTR2"]
    t["X_COM"] = b["MOM_CENTR1"]
    t["Y_COM"] = b["MOM_CENTR2"]
    t["FLUX_BKG"] = b["SAP_BKG"]
    t["FFIINDEX"] = b["CADENCENO"].astype(np.int64)
    t["PCA_FLUX"] = b["PDCSAP_FLUX"]
    t["PSF_FLUX"] = b["PDCSAP_FLUX"]
    write([fits.PrimaryHDU(header=h), fits.BinTableHDU(t)],
          f"hlsp_gsfc-eleanor-lite_tess_ffi_s0004-{TIC:016d}_tess_v1.0_lc.fits")


def tglc_file(prim, b):
    h = fits.Header()
    for k, v in [("EXTNAME", "PRIMARY"), ("TIMESYS", "TDB"), ("BUNIT", "e-/s"),
                 ("ORIGIN", "UCSB/TGLC"), ("TELESCOP", "TESS"), ("INSTRUME", "TESS Photometer"),
                 ("FILTER", "TESS"), ("OBJECT", "Gaia DR3 designation not recorded (fixture)"),
                 ("TICID", TIC), ("SECTOR", prim["SECTOR"]), ("CAMERA", prim["CAMERA"]),
                 ("CCD", prim["CCD"]), ("RADESYS", "ICRS"), ("RA_OBJ", prim["RA_OBJ"]),
                 ("DEC_OBJ", prim["DEC_OBJ"]), ("TESSMAG", prim["TESSMAG"]), ("CALIB", "TGLC")]:
        h[k] = v
    aper, psf = b["SAP_FLUX"], b["PDCSAP_FLUX"]
    cal_aper, cal_psf = aper / np.nanmedian(aper), psf / np.nanmedian(psf)
    mad = lambda x: 1.4826 * np.nanmedian(np.abs(x - np.nanmedian(x)))
    table = fits.BinTableHDU.from_columns([
        fits.Column(name="time", format="D", array=b["TIME"]),
        fits.Column(name="psf_flux", format="E", array=psf),
        fits.Column(name="aperture_flux", format="E", array=aper),
        fits.Column(name="cal_psf_flux", format="E", array=cal_psf),
        fits.Column(name="cal_aper_flux", format="E", array=cal_aper),
        fits.Column(name="background", format="E", array=b["SAP_BKG"]),
        fits.Column(name="cadence_num", format="J", array=b["CADENCENO"]),
        # 16-bit: the FFI flags TGLC copies fit in 15 bits.
        fits.Column(name="TESS_flags", format="I", array=(b["QUALITY"] & 0x7FFF).astype(np.int16)),
        fits.Column(name="TGLC_flags", format="I",
                    array=np.where(np.isfinite(psf), 0, 1).astype(np.int16)),
    ])
    th = table.header
    t0, t1 = b["TIME"][0], b["TIME"][-1]
    for k, v in [("INHERIT", True), ("EXTNAME", "LIGHTCURVE"), ("EXTVER", 1),
                 ("TELESCOP", "TESS"), ("TIMEREF", "SOLARSYSTEM"), ("TASSIGN", "SPACECRAFT"),
                 ("BJDREFI", 2457000), ("BJDREFR", 0.0), ("TIMESYS", "TDB"), ("TIMEUNIT", "d"),
                 ("TELAPS", t1 - t0), ("TSTART", t0), ("TSTOP", t1),
                 ("TIMEDEL", (t1 - t0) / len(b["TIME"])), ("XPTIME", 1800),
                 ("PSF_ERR", mad(psf)), ("APER_ERR", mad(aper)), ("CPSF_ERR", mad(cal_psf)),
                 ("CAPE_ERR", mad(cal_aper)), ("WOTAN_WL", 1), ("WOTAN_MT", "biweight")]:
        th[k] = v
    write([fits.PrimaryHDU(header=h), table],
          f"hlsp_tglc_tess_ffi_gaiaid-unknown-s0004-cam{prim['CAMERA']}-ccd{prim['CCD']}"
          "_tess_v1_llc.fits")


def tasoc_file(prim, b):
    h = fits.Header()
    for k, v in [("NEXTEND", 3), ("EXTNAME", "PRIMARY"), ("ORIGIN", "TASOC/Aarhus"),
                 ("TELESCOP", "TESS"), ("INSTRUME", "TESS Photometer"), ("FILTER", "TESS"),
                 ("OBJECT", f"TIC {TIC:d}"), ("TICID", TIC), ("CAMERA", prim["CAMERA"]),
                 ("CCD", prim["CCD"]), ("SECTOR", prim["SECTOR"]), ("PROCVER", "6.0"),
                 ("FILEVER", "1.4"), ("DATA_REL", 5), ("VERSION", 5), ("PHOTMET", "aperture"),
                 ("RADESYS", "ICRS"), ("EQUINOX", 2000.0), ("RA_OBJ", prim["RA_OBJ"]),
                 ("DEC_OBJ", prim["DEC_OBJ"]), ("TESSMAG", prim["TESSMAG"]),
                 ("TEFF", prim["TEFF"])]:
        h[k] = v
    raw, corr = b["SAP_FLUX"], b["PDCSAP_FLUX"]
    med = np.nanmedian(corr)
    n = len(raw)
    table = fits.BinTableHDU.from_columns([
        fits.Column(name="TIME", format="D", unit="BJD - 2457000, days", array=b["TIME"]),
        fits.Column(name="TIMECORR", format="E", unit="d", array=np.zeros(n, np.float32)),
        fits.Column(name="CADENCENO", format="J", array=b["CADENCENO"]),
        fits.Column(name="FLUX_RAW", format="D", unit="e-/s", array=raw),
        fits.Column(name="FLUX_RAW_ERR", format="D", unit="e-/s", array=b["SAP_FLUX_ERR"]),
        fits.Column(name="FLUX_BKG", format="D", unit="e-/s", array=b["SAP_BKG"]),
        fits.Column(name="FLUX_CORR", format="D", unit="ppm", array=(corr / med - 1) * 1e6),
        fits.Column(name="FLUX_CORR_ERR", format="D", unit="ppm",
                    array=b["PDCSAP_FLUX_ERR"] / med * 1e6),
        # TASOC's own photometry/correction flags: none raised in this fixture.
        fits.Column(name="QUALITY", format="J", array=np.zeros(n, np.int32)),
        fits.Column(name="PIXEL_QUALITY", format="J", array=b["QUALITY"]),
        fits.Column(name="MOM_CENTR1", format="D", unit="pixels", array=b["MOM_CENTR1"]),
        fits.Column(name="MOM_CENTR2", format="D", unit="pixels", array=b["MOM_CENTR2"]),
        fits.Column(name="POS_CORR1", format="D", unit="pixels", array=b["POS_CORR1"]),
        fits.Column(name="POS_CORR2", format="D", unit="pixels", array=b["POS_CORR2"]),
    ], name="LIGHTCURVE")
    th = table.header
    th["INHERIT"] = True
    for k, v in [("TIMEREF", "SOLARSYSTEM"), ("TIMESYS", "TDB"), ("BJDREFI", 2457000),
                 ("BJDREFF", 0.0), ("TIMEUNIT", "d"), ("TIMEPIXR", 0.5),
                 ("TIMEDEL", 1800 / 86400)]:
        th[k] = v
    write([fits.PrimaryHDU(header=h), table],
          f"hlsp_tasoc_tess_ffi_tic{TIC:011d}-s0004-cam{prim['CAMERA']}-ccd{prim['CCD']}"
          "-c1800_tess_v05_cbv-lc.fits")


def main():
    prim, cols = source()
    lightkurve_file(prim, cols)
    b = ffi_bins(cols)
    eleanor_file(prim, b)
    tglc_file(prim, b)
    tasoc_file(prim, b)


if __name__ == "__main__":
    main()
