//! Degenerate inputs are skipped with a reason, never a NaN; robust mode removes injected
//! flares and outliers and keeps eclipses.

use lc_prep::detrend::robust_spline;
use lc_prep::{FeatureConfig, FeatureExtractor, Mode, SkipReason};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use tess_io::{LightCurve, Metadata, Product};

const CADENCE_D: f64 = 2.0 / 1440.0;

fn light_curve(time: Vec<f64>, flux: Vec<f32>) -> LightCurve {
    let n = time.len();
    LightCurve {
        time,
        flux,
        flux_err: vec![1.0; n],
        quality: vec![0; n],
        cadenceno: (0..n as i32).collect(),
        meta: Metadata {
            tic: Some(1),
            sector: Some(1),
            camera: None,
            ccd: None,
            tmag: None,
            teff: None,
            logg: None,
            radius: None,
            ra: None,
            dec: None,
            product: Product::Spoc,
            cadence_s: 120.0,
            file: "synthetic.fits".into(),
            path: None,
        },
    }
}

/// An eclipsing binary on a slow trend with white noise: `n` 2-minute cadences from `t0`.
fn eb(n: usize, t0: f64, seed: u64) -> (Vec<f64>, Vec<f32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 20.0).unwrap();
    let t: Vec<f64> = (0..n).map(|i| t0 + i as f64 * CADENCE_D).collect();
    let f = t
        .iter()
        .map(|&t| {
            let phase = (t / 2.3).fract();
            let dip = if (phase - 0.5).abs() < 0.02 {
                3000.0
            } else {
                0.0
            };
            (1.0e4 + 50.0 * (t / 5.0).sin() - dip + noise.sample(&mut rng)) as f32
        })
        .collect();
    (t, f)
}

fn extractor(mode: Mode) -> FeatureExtractor {
    FeatureExtractor::new(FeatureConfig {
        mode,
        ..FeatureConfig::reference()
    })
    .unwrap()
}

fn assert_clean(seg: &lc_prep::Segment) {
    assert_eq!((seg.lc.len(), seg.gls.len()), (4000, 1000));
    for v in seg.lc.iter().chain(&seg.gls) {
        assert!(
            v.is_finite() && (0.0..=1.0).contains(v),
            "value {v} outside [0, 1]"
        );
    }
}

#[test]
fn two_orbits_give_two_segments_and_short_pieces_are_skipped() {
    let (mut t, mut f) = eb(5000, 100.0, 1);
    let (t2, f2) = eb(4000, 112.0, 2);
    let (t3, f3) = eb(500, 120.0, 3);
    t.extend(t2.iter().chain(&t3));
    f.extend(f2.iter().chain(&f3));
    for mode in [Mode::Reference, Mode::Robust] {
        let out = extractor(mode)
            .extract(&light_curve(t.clone(), f.clone()))
            .unwrap();
        assert_eq!(
            out.segments.iter().map(|s| s.index).collect::<Vec<_>>(),
            [0, 1]
        );
        out.segments.iter().for_each(assert_clean);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].index, 2);
        assert_eq!(
            out.skipped[0].reason,
            SkipReason::TooShort {
                n_points: 500,
                min_points: 2000
            }
        );
    }
}

#[test]
fn constant_flux_is_skipped_not_nan() {
    let t: Vec<f64> = (0..3000).map(|i| i as f64 * CADENCE_D).collect();
    let out = extractor(Mode::Reference)
        .extract(&light_curve(t.clone(), vec![5.0; 3000]))
        .unwrap();
    assert!(out.segments.is_empty());
    assert_eq!(out.skipped[0].reason, SkipReason::Clipped { n_left: 0 });

    // Two levels: the clip keeps the lower one only, which is constant.
    let f: Vec<f32> = (0..3000)
        .map(|i| if i % 2 == 0 { 1.0 } else { 2.0 })
        .collect();
    for mode in [Mode::Reference, Mode::Robust] {
        let out = extractor(mode)
            .extract(&light_curve(t.clone(), f.clone()))
            .unwrap();
        assert!(out.segments.is_empty(), "{mode}");
        assert!(
            matches!(
                out.skipped[0].reason,
                SkipReason::Failed(lc_prep::Error::Constant { .. })
            ),
            "{mode}: {:?}",
            out.skipped[0].reason
        );
    }
}

