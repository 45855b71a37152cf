//! `calnet simulate` and `calnet inject` run as real binaries: the files they write read back
//! through `tess_io::read`, the labels describe the files, and a seed fixes every byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lc_sim::Truth;

mod common;
use common::calnet;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "calnet failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn simulate(dir: &Path, seed: &str, threads: &str) {
    let d = dir.to_str().unwrap();
    ok(&calnet([
        "simulate",
        "--n",
        "20",
        "--out",
        d,
        "--seed",
        seed,
        "--threads",
        threads,
    ]));
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Depth of the primary eclipse measured in `(time, value)` points: median within 5% of the
/// duration of mid-eclipse against the median just outside the eclipse (so that ellipsoidal
/// and reflection light, which the labels' depths exclude, cancel). `None` with too few
/// points.
fn measured_depth(points: &[(f64, f64)], p: f64, t0: f64, dur: f64) -> Option<f64> {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for &(t, v) in points {
        let dt = (((t - t0) / p + 0.5).rem_euclid(1.0) - 0.5).abs() * p;
        if dt < 0.05 * dur {
            inside.push(v);
        } else if (0.55 * dur..0.8 * dur).contains(&dt) {
            outside.push(v);
        }
    }
    (inside.len() >= 3 && outside.len() >= 10).then(|| 1.0 - median(inside) / median(outside))
}

#[test]
fn simulate_writes_readable_files_that_match_their_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sim");
    simulate(&dir, "1", "2");
    let rows: Vec<Truth> = lc_sim::read_labels(&dir.join("labels.csv")).unwrap();
    assert_eq!(rows.len(), 20);
    let names: Vec<String> = files(&dir)
        .into_keys()
        .filter(|n| n.ends_with(".fits"))
        .collect();
    let mut listed: Vec<String> = rows.iter().map(|r| r.file.clone()).collect();
    listed.sort();
    assert_eq!(names, listed, "labels.csv lists exactly the files written");
    let mut tics = std::collections::HashSet::new();
    let mut checked_eclipses = 0;
    for r in &rows {
        let lc = tess_io::read(dir.join(&r.file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lc.meta.tic, Some(r.tic));
        assert!(
            r.tic >= lc_sim::SIM_TIC_BASE && tics.insert(r.tic),
            "distinct fake TIC"
        );
        assert_eq!(lc.meta.sector, Some(r.sector));
        assert_eq!(lc.meta.cadence_s, 120.0);
        assert_eq!(lc.meta.tmag, Some(r.tmag));
        let class: lc_sim::Class = r.class.parse().unwrap();
        assert_eq!(
            r.label,
            u8::from(class.is_eb()),
            "{}: label of {}",
            r.file,
            r.class
        );
        // Realistic file structure: NaN-time gap rows, flagged rows without flux.
        assert!(lc.time.iter().any(|t| t.is_nan()));
        for (i, &q) in lc.quality.iter().enumerate() {
            if q & !512 != 0 {
                assert!(
                    lc.flux[i].is_nan(),
                    "{}: row {i} flagged {q} has flux",
                    r.file
                );
            }
        }
        // Good rows scatter as the truth says (point-to-point MAD, 15%).
        let good: Vec<f64> = lc
            .flux
            .iter()
            .zip(&lc.quality)
            .filter(|(f, &q)| f.is_finite() && q == 0)
            .map(|(&f, _)| f64::from(f))
            .collect();
        let level = median(good.clone());
        let p2p = median(good.windows(2).map(|w| (w[1] - w[0]).abs()).collect()) * 1.4826
            / 2f64.sqrt()
            / level;
        if r.amplitude < 0.01 && r.class != "dsct" && r.class != "flare" {
            let want = r.sigma_ppm * 1e-6;
            assert!(
                (p2p / want - 1.0).abs() < 0.15,
                "{}: p2p {p2p} vs {want}",
                r.file
            );
        }
        // A strong primary eclipse is where the labels put it, as deep as they say.
        let (Some(p), Some(t0), Some(d1), Some(dur)) = (r.period_d, r.t0, r.depth1, r.duration_d)
        else {
            continue;
        };
        // Eclipse-dominated detached systems: there the light just outside the eclipse is the
        // level under it (strong ellipsoidal variation would bias this simple measurement).
        if r.class != "detached" || r.snr < 100.0 || d1 < 0.01 || r.amplitude > 1.3 * d1 + 0.002 {
            continue;
        }
        let points: Vec<(f64, f64)> = lc
            .time
            .iter()
            .zip(&lc.flux)
            .zip(&lc.quality)
            .filter(|((_, f), &q)| f.is_finite() && q == 0)
            .map(|((&t, &f), _)| (t, f64::from(f)))
            .collect();
        let Some(got) = measured_depth(&points, p, t0, dur) else {
            continue;
        };
        assert!(
            (got - d1).abs() < 0.1 * d1 + 0.005,
            "{}: depth {got} vs {d1}",
            r.file
        );
        checked_eclipses += 1;
    }
    assert!(
        checked_eclipses > 0,
        "no eclipse was checked; change the seed"
    );

    // `calnet inspect` reads every file.
    ok(&calnet(["inspect", dir.to_str().unwrap()]));
    // astropy reads them too, with the same TIC, sector, rows and flux as tess_io.
    let script = r#"
import sys, numpy as np
from astropy.io import fits
for name in sys.argv[2:]:
    with fits.open(sys.argv[1] + '/' + name) as h:
        d = h['LIGHTCURVE'].data
        f = np.array(d['PDCSAP_FLUX'], dtype=float)
        print(name, h[0].header['TICID'], h[0].header['SECTOR'], len(d), int(np.isnan(f).sum()), repr(float(np.nansum(f))))
"#;
    let mut cmd = Command::new(calnet_test_support::python());
    cmd.args(["-c", script, dir.to_str().unwrap()]);
    cmd.args(rows.iter().map(|r| r.file.as_str()));
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), rows.len());
    for (line, r) in text.lines().zip(&rows) {
        let v: Vec<&str> = line.split_whitespace().collect();
        let lc = tess_io::read(dir.join(&r.file)).unwrap();
        assert_eq!(v[0], r.file);
        assert_eq!(v[1].parse::<u64>().unwrap(), r.tic);
        assert_eq!(v[2].parse::<u32>().unwrap(), r.sector);
        assert_eq!(v[3].parse::<usize>().unwrap(), lc.flux.len());
        let nan = lc.flux.iter().filter(|f| f.is_nan()).count();
        assert_eq!(v[4].parse::<usize>().unwrap(), nan);
        let sum: f64 = lc
            .flux
            .iter()
            .filter(|f| !f.is_nan())
            .map(|&f| f64::from(f))
            .sum();
        let astropy: f64 = v[5].parse().unwrap();
        assert!(
            (sum / astropy - 1.0).abs() < 1e-9,
            "{}: {sum} vs {astropy}",
            r.file
        );
    }
}

