//! Train and evaluate CALNet: labelled data sets with a feature cache, a seeded training loop
//! (Adam/AMSGrad, drop_last batches, per-epoch shuffles) with exact resume, and metrics.
//!
//! The pieces, in the order a run uses them:
//! - [`Labels`] (a `file,label` or `tic,label` CSV) or a catalog of positives (a
//!   [`FixedWidthTable`]);
//! - [`Dataset`] built through a [`FeatureSource`] (`lc_prep::FeatureExtractor`) and a
//!   [`FeatureCache`], reporting every input it could not use in [`DataReport`];
//! - [`train()`] with a [`TrainConfig`], writing metrics and checkpoints;
//! - [`evaluate()`] of saved weights, per segment, per file and per class;
//! - with the `plots` feature, [`plots`]: loss and accuracy curves and the confusion matrix as
//!   PNG pictures.
//!
//! ```
//! use calnet_train::{Metrics, split};
//! // A seeded, stratified 80/20 split of files and the metrics of some scores.
//! let file_labels = [1u8, 0, 1, 0, 1, 0, 1, 0, 1, 0];
//! let (train, val) = split::train_val(&file_labels, 0.2, 42);
//! assert_eq!((train.len(), val.len()), (8, 2));
//! let m = Metrics::from_scores(&[0.9, 0.1, 0.8], &[1, 0, 0], None);
//! assert_eq!(m.confusion.fp, 1);
//! ```
#![deny(missing_docs)]

pub mod adam;
pub mod cache;
pub mod dataset;
mod error;
pub mod evaluate;
pub mod fixed_width;
pub mod labels;
pub mod metrics;
#[cfg(feature = "plots")]
pub mod plots;
pub mod split;
pub mod train;

pub use adam::Adam;
pub use cache::{CacheOutcome, FeatureCache, FeatureSource, FileFeatures, SegmentFeatures};
pub use dataset::{DataFile, DataReport, Dataset};
pub use error::{Result, TrainError};
pub use evaluate::{evaluate, ClassRate, Evaluation};
pub use fixed_width::FixedWidthTable;
pub use labels::{LabelKey, Labels};
pub use metrics::{Confusion, Metrics, OperatingPoint};
pub use train::{
    load_vars, new_calnet, save_vars, train, EpochRecord, Loss, LrSchedule, Network, TrainConfig,
    TrainOutcome,
};

/// Progress of a long operation, for a caller that shows it.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Features of `done` of `total` files are ready (computed or from the cache).
    Features {
        /// Files done.
        done: usize,
        /// Files to do.
        total: usize,
    },
    /// A training batch finished.
    Batch {
        /// 1-based epoch.
        epoch: usize,
        /// Epochs of the run.
        epochs: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// Batches per epoch.
        batches: usize,
        /// The batch's loss.
        loss: f64,
    },
    /// An epoch finished; the history so far (this epoch last) is saved.
    Epoch {
        /// Every epoch's record.
        history: &'a [EpochRecord],
    },
}
