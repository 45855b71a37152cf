//! The training loop: seeded split, shuffled batches (drop_last), Adam/AMSGrad, per-epoch
//! metrics on train and validation, best and last checkpoints, exact resume.
//!
//! A run writes into its output folder:
//! - `metrics.json` (configuration, data summary, one record per epoch) and `metrics.csv`;
//! - `split.csv` (each file, its label and whether it trains or validates);
//! - `best.safetensors` (highest validation F1, ties to the lower validation loss; the last
//!   epoch without validation) and `last.safetensors`, loadable by `calnet_model` and PyTorch,
//!   recording [`TrainConfig::features`] in their metadata (`lc_prep::FeatureConfig::to_record`)
//!   so that classification applies the same feature config;
//! - with [`TrainConfig::swa_epochs`] `k`, `swa.safetensors`: the mean of the weights after each
//!   of the last `k` epochs (stochastic weight averaging, Izmailov et al. 2018; CALNet has no
//!   batch normalisation whose statistics would need recomputing), its validation metrics in
//!   `metrics.json` under `swa`;
//! - `checkpoint/` with the last epoch's weights and optimizer moments (files named by the
//!   epoch) and `state.json` naming them, written in that order so that a kill at any moment
//!   leaves a consistent checkpoint.
//!
//! Resuming is exact: epoch `e`'s batch order and dropout masks depend only on `(seed, e)`,
//! and the optimizer's moments and step count are restored, so kill + resume ends with the
//! weights of an uninterrupted run (on the CPU, where libtorch is deterministic). libtorch's
//! random generator is global to the process: two trainings running at once in one process
//! draw from each other's stream and lose this property.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

use crate::adam::Adam;
use crate::cache::write_atomic;
use crate::dataset::{DataReport, Dataset};
use crate::error::{Result, TrainError};
use crate::metrics::{recall_at_precision, Metrics, OperatingPoint};
use crate::split;
use crate::Progress;
use tess_io::AtomicFile;

/// A network CALNet's training can drive: two inputs, logits `[B, 2]` out.
pub trait Network {
    /// Logits of light-curve inputs `[B, 1, L]` and periodograms `[B, 1, G]`; `train`
    /// turns dropout on.
    fn forward_t(&self, lc: &Tensor, gls: &Tensor, train: bool) -> Tensor;
}

impl Network for calnet_model::CalNet {
    fn forward_t(&self, lc: &Tensor, gls: &Tensor, train: bool) -> Tensor {
        calnet_model::CalNet::forward_t(self, lc, gls, train)
    }
}

/// A freshly initialised CALNet on `device`, its initial weights drawn from `seed`.
///
/// The weights are drawn on the CPU and then moved, so a seed gives the same initial network on
/// every device (CUDA's generator would draw other numbers from the same seed).
pub fn new_calnet(device: Device, seed: u64) -> (VarStore, calnet_model::CalNet) {
    tch::manual_seed(seed as i64);
    let mut vs = VarStore::new(Device::Cpu);
    let net = calnet_model::CalNet::new(&vs.root());
    if device != Device::Cpu {
        vs.set_device(device);
        net.flatten_parameters();
    }
    (vs, net)
}

/// Which loss the optimizer minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// Cross-entropy on the logits (the correct loss; default).
    Logits,
    /// The reference's: cross-entropy applied to the softmax output (softmax twice), kept to
    /// reproduce the published training.
    Reference,
}

impl std::str::FromStr for Loss {
    type Err = TrainError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "logits" => Ok(Loss::Logits),
            "reference" => Ok(Loss::Reference),
            _ => Err(TrainError::Config(format!(
                "loss `{s}`: expected logits or reference"
            ))),
        }
    }
}

/// How the learning rate changes from epoch to epoch (it stays fixed within an epoch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LrSchedule {
    /// The same rate every epoch, as the reference trains (default).
    #[default]
    Constant,
    /// Cosine annealing over the run: epoch `e` of `E` (from 0) uses
    /// `lr · (1 + cos(π e / E)) / 2`, from the full rate down towards zero. It settles the
    /// weights where a constant rate leaves them moving between epochs.
    Cosine,
}

