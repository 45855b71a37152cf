//! The hard-cases population draws each of its regions (issue 21), and each region's light
//! curves show what the region is about: measured on the written or noiseless light curves,
//! compared with the reference mix (where the region is rare or absent, so each check can
//! fail) and, where one exists, with a real fixture.

mod common;

use common::{fixture, median};
use lc_prep::segment::split_at_gaps;
use lc_sim::{simulate_one, Cadence, Class, Population, SimConfig, Simulated};
use tess_io::LightCurve;

fn hard(classes: &[Class], eb_fraction: f64) -> SimConfig {
    SimConfig {
        classes: classes.to_vec(),
        eb_fraction,
        population: Population::HardCases,
        threads: Some(1),
        ..Default::default()
    }
}

fn reference(cfg: &SimConfig) -> SimConfig {
    SimConfig {
        population: Population::Reference,
        ..cfg.clone()
    }
}

/// `(time, value)` of the rows with QUALITY 0 and finite time and flux; `value` is the
/// written flux over its median, or the noiseless signal when `noiseless`.
fn points(s: &Simulated, noiseless: bool) -> Vec<(f64, f64)> {
    let lc = &s.lc;
    let level = median(
        lc.flux
            .iter()
            .filter(|f| f.is_finite())
            .map(|&f| f64::from(f))
            .collect(),
    );
    (0..lc.time.len())
        .filter(|&i| lc.time[i].is_finite() && lc.flux[i].is_finite() && lc.quality[i] == 0)
        .map(|i| {
            let v = if noiseless {
                s.signal[i]
            } else {
                f64::from(lc.flux[i]) / level
            };
            (lc.time[i], v)
        })
        .collect()
}

/// Depths of the minima at phase 0 and 0.5 and the share of the orbit spent below 98% of
/// the out-of-eclipse level (the duty cycle of the eclipses, both counted, halved): the
/// median of the lowest points within 0.3% of phase of each minimum against the median
/// flux between phases 0.15-0.35 and 0.65-0.85. `None` when a minimum has fewer than 3
/// points.
fn eclipses(pts: &[(f64, f64)], p: f64, t0: f64) -> Option<(f64, f64, f64)> {
    let phase = |t: f64| ((t - t0) / p).rem_euclid(1.0);
    let near = |c: f64| -> Vec<f64> {
        pts.iter()
            .filter(|(t, _)| {
                let d = (phase(*t) - c + 0.5).rem_euclid(1.0) - 0.5;
                d.abs() < 0.003
            })
            .map(|&(_, v)| v)
            .collect()
    };
    let out: Vec<f64> = pts
        .iter()
        .filter(|(t, _)| {
            let f = phase(*t);
            (0.15..0.35).contains(&f) || (0.65..0.85).contains(&f)
        })
        .map(|&(_, v)| v)
        .collect();
    let (a, b) = (near(0.0), near(0.5));
    if a.len() < 3 || b.len() < 3 || out.len() < 10 {
        return None;
    }
    let level = median(out);
    let below = pts.iter().filter(|(_, v)| *v < 0.98 * level).count() as f64;
    Some((
        1.0 - median(a) / level,
        1.0 - median(b) / level,
        0.5 * below / pts.len() as f64,
    ))
}