#[test]
fn ffi_cadences_write_tess_spoc_files_that_tess_io_reads() {
    let tmp = tempfile::tempdir().unwrap();
    for (cadence, product) in [
        ("1800", "TESS-SPOC"),
        ("600", "TESS-SPOC"),
        ("200", "TESS-SPOC"),
    ] {
        let dir = tmp.path().join(cadence);
        let d = dir.to_str().unwrap();
        ok(&calnet([
            "simulate",
            "--n",
            "2",
            "--out",
            d,
            "--seed",
            "3",
            "--cadence",
            cadence,
        ]));
        let rows: Vec<Truth> = lc_sim::read_labels(&dir.join("labels.csv")).unwrap();
        for r in &rows {
            assert!(r.file.ends_with("_ffi-lc.fits"), "{}", r.file);
            assert_eq!(r.cadence_s.to_string(), cadence);
            let lc = tess_io::read(dir.join(&r.file)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(lc.meta.product.name(), product, "{}", r.file);
            assert_eq!(lc.meta.cadence_s.to_string(), cadence, "{}", r.file);
            assert_eq!(lc.meta.tic, Some(r.tic));
        }
    }
}

#[test]
fn same_seed_gives_identical_bytes_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    simulate(&a, "7", "1");
    simulate(&b, "7", "2");
    simulate(&c, "8", "2");
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(fa.len(), 21);
    assert!(fa == fb, "same seed, different bytes");
    assert!(
        fa.values().zip(fc.values()).any(|(x, y)| x != y),
        "seed changes nothing"
    );
}

#[test]
fn detectability_options_reach_the_labels_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sim");
    let d = dir.to_str().unwrap();
    ok(&calnet([
        "simulate",
        "--n",
        "12",
        "--out",
        d,
        "--seed",
        "5",
        "--blend-label",
        "1",
        "--min-snr",
        "50",
        "--eclipse-every-segment",
        "--tmag-min",
        "12",
        "--tmag-max",
        "13.5",
    ]));
    let rows: Vec<Truth> = lc_sim::read_labels(&dir.join("labels.csv")).unwrap();
    let checked: Vec<&Truth> = rows
        .iter()
        .filter(|r| r.label == 1 || r.class == "planet")
        .collect();
    assert!(!checked.is_empty());
    for r in checked {
        assert!(r.snr >= 50.0, "{}: {} with SNR {}", r.file, r.class, r.snr);
    }
    let bad = calnet(["simulate", "--n", "1", "--out", d, "--min-snr=-3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("min_snr"));
}

fn wasp126() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lc/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits"
    ))
}

