//! A seed names one initial network whatever the device: the weights are drawn on the CPU and
//! moved. The comparison with CUDA runs only where libtorch finds a GPU (never in CI).

use calnet_train::new_calnet;
use std::sync::Mutex;
use tch::{Device, Tensor};

/// The tests of this file draw from libtorch's global generator: one at a time.
static SEEDING: Mutex<()> = Mutex::new(());

/// Every variable of a fresh network of `seed` on `device`, back on the CPU, by name.
fn initial_weights(device: Device, seed: u64) -> Vec<(String, Tensor)> {
    let _one_at_a_time = SEEDING.lock().unwrap_or_else(|e| e.into_inner());
    let (vs, _net) = new_calnet(device, seed);
    let mut vars: Vec<_> = vs
        .variables()
        .into_iter()
        .map(|(name, t)| (name, t.to_device(Device::Cpu)))
        .collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    vars
}

fn assert_same(a: &[(String, Tensor)], b: &[(String, Tensor)]) {
    assert_eq!(a.len(), b.len());
    for ((name, x), (name_b, y)) in a.iter().zip(b) {
        assert_eq!(name, name_b);
        assert!(x.equal(y), "{name} differs");
    }
}

#[test]
fn a_seed_gives_one_initial_network_and_another_seed_another() {
    tch::set_num_threads(1);
    let a = initial_weights(Device::Cpu, 42);
    assert_same(&a, &initial_weights(Device::Cpu, 42));
    let other = initial_weights(Device::Cpu, 43);
    for ((name, x), (_, y)) in a.iter().zip(&other) {
        if name.contains("weight") {
            assert!(!x.equal(y), "{name} is the same for seeds 42 and 43");
        }
    }
}

#[test]
fn the_initial_network_is_the_same_on_cuda_when_present() {
    if !tch::Cuda::is_available() {
        eprintln!("no CUDA device: the CPU/CUDA comparison did not run");
        return;
    }
    tch::set_num_threads(1);
    let cpu = initial_weights(Device::Cpu, 42);
    let cuda = initial_weights(Device::Cuda(0), 42);
    assert_same(&cpu, &cuda);
    let _one_at_a_time = SEEDING.lock().unwrap_or_else(|e| e.into_inner());
    let (vs, _net) = new_calnet(Device::Cuda(0), 42);
    assert_eq!(vs.variables()["fc2.0.weight"].device(), Device::Cuda(0));
}
