//! Cross-checks against astropy and the CALNet reference, on golden data written by
//! `scripts/golden/gls_golden.py` (astropy `LombScargle(method='cython')`, the reference's numpy
//! loop on a real TESS segment).

use gls::{FalseAlarmMethod, FrequencyGrid, Method, Normalization, Periodogram};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/golden/gls/").to_string() + name;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/golden/gls_golden.py)"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn norm_of(name: &str) -> Normalization {
    match name {
        "standard" => Normalization::Standard,
        "model" => Normalization::Model,
        "log" => Normalization::Log,
        "psd" => Normalization::Psd,
        _ => panic!("unknown normalization {name}"),
    }
}

#[test]
fn every_kernel_matches_astropy_on_every_case() {
    let cases = load("astropy_cases.json");
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let t = floats(&case["t"]);
        let y = floats(&case["y"]);
        let dy = case["dy"].as_array().map(|_| floats(&case["dy"]));
        let grid = FrequencyGrid::from_frequencies(floats(&case["frequency"])).unwrap();
        for (norm_name, expected) in case["power"].as_object().unwrap() {
            // With N = 3 the sinusoid fits exactly (p = 1 up to round-off), so 1/(1 - p) is
            // round-off in both codes.
            if name == "n3" && (norm_name == "model" || norm_name == "log") {
                continue;
            }
            let expected = floats(expected);
            let scale = expected
                .iter()
                .cloned()
                .filter(|x| x.is_finite())
                .fold(0.0, f64::max);
            for method in [
                Method::Naive,
                Method::Direct,
                Method::Recurrence,
                Method::Fast,
            ] {
                let mut p = Periodogram::new(&t, &y)
                    .unwrap()
                    .normalization(norm_of(norm_name))
                    .method(method);
                if let Some(dy) = &dy {
                    p = p.weights(dy);
                }
                let got = p.compute(&grid).unwrap().power;
                for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
                    if !e.is_finite() {
                        continue;
                    }
                    // astropy computes ω t on raw times (BTJD ≈ 3000: about 1e-9 rad of
                    // round-off); we centre them first.
                    let err = (g - e).abs() / scale;
                    assert!(
                        err <= 1e-7,
                        "{name} {norm_name} {method:?} f[{i}] = {}: {g} vs astropy {e}",
                        grid.frequencies()[i]
                    );
                }
            }
        }
    }
}

#[test]
fn false_alarm_probabilities_match_astropy() {
    let cases = load("astropy_cases.json");
    for case in cases.as_array().unwrap() {
        let Some(fap) = case.get("fap") else { continue };
        let name = case["name"].as_str().unwrap();
        let t = floats(&case["t"]);
        let y = floats(&case["y"]);
        let dy = case["dy"].as_array().map(|_| floats(&case["dy"]));
        let grid = FrequencyGrid::from_frequencies(floats(&case["frequency"])).unwrap();
        let mut p = Periodogram::new(&t, &y).unwrap();
        if let Some(dy) = &dy {
            p = p.weights(dy);
        }
        let r = p.compute(&grid).unwrap();
        let z = floats(&fap["z"]);
        for (method_name, method) in [
            ("baluev", FalseAlarmMethod::Baluev),
            ("davies", FalseAlarmMethod::Davies),
            ("naive", FalseAlarmMethod::MTrials { trials: None }),
        ] {
            let expected = floats(&fap[method_name]);
            for (zi, e) in z.iter().zip(&expected) {
                let got = r.false_alarm_probability(*zi, method).unwrap();
                let err = (got - e).abs() / e.abs().max(1e-300);
                assert!(
                    err <= 1e-9,
                    "{name} {method_name} z={zi}: {got} vs astropy {e}"
                );
            }
        }
    }
}

#[test]
fn calnet_reference_output_within_1e6_on_a_real_segment() {
    let seg = load("cw_eri_s31_seg0.json");
    let t = floats(&seg["t"]);
    let y = floats(&seg["y"]);
    let reference = floats(&seg["reference_minmax"]);
    let grid = FrequencyGrid::calnet();
    // The grid is numpy's logspace to within an ulp or two (numpy's vectorised pow may round
    // the last bit differently from libm's).
    for (a, b) in grid.periods().iter().zip(floats(&seg["period"])) {
        assert!(
            (a - b).abs() <= 4.0 * f64::EPSILON * b,
            "period {a} vs numpy {b}"
        );
    }
    for method in [
        Method::Auto,
        Method::Direct,
        Method::Recurrence,
        Method::Fast,
    ] {
        let r = Periodogram::new(&t, &y)
            .unwrap()
            .normalization(Normalization::HorneBaliunas)
            .method(method)
            .compute(&grid)
            .unwrap();
        let got = r.min_max_normalized();
        let err = got
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            err <= 1e-6,
            "{method:?}: max |Δ| {err:e} against the reference"
        );
    }
}
