//! Forward time per segment of the CALNet network on the CPU, for scripts/bench/bench_model.py.
//!
//!     cargo run --release -p calnet-model --features torch --example bench_forward -- \
//!         ENGINE THREADS BATCH...
//!
//! ENGINE is `native` or `tch` (the latter needs the `torch` feature). Prints
//! `batch,ms_per_segment` lines: the median of several timed forwards after two warm-up passes,
//! on random weights and inputs (the time does not depend on their values).
use std::time::Instant;

/// One forward pass over `(light curves, periodograms)`.
type Forward = Box<dyn Fn(&[f32], &[f32])>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bench_forward native|tch THREADS BATCH...";
    let (engine, rest) = args.split_first().expect(usage);
    let nums: Vec<usize> = rest.iter().map(|a| a.parse().expect(usage)).collect();
    let (&threads, batches) = nums.split_first().expect(usage);
    let forward: Forward = match engine.as_str() {
        "native" => native(threads),
        "tch" => torch(threads),
        other => panic!("engine {other}: {usage}"),
    };
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut uniform = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 40) as f32 / (1u64 << 24) as f32
            })
            .collect()
    };
    for &b in batches {
        let (x1, x2) = (uniform(b * 4000), uniform(b * 1000));
        // About 1.5 s of timed work per batch size, at least 3 repetitions.
        let reps = (192 / b).clamp(3, 50);
        let mut times = Vec::with_capacity(reps);
        for i in 0..reps + 2 {
            let t = Instant::now();
            forward(&x1, &x2);
            if i >= 2 {
                times.push(t.elapsed().as_secs_f64());
            }
        }
        times.sort_by(f64::total_cmp);
        println!("{b},{}", 1e3 * times[times.len() / 2] / b as f64);
    }
}

fn native(threads: usize) -> Forward {
    use calnet_model::{native::Network, NamedTensor, STATE_DICT};
    // Small weights of the right shapes: the time does not depend on their values.
    let tensors = STATE_DICT
        .iter()
        .enumerate()
        .map(|(i, (k, s))| NamedTensor::filled(k, s, 0.01 * (i % 5) as f32 - 0.02))
        .collect();
    let net = Network::new(tensors);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    Box::new(move |x1, x2| {
        std::hint::black_box(pool.install(|| net.predict(x1, x2)));
    })
}

#[cfg(feature = "torch")]
fn torch(threads: usize) -> Forward {
    use calnet_model::tch::{self, nn::VarStore, Device, Tensor};
    tch::set_num_threads(threads as i32);
    tch::manual_seed(0);
    let vs = VarStore::new(Device::Cpu);
    let net = calnet_model::CalNet::new(&vs.root());
    Box::new(move |x1, x2| {
        let b = (x1.len() / 4000) as i64;
        let x1 = Tensor::from_slice(x1).view([b, 1, 4000]);
        let x2 = Tensor::from_slice(x2).view([b, 1, 1000]);
        let p = tch::no_grad(|| net.probabilities(&x1, &x2));
        let _ = p.double_value(&[0, 1]);
        let _keep = &vs;
    })
}

#[cfg(not(feature = "torch"))]
fn torch(_threads: usize) -> Forward {
    panic!("the tch engine needs the `torch` feature: --features torch")
}
