"""Classifier.predict against `calnet classify --features` of the same checkout, and
calnet.classify's rows against `calnet classify`'s segments.csv."""
import csv
import subprocess
import sys

import numpy as np
import pytest

import calnet
from conftest import CM_DRA, CW_ERI, HLSP, WEIGHTS


def test_predict_equals_classify_features(calnet_bin, tmp_path):
    feats = tmp_path / "features"
    subprocess.run([calnet_bin, "features", str(CW_ERI), str(CM_DRA), "--out", str(feats)],
                   check=True, capture_output=True)
    out = tmp_path / "run"
    subprocess.run([calnet_bin, "classify", "--features", str(feats), "--weights", str(WEIGHTS),
                    "--out", str(out), "--device", "cpu"], check=True, capture_output=True)
    with open(out / "segments.csv") as f:
        cli = [np.float32(r["p_eb"]) for r in csv.DictReader(f)]
    segments = calnet.features(CW_ERI) + calnet.features(CM_DRA)
    lc = np.stack([s.lc for s in segments])
    gls = np.stack([s.gls for s in segments])
    p = calnet.Classifier(WEIGHTS).predict(lc, gls)
    assert p.dtype == np.float32 and p.shape == (len(segments),) == (len(cli),)
    np.testing.assert_array_equal(p, np.array(cli, dtype=np.float32))
    # CW Eri is an eclipsing binary.
    assert p[:2].max() > 0.5


def test_predict_checks_shapes_and_converts_dtypes():
    clf = calnet.Classifier(WEIGHTS)
    seg = calnet.features(CW_ERI)[0]
    one = clf.predict(seg.lc[None, :], seg.gls[None, :])
    # float64 and non-contiguous inputs are converted, same result.
    lc64 = np.tile(seg.lc.astype(np.float64)[None, :], (2, 1))[::2]
    np.testing.assert_array_equal(clf.predict(lc64, seg.gls[None, :].astype(np.float64)), one)
    assert clf.predict(np.zeros((0, 4000)), np.zeros((0, 1000))).shape == (0,)
    with pytest.raises(ValueError):
        clf.predict(np.zeros((1, 3999)), np.zeros((1, 1000)))
    with pytest.raises(ValueError):
        clf.predict(np.zeros((2, 4000)), np.zeros((1, 1000)))
    with pytest.raises(ValueError):
        calnet.Classifier(CW_ERI)  # not a weights file


@pytest.mark.parametrize("with_pandas", [False, True])
def test_classify_rows_equal_the_cli(calnet_bin, tmp_path, monkeypatch, with_pandas):
    if with_pandas:
        pytest.importorskip("pandas")
    else:
        # Without pandas, calnet.classify returns a dict of numpy arrays.
        monkeypatch.setitem(sys.modules, "pandas", None)
    lk = HLSP / "lightkurve-tic98853987-s0004-orbit1_lc.fits"
    paths = [str(CW_ERI), str(lk)]
    out = tmp_path / "run"
    subprocess.run([calnet_bin, "classify", *paths, "--weights", str(WEIGHTS), "--out", str(out),
                    "--device", "cpu", "--plots", "none"], check=True, capture_output=True)
    with open(out / "segments.csv") as f:
        reader = csv.DictReader(f)
        cli = list(reader)
    # One layout: the command's header is the package's SEGMENT_COLUMNS.
    assert tuple(reader.fieldnames) == calnet.SEGMENT_COLUMNS
    rows = calnet.classify(paths, WEIGHTS, threshold=0.5)
    assert isinstance(rows, dict) != with_pandas
    # .tolist() gives Python scalars for numpy arrays and pandas columns alike, so the
    # round-trip text below does not depend on numpy's scalar repr.
    table = {k: rows[k].tolist() for k in calnet.SEGMENT_COLUMNS}
    assert len(table["p_eb"]) == len(cli) == 3
    # The command orders its inputs as it discovers them; compare by file and segment.
    ours = {(table["file"][i], table["segment"][i]): i for i in range(len(cli))}
    for r in cli:
        i = ours[(r["file"], int(r["segment"]))]
        assert str(table["tic"][i]) == r["tic"] and str(table["sector"][i]) == r["sector"]
        assert table["n_points"][i] == int(r["n_points"])
        assert repr(table["t_start"][i]) == r["t_start"]
        assert table["p_eb"][i] == np.float32(r["p_eb"])
        assert table["is_eb"][i] == int(r["is_eb"])


def test_classify_applies_the_feature_config_the_weights_record(tmp_path):
    from safetensors.numpy import load_file, save_file

    robust = tmp_path / "robust.safetensors"
    save_file(load_file(str(WEIGHTS)), str(robust), metadata={"features.mode": "robust"})
    classifier = calnet.Classifier(robust)
    assert classifier.feature_record == {"features.mode": "robust"}
    # Weights without a record (the published .pth, older safetensors) have an empty one.
    bare = tmp_path / "bare.safetensors"
    save_file(load_file(str(WEIGHTS)), str(bare))
    assert calnet.Classifier(bare).feature_record == {}

    segments = calnet.features(CM_DRA, mode="robust")
    want = classifier.predict(
        np.stack([s.lc for s in segments]), np.stack([s.gls for s in segments])
    )
    rows = calnet.classify([CM_DRA], classifier)
    assert np.asarray(rows["p_eb"], dtype=np.float32).tolist() == want.tolist()
    with pytest.raises(ValueError, match="mode reference.*mode robust"):
        calnet.classify([CM_DRA], classifier, mode="reference")
