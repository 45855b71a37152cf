//! The native engine against PyTorch: p(EB) within 1e-5 of PyTorch's on weights saved by
//! `torch.save` (every layout the reader supports), on random inputs and on the real fixtures'
//! features with the shipped weights; and a segment's p(EB) bit-identical whatever its batch
//! mates, batch size and thread count.

mod common;

use std::path::Path;

use calnet_model::{
    read_calnet, Classifier, ClassifierOptions, DeviceSpec, Engine, NamedTensor, WeightsFormat,
    GLS_LEN, LC_LEN, STATE_DICT_KEYS,
};
use common::{make, max_abs_diff, read_named, Reference};

fn native(path: &Path, batch_size: usize, threads: usize) -> Classifier {
    let options = ClassifierOptions {
        device: DeviceSpec::Cpu,
        batch_size,
        threads: Some(threads),
    };
    let c = Classifier::load(path, options).unwrap();
    assert_eq!(c.engine(), Engine::Native);
    c
}

/// Every tensor read equals the one PyTorch's model holds, bit for bit.
fn assert_tensors_identical(path: &Path, r: &Reference) {
    let (_, tensors) = read_calnet(path).unwrap();
    assert_eq!(tensors.len(), 42);
    for (t, key) in tensors.iter().zip(STATE_DICT_KEYS) {
        assert_eq!(t.name, key);
        let want = &r.expected[&format!("w.{key}")];
        assert_eq!(t.shape, want.shape, "{key}");
        assert!(
            t.values
                .iter()
                .zip(&want.values)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{key} differs from PyTorch's"
        );
    }
}

/// p(EB) against PyTorch's softmax, within 1e-5, and the inputs make p(EB) vary (else the
/// comparison would prove little).
fn assert_matches_pytorch(c: &Classifier, r: &Reference) {
    let (x1, x2) = r.inputs();
    let p = c.predict(x1, x2).unwrap();
    let want = r.p_eb();
    let worst = max_abs_diff(&p, &want);
    assert!(worst <= 1e-5, "p(EB) differs from PyTorch by {worst}");
    let spread = want.iter().fold(0f32, |m, &x| m.max((x - want[0]).abs()));
    assert!(
        want.len() == 1 || spread > 1e-3,
        "p(EB) barely depends on the input: {spread}"
    );
}

#[test]
fn pth_state_dict_matches_pytorch() {
    for batch in [1, 64] {
        let r = make("state_dict", batch);
        assert_tensors_identical(&r.pth, &r);
        for threads in [1, 2] {
            let c = native(&r.pth, batch, threads);
            assert_eq!(c.format(), WeightsFormat::Pth);
            assert_matches_pytorch(&c, &r);
        }
    }
}

#[test]
fn the_branches_match_pytorch() {
    let r = make("state_dict", 3);
    let (_, tensors) = read_calnet(&r.pth).unwrap();
    let net = calnet_model::native::Network::new(tensors);
    let (x1, x2) = r.inputs();
    let fused: Vec<f32> = x1
        .chunks_exact(LC_LEN)
        .zip(x2.chunks_exact(GLS_LEN))
        .flat_map(|(a, b)| net.fused(a, b))
        .collect();
    let worst = max_abs_diff(&fused, &r.expected["fused"].values);
    assert!(
        worst <= 1e-5,
        "fused branches differ from PyTorch by {worst}"
    );
}

#[test]
fn every_weights_layout_matches_pytorch() {
    // A plain dict, float16, bfloat16, and views: transposed, offset, shared storage.
    for variant in ["dict", "fp16", "bf16", "noncontig"] {
        let r = make(variant, 3);
        assert_tensors_identical(&r.pth, &r);
        assert_matches_pytorch(&native(&r.pth, 3, 1), &r);
    }
}

#[test]
fn safetensors_round_trip_through_python() {
    let r = make("state_dict", 4);
    let (_, tensors) = read_calnet(&r.pth).unwrap();
    // A name without the .safetensors extension: the format is told from the content.
    let st = r.dir.path().join("ours.weights");
    calnet_model::write_safetensors(&tensors, &st).unwrap();
    // Python: load_state_dict(strict=True) of what we wrote, same inputs, identical outputs.
    let out = r.dir.path().join("python_out.safetensors");
    common::run_python(&[
        "check-safetensors",
        st.to_str().unwrap(),
        r.dir.path().join("expected.safetensors").to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    let py = read_named(&out);
    assert_eq!(py["prob"].values, r.expected["prob"].values);
    // And we read it back into identical tensors.
    let c = native(&st, 4, 1);
    assert_eq!(c.format(), WeightsFormat::Safetensors);
    assert_tensors_identical(&st, &r);
    assert_matches_pytorch(&c, &r);
}

/// The model inputs of every segment of the fixture light curves.
fn fixture_features() -> (Vec<f32>, Vec<f32>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lc");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fits"))
        .collect();
    files.sort();
    let extractor = lc_prep::FeatureExtractor::new(lc_prep::FeatureConfig::reference()).unwrap();
    let (mut x1, mut x2) = (Vec::new(), Vec::new());
    for f in &files {
        let lc = tess_io::read(f).unwrap();
        for s in extractor.extract(&lc).unwrap().segments {
            x1.extend_from_slice(&s.lc);
            x2.extend_from_slice(&s.gls);
        }
    }
    (x1, x2)
}

