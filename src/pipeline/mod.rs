//! The classification pipeline: light-curve files in, p(EB) per segment, a per-target catalog
//! and vetting sheets out; parallel, batched, resumable and sharded.
//!
//! ```text
//! step k:  files of step k ─► tess_io::read ─► lc_prep features  ┐ one rayon pool, `jobs`
//!          segments of step k-1 ─► calnet_model::Classifier      ┘ threads, side by side
//!          ─► period estimate + vetting sheet ─► journal line, synced (one writer thread)
//! end:     journal ─► segments.csv, skipped.csv, failures.csv, catalog.csv, catalog.dat
//! ```
//!
//! **One thread budget.** The files go in steps; the pool extracts the features of one step's
//! files while it runs the network on the previous step's segments (the native engine runs on
//! the pool it is called from), so the cores are never split between two thread pools
//! spinning against each other, and memory stays flat in the number of files.
//!
//! **Never losing work.** Each finished file is appended to `journal.jsonl` and synced before
//! it counts as done; a sheet is written (atomically) before its file's journal line. A run
//! started again with the same inputs and options skips the journalled files, and the outputs
//! are always rebuilt from the journal, in input order, each written to a temporary file and
//! renamed: a run killed at any moment and restarted ends with the same bytes as a clean one.
//! The native engine gives a segment the same p_eb whatever its batch mates and thread count,
//! so a resumed run or another shard computes exactly what one clean run would. With libtorch
//! (`--device cuda`, feature `torch`) every forward pass is padded to exactly `batch` segments,
//! because its kernels round differently for different batch sizes, and its results also move
//! in the last bits with its thread count and device: the journal records those with the batch
//! size for libtorch, and a rerun must use the same (`jobs` alone may change).
//!
//! **Broken files** give a [`FileRecord`] with [`Outcome::Failed`] and a reason (in
//! `failures.csv`); they never stop the run.
//!
//! **Shards.** [`Shard`] `K/N` classifies the inputs at positions `i % N == K - 1` of the
//! whole ordered input list; [`merge`] joins the N output folders into exactly the outputs of
//! one run.
//!
//! ```no_run
//! use calnet::pipeline::{self, ClassifyOptions, Event};
//!
//! let found = pipeline::discover(&["tess/lc/s0004"]);
//! let options = ClassifyOptions::new("calnet.pth", "out");
//! let summary = pipeline::classify(&found.files, &options, &mut |event| {
//!     if let Event::Failed { file, reason } = event {
//!         eprintln!("{file}: {reason}");
//!     }
//! })?;
//! println!("{} segments, {} candidates", summary.segments, summary.candidate_segments);
//! # Ok::<(), calnet::pipeline::Error>(())
//! ```

mod error;
pub mod journal;
mod lock;
mod merge;
mod shard;
mod weights_hash;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::time::{Duration, Instant};

use calnet_model::{Classifier, ClassifierOptions, DeviceSpec, Engine, GLS_LEN, LC_LEN};
use lc_prep::{FeatureChoice, FeatureConfig, FeatureExtractor, Features};

// The periodogram input's length has two homes: lc-prep computes the input, calnet-model's
// network is built for it. calnet-model does not depend on lc-prep, so that a caller with inputs
// from elsewhere (Python, say) loads the network without the FITS and spline stack; this crate
// sees both, so a change to one that misses the other stops the build here.
const _: () = assert!(lc_prep::periodogram::GLS_LEN == GLS_LEN);
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tess_io::LightCurve;

pub use error::Error;
pub use journal::{Journal, RunHeader};
pub use lock::LOCK;
pub use merge::merge;
pub use shard::{ParseShardError, Shard};
pub use weights_hash::{default_cache_dir, weights_sha256};

use crate::catalog::{
    self, Catalog, Classified, FileRecord, Outcome, SegmentPeriod, SegmentResult, SkipRecord,
};
use crate::period;

/// Which files get a vetting sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plots {
    /// Files with at least one segment above the threshold.
    #[default]
    Candidates,
    /// Every file with a classified segment.
    All,
    /// None.
    None,
}

impl fmt::Display for Plots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Plots::Candidates => "candidates",
            Plots::All => "all",
            Plots::None => "none",
        })
    }
}

impl FromStr for Plots {
    type Err = String;