#[test]
fn low_mass_twins_have_short_periods_and_deep_equal_narrow_eclipses_like_cm_dra() {
    // CM Dra (TIC 199574208, sector 24): P = 1.2684 d; the same measurement as below.
    let cm = fixture("tess2020106103520-s0024-0000000199574208-0180-s_lc.fits");
    let cm_pts: Vec<(f64, f64)> = {
        let f: Vec<f64> = (0..cm.time.len())
            .filter(|&i| cm.time[i].is_finite() && cm.flux[i].is_finite() && cm.quality[i] == 0)
            .map(|i| f64::from(cm.flux[i]))
            .collect();
        let level = median(f);
        (0..cm.time.len())
            .filter(|&i| cm.time[i].is_finite() && cm.flux[i].is_finite() && cm.quality[i] == 0)
            .map(|i| (cm.time[i], f64::from(cm.flux[i]) / level))
            .collect()
    };
    let t_min = cm_pts
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|p| p.0)
        .unwrap();
    let (cd1, cd2, cduty) = eclipses(&cm_pts, 1.268_39, t_min).unwrap();
    assert!(
        (0.4..0.55).contains(&cd1) && cd2 / cd1 > 0.85,
        "{cd1} {cd2}"
    );
    assert!((0.02..0.05).contains(&cduty), "CM Dra duty {cduty}");

    let cfg = hard(&[Class::Detached], 1.0);
    let (mut twins, mut like_cm, mut under_a_day) = (0, 0, 0);
    for i in 0..60 {
        let s = simulate_one(&cfg, 31, i).unwrap();
        let t = &s.truth;
        assert_eq!((t.label, t.class.as_str()), (1, "detached"));
        if t.region.as_deref() != Some("low-mass-twin") {
            continue;
        }
        twins += 1;
        let (p, t0) = (t.period_d.unwrap(), t.t0.unwrap());
        assert!((0.25..3.0).contains(&p), "period {p}");
        assert!(t.teff.unwrap() < 4400.0 && t.mass_ratio.unwrap() >= 0.9);
        // In the noiseless light curve (flares and spots included): deep, equal, narrow.
        let (d1, d2, duty) = eclipses(&points(&s, true), p, t0).unwrap();
        println!(
            "twin {i}: P {p:.3} d, Teff {:.0} K, q {:.2}, r1+r2 {:.3}, depths {d1:.3} {d2:.3} \
             (truth {:.3} {:.3}), duty {duty:.3}",
            t.teff.unwrap(),
            t.mass_ratio.unwrap(),
            t.r1_a.unwrap() + t.r2_a.unwrap(),
            t.depth1.unwrap(),
            t.depth2.unwrap(),
        );
        assert!(
            d1 > 0.08 && d2 / d1 > 0.7,
            "light curve {i}: depths {d1} {d2}"
        );
        assert!(duty < 0.16, "light curve {i}: duty cycle {duty}");
        under_a_day += usize::from(p < 1.0);
        like_cm +=
            usize::from((0.9..1.7).contains(&p) && d1 > 0.35 && d2 / d1 > 0.85 && duty < 0.05);
    }
    assert!(twins >= 20, "{twins} of 60 are low-mass twins");
    assert!(under_a_day >= 5, "{under_a_day} twins under a day");
    assert!(like_cm >= 1, "no twin like CM Dra");

    // The reference mix draws hardly any: detached systems with an M-dwarf primary, P < 3 d,
    // q >= 0.85 and a primary deeper than 10%.
    let refc = reference(&cfg);
    let ref_twins = (0..60)
        .filter(|&i| {
            let t = simulate_one(&refc, 31, i).unwrap().truth;
            t.teff.unwrap() < 4000.0
                && t.period_d.unwrap() < 3.0
                && t.mass_ratio.unwrap() >= 0.85
                && t.depth1.unwrap() > 0.1
        })
        .count();
    assert!(
        ref_twins <= 2,
        "{ref_twins} of 60 reference detached systems are twins"
    );
}

/// Valid-row times of each segment `lc-prep` keeps (reference rule at 120 s).
fn segments(lc: &LightCurve) -> Vec<Vec<f64>> {
    let rule = lc_prep::SegmentRule::REFERENCE;
    let t: Vec<f64> = (0..lc.time.len())
        .filter(|&i| lc.time[i].is_finite() && lc.flux[i].is_finite() && lc.quality[i] == 0)
        .map(|i| lc.time[i])
        .collect();
    split_at_gaps(&t, rule.gap_days)
        .into_iter()
        .map(|r| t[r].to_vec())
        .filter(|s| rule.keeps(s.len(), s[s.len() - 1] - s[0], 120.0))
        .collect()
}

