//! Criterion benchmarks of the `gls` kernels: N = 1e3, 9.4e3, 2e4, 1e5 points on CALNet's
//! 1000-period grid, and N = 9.4e3 on a 1e5-point regular grid; each kernel; 1 and 2 threads
//! (a batch of 2 light curves on a pool of that many threads; throughput per periodogram).
//!
//! `cargo bench --bench gls` (add `-- fast` to run only the fast kernel's cases). The one-line
//! summary used in docs/performance.md comes from `examples/gls_bench.rs`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gls::{batch, FrequencyGrid, Method, Periodogram};
use std::time::Duration;

include!("support/tess_like.rs");

fn case(
    c: &mut Criterion,
    group: &str,
    grid: &FrequencyGrid,
    n: usize,
    kernels: &[(&str, Method)],
) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let curves: Vec<_> = (0..2).map(|s| tess_like(n, s)).collect();
    for &threads in &[1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for &(name, method) in kernels {
            let jobs: Vec<Periodogram> = curves
                .iter()
                .map(|(t, y)| Periodogram::new(t, y).unwrap().method(method))
                .collect();
            g.throughput(Throughput::Elements(jobs.len() as u64));
            g.bench_function(
                BenchmarkId::new(name, format!("n={n}/threads={threads}")),
                |b| b.iter(|| pool.install(|| batch(&jobs, grid))),
            );
        }
    }
    g.finish();
}

fn kernels(c: &mut Criterion) {
    let calnet = FrequencyGrid::calnet();
    for n in [1000, 9400, 20_000, 100_000] {
        let mut k = vec![
            ("fast", Method::Fast),
            ("direct", Method::Direct),
            ("recurrence", Method::Recurrence),
        ];
        if n <= 1000 {
            k.push(("naive", Method::Naive));
        }
        case(c, "gls/calnet", &calnet, n, &k);
    }
    let regular = FrequencyGrid::regular(360.0 / 1e5, 360.0, 100_000).unwrap();
    case(
        c,
        "gls/regular1e5",
        &regular,
        9400,
        &[("fast", Method::Fast)],
    );
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotters backend needs system fonts, which these machines lack.
    config = Criterion::default().without_plots();
    targets = kernels
}
criterion_main!(benches);
