//! Every kernel against the naive f64 loop, through the front door, with fixed seeds.

use gls::{FrequencyGrid, GlsError, Method, Normalization, Periodogram};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Random irregular light curve: `n` sorted times over `span` from `t0`, a sinusoid plus noise,
/// uncertainties between 0.5 and 2.
fn random_lc(seed: u64, n: usize, t0: f64, span: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t: Vec<f64> = (0..n).map(|_| t0 + rng.random::<f64>() * span).collect();
    t.sort_by(f64::total_cmp);
    let period = 0.3 + rng.random::<f64>() * 3.0;
    let y = t
        .iter()
        .map(|t| {
            100.0 + (2.0 * std::f64::consts::PI * t / period).sin() + rng.random::<f64>() - 0.5
        })
        .collect();
    let dy = (0..n).map(|_| 0.5 + 1.5 * rng.random::<f64>()).collect();
    (t, y, dy)
}

/// TESS-like: 2-minute cadence with a gap and 1% of points dropped, times near BTJD 3000.
fn tess_like(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t = Vec::new();
    let mut i = 0u64;
    while t.len() < n {
        let ti = 3000.0 + i as f64 * (2.0 / 1440.0) + 1e-9 * (i as f64 * 1e-3).sin();
        i += 1;
        if (ti - 3006.0).abs() < 0.5 || rng.random::<f64>() < 0.01 {
            continue;
        }
        t.push(ti);
    }
    let y = t
        .iter()
        .map(|t| {
            1e4 * (1.0 + 0.01 * (2.0 * std::f64::consts::PI * t / 1.7).cos())
                + 5.0 * rng.random::<f64>()
        })
        .collect();
    (t, y)
}

/// Largest error relative to the largest naive power.
fn max_rel_err(a: &[f64], truth: &[f64]) -> f64 {
    let scale = truth.iter().cloned().fold(0.0, f64::max);
    a.iter()
        .zip(truth)
        .map(|(a, b)| (a - b).abs() / scale)
        .fold(0.0, f64::max)
}

fn power(t: &[f64], y: &[f64], dy: Option<&[f64]>, grid: &FrequencyGrid, m: Method) -> Vec<f64> {
    let mut p = Periodogram::new(t, y).unwrap().method(m);
    if let Some(dy) = dy {
        p = p.weights(dy);
    }
    p.compute(grid).unwrap().power
}

#[test]
fn direct_matches_naive_on_random_irregular_data() {
    for seed in 0..4 {
        let (t, y, dy) = random_lc(seed, 500 + 37 * seed as usize, 1500.0, 27.0);
        let grid = FrequencyGrid::regular(0.01, 50.0, 777).unwrap();
        for dy in [None, Some(dy.as_slice())] {
            let naive = power(&t, &y, dy, &grid, Method::Naive);
            for m in [Method::Direct, Method::Recurrence] {
                let got = power(&t, &y, dy, &grid, m);
                let e = max_rel_err(&got, &naive);
                assert!(e <= 1e-9, "seed {seed}: {m:?} vs naive {e:e}");
            }
        }
    }
}

#[test]
fn direct_matches_naive_on_calnet_grid_tess_like() {
    let (t, y) = tess_like(7, 9000);
    let grid = FrequencyGrid::calnet();
    let naive = power(&t, &y, None, &grid, Method::Naive);
    for m in [Method::Direct, Method::Recurrence] {
        let got = power(&t, &y, None, &grid, m);
        let e = max_rel_err(&got, &naive);
        assert!(e <= 1e-9, "{m:?} vs naive {e:e}");
    }
}

#[test]
fn every_kernel_and_normalization_agrees() {
    let (t, y, dy) = random_lc(11, 300, 2000.0, 13.0);
    let grid = FrequencyGrid::calnet();
    for norm in Normalization::ALL {
        let truth = Periodogram::new(&t, &y)
            .unwrap()
            .weights(&dy)
            .normalization(norm)
            .method(Method::Naive)
            .compute(&grid)
            .unwrap()
            .power;
        for m in [
            Method::Auto,
            Method::Direct,
            Method::Recurrence,
            Method::Fast,
        ] {
            let got = Periodogram::new(&t, &y)
                .unwrap()
                .weights(&dy)
                .normalization(norm)
                .method(m)
                .compute(&grid)
                .unwrap()
                .power;
            let e = max_rel_err(&got, &truth);
            assert!(e <= 1e-8, "{norm:?} {m:?}: {e:e}");
        }
    }
}

