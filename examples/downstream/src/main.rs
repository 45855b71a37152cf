//! `calnet-downstream-example [FILE]`: reads a TESS light curve (default: CW Eri, sector 4, from
//! the repository's fixtures), prints its generalized Lomb-Scargle periodogram's strongest
//! peaks and, per segment, CALNet's two model inputs.

use std::path::PathBuf;
use std::process::ExitCode;

use gls::{FrequencyGrid, Normalization, Periodogram};
use lc_prep::{FeatureConfig, FeatureExtractor};
use tess_io::QualityMask;

const DEFAULT_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits"
);

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from(DEFAULT_FILE), PathBuf::from);
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calnet-downstream-example: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let lc = tess_io::read(path)?;
    let (clean, report) = lc.apply_quality(QualityMask::Reference);
    println!(
        "TIC {} sector {:?} ({:?}): {} rows, {} kept by QUALITY == 0",
        lc.meta
            .tic
            .map_or_else(|| "unknown".to_owned(), |t| t.to_string()),
        lc.meta.sector,
        lc.meta.product,
        report.rows,
        clean.time.len()
    );

    // The whole light curve's periodogram on CALNet's 1000 periods (0.001 to 10 days).
    let flux: Vec<f64> = clean.flux.iter().map(|&f| f as f64).collect();
    let grid = FrequencyGrid::calnet();
    let result = Periodogram::new(&clean.time, &flux)?
        .normalization(Normalization::Standard)
        .compute(&grid)?;
    println!("periodogram: best period {:.5} d", result.best_period());
    for peak in result.peaks(3) {
        println!("  peak at {:.5} d, power {:.4}", peak.period, peak.power);
    }

    // CALNet's inputs, per segment: 4000 light-curve values and 1000 periodogram values.
    let features = FeatureExtractor::new(FeatureConfig::reference())?.extract(&lc)?;
    for s in &features.segments {
        let mean = |v: &[f32]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
        println!(
            "segment {}: BTJD {:.3} to {:.3}, {} points -> light curve {} values (mean {:.4}), periodogram {} values (mean {:.4})",
            s.index,
            s.t_start,
            s.t_end,
            s.n_points,
            s.lc.len(),
            mean(&s.lc),
            s.gls.len(),
            mean(&s.gls)
        );
    }
    for s in &features.skipped {
        println!("segment {}: skipped ({:?})", s.index, s.reason);
    }
    Ok(())
}
