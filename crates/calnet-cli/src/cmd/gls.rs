//! `calnet gls`: the generalized Lomb-Scargle periodogram of one light curve.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gls::{FrequencyGrid, Method, Normalization, Periodogram};
use tess_io::{self, QualityMask};

/// Arguments of `calnet gls`.
#[derive(clap::Args)]
#[command(after_help = "\
Writes period (days), frequency (cycles/day) and power as CSV, one row per grid point, to \
--out or standard output. Exit status: 0 success, 1 the file could not be used, 2 usage error.")]
pub struct Args {
    /// A light-curve file (.fits or .fits.gz); rows with QUALITY != 0 or non-finite values are
    /// dropped, as CALNet does.
    pub file: PathBuf,
    /// Frequency grid: `calnet` (CALNet's 1000 periods from 0.0028 to 10 d). Ignored when
    /// --fmin/--fmax/--n give a regular grid.
    #[arg(long, default_value = "calnet", value_parser = ["calnet"])]
    pub grid: String,
    /// Lowest frequency of a regular grid, cycles/day.
    #[arg(long, requires_all = ["fmax", "n"], value_parser = super::parse::frequency)]
    pub fmin: Option<f64>,
    /// Highest frequency of a regular grid, cycles/day.
    #[arg(long, requires_all = ["fmin", "n"], value_parser = super::parse::frequency)]
    pub fmax: Option<f64>,
    /// Number of frequencies of a regular grid.
    #[arg(long, requires_all = ["fmin", "fmax"], value_parser = super::parse::grid_points)]
    pub n: Option<usize>,
    /// Normalisation: standard, model, log, psd, horne-baliunas, cumming.
    #[arg(long, default_value = "standard", value_parser = parse_normalization)]
    pub normalization: Normalization,
    /// Kernel: auto, direct (exact), recurrence (exact, regular cadences), fast (NUFFT), naive.
    #[arg(long, default_value = "auto", value_parser = parse_method)]
    pub method: Method,
    /// Weight the points by 1/FLUX_ERR² (the reference uses equal weights).
    #[arg(long)]
    pub weights: bool,
    /// Write the CSV here instead of standard output.
    #[arg(long, value_name = "CSV")]
    pub out: Option<PathBuf>,
    /// Draw the periodogram into this PNG, the best period and its double marked.
    #[arg(long, value_name = "PNG")]
    pub plot: Option<PathBuf>,
}

fn parse_normalization(s: &str) -> Result<Normalization, String> {
    Ok(match s {
        "standard" => Normalization::Standard,
        "model" => Normalization::Model,
        "log" => Normalization::Log,
        "psd" => Normalization::Psd,
        "horne-baliunas" => Normalization::HorneBaliunas,
        "cumming" => Normalization::Cumming,
        _ => return Err(format!("unknown normalisation {s:?}")),
    })
}

fn parse_method(s: &str) -> Result<Method, String> {
    Ok(match s {
        "auto" => Method::Auto,
        "direct" => Method::Direct,
        "recurrence" => Method::Recurrence,
        "fast" => Method::Fast,
        "naive" => Method::Naive,
        _ => return Err(format!("unknown method {s:?}")),
    })
}

/// Runs `calnet gls`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let grid = match (args.fmin, args.fmax, args.n) {
        (Some(lo), Some(hi), Some(n)) => {
            FrequencyGrid::regular(lo, hi, n).context("--fmin/--fmax/--n")?
        }
        _ => FrequencyGrid::calnet(),
    };
    let file = args.file.display().to_string();
    let lc = match tess_io::read(&args.file) {
        Ok(lc) => lc,
        Err(e) => {
            // tess-io's errors start with the path.
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let result = (|| -> anyhow::Result<gls::PeriodogramResult> {
        let (lc, _) = lc.apply_quality(QualityMask::Reference);
        let y: Vec<f64> = lc.flux.iter().map(|&v| v as f64).collect();
        let dy: Vec<f64> = lc.flux_err.iter().map(|&v| v as f64).collect();
        let mut p = Periodogram::new(&lc.time, &y)?
            .normalization(args.normalization)
            .method(args.method);
        if args.weights {
            p = p.weights(&dy);
        }
        Ok(p.compute(&grid)?)
    })();
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{file}: {e:#}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut csv = String::from("period,frequency,power\n");
    for ((p, f), v) in result
        .grid
        .periods()
        .iter()
        .zip(result.grid.frequencies())
        .zip(&result.power)
    {
        csv.push_str(&format!("{p:.10e},{f:.10e},{v:.10e}\n"));
    }
    match &args.out {
        Some(path) => {
            tess_io::write_atomic(path, csv.as_bytes())
                .with_context(|| path.display().to_string())?;
            say!(
                "{file}: best period {:.6} d, power {:.6}",
                result.best_period(),
                result.power[result.best_index()]
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(csv.as_bytes()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    if let Some(png) = &args.plot {
        calnet::plot::periodogram::periodogram(
            png,
            &file_name(&args.file),
            result.grid.periods(),
            &result.power,
            Some(result.best_period()),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}
