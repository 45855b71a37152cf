//! Training runs end to end on small synthetic data: the loss falls, outputs are written, and
//! a run killed mid-epoch then resumed ends with exactly the weights of an uninterrupted run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use calnet_train::{train, DataFile, Dataset, Loss, LrSchedule, Network, Progress, TrainConfig};
use rand::{Rng, SeedableRng};
use tch::{nn, nn::Module, Device, Kind, Tensor};

/// A small network with the same interface (and a dropout, so resume must restore its RNG).
struct Tiny {
    conv: nn::Conv1D,
    lin: nn::Linear,
}

impl Tiny {
    fn new(vs: &nn::VarStore, lc_len: i64, gls_len: i64) -> Self {
        tch::manual_seed(3);
        let p = vs.root();
        Tiny {
            conv: nn::conv1d(
                &p / "conv",
                1,
                2,
                5,
                nn::ConvConfig {
                    padding: 2,
                    ..Default::default()
                },
            ),
            lin: nn::linear(&p / "lin", 2 * lc_len + gls_len, 2, Default::default()),
        }
    }
}

impl Network for Tiny {
    fn forward_t(&self, lc: &Tensor, gls: &Tensor, train: bool) -> Tensor {
        let a = self.conv.forward(lc).relu().flatten(1, -1);
        let x = Tensor::cat(&[a, gls.flatten(1, -1)], 1).dropout(0.3, train);
        self.lin.forward(&x)
    }
}

/// `n_files` files of 2 segments: EBs have box dips in the light curve, others a sinusoid.
fn synthetic(n_files: usize, lc_len: usize, gls_len: usize, seed: u64) -> Dataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut d = Dataset {
        lc_len,
        gls_len,
        ..Default::default()
    };
    for f in 0..n_files {
        let label = (f % 2) as u8;
        for segment in 0..2 {
            let phase: f32 = rng.random();
            for i in 0..lc_len {
                let x = i as f32 / lc_len as f32;
                let noise: f32 = rng.random::<f32>() * 0.2;
                let v = if label == 1 {
                    if ((x + phase) * 5.0).fract() < 0.1 {
                        0.2
                    } else {
                        0.9
                    }
                } else {
                    0.5 + 0.4 * (2.0 * std::f32::consts::PI * (x * 3.0 + phase)).sin()
                };
                d.lc.push(v + noise);
            }
            for _ in 0..gls_len {
                d.gls.push(rng.random());
            }
            d.labels.push(label);
            d.segment_file.push(f);
            d.segment_index.push(segment);
        }
        d.files.push(DataFile {
            name: format!("f{f}.fits"),
            path: None,
            tic: Some(f as u64),
            label,
            class: None,
            n_segments: 2,
        });
    }
    d
}

fn weights(path: &Path) -> Vec<(String, Tensor)> {
    let mut w = Tensor::read_safetensors(path).unwrap();
    w.sort_by(|a, b| a.0.cmp(&b.0));
    w
}

/// libtorch's random generator (dropout, initial weights) is global to the process: tests
/// that train take turns so that one cannot draw from the other's stream.
static TORCH_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn config() -> TrainConfig {
    TrainConfig {
        epochs: 4,
        batch_size: 8,
        lr: 5e-3,
        seed: 11,
        ..TrainConfig::default()
    }
}

