//! Each cadence of `calnet simulate --cadence`: the cadence grid, the sectors it existed in,
//! the product, the gaps of its era, and per-point noise at the level of `tess::point_sigma`.

mod common;

use common::median;
use lc_sim::tess::{self, Cadence};
use lc_sim::{simulate_one, Class, SimConfig};
use tess_io::{LightCurve, Product};

/// Point-to-point MAD scatter of the QUALITY == 0 rows, as a fraction of their median.
fn p2p(lc: &LightCurve) -> f64 {
    let f: Vec<f64> = lc
        .flux
        .iter()
        .zip(&lc.quality)
        .zip(&lc.time)
        .filter(|((f, &q), t)| f.is_finite() && q == 0 && t.is_finite())
        .map(|((&f, _), _)| f64::from(f))
        .collect();
    let level = median(f.clone());
    median(f.windows(2).map(|w| (w[1] - w[0]).abs()).collect()) * 1.4826 / 2f64.sqrt() / level
}

/// Gaps between successive finite times wider than `days`.
fn gaps(lc: &LightCurve, days: f64) -> usize {
    let t: Vec<f64> = lc.time.iter().copied().filter(|t| t.is_finite()).collect();
    t.windows(2).filter(|w| w[1] - w[0] > days).count()
}

#[test]
fn each_cadence_draws_its_grid_sectors_product_gaps_and_noise() {
    for cadence in Cadence::ALL {
        let cfg = SimConfig {
            cadence,
            classes: vec![Class::Constant],
            eb_fraction: 0.0,
            ..Default::default()
        };
        let (lo, hi) = cadence.sectors();
        let mut ratios = Vec::new();
        for i in 0..12 {
            let s = simulate_one(&cfg, 11, i).unwrap();
            let lc = &s.lc;
            assert_eq!(lc.meta.cadence_s, cadence.seconds());
            assert_eq!(lc.meta.product, cadence.product());
            assert_eq!(
                lc.meta.product == Product::TessSpoc,
                cadence.is_ffi(),
                "{cadence}"
            );
            assert!(
                s.lc.meta.file.ends_with(if cadence.is_ffi() {
                    "_ffi-lc.fits"
                } else if cadence == Cadence::Fast20 {
                    "_fast-lc.fits"
                } else {
                    "_lc.fits"
                }),
                "{}",
                s.lc.meta.file
            );
            let sector = lc.meta.sector.unwrap();
            assert!((lo..=hi).contains(&sector), "{cadence}: sector {sector}");
            // One row per cadence over 25.4-27.9 days.
            let dt: Vec<f64> = lc.time.windows(2).map(|w| w[1] - w[0]).collect();
            let step = median(dt.into_iter().filter(|d| d.is_finite()).collect());
            assert!((step * 86_400.0 - cadence.seconds()).abs() < 1e-3, "{step}");
            let rows = lc.time.len() as f64 * cadence.seconds() / 86_400.0;
            assert!((25.3..28.0).contains(&rows), "{cadence}: {rows} d of rows");
            // The downlink gaps of the era: one of about a day before sector 56, three of
            // 0.15-0.3 d from sector 56 (which do not split the sector into segments).
            let nan_time = lc.time.iter().filter(|t| t.is_nan()).count() as f64;
            let gap_days = nan_time * cadence.seconds() / 86_400.0;
            if sector < 56 {
                assert!(gaps(lc, 0.75) >= 1, "{cadence}: no downlink gap");
                assert!(gap_days >= 0.85, "{cadence}: {gap_days} d of NaN-time rows");
            } else {
                assert!(
                    (0.4..4.0).contains(&gap_days),
                    "{cadence}: {gap_days} d of NaN-time rows"
                );
            }
            ratios.push(p2p(lc) / tess::point_sigma(s.truth.tmag, cadence));
        }
        // Per-star noise scatters by 10% and slow systematics add a little: the median
        // star sits at the model.
        let r = median(ratios);
        assert!((0.9..1.12).contains(&r), "{cadence}: p2p / model {r}");
    }
}

#[test]
fn full_frame_noise_is_the_binned_two_minute_noise_plus_the_floor() {
    for tmag in [7.0, 9.0, 11.0, 13.0] {
        let two_min = tess::point_sigma(tmag, Cadence::Spoc120);
        for c in [Cadence::Ffi200, Cadence::Ffi600, Cadence::Ffi1800] {
            let binned = two_min * (120.0 / c.seconds()).sqrt();
            let floor = tess::SYSTEMATIC_FLOOR_PPM * 1e-6 * (3600.0 / c.seconds()).sqrt();
            let want = (binned * binned + floor * floor).sqrt();
            let got = tess::point_sigma(tmag, c);
            assert!(
                (got / want - 1.0).abs() < 1e-9,
                "T {tmag}, {c}: {got} vs {want}"
            );
        }
    }
    // The floor dominates bright stars at 30 minutes and hardly matters for faint ones.
    let bright = tess::point_sigma(7.0, Cadence::Ffi1800) / tess::white_sigma(7.0, 1800.0);
    let faint = tess::point_sigma(13.0, Cadence::Ffi1800) / tess::white_sigma(13.0, 1800.0);
    assert!(bright > 1.3 && faint < 1.01, "{bright} {faint}");
}
