//! Bit-exactness against the reference, on golden data written by
//! `scripts/golden/prep_golden.py` (numpy 2 and scipy's FITPACK in the project's `.venv`): numpy's
//! reductions and percentile, FITPACK's knots, coefficients and values, the outlier masks of every
//! round, and the final model inputs of real TESS segments.

use lc_prep::clip::{percentile_keep, select};
use lc_prep::detrend::reference_spline;
use lc_prep::features::normalised_time;
use lc_prep::{npy, resample, FeatureConfig, FeatureExtractor};
use std::path::{Path, PathBuf};

use calnet_test_support::python;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden/lc-prep")
}

fn fixture(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/lc")
        .join(file)
}

fn raw(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run scripts/golden/prep_golden.py)",
            path.display()
        )
    })
}

fn f64s(dir: &Path, name: &str) -> Vec<f64> {
    raw(dir, &format!("{name}.f64"))
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn f32s(dir: &Path, name: &str) -> Vec<f32> {
    raw(dir, &format!("{name}.f32"))
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn u32s(dir: &Path, name: &str) -> Vec<u32> {
    raw(dir, &format!("{name}.u32"))
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn u64s(dir: &Path, name: &str) -> Vec<u64> {
    raw(dir, &format!("{name}.u64"))
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn cases(kind: &str) -> Vec<Vec<String>> {
    cases_in(&golden_dir(), kind)
}

fn cases_in(dir: &Path, kind: &str) -> Vec<Vec<String>> {
    let text = String::from_utf8(raw(dir, "cases.txt")).unwrap();
    let out: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| w.first().map(String::as_str) == Some(kind))
        .collect();
    assert!(!out.is_empty(), "no golden case of kind {kind}");
    out
}

/// Bit-for-bit equality of two float64 arrays, reporting the first difference.
fn assert_bits(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!("{what}: index {i}: got {:e}, want {:e}", got[i], want[i]);
    }
}

fn assert_close_f32(what: &str, got: &[f32], want: &[f32], tol: f32) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let worst = got
        .iter()
        .zip(want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst <= tol,
        "{what}: max abs difference {worst:e} > {tol:e}"
    );
}

fn fnv1a(arrays: &[&[f64]]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for a in arrays {
        for v in a.iter() {
            for b in v.to_le_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3);
            }
        }
    }
    h
}

#[test]
fn numpy_reductions_and_percentile_are_bit_exact() {
    let dir = golden_dir().join("npy");
    let a = f64s(&dir, "a");
    let stats = f64s(&dir, "stats");
    let mut at = 0;
    for (k, &n) in u32s(&dir, "len").iter().enumerate() {
        let v = &a[at..at + n as usize];
        at += n as usize;
        let got = [npy::sum(v), npy::mean(v), npy::std(v), npy::median(v)];
        assert_bits(
            &format!("sum/mean/std/median of {n} values"),
            &got,
            &stats[4 * k..4 * k + 4],
        );
    }
    let p = f32s(&dir, "p");
    let p99 = f32s(&dir, "p99");
    let mut at = 0;
    for (k, &n) in u32s(&dir, "plen").iter().enumerate() {
        let v = &p[at..at + n as usize];
        at += n as usize;
        let got = npy::percentile_f32(v, 99.0).unwrap();
        assert_eq!(
            got.to_bits(),
            p99[k].to_bits(),
            "P99 of {n} values: {got} vs {}",
            p99[k]
        );
    }
}

#[test]
fn synthetic_spline_steps_are_bit_exact() {
    check_spline_cases(&golden_dir());
}

