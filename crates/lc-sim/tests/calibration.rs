//! The TESS model against the real light curves in `fixtures/lc`, read with `tess_io`:
//! noise level (2-minute and full-frame-image products), flux zero point and the
//! momentum-dump flag pattern.

mod common;

use common::{fixture, median};
use lc_sim::tess;
use tess_io::{flags, LightCurve};

/// Point-to-point MAD scatter and median flux of the QUALITY == 0 rows.
fn scatter_and_level(lc: &LightCurve) -> (f64, f64) {
    let f: Vec<f64> = lc
        .flux
        .iter()
        .zip(&lc.quality)
        .zip(&lc.time)
        .filter(|((f, &q), t)| f.is_finite() && q == 0 && t.is_finite())
        .map(|((&f, _), _)| f64::from(f))
        .collect();
    let level = median(f.clone());
    let d = median(f.windows(2).map(|w| (w[1] - w[0]).abs()).collect());
    (d * 1.4826 / 2f64.sqrt() / level, level)
}

/// The planet hosts (quiet stars; the transits barely move a point-to-point statistic).
const QUIET: [&str; 3] = [
    "tess2018206045859-s0001-0000000038846515-0120-s_lc.fits",
    "tess2018206045859-s0001-0000000025155310-0120-s_lc.fits",
    "hlsp_tess-data-alerts_tess_phot_00055652896-s01_tess_v1_lc.fits",
];

#[test]
fn white_noise_and_zero_point_match_real_quiet_stars() {
    for name in QUIET {
        let lc = fixture(name);
        let tmag = lc.meta.tmag.unwrap();
        let (p2p, level) = scatter_and_level(&lc);
        let model = tess::white_sigma(tmag, lc.meta.cadence_s);
        assert!(
            (p2p / model - 1.0).abs() < 0.15,
            "{name}: T={tmag} p2p {p2p} vs model {model}"
        );
        let flux = tess::flux_from_tmag(tmag);
        assert!(
            (level / flux - 1.0).abs() < 0.2,
            "{name}: {level} e-/s vs {flux}"
        );
    }
}

/// WASP-100's full-frame-image light curves: TESS-SPOC at 1800 s (sector 1) and 200 s
/// (sector 61), QLP at 1800 s (sector 2; normalised flux, so no zero-point check).
const FFI: [&str; 3] = [
    "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits",
    "hlsp_tess-spoc_tess_phot_0000000038846515-s0061_tess_v1_lc.fits",
    "hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits",
];

#[test]
fn ffi_noise_matches_real_full_frame_light_curves() {
    for name in FFI {
        let lc = fixture(name);
        let tmag = lc.meta.tmag.unwrap();
        let cadence = tess::Cadence::from_seconds(lc.meta.cadence_s.round()).unwrap();
        assert!(cadence.is_ffi(), "{name}: {cadence}");
        let (p2p, _) = scatter_and_level(&lc);
        let model = tess::point_sigma(tmag, cadence);
        assert!(
            (p2p / model - 1.0).abs() < 0.15,
            "{name}: T={tmag} p2p {p2p} vs model {model}"
        );
    }
}

/// Lengths of the runs of consecutive rows that have `bit` set.
fn runs(quality: &[i32], bit: u32) -> Vec<usize> {
    let mut out = Vec::new();
    let mut n = 0;
    for &q in quality {
        if q & bit as i32 != 0 {
            n += 1;
        } else if n > 0 {
            out.push(n);
            n = 0;
        }
    }
    if n > 0 {
        out.push(n);
    }
    out
}

#[test]
fn momentum_dumps_flag_like_sector_one() {
    use rand::SeedableRng;
    let real = fixture(QUIET[1]);
    let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(1);
    let sim = tess::observe(&mut rng, 1, tess::Cadence::Spoc120);
    for (what, q) in [("real", &real.quality), ("simulated", &sim.quality)] {
        let dumps: Vec<usize> = runs(q, flags::DESAT)
            .into_iter()
            .filter(|&n| n > 4) // orbit-start desaturations are 4 cadences
            .collect();
        assert!(
            dumps.len() >= 8,
            "{what}: {} dumps in sector 1",
            dumps.len()
        );
        assert!(
            dumps.iter().all(|&n| n == 7),
            "{what}: dump lengths {dumps:?}"
        );
        let coarse = runs(q, flags::COARSE_POINT);
        assert!(
            coarse.iter().all(|&n| n == 3),
            "{what}: coarse-point runs {coarse:?}"
        );
    }
}

#[test]
fn momentum_dumps_flag_one_full_frame_like_the_tess_spoc_file() {
    use rand::SeedableRng;
    let real = fixture(FFI[0]);
    let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(1);
    let sim = tess::observe(&mut rng, 1, tess::Cadence::Ffi1800);
    let dump = (flags::COARSE_POINT | flags::DESAT | flags::MANUAL_EXCLUDE) as i32;
    for (what, q) in [("real", &real.quality), ("simulated", &sim.quality)] {
        // Runs of cadences flagged with coarse point: each a dump, 4|32|128 on one or two
        // 30-minute cadences (the real sector-1 file: 8 dumps, 1-2 cadences each).
        let runs = runs(q, flags::COARSE_POINT);
        assert!(runs.len() >= 6, "{what}: {} dumps", runs.len());
        assert!(runs.iter().all(|&n| n <= 2), "{what}: {runs:?}");
        let full = q.iter().filter(|&&v| v & dump == dump).count();
        assert!(full >= runs.len(), "{what}: {full} rows with 4|32|128");
    }
}
