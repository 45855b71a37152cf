//! lc-prep, step by step and end to end, on one real SPOC 2-min light curve (CW Eri,
//! sector 31: two segments of about 9,000 points).
//!
//! `scripts/bench/bench_features.py` runs the reference's Python steps and `calnet features` on the
//! same files in one go; figures in docs/performance.md ("Features").

use criterion::{criterion_group, criterion_main, Criterion};
use lc_prep::{self, clip, detrend, npy, FeatureConfig, FeatureExtractor};
use std::hint::black_box;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits"
);

/// The first segment of the file after the quality cut, and its clipped points.
fn segment() -> (Vec<f64>, Vec<f32>, Vec<f64>, Vec<f32>) {
    let lc = tess_io::read(FILE).unwrap();
    let (keep, _) = lc.quality_keep(tess_io::QualityMask::Reference);
    let t = clip::select(&lc.time, &keep);
    let f = clip::select(&lc.flux, &keep);
    let r = lc_prep::segment::split_at_gaps(&t, 0.75)[0].clone();
    let (t, f) = (t[r.clone()].to_vec(), f[r].to_vec());
    let k = clip::percentile_keep(&f, 99.0);
    let (tc, fc) = (clip::select(&t, &k), clip::select(&f, &k));
    (t, f, tc, fc)
}

fn steps(c: &mut Criterion) {
    let (_, f, tc, fc) = segment();
    let x = lc_prep::features::normalised_time(&tc).unwrap();
    let y: Vec<f64> = fc.iter().map(|&v| v as f64).collect();
    let mut g = c.benchmark_group("prep_step");
    g.bench_function("percentile_clip", |b| {
        b.iter(|| clip::percentile_keep(black_box(&f), 99.0))
    });
    g.bench_function("fitpack_interpolate", |b| {
        b.iter(|| lc_prep::fitpack::Spline::interpolate(black_box(&x), &y).unwrap())
    });
    let s = lc_prep::fitpack::Spline::interpolate(&x, &y).unwrap();
    g.bench_function("fitpack_splev_points", |b| b.iter(|| s.eval(black_box(&x))));
    let resid: Vec<f64> = y.iter().zip(s.eval(&x)).map(|(a, b)| a - b).collect();
    g.bench_function("robust_mask", |b| {
        b.iter(|| lc_prep::outlier::robust_mask(black_box(&resid), 3.0))
    });
    g.bench_function("reference_spline_3_rounds", |b| {
        b.iter(|| detrend::reference_spline(black_box(&x), &fc, 3, 3.0).unwrap())
    });
    g.bench_function("robust_spline", |b| {
        b.iter(|| detrend::robust_spline(black_box(&tc), &x, &fc, &Default::default()).unwrap())
    });
    g.bench_function("resample_4000", |b| {
        b.iter(|| lc_prep::resample::on_unit_grid(black_box(&s), 4000))
    });
    let grid = gls::FrequencyGrid::calnet();
    g.bench_function("periodogram_calnet_grid", |b| {
        b.iter(|| lc_prep::periodogram::calnet_periodogram(black_box(&tc), &fc, &grid).unwrap())
    });
    g.bench_function("npy_sum_9000", |b| b.iter(|| npy::sum(black_box(&y))));
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let ex = FeatureExtractor::new(FeatureConfig::reference()).unwrap();
    let mut g = c.benchmark_group("prep_file");
    g.sample_size(20);
    g.bench_function("read_and_extract_2_segments", |b| {
        b.iter(|| {
            let lc = tess_io::read(black_box(FILE)).unwrap();
            ex.extract(&lc).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, steps, end_to_end);
criterion_main!(benches);