impl LrSchedule {
    /// The rate of epoch `epoch` (from 0) of an `epochs`-epoch run whose base rate is `lr`.
    ///
    /// ```
    /// use calnet_train::LrSchedule;
    /// assert_eq!(LrSchedule::Constant.lr_at(1e-3, 7, 10), 1e-3);
    /// assert_eq!(LrSchedule::Cosine.lr_at(1e-3, 0, 10), 1e-3);
    /// assert!((LrSchedule::Cosine.lr_at(1e-3, 5, 10) - 5e-4).abs() < 1e-12);
    /// ```
    pub fn lr_at(self, lr: f64, epoch: usize, epochs: usize) -> f64 {
        match self {
            LrSchedule::Constant => lr,
            LrSchedule::Cosine => {
                let x = epoch as f64 / epochs.max(1) as f64;
                lr * 0.5 * (1.0 + (std::f64::consts::PI * x).cos())
            }
        }
    }
}

impl std::str::FromStr for LrSchedule {
    type Err = TrainError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "constant" => Ok(LrSchedule::Constant),
            "cosine" => Ok(LrSchedule::Cosine),
            _ => Err(TrainError::Config(format!(
                "learning-rate schedule `{s}`: expected constant or cosine"
            ))),
        }
    }
}

/// Everything that shapes a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Segments per batch; the last incomplete batch of an epoch is dropped.
    pub batch_size: usize,
    /// Adam's learning rate (of the first epoch, with a schedule).
    pub lr: f64,
    /// How the learning rate changes over the epochs.
    #[serde(default)]
    pub lr_schedule: LrSchedule,
    /// Use AMSGrad (the reference does).
    pub amsgrad: bool,
    /// The loss.
    pub loss: Loss,
    /// Seed of the split, the batch order, dropout and the initial weights.
    pub seed: u64,
    /// Share of files (per class) kept for validation (ignored with `folds`).
    pub val_fraction: f64,
    /// `(k, i)`: validate on fold `i` of a stratified `k`-fold split instead.
    pub folds: Option<(usize, usize)>,
    /// Weights of the classes (other, EB) in the loss; `None` weighs them equally.
    pub class_weights: Option<[f32; 2]>,
    /// Label smoothing of the training loss, in [0, 1): the target puts `1 - eps/2` on the
    /// label and `eps/2` on the other class (PyTorch's `label_smoothing`). Validation losses
    /// are always unsmoothed, so runs with and without compare.
    #[serde(default)]
    pub label_smoothing: f64,
    /// Average the weights of the last this many epochs into `swa.safetensors` (0: none).
    #[serde(default)]
    pub swa_epochs: usize,
    /// Weights to start from instead of the seeded initialisation: safetensors or a PyTorch
    /// `.pth` state_dict (the published CALNet weights, to fine-tune them on new labels).
    /// Read by a fresh run only; a resumed run continues from its checkpoint.
    #[serde(default)]
    pub init: Option<PathBuf>,
    /// The feature config the data set's inputs were computed with: recorded in every weights
    /// file the run writes (`features.*` metadata), and part of the run's identity on resume.
    /// A state written before the field counts as the reference config.
    #[serde(default = "lc_prep::FeatureConfig::reference", with = "feature_record")]
    pub features: lc_prep::FeatureConfig,
}

/// [`TrainConfig::features`] as lc-prep's record (a map of strings) in `state.json` and
/// `metrics.json`.
mod feature_record {
    use std::collections::BTreeMap;