#[test]
fn kill_and_resume_equals_an_uninterrupted_run() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(30, 64, 16, 1);
    let dir = tempfile::tempdir().unwrap();
    let (full, part) = (dir.path().join("full"), dir.path().join("part"));

    let vs = nn::VarStore::new(Device::Cpu);
    let net = Tiny::new(&vs, 64, 16);
    let outcome = train(&net, &vs, &data, &config(), &full, false, &|_| {}).unwrap();
    assert_eq!(outcome.history.len(), 4);
    let h = &outcome.history;
    assert!(
        h[3].train.loss.unwrap() < h[0].train.loss.unwrap(),
        "the loss falls: {h:?}"
    );
    for f in [
        "metrics.json",
        "metrics.csv",
        "split.csv",
        "best.safetensors",
        "last.safetensors",
    ] {
        assert!(full.join(f).exists(), "{f} written");
    }
    let csv = std::fs::read_to_string(full.join("metrics.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 4 * 2,
        "train and validation rows per epoch"
    );

    // Second run, "killed" in the middle of epoch 3 (after two checkpoints).
    let vs2 = nn::VarStore::new(Device::Cpu);
    let net2 = Tiny::new(&vs2, 64, 16);
    let killed = catch_unwind(AssertUnwindSafe(|| {
        train(&net2, &vs2, &data, &config(), &part, false, &|p| {
            if let Progress::Batch {
                epoch: 3, batch: 2, ..
            } = p
            {
                panic!("killed");
            }
        })
    }));
    assert!(killed.is_err());
    // A fresh process: new variables with other initial values, then resume.
    let vs3 = nn::VarStore::new(Device::Cpu);
    tch::manual_seed(999);
    let net3 = Tiny::new(&vs3, 64, 16);
    let resumed = train(&net3, &vs3, &data, &config(), &part, true, &|_| {}).unwrap();
    assert_eq!(resumed.resumed_after, Some(2));
    assert_eq!(resumed.history.len(), 4);
    let (a, b) = (
        weights(&full.join("last.safetensors")),
        weights(&part.join("last.safetensors")),
    );
    assert_eq!(a.len(), b.len());
    for ((na, ta), (nb, tb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ta.equal(tb), "{na} differs after resume");
    }
    assert_eq!(outcome.history[3].val, resumed.history[3].val);

    // Resuming with other options is refused with a message.
    let other = TrainConfig {
        lr: 1e-2,
        ..config()
    };
    let e = train(&net3, &vs3, &data, &other, &part, true, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("other options"), "{e}");
}

#[test]
fn reference_loss_and_class_weights_train_and_bad_sets_are_refused() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(20, 32, 8, 2);
    let dir = tempfile::tempdir().unwrap();
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Tiny::new(&vs, 32, 8);
    let cfg = TrainConfig {
        loss: Loss::Reference,
        class_weights: Some([1.0, 2.0]),
        epochs: 2,
        ..config()
    };
    let out = train(&net, &vs, &data, &cfg, dir.path(), false, &|_| {}).unwrap();
    assert!(out
        .history
        .iter()
        .all(|r| r.train.loss.unwrap().is_finite()));

    // One class only.
    let mut one = data.clone();
    one.labels.iter_mut().for_each(|l| *l = 1);
    one.files.iter_mut().for_each(|f| f.label = 1);
    let e = train(&net, &vs, &one, &cfg, dir.path(), false, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("training needs EBs"), "{e}");
    // Too few segments for a batch.
    let big = TrainConfig {
        batch_size: 1000,
        ..cfg
    };
    let e = train(&net, &vs, &data, &big, dir.path(), false, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("no full batch"), "{e}");
    let _ = Kind::Float;
}

#[test]
fn init_starts_from_the_given_weights() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(30, 64, 16, 1);
    let dir = tempfile::tempdir().unwrap();
    // A start no seeded initialisation gives: every weight 0.125.
    let start = dir.path().join("start.safetensors");
    let vs0 = nn::VarStore::new(Device::Cpu);
    let _net0 = Tiny::new(&vs0, 64, 16);
    tch::no_grad(|| {
        for (_, mut v) in vs0.variables() {
            let _ = v.fill_(0.125);
        }
    });
    calnet_train::save_vars(&vs0, &start).unwrap();
    // A learning rate so small that Adam's steps (about lr each) leave the start in place.
    let tiny_steps = |init: Option<&Path>, out: &str| {
        let cfg = TrainConfig {
            epochs: 1,
            lr: 1e-9,
            init: init.map(Path::to_path_buf),
            ..config()
        };
        run_fresh(&data, &cfg, &dir.path().join(out))
            .map(|_| weights(&dir.path().join(out).join("last.safetensors")))
    };
    let far = |w: &[(String, Tensor)]| {
        w.iter()
            .map(|(_, t)| (t - 0.125).abs().max().double_value(&[]))
            .fold(0.0, f64::max)
    };
    assert!(far(&tiny_steps(Some(&start), "init").unwrap()) < 1e-6);
    assert!(far(&tiny_steps(None, "seeded").unwrap()) > 0.01);
    // A file that does not fit the network is refused before any training.
    let other = dir.path().join("other.safetensors");
    Tensor::write_safetensors(
        &[(
            "lin.weight",
            Tensor::zeros([2, 3], (Kind::Float, Device::Cpu)),
        )],
        &other,
    )
    .unwrap();
    let err = tiny_steps(Some(&other), "bad").unwrap_err().to_string();
    assert!(err.contains("other.safetensors"), "{err}");
}

