//! The CALNet network (Wang et al. 2025, arXiv:2504.15875) on libtorch through `tch`: two
//! branches of 1-D convolutions with CBAM attention and a 2-layer LSTM, one over the 4000-value
//! light curve and one over the 1000-value periodogram, fused by two dense layers into
//! p(eclipsing binary).
//!
//! - [`CalNet`]: the network, its variables named exactly like the PyTorch state_dict
//!   ([`STATE_DICT_KEYS`]), `forward_t` for training and inference;
//! - weights: [`load_into`] reads a `.pth`/`.pt` state_dict written by a default
//!   `torch.save(model.state_dict(), path)` (zip archive + pickle; float32, float16, bfloat16,
//!   views with any stride/offset) or safetensors, told apart by content, and checks every key,
//!   shape and dtype; [`save_safetensors`] writes what Python loads with `load_state_dict`;
//! - [`Classifier`]: weights file + device (`auto|cpu|cuda[:N]`) + batch size -> p(EB) per
//!   segment, without an autograd graph.
//!
//! ```
//! use calnet_model::{tch, CalNet, STATE_DICT_KEYS};
//! let vs = tch::nn::VarStore::new(tch::Device::Cpu);
//! let _net = CalNet::new(&vs.root());
//! let params: i64 = vs.variables().values().map(|t| t.numel() as i64).sum();
//! assert_eq!(params, 8_834_554);
//! assert_eq!(vs.variables().len(), STATE_DICT_KEYS.len());
//! ```
#![deny(missing_docs)]

mod classifier;
mod error;
mod net;
mod pickle;
pub mod pth;
mod weights;

pub use classifier::{Classifier, ClassifierOptions, DeviceSpec};
pub use error::ModelError;
pub use net::{CalNet, Cbam, GLS_LEN, LC_LEN, STATE_DICT_KEYS};
pub use weights::{
    assign, detect_format, load_into, read_tensors, save_safetensors, WeightsFormat,
};

pub use tch;
