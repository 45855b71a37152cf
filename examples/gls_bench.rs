// Times the `gls` kernels on TESS-like light curves and prints one line per case:
// `gls_bench kernel=<name> n=<N> m=<M> grid=<calnet|regular> threads=<T> seconds=<median>`
// (seconds per periodogram, the median of repeated runs; with T threads, a batch of 4 T light
// curves runs on a pool of T threads and the time is divided by the batch size).
//
// `cargo run --release --example gls_bench [-- --quick]`
use gls::{batch, FrequencyGrid, Method, Periodogram};
use std::time::Instant;

include!("../benches/support/tess_like.rs");

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One case: `(kernel name, method)`, `n` points, `(grid, grid name)`, threads, repetitions.
fn run(
    only: &Option<String>,
    (kernel, method): (&str, Method),
    n: usize,
    (grid, gname): (&FrequencyGrid, &str),
    threads: usize,
    reps: usize,
) {
    if only.as_deref().is_some_and(|o| o != kernel) {
        return;
    }
    let batch_len = 4 * threads;
    let curves: Vec<(Vec<f64>, Vec<f64>)> =
        (0..batch_len as u64).map(|s| tess_like(n, s)).collect();
    let jobs: Vec<Periodogram> = curves
        .iter()
        .map(|(t, y)| Periodogram::new(t, y).unwrap().method(method))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut times = Vec::new();
    pool.install(|| {
        // Warm-up builds the per-thread plans.
        for r in batch(&jobs, grid) {
            r.unwrap();
        }
        for _ in 0..reps {
            let t0 = Instant::now();
            for r in batch(&jobs, grid) {
                r.unwrap();
            }
            times.push(t0.elapsed().as_secs_f64() / batch_len as f64);
        }
    });
    println!(
        "gls_bench kernel={kernel} n={n} m={} grid={gname} threads={threads} seconds={:.6e}",
        grid.len(),
        median(times)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--kernel NAME` runs only that kernel's cases.
    let only = args
        .iter()
        .position(|a| a == "--kernel")
        .and_then(|i| args.get(i + 1).cloned());
    let calnet = FrequencyGrid::calnet();
    let regular = FrequencyGrid::regular(360.0 / 1e5, 360.0, 100_000).unwrap();
    let reps = if quick { 3 } else { 9 };
    let sizes: &[usize] = if quick {
        &[9400]
    } else {
        &[1000, 9400, 20_000, 100_000]
    };
    for &threads in &[1usize, 2] {
        for &n in sizes {
            run(
                &only,
                ("fast", Method::Fast),
                n,
                (&calnet, "calnet"),
                threads,
                reps,
            );
            let direct_reps = if n >= 100_000 { 1 } else { reps.min(5) };
            for exact in [
                ("direct", Method::Direct),
                ("recurrence", Method::Recurrence),
            ] {
                run(&only, exact, n, (&calnet, "calnet"), threads, direct_reps);
            }
        }
        run(
            &only,
            ("fast", Method::Fast),
            9400,
            (&regular, "regular"),
            threads,
            reps,
        );
        if !quick {
            run(
                &only,
                ("direct", Method::Direct),
                9400,
                (&regular, "regular"),
                threads,
                1,
            );
        }
    }
}