/// Primary eclipses whose mid-time falls within a cadence of a row of `seg`.
fn primaries_in(seg: &[f64], t0: f64, p: f64) -> usize {
    let cad = 120.0 / 86_400.0;
    let (a, b) = (seg[0], seg[seg.len() - 1]);
    let mut k = ((a - t0) / p).ceil();
    let mut n = 0;
    while t0 + k * p <= b {
        let tm = t0 + k * p;
        let j = seg.partition_point(|&x| x < tm);
        let hit = [j.wrapping_sub(1), j]
            .iter()
            .filter_map(|&j| seg.get(j))
            .any(|&x| (x - tm).abs() <= cad);
        n += usize::from(hit);
        k += 1.0;
    }
    n
}

#[test]
fn long_period_binaries_show_one_or_two_eclipses_in_every_segment() {
    let cfg = hard(&[Class::Detached], 1.0);
    // Share of segments with one or two primary eclipses, and of systems with a segment
    // holding exactly one, in the region and in the reference's detached systems drawn with
    // an eclipse in every segment (as the shipped weights' training sets were).
    let (mut members, mut segs, mut one_or_two, mut single) = (0, 0, 0, 0);
    for i in 0..60 {
        let s = simulate_one(&cfg, 41, i).unwrap();
        let t = &s.truth;
        if t.region.as_deref() != Some("long-period") {
            continue;
        }
        members += 1;
        assert_eq!(t.label, 1);
        let (p, t0) = (t.period_d.unwrap(), t.t0.unwrap());
        assert!((2.0..14.0).contains(&p), "period {p}");
        let segs_here = segments(&s.lc);
        let counts: Vec<usize> = segs_here
            .iter()
            .map(|seg| primaries_in(seg, t0, p))
            .collect();
        // The period fits the shortest segment (4 d at least), so each can hold an eclipse.
        let shortest = segs_here
            .iter()
            .map(|seg| seg[seg.len() - 1] - seg[0])
            .fold(f64::INFINITY, f64::min);
        assert!(
            p <= shortest.max(4.0),
            "light curve {i}: P {p} > {shortest} d"
        );
        // The label is honest: no kept segment of this EB is without an eclipse.
        assert!(
            counts.iter().all(|&c| c >= 1),
            "light curve {i} (P {p:.2} d): eclipses per segment {counts:?}"
        );
        segs += counts.len();
        one_or_two += counts.iter().filter(|&&c| c <= 2).count();
        single += usize::from(counts.contains(&1));
    }
    assert!(members >= 20, "{members} of 60 are long-period");
    let share = one_or_two as f64 / segs as f64;
    assert!(
        share >= 0.8,
        "{one_or_two} of {segs} segments hold 1-2 eclipses"
    );
    assert!(
        single * 3 >= members,
        "{single} of {members} with a one-eclipse segment"
    );

    let refc = SimConfig {
        eclipse_every_segment: true,
        ..reference(&cfg)
    };
    let (mut ref_segs, mut ref_few) = (0, 0);
    for i in 0..60 {
        let s = simulate_one(&refc, 41, i).unwrap();
        if s.truth.class != "detached" {
            continue;
        }
        let (p, t0) = (s.truth.period_d.unwrap(), s.truth.t0.unwrap());
        for seg in segments(&s.lc) {
            ref_segs += 1;
            ref_few += usize::from(primaries_in(&seg, t0, p) <= 2);
        }
    }
    let ref_share = ref_few as f64 / ref_segs as f64;
    println!(
        "long-period: {members} of 60; {one_or_two} of {segs} segments with 1-2 eclipses, \
         {single} systems with a one-eclipse segment; reference: {ref_few} of {ref_segs}"
    );
    assert!(
        share > 2.0 * ref_share,
        "region {share:.2} vs reference {ref_share:.2} of segments with 1-2 eclipses"
    );
}

