//! The CALNet network (Wang et al. 2025, arXiv:2504.15875): two branches of 1-D convolutions
//! with CBAM attention and a 2-layer LSTM, one over the 4000-value light curve and one over the
//! 1000-value periodogram, fused by two dense layers into p(eclipsing binary).
//!
//! - [`Classifier`]: weights file + options -> p(EB) per segment. On the CPU it runs the
//!   native engine (feature `native`, the default: pure Rust, no libtorch), whose p(EB) of a
//!   segment is bit-identical whatever its batch mates, batch size and thread count; with the
//!   feature `torch` it also runs on CUDA through libtorch;
//! - weights: [`read_tensors`] reads a `.pth`/`.pt` state_dict written by a default
//!   `torch.save(model.state_dict(), path)` (zip archive + pickle; float32, float16, bfloat16,
//!   float64, views with any stride/offset) or safetensors, told apart by content, into plain
//!   float32 [`NamedTensor`]s; [`read_calnet`] also checks every key, shape and dtype against
//!   [`STATE_DICT`];
//! - feature `torch`: `CalNet`, the network as a tch module with its variables named like the
//!   PyTorch state_dict, for training; `load_into` and `save_safetensors`.
//!
//! ```
//! use calnet_model::{Classifier, ClassifierOptions, NamedTensor, STATE_DICT};
//! # let dir = std::env::temp_dir().join(format!("calnet-model-lib-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! // Weights of the right shapes (here all 0.01) written as safetensors.
//! let tensors: Vec<NamedTensor> = STATE_DICT
//!     .iter()
//!     .map(|(name, shape)| NamedTensor::filled(name, shape, 0.01))
//!     .collect();
//! let path = dir.join("flat.safetensors");
//! calnet_model::write_safetensors(&tensors, &path)?;
//!
//! let classifier = Classifier::load(&path, ClassifierOptions::default())?;
//! let p_eb = classifier.predict(&[0.5; 4000], &[0.1; 1000])?;
//! assert_eq!(p_eb.len(), 1);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), calnet_model::ModelError>(())
//! ```
#![deny(missing_docs)]

mod arch;
mod classifier;
mod error;
#[cfg(feature = "native")]
pub mod native;
mod pickle;
pub mod pth;
#[cfg(feature = "torch")]
mod torch;
mod weights;

pub use arch::{GLS_LEN, LC_LEN, PARAMETERS, STATE_DICT, STATE_DICT_KEYS};
pub use classifier::{Classifier, ClassifierOptions, DeviceSpec, Engine};
pub use error::ModelError;
pub use weights::{
    check_state_dict, detect_format, read_calnet, read_metadata, read_safetensors, read_tensors,
    write_safetensors, write_safetensors_with_metadata, Dtype, NamedTensor, WeightsFormat,
};

#[cfg(feature = "torch")]
pub use tch;
#[cfg(feature = "torch")]
pub use torch::{
    assign, load_into, save_safetensors, save_safetensors_with_metadata, CalNet, Cbam,
};