#[test]
fn bad_input_gives_typed_errors() {
    let t = [1.0, 2.0, 3.0, 4.0];
    let y = [1.0, 2.0, 0.0, 1.0];
    let grid = FrequencyGrid::regular(0.1, 1.0, 10).unwrap();
    assert!(matches!(
        Periodogram::new(&t, &y[..3]),
        Err(GlsError::LengthMismatch {
            what: "y",
            got: 3,
            expected: 4
        })
    ));
    assert!(matches!(
        Periodogram::new(&t[..2], &y[..2]),
        Err(GlsError::TooFewPoints { n: 2 })
    ));
    let tn = [1.0, f64::NAN, 3.0, 4.0];
    assert!(matches!(
        Periodogram::new(&tn, &y),
        Err(GlsError::NonFinite {
            what: "t",
            index: 1,
            ..
        })
    ));
    let yn = [1.0, 2.0, f64::INFINITY, 4.0];
    assert!(matches!(
        Periodogram::new(&t, &yn),
        Err(GlsError::NonFinite {
            what: "y",
            index: 2,
            ..
        })
    ));
    let dy = [1.0, 0.0, 1.0, 1.0];
    assert!(matches!(
        Periodogram::new(&t, &y)
            .unwrap()
            .weights(&dy)
            .compute(&grid),
        Err(GlsError::NonPositiveUncertainty { index: 1, .. })
    ));
    assert!(matches!(
        Periodogram::new(&t, &y)
            .unwrap()
            .weights(&dy[..3])
            .compute(&grid),
        Err(GlsError::LengthMismatch { what: "dy", .. })
    ));
    assert!(matches!(
        Periodogram::new(&t, &[5.0; 4]).unwrap().compute(&grid),
        Err(GlsError::ConstantSignal)
    ));
    assert!(matches!(
        Periodogram::new(&[2.0; 4], &y).unwrap().compute(&grid),
        Err(GlsError::ZeroTimeSpan)
    ));
    assert!(matches!(
        FrequencyGrid::from_frequencies(vec![1.0, -1.0]),
        Err(GlsError::NonPositiveFrequency {
            what: "frequency",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        FrequencyGrid::from_periods(vec![0.0]),
        Err(GlsError::NonPositiveFrequency {
            what: "period",
            index: 0,
            ..
        })
    ));
    assert!(matches!(
        FrequencyGrid::regular(2.0, 1.0, 10),
        Err(GlsError::InvalidGrid { .. })
    ));
    assert!(matches!(
        Periodogram::new(&t, &y)
            .unwrap()
            .tolerance(0.5)
            .compute(&grid),
        Err(GlsError::InvalidParameter {
            name: "tolerance",
            ..
        })
    ));
}

#[test]
fn fast_meets_its_tolerance_on_regular_and_arbitrary_grids() {
    let (t, y, dy) = random_lc(5, 2000, 2500.0, 27.0);
    let grids = [
        // Oversampled regular grid (several targets per FFT step: the periodic-weight path).
        FrequencyGrid::regular(0.002, 20.0, 10_000).unwrap(),
        // Coarse regular grid.
        FrequencyGrid::regular(0.5, 300.0, 97).unwrap(),
        FrequencyGrid::log_period(0.01, 30.0, 1500).unwrap(),
        FrequencyGrid::from_frequencies(vec![3.0, 0.01, 140.0, 7.7]).unwrap(),
    ];
    for grid in &grids {
        let naive = power(&t, &y, Some(&dy), grid, Method::Naive);
        for tol in [1e-6, 1e-10, 1e-12] {
            let fast = Periodogram::new(&t, &y)
                .unwrap()
                .weights(&dy)
                .method(Method::Fast)
                .tolerance(tol)
                .compute(grid)
                .unwrap()
                .power;
            // The tolerance holds for the sums; the power divides by the determinant of the
            // (cos, sin) normal matrix, which vanishes as f T -> 0, so below one cycle per
            // span the error grows as (f T)^-2 (documented on Method::Fast).
            let span = t[t.len() - 1] - t[0];
            let keep: Vec<usize> = (0..grid.len())
                .filter(|&i| grid.frequencies()[i] * span >= 1.0)
                .collect();
            let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
            let e = max_rel_err(&pick(&fast), &pick(&naive));
            assert!(e <= 20.0 * tol, "grid of {} tol {tol:e}: {e:e}", grid.len());
        }
    }
}

#[test]
fn batch_is_identical_whatever_the_thread_count() {
    let curves: Vec<_> = (0..6)
        .map(|s| random_lc(100 + s, 400, 1800.0, 13.0))
        .collect();
    let grid = FrequencyGrid::calnet();
    for m in [Method::Direct, Method::Recurrence, Method::Fast] {
        let jobs: Vec<Periodogram> = curves
            .iter()
            .map(|(t, y, _)| Periodogram::new(t, y).unwrap().method(m))
            .collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| gls::batch(&jobs, &grid));
        let b = two.install(|| gls::batch(&jobs, &grid));
        for (i, (a, b)) in a.iter().zip(&b).enumerate() {
            let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
            assert_eq!(a.power, b.power, "{m:?} curve {i}");
            let single = jobs[i].compute(&grid).unwrap();
            assert_eq!(a.power, single.power, "{m:?} curve {i} vs compute");
        }
    }
}

#[test]
fn window_power_and_classic_normalizations_follow_their_formulas() {
    let (t, y, _) = random_lc(21, 250, 1600.0, 20.0);
    let grid = FrequencyGrid::log_period(0.05, 15.0, 300).unwrap();
    let n = t.len() as f64;
    let std = Periodogram::new(&t, &y).unwrap().compute(&grid).unwrap();
    // Spectral window with equal weights: |Σ e^{iωt}|² / N², summed here in the plainest way.
    for (k, &f) in grid.frequencies().iter().enumerate() {
        let (mut c, mut s) = (0.0, 0.0);
        for &ti in &t {
            let ph = 2.0 * std::f64::consts::PI * f * ti;
            c += ph.cos();
            s += ph.sin();
        }
        let expect = (c * c + s * s) / (n * n);
        assert!(
            (std.window_power[k] - expect).abs() <= 1e-9,
            "window at f = {f}"
        );
    }
    let hb = Periodogram::new(&t, &y)
        .unwrap()
        .normalization(Normalization::HorneBaliunas)
        .compute(&grid)
        .unwrap();
    let cumming = Periodogram::new(&t, &y)
        .unwrap()
        .normalization(Normalization::Cumming)
        .compute(&grid)
        .unwrap();
    for k in 0..grid.len() {
        let p = std.power[k];
        assert!((hb.power[k] - 0.5 * (n - 1.0) * p).abs() <= 1e-12 * n);
        assert!((cumming.power[k] - 0.5 * (n - 3.0) * p / (1.0 - p)).abs() <= 1e-12 * n);
    }
    // Peaks are local maxima, highest first.
    let peaks = std.peaks(5);
    assert!(peaks.windows(2).all(|w| w[0].power >= w[1].power));
    assert_eq!(peaks[0].index, std.best_index());
}

/// One guard for every kernel: absurd times, frequencies or grid sizes are refused at once
/// (a TIME of 1e300 once made the fast kernel's FFT-length ladder double forever, and a grid of
/// 1e11 points was allocated before anything was checked).
#[test]
fn absurd_sizes_are_refused_by_every_kernel() {
    let (mut t, y, _) = random_lc(7, 300, 2000.0, 27.0);
    let methods = [
        Method::Auto,
        Method::Naive,
        Method::Direct,
        Method::Recurrence,
        Method::Fast,
    ];
    let too_large =
        |r: Result<gls::PeriodogramResult, GlsError>| matches!(r, Err(GlsError::TooLarge { .. }));
    // One time far away: phases with no precision.
    let last = t.len() - 1;
    t[last] = 1e300;
    for method in methods {
        let p = Periodogram::new(&t, &y).unwrap().method(method);
        assert!(too_large(p.compute(&FrequencyGrid::calnet())), "{method:?}");
    }
    let (t, y, _) = random_lc(7, 300, 2000.0, 27.0);
    for method in methods {
        let p = Periodogram::new(&t, &y).unwrap().method(method);
        // Highest frequency 1e300: the same.
        let grid = FrequencyGrid::regular(0.1, 1e300, 100).unwrap();
        assert!(too_large(p.compute(&grid)), "{method:?}");
        // 1e12 cycles/day over 27 days: fine for the exact kernels, an FFT of ~1e15 points
        // for the fast one, which Auto then avoids.
        let grid = FrequencyGrid::from_frequencies(vec![0.5, 1e12]).unwrap();
        match method {
            Method::Fast => assert!(too_large(p.compute(&grid))),
            _ => assert!(p.compute(&grid).is_ok(), "{method:?}"),
        }
    }
    // A grid the fast kernel would need gigabytes to plan for (found by fuzzing: 14 million
    // points): refused for Fast, Direct for Auto.
    let (t, y, _) = random_lc(7, 8, 2000.0, 27.0);
    let grid = FrequencyGrid::regular(0.1, 0.2, gls::MAX_FAST_GRID + 1).unwrap();
    let p = Periodogram::new(&t, &y).unwrap();
    assert!(too_large(p.clone().method(Method::Fast).compute(&grid)));
    assert_eq!(p.compute(&grid).unwrap().method, Method::Direct);
    // Subnormal bounds (found by fuzzing: an i64 overflow in the fast kernel's target index):
    // a frequency whose period overflows makes no grid.
    assert!(FrequencyGrid::regular(5e-323, 1.0, 10).is_err());
    assert!(FrequencyGrid::from_periods(vec![1e-320]).is_err());
    // A grid too large to hold is refused before it is allocated.
    for n in [gls::MAX_GRID_POINTS + 1, 100_000_000_000, usize::MAX] {
        assert!(matches!(
            FrequencyGrid::regular(0.1, 10.0, n),
            Err(GlsError::TooLarge { .. })
        ));
        assert!(matches!(
            FrequencyGrid::log_period(0.1, 10.0, n),
            Err(GlsError::TooLarge { .. })
        ));
    }
}
