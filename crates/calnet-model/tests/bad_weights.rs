//! Broken or foreign weight files give typed errors that say what is wrong, never a panic.

mod common;

use std::io::{Cursor, Read, Write};

use calnet_model::{
    pth, Classifier, ClassifierOptions, DeviceSpec, ModelError, NamedTensor, STATE_DICT,
};
use common::make;

/// The error of the native engine's loader; with the `torch` feature, the tch loader must give
/// the same message.
fn load(path: &std::path::Path) -> ModelError {
    let options = ClassifierOptions {
        device: DeviceSpec::Cpu,
        batch_size: 1,
        threads: Some(1),
    };
    let e = Classifier::load(path, options).expect_err("loading should fail");
    #[cfg(feature = "torch")]
    {
        use calnet_model::tch;
        let vs = tch::nn::VarStore::new(tch::Device::Cpu);
        let _net = calnet_model::CalNet::new(&vs.root());
        let t = calnet_model::load_into(&vs, path, &calnet_model::STATE_DICT_KEYS)
            .expect_err("tch loading should fail");
        assert_eq!(t.to_string(), e.to_string());
    }
    e
}

/// Valid safetensors of CALNet's shapes, cut short inside the header or inside the data.
#[test]
fn truncated_safetensors() {
    let dir = tempfile::tempdir().unwrap();
    let tensors: Vec<NamedTensor> = STATE_DICT
        .iter()
        .map(|(k, s)| NamedTensor::filled(k, s, 0.5))
        .collect();
    let whole = dir.path().join("whole.safetensors");
    calnet_model::write_safetensors(&tensors, &whole).unwrap();
    let bytes = std::fs::read(&whole).unwrap();
    for (name, keep) in [
        ("header.safetensors", 100),
        ("data.safetensors", bytes.len() - 4),
    ] {
        let cut = dir.path().join(name);
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let e = load(&cut);
        assert!(matches!(e, ModelError::Safetensors { .. }), "{e:?}");
        assert!(e.to_string().contains(name), "{e}");
    }
    // The whole file loads.
    let options = ClassifierOptions {
        device: DeviceSpec::Cpu,
        batch_size: 1,
        threads: Some(1),
    };
    assert!(Classifier::load(&whole, options).is_ok());
}

#[test]
fn integer_tensors_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut tensors: Vec<NamedTensor> = STATE_DICT
        .iter()
        .map(|(k, s)| NamedTensor::filled(k, s, 0.5))
        .collect();
    // safetensors written by us are float32: patch one dtype in the header to int32.
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let path = dir.path().join("int.safetensors");
    calnet_model::write_safetensors(&tensors, &path).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8(bytes[8..8 + n].to_vec()).unwrap();
    let at = header
        .find("\"fc2.3.bias\":{\"dtype\":\"F32\"")
        .expect("fc2.3.bias in the header");
    let patched = header[..at].to_string() + &header[at..].replacen("F32", "I32", 1);
    bytes.splice(8..8 + n, patched.into_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let e = load(&path);
    assert!(
        matches!(e, ModelError::UnsupportedDtype { ref key, .. } if key == "fc2.3.bias"),
        "{e:?}"
    );
}

