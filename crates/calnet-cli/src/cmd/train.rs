//! `calnet train`: train CALNet on labelled light curves (or reference-layout feature CSVs).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use calnet_model::DeviceSpec;
use calnet_train::{
    self as ct, Dataset, FeatureCache, Labels, Loss, LrSchedule, Progress, TrainConfig,
};
use indicatif::{ProgressBar, ProgressStyle};

/// Where the labelled light curves (or their precomputed inputs) come from: shared by
/// `calnet train` and `calnet evaluate`.
#[derive(clap::Args)]
pub struct DataArgs {
    /// Folders (searched recursively for *.fits) or light-curve files.
    #[arg(long, num_args = 1.., value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Labels CSV: a `label` column (1 = EB, 0 = other) and a `file` or `tic` column.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Catalog of EBs (astropy fixed_width_two_line with a tic or TIC column), instead of --labels.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "labels",
        requires = "negatives"
    )]
    pub catalog: Option<PathBuf>,
    /// Folders of non-EB light curves (with --catalog).
    #[arg(long, num_args = 1.., value_name = "DIR", requires = "catalog")]
    pub negatives: Vec<PathBuf>,
    /// Precomputed inputs: DIR/lc.csv and DIR/gls.csv in the reference's layout.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["data", "catalog"])]
    pub features: Option<PathBuf>,
}

/// Arguments of `calnet train`.
#[derive(clap::Args)]
#[command(after_help = "\
Inputs, one of:
  --data DIR... --labels FILE        light curves and a CSV with `file,label` or `tic,label`
                                     (labels.csv of `calnet simulate` works as it is)
  --data DIR... --catalog FILE --negatives DIR...
                                     EBs: files in --data whose TIC is in the catalog (astropy
                                     fixed_width_two_line with a tic or TIC column); others: --negatives
  --features DIR --labels FILE       reference-layout DIR/lc.csv and DIR/gls.csv