/// 30 fresh noise-dominated curves of 2,000-9,000 points, written by scipy at test time.
#[test]
fn random_noise_curves_written_at_test_time_are_bit_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/golden/prep_golden.py");
    let out = std::process::Command::new(python())
        .arg(script)
        .arg(tmp.path())
        .args(["--random", "30"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_spline_cases(tmp.path());
}

fn check_spline_cases(root: &Path) {
    for case in cases_in(root, "spline") {
        let dir = root.join(&case[1]);
        let x = f64s(&dir, "x");
        let f = f32s(&dir, "f");
        let nrounds = u32s(&dir, "nrounds")[0] as usize;
        let result = reference_spline(&x, &f, 3, 3.0);
        let rounds = match result {
            Ok(r) => {
                assert_eq!(
                    nrounds, 3,
                    "{}: scipy stopped after {nrounds} rounds",
                    case[1]
                );
                r
            }
            Err(e) => {
                assert!(nrounds < 3, "{}: {e}", case[1]);
                assert!(
                    matches!(e, lc_prep::Error::TooFewPoints { .. }),
                    "{}: {e}",
                    case[1]
                );
                reference_spline(&x, &f, nrounds, 3.0).unwrap()
            }
        };
        for (i, round) in rounds.iter().enumerate() {
            let what = |w: &str| format!("{} round {i} {w}", case[1]);
            assert_bits(
                &what("knots"),
                &round.spline.knots,
                &f64s(&dir, &format!("knots{i}")),
            );
            assert_bits(
                &what("coeffs"),
                &round.spline.coeffs,
                &f64s(&dir, &format!("coeffs{i}")),
            );
            let xs: Vec<f64> = round_points(&x, &rounds[..i]);
            assert_bits(
                &what("values"),
                &round.spline.eval(&xs),
                &f64s(&dir, &format!("values{i}")),
            );
            let keep: Vec<u32> = round.keep.iter().map(|&k| k as u32).collect();
            assert_eq!(keep, u32s(&dir, &format!("keep{i}")), "{}", what("mask"));
        }
        if nrounds == 3 {
            let grid = resample::on_unit_grid(&rounds[2].spline, 4000);
            assert_bits(
                &format!("{} 4000-point grid", case[1]),
                &grid,
                &f64s(&dir, "grid"),
            );
        }
    }
}

/// The points a round fits: `x` after the masks of the earlier rounds.
fn round_points(x: &[f64], earlier: &[lc_prep::detrend::SplineRound]) -> Vec<f64> {
    earlier
        .iter()
        .fold(x.to_vec(), |xs, r| select(&xs, &r.keep))
}

#[test]
fn real_segments_match_the_reference_pipeline() {
    let extractor = FeatureExtractor::new(FeatureConfig::reference()).unwrap();
    for case in cases("segment") {
        let dir = golden_dir().join(&case[1]);
        let meta = f64s(&dir, "meta");
        let index = meta[0] as usize;
        let lc = tess_io::read(fixture(&case[2])).unwrap();

        // Step by step, to compare the intermediate products.
        let (keep, _) = lc.quality_keep(tess_io::QualityMask::Reference);
        let t = select(&lc.time, &keep);
        let f = select(&lc.flux, &keep);
        let range = lc_prep::segment::split_at_gaps(&t, 0.75)[index].clone();
        let (ts, fs) = (&t[range.clone()], &f[range]);
        assert_eq!(ts.len(), meta[1] as usize, "{}: n_points", case[1]);
        assert_eq!(
            (ts[0], ts[ts.len() - 1]),
            (meta[2], meta[3]),
            "{}: span",
            case[1]
        );
        let p99 = npy::percentile_f32(fs, 99.0).unwrap();
        assert_eq!(p99 as f64, meta[4], "{}: P99", case[1]);
        let clip = percentile_keep(fs, 99.0);
        let (tc, fc) = (select(ts, &clip), select(fs, &clip));
        assert_eq!(tc.len(), meta[5] as usize, "{}: clipped count", case[1]);
        let x = normalised_time(&tc).unwrap();
        let rounds = reference_spline(&x, &fc, 3, 3.0).unwrap();
        for (i, round) in rounds.iter().enumerate() {
            let rejected: Vec<u32> = (0..round.keep.len() as u32)
                .filter(|&j| !round.keep[j as usize])
                .collect();
            assert_eq!(
                rejected,
                u32s(&dir, &format!("rejected{i}")),
                "{} round {i}: mask",
                case[1]
            );
            let xs = round_points(&x, &rounds[..i]);
            let values = round.spline.eval(&xs);
            let h = fnv1a(&[&round.spline.knots, &round.spline.coeffs, &values]);
            assert_eq!(
                h,
                u64s(&dir, &format!("hash{i}"))[0],
                "{} round {i}: knots/coeffs/values differ",
                case[1]
            );
        }

        // The whole pipeline through the front door.
        let features = extractor.extract(&lc).unwrap();
        let seg = features
            .segments
            .iter()
            .find(|s| s.index == index)
            .unwrap_or_else(|| panic!("{}: segment {index} was skipped", case[1]));
        assert_eq!(seg.n_points, meta[1] as usize);
        assert_eq!(seg.n_clipped, meta[5] as usize);
        assert_close_f32(
            &format!("{}: lc", case[1]),
            &seg.lc,
            &f32s(&dir, "lc"),
            1e-6,
        );
        assert_close_f32(
            &format!("{}: gls", case[1]),
            &seg.gls,
            &f32s(&dir, "gls"),
            1e-6,
        );
    }
}

/// numpy's `lstsq` (SVD, minimum norm) of the B-spline design matrix that scipy builds, on the
/// points `keep` selects: the coefficients robust mode's trend must have.
fn numpy_lstsq(t: &[f64], y: &[f64], keep: &[bool], knots: &[f64]) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, v: &[f64]| {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(dir.path().join(name), bytes).unwrap();
    };
    put("t.f64", &select(t, keep));
    put("y.f64", &select(y, keep));
    put("knots.f64", knots);
    let script = "import sys, numpy as np\n\
                  from scipy.interpolate import BSpline\n\
                  d = sys.argv[1]\n\
                  t, y, k = (np.fromfile(f'{d}/{n}.f64') for n in ('t', 'y', 'knots'))\n\
                  a = BSpline.design_matrix(t, k, 3).toarray()\n\
                  np.linalg.lstsq(a, y, rcond=None)[0].tofile(f'{d}/c.f64')\n";
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    f64s(dir.path(), "c")
}

