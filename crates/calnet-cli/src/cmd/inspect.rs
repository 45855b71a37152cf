//! `calnet inspect`: what light-curve files hold, and what the quality cut and the gap split
//! make of them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lc_prep::segment::{sort_by_time, split_at_gaps, REFERENCE_GAP_DAYS};
use tess_io::{self, FluxColumn, LightCurve, MaskReport, QualityMask};

/// Arguments of `calnet inspect`.
#[derive(clap::Args)]
#[command(after_help = "\
Exit status: 0 if every file was read, 1 if any input failed (the others are still shown), \
2 for a usage error.")]
pub struct Args {
    /// Light-curve files or folders (searched recursively for *.fits and *.fits.gz).
    #[arg(required_unless_present = "sector")]
    pub inputs: Vec<PathBuf>,
    /// One JSON object per file and line: file, tic, sector, product, cadence_s, rows, kept,
    /// segments, error (and more).
    #[arg(long)]
    pub json: bool,
    /// Which QUALITY flags drop a cadence: reference (QUALITY == 0, as CALNet), default, hard,
    /// hardest (lightkurve's presets), none, or an integer bitmask.
    #[arg(long, value_name = "MASK", default_value = "reference")]
    pub quality: QualityMask,
    /// Flux column: pdcsap, sap, kspsap or any column name [default: by product, see
    /// docs/tess-io.md: PDCSAP_FLUX for SPOC, KSPSAP_FLUX for QLP, CORR_FLUX for eleanor,
    /// cal_psf_flux for TGLC, FLUX_CORR for TASOC, FLUX for lightkurve files].
    #[arg(long, value_name = "COLUMN")]
    pub flux: Option<FluxColumn>,
    /// Also inspect sector N of the reference layout ROOT/s{NNN}/*.fits (ROOT from --paths).
    #[arg(long, value_name = "N", requires = "paths")]
    pub sector: Option<u32>,
    /// A JSON file like the reference's paths.json: {"lc_root": "ROOT"}.
    #[arg(long, value_name = "FILE")]
    pub paths: Option<PathBuf>,
}

/// What one file gave; JSON field names are part of the command's interface.
#[derive(serde::Serialize)]
struct Record {
    file: String,
    tic: Option<u64>,
    sector: Option<u32>,
    product: Option<&'static str>,
    cadence_s: Option<f64>,
    rows: Option<usize>,
    kept: Option<usize>,
    segments: Option<Vec<usize>>,
    error: Option<String>,
    // Extras, after the fixed fields.
    camera: Option<u32>,
    ccd: Option<u32>,
    tmag: Option<f64>,
    flux_column: Option<String>,
    quality_mask: String,
    dropped_quality: Option<usize>,
    dropped_nonfinite_time: Option<usize>,
    dropped_nonfinite_flux: Option<usize>,
    time_start_btjd: Option<f64>,
    time_stop_btjd: Option<f64>,
    segment_days: Option<Vec<f64>>,
}

impl Record {
    fn failed(file: &Path, mask: QualityMask, error: String) -> Record {
        Record {
            file: file.display().to_string(),
            tic: None,
            sector: None,
            product: None,
            cadence_s: None,
            rows: None,
            kept: None,
            segments: None,
            error: Some(error),
            camera: None,
            ccd: None,
            tmag: None,
            flux_column: None,
            quality_mask: mask.to_string(),
            dropped_quality: None,
            dropped_nonfinite_time: None,
            dropped_nonfinite_flux: None,
            time_start_btjd: None,
            time_stop_btjd: None,
            segment_days: None,
        }
    }
}

fn inspect(path: &Path, args: &Args) -> Result<Record, tess_io::Error> {
    let mut opts = tess_io::ReadOptions::new();
    if let Some(c) = &args.flux {
        opts = opts.flux_column(c.clone());
    }
    let lc = opts.read(path)?;
    let (clean, report) = lc.apply_quality(args.quality);
    Ok(record(path, &lc, &clean, &report, args))
}

