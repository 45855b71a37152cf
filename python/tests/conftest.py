"""Shared paths: the repository's fixtures and the `calnet` binary the Rust build made."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LC = ROOT / "fixtures" / "lc"
HLSP = ROOT / "fixtures" / "hlsp"
CW_ERI = LC / "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"
CM_DRA = LC / "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits"
WEIGHTS = ROOT / "fixtures" / "weights" / "calnet-sim.safetensors"


@pytest.fixture(scope="session")
def calnet_bin():
    """The `calnet` command of this checkout ($CALNET_BIN, else target/release or debug)."""
    env = os.environ.get("CALNET_BIN")
    candidates = [pathlib.Path(env)] if env else [
        ROOT / "target" / "release" / "calnet",
        ROOT / "target" / "debug" / "calnet",
    ]
    found = [c for c in candidates if c.is_file()]
    if not found:
        pytest.fail(
            "no calnet binary: build it first (cargo build -p calnet-cli) or set CALNET_BIN"
        )
    # The newest build, so a stale release binary does not hide a fresh debug one.
    return str(max(found, key=lambda p: p.stat().st_mtime))