    fn from_str(s: &str) -> Result<Plots, String> {
        match s {
            "candidates" => Ok(Plots::Candidates),
            "all" => Ok(Plots::All),
            "none" => Ok(Plots::None),
            other => Err(format!("plots {other:?}: expected candidates, all or none")),
        }
    }
}

/// How [`classify`] runs.
#[derive(Debug, Clone)]
pub struct ClassifyOptions {
    /// The weights: the published `.pth` or a safetensors file.
    pub weights: PathBuf,
    /// The output folder (created if needed; a rerun into it resumes).
    pub out: PathBuf,
    /// A segment is an EB candidate when p_eb is above this (0.5, the reference's argmax).
    pub threshold: f32,
    /// Where the network runs.
    pub device: DeviceSpec,
    /// Threads reading files and computing features.
    pub jobs: usize,
    /// libtorch's CPU threads for the network (feature `torch`); `None`: as many as `jobs`.
    /// Part of a libtorch run's identity: its results move in the last bits with it. The native
    /// engine ignores it and runs on the `jobs` threads.
    pub threads: Option<usize>,
    /// Segments per forward pass (about twice the files per step; libtorch pads every pass
    /// to it).
    pub batch: usize,
    /// Which files get a vetting sheet.
    pub plots: Plots,
    /// The part of the inputs to classify.
    pub shard: Option<Shard>,
    /// Feature parameters asked for explicitly. The feature config is the one the weights
    /// record (`lc_prep::FeatureConfig::from_record` of their metadata; the reference config
    /// for a file without a record, such as the published `.pth`), with these choices
    /// applied where there is no record; a choice that contradicts the record is refused
    /// ([`Error::WeightsFeatures`]). Default: no choice.
    pub features: FeatureChoice,
    /// Where the weights' SHA-256 (the journal's name for them) is remembered between runs,
    /// by path, size and modification time ([`weights_sha256`]); `None`: hashed on every run.
    pub cache_dir: Option<PathBuf>,
}

impl ClassifyOptions {
    /// The defaults: threshold 0.5, device auto, as many jobs as cores, batch 64, sheets of
    /// candidates, no shard, the weights' feature config.
    pub fn new(weights: impl Into<PathBuf>, out: impl Into<PathBuf>) -> ClassifyOptions {
        ClassifyOptions {
            weights: weights.into(),
            out: out.into(),
            threshold: 0.5,
            device: DeviceSpec::Auto,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            threads: None,
            batch: 64,
            plots: Plots::Candidates,
            shard: None,
            features: FeatureChoice::default(),
            cache_dir: default_cache_dir(),
        }
    }
}

/// Where a run stands; handed to the caller's callback a few times a second.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Files this run (or shard) covers.
    pub files_total: usize,
    /// Files finished, those of an earlier interrupted run included.
    pub files_done: usize,
    /// Files an earlier run had finished.
    pub files_resumed: usize,
    /// Segments classified by this run.
    pub segments: usize,
    /// Of which above the threshold.
    pub candidate_segments: usize,
    /// Files that failed in this run.
    pub failures: usize,
    /// Time since this run started.
    pub elapsed: Duration,
}

impl Progress {
    /// Segments per second of this run.
    pub fn segments_per_second(&self) -> f64 {
        self.segments as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Estimated time left, from this run's rate of files; `None` before the first file.
    pub fn eta(&self) -> Option<Duration> {
        let done = self.files_done - self.files_resumed;
        let left = self.files_total - self.files_done;
        (done > 0).then(|| self.elapsed.mul_f64(left as f64 / done as f64))
    }
}

/// What [`classify`] reports while it runs.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The run is about to start: the files it covers, those already done by an earlier run.
    Started {
        /// Files this run (or shard) covers.
        files: usize,
        /// Files an earlier run had finished.
        resumed: usize,
    },
    /// A file could not be classified; the run goes on.
    Failed {
        /// The file.
        file: &'a str,
        /// Why.
        reason: &'a str,
    },
    /// A file's headers name no TIC (none of `tess_io::TIC_KEYWORDS`): it is classified, its
    /// rows in `segments.csv` have an empty `tic`, and it is in no catalog row.
    NoTarget {
        /// The file.
        file: &'a str,
    },
    /// A file's cadence does not suit the feature config (`lc_prep::Segments::suits`): it is
    /// classified, and the warning is in its journal record.
    Warning {
        /// The file.
        file: &'a str,
        /// The warning.
        message: &'a str,
    },
    /// Counts so far.
    Progress(&'a Progress),
    /// The outputs are being written.
    Writing,
}

/// What a finished run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Files covered (this shard's, with a shard).
    pub files: usize,
    /// Of which finished by an earlier run.
    pub files_resumed: usize,
    /// Segments classified (all files covered).
    pub segments: usize,
    /// Segments above the threshold.
    pub candidate_segments: usize,
    /// Targets (TICs) in the catalog.
    pub targets: usize,
    /// Files that could not be classified.
    pub failures: usize,
    /// Vetting sheets drawn.
    pub sheets: usize,
    /// Time this run took.
    pub elapsed: Duration,
    /// Segments classified by this run (not resumed), for the rate.
    pub segments_this_run: usize,
    /// The output folder.
    pub out: PathBuf,
}

