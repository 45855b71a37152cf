//! The feature record weight files carry: round trips, files without one, refusals, and the
//! check of explicit choices against it.

use std::collections::BTreeMap;

use lc_prep::{Error, FeatureChoice, FeatureConfig, Mode, RobustConfig, SegmentRule, Segments};
use tess_io::{FluxColumn, QualityMask};

fn configs() -> Vec<FeatureConfig> {
    vec![
        FeatureConfig::reference(),
        FeatureConfig::ffi(),
        FeatureConfig {
            mode: Mode::Robust,
            quality: QualityMask::Bitmask(175),
            flux_column: Some(FluxColumn::Named("cal_aper_flux".into())),
            segments: Segments::Fixed(SegmentRule {
                gap_days: 0.5,
                min_points: 300,
                min_coverage: 0.25,
            }),
            clip_percentile: 99.5,
            spline_iterations: 2,
            outlier_cut: 4.0,
            robust: RobustConfig {
                knot_spacing_days: 0.3,
                cut: 2.5,
                max_iterations: 7,
            },
            lc_len: 2000,
            alias_cut: true,
        },
        FeatureConfig {
            mode: Mode::Robust,
            flux_column: Some(FluxColumn::Sap),
            ..FeatureConfig::ffi()
        },
    ]
}

#[test]
fn every_parameter_round_trips() {
    for cfg in configs() {
        let record = cfg.to_record();
        assert!(record.keys().all(|k| k.starts_with("features.")));
        assert_eq!(record["features.gls_len"], "1000");
        assert_eq!(
            FeatureConfig::from_record(&record).unwrap(),
            Some(cfg.clone())
        );
    }
}

#[test]
fn the_record_reads_as_words() {
    let r = FeatureConfig::ffi().to_record();
    assert_eq!(r["features.mode"], "reference");
    assert_eq!(r["features.quality"], "product");
    assert_eq!(r["features.flux_column"], "default");
    assert_eq!(r["features.segments"], "ffi");
    assert_eq!(r["features.lc_len"], "4000");
    assert_eq!(r["features.alias_cut"], "true");
    let r = FeatureConfig::reference().to_record();
    assert_eq!(r["features.segments"], "reference");
    assert_eq!(r["features.quality"], "reference");
}

#[test]
fn no_record_means_none_and_other_keys_are_ignored() {
    assert_eq!(FeatureConfig::from_record(&BTreeMap::new()).unwrap(), None);
    let other: BTreeMap<String, String> = [("format".to_string(), "pt".to_string())].into();
    assert_eq!(FeatureConfig::from_record(&other).unwrap(), None);
    // A partial record: missing keys take the reference values.
    let partial: BTreeMap<String, String> =
        [("features.mode".to_string(), "robust".to_string())].into();
    assert_eq!(
        FeatureConfig::from_record(&partial).unwrap(),
        Some(FeatureConfig {
            mode: Mode::Robust,
            ..FeatureConfig::reference()
        })
    );
}

#[test]
fn a_bad_record_is_refused_naming_the_key() {
    let with = |k: &str, v: &str| {
        let mut r = FeatureConfig::reference().to_record();
        r.insert(k.to_string(), v.to_string());
        FeatureConfig::from_record(&r)
    };
    for (k, v) in [
        ("features.mode", "fast"),
        ("features.gls_len", "999"),
        ("features.version", "2"),
        ("features.lc_len", "-3"),
        ("features.lc_len", "1"),
        (
            "features.segments",
            "gap_days=0,min_points=1,min_coverage=0",
        ),
        ("features.quality", "softest"),
        ("features.robust", "cut"),
        ("features.window", "7"),
    ] {
        let err = with(k, v).unwrap_err();
        let text = err.to_string();
        match err {
            Error::Record { key, .. } => assert_eq!(key, k),
            // Values that parse but make no usable config.
            Error::Config(_) => assert!(["features.lc_len", "features.segments"].contains(&k)),
            other => panic!("{k}: {other:?}"),
        }
        assert!(!text.is_empty());
    }
}

#[test]
fn explicit_choices_agree_or_are_refused_with_both_values() {
    let robust_ffi = FeatureConfig {
        mode: Mode::Robust,
        ..FeatureConfig::ffi()
    };
    // Agreeing choices give the record.
    let agree = FeatureChoice {
        mode: Some(Mode::Robust),
        segments: Some(Segments::Ffi),
        quality: Some(QualityMask::Product),
        flux_column: None,
        alias_cut: Some(true),
    };
    assert_eq!(agree.resolve(Some(&robust_ffi)).unwrap(), robust_ffi);
    let cases = [
        (
            FeatureChoice {
                mode: Some(Mode::Reference),
                ..Default::default()
            },
            "mode reference",
            "mode robust",
        ),
        (
            FeatureChoice {
                segments: Some(Segments::REFERENCE),
                ..Default::default()
            },
            "segments reference",
            "segments ffi",
        ),
        (
            FeatureChoice {
                quality: Some(QualityMask::Hard),
                ..Default::default()
            },
            "quality hard",
            "quality product",
        ),
        (
            FeatureChoice {
                flux_column: Some(FluxColumn::Sap),
                ..Default::default()
            },
            "flux column SAP_FLUX",
            "default",
        ),
        (
            FeatureChoice {
                alias_cut: Some(false),
                ..Default::default()
            },
            "alias cut false",
            "alias cut true",
        ),
    ];
    for (choice, given, recorded) in cases {
        let err = choice.resolve(Some(&robust_ffi)).unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(given) && text.contains(recorded),
            "{text}: should name {given:?} and {recorded:?}"
        );
    }
    // Without a record, the choices apply to the reference config.
    let choice = FeatureChoice {
        segments: Some(Segments::Ffi),
        ..Default::default()
    };
    assert_eq!(
        choice.resolve(None).unwrap(),
        FeatureConfig {
            segments: Segments::Ffi,
            ..FeatureConfig::reference()
        }
    );
}
