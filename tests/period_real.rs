//! The EB period estimate on real TESS light curves of eclipsing binaries with published
//! periods: CW Eri (2.72837 d; TESS sectors 4 and 31) and CM Dra (1.26839 d; sector 24). The
//! periodogram of both peaks at half the period; the estimate must double it.

use std::path::Path;

use calnet::period;
use lc_prep::{FeatureConfig, FeatureExtractor};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/lc");

/// (file, published period in days).
const CASES: [(&str, f64); 3] = [
    // CW Eri, literature period 2.72837 d (fixtures/lc/README.md: 2.728 d).
    (
        "tess2018292075959-s0004-0000000098853987-0124-s_lc.fits",
        2.72837,
    ),
    (
        "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits",
        2.72837,
    ),
    // CM Dra, literature period 1.26839 d (fixtures/lc/README.md: 1.268 d).
    (
        "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits",
        1.26839,
    ),
];

#[test]
fn known_binaries_get_their_period_from_every_segment() {
    let extractor = FeatureExtractor::new(FeatureConfig::reference()).unwrap();
    let grid = gls::FrequencyGrid::calnet();
    for (file, truth) in CASES {
        let lc = tess_io::read(Path::new(FIXTURES).join(file)).unwrap();
        let features = extractor.extract(&lc).unwrap();
        assert!(!features.segments.is_empty(), "{file}");
        let (keep, _) = lc.quality_keep(FeatureConfig::reference().quality);
        for seg in &features.segments {
            let peak = period::peak_period(grid.periods(), &seg.gls).unwrap();
            // The periodogram sees two eclipses per orbit.
            assert!(
                (peak / (truth / 2.0) - 1.0).abs() < 0.01,
                "{file} segment {}: peak {peak}",
                seg.index
            );
            let (t, f): (Vec<f64>, Vec<f64>) = lc
                .time
                .iter()
                .zip(&lc.flux)
                .zip(&keep)
                .filter(|((&t, _), &k)| k && t >= seg.t_start && t <= seg.t_end)
                .map(|((&t, &f), _)| (t, f as f64))
                .unzip();
            let e = period::estimate(&t, &f, peak).unwrap();
            assert!(e.doubled, "{file} segment {}: {e:?}", seg.index);
            let error = (e.period / truth - 1.0).abs();
            // One segment spans 5 to 10 orbits: a few 1e-4 is what a fold can resolve.
            assert!(
                error < 5e-4,
                "{file} segment {}: {} d against {truth} d",
                seg.index,
                e.period
            );
        }
    }
}