    use lc_prep::FeatureConfig;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(cfg: &FeatureConfig, s: S) -> Result<S::Ok, S::Error> {
        cfg.to_record().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FeatureConfig, D::Error> {
        let record = BTreeMap::<String, String>::deserialize(d)?;
        FeatureConfig::from_record(&record)
            .map(|cfg| cfg.unwrap_or_else(FeatureConfig::reference))
            .map_err(serde::de::Error::custom)
    }
}

impl Default for TrainConfig {
    /// The reference's training: 30 epochs, batch 128, Adam lr 1e-3 with AMSGrad, 80/20 split
    /// with seed 42 (the loss on logits, not the reference's double softmax).
    fn default() -> Self {
        TrainConfig {
            epochs: 30,
            batch_size: 128,
            lr: 1e-3,
            lr_schedule: LrSchedule::Constant,
            amsgrad: true,
            loss: Loss::Logits,
            seed: 42,
            val_fraction: 0.2,
            folds: None,
            class_weights: None,
            label_smoothing: 0.0,
            swa_epochs: 0,
            init: None,
            features: lc_prep::FeatureConfig::reference(),
        }
    }
}

impl TrainConfig {
    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(TrainError::Config(m));
        if self.batch_size == 0 {
            return bad("batch size must be at least 1".into());
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return bad(format!("learning rate must be > 0, got {}", self.lr));
        }
        if !(0.0..1.0).contains(&self.val_fraction) {
            return bad(format!(
                "validation fraction must be in [0, 1), got {}",
                self.val_fraction
            ));
        }
        if let Some((k, i)) = self.folds {
            if k < 2 || i >= k {
                return bad(format!("fold {i} of {k}: need k >= 2 and 0 <= i < k"));
            }
        }
        if !(0.0..1.0).contains(&self.label_smoothing) {
            return bad(format!(
                "label smoothing must be in [0, 1), got {}",
                self.label_smoothing
            ));
        }
        if self.swa_epochs > self.epochs {
            return bad(format!(
                "cannot average the last {} epochs of a {}-epoch run",
                self.swa_epochs, self.epochs
            ));
        }
        if let Some(w) = self.class_weights {
            if w.iter().any(|x| !(*x > 0.0 && x.is_finite())) {
                return bad(format!("class weights must be > 0, got {w:?}"));
            }
        }
        Ok(())
    }
}

/// Metrics of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// On the training batches, as they were trained (dropout on, weights moving).
    pub train: Metrics,
    /// On the validation set after the epoch (dropout off); `None` without validation.
    pub val: Option<Metrics>,
    /// Wall time of the epoch (training and validation), seconds.
    pub seconds: f64,
    /// Training throughput, segments per second (training batches only).
    pub train_segments_per_s: f64,
    /// The learning rate of the epoch (0 in records of runs older than the field).
    #[serde(default)]
    pub lr: f64,
    /// Validation segments: the highest recall at precision >= 0.98 and its threshold, a
    /// threshold tuned on validation data to measure on test sets.
    #[serde(default)]
    pub val_recall_at_precision: Option<OperatingPoint>,
}

/// The averaged weights of [`TrainConfig::swa_epochs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwaRecord {
    /// The epochs averaged so far.
    pub epochs: Vec<usize>,
    /// Their mean on the validation set; `None` without validation.
    pub val: Option<Metrics>,
    /// As [`EpochRecord::val_recall_at_precision`], of the mean.
    pub val_recall_at_precision: Option<OperatingPoint>,
}

/// The result of [`train`].
#[derive(Debug, Clone)]
pub struct TrainOutcome {
    /// One record per epoch, the resumed ones included.
    pub history: Vec<EpochRecord>,
    /// The epoch saved as `best.safetensors`.
    pub best_epoch: Option<usize>,
    /// The averaged weights, with [`TrainConfig::swa_epochs`].
    pub swa: Option<SwaRecord>,
    /// The epoch a resumed run started after (`None` for a fresh run).
    pub resumed_after: Option<usize>,
    /// Training / validation segments.
    pub n_train: usize,
    /// Validation segments.
    pub n_val: usize,
    /// The output folder.
    pub out: PathBuf,
}

/// What `checkpoint/state.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunState {
    format: u32,
    config: TrainConfig,
    data_key: String,
    epochs_done: usize,
    adam_step: u64,
    best_epoch: Option<usize>,
    best_score: Option<(f64, f64)>,
    history: Vec<EpochRecord>,
    #[serde(default)]
    swa: Option<SwaRecord>,
}

#[derive(Serialize)]
struct MetricsFile<'a> {
    config: &'a TrainConfig,
    device: String,
    n_train_segments: usize,
    n_val_segments: usize,
    n_train_files: usize,
    n_val_files: usize,
    data: &'a DataReport,
    best_epoch: Option<usize>,
    epochs: &'a [EpochRecord],
    swa: Option<&'a SwaRecord>,
}

