//! The label-cleaning rule of `calnet::curate` on real and simulated 30-minute light curves:
//! binaries with a clear signal pass at their period and fail at other periods; constant
//! stars fail at any period; the split is by star.

use calnet::curate::{self, check_signal, split_of, Found, LabelRow, Split};
use lc_sim::{simulate_one, Cadence, Class, SimConfig};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/lc");

#[test]
fn real_signals_pass_at_their_period_only() {
    // WASP-100 b (P = 2.849375 d, 0.6% deep) in the TESS-SPOC 30-minute file; CW Eri and
    // CM Dra (2-minute files) at their published periods.
    for (file, p) in [
        (
            "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits",
            2.849375,
        ),
        (
            "tess2020294194027-s0031-0000000098853987-0198-s_lc.fits",
            2.72837,
        ),
        (
            "tess2020106103520-s0024-0000000199574208-0180-s_lc.fits",
            1.26839,
        ),
    ] {
        let lc = tess_io::read(format!("{FIXTURES}/{file}")).unwrap();
        let at = check_signal(&lc, p);
        assert!(at.ok, "{file} at {p}: {at:?}");
        assert_eq!(at.found, Found::Signal);
        for wrong in [1.37, 0.71] {
            let off = check_signal(&lc, p * wrong);
            assert!(!off.ok, "{file} at {} ({wrong} P): {off:?}", p * wrong);
        }
    }
}

#[test]
fn simulated_binaries_pass_and_constant_stars_do_not() {
    let ebs = SimConfig {
        cadence: Cadence::Ffi1800,
        classes: vec![Class::Detached, Class::Contact],
        eb_fraction: 1.0,
        min_snr: 100.0,
        threads: Some(1),
        ..Default::default()
    };
    let (mut checked, mut passed) = (0, 0);
    for i in 0..24 {
        let s = simulate_one(&ebs, 21, i).unwrap();
        let p = s.truth.period_d.unwrap();
        // Two cycles or more in the sector.
        if p > 10.0 {
            continue;
        }
        checked += 1;
        passed += usize::from(check_signal(&s.lc, p).ok);
    }
    assert!(checked >= 12, "{checked} binaries under 10 d");
    assert!(passed * 10 >= checked * 9, "{passed} of {checked} pass");

    let constant = SimConfig {
        cadence: Cadence::Ffi1800,
        classes: vec![Class::Constant],
        eb_fraction: 0.0,
        threads: Some(1),
        ..Default::default()
    };
    let mut false_passes = 0;
    for i in 0..30 {
        let s = simulate_one(&constant, 22, i).unwrap();
        let p = 0.4 * 1.13f64.powi(i as i32); // 0.4 to 13 d
        false_passes += usize::from(check_signal(&s.lc, p).ok);
    }
    assert!(
        false_passes <= 2,
        "{false_passes} of 30 constant stars pass"
    );
}

#[test]
fn the_split_is_by_star_and_fixed_by_the_seed() {
    let row = |file: &str, tic: u64, label: u8| LabelRow {
        file: file.into(),
        tic,
        label,
        class: String::new(),
        period_d: None,
    };
    // Two files of one star, one of another; label 0 so that no file is read.
    let rows = [
        row("a.fits", 7, 0),
        row("b.fits", 7, 0),
        row("c.fits", 8, 0),
    ];
    let out = curate::curate(std::path::Path::new("/nonexistent"), &rows, 3);
    assert_eq!(out[0].split, out[1].split);
    assert!(out.iter().all(|r| r.kept() && r.signal_ok.is_none()));
    // The fractions over many stars, and another seed moves stars between sets.
    let n = 20_000u64;
    let count = |s: Split| (0..n).filter(|&t| split_of(t, 0) == s).count() as f64 / n as f64;
    assert!((count(Split::Train) - 0.70).abs() < 0.015);
    assert!((count(Split::Validation) - 0.15).abs() < 0.01);
    let moved = (0..n).filter(|&t| split_of(t, 0) != split_of(t, 1)).count();
    assert!(moved > 8_000, "{moved}");
    // A label-1 row without a period, or whose file cannot be read, is no positive example.
    let bad = [LabelRow {
        period_d: Some(1.0),
        ..row("missing.fits", 9, 1)
    }];
    let out = curate::curate(std::path::Path::new("/nonexistent"), &bad, 0);
    assert_eq!(out[0].signal_ok, Some(false));
    assert!(out[0].reason.starts_with("unreadable"), "{}", out[0].reason);
}

#[test]
fn periods_longer_than_the_data_and_short_files_cannot_be_checked() {
    let lc = tess_io::read(format!(
        "{FIXTURES}/hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits"
    ))
    .unwrap();
    let c = check_signal(&lc, 40.0);
    assert_eq!((c.ok, c.found), (false, Found::PeriodTooLong));
    assert!(c.z.is_nan());
    let mut short = lc.clone();
    short.time.truncate(60);
    short.flux.truncate(60);
    short.flux_err.truncate(60);
    short.quality.truncate(60);
    short.cadenceno.truncate(60);
    assert_eq!(check_signal(&short, 1.0).found, Found::TooFewPoints);
}
