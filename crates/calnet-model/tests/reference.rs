#![cfg(feature = "torch")]
//! The tch network against PyTorch: weights saved by `torch.save(model.state_dict())` from the
//! reference module of scripts/golden/model_reference.py load into identical variables and give the
//! same softmax; what tch saves, PyTorch loads.

mod common;

use calnet_model::tch::{self, nn::VarStore, Device, Tensor};
use calnet_model::{load_into, CalNet, STATE_DICT, STATE_DICT_KEYS};
use common::{make, max_abs_diff, Reference};

fn to_vec(t: &Tensor) -> Vec<f32> {
    Vec::<f32>::try_from(t.flatten(0, -1)).unwrap()
}

fn tensor(r: &Reference, key: &str) -> Tensor {
    let t = &r.expected[key];
    let dims: Vec<i64> = t.shape.iter().map(|&d| d as i64).collect();
    Tensor::from_slice(&t.values).view(dims.as_slice())
}

/// The network on the CPU with the weights of `r` loaded.
fn load(r: &Reference) -> (VarStore, CalNet) {
    tch::set_num_threads(1);
    let vs = VarStore::new(Device::Cpu);
    let net = CalNet::new(&vs.root());
    load_into(&vs, &r.pth, &STATE_DICT_KEYS).unwrap();
    (vs, net)
}

/// Every variable equals the tensor PyTorch's model holds, bit for bit.
fn assert_tensors_identical(vs: &VarStore, r: &Reference) {
    let vars = vs.variables();
    assert_eq!(vars.len(), 42);
    for key in STATE_DICT_KEYS {
        let want = &r.expected[&format!("w.{key}")];
        let got = &vars[key];
        let shape: Vec<usize> = got.size().iter().map(|&d| d as usize).collect();
        assert_eq!(shape, want.shape, "{key}");
        assert_eq!(to_vec(got), want.values, "{key} differs from PyTorch's");
    }
}

/// The branches, the logits and the softmax against PyTorch's.
fn assert_matches_pytorch(net: &CalNet, r: &Reference) {
    let (x1, x2) = (tensor(r, "x1"), tensor(r, "x2"));
    let fused = tch::no_grad(|| net.fused(&x1, &x2, false));
    assert!(max_abs_diff(&to_vec(&fused), &r.expected["fused"].values) <= 1e-5);
    let logits = tch::no_grad(|| net.forward_t(&x1, &x2, false));
    assert!(max_abs_diff(&to_vec(&logits), &r.expected["logits"].values) <= 1e-4);
    let probs = tch::no_grad(|| net.probabilities(&x1, &x2));
    let worst = max_abs_diff(&to_vec(&probs), &r.expected["prob"].values);
    assert!(worst <= 1e-5, "softmax differs from PyTorch by {worst}");
}

#[test]
fn pth_state_dict_matches_pytorch() {
    for batch in [1, 64] {
        let r = make("state_dict", batch);
        let (vs, net) = load(&r);
        assert_tensors_identical(&vs, &r);
        assert_matches_pytorch(&net, &r);
    }
}

#[test]
fn every_weights_layout_loads() {
    for variant in ["dict", "fp16", "bf16", "noncontig"] {
        let r = make(variant, 3);
        let (vs, net) = load(&r);
        assert_tensors_identical(&vs, &r);
        assert_matches_pytorch(&net, &r);
    }
}

#[test]
fn tch_saves_what_pytorch_loads() {
    let r = make("state_dict", 4);
    let (vs, _net) = load(&r);
    let st = r.dir.path().join("ours.weights");
    calnet_model::save_safetensors(&vs, &st).unwrap();
    let out = r.dir.path().join("python_out.safetensors");
    common::run_python(&[
        "check-safetensors",
        st.to_str().unwrap(),
        r.dir.path().join("expected.safetensors").to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    let py = common::read_named(&out);
    assert_eq!(py["prob"].values, r.expected["prob"].values);
    assert_eq!(py["logits"].values, r.expected["logits"].values);
}

#[test]
fn var_store_matches_the_state_dict_table() {
    let vs = VarStore::new(Device::Cpu);
    let _net = CalNet::new(&vs.root());
    let vars = vs.variables();
    assert_eq!(vars.len(), STATE_DICT.len());
    for (key, shape) in STATE_DICT {
        let got: Vec<usize> = vars[key].size().iter().map(|&d| d as usize).collect();
        assert_eq!(got, shape, "{key}");
    }
    let params: i64 = vars.values().map(|t| t.numel() as i64).sum();
    assert_eq!(params as usize, calnet_model::PARAMETERS);
}