impl Summary {
    /// Segments per second of this run.
    pub fn segments_per_second(&self) -> f64 {
        self.segments_this_run as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The files of a list of inputs (files, folders searched recursively for `*.fits` and
/// `*.fits.gz`, such as a sector folder `ROOT/s0004` or the root of the sector layout), sorted
/// by path and each listed once, so the order, hence sharding and the outputs' row order, does
/// not depend on how the inputs were spelled on the command line. Folders that could not be
/// listed are in `errors`.
pub fn discover<P: AsRef<Path>>(inputs: &[P]) -> tess_io::Inputs {
    let mut found = tess_io::collect_inputs(inputs);
    found.files.sort();
    found.files.dedup();
    found
}

/// The sheets' folder inside a run's output folder.
pub const SHEETS: &str = "sheets";

/// Classifies `files` (in this order; see [`discover`]) into `options.out`. Returns the
/// summary once every output is written; bad files do not make it fail (see
/// [`Summary::failures`]), only fatal problems do: weights that do not load, an output folder
/// that cannot be written, or one holding another run's journal.
pub fn classify(
    files: &[PathBuf],
    options: &ClassifyOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, Error> {
    let started = Instant::now();
    let out = &options.out;
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.clone(),
        source,
    })?;
    // Held to the end: a second run into `out` is refused instead of tearing the journal.
    let _lock = lock::RunLock::acquire(out)?;
    if !(0.0..=1.0).contains(&options.threshold) {
        return Err(Error::Threshold(options.threshold));
    }
    if options.plots != Plots::None {
        let sheets = out.join(SHEETS);
        std::fs::create_dir_all(&sheets).map_err(|source| Error::Io {
            path: sheets,
            source,
        })?;
    }
    let jobs = options.jobs.max(1);
    let batch = options.batch.max(1);
    let threads = options.threads.unwrap_or(jobs).max(1);
    let weights_error = |source: calnet_model::ModelError| Error::Weights {
        path: options.weights.clone(),
        source,
    };
    let native = options.device.engine().map_err(weights_error)? == Engine::Native;
    // The weights' hash (for the journal) comes from the cache, or is computed while they
    // load, not after.
    let (classifier, weights_sha256) = std::thread::scope(|s| {
        let hash = s.spawn(|| weights_sha256(&options.weights, options.cache_dir.as_deref()));
        let classifier = Classifier::load(
            &options.weights,
            ClassifierOptions {
                device: options.device,
                batch_size: batch,
                // The native engine runs on the pipeline's pool; libtorch has its own threads.
                threads: (!native).then_some(threads),
            },
        );
        let hash = hash
            .join()
            .unwrap_or_else(|_| Err(Error::Threads("hashing the weights panicked".into())));
        (classifier, hash)
    });
    let classifier = classifier.map_err(weights_error)?;
    let features_error = |source: lc_prep::Error| Error::WeightsFeatures {
        path: options.weights.clone(),
        source,
    };
    let record = FeatureConfig::from_record(classifier.metadata()).map_err(features_error)?;
    let features = options
        .features
        .resolve(record.as_ref())
        .map_err(features_error)?;
    let extractor = FeatureExtractor::new(features.clone())?;
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let header = RunHeader {
        format: journal::FORMAT,
        inputs: files.len(),
        inputs_sha256: list_sha256(&names),
        shard: options.shard,
        weights_sha256: weights_sha256?,
        device: classifier.engine().to_string(),
        // The native engine's results depend on neither.
        batch: if native { 0 } else { batch },
        threads: if native { 0 } else { threads },
        threshold: options.threshold,
        plots: options.plots.to_string(),
        features: format!("{features:?}"),
    };
    let (mut journal, earlier) = Journal::open(out, &header)?;
    // Files a killed run was writing: the rerun writes them again.
    remove_temporaries(out)?;
    remove_temporaries(&out.join(SHEETS))?;
    let in_shard = |i: usize| options.shard.is_none_or(|s| s.contains(i));
    let finished: HashSet<usize> = earlier
        .iter()
        .map(|r| r.index)
        .filter(|&i| i < files.len() && in_shard(i))
        .collect();
    let work: Vec<usize> = (0..files.len())
        .filter(|&i| in_shard(i) && !finished.contains(&i))
        .collect();
    let mut progress = Progress {
        files_total: work.len() + finished.len(),
        files_done: finished.len(),
        files_resumed: finished.len(),
        ..Progress::default()
    };
    on_event(Event::Started {
        files: progress.files_total,
        resumed: progress.files_resumed,
    });
    if !work.is_empty() {
        let stage = Stages {
            files,
            names: &names,
            extractor: &extractor,
            options,
            batch,
            jobs,
        };
        stage.run(
            &classifier,
            &work,
            &mut journal,
            &mut progress,
            started,
            on_event,
        )?;
    }
    drop(journal);
    on_event(Event::Writing);
    let (_, mut records, _) = journal::read(&out.join(journal::JOURNAL))?;
    records.retain(|r| r.index < files.len() && in_shard(r.index));
    let records = in_order(records);
    let catalog = catalog::write_outputs(out, &records, options.threshold)?;
    Ok(summarise(
        &records,
        &catalog,
        options.threshold,
        &progress,
        started,
        out,
    ))
}

/// Records sorted by input position, one per position (the first journalled).
pub(crate) fn in_order(records: Vec<FileRecord>) -> Vec<FileRecord> {
    let mut by_index = BTreeMap::new();
    for r in records {
        by_index.entry(r.index).or_insert(r);
    }
    by_index.into_values().collect()
}

pub(crate) fn summarise(
    records: &[FileRecord],
    catalog: &Catalog,
    threshold: f32,
    progress: &Progress,
    started: Instant,
    out: &Path,
) -> Summary {
    let classified = || records.iter().filter_map(FileRecord::classified);
    let segments = || classified().flat_map(|c| c.segments.iter());
    Summary {
        files: records.len(),
        files_resumed: progress.files_resumed,
        segments: segments().count(),
        candidate_segments: segments().filter(|s| s.p_eb > threshold).count(),
        targets: catalog.rows.len(),
        failures: records.len() - classified().count(),
        sheets: classified().filter(|c| c.sheet.is_some()).count(),
        elapsed: started.elapsed(),
        segments_this_run: progress.segments,
        out: out.to_path_buf(),
    }
}

/// Removes the temporary files ([`tess_io::TEMP_PREFIX`]) that [`tess_io::AtomicFile`] leaves
/// behind when a run is killed in the middle of a write.
fn remove_temporaries(dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(tess_io::TEMP_PREFIX) && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(|source| Error::Io {
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}

fn list_sha256(names: &[String]) -> String {
    let mut h = Sha256::new();
    for n in names {
        h.update(n.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file after reading and feature extraction.
type Prepared = Result<(LightCurve, Features), String>;

/// A file whose segments all have a p_eb (or that failed): ready for the writer thread.
struct Finished {
    index: usize,
    result: Result<(LightCurve, Features, Vec<f32>), String>,
}

/// What the writer thread tells the inference loop about a journalled file.
struct Done {
    segments: usize,
    candidates: usize,
    failed: bool,
}

/// The borrowed pieces of one run.
struct Stages<'a> {
    files: &'a [PathBuf],
    names: &'a [String],
    extractor: &'a FeatureExtractor,
    options: &'a ClassifyOptions,
    batch: usize,
    jobs: usize,
}

impl Stages<'_> {
    /// The run's feature config (the weights' record, or the options' choices).
    fn config(&self) -> &FeatureConfig {
        self.extractor.config()
    }

    fn run(
        &self,
        classifier: &Classifier,
        work: &[usize],
        journal: &mut Journal,
        progress: &mut Progress,
        started: Instant,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs)
            .thread_name(|i| format!("calnet-{i}"))
            .build()
            .map_err(|e| Error::Threads(e.to_string()))?;
        let (post_tx, post_rx) = sync_channel::<Finished>(2);
        let (done_tx, done_rx) = channel::<Done>();
        std::thread::scope(|s| {
            let writer = s.spawn(move || self.write(post_rx, journal, done_tx));
            // A panic here cannot be tied to one file: a clear fatal error. Unwinding drops
            // `post_tx`, so the writer journals what it was handed and ends.
            let inferred = guarded("running the inference loop", || {
                self.infer(
                    &pool, classifier, work, post_tx, &done_rx, progress, started, on_event,
                )
            })
            .unwrap_or_else(|message| Err(Error::Panic(message)));
            // The writer ends once `post_tx` (moved into `infer`) is dropped.
            let written = writer.join().unwrap_or_else(|p| {
                Err(Error::Panic(format!(
                    "the journal writer: {}",
                    panic_message(p.as_ref())
                )))
            });
            for d in done_rx.try_iter() {
                count(progress, &d);
            }
            progress.elapsed = started.elapsed();
            on_event(Event::Progress(progress));
            // The writer's own error explains why the inference loop could not hand it files.
            written.and(inferred)
        })
    }

    /// Reads and prepares one file; a panic on the way is this file's failure, not the run's.
    fn prepare(&self, index: usize) -> Prepared {
        guarded("reading it and computing its features", || {
            self.prepare_file(index)
        })
        .and_then(|r| r)
    }

    fn prepare_file(&self, index: usize) -> Prepared {
        inject_panic("prepare", &self.names[index]);
        let lc = self
            .extractor
            .config()
            .read_options()
            .read(&self.files[index])
            .map_err(|e| e.reason())?;
        let features = self.extractor.extract(&lc).map_err(|e| e.to_string())?;
        Ok((lc, features))
    }

    /// The warning for a light curve whose cadence does not suit the feature config.
    fn warning(&self, lc: &LightCurve) -> Option<String> {
        self.extractor
            .config()
            .segments
            .cadence_warning(lc.meta.cadence_s)
    }

    /// The inference loop, in steps of files: the pool reads and extracts one step's files
    /// while it runs the network on the segments of the step before; finished files go to the
    /// writer.
    // The pool, the channels, the counters and the caller's callback are the loop's whole state.
    #[allow(clippy::too_many_arguments)]
    fn infer(
        &self,
        pool: &rayon::ThreadPool,
        classifier: &Classifier,
        work: &[usize],
        post_tx: std::sync::mpsc::SyncSender<Finished>,
        done_rx: &Receiver<Done>,
        progress: &mut Progress,
        started: Instant,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), Error> {
        // About `batch` segments per step (files have two segments on average), and enough
        // files to keep every thread busy.
        let step = (self.batch / 2).max(2 * self.jobs).max(1);
        let mut steps = work.chunks(step);
        // Files whose features are ready and whose segments wait for the network.
        let mut queued: Vec<(usize, LightCurve, Features)> = Vec::new();
        let mut last_report = Instant::now();
        let send = |f: Finished| {
            post_tx
                .send(f)
                .map_err(|_| Error::Threads("the journal writer stopped".into()))
        };
        loop {
            let files = steps.next();
            if files.is_none() && queued.is_empty() {
                return Ok(());
            }
            let (prepared, p_eb) = pool.install(|| {
                rayon::join(
                    || {
                        files.map_or_else(Vec::new, |files| {
                            files
                                .par_iter()
                                .map(|&index| (index, self.prepare(index)))
                                .collect::<Vec<_>>()
                        })
                    },
                    || self.forward(classifier, &queued),
                )
            });
            let mut p_eb = p_eb?.into_iter();
            for (index, lc, features) in queued.drain(..) {
                let p: Vec<f32> = p_eb.by_ref().take(features.segments.len()).collect();
                send(Finished {
                    index,
                    result: Ok((lc, features, p)),
                })?;
            }
            for (index, result) in prepared {
                if matches!(&result, Ok((lc, _)) if lc.meta.tic.is_none()) {
                    on_event(Event::NoTarget {
                        file: &self.names[index],
                    });
                }
                if let Some(message) = result.as_ref().ok().and_then(|(lc, _)| self.warning(lc)) {
                    on_event(Event::Warning {
                        file: &self.names[index],
                        message: &message,
                    });
                }
                match result {
                    Err(reason) => {
                        on_event(Event::Failed {
                            file: &self.names[index],
                            reason: &reason,
                        });
                        send(Finished {
                            index,
                            result: Err(reason),
                        })?;
                    }
                    Ok((lc, features)) if features.segments.is_empty() => send(Finished {
                        index,
                        result: Ok((lc, features, Vec::new())),
                    })?,
                    Ok((lc, features)) => queued.push((index, lc, features)),
                }
            }
            for d in done_rx.try_iter() {
                count(progress, &d);
            }
            if last_report.elapsed() >= Duration::from_millis(250) {
                last_report = Instant::now();
                progress.elapsed = started.elapsed();
                on_event(Event::Progress(progress));
            }
        }
    }

    /// p_eb of every segment of `files`, in order. libtorch gets passes of exactly `batch`
    /// segments (zero-padded), so that a segment's p_eb does not depend on how many others
    /// share its pass; the native engine needs no padding.
    fn forward(
        &self,
        classifier: &Classifier,
        files: &[(usize, LightCurve, Features)],
    ) -> Result<Vec<f32>, Error> {
        for (index, _, _) in files {
            inject_panic("forward", &self.names[*index]);
        }
        let segments = || files.iter().flat_map(|(_, _, f)| f.segments.iter());
        let lc: Vec<f32> = segments().flat_map(|s| s.lc.iter().copied()).collect();
        let gls: Vec<f32> = segments().flat_map(|s| s.gls.iter().copied()).collect();
        if classifier.engine() == Engine::Native {
            return classifier.predict(&lc, &gls).map_err(Error::Inference);
        }
        let mut out = Vec::with_capacity(lc.len() / LC_LEN);
        for (lc, gls) in lc
            .chunks(self.batch * LC_LEN)
            .zip(gls.chunks(self.batch * GLS_LEN))
        {
            let n = lc.len() / LC_LEN;
            let mut lc_pad = lc.to_vec();
            lc_pad.resize(self.batch * LC_LEN, 0.0);
            let mut gls_pad = gls.to_vec();
            gls_pad.resize(self.batch * GLS_LEN, 0.0);
            let p = classifier
                .predict(&lc_pad, &gls_pad)
                .map_err(Error::Inference)?;
            out.extend_from_slice(&p[..n]);
        }
        Ok(out)
    }

    /// The writer thread: period estimate and sheet, then the journal line.
    fn write(
        &self,
        post_rx: Receiver<Finished>,
        journal: &mut Journal,
        done_tx: Sender<Done>,
    ) -> Result<(), Error> {
        let periods = gls::FrequencyGrid::calnet().periods().to_vec();
        for finished in post_rx {
            let (index, file) = (finished.index, self.names[finished.index].clone());
            // A panic while estimating the period or drawing the sheet fails this file only.
            let record = match guarded("estimating its period and drawing its sheet", || {
                self.record(finished, &periods)
            }) {
                Ok(record) => record?,
                Err(reason) => FileRecord {
                    index,
                    file,
                    outcome: Outcome::Failed { reason },
                },
            };
            journal.append(&record)?;
            let done = match &record.outcome {
                Outcome::Classified(c) => Done {
                    segments: c.segments.len(),
                    candidates: c
                        .segments
                        .iter()
                        .filter(|s| s.p_eb > self.options.threshold)
                        .count(),
                    failed: false,
                },
                Outcome::Failed { .. } => Done {
                    segments: 0,
                    candidates: 0,
                    failed: true,
                },
            };
            let _ = done_tx.send(done);
        }
        Ok(())
    }

    fn record(&self, finished: Finished, periods: &[f64]) -> Result<FileRecord, Error> {
        let file = self.names[finished.index].clone();
        inject_panic("record", &file);
        let (lc, features, p) = match finished.result {
            Err(reason) => {
                return Ok(FileRecord {
                    index: finished.index,
                    file,
                    outcome: Outcome::Failed { reason },
                })
            }
            Ok(x) => x,
        };
        if let Some(k) = p.iter().position(|v| !v.is_finite()) {
            // Only broken weights do this; the journal (JSON) could not hold the value anyway.
            return Ok(FileRecord {
                index: finished.index,
                file,
                outcome: Outcome::Failed {
                    reason: format!(
                        "the network gave p_eb = {} for segment {}",
                        p[k], features.segments[k].index
                    ),
                },
            });
        }
        let threshold = self.options.threshold;
        let segments: Vec<SegmentResult> = features
            .segments
            .iter()
            .zip(&p)
            .map(|(s, &p_eb)| SegmentResult {
                segment: s.index,
                t_start: s.t_start,
                t_end: s.t_end,
                n_points: s.n_points,
                p_eb,
                peak_period: period::peak_period(periods, &s.gls),
            })
            .collect();
        let skipped = features.skipped.iter().map(SkipRecord::from).collect();
        let meta = &lc.meta;
        let mut classified = Classified {
            tic: meta.tic,
            sector: meta.sector,
            product: product_name(meta.product).to_string(),
            ra: meta.ra,
            dec: meta.dec,
            tmag: meta.tmag,
            teff: meta.teff,
            segments,
            skipped,
            period: None,
            sheet: None,
            quality_bitmask: self.config().quality.resolve(meta.product).bitmask(),
            warnings: self.warning(&lc).into_iter().collect(),
        };
        let candidate = classified.segments.iter().any(|s| s.p_eb > threshold);
        let wants_sheet = match self.options.plots {
            Plots::All => !classified.segments.is_empty(),
            Plots::Candidates => candidate,
            Plots::None => false,
        };
        if candidate || wants_sheet {
            let best = classified.best_segment().cloned();
            let best_pos = best.as_ref().and_then(|b| {
                classified
                    .segments
                    .iter()
                    .position(|s| s.segment == b.segment)
            });
            if let (Some(best), Some(pos)) = (best, best_pos) {
                let (t, f) = segment_points(&lc, self.config(), best.t_start, best.t_end);
                classified.period = best
                    .peak_period
                    .and_then(|peak| period::estimate(&t, &f, peak))
                    .map(|estimate| SegmentPeriod {
                        segment: best.segment,
                        estimate,
                    });
                if wants_sheet {
                    // The sheet shows this file's own metrics; the catalog's fold all of the
                    // target's files together.
                    let points = crate::vet::file_points(&lc, &classified);
                    let segments: Vec<crate::vet::Segment<'_>> = points
                        .iter()
                        .map(|(time, flux)| crate::vet::Segment { time, flux })
                        .collect();
                    let vetting =
                        crate::vet::vet(&segments, classified.period.map(|p| p.estimate.period));
                    let name = sheet_name(meta, &file);
                    let path = self.options.out.join(SHEETS).join(&name);
                    let sheet = crate::plot::sheet::Sheet {
                        lc: &lc,
                        features: &features,
                        config: self.config(),
                        p_eb: &p,
                        best: pos,
                        periods,
                        period: classified.period.map(|p| p.estimate),
                        threshold,
                        vetting: Some(&vetting),
                    };
                    sheet.write(&path)?;
                    classified.sheet = Some(name);
                }
            }
        }
        Ok(FileRecord {
            index: finished.index,
            file,
            outcome: Outcome::Classified(classified),
        })
    }
}

/// Runs `f`, turning a panic into `Err("internal error while {what}: {message}")`.
///
/// The panic boundary of the pipeline's threads: what a panic interrupts is either one file's
/// work (which then fails with this reason, in failures.csv) or the run (a clear fatal error;
/// the journal keeps every file finished before, and a rerun resumes after them).
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        format!(
            "internal error while {what}: {} (please report it)",
            panic_message(p.as_ref())
        )
    })
}

/// Fault injection for the tests of the panic boundary, in debug builds only (release builds
/// compile it to nothing): no real input is known to panic any more, yet the boundary must
/// hold when one does. `CALNET_INJECT_PANIC=STAGE:NAME[,STAGE:NAME...]` panics in `STAGE` for
/// the input whose path ends with `NAME`: `prepare` (a worker thread reading the file and
/// computing its features), `record` (the writer thread, before its period and sheet) or
/// `forward` (the inference loop, which no single file owns).
#[cfg(debug_assertions)]
fn inject_panic(stage: &str, file: &str) {
    let Some(spec) = std::env::var_os("CALNET_INJECT_PANIC") else {
        return;
    };
    let spec = spec.to_string_lossy();
    let hit = spec
        .split(',')
        .filter_map(|s| s.split_once(':'))
        .any(|(s, name)| s == stage && file.ends_with(name));
    if hit {
        panic!("injected panic ({stage}) for {file}");
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
fn inject_panic(_stage: &str, _file: &str) {}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

fn count(progress: &mut Progress, d: &Done) {
    progress.files_done += 1;
    progress.segments += d.segments;
    progress.candidate_segments += d.candidates;
    progress.failures += usize::from(d.failed);
}

/// The product's name in the outputs.
pub fn product_name(product: tess_io::Product) -> &'static str {
    product.name()
}

/// A vetting sheet's file name: `TIC<tic>_s<sector>_<hash>.png` for SPOC 2-minute light
/// curves; other products add a suffix before the hash (`_20s`, `_tess-spoc`, `_qlp`,
/// `_alert`, `_eleanor`, `_tglc`, `_tasoc`, `_lightkurve`). `<hash>` is the first 8 hex digits
/// of the SHA-256 of `file`, the input as the run lists it: two inputs of the same target,
/// sector and product (a reprocessing, a copy) get two sheets instead of overwriting one, and
/// every shard of a run names a file's sheet alike. A file that names no TIC is `notic`
/// instead of `TIC<tic>` (the hash tells such files apart).
///
/// ```
/// # let meta = tess_io::Metadata { tic: Some(98853987), sector: Some(4), camera: None, ccd: None,
/// #     tmag: None, teff: None, logg: None, radius: None, ra: None, dec: None,
/// #     product: tess_io::Product::Spoc, cadence_s: 120.0, file: String::new(), path: None };
/// let a = calnet::pipeline::sheet_name(&meta, "s0004/a_lc.fits");
/// let b = calnet::pipeline::sheet_name(&meta, "s0004/b_lc.fits");
/// assert!(a.starts_with("TIC98853987_s4_") && a.ends_with(".png"));
/// assert_ne!(a, b);
/// ```
pub fn sheet_name(meta: &tess_io::Metadata, file: &str) -> String {
    let sector = meta
        .sector
        .map_or_else(|| "unknown".to_string(), |s| s.to_string());
    let suffix = match meta.product {
        tess_io::Product::Spoc if meta.cadence_s < 60.0 => "_20s",
        tess_io::Product::Spoc => "",
        tess_io::Product::TessSpoc => "_tess-spoc",
        tess_io::Product::Qlp => "_qlp",
        tess_io::Product::SpocAlert => "_alert",
        tess_io::Product::Eleanor => "_eleanor",
        tess_io::Product::Tglc => "_tglc",
        tess_io::Product::Tasoc => "_tasoc",
        tess_io::Product::Lightkurve => "_lightkurve",
    };
    let hash = hex(&Sha256::digest(file.as_bytes())[..4]);
    let target = meta
        .tic
        .map_or_else(|| "notic".to_owned(), |tic| format!("TIC{tic}"));
    format!("{target}_s{sector}{suffix}_{hash}.png")
}

/// The points of the light curve that the quality cut keeps between `t_start` and `t_end`
/// (one segment), with the flux as f64.
pub(crate) fn segment_points(
    lc: &LightCurve,
    config: &FeatureConfig,
    t_start: f64,
    t_end: f64,
) -> (Vec<f64>, Vec<f64>) {
    crate::vet::kept_points(
        lc,
        config.quality.resolve(lc.meta.product),
        &[(t_start, t_end)],
    )
    .pop()
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panic boundary turns a panic into its file's failure reason (or the run's error),
    /// with the panic's message, and passes results through untouched.
    #[test]
    fn a_panic_becomes_a_reason_with_its_message() {
        assert_eq!(guarded("adding", || 2 + 2), Ok(4));
        let reason = guarded("drawing its sheet", || -> usize { panic!("min > max") }).unwrap_err();
        assert_eq!(
            reason,
            "internal error while drawing its sheet: min > max (please report it)"
        );
        let index = 7;
        let reason = guarded("reading it", || -> usize {
            panic!("index {index} out of range")
        })
        .unwrap_err();
        assert!(reason.contains("index 7 out of range"), "{reason}");
    }
}