/// Trains `net` (whose variables are `vs`, already on their device) on `data`, writing into
/// `out`. With `resume`, continues from `out/checkpoint` when it exists (a run with a
/// different configuration other than `epochs`, or different data, is refused).
///
/// ```no_run
/// use calnet_train::{train, Dataset, TrainConfig, new_calnet};
/// # fn data() -> Dataset { unimplemented!() }
/// let (vs, net) = new_calnet(tch::Device::Cpu, 42);
/// let outcome = train(&net, &vs, &data(), &TrainConfig::default(), "run".as_ref(), false, &|_| {})?;
/// println!("best epoch {:?}", outcome.best_epoch);
/// # Ok::<(), calnet_train::TrainError>(())
/// ```
pub fn train(
    net: &dyn Network,
    vs: &VarStore,
    data: &Dataset,
    config: &TrainConfig,
    out: &Path,
    resume: bool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<TrainOutcome> {
    config.validate()?;
    data.check_two_classes()?;
    let device = vs.device();
    let file_labels = data.file_labels();
    let (train_files, val_files) = match config.folds {
        Some((k, i)) => split::k_fold(&file_labels, k, i, config.seed),
        None => split::train_val(&file_labels, config.val_fraction, config.seed),
    };
    let train_idx = data.segments_of(&train_files);
    let val_idx = data.segments_of(&val_files);
    let n_batches = train_idx.len() / config.batch_size;
    if n_batches == 0 {
        return Err(TrainError::Data(format!(
            "{} training segments make no full batch of {} (batches are dropped when incomplete): lower --batch",
            train_idx.len(),
            config.batch_size
        )));
    }
    let data_key = data_key(data, &train_idx, &val_idx);
    let ckpt_dir = out.join("checkpoint");
    std::fs::create_dir_all(&ckpt_dir).map_err(|e| TrainError::io(&ckpt_dir, e))?;
    write_split(out, data, &train_files, &val_files)?;

    let mut opt = Adam::new(vs, config.lr, config.amsgrad);
    let state_path = ckpt_dir.join("state.json");
    let mut state = RunState {
        format: 1,
        config: config.clone(),
        data_key: data_key.clone(),
        epochs_done: 0,
        adam_step: 0,
        best_epoch: None,
        best_score: None,
        history: Vec::new(),
        swa: None,
    };
    // The running mean of the weights of the epochs averaged so far, by variable name.
    let mut swa_mean: Option<HashMap<String, Tensor>> = None;
    let mut resumed_after = None;
    if resume && state_path.exists() {
        let text =
            std::fs::read_to_string(&state_path).map_err(|e| TrainError::io(&state_path, e))?;
        let old: RunState = serde_json::from_str(&text).map_err(|e| TrainError::Checkpoint {
            path: state_path.clone(),
            reason: e.to_string(),
        })?;
        let refuse = |reason: String| TrainError::Checkpoint {
            path: state_path.clone(),
            reason,
        };
        if old.data_key != data_key {
            return Err(refuse(
                "it was trained on other data (files, labels or split differ)".into(),
            ));
        }
        let mut same = old.config.clone();
        if config.lr_schedule == LrSchedule::Constant && config.swa_epochs == 0 {
            // More epochs extend a constant-rate run; a schedule, or the window of epochs
            // averaged, is fixed by its length.
            same.epochs = config.epochs;
        }
        if &same != config {
            return Err(refuse(format!(
                "it was trained with other options: {:?}",
                old.config
            )));
        }
        load_vars(vs, &ckpt_weights(&ckpt_dir, old.epochs_done))?;
        if old.swa.is_some() {
            swa_mean = Some(read_tensors(&ckpt_swa(&ckpt_dir, old.epochs_done))?);
        }
        opt.load(&ckpt_adam(&ckpt_dir, old.epochs_done), old.adam_step)?;
        resumed_after = Some(old.epochs_done);
        state = RunState {
            config: config.clone(),
            ..old
        };
    }

    if resumed_after.is_none() {
        if let Some(init) = &config.init {
            calnet_model::load_into(vs, init, &calnet_model::STATE_DICT_KEYS)?;
        }
    }

    let val_y: Vec<u8> = val_idx.iter().map(|&i| data.labels[i]).collect();
    let weights = config
        .class_weights
        .map(|w| Tensor::from_slice(&w).to_device(device));
    for epoch in state.epochs_done..config.epochs {
        let started = Instant::now();
        tch::manual_seed(split::epoch_seed(config.seed, epoch) as i64);
        opt.lr = config.lr_schedule.lr_at(config.lr, epoch, config.epochs);
        let order = split::epoch_order(&train_idx, config.seed, epoch);
        let (mut scores, mut labels) = (Vec::new(), Vec::new());
        let mut loss_sum = 0.0;
        for b in 0..n_batches {
            let idx = &order[b * config.batch_size..(b + 1) * config.batch_size];
            let (x1, x2, y) = batch(data, idx, device);
            let logits = net.forward_t(&x1, &x2, true);
            let loss = loss_of(
                &logits,
                &y,
                config.loss,
                weights.as_ref(),
                config.label_smoothing,
            );
            opt.zero_grad();
            loss.backward();
            opt.step();
            let l = loss.double_value(&[]);
            if !l.is_finite() {
                return Err(TrainError::Data(format!(
                    "the loss became {l} at epoch {}, batch {}: lower the learning rate",
                    epoch + 1,
                    b + 1
                )));
            }
            loss_sum += l * idx.len() as f64;
            scores.extend(p_eb(&logits)?);
            labels.extend(idx.iter().map(|&i| data.labels[i]));
            progress(Progress::Batch {
                epoch: epoch + 1,
                epochs: config.epochs,
                batch: b + 1,
                batches: n_batches,
                loss: l,
            });
        }
        let train_seconds = started.elapsed().as_secs_f64();
        let train_m = Metrics::from_scores(&scores, &labels, Some(loss_sum / labels.len() as f64));
        let val_m = if val_idx.is_empty() {
            None
        } else {
            let (s, l) = predict(net, data, &val_idx, device, config.batch_size, config.loss)?;
            Some((Metrics::from_scores(&s, &val_y, Some(l)), s))
        };
        let val_point = val_m
            .as_ref()
            .and_then(|(_, s)| recall_at_precision(s, &val_y, VAL_MIN_PRECISION));
        let val_m = val_m.map(|(m, _)| m);
        let record = EpochRecord {
            epoch: epoch + 1,
            train: train_m,
            val: val_m,
            seconds: started.elapsed().as_secs_f64(),
            train_segments_per_s: labels.len() as f64 / train_seconds.max(1e-9),
            lr: opt.lr,
            val_recall_at_precision: val_point,
        };
        // Best: highest validation F1, then lowest validation loss; without validation, last.
        let score = val_m.map(|m| (m.f1, -m.loss.unwrap_or(f64::INFINITY)));
        let is_best = match (score, state.best_score) {
            (Some(s), Some(b)) => s > b,
            (Some(_), None) => true,
            (None, _) => true,
        };
        state.history.push(record);
        state.epochs_done = epoch + 1;
        state.adam_step = opt.step;
        // The epoch's weights and moments go to files named by the epoch, then the state that
        // names them is renamed into place, then the previous epoch's files go: a kill at any
        // point leaves a state whose files exist.
        let record = config.features.to_record();
        save_weights(vs, &ckpt_weights(&ckpt_dir, epoch + 1), &record)?;
        let adam_path = ckpt_adam(&ckpt_dir, epoch + 1);
        let adam = AtomicFile::create(&adam_path).map_err(|e| TrainError::io(&adam_path, e))?;
        opt.save(adam.temp_path())?;
        adam.commit().map_err(|e| TrainError::io(&adam_path, e))?;
        if config.swa_epochs > 0 && epoch + config.swa_epochs >= config.epochs {
            let mut rec = state.swa.take().unwrap_or(SwaRecord {
                epochs: Vec::new(),
                val: None,
                val_recall_at_precision: None,
            });
            let mean = average(swa_mean.take(), vs, rec.epochs.len());
            rec.epochs.push(epoch + 1);
            // The mean goes through the network's own variables (saved, then restored), so
            // any network's weights average, and are saved and validated, alike.
            let own = swap_in(vs, &mean);
            if !val_idx.is_empty() {
                let (s, l) = predict(net, data, &val_idx, device, config.batch_size, config.loss)?;
                rec.val = Some(Metrics::from_scores(&s, &val_y, Some(l)));
                rec.val_recall_at_precision = recall_at_precision(&s, &val_y, VAL_MIN_PRECISION);
            }
            save_weights(vs, &ckpt_swa(&ckpt_dir, epoch + 1), &record)?;
            save_weights(vs, &out.join("swa.safetensors"), &record)?;
            swap_in(vs, &own);
            swa_mean = Some(mean);
            state.swa = Some(rec);
        }
        if is_best {
            state.best_epoch = Some(epoch + 1);
            state.best_score = score;
            save_weights(vs, &out.join("best.safetensors"), &record)?;
        }
        write_atomic(
            &state_path,
            serde_json::to_string_pretty(&state)
                .unwrap_or_default()
                .as_bytes(),
        )?;
        if epoch > 0 {
            // Best effort: a leftover file only costs disk space.
            let _ = std::fs::remove_file(ckpt_weights(&ckpt_dir, epoch));
            let _ = std::fs::remove_file(ckpt_adam(&ckpt_dir, epoch));
            let _ = std::fs::remove_file(ckpt_swa(&ckpt_dir, epoch));
        }
        save_weights(vs, &out.join("last.safetensors"), &record)?;
        write_metrics(
            out,
            config,
            device,
            data,
            &train_files,
            &val_files,
            &train_idx,
            &val_idx,
            &state,
        )?;
        progress(Progress::Epoch {
            history: &state.history,
        });
    }
    Ok(TrainOutcome {
        history: state.history,
        best_epoch: state.best_epoch,
        swa: state.swa,
        resumed_after,
        n_train: train_idx.len(),
        n_val: val_idx.len(),
        out: out.to_owned(),
    })
}

/// The precision of [`EpochRecord::val_recall_at_precision`].
const VAL_MIN_PRECISION: f64 = crate::evaluate::MIN_PRECISION;

/// `(mean * n + vs) / (n + 1)`, variable by variable: the running mean of `n` epochs' weights
/// takes one more (the weights of `vs` themselves when there is no mean yet).
fn average(
    mean: Option<HashMap<String, Tensor>>,
    vs: &VarStore,
    n: usize,
) -> HashMap<String, Tensor> {
    let n = n as f64;
    tch::no_grad(|| {
        vs.variables()
            .into_iter()
            .map(|(name, w)| {
                let w = w.detach();
                let m = match mean.as_ref().and_then(|m| m.get(&name)) {
                    Some(m) => (m.to_device(w.device()) * n + &w) / (n + 1.0),
                    None => w.copy(),
                };
                (name, m)
            })
            .collect()
    })
}

/// Copies `values` into the variables of `vs` by name and returns the values they had.
fn swap_in(vs: &VarStore, values: &HashMap<String, Tensor>) -> HashMap<String, Tensor> {
    tch::no_grad(|| {
        vs.variables()
            .into_iter()
            .map(|(name, mut var)| {
                let old = var.detach().copy();
                if let Some(v) = values.get(&name) {
                    var.copy_(v);
                }
                (name, old)
            })
            .collect()
    })
}

/// The tensors of a safetensors file by name.
fn read_tensors(path: &Path) -> Result<HashMap<String, Tensor>> {
    Ok(Tensor::read_safetensors(path)
        .map_err(|e| TrainError::Checkpoint {
            path: path.to_owned(),
            reason: e.to_string(),
        })?
        .into_iter()
        .collect())
}

fn ckpt_swa(dir: &Path, epoch: usize) -> PathBuf {
    dir.join(format!("epoch-{epoch:04}.swa.safetensors"))
}

fn ckpt_weights(dir: &Path, epoch: usize) -> PathBuf {
    dir.join(format!("epoch-{epoch:04}.weights.safetensors"))
}

fn ckpt_adam(dir: &Path, epoch: usize) -> PathBuf {
    dir.join(format!("epoch-{epoch:04}.adam.safetensors"))
}

/// Saves the variables of `vs` as safetensors (names = PyTorch keys), atomically, without
/// metadata (a run's weights also record their feature config).
pub fn save_vars(vs: &VarStore, path: &Path) -> Result<()> {
    save_weights(vs, path, &Default::default())
}

/// [`save_vars`] with `metadata` in the file's `__metadata__`.
fn save_weights(
    vs: &VarStore,
    path: &Path,
    metadata: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let out = AtomicFile::create(path).map_err(|e| TrainError::io(path, e))?;
    calnet_model::save_safetensors_with_metadata(vs, metadata, out.temp_path())?;
    out.commit().map_err(|e| TrainError::io(path, e))
}

/// Loads safetensors weights into the variables of `vs` by name, checking shapes.
pub fn load_vars(vs: &VarStore, path: &Path) -> Result<()> {
    let mut vars = vs.variables();
    copy_from_safetensors(path, vars.iter_mut().map(|(name, var)| (name.clone(), var)))
}

/// Copies the tensors of a safetensors file into `targets` by name, without recording
/// gradients; each must be present with its target's shape.
pub(crate) fn copy_from_safetensors<'a>(
    path: &Path,
    targets: impl IntoIterator<Item = (String, &'a mut Tensor)>,
) -> Result<()> {
    let bad = |reason: String| TrainError::Checkpoint {
        path: path.to_owned(),
        reason,
    };
    let tensors = read_tensors(path)?;
    tch::no_grad(|| -> Result<()> {
        for (key, target) in targets {
            let t = tensors
                .get(&key)
                .ok_or_else(|| bad(format!("no `{key}`")))?;
            if t.size() != target.size() {
                return Err(bad(format!(
                    "`{key}` has shape {:?}, expected {:?}",
                    t.size(),
                    target.size()
                )));
            }
            target.copy_(&t.to_kind(target.kind()));
        }
        Ok(())
    })
}

fn loss_of(
    logits: &Tensor,
    y: &Tensor,
    loss: Loss,
    weights: Option<&Tensor>,
    label_smoothing: f64,
) -> Tensor {
    let input = match loss {
        Loss::Logits => logits.shallow_clone(),
        Loss::Reference => logits.softmax(-1, Kind::Float),
    };
    input.cross_entropy_loss::<&Tensor>(y, weights, tch::Reduction::Mean, -100, label_smoothing)
}

fn p_eb(logits: &Tensor) -> Result<Vec<f32>> {
    let p = logits
        .detach()
        .softmax(-1, Kind::Float)
        .select(1, 1)
        .to_device(Device::Cpu)
        .contiguous();
    Ok(Vec::<f32>::try_from(&p)?)
}

/// Input tensors `[B,1,L]`, `[B,1,G]` and labels `[B]` of the segments `idx`.
fn batch(data: &Dataset, idx: &[usize], device: Device) -> (Tensor, Tensor, Tensor) {
    let (l, g) = (data.lc_len, data.gls_len);
    let mut lc = Vec::with_capacity(idx.len() * l);
    let mut gls = Vec::with_capacity(idx.len() * g);
    for &i in idx {
        lc.extend_from_slice(&data.lc[i * l..(i + 1) * l]);
        gls.extend_from_slice(&data.gls[i * g..(i + 1) * g]);
    }
    let b = idx.len() as i64;
    let y: Vec<i64> = idx.iter().map(|&i| i64::from(data.labels[i])).collect();
    (
        Tensor::from_slice(&lc)
            .view([b, 1, l as i64])
            .to_device(device),
        Tensor::from_slice(&gls)
            .view([b, 1, g as i64])
            .to_device(device),
        Tensor::from_slice(&y).to_device(device),
    )
}

/// p(EB) of the segments `idx` (dropout off, in batches) and their mean loss.
pub fn predict(
    net: &dyn Network,
    data: &Dataset,
    idx: &[usize],
    device: Device,
    batch_size: usize,
    loss: Loss,
) -> Result<(Vec<f32>, f64)> {
    let mut scores = Vec::with_capacity(idx.len());
    let mut loss_sum = 0.0;
    for chunk in idx.chunks(batch_size.max(1)) {
        let (x1, x2, y) = batch(data, chunk, device);
        let logits = tch::no_grad(|| net.forward_t(&x1, &x2, false));
        loss_sum += loss_of(&logits, &y, loss, None, 0.0).double_value(&[]) * chunk.len() as f64;
        scores.extend(p_eb(&logits)?);
    }
    Ok((scores, loss_sum / idx.len().max(1) as f64))
}

fn data_key(data: &Dataset, train_idx: &[usize], val_idx: &[usize]) -> String {
    let mut h = Sha256::new();
    for f in &data.files {
        h.update(f.name.as_bytes());
        h.update([0, f.label]);
        h.update((f.n_segments as u64).to_le_bytes());
    }
    for i in train_idx.iter().chain(val_idx) {
        h.update((*i as u64).to_le_bytes());
    }
    h.update((train_idx.len() as u64).to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn write_split(out: &Path, data: &Dataset, train: &[usize], val: &[usize]) -> Result<()> {
    let mut text = String::from("file,label,segments,set\n");
    let mut rows: Vec<(usize, &str)> = train.iter().map(|&i| (i, "train")).collect();
    rows.extend(val.iter().map(|&i| (i, "validation")));
    rows.sort_unstable();
    for (i, set) in rows {
        let f = &data.files[i];
        text.push_str(&format!(
            "{},{},{},{set}\n",
            csv_field(&f.name),
            f.label,
            f.n_segments
        ));
    }
    write_atomic(&out.join("split.csv"), text.as_bytes())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[allow(clippy::too_many_arguments)]
fn write_metrics(
    out: &Path,
    config: &TrainConfig,
    device: Device,
    data: &Dataset,
    train_files: &[usize],
    val_files: &[usize],
    train_idx: &[usize],
    val_idx: &[usize],
    state: &RunState,
) -> Result<()> {
    let file = MetricsFile {
        config,
        device: format!("{device:?}"),
        n_train_segments: train_idx.len(),
        n_val_segments: val_idx.len(),
        n_train_files: train_files.len(),
        n_val_files: val_files.len(),
        data: &data.report,
        best_epoch: state.best_epoch,
        epochs: &state.history,
        swa: state.swa.as_ref(),
    };
    write_atomic(
        &out.join("metrics.json"),
        serde_json::to_string_pretty(&file)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    let mut csv = String::from(metrics_csv_header());
    for r in &state.history {
        csv.push_str(&metrics_csv_row(r.epoch, "train", &r.train));
        if let Some(v) = &r.val {
            csv.push_str(&metrics_csv_row(r.epoch, "validation", v));
        }
    }
    write_atomic(&out.join("metrics.csv"), csv.as_bytes())
}

/// Header of `metrics.csv`.
pub fn metrics_csv_header() -> &'static str {
    "epoch,set,n,loss,accuracy,precision,recall,f1,roc_auc,tp,fp,tn,fn\n"
}

/// One `metrics.csv` row (empty cells for missing loss or ROC-AUC).
pub fn metrics_csv_row(epoch: usize, set: &str, m: &Metrics) -> String {
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.6}"));
    let c = &m.confusion;
    format!(
        "{epoch},{set},{},{},{:.6},{:.6},{:.6},{:.6},{},{},{},{},{}\n",
        m.n,
        opt(m.loss),
        m.accuracy,
        m.precision,
        m.recall,
        m.f1,
        opt(m.roc_auc),
        c.tp,
        c.fp,
        c.tn,
        c.fn_
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_smoothing_is_cross_entropy_against_softened_targets() {
        let logits = Tensor::from_slice(&[2.0f32, -1.0, 0.5, 0.3]).view([2, 2]);
        let y = Tensor::from_slice(&[0i64, 1]);
        let log_softmax = |a: f64, b: f64| {
            let z = a.max(b) + ((a - a.max(b)).exp() + (b - a.max(b)).exp()).ln();
            (a - z, b - z)
        };
        let (a0, a1) = log_softmax(2.0, -1.0);
        let (b0, b1) = log_softmax(0.5, 0.3);
        // eps 0.2 over two classes: 0.9 on the label, 0.1 on the other.
        let want = -(0.9 * a0 + 0.1 * a1 + 0.1 * b0 + 0.9 * b1) / 2.0;
        let got = loss_of(&logits, &y, Loss::Logits, None, 0.2).double_value(&[]);
        assert!((got - want).abs() < 1e-6, "{got} against {want}");
        let plain = -(a0 + b1) / 2.0;
        let got = loss_of(&logits, &y, Loss::Logits, None, 0.0).double_value(&[]);
        assert!((got - plain).abs() < 1e-6, "{got} against {plain}");
    }
}
