//! Forward time per segment of the CALNet network on the CPU, for scripts/bench_model.py.
//!
//!     cargo run --release -p calnet-model --example bench_forward -- THREADS BATCH...
//!
//! Prints `batch,ms_per_segment` lines (the median of several timed forwards after a warm-up).
use std::time::Instant;

use calnet_model::tch::{self, nn::VarStore, Device, Kind, Tensor};
use calnet_model::CalNet;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("integers"))
        .collect();
    let (threads, batches) = args
        .split_first()
        .expect("usage: bench_forward THREADS BATCH...");
    tch::set_num_threads(*threads as i32);
    tch::manual_seed(0);
    let vs = VarStore::new(Device::Cpu);
    let net = CalNet::new(&vs.root());
    for &b in batches {
        let x1 = Tensor::rand([b as i64, 1, 4000], (Kind::Float, Device::Cpu));
        let x2 = Tensor::rand([b as i64, 1, 1000], (Kind::Float, Device::Cpu));
        // About 1.5 s of timed work per batch size, at least 3 repetitions.
        let reps = (192 / b).clamp(3, 50);
        let mut times = Vec::with_capacity(reps);
        for i in 0..reps + 2 {
            let t = Instant::now();
            let p = tch::no_grad(|| net.probabilities(&x1, &x2));
            let _ = p.double_value(&[0, 1]);
            if i >= 2 {
                times.push(t.elapsed().as_secs_f64());
            }
        }
        times.sort_by(f64::total_cmp);
        println!("{b},{}", 1e3 * times[times.len() / 2] / b as f64);
    }
}