#[test]
fn inject_multiplies_the_binary_into_the_real_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("inj");
    let real_path = wasp126();
    let args = [
        "inject",
        "--into",
        real_path.to_str().unwrap(),
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--period",
        "2.0",
        "--depth",
        "0.05",
    ];
    ok(&calnet(args));
    let rows = lc_sim::read_labels(&out.join("labels.csv")).unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.label, r.tic, r.sector), (1, 25155310, 1));
    assert_eq!(r.period_d, Some(2.0));
    assert!((r.depth1.unwrap() / 0.05 - 1.0).abs() < 0.02);
    assert!(r.n_primary.unwrap() >= 1);
    let real = tess_io::read(&real_path).unwrap();
    let inj = tess_io::read(out.join(&r.file)).unwrap();
    assert_eq!(inj.quality, real.quality);
    assert_eq!(inj.cadenceno, real.cadenceno);
    assert_eq!(inj.meta.tic, real.meta.tic);
    let mut ratios = Vec::new();
    for i in 0..real.time.len() {
        assert_eq!(
            inj.flux[i].is_nan(),
            real.flux[i].is_nan(),
            "row {i}: NaN pattern changed"
        );
        assert_eq!(inj.time[i].to_bits(), real.time[i].to_bits());
        if real.flux[i].is_finite() {
            ratios.push((
                real.time[i],
                f64::from(inj.flux[i]) / f64::from(real.flux[i]),
            ));
        }
    }
    // The injected/real ratio is the noiseless binary: its eclipse is as deep as recorded.
    let got = measured_depth(&ratios, 2.0, r.t0.unwrap(), r.duration_d.unwrap()).unwrap();
    assert!((got - 0.05).abs() < 0.002, "injected depth {got}");

    // A second seed adds a row; rerunning the first replaces its row.
    let mut again = args.to_vec();
    again[4] = "4";
    ok(&calnet(again));
    ok(&calnet(args));
    assert_eq!(
        lc_sim::read_labels(&out.join("labels.csv")).unwrap().len(),
        2
    );
}

#[test]
fn impossible_parameters_are_refused_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let real = wasp126();
    let real = real.to_str().unwrap();
    for (flag, value, word) in [
        ("--depth", "1.5", "depth"),
        ("--period", "0", "period"),
        ("--ecc", "1.0", "eccentricity"),
    ] {
        let o = calnet(["inject", "--into", real, "--out", out, flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(word), "{flag} {value}: {err}");
    }
    let o = calnet(["simulate", "--n", "1", "--out", out, "--cadence", "60"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cadence") && err.contains("1800"),
        "the possible values are listed: {err}"
    );
    let o = calnet(["simulate", "--n", "1", "--out", out, "--classes", "quasar"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn hard_cases_population_names_each_file_s_region() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hard");
    let d = dir.to_str().unwrap();
    let o = calnet([
        "simulate",
        "--n",
        "12",
        "--out",
        d,
        "--seed",
        "9",
        "--population",
        "hard-cases",
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("regions: "), "{err}");
    let text = std::fs::read_to_string(dir.join("labels.csv")).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",region"), "{text}");
    let rows: Vec<Truth> = lc_sim::read_labels(&dir.join("labels.csv")).unwrap();
    assert_eq!(rows.len(), 12);
    let mut labels = std::collections::BTreeSet::new();
    for r in &rows {
        let region: lc_sim::Region = r.region.as_deref().unwrap().parse().unwrap();
        assert_eq!(r.class, region.class().name(), "{}", r.file);
        assert_eq!(r.label, u8::from(region.class().is_eb()), "{}", r.file);
        labels.insert(r.label);
        let lc = tess_io::read(dir.join(&r.file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lc.meta.tic, Some(r.tic));
    }
    assert_eq!(labels.len(), 2, "both labels among 12 at --eb-fraction 0.5");

    // The default is the reference mix: no region column.
    let reference = tmp.path().join("reference");
    simulate(&reference, "9", "1");
    let text = std::fs::read_to_string(reference.join("labels.csv")).unwrap();
    assert!(!text.lines().next().unwrap().contains("region"));

    let help = calnet(["simulate", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--population") && help.contains("hard-cases"));
    let bad = calnet(["simulate", "--n", "1", "--out", d, "--population", "hard"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values"));
    // No region belongs to the contact class.
    let none = calnet([
        "simulate",
        "--n",
        "1",
        "--out",
        d,
        "--population",
        "hard-cases",
        "--classes",
        "contact",
    ]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no hard-cases region"));
}