fn record(path: &Path, lc: &LightCurve, clean: &LightCurve, r: &MaskReport, args: &Args) -> Record {
    let m = &lc.meta;
    // Sorted first, as classify and features do: shuffled rows give the same segments.
    let (mut time, mut flux) = (clean.time.clone(), clean.flux.clone());
    sort_by_time(&mut time, &mut flux);
    let parts = split_at_gaps(&time, REFERENCE_GAP_DAYS);
    let segment_days = parts
        .iter()
        .map(|p| time[p.end - 1] - time[p.start])
        .collect();
    Record {
        file: path.display().to_string(),
        tic: m.tic,
        sector: m.sector,
        product: Some(m.product.name()),
        cadence_s: Some(m.cadence_s),
        rows: Some(r.rows),
        kept: Some(r.kept),
        segments: Some(parts.iter().map(|p| p.len()).collect()),
        error: None,
        camera: m.camera,
        ccd: m.ccd,
        tmag: m.tmag,
        flux_column: Some(
            args.flux
                .clone()
                .unwrap_or_else(|| FluxColumn::default_for(m.product))
                .name()
                .to_owned(),
        ),
        quality_mask: args.quality.to_string(),
        dropped_quality: Some(r.quality),
        dropped_nonfinite_time: Some(r.nonfinite_time),
        dropped_nonfinite_flux: Some(r.nonfinite_flux),
        // Kept times are finite; the mask keeps file order, which is time order.
        time_start_btjd: clean.time.first().copied(),
        time_stop_btjd: clean.time.last().copied(),
        segment_days: Some(segment_days),
    }
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The human-readable block for one file.
fn human(rec: &Record, out: &mut impl Write) -> std::io::Result<()> {
    let name = Path::new(&rec.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| rec.file.clone());
    writeln!(out, "{name}")?;
    let opt = |v: Option<u32>| v.map_or("?".to_owned(), |x| x.to_string());
    let (rows, kept) = (rec.rows.unwrap_or(0), rec.kept.unwrap_or(0));
    writeln!(
        out,
        "  TIC {}  sector {}  camera {}  CCD {}  Tmag {}",
        rec.tic.map_or("?".to_owned(), |t| t.to_string()),
        opt(rec.sector),
        opt(rec.camera),
        opt(rec.ccd),
        rec.tmag.map_or("?".to_owned(), |t| format!("{t:.2}")),
    )?;
    writeln!(
        out,
        "  {} light curve, {} s cadence, {}",
        rec.product.unwrap_or("?"),
        rec.cadence_s.unwrap_or(f64::NAN),
        rec.flux_column.as_deref().unwrap_or("?"),
    )?;
    writeln!(
        out,
        "  {rows} rows, {kept} kept ({:.1}%) with quality mask {}; dropped: {} flagged, {} NaN time, {} NaN flux",
        pct(kept, rows),
        rec.quality_mask,
        rec.dropped_quality.unwrap_or(0),
        rec.dropped_nonfinite_time.unwrap_or(0),
        rec.dropped_nonfinite_flux.unwrap_or(0),
    )?;
    if let (Some(a), Some(b)) = (rec.time_start_btjd, rec.time_stop_btjd) {
        writeln!(out, "  time {a:.4} to {b:.4} BTJD ({:.2} d)", b - a)?;
    }
    let segs = rec.segments.as_deref().unwrap_or(&[]);
    let days = rec.segment_days.as_deref().unwrap_or(&[]);
    let list: Vec<String> = segs
        .iter()
        .zip(days)
        .map(|(n, d)| format!("{n} pts / {d:.2} d"))
        .collect();
    writeln!(
        out,
        "  {} segment{} (gaps > {REFERENCE_GAP_DAYS} d): {}",
        segs.len(),
        if segs.len() == 1 { "" } else { "s" },
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        },
    )
}

/// Runs `calnet inspect`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut inputs = args.inputs.clone();
    if let (Some(sector), Some(paths)) = (args.sector, &args.paths) {
        let cfg = tess_io::PathsConfig::load(paths)?;
        inputs.push(cfg.sector_dir(sector));
    }
    let found = tess_io::collect_inputs(&inputs);
    let mut failed = !found.errors.is_empty();
    for e in &found.errors {
        eprintln!("{e}");
    }
    for input in &inputs {
        if input.is_dir() && tess_io::find_light_curves(input).is_ok_and(|f| f.is_empty()) {
            eprintln!(
                "{}: no *.fits or *.fits.gz files in this folder",
                input.display()
            );
            failed = true;
        }
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut ok, mut bad) = (0usize, 0usize);
    for (i, file) in found.files.iter().enumerate() {
        let rec = match inspect(file, &args) {
            Ok(rec) => {
                ok += 1;
                if rec.tic.is_none() {
                    eprintln!("{}: {}", file.display(), crate::cmd::NO_TIC_WARNING);
                }
                rec
            }
            Err(e) => {
                bad += 1;
                // Errors go to stderr as `path: reason`, so a pipe of the good output stays clean.
                eprintln!("{e}");
                Record::failed(file, args.quality, e.reason())
            }
        };
        let written = if args.json {
            serde_json::to_writer(&mut out, &rec)
                .map_err(std::io::Error::from)
                .and_then(|_| writeln!(out))
        } else if rec.error.is_none() {
            let gap = if i > 0 { writeln!(out) } else { Ok(()) };
            gap.and_then(|_| human(&rec, &mut out))
        } else {
            Ok(())
        };
        if let Err(e) = written.and_then(|_| out.flush()) {
            // `calnet inspect ... | head` closing the pipe is not an error.
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::from(u8::from(failed || bad > 0)));
            }
            return Err(e.into());
        }
    }
    if !args.json {
        writeln!(
            out,
            "\n{ok} file{} read, {bad} failed",
            if ok == 1 { "" } else { "s" }
        )
        .ok();
    }
    out.flush().ok();
    Ok(ExitCode::from(u8::from(failed || bad > 0)))
}