#[test]
fn shipped_weights_on_the_fixtures_match_pytorch() {
    let weights =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/weights/calnet-sim.safetensors");
    let (x1, x2) = fixture_features();
    let n = x1.len() / LC_LEN;
    assert!(n >= 10, "{n} segments");
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs.safetensors");
    calnet_model::write_safetensors(
        &[
            NamedTensor {
                name: "x1".into(),
                dtype: calnet_model::Dtype::F32,
                shape: vec![n, 1, LC_LEN],
                values: x1.clone(),
            },
            NamedTensor {
                name: "x2".into(),
                dtype: calnet_model::Dtype::F32,
                shape: vec![n, 1, GLS_LEN],
                values: x2.clone(),
            },
        ],
        &inputs,
    )
    .unwrap();
    let out = dir.path().join("python_out.safetensors");
    common::run_python(&[
        "check-safetensors",
        weights.to_str().unwrap(),
        inputs.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    let want: Vec<f32> = read_named(&out)["prob"]
        .values
        .chunks_exact(2)
        .map(|p| p[1])
        .collect();
    let p = native(&weights, 128, 2).predict(&x1, &x2).unwrap();
    let worst = max_abs_diff(&p, &want);
    assert!(
        worst <= 1e-5,
        "p(EB) differs from PyTorch by {worst} on the fixtures"
    );
    // Both classes occur, so the comparison covers the whole range.
    assert!(
        want.iter().any(|&p| p > 0.5) && want.iter().any(|&p| p < 0.5),
        "{want:?}"
    );
}

/// Deterministic pseudo-random inputs in [0, 1).
fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect()
}

#[test]
fn a_segment_is_bit_identical_whatever_its_batch_and_threads() {
    let r = make("state_dict", 4);
    let (x1, x2) = r.inputs();
    let (x1, x2) = (x1.to_vec(), x2.to_vec());
    let probes = x1.len() / LC_LEN;
    let alone: Vec<Vec<u32>> = (0..probes)
        .map(|k| {
            native(&r.pth, 1, 1)
                .predict(&x1[k * LC_LEN..][..LC_LEN], &x2[k * GLS_LEN..][..GLS_LEN])
                .unwrap()
                .iter()
                .map(|p| p.to_bits())
                .collect()
        })
        .collect();
    for threads in [1, 2] {
        for (batch, size) in [(1, 1), (7, 7), (128, 128), (128, 200), (7, 30)] {
            let c = native(&r.pth, batch, threads);
            // The probes at positions spread over the batch, noise around them.
            let mut lc = noise(size * LC_LEN, size as u64);
            let mut gls = noise(size * GLS_LEN, 7 + size as u64);
            let positions: Vec<usize> = (0..probes).map(|k| (k * 37 + size - 1) % size).collect();
            for (k, &at) in positions.iter().enumerate().take(size) {
                lc[at * LC_LEN..][..LC_LEN].copy_from_slice(&x1[k * LC_LEN..][..LC_LEN]);
                gls[at * GLS_LEN..][..GLS_LEN].copy_from_slice(&x2[k * GLS_LEN..][..GLS_LEN]);
            }
            let p = c.predict(&lc, &gls).unwrap();
            assert_eq!(p.len(), size);
            for (k, &at) in positions.iter().enumerate().take(size) {
                if positions[..k].contains(&at) {
                    continue;
                }
                assert_eq!(
                    p[at].to_bits(),
                    alone[k][0],
                    "probe {k} at {at} of {size} (batch {batch}, {threads} threads)"
                );
            }
        }
    }
}

#[test]
fn inputs_of_the_wrong_length_are_refused() {
    let r = make("state_dict", 1);
    let c = native(&r.pth, 4, 1);
    let e = c.predict(&[0.0; 3999], &[0.0; 1000]).unwrap_err();
    assert!(e.to_string().contains("3999"), "{e}");
    let e = c.predict(&[0.0; 8000], &[0.0; 1000]).unwrap_err();
    assert!(
        e.to_string().contains("2 light-curve segments but 1"),
        "{e}"
    );
    assert!(c.predict(&[], &[]).unwrap().is_empty());
}