#[test]
fn truncated_file() {
    let r = make("other", 1);
    let bytes = std::fs::read(&r.pth).unwrap();
    let cut = r.dir.path().join("cut.pth");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = load(&cut);
    assert!(matches!(e, ModelError::Corrupt { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.pth"), "{e}");
}

#[test]
fn not_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.pth");
    std::fs::write(&p, "lcbranch.0.weight, 1, 2, 3\n").unwrap();
    assert!(matches!(load(&p), ModelError::UnknownFormat { .. }));
    let empty = dir.path().join("empty.pth");
    std::fs::write(&empty, b"").unwrap();
    let e = load(&empty);
    assert!(
        matches!(e, ModelError::UnknownFormat { .. }) && e.to_string().contains("empty"),
        "{e}"
    );
    let missing = dir.path().join("absent.pth");
    assert!(matches!(load(&missing), ModelError::Io { .. }));
}

#[test]
fn zip_without_data_pkl() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("other.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
    w.start_file("archive/readme.txt", zip::write::FileOptions::default())
        .unwrap();
    w.write_all(b"no pickle here").unwrap();
    w.finish().unwrap();
    assert!(matches!(load(&p), ModelError::MissingDataPkl { .. }));
}

#[test]
fn state_dict_of_another_model() {
    let r = make("other", 1);
    let e = load(&r.pth);
    match &e {
        ModelError::MissingKey { key, count, .. } => {
            assert_eq!(key, "lcbranch.0.weight");
            assert_eq!(*count, 42);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("`lcbranch.0.weight`"), "{e}");
}

#[test]
fn whole_pickled_model() {
    let r = make("whole", 1);
    let e = load(&r.pth);
    match &e {
        ModelError::WholeModel { class, .. } => {
            assert!(class.ends_with("CNN_CBAM_LSTM_model"), "{class}")
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("state_dict()"), "{e}");
}

#[test]
fn legacy_non_zip_format() {
    let r = make("legacy", 1);
    assert!(matches!(load(&r.pth), ModelError::LegacyFormat { .. }));
}

#[test]
fn wrong_shape_names_key_and_both_shapes() {
    let r = make("wrongshape", 1);
    let e = load(&r.pth);
    match &e {
        ModelError::ShapeMismatch {
            key,
            expected,
            found,
            ..
        } => {
            assert_eq!(key, "fc2.3.weight");
            assert_eq!(expected, &[2, 1024]);
            assert_eq!(found, &[3, 1024]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("[3, 1024]") && e.to_string().contains("[2, 1024]"),
        "{e}"
    );
}

#[test]
fn missing_and_unexpected_keys() {
    let r = make("missing", 1);
    match load(&r.pth) {
        ModelError::MissingKey { key, count, .. } => {
            assert_eq!((key.as_str(), count), ("fc2.3.bias", 1))
        }
        other => panic!("{other:?}"),
    }
    let r = make("extra", 1);
    match load(&r.pth) {
        ModelError::UnexpectedKey { key, count, .. } => {
            assert_eq!((key.as_str(), count), ("fc3.weight", 1))
        }
        other => panic!("{other:?}"),
    }
}

/// The reader against mutated copies of a real (small) torch.save archive: data.pkl bytes
/// flipped, deleted and truncated, re-zipped so that the zip's CRCs pass. Every outcome must be
/// Ok or a typed error; a panic or an abort fails the test. The cargo-fuzz target
/// `fuzz/fuzz_targets/pth_reader.rs` explores further.
#[test]
fn mutated_pickles_never_panic() {
    let r = make("other", 1);
    let bytes = std::fs::read(&r.pth).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        entries.push((f.name().to_string(), data));
    }
    let pkl_index = entries
        .iter()
        .position(|(n, _)| n.ends_with("/data.pkl"))
        .unwrap();
    let original = entries[pkl_index].1.clone();
    assert!(pth::read_state_dict(Cursor::new(&bytes), "original").is_ok());

    // A fixed-seed xorshift: reproducible mutations without a dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut err) = (0, 0);
    for round in 0..3000 {
        let mut pkl = original.clone();
        match round % 3 {
            0 => {
                for _ in 0..1 + next() % 4 {
                    let i = (next() as usize) % pkl.len();
                    pkl[i] = next() as u8;
                }
            }
            1 => {
                let i = (next() as usize) % pkl.len();
                let n = 1 + (next() as usize) % 8;
                pkl.drain(i..(i + n).min(pkl.len()));
            }
            _ => pkl.truncate((next() as usize) % pkl.len()),
        }
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::FileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (i, (name, data)) in entries.iter().enumerate() {
                w.start_file(name.as_str(), opts).unwrap();
                w.write_all(if i == pkl_index { &pkl } else { data })
                    .unwrap();
            }
            w.finish().unwrap();
        }
        match pth::read_state_dict(Cursor::new(out.into_inner()), "mutant") {
            Ok(sd) => {
                // Whatever was accepted must materialise without reading out of bounds.
                for t in &sd.tensors {
                    let _ = sd.tensor(t);
                }
                ok += 1;
            }
            Err(_) => err += 1,
        }
    }
    assert!(err > 0 && ok + err == 3000);
}