Writes into --out: metrics.json, metrics.csv, curves.png, confusion.png (best epoch, validation),
split.csv, best.safetensors, last.safetensors, with --swa K swa.safetensors (the mean of the
last K epochs' weights), checkpoint/ (for --resume). metrics.json gives each epoch's validation
recall at precision >= 0.98 with its threshold: a threshold to give `calnet evaluate`.

Exit status: 0 success; 1 trained, but some inputs could not be read or gave no segment;
2 usage error or nothing to train on.")]
pub struct Args {
    #[command(flatten)]
    pub inputs: DataArgs,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Passes over the training set.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub epochs: usize,
    /// Segments per batch (the last incomplete batch of each epoch is dropped).
    #[arg(long, value_name = "B", default_value_t = 128, value_parser = super::parse::batch)]
    pub batch: usize,
    /// Adam's learning rate (AMSGrad).
    #[arg(long, value_name = "X", default_value_t = 1e-3)]
    pub lr: f64,
    /// constant (as the reference) or cosine (annealed from --lr towards 0 over the epochs;
    /// --resume then needs the same --epochs).
    #[arg(long, value_name = "S", default_value = "constant")]
    pub lr_schedule: LrSchedule,
    /// Where to train: auto, cpu, cuda or cuda:N.
    #[arg(long, value_name = "D", default_value = "auto")]
    pub device: DeviceSpec,
    /// logits (cross-entropy on the logits) or reference (on the softmax output, as the
    /// original CALNet).
    #[arg(long, value_name = "L", default_value = "logits")]
    pub loss: Loss,
    /// Seed of the split, batch order, dropout and initial weights.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Share of files (per class) kept for validation.
    #[arg(long, value_name = "F", default_value_t = 0.2)]
    pub val_fraction: f64,
    /// Validate on fold I of a stratified K-fold split: `K,I` (instead of --val-fraction).
    #[arg(long, value_name = "K,I", value_parser = parse_pair::<usize>)]
    pub fold: Option<(usize, usize)>,
    /// Loss weights of the classes `OTHER,EB` (default equal).
    #[arg(long, value_name = "W0,W1", value_parser = parse_pair::<f32>)]
    pub class_weights: Option<(f32, f32)>,
    /// Label smoothing of the training loss, in [0, 1) (0.1: targets 0.95/0.05).
    #[arg(long, value_name = "EPS", default_value_t = 0.0)]
    pub label_smoothing: f64,
    /// Average the weights of the last K epochs into OUT/swa.safetensors (stochastic weight
    /// averaging; 0: none).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub swa: usize,
    /// Start from these weights (safetensors or .pth, e.g. the published ones) instead of a
    /// seeded initialisation: fine-tuning.
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,
    /// Continue from OUT/checkpoint (same data and options; --epochs may grow with a constant
    /// learning rate).
    #[arg(long)]
    pub resume: bool,
    /// Feature cache folder [default: OUT/feature-cache].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// The feature config of the inputs, recorded in the weights this run writes.
    #[command(flatten)]
    pub features: super::feature_args::FeatureConfigArgs,
    #[command(flatten)]
    pub threads: super::parse::Threads,
}

fn parse_pair<T: std::str::FromStr>(s: &str) -> Result<(T, T), String> {
    let (a, b) = s.split_once(',').ok_or("expected two values: A,B")?;
    let p = |x: &str| {
        x.trim()
            .parse::<T>()
            .map_err(|_| format!("`{x}` is not a number"))
    };
    Ok((p(a)?, p(b)?))
}

/// A bar on a terminal, nothing otherwise (logs stay readable).
pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template(
            "{msg:>12} [{bar:40}] {pos}/{len} {elapsed_precise} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    b.set_message(what.to_string());
    b
}

/// Builds the data set of train or evaluate, printing each bad input as `name: reason`.
pub(crate) fn load_data(
    inputs: &DataArgs,
    cache: Option<&Path>,
    config: &lc_prep::FeatureConfig,
) -> anyhow::Result<Dataset> {
    let DataArgs {
        data,
        labels,
        catalog,
        negatives,
        features,
    } = inputs;
    let (labels, catalog, features) = (labels.as_deref(), catalog.as_deref(), features.as_deref());
    let features_bar = bar(0, "features");
    let progress = |p: Progress| {
        if let Progress::Features { done, total } = p {
            features_bar.set_length(total as u64);
            features_bar.set_position(done as u64);
        }
    };
    let cache = cache.map(FeatureCache::new);
    let set = if let Some(dir) = features {
        let labels = labels.context("--features needs --labels")?;
        Dataset::from_feature_csv(
            &dir.join("lc.csv"),
            &dir.join("gls.csv"),
            &Labels::read(labels)?,
        )?
    } else if let Some(catalog) = catalog {
        let ex = lc_prep::FeatureExtractor::new(config.clone())?;
        Dataset::from_catalog(catalog, data, negatives, &ex, cache.as_ref(), &progress)?
    } else {
        let labels = labels.context("give --labels FILE (or --catalog FILE --negatives DIR)")?;
        if data.is_empty() {
            bail!("give --data DIR... (or --features DIR)");
        }
        let ex = lc_prep::FeatureExtractor::new(config.clone())?;
        Dataset::from_fits(data, &Labels::read(labels)?, &ex, cache.as_ref(), &progress)?
    };
    features_bar.finish_and_clear();
    let r = &set.report;
    for (name, reason) in &r.failed {
        eprintln!("{name}: {reason}");
    }
    for (name, why) in &r.no_segment {
        eprintln!("{name}: no segment ({})", why.join("; "));
    }
    for (name, seg) in &r.non_finite {
        eprintln!("{name}: segment {seg} has NaN/inf inputs, dropped");
    }
    for key in r.labels_unmatched.iter().take(20) {
        eprintln!("labels: {key} matches no input file");
    }
    if r.labels_unmatched.len() > 20 {
        eprintln!(
            "labels: ... {} more unmatched",
            r.labels_unmatched.len() - 20
        );
    }
    eprintln!(
        "data: {} files found, {} used ({} EB), {} segments ({} EB); {} features from cache, {} computed; {} segments skipped by the feature step",
        r.files_found,
        set.files.len(),
        set.files.iter().filter(|f| f.label == 1).count(),
        set.len(),
        set.n_positive(),
        r.cache_hits,
        r.computed,
        r.segments_skipped
    );
    for p in r.problems() {
        eprintln!("data: {p}");
    }
    Ok(set)
}

/// Runs `calnet train`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.threads.apply_globally()?;
    let device = args.device.resolve()?;
    let cache = args
        .cache
        .clone()
        .unwrap_or_else(|| args.out.join("feature-cache"));
    let features = args.features.config()?;
    let data = load_data(&args.inputs, Some(&cache), &features)?;
    let config = TrainConfig {
        epochs: args.epochs,
        batch_size: args.batch,
        lr: args.lr,
        lr_schedule: args.lr_schedule,
        amsgrad: true,
        loss: args.loss,
        seed: args.seed,
        val_fraction: args.val_fraction,
        folds: args.fold,
        class_weights: args.class_weights.map(|(a, b)| [a, b]),
        label_smoothing: args.label_smoothing,
        swa_epochs: args.swa,
        init: args.init.clone(),
        features,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let (vs, net) = ct::new_calnet(device, args.seed);
    eprintln!(
        "training on {device:?}: {} epochs, batch {}, lr {} ({:?}), loss {:?}",
        config.epochs, config.batch_size, config.lr, config.lr_schedule, config.loss
    );
    let batch_bar = bar(0, "epoch");
    let out = args.out.clone();
    let progress = |p: Progress| match p {
        Progress::Batch {
            epoch,
            epochs,
            batch,
            batches,
            loss,
        } => {
            batch_bar.set_length(batches as u64);
            batch_bar.set_position(batch as u64);
            batch_bar.set_message(format!("epoch {epoch}/{epochs} loss {loss:.4}"));
            // Without a terminal (a log file), a line every tenth of an epoch instead.
            if batch_bar.is_hidden() && (batch * 10 / batches) != ((batch - 1) * 10 / batches) {
                eprintln!("epoch {epoch}/{epochs}: batch {batch}/{batches}, loss {loss:.4}");
            }
        }
        Progress::Epoch { history } => {
            if let Some(r) = history.last() {
                let v = r.val.map_or(String::new(), |v| {
                    format!(
                        " | val loss {:.4} acc {:.4} P {:.4} R {:.4} F1 {:.4} AUC {}",
                        v.loss.unwrap_or(f64::NAN),
                        v.accuracy,
                        v.precision,
                        v.recall,
                        v.f1,
                        v.roc_auc.map_or("-".into(), |a| format!("{a:.4}"))
                    )
                });
                batch_bar.suspend(|| {
                    eprintln!(
                        "epoch {:>3}: train loss {:.4} acc {:.4}{v} ({:.0} s, {:.1} seg/s)",
                        r.epoch,
                        r.train.loss.unwrap_or(f64::NAN),
                        r.train.accuracy,
                        r.seconds,
                        r.train_segments_per_s
                    )
                });
            }
            if let Err(e) = ct::plots::curves(&out.join("curves.png"), history) {
                batch_bar.suspend(|| eprintln!("{e}"));
            }
        }
        Progress::Features { .. } => {}
    };
    let outcome = ct::train(&net, &vs, &data, &config, &args.out, args.resume, &progress)?;
    batch_bar.finish_and_clear();
    if let Some(r) = outcome.resumed_after {
        eprintln!("resumed after epoch {r}");
    }
    let best = outcome
        .best_epoch
        .and_then(|b| outcome.history.iter().find(|r| r.epoch == b));
    if let Some(rec) = best {
        let (m, set) = match &rec.val {
            Some(v) => (v, "validation"),
            None => (&rec.train, "training"),
        };
        ct::plots::curves(&args.out.join("curves.png"), &outcome.history)?;
        ct::plots::confusion(
            &args.out.join("confusion.png"),
            &m.confusion,
            &format!("Epoch {} ({set}, {} segments)", rec.epoch, m.n),
        )?;
        say!(
            "best epoch {} ({set}): accuracy {:.4} precision {:.4} recall {:.4} F1 {:.4} ROC-AUC {}",
            rec.epoch,
            m.accuracy,
            m.precision,
            m.recall,
            m.f1,
            m.roc_auc.map_or("-".into(), |a| format!("{a:.4}"))
        );
    }
    if let Some(swa) = &outcome.swa {
        let first = swa.epochs.first().copied().unwrap_or(0);
        let last = swa.epochs.last().copied().unwrap_or(0);
        match &swa.val {
            Some(m) => say!(
                "mean of epochs {first}-{last} (validation): accuracy {:.4} precision {:.4} recall {:.4} F1 {:.4} ROC-AUC {}; {}",
                m.accuracy,
                m.precision,
                m.recall,
                m.f1,
                m.roc_auc.map_or("-".into(), |a| format!("{a:.4}")),
                args.out.join("swa.safetensors").display()
            ),
            None => say!(
                "mean of epochs {first}-{last}: {}",
                args.out.join("swa.safetensors").display()
            ),
        }
    }
    say!(
        "{} training / {} validation segments; weights: {}",
        outcome.n_train,
        outcome.n_val,
        args.out.join("best.safetensors").display()
    );
    let failed = !data.report.failed.is_empty() || !data.report.no_segment.is_empty();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
