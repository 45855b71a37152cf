// TESS-like test data shared by `benches/gls.rs` and `examples/gls_bench.rs` (and mirrored
// value for value by `scripts/bench/bench_gls.py`), so every GLS figure is measured on the same
// data.
// Included with `include!`, not a module: the example is also built from `crates/gls`.

/// 2-minute cadence from BTJD 2000 with a 1-day gap every 13.7 days and every 97th point
/// dropped (as a percentile clip would), a 1.3-day signal plus deterministic noise.
fn tess_like(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut t = Vec::with_capacity(n);
    let mut i = 0u64;
    while t.len() < n {
        let ti = 2000.0 + i as f64 / 720.0;
        i += 1;
        if (ti - 2000.0) % 13.7 > 12.7 || (i + seed) % 97 == 0 {
            continue;
        }
        t.push(ti);
    }
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let y = t
        .iter()
        .map(|&t| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            1.0 + 0.01 * (2.0 * std::f64::consts::PI * t / 1.3).sin() + 0.002 * noise
        })
        .collect();
    (t, y)
}