/// Returns how many coefficients are zero.
fn assert_trend_matches_numpy(what: &str, t: &[f64], flux: &[f32]) -> usize {
    let x = normalised_time(t).unwrap();
    let fit = lc_prep::detrend::robust_spline(t, &x, flux, &Default::default()).unwrap();
    let y: Vec<f64> = flux.iter().map(|&f| f as f64).collect();
    let want = numpy_lstsq(t, &y, &fit.fit_keep, &fit.trend.knots);
    assert_eq!(fit.trend.coeffs.len(), want.len(), "{what}: coefficients");
    let scale = want.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    for (i, (got, want)) in fit.trend.coeffs.iter().zip(&want).enumerate() {
        assert!(
            (got - want).abs() <= 1e-9 * scale,
            "{what}: coefficient {i}: {got} against numpy's {want}"
        );
    }
    fit.trend.coeffs.iter().filter(|&&c| c == 0.0).count()
}

#[test]
fn robust_trend_matches_numpy_lstsq() {
    // Real segments: CW Eri (SPOC 2-min) and a TESS-SPOC FFI light curve, every segment.
    for file in [
        "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits",
        "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits",
    ] {
        let lc = tess_io::read(fixture(file)).unwrap();
        let (keep, _) = lc.quality_keep(tess_io::QualityMask::Reference);
        let t = select(&lc.time, &keep);
        let f = select(&lc.flux, &keep);
        for (k, range) in lc_prep::segment::split_at_gaps(&t, 0.75)
            .into_iter()
            .enumerate()
            .filter(|(_, r)| r.len() >= 100)
        {
            assert_trend_matches_numpy(
                &format!("{file} segment {k}"),
                &t[range.clone()],
                &f[range],
            );
        }
    }
    // A 3-day hole (six 0.5-day knot intervals): B-splines without data make zero columns of
    // the design matrix, which numpy's minimum-norm answer gives zero coefficients.
    let t: Vec<f64> = (0..7200)
        .map(|i| i as f64 / 720.0)
        .filter(|v| !(3.0..6.0).contains(v))
        .collect();
    let f: Vec<f32> = t
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (1.0 + 0.01 * (0.7 * v).sin() + 1e-4 * ((i * 7919 % 101) as f64 - 50.0) / 50.0) as f32
        })
        .collect();
    let zeros = assert_trend_matches_numpy("hole", &t, &f);
    assert!(
        zeros >= 2,
        "{zeros} zero coefficients: the hole left every B-spline data"
    );
}