#[test]
fn cosine_schedule_sets_each_epochs_rate_and_fixes_the_run_length() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(20, 32, 8, 4);
    let dir = tempfile::tempdir().unwrap();
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Tiny::new(&vs, 32, 8);
    let cfg = TrainConfig {
        epochs: 3,
        lr_schedule: LrSchedule::Cosine,
        ..config()
    };
    let out = train(&net, &vs, &data, &cfg, dir.path(), false, &|_| {}).unwrap();
    let rates: Vec<f64> = out.history.iter().map(|r| r.lr).collect();
    assert_eq!(rates[0], cfg.lr);
    assert!(rates[1] < rates[0] && rates[2] < rates[1], "{rates:?}");
    for (e, r) in rates.iter().enumerate() {
        assert_eq!(*r, LrSchedule::Cosine.lr_at(cfg.lr, e, 3));
    }
    let json = std::fs::read_to_string(dir.path().join("metrics.json")).unwrap();
    assert!(json.contains("\"lr_schedule\": \"cosine\""), "{json}");

    // A longer run would have annealed the finished epochs differently: refused.
    let longer = TrainConfig {
        epochs: 5,
        ..cfg.clone()
    };
    let e = train(&net, &vs, &data, &longer, dir.path(), true, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("other options"), "{e}");
    // The same length resumes (nothing left to do).
    let again = train(&net, &vs, &data, &cfg, dir.path(), true, &|_| {}).unwrap();
    assert_eq!(again.resumed_after, Some(3));
    assert_eq!(again.history.len(), 3);
}

/// A run's weights record its feature config, which `calnet classify` reads back; resuming
/// with another feature config is refused.
#[test]
fn weights_record_the_feature_config_and_resume_checks_it() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(20, 32, 8, 3);
    let dir = tempfile::tempdir().unwrap();
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Tiny::new(&vs, 32, 8);
    let features = lc_prep::FeatureConfig {
        mode: lc_prep::Mode::Robust,
        ..lc_prep::FeatureConfig::ffi()
    };
    let cfg = TrainConfig {
        epochs: 2,
        features: features.clone(),
        ..config()
    };
    train(&net, &vs, &data, &cfg, dir.path(), false, &|_| {}).unwrap();
    let record = |p: &Path| {
        let meta = calnet_model::read_metadata(p).unwrap();
        lc_prep::FeatureConfig::from_record(&meta).unwrap()
    };
    for name in ["best.safetensors", "last.safetensors"] {
        assert_eq!(
            record(&dir.path().join(name)),
            Some(features.clone()),
            "{name}"
        );
    }
    let ckpt = dir.path().join("checkpoint/epoch-0002.weights.safetensors");
    assert_eq!(record(&ckpt), Some(features.clone()));
    let metrics = std::fs::read_to_string(dir.path().join("metrics.json")).unwrap();
    assert!(
        metrics.contains(r#""features.segments": "ffi""#),
        "{metrics}"
    );

    let reference = TrainConfig {
        epochs: 3,
        features: lc_prep::FeatureConfig::reference(),
        ..cfg
    };
    let e = train(&net, &vs, &data, &reference, dir.path(), true, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("other options"), "{e}");
}

