//! `calnet simulate`: a labelled set of synthetic TESS light curves.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::TypedValueParser;
use indicatif::{ProgressBar, ProgressStyle};
use lc_sim::{self, Cadence, Class, Population, SimConfig, SimProgress};

/// Arguments of `calnet simulate`.
#[derive(clap::Args)]
#[command(after_help = "\
Writes DIR/sim-<index>-s<sector>-<tic>_lc.fits (SPOC format) and DIR/labels.csv \
(file,tic,sector,label,class,period_d,t0,depth1,depth2,...; label 1 = EB). Simulated stars get \
TIC ids 9,000,000,000 + (seed mod 1000) * 1,000,000 + index, a range no real star has. \
The same --seed gives byte-identical files whatever --threads is.
Classes: detached, semidetached, contact, ellipsoidal (label 1); planet, rotator, flare, dsct, \
gdor, rrlyr, constant, blend (label 0 unless --blend-label 1).
Populations: reference (the default: every class, the mix the shipped weights were trained on; \
a seed gives the same bytes as before this option existed) and hard-cases (only the regions \
such weights miss: low-mass-twin and long-period detached EBs, beaming-ellipsoidal variables; \
active-planet-host, flare-star and fast-rotator look-alikes; the sector layout measured on real sector-61 data), named in a \
`region` column of labels.csv. --classes filters the regions by their class.
Exit status: 0 on success, 2 for a usage or fatal error.")]
pub struct Args {
    /// Number of light curves.
    #[arg(long)]
    pub n: usize,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Fraction of light curves with label 1 (EBs).
    #[arg(long, value_name = "F", default_value_t = 0.5)]
    pub eb_fraction: f64,
    /// Comma-separated classes to draw from [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub classes: Vec<Class>,
    /// Cadence in seconds: 120 (SPOC 2-min) and 20 (SPOC fast) from target pixels; 1800, 600
    /// and 200 from full-frame images (TESS-SPOC layout, the FFI noise, sectors 1-26, 27-55,
    /// 56 on).
    #[arg(long, value_name = "S", default_value = "120",
          value_parser = clap::builder::PossibleValuesParser::new(["120", "1800", "600", "200", "20"])
              .try_map(|s| s.parse::<Cadence>()))]
    pub cadence: Cadence,
    /// Label of diluted-EB blends: 0 (the target is not the EB) or 1.
    #[arg(long, value_name = "L", default_value_t = 0)]
    pub blend_label: u8,
    /// Brightest TESS magnitude drawn.
    #[arg(long, value_name = "T", default_value_t = 6.5)]
    pub tmag_min: f64,
    /// Faintest TESS magnitude drawn.
    #[arg(long, value_name = "T", default_value_t = 13.5)]
    pub tmag_max: f64,
    /// Redraw EBs, blends and planets whose signal has a matched-filter SNR below S
    /// (the `snr` column); 0 keeps all.
    #[arg(long, value_name = "S", default_value_t = 0.0)]
    pub min_snr: f64,
    /// Redraw eclipsing systems until every segment (data between gaps over 0.75 d, at least
    /// 2000 valid cadences) holds a primary eclipse, so each segment shows its file's label.
    #[arg(long)]
    pub eclipse_every_segment: bool,
    /// Mix to draw: reference or hard-cases (see below).
    #[arg(long, value_name = "P", default_value = "reference",
          value_parser = clap::builder::PossibleValuesParser::new(["reference", "hard-cases"])
              .try_map(|s| s.parse::<Population>()))]
    pub population: Population,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

/// Runs `calnet simulate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cfg = SimConfig {
        cadence: args.cadence,
        eb_fraction: args.eb_fraction,
        classes: if args.classes.is_empty() {
            Class::ALL.to_vec()
        } else {
            args.classes
        },
        blend_label: args.blend_label,
        tmag_range: (args.tmag_min, args.tmag_max),
        threads: args.threads.n,
        min_snr: args.min_snr,
        eclipse_every_segment: args.eclipse_every_segment,
        population: args.population,
    };
    cfg.validate()?;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(args.n as u64);
        b.set_style(
            ProgressStyle::with_template(
                "simulate {bar:40} {pos}/{len} light curves [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let progress = |p: SimProgress| bar.set_position(p.done as u64);
    let rows = lc_sim::simulate_to_dir(&cfg, &args.out, args.seed, args.n, &progress)
        .with_context(|| format!("simulating into {}", args.out.display()))?;
    bar.finish_and_clear();
    let ebs = rows.iter().filter(|r| r.label == 1).count();
    let counts: Vec<String> = lc_sim::class_counts(&rows)
        .into_iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let regions: Vec<String> = lc_sim::region_counts(&rows)
        .into_iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    eprintln!(
        "wrote {} light curves ({ebs} with label 1) and {} to {}: {}",
        rows.len(),
        lc_sim::LABELS_FILE,
        args.out.display(),
        counts.join(", ")
    );
    if !regions.is_empty() {
        eprintln!("regions: {}", regions.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