/// Out-of-transit variability of the noiseless signal (5-95% range) and its largest rise
/// above the running median of the surrounding 0.2 d (flares).
fn activity(s: &Simulated) -> (f64, f64) {
    let t = &s.truth;
    let (p, t0, dur) = (t.period_d.unwrap(), t.t0.unwrap(), t.duration_d.unwrap());
    let pts: Vec<(f64, f64)> = points(s, true)
        .into_iter()
        .filter(|(x, _)| {
            let d = (((x - t0) / p + 0.5).rem_euclid(1.0) - 0.5).abs() * p;
            d > dur
        })
        .collect();
    let mut v: Vec<f64> = pts.iter().map(|p| p.1).collect();
    v.sort_by(f64::total_cmp);
    let range = v[v.len() * 95 / 100] - v[v.len() * 5 / 100];
    let mut rise: f64 = 0.0;
    for (i, &(x, y)) in pts.iter().enumerate().step_by(5) {
        let lo = pts[..i].partition_point(|q| q.0 < x - 0.1);
        let hi = i + pts[i..].partition_point(|q| q.0 <= x + 0.1);
        let m = median(pts[lo..hi].iter().map(|q| q.1).collect());
        rise = rise.max(y / m - 1.0);
    }
    (range, rise)
}

#[test]
fn active_planet_hosts_show_spots_granulation_and_flares_around_their_transits() {
    let cfg = hard(&[Class::Planet], 0.0);
    let (mut hosts, mut varying, mut flaring) = (0, 0, 0);
    for i in 0..16 {
        let s = simulate_one(&cfg, 51, i).unwrap();
        let t = &s.truth;
        assert_eq!((t.label, t.class.as_str()), (0, "planet"));
        assert_eq!(t.region.as_deref(), Some("active-planet-host"));
        assert!(t.n_primary.unwrap() >= 1, "a transit on valid data");
        hosts += 1;
        let (range, rise) = activity(&s);
        varying += usize::from(range > 2e-4);
        flaring += usize::from(t.n_flares.unwrap() > 0 && rise > 1e-3);
    }
    println!("active planet hosts: {varying} of {hosts} vary, {flaring} show a flare");
    assert!(
        varying * 4 >= hosts * 3,
        "{varying} of {hosts} vary out of transit"
    );
    assert!(flaring * 3 >= hosts, "{flaring} of {hosts} show a flare");
    // Reference planets are quiet out of transit: the same measurement gives nothing.
    for i in 0..6 {
        let s = simulate_one(&reference(&cfg), 51, i).unwrap();
        let (range, rise) = activity(&s);
        assert!(range < 1e-9 && rise < 1e-9, "{range} {rise}");
    }
}

