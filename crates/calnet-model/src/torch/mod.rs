//! The network on libtorch through `tch` (feature `torch`): for training, CUDA and the
//! cross-checks against PyTorch.

mod net;
mod weights;

pub use net::{CalNet, Cbam};
pub use weights::{assign, load_into, save_safetensors, save_safetensors_with_metadata};

use tch::{Device, Kind, Tensor};

use crate::arch::{GLS_LEN, LC_LEN};
use crate::ModelError;

/// p(EB) of the segments in `x1`/`x2` in one forward pass, without an autograd graph.
pub(crate) fn predict(
    net: &CalNet,
    device: Device,
    x1: &[f32],
    x2: &[f32],
) -> Result<Vec<f32>, ModelError> {
    let b = (x1.len() / LC_LEN) as i64;
    let p = tch::no_grad(|| -> Result<Tensor, tch::TchError> {
        let x1 = Tensor::from_slice(x1)
            .f_view([b, 1, LC_LEN as i64])?
            .f_to_device(device)?;
        let x2 = Tensor::from_slice(x2)
            .f_view([b, 1, GLS_LEN as i64])?
            .f_to_device(device)?;
        net.probabilities(&x1, &x2)
            .f_select(1, 1)?
            .f_to_kind(Kind::Float)?
            .f_to_device(Device::Cpu)
    })?;
    Ok(Vec::<f32>::try_from(&p)?)
}
