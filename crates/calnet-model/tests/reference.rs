//! The Rust network against PyTorch: weights saved by `torch.save(model.state_dict())` from the
//! reference module of scripts/model_reference.py load into identical tensors and give the same
//! softmax.

mod common;

use calnet_model::tch::{self, nn::VarStore, Device, Tensor};
use calnet_model::{
    load_into, CalNet, Classifier, ClassifierOptions, DeviceSpec, WeightsFormat, STATE_DICT_KEYS,
};
use common::{make, max_abs_diff, Reference};

fn options(batch_size: usize) -> ClassifierOptions {
    ClassifierOptions {
        device: DeviceSpec::Cpu,
        batch_size,
        threads: Some(1),
    }
}

/// Every variable equals the tensor PyTorch's model holds, bit for bit.
fn assert_tensors_identical(vs: &VarStore, r: &Reference) {
    let vars = vs.variables();
    assert_eq!(vars.len(), 42);
    let python_keys: Vec<&str> = r
        .expected
        .keys()
        .filter_map(|k| k.strip_prefix("w."))
        .collect();
    assert_eq!(python_keys.len(), 42, "PyTorch's state_dict has 42 tensors");
    for key in STATE_DICT_KEYS {
        let want = &r.expected[&format!("w.{key}")];
        let got = &vars[key];
        assert_eq!(got.size(), want.size(), "{key}");
        assert!(got.equal(want), "{key} differs from PyTorch's");
    }
}

/// p(EB) from the Classifier against PyTorch's softmax, within 1e-5.
fn assert_matches_softmax(c: &Classifier, r: &Reference) {
    let x1 = Vec::<f32>::try_from(r.expected["x1"].flatten(0, -1)).unwrap();
    let x2 = Vec::<f32>::try_from(r.expected["x2"].flatten(0, -1)).unwrap();
    let p = c.predict(&x1, &x2).unwrap();
    let want = Vec::<f32>::try_from(r.expected["prob"].select(1, 1)).unwrap();
    assert_eq!(p.len(), want.len());
    let worst = p
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(worst <= 1e-5, "p(EB) differs from PyTorch by {worst}");
    // The weights make p(EB) depend on the input (else the comparison would prove little).
    let spread = want.iter().fold(0f32, |m, &x| m.max((x - want[0]).abs()));
    assert!(
        want.len() == 1 || spread > 1e-3,
        "p(EB) barely depends on the input: {spread}"
    );
    // The branches, the whole softmax and the logits, through the network directly.
    let fused = tch::no_grad(|| c.net().fused(&r.expected["x1"], &r.expected["x2"], false));
    assert!(
        max_abs_diff(&fused, &r.expected["fused"]) <= 1e-5,
        "fused branches differ"
    );
    let probs = tch::no_grad(|| c.net().probabilities(&r.expected["x1"], &r.expected["x2"]));
    assert!(max_abs_diff(&probs, &r.expected["prob"]) <= 1e-5);
    let logits = tch::no_grad(|| {
        c.net()
            .forward_t(&r.expected["x1"], &r.expected["x2"], false)
    });
    assert!(max_abs_diff(&logits, &r.expected["logits"]) <= 1e-4);
}

#[test]
fn pth_state_dict_matches_pytorch_at_batch_1() {
    let r = make("state_dict", 1);
    let c = Classifier::load(&r.pth, options(1)).unwrap();
    assert_eq!(c.format(), WeightsFormat::Pth);
    assert_tensors_identical(c.var_store(), &r);
    assert_matches_softmax(&c, &r);
}

#[test]
fn pth_state_dict_matches_pytorch_at_batch_64() {
    let r = make("state_dict", 64);
    // Batches of 64 and of 5 (a short last batch) give the same answers.
    for batch in [64, 5] {
        let c = Classifier::load(&r.pth, options(batch)).unwrap();
        assert_matches_softmax(&c, &r);
    }
}

#[test]
fn plain_dict_loads() {
    let r = make("dict", 2);
    let c = Classifier::load(&r.pth, options(2)).unwrap();
    assert_tensors_identical(c.var_store(), &r);
    assert_matches_softmax(&c, &r);
}

#[test]
fn float16_and_bfloat16_are_converted() {
    for variant in ["fp16", "bf16"] {
        let r = make(variant, 3);
        let c = Classifier::load(&r.pth, options(3)).unwrap();
        assert_tensors_identical(c.var_store(), &r);
        assert_matches_softmax(&c, &r);
    }
}

#[test]
fn non_contiguous_and_shared_storages_load() {
    let r = make("noncontig", 3);
    let c = Classifier::load(&r.pth, options(3)).unwrap();
    assert_tensors_identical(c.var_store(), &r);
    assert_matches_softmax(&c, &r);
}

#[test]
fn safetensors_round_trip_through_python() {
    let r = make("state_dict", 4);
    let vs = VarStore::new(Device::Cpu);
    let _net = CalNet::new(&vs.root());
    load_into(&vs, &r.pth, &STATE_DICT_KEYS).unwrap();
    // A name without the .safetensors extension: the format is told from the content.
    let st = r.dir.path().join("ours.weights");
    calnet_model::save_safetensors(&vs, &st).unwrap();

    // Python: load_state_dict(strict=True) of what we wrote, same inputs, identical outputs.
    let out = r.dir.path().join("python_out.safetensors");
    common::run_python(&[
        "check-safetensors",
        st.to_str().unwrap(),
        r.dir.path().join("expected.safetensors").to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    let py: std::collections::HashMap<String, Tensor> = Tensor::read_safetensors(&out)
        .unwrap()
        .into_iter()
        .collect();
    assert!(
        py["prob"].equal(&r.expected["prob"]),
        "PyTorch gives other outputs with our safetensors"
    );
    assert!(py["logits"].equal(&r.expected["logits"]));

    // And we read it back into identical tensors.
    let c = Classifier::load(&st, options(4)).unwrap();
    assert_eq!(c.format(), WeightsFormat::Safetensors);
    assert_tensors_identical(c.var_store(), &r);
    assert_matches_softmax(&c, &r);
}

#[test]
fn var_store_names_are_the_state_dict_keys() {
    let vs = VarStore::new(Device::Cpu);
    let _net = CalNet::new(&vs.root());
    let mut ours: Vec<String> = vs.variables().into_keys().collect();
    ours.sort();
    let mut keys: Vec<String> = STATE_DICT_KEYS.iter().map(|s| s.to_string()).collect();
    keys.sort();
    assert_eq!(ours, keys);
    let params: i64 = vs.variables().values().map(|t| t.numel() as i64).sum();
    assert_eq!(params, 8_834_554);
}
