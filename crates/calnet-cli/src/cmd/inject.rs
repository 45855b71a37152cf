//! `calnet inject`: a simulated eclipsing binary multiplied into a real light curve.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lc_sim::{self, BinaryConstraints, Class, InjectRequest};

/// Arguments of `calnet inject`.
#[derive(clap::Args)]
#[command(after_help = "\
Writes DIR/<real stem>-inj<seed>.fits (SPOC format: the real rows, flags and NaNs, with the \
binary multiplied into the flux) and adds its truth row to DIR/labels.csv (same columns as \
`calnet simulate`; a row for the same file is replaced). Parameters not given are drawn as in \
`calnet simulate`. With --n K, seeds S, S+1, ..., S+K-1 give K injections.
Exit status: 0 on success, 2 for a usage or fatal error (an unreadable --into file included).")]
pub struct Args {
    /// The real light-curve file.
    #[arg(long, value_name = "REAL.fits")]
    pub into: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the (first) injection.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of injections (consecutive seeds).
    #[arg(long, default_value_t = 1)]
    pub n: u64,
    /// Kind of binary: detached, semidetached, contact, ellipsoidal or blend.
    #[arg(long, default_value = "detached")]
    pub class: Class,
    /// Orbital period, days.
    #[arg(long, value_name = "P")]
    pub period: Option<f64>,
    /// Primary eclipse depth as observed, a fraction in (0, 1).
    #[arg(long, value_name = "D")]
    pub depth: Option<f64>,
    /// Eccentricity in [0, 1).
    #[arg(long, value_name = "E")]
    pub ecc: Option<f64>,
    /// Primary conjunction time, BTJD.
    #[arg(long, value_name = "T0")]
    pub t0: Option<f64>,
    /// Third light of a blend, in [0, 1).
    #[arg(long, value_name = "L")]
    pub third_light: Option<f64>,
}

/// Runs `calnet inject`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let real = tess_io::read(&args.into).map_err(|e| anyhow::anyhow!("{e}"))?;
    let req = InjectRequest {
        class: args.class,
        constraints: BinaryConstraints {
            period_d: args.period,
            depth: args.depth,
            ecc: args.ecc,
            t0: args.t0,
        },
        third_light: args.third_light,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: creating the folder", args.out.display()))?;
    let labels = args.out.join(lc_sim::LABELS_FILE);
    let mut rows = if labels.exists() {
        lc_sim::read_labels(&labels)?
    } else {
        Vec::new()
    };
    for k in 0..args.n {
        let seed = args.seed + k;
        let (lc, truth) = lc_sim::inject(&real, &req, seed)
            .with_context(|| format!("{}: injecting with seed {seed}", args.into.display()))?;
        let path = args.out.join(&truth.file);
        tess_io::write_spoc(&path, &lc).map_err(|e| anyhow::anyhow!("{e}"))?;
        eprintln!(
            "{}: {} P = {:.5} d, depth {:.5}, {} primary eclipse(s) on good cadences",
            path.display(),
            truth.class,
            truth.period_d.unwrap_or(f64::NAN),
            truth.depth1.unwrap_or(f64::NAN),
            truth.n_primary.unwrap_or(0)
        );
        rows.retain(|r| r.file != truth.file);
        rows.push(truth);
    }
    lc_sim::write_labels(&labels, &rows)?;
    Ok(ExitCode::SUCCESS)
}
