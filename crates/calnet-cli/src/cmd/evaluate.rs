//! `calnet evaluate`: metrics of weights on labelled light curves, per segment and per file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use calnet_model::{DeviceSpec, STATE_DICT_KEYS};
use calnet_train::{self as ct, Metrics};

use super::train::{load_data, DataArgs};

/// Arguments of `calnet evaluate`.
#[derive(clap::Args)]
#[command(after_help = "\
A file counts as an EB when any of its segments has p_eb > --threshold (0.5: the network's argmax).
Whatever the threshold, the segments' operating points are reported too: the highest recall at
precision >= 0.98 and the highest precision at recall >= 0.99, each with the threshold that gives
it (tuned on this very set, so optimistic: choose a threshold on a validation set, then give it
here to measure it on a test set).
When the labels table has a `class` column, the files called EB are also counted per class
(recall for classes labelled 1, false-positive rate for classes labelled 0).
With --out: evaluation.json, segments.csv (calnet classify's columns file,tic,...,p_eb,is_eb, then label; segments numbered as `calnet classify` numbers them), files.csv (file,tic,label,segments,max_p_eb,predicted,class), confusion.png (segments) and confusion-files.png.

Exit status: 0 success; 1 evaluated, but some inputs could not be read or gave no segment;
2 usage error or nothing to evaluate.")]
pub struct Args {
    /// Weights: safetensors (from `calnet train`) or a PyTorch state_dict (.pth).
    #[arg(long, value_name = "FILE")]
    pub weights: PathBuf,
    #[command(flatten)]
    pub inputs: DataArgs,
    /// Output folder for the tables and pictures.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where to run: auto, cpu, cuda or cuda:N.
    #[arg(long, value_name = "D", default_value = "auto")]
    pub device: DeviceSpec,
    /// A segment is called EB when p_eb > threshold.
    #[arg(long, value_name = "P", default_value_t = 0.5, value_parser = super::parse::probability)]
    pub threshold: f32,
    /// Segments per forward pass.
    #[arg(long, value_name = "B", default_value_t = 128, value_parser = super::parse::batch)]
    pub batch: usize,
    /// Feature cache folder [default: none].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Feature options: the weights' record decides; a flag that contradicts it is refused.
    #[command(flatten)]
    pub features: super::feature_args::FeatureArgs,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

fn line(what: &str, m: &Metrics) -> String {
    let c = &m.confusion;
    format!(
        "{what:>8}: n {} accuracy {:.4} precision {:.4} recall {:.4} F1 {:.4} ROC-AUC {} (TP {} FP {} TN {} FN {})",
        m.n,
        m.accuracy,
        m.precision,
        m.recall,
        m.f1,
        m.roc_auc.map_or("-".into(), |a| format!("{a:.4}")),
        c.tp,
        c.fp,
        c.tn,
        c.fn_
    )
}

/// Runs `calnet evaluate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.threads.apply_globally()?;
    let device = args.device.resolve()?;
    let (vs, net) = ct::new_calnet(device, 0);
    calnet_model::load_into(&vs, &args.weights, &STATE_DICT_KEYS)?;
    let features = args.features.for_weights(&args.weights)?;
    let data = load_data(&args.inputs, args.cache.as_deref(), &features)?;
    let ev = ct::evaluate(&net, &data, device, args.batch, args.threshold)?;
    say!("threshold {}", args.threshold);
    say!("{}", line("segments", &ev.segment));
    say!("{}", line("files", &ev.file));
    let point = |what: &str, p: Option<ct::OperatingPoint>| match p {
        Some(p) => say!(
            "segments: {what}: precision {:.4} recall {:.4} (p_eb > {:.4})",
            p.precision,
            p.recall,
            p.threshold
        ),
        None => say!("segments: {what}: none"),
    };
    point(
        &format!(
            "best recall at precision >= {}",
            ct::evaluate::MIN_PRECISION
        ),
        ev.recall_at_precision,
    );
    point(
        &format!("best precision at recall >= {}", ct::evaluate::MIN_RECALL),
        ev.precision_at_recall,
    );
    if !ev.per_class.is_empty() {
        say!("files called EB per class:");
    }
    for c in &ev.per_class {
        say!(
            "{:>14} (label {}): {} of {} ({:.1}%)",
            c.class,
            c.label,
            c.flagged,
            c.files,
            100.0 * c.fraction()
        );
    }
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)
            .with_context(|| format!("{}: cannot create", out.display()))?;
        ev.write(out, &data)?;
        ct::plots::confusion(
            &out.join("confusion.png"),
            &ev.segment.confusion,
            &format!("Segments ({})", ev.segment.n),
        )?;
        ct::plots::confusion(
            &out.join("confusion-files.png"),
            &ev.file.confusion,
            &format!("Files ({})", ev.file.n),
        )?;
    }
    let failed = !data.report.failed.is_empty() || !data.report.no_segment.is_empty();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
