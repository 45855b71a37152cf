#![cfg(feature = "torch")]
//! One training step's backward pass through the whole network reaches every parameter, on the
//! CPU and, where libtorch sees one, on CUDA: cuDNN differentiates its LSTM only when the forward
//! pass ran in training mode, a rule the CPU kernels do not have (so the CPU run alone could not
//! catch a model that ran its LSTMs in inference mode while training).

use calnet_model::{tch, CalNet, STATE_DICT_KEYS};
use tch::{nn::VarStore, Device, Kind, Tensor};

fn gradients_reach_every_parameter(device: Device) {
    tch::manual_seed(7);
    let vs = VarStore::new(device);
    let net = CalNet::new(&vs.root());
    let x1 = Tensor::rand([3, 1, 4000], (Kind::Float, device));
    let x2 = Tensor::rand([3, 1, 1000], (Kind::Float, device));
    let target = Tensor::from_slice(&[0i64, 1, 1]).to_device(device);
    net.forward_t(&x1, &x2, true)
        .cross_entropy_for_logits(&target)
        .backward();
    let vars = vs.variables();
    for key in STATE_DICT_KEYS {
        let grad = vars[key].grad();
        assert!(grad.defined(), "{device:?}: no gradient for {key}");
        let norm = grad.abs().sum(Kind::Double).double_value(&[]);
        assert!(
            norm.is_finite() && norm > 0.0,
            "{device:?}: {key} has gradient norm {norm}"
        );
    }
}

#[test]
fn backward_in_training_mode_on_cpu() {
    tch::set_num_threads(1);
    gradients_reach_every_parameter(Device::Cpu);
}

/// Runs its check only where libtorch finds a CUDA device (never in CI); says so otherwise.
#[test]
fn backward_in_training_mode_on_cuda_when_present() {
    if !tch::Cuda::is_available() {
        eprintln!("no CUDA device: the CUDA backward check did not run");
        return;
    }
    gradients_reach_every_parameter(Device::Cuda(0));
}