#[test]
fn hard_case_planet_hosts_carry_granulation_of_the_stated_rms() {
    use lc_sim::draw::Window;
    use lc_sim::regions::{draw_region, Region};
    use lc_sim::Signal;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(9);
    let w = Window {
        start: 3000.0,
        end: 3027.0,
    };
    for _ in 0..10 {
        let d = draw_region(&mut rng, Region::ActivePlanetHost, w, 13.0).unwrap();
        let Signal::ActiveStar {
            base,
            spots,
            granulation: Some(g),
            flares,
        } = &d.signal
        else {
            panic!("not an active star: {:?}", d.signal)
        };
        assert!(matches!(**base, Signal::Transit(_)) && spots.is_some());
        assert_eq!(d.truth.n_flares, Some(flares.len() as u32));
        let v: Vec<f64> = (0..19_440)
            .map(|k| g.excess(3000.0 + k as f64 / 720.0))
            .collect();
        let rms = (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
        assert!((2e-5..4e-4).contains(&rms), "granulation rms {rms}");
    }
}

/// Flare onsets in the noiseless signal per day of valid data: rises of more than 0.3%
/// from one 2-minute cadence to the next (spots change by at most 0.13% in 2 minutes even
/// at 3% and 0.2 d), counted once per run of rising cadences.
fn flares_per_day(s: &Simulated) -> f64 {
    let pts = points(s, true);
    let mut events = 0;
    let mut rising = false;
    for w in pts.windows(2) {
        let up = w[1].0 - w[0].0 < 3.0 / 1440.0 && w[1].1 - w[0].1 > 0.003;
        events += usize::from(up && !rising);
        rising = up;
    }
    events as f64 / (pts.len() as f64 * 120.0 / 86_400.0)
}

#[test]
fn flare_stars_and_fast_rotators_are_among_the_negatives() {
    let cfg = hard(&[Class::Flare, Class::Rotator], 0.0);
    let (mut fast, mut flare_rates) = (0, Vec::new());
    for i in 0..24 {
        let s = simulate_one(&cfg, 61, i).unwrap();
        let t = &s.truth;
        assert_eq!(t.label, 0);
        match t.region.as_deref() {
            Some("fast-rotator") => {
                fast += 1;
                let p = t.period_d.unwrap();
                assert!(
                    (0.1..1.0).contains(&p) && t.class == "rotator",
                    "period {p}"
                );
                // Spots that outlive many rotations: the modulation repeats a period later.
                let pts = points(&s, true);
                let lag = (p * 720.0).round() as usize;
                let (a, b): (Vec<f64>, Vec<f64>) = pts
                    .windows(lag + 1)
                    .filter(|w| (w[lag].0 - w[0].0 - p).abs() < 2.0 / 1440.0)
                    .map(|w| (w[0].1, w[lag].1))
                    .unzip();
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                let (ma, mb) = (mean(&a), mean(&b));
                let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
                let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
                let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
                let r = cov / (va * vb).sqrt();
                assert!(
                    r > 0.8,
                    "light curve {i}: correlation {r:.2} one rotation apart"
                );
            }
            Some("flare-star") => {
                assert_eq!(t.class, "flare");
                flare_rates.push(flares_per_day(&s));
            }
            other => panic!("region {other:?} among flare stars and rotators"),
        }
    }
    assert!(fast >= 6, "{fast} fast rotators");
    assert!(flare_rates.len() >= 6, "{} flare stars", flare_rates.len());
    // The reference: rotators never faster than 0.4 d, flare stars flaring less often.
    let refc = reference(&cfg);
    let mut ref_rates = Vec::new();
    for i in 0..24 {
        let s = simulate_one(&refc, 61, i).unwrap();
        if s.truth.class == "rotator" {
            assert!(s.truth.period_d.unwrap() >= 0.4);
        } else {
            ref_rates.push(flares_per_day(&s));
        }
    }
    println!(
        "fast rotators {fast}, flare stars {}: flares per day {flare_rates:.2?}; \
         reference {ref_rates:.2?}",
        flare_rates.len()
    );
    let (region, refr) = (median(flare_rates), median(ref_rates));
    assert!(
        region > 2.0 * refr,
        "flares per day: region {region:.2}, reference {refr:.2}"
    );
}

/// Gaps of a light curve as fractions of its span: NaN-TIME runs (downlinks) as (start,
/// width in days), and the places where valid data stop for more than 0.75 d (segment
/// boundaries).
fn layout(lc: &LightCurve) -> (Vec<(f64, f64)>, Vec<f64>) {
    let n = lc.time.len();
    let idx: Vec<usize> = (0..n).filter(|&i| lc.time[i].is_finite()).collect();
    let (t_a, t_b) = (lc.time[idx[0]], lc.time[idx[idx.len() - 1]]);
    let frac = |t: f64| (t - t_a) / (t_b - t_a);
    let mut downlinks = Vec::new();
    for w in idx.windows(2) {
        if w[1] > w[0] + 1 {
            let (a, b) = (lc.time[w[0]], lc.time[w[1]]);
            downlinks.push((frac(a), b - a));
        }
    }
    let valid: Vec<f64> = (0..n)
        .filter(|&i| lc.time[i].is_finite() && lc.flux[i].is_finite() && lc.quality[i] == 0)
        .map(|i| lc.time[i])
        .collect();
    let splits = valid
        .windows(2)
        .filter(|w| w[1] - w[0] > 0.75)
        .map(|w| frac(0.5 * (w[0] + w[1])))
        .collect();
    (downlinks, splits)
}

/// Segments `lc-prep` keeps at 200 s (the full-frame-image rule) and how many of them hold a
/// gap of hours (0.1-0.75 d) that does not split them: what the spline of the reference
/// preprocessing swings across (docs/training.md).
fn gaps_inside_segments(lc: &LightCurve) -> (usize, usize) {
    let rule = lc_prep::SegmentRule::ffi(200.0);
    let t: Vec<f64> = (0..lc.time.len())
        .filter(|&i| lc.time[i].is_finite() && lc.flux[i].is_finite() && lc.quality[i] == 0)
        .map(|i| lc.time[i])
        .collect();
    let mut kept = 0;
    let mut with_gap = 0;
    for r in split_at_gaps(&t, rule.gap_days) {
        let seg = &t[r];
        if rule.keeps(seg.len(), seg[seg.len() - 1] - seg[0], 200.0) {
            kept += 1;
            with_gap += usize::from(seg.windows(2).any(|w| w[1] - w[0] >= 0.1));
        }
    }
    (kept, with_gap)
}

#[test]
fn sector_56_on_layout_matches_the_sector_61_file() {
    // The real file: three downlinks of 0.21 d at 0.26, 0.49 and 0.76 of the sector, and
    // valid data interrupted for over 0.75 d only at mid-sector (scattered light at perigee).
    let real = fixture("hlsp_tess-spoc_tess_phot_0000000038846515-s0061_tess_v1_lc.fits");
    let (downlinks, splits) = layout(&real);
    assert_eq!(downlinks.len(), 3, "{downlinks:?}");
    for (&(f, w), want) in downlinks.iter().zip([0.257, 0.488, 0.762]) {
        assert!(
            (f - want).abs() < 0.01 && (0.2..0.23).contains(&w),
            "{f} {w}"
        );
    }
    assert!(splits.iter().all(|f| (f - 0.5).abs() < 0.1), "{splits:?}");
    assert_eq!(
        gaps_inside_segments(&real),
        (2, 2),
        "both orbits hold a downlink"
    );

    let cfg = SimConfig {
        cadence: Cadence::Ffi200,
        ..hard(&Class::ALL, 0.5)
    };
    let (mut three, mut mid_orbit_splits, mut total) = (0, 0, 0);
    let mut widths = Vec::new();
    let mut ref_mid_orbit = 0;
    let (mut kept, mut with_gap, mut ref_kept, mut ref_with_gap) = (0, 0, 0, 0);
    for i in 0..30 {
        let s = simulate_one(&cfg, 71, i).unwrap();
        let (d, sp) = layout(&s.lc);
        total += 1;
        let (k, g) = gaps_inside_segments(&s.lc);
        (kept, with_gap) = (kept + k, with_gap + g);
        let earth: Vec<&(f64, f64)> = d.iter().filter(|g| g.1 < 0.31).collect();
        three += usize::from(earth.len() == 3);
        for (&&(f, w), want) in earth.iter().zip([0.25, 0.5, 0.75]) {
            assert!((f - want).abs() < 0.04, "light curve {i}: downlink at {f}");
            widths.push(w);
        }
        // A split of the valid data near a mid-orbit downlink (not at mid-sector or the
        // sector's ends) cuts an orbit in two, which the real layout does not.
        // Sectors with an instrument interruption (a NaN-TIME gap of 0.3-2.5 d anywhere) are
        // left out of this count.
        let mid_orbit = |f: &f64| (f - 0.25).abs() < 0.06 || (f - 0.75).abs() < 0.06;
        if d.iter().all(|g| g.1 < 0.31) {
            mid_orbit_splits += sp.iter().filter(|f| mid_orbit(f)).count();
        }
        let r = simulate_one(&reference(&cfg), 71, i).unwrap();
        let (rd, rsp) = layout(&r.lc);
        let (k, g) = gaps_inside_segments(&r.lc);
        (ref_kept, ref_with_gap) = (ref_kept + k, ref_with_gap + g);
        if rd.iter().all(|g| g.1 < 0.31) {
            ref_mid_orbit += rsp.iter().filter(|f| mid_orbit(f)).count();
        }
    }
    println!(
        "layout: {three} of {total} with three downlinks, median width {:.3} d, \
         mid-orbit splits {mid_orbit_splits} (reference layout {ref_mid_orbit}); segments \
         with a gap of hours inside {with_gap} of {kept} (reference layout {ref_with_gap} of \
         {ref_kept})",
        median(widths.clone())
    );
    assert!(
        three * 10 >= total * 8,
        "{three} of {total} with three downlinks"
    );
    let w = median(widths);
    assert!(
        (0.15..0.3).contains(&w),
        "median downlink {w} d (real 0.21)"
    );
    assert_eq!(mid_orbit_splits, 0, "orbits cut at a mid-orbit downlink");
    // The real file's rate is 2 of 2; gaps of hours inside segments are what the spline
    // swings across, and the reference layout has fewer of them than real sectors.
    let (share, ref_share) = (
        with_gap as f64 / kept as f64,
        ref_with_gap as f64 / ref_kept as f64,
    );
    assert!(
        share >= 0.9,
        "{with_gap} of {kept} segments with a gap inside"
    );
    assert!(
        share > ref_share + 0.1,
        "{share:.2} vs reference {ref_share:.2}"
    );
    assert!(
        ref_mid_orbit > 0,
        "the reference layout never cuts an orbit"
    );
}

/// Least-squares Fourier coefficients `[c0, cos, sin, cos 2, sin 2, cos 3, sin 3]` (in
/// `theta = 2 pi (t - t0) / P`) of `(t, value)` points.
fn fourier3(pts: &[(f64, f64)], p: f64, t0: f64) -> [f64; 7] {
    let basis = |t: f64| {
        let th = std::f64::consts::TAU * (t - t0) / p;
        [
            1.0,
            th.cos(),
            th.sin(),
            (2.0 * th).cos(),
            (2.0 * th).sin(),
            (3.0 * th).cos(),
            (3.0 * th).sin(),
        ]
    };
    let mut a = [[0.0; 8]; 7];
    for &(t, y) in pts {
        let b = basis(t);
        for i in 0..7 {
            for j in 0..7 {
                a[i][j] += b[i] * b[j];
            }
            a[i][7] += b[i] * y;
        }
    }
    // Gauss-Jordan with partial pivoting.
    for c in 0..7 {
        let piv = (c..7)
            .max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))
            .unwrap();
        a.swap(c, piv);
        let pivot = a[c];
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    std::array::from_fn(|i| a[i][7] / a[i][i])
}