#[test]
fn tiny_and_empty_light_curves() {
    for n in [0, 1, 3] {
        let t: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let out = extractor(Mode::Reference)
            .extract(&light_curve(t, vec![1.0; n]))
            .unwrap();
        assert!(out.segments.is_empty());
        // Points a day apart: each is a segment of its own, too short.
        assert_eq!(out.skipped.len(), n);
    }
    // Fewer than 4 points with a tiny minimum: skipped by the clip or the spline, no panic.
    let cfg = FeatureConfig {
        segments: lc_prep::Segments::Fixed(lc_prep::SegmentRule {
            min_points: 1,
            ..lc_prep::SegmentRule::REFERENCE
        }),
        ..FeatureConfig::reference()
    };
    let ex = FeatureExtractor::new(cfg).unwrap();
    let out = ex
        .extract(&light_curve(vec![0.0, 0.1, 0.2], vec![1.0, 2.0, 3.0]))
        .unwrap();
    assert!(out.segments.is_empty());
    assert_eq!(out.skipped.len(), 1);
}

#[test]
fn nan_rows_and_flagged_rows_are_dropped_before_anything() {
    let (t, f) = eb(3000, 10.0, 4);
    let mut lc = light_curve(t, f);
    lc.time[10] = f64::NAN;
    lc.flux[20] = f32::NAN;
    lc.quality[30] = 1024;
    let out = extractor(Mode::Reference).extract(&lc).unwrap();
    assert_eq!(out.quality.kept, 2997);
    assert_eq!(out.segments[0].n_points, 2997);
    assert_clean(&out.segments[0]);
}

#[test]
fn unsorted_times_are_sorted_stably_and_duplicates_are_skipped() {
    let (t, f) = eb(3000, 10.0, 5);
    let sorted = extractor(Mode::Reference)
        .extract(&light_curve(t.clone(), f.clone()))
        .unwrap();
    let mut order: Vec<usize> = (0..t.len()).collect();
    order.reverse();
    order.swap(5, 700);
    let t2: Vec<f64> = order.iter().map(|&i| t[i]).collect();
    let f2: Vec<f32> = order.iter().map(|&i| f[i]).collect();
    let shuffled = extractor(Mode::Reference)
        .extract(&light_curve(t2, f2))
        .unwrap();
    assert_eq!(sorted.segments, shuffled.segments);

    let mut t3 = t.clone();
    t3[100] = t3[99];
    let dup = extractor(Mode::Reference)
        .extract(&light_curve(t3, f))
        .unwrap();
    assert!(dup.segments.is_empty());
    assert!(matches!(
        dup.skipped[0].reason,
        SkipReason::Failed(lc_prep::Error::NotIncreasing { .. })
    ));
}

#[test]
fn robust_mode_removes_flares_and_outliers_but_keeps_eclipses() {
    let (t, mut f) = eb(9000, 0.0, 6);
    let x = lc_prep::features::normalised_time(&t).unwrap();
    // A flare: fast rise, exponential decay over ~30 cadences.
    let flare_at = 3000;
    for k in 0..30 {
        f[flare_at + k] += (2000.0 * (-(k as f64) / 6.0).exp()) as f32;
    }
    // Single-cadence outliers both ways.
    let outliers = [1234usize, 4567, 7890];
    f[outliers[0]] += 800.0;
    f[outliers[1]] -= 900.0;
    f[outliers[2]] += 1500.0;
    let fit = robust_spline(&t, &x, &f, &Default::default()).unwrap();
    for &i in &outliers {
        assert!(!fit.keep[i], "outlier at {i} kept");
    }
    assert!(
        !fit.keep[flare_at] && !fit.keep[flare_at + 1],
        "flare peak kept"
    );
    let in_eclipse: Vec<usize> = (0..t.len())
        .filter(|&i| ((t[i] / 2.3).fract() - 0.5).abs() < 0.015)
        .collect();
    assert!(in_eclipse.len() > 100);
    let kept = in_eclipse.iter().filter(|&&i| fit.keep[i]).count();
    assert!(
        kept as f64 > 0.9 * in_eclipse.len() as f64,
        "eclipse points kept: {kept} of {}",
        in_eclipse.len()
    );
    let dropped = fit.keep.iter().filter(|&&k| !k).count();
    assert!(dropped < 200, "robust mode dropped {dropped} points");
}
