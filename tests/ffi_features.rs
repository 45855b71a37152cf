//! lc-prep's full-frame-image config (`FeatureConfig::ffi`) on real 30-minute and 200-second
//! TESS-SPOC files and on simulated 10-minute and 200-second light curves (lc-sim): segments
//! by span and coverage at each file's cadence, the same 4000- and 1000-value inputs.

use std::path::{Path, PathBuf};

use lc_prep::{FeatureConfig, FeatureExtractor, Features, SegmentRule, SkipReason};
use lc_sim::{Cadence, SimConfig};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// WASP-100, TESS-SPOC: sector 1 at 30 minutes, sector 61 at 200 s.
const SPOC_1800: &str = "lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits";
const SPOC_200: &str = "lc/hlsp_tess-spoc_tess_phot_0000000038846515-s0061_tess_v1_lc.fits";

fn extract(config: FeatureConfig, lc: &tess_io::LightCurve) -> Features {
    FeatureExtractor::new(config).unwrap().extract(lc).unwrap()
}

fn assert_inputs(f: &Features, rule: &SegmentRule) {
    for s in &f.segments {
        assert_eq!((s.lc.len(), s.gls.len()), (4000, 1000));
        for v in s.lc.iter().chain(&s.gls) {
            assert!(v.is_finite() && (0.0..=1.0).contains(v), "{v}");
        }
        assert!(s.n_points >= rule.min_points);
    }
}

/// The periodogram input is 0 at periods below twice the cadence and spans [0, 1] above.
fn assert_alias_cut(gls: &[f32], cadence_s: f64) {
    let periods = gls::FrequencyGrid::calnet().periods().to_vec();
    let below = periods
        .iter()
        .filter(|&&p| p < 2.0 * cadence_s / 86_400.0)
        .count();
    // 331 of the 1000 periods at 30 minutes, 63 at 200 s.
    assert_eq!(below, if cadence_s == 1800.0 { 331 } else { 63 });
    assert!(gls[..below].iter().all(|&v| v == 0.0));
    let above = &gls[below..];
    assert_eq!(above.iter().cloned().fold(f32::MIN, f32::max), 1.0);
    assert_eq!(above.iter().cloned().fold(f32::MAX, f32::min), 0.0);
}

#[test]
fn a_real_30_minute_sector_gives_both_orbits_where_the_reference_gives_none() {
    let lc = tess_io::read(fixture(SPOC_1800)).unwrap();
    assert_eq!(lc.meta.cadence_s, 1800.0);
    let reference = extract(FeatureConfig::reference(), &lc);
    assert!(reference.segments.is_empty());
    assert!(reference.skipped.iter().all(|s| matches!(
        s.reason,
        SkipReason::TooShort {
            min_points: 2000,
            ..
        }
    )));
    let ffi = extract(FeatureConfig::ffi(), &lc);
    assert_eq!(ffi.segments.len(), 2, "{:?}", ffi.skipped);
    assert_inputs(&ffi, &SegmentRule::ffi(1800.0));
    for s in &ffi.segments {
        assert_alias_cut(&s.gls, 1800.0);
    }
    // TESS-SPOC gets lightkurve's default mask: 7 more cadences (bit 10, impulsive outlier).
    assert_eq!(ffi.quality.kept, reference.quality.kept + 7);
}

#[test]
fn a_thinned_30_minute_orbit_is_skipped_for_its_coverage() {
    let mut lc = tess_io::read(fixture(SPOC_1800)).unwrap();
    // Two cadences in three flagged as momentum dumps (bit 6, in the default mask): about
    // 170 points an orbit, above the 134-point minimum, but a third of the span's cadences.
    for (i, q) in lc.quality.iter_mut().enumerate() {
        if i % 3 != 0 {
            *q |= tess_io::flags::DESAT as i32;
        }
    }
    let f = extract(FeatureConfig::ffi(), &lc);
    assert!(f.segments.is_empty());
    // The first orbit: 180 points over 11.4 days, 33% of its cadences. (The second orbit has
    // a gap of more than 0.75 d, and its thinned halves are too short.)
    let first = &f.skipped[0];
    assert_eq!(first.n_points, 180);
    match first.reason {
        SkipReason::Sparse { coverage, .. } => assert!((0.3..0.35).contains(&coverage)),
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn a_real_200_s_sector_gives_the_reference_inputs() {
    // Every finite row of this file has QUALITY 0, and both orbits pass both rules: without
    // its alias cut the FFI config must give exactly the reference's inputs.
    let lc = tess_io::read(fixture(SPOC_200)).unwrap();
    assert_eq!(lc.meta.cadence_s, 200.0);
    let reference = extract(FeatureConfig::reference(), &lc);
    let no_cut = FeatureConfig {
        alias_cut: false,
        ..FeatureConfig::ffi()
    };
    assert_eq!(extract(no_cut, &lc).segments, reference.segments);
    let ffi = extract(FeatureConfig::ffi(), &lc);
    assert_eq!(ffi.segments.len(), 2);
    assert_inputs(&ffi, &SegmentRule::ffi(200.0));
    for (a, b) in ffi.segments.iter().zip(&reference.segments) {
        assert_eq!(a.lc, b.lc);
        assert_alias_cut(&a.gls, 200.0);
    }
}

/// Simulated light curves at `cadence`: (files with a segment under the reference config,
/// files with a segment under the FFI config, files).
fn simulated(cadence: Cadence) -> (usize, usize, usize) {
    let cfg = SimConfig {
        cadence,
        ..Default::default()
    };
    let rule = SegmentRule::ffi(cadence.seconds());
    let (mut by_reference, mut by_ffi) = (0, 0);
    let n = 6;
    for index in 0..n {
        let sim = lc_sim::simulate_one(&cfg, 17, index).unwrap();
        assert_eq!(sim.lc.meta.cadence_s, cadence.seconds());
        let ffi = extract(FeatureConfig::ffi(), &sim.lc);
        assert_inputs(&ffi, &rule);
        by_ffi += usize::from(!ffi.segments.is_empty());
        let reference = extract(FeatureConfig::reference(), &sim.lc);
        by_reference += usize::from(!reference.segments.is_empty());
    }
    (by_reference, by_ffi, n as usize)
}

#[test]
fn ten_minute_simulations_give_segments_only_under_the_ffi_rule() {
    // A 13-day orbit at 600 s holds about 1,900 cadences: never the reference's 2,000.
    let (by_reference, by_ffi, n) = simulated(Cadence::Ffi600);
    assert_eq!(by_reference, 0);
    assert_eq!(by_ffi, n);
}

#[test]
fn two_hundred_second_simulations_give_segments_under_both_rules() {
    let (by_reference, by_ffi, n) = simulated(Cadence::Ffi200);
    assert_eq!((by_reference, by_ffi), (n, n));
}