#[test]
fn beaming_ellipsoidal_variables_have_unequal_maxima_and_a_third_harmonic() {
    let cfg = SimConfig {
        cadence: Cadence::Ffi1800,
        ..hard(&[Class::Ellipsoidal], 1.0)
    };
    let mut members = 0;
    let mut ratios = Vec::new();
    for i in 0..12 {
        let s = simulate_one(&cfg, 81, i).unwrap();
        let t = &s.truth;
        assert_eq!(t.region.as_deref(), Some("beaming-ellipsoidal"));
        assert_eq!((t.label, t.class.as_str()), (1, "ellipsoidal"));
        members += 1;
        let (p, t0) = (t.period_d.unwrap(), t.t0.unwrap());
        let c = fourier3(&points(&s, true), p, t0);
        // Beaming (sin theta): maxima 2 c2 apart, positive as star 1 (the brighter here)
        // approaches at phase 0.25; it can rival the ellipsoidal term at longer periods
        // (beaming falls as P^-1/3, the ellipsoidal term as P^-2). The third harmonic is
        // present and small against the cos 2 theta ellipsoidal term.
        let ell = c[3].abs();
        assert!(c[2] > 1e-6, "light curve {i}: {c:?}");
        assert!(
            c[5].abs() > 1e-7 && c[5].abs() < 0.2 * ell,
            "light curve {i}: {c:?}"
        );
        ratios.push(c[2] / ell);
    }
    assert!(members >= 12);
    println!("beaming-ellipsoidal: beaming / ellipsoidal amplitude {ratios:.3?}");
    // The reference ellipsoidal class is symmetric about the conjunction: no sin theta term.
    let refc = reference(&cfg);
    for i in 0..12 {
        let s = simulate_one(&refc, 81, i).unwrap();
        if s.truth.class != "ellipsoidal" {
            continue;
        }
        let (p, t0) = (s.truth.period_d.unwrap(), s.truth.t0.unwrap());
        let c = fourier3(&points(&s, true), p, t0);
        assert!(c[2].abs() < 1e-3 * c[3].abs(), "reference {i}: {c:?}");
    }
}