#[test]
fn swa_is_the_mean_of_the_last_epochs_and_survives_a_kill() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(30, 64, 16, 5);
    let dir = tempfile::tempdir().unwrap();
    let run = |epochs: usize, swa: usize, out: &str, kill_at: Option<usize>, resume: bool| {
        let vs = nn::VarStore::new(Device::Cpu);
        let net = Tiny::new(&vs, 64, 16);
        let cfg = TrainConfig {
            epochs,
            swa_epochs: swa,
            ..config()
        };
        catch_unwind(AssertUnwindSafe(|| {
            train(
                &net,
                &vs,
                &data,
                &cfg,
                &dir.path().join(out),
                resume,
                &|p| {
                    if let Progress::Batch {
                        epoch, batch: 2, ..
                    } = p
                    {
                        if Some(epoch) == kill_at {
                            panic!("killed");
                        }
                    }
                },
            )
            .unwrap()
        }))
    };
    // A constant rate: the first epochs of a longer run are those of a shorter one.
    run(2, 0, "two", None, false).unwrap();
    let four = run(4, 3, "four", None, false).unwrap();
    let three = run(3, 0, "three", None, false).unwrap();
    assert_eq!(three.swa, None);
    let swa = four.swa.expect("an SWA record");
    assert_eq!(swa.epochs, [2, 3, 4]);
    assert!(swa.val.is_some());
    let mean = weights(&dir.path().join("four/swa.safetensors"));
    let parts = [
        "two/last.safetensors",
        "three/last.safetensors",
        "four/last.safetensors",
    ]
    .map(|p| weights(&dir.path().join(p)));
    let mut far = 0.0f64;
    for (i, (name, m)) in mean.iter().enumerate() {
        assert_eq!(name, &parts[0][i].0);
        let want = (&parts[0][i].1 + &parts[1][i].1 + &parts[2][i].1) / 3.0;
        far = far.max((m - want).abs().max().double_value(&[]));
    }
    assert!(far < 1e-6, "the mean is {far} away from the epochs' mean");
    // The last epoch's own weights are not the mean: the network was restored after averaging.
    let own = (&parts[2][0].1 - &mean[0].1).abs().max().double_value(&[]);
    assert!(own > 1e-6, "last.safetensors holds the mean");

    // Killed in epoch 4, after two epochs were averaged, then resumed: the same mean.
    assert!(run(4, 3, "part", Some(4), false).is_err());
    let resumed = run(4, 3, "part", None, true).unwrap();
    assert_eq!(resumed.resumed_after, Some(3));
    let again = weights(&dir.path().join("part/swa.safetensors"));
    for ((na, a), (nb, b)) in mean.iter().zip(&again) {
        assert_eq!(na, nb);
        assert!(a.equal(b), "{na} differs after resume");
    }
    // A window longer than the run is refused.
    let bad = TrainConfig {
        epochs: 2,
        swa_epochs: 3,
        ..config()
    };
    let e = refusal(&data, &bad, &dir.path().join("bad"));
    assert!(e.contains("last 3 epochs of a 2-epoch run"), "{e}");
}

/// A run of a fresh network sized for `data`.
fn run_fresh(
    data: &Dataset,
    cfg: &TrainConfig,
    out: &Path,
) -> calnet_train::Result<calnet_train::TrainOutcome> {
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Tiny::new(&vs, data.lc_len as i64, data.gls_len as i64);
    train(&net, &vs, data, cfg, out, false, &|_| {})
}

/// The error of a run with a configuration `train` must refuse.
fn refusal(data: &Dataset, cfg: &TrainConfig, out: &Path) -> String {
    run_fresh(data, cfg, out).unwrap_err().to_string()
}

#[test]
fn label_smoothing_changes_the_training_loss_only() {
    let _turn = TORCH_RNG.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    let data = synthetic(20, 32, 8, 6);
    let dir = tempfile::tempdir().unwrap();
    // lr so small that the weights stay put: both runs see the same logits.
    let run = |eps: f64, out: &str| {
        let cfg = TrainConfig {
            epochs: 1,
            lr: 1e-12,
            label_smoothing: eps,
            ..config()
        };
        run_fresh(&data, &cfg, &dir.path().join(out)).unwrap()
    };
    let plain = run(0.0, "plain");
    let smooth = run(0.2, "smooth");
    let (p, s) = (&plain.history[0], &smooth.history[0]);
    // Validation is unsmoothed: the same loss.
    assert_eq!(p.val.unwrap().loss, s.val.unwrap().loss);
    // Training: the smoothed targets give another loss (its formula: train.rs's unit test).
    let (lp, ls) = (p.train.loss.unwrap(), s.train.loss.unwrap());
    assert!((lp - ls).abs() > 1e-4, "plain {lp}, smoothed {ls}");
    let bad = TrainConfig {
        label_smoothing: 1.0,
        ..config()
    };
    let e = refusal(&data, &bad, &dir.path().join("bad"));
    assert!(e.contains("label smoothing"), "{e}");
}
