//! Seeded random CALNet weights for tests (feature `torch`): the same file in every test and
//! every run. Only test binaries of packages that link libtorch (and whose build script calls
//! `calnet_build::link_libtorch`) depend on it.
//!
//! A dev-dependency only (`publish = false`).
#![deny(missing_docs)]

/// Seeded random CALNet weights (libtorch's initialisation after `manual_seed(7)`), written as
/// `dir/random.safetensors`.
#[cfg(feature = "torch")]
pub fn random_weights(dir: &std::path::Path) -> std::path::PathBuf {
    use calnet_model::{tch, CalNet};
    // libtorch's generator is one per process and tests run on parallel threads: without the
    // lock another test's initialisation could draw between the seed and this one's.
    static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _seeded = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    tch::manual_seed(7);
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let _net = CalNet::new(&vs.root());
    let path = dir.join("random.safetensors");
    calnet_model::save_safetensors(&vs, &path).expect("writing random weights");
    path
}
