//! The project's workflows around the `calnet` binary: training sets, training runs and checks
//! that take many `calnet` commands (`cargo xtask --help`; docs/training.md).
//!
//! Each workflow runs `calnet` as a program and prints every command before it runs it. The
//! workflows that take a work folder change into it and name everything in it by relative path;
//! each skips what an earlier, interrupted run finished, and training resumes from its checkpoint,
//! so a killed workflow is continued by running the same command again.
//!
//! On a GPU machine where only built binaries are carried, run `target/release/xtask` from the
//! repository's root there (it falls back to the current folder for the repository) with
//! `--calnet` naming the carried `calnet`.

mod demo_weights;
mod ffi_augment;
mod ffi_train;
mod gpu;
mod refine;
mod run;
mod sets;
mod tables;
mod vet_recovery;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::run::Calnet;

#[derive(Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    version,
    about = "The project's workflows that drive the `calnet` binary: training sets, training runs, \
             checks"
)]
struct Cli {
    /// The `calnet` binary; `train` and `evaluate` need one built with `--features torch`
    /// [default: target/release/calnet in the repository]
    #[arg(long, env = "CALNET", global = true)]
    calnet: Option<PathBuf>,
    #[command(subcommand)]
    command: Workflow,
}

#[derive(Subcommand)]
enum Workflow {
    /// Remake the demo weights (fixtures/weights/calnet-sim.safetensors) from simulated light
    /// curves on the CPU: about 90 minutes on 2 cores, 12 GB of disk at peak
    DemoWeights {
        /// Work folder (made if missing)
        workdir: PathBuf,
    },
    /// An FFI training set (simulated 1800/600/200 s sets and the real TESSellator training
    /// split) and a CPU fine-tune from the demo weights, evaluated per class on the real
    /// validation and test splits and on simulated test sets
    FfiTrain {
        /// Work folder (made if missing)
        workdir: PathBuf,
        /// Simulated light curves per cadence
        #[arg(default_value_t = 1000)]
        n_sim: usize,
        /// Training epochs
        #[arg(default_value_t = 10)]
        epochs: u64,
        /// The TESSellator set's folder [default: ../shared/data/tessellator beside the
        /// repository]
        #[arg(long, env = "TESSELLATOR")]
        tessellator: Option<PathBuf>,
        /// The feature-config options of `calnet train`, as one string (the reference config
        /// keeps no 30-minute segment; `calnet evaluate` takes the config from the weights)
        #[arg(
            long = "train-features",
            env = "FEATURES",
            default_value = "--feature-config ffi",
            allow_hyphen_values = true
        )]
        features: String,
        /// Threads of `calnet simulate`, `train` and `evaluate`
        #[arg(long, env = "THREADS", default_value_t = 2)]
        threads: usize,
    },
    /// The FFI weights fine-tuned in two rounds on augmented copies of the real TESSellator
    /// training split (`calnet augment`) and fresh simulated FFI light curves, evaluated per
    /// class on the real validation and test splits and the simulated test sets
    FfiAugment {
        /// Work folder (made if missing)
        workdir: PathBuf,
        /// Weights round 1 starts from [default: fixtures/weights/calnet-ffi.safetensors as
        /// first committed; see docs/training.md]
        #[arg(long)]
        init: Option<PathBuf>,
        /// The TESSellator set's folder [default: ../shared/data/tessellator beside the
        /// repository]
        #[arg(long, env = "TESSELLATOR")]
        tessellator: Option<PathBuf>,
        /// Threads of `calnet simulate`, `augment`, `train` and `evaluate`
        #[arg(long, env = "THREADS", default_value_t = 2)]
        threads: usize,
    },
    /// The vetting metrics against simulated truth: simulate, classify at a low threshold, and
    /// compare the catalog with labels.csv (scripts/experiments/vet_recovery.py)
    VetRecovery {
        /// Work folder [default: target/vet-recovery in the repository]
        workdir: Option<PathBuf>,
        /// Light curves to simulate
        #[arg(default_value_t = 600)]
        n: usize,
        /// Simulation seed
        #[arg(default_value_t = 21)]
        seed: u64,
        /// Weights to classify with [default: the demo weights]
        #[arg(long, env = "WEIGHTS")]
        weights: Option<PathBuf>,
        /// Python with numpy [default: the project's .venv/bin/python]
        #[arg(long, env = "PYTHON")]
        python: Option<PathBuf>,
        /// Cadence in seconds (200 s: TESS-SPOC light curves, 1.1 MB each; 600 s and 1800 s
        /// leave most segments under the 2000 points CALNet needs)
        #[arg(long, env = "CADENCE", default_value_t = 200)]
        cadence: u32,
        /// `calnet classify --threshold`
        #[arg(long, env = "THRESHOLD", default_value_t = 0.05)]
        threshold: f64,
    },
    /// One round of training that accumulates: from the current best weights on fresh simulated
    /// light curves of the round's seeds (reference and hard-cases populations, mined hard
    /// negatives), with label smoothing and SWA; the candidates evaluated on the test sets and
    /// the real fixtures (summary.md)
    Refine {
        /// Work folder (made if missing)
        workdir: PathBuf,
        #[command(flatten)]
        args: refine::Refine,
    },
    /// CUDA training check: a small simulated set trained on the GPU, then one epoch on the CPU
    /// of the same machine for a throughput ratio
    GpuCheck {
        /// Work folder (made if missing)
        workdir: PathBuf,
        /// Light curves to simulate
        #[arg(default_value_t = 1000)]
        n_curves: usize,
        /// GPU training epochs
        #[arg(default_value_t = 10)]
        epochs: u64,
    },
    /// Does more data help? One run on more simulated light curves than 2 CPU cores can train
    /// on, evaluated on the demo weights' test sets
    GpuScale {
        /// Work folder (made if missing)
        workdir: PathBuf,
        /// Light curves at 120 s per round
        #[arg(default_value_t = 13000)]
        n120: usize,
        /// Light curves at 200 s per round
        #[arg(default_value_t = 3000)]
        n200: usize,
        /// Training epochs
        #[arg(default_value_t = 20)]
        epochs: u64,
        /// Rounds of fresh sets (round r draws seeds 41+4r and 43+4r)
        #[arg(default_value_t = 1)]
        rounds: u64,
        /// `calnet --device` (cpu lets a machine without a GPU try it on a few curves)
        #[arg(long, env = "DEVICE", default_value = "cuda")]
        device: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = repo_root()?;
    let calnet = Calnet::find(cli.calnet, &root)?;
    match cli.command {
        Workflow::DemoWeights { workdir } => {
            enter(&workdir)?;
            demo_weights::demo_weights(&calnet, &root)
        }
        Workflow::FfiTrain {
            workdir,
            n_sim,
            epochs,
            tessellator,
            features,
            threads,
        } => {
            let tessellator = tessellator_dir(tessellator, &root)?;
            enter(&workdir)?;
            let a = ffi_train::FfiTrain {
                n_sim,
                epochs,
                tessellator,
                features: features.split_whitespace().map(String::from).collect(),
                threads,
            };
            ffi_train::ffi_train(&calnet, &root, &a)
        }
        Workflow::FfiAugment {
            workdir,
            init,
            tessellator,
            threads,
        } => {
            let init = init.unwrap_or_else(|| root.join("fixtures/weights/calnet-ffi.safetensors"));
            let a = ffi_augment::FfiAugment {
                init: init
                    .canonicalize()
                    .with_context(|| format!("{}: the starting weights", init.display()))?,
                tessellator: tessellator_dir(tessellator, &root)?,
                threads,
            };
            enter(&workdir)?;
            ffi_augment::ffi_augment(&calnet, &root, &a)
        }
        Workflow::VetRecovery {
            workdir,
            n,
            seed,
            weights,
            python,
            cadence,
            threshold,
        } => {
            let a = vet_recovery::VetRecovery {
                work: workdir.unwrap_or_else(|| root.join("target/vet-recovery")),
                n,
                seed,
                weights: weights
                    .unwrap_or_else(|| root.join("fixtures/weights/calnet-sim.safetensors")),
                python: python.unwrap_or_else(|| root.join(".venv/bin/python")),
                cadence,
                threshold,
            };
            vet_recovery::vet_recovery(&calnet, &root, &a)
        }
        Workflow::Refine { workdir, mut args } => {
            // Named from where the command was given, before changing into the work folder.
            let init = args
                .init
                .unwrap_or_else(|| root.join("fixtures/weights/calnet-sim.safetensors"));
            args.init = Some(
                init.canonicalize()
                    .with_context(|| format!("{}: the starting weights", init.display()))?,
            );
            args.export = args.export.map(|e| std::path::absolute(&e)).transpose()?;
            enter(&workdir)?;
            refine::refine(&calnet, &root, &args)
        }
        Workflow::GpuCheck {
            workdir,
            n_curves,
            epochs,
        } => {
            enter(&workdir)?;
            gpu::gpu_check(&calnet, n_curves, epochs)
        }
        Workflow::GpuScale {
            workdir,
            n120,
            n200,
            epochs,
            rounds,
            device,
        } => {
            enter(&workdir)?;
            let a = gpu::GpuScale {
                n120,
                n200,
                epochs,
                rounds,
                device,
            };
            gpu::gpu_scale(&calnet, &a)
        }
    }
}

/// The TESSellator set's folder, absolute: `given`, or `../shared/data/tessellator` beside the
/// repository.
fn tessellator_dir(given: Option<PathBuf>, root: &Path) -> Result<PathBuf> {
    let set = given.unwrap_or_else(|| root.join("../shared/data/tessellator"));
    set.canonicalize()
        .with_context(|| format!("{}: the TESSellator set's folder", set.display()))
}

/// The repository's root, absolute: the one this binary was built from, or else the current
/// folder, for a binary carried to another machine and run from the repository's copy there.
fn repo_root() -> Result<PathBuf> {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = if built.join("Cargo.toml").is_file() {
        built
    } else {
        PathBuf::from(".")
    };
    root.canonicalize()
        .with_context(|| format!("{}: the repository", root.display()))
}

/// Makes the work folder if missing and changes into it, as the workflows name everything in it
/// by relative path.
fn enter(workdir: &Path) -> Result<()> {
    std::fs::create_dir_all(workdir).with_context(|| format!("creating {}", workdir.display()))?;
    std::env::set_current_dir(workdir).with_context(|| format!("{}", workdir.display()))?;
    eprintln!("in {}", std::env::current_dir()?.display());
    Ok(())
}
