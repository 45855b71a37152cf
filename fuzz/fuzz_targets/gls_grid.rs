//! Any grid bounds, grid size, times and method: building the grid and computing the
//! periodogram must return `Ok` or `Err` at once, never panic, abort, hang or allocate from an
//! absurd size (`--fmax 1e300`, `--n 1e11` and one TIME of 1e300 once hung or aborted).
#![no_main]

use gls::{FrequencyGrid, Method, Periodogram};
use libfuzzer_sys::fuzz_target;

fn f64_at(data: &[u8], k: usize) -> f64 {
    let mut b = [0u8; 8];
    for (i, x) in b.iter_mut().enumerate() {
        *x = data.get(k * 8 + i).copied().unwrap_or(0);
    }
    f64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 26 {
        return;
    }
    let (fmin, fmax) = (f64_at(data, 0), f64_at(data, 1));
    let n = u64::from_le_bytes(data[16..24].try_into().unwrap()) as usize;
    let method = [
        Method::Auto,
        Method::Naive,
        Method::Direct,
        Method::Recurrence,
        Method::Fast,
    ][data[24] as usize % 5];
    let log = data[25] & 1 == 1;
    let grid = if log {
        FrequencyGrid::log_period(fmin, fmax, n)
    } else {
        FrequencyGrid::regular(fmin, fmax, n)
    };
    let Ok(grid) = grid else { return };
    assert!(grid.len() <= gls::MAX_GRID_POINTS);
    // Times from the rest of the input (at most 64 points), a fixed signal.
    let t: Vec<f64> = (0..((data.len() - 26) / 8).min(64))
        .map(|k| f64_at(&data[26..], k))
        .collect();
    let y: Vec<f64> = (0..t.len()).map(|i| ((i * 7919) % 13) as f64).collect();
    let Ok(p) = Periodogram::new(&t, &y) else {
        return;
    };
    // Keep each input quick: work the library accepts on purpose is merely slow, and timed
    // out under the sanitizers on a loaded machine. A kernel that visits every point-frequency
    // pair costs grid size × points (3.4 million frequencies took seconds); the fast kernel's
    // FFT grows with the cycles across the span, about 16 points per cycle (1.4 million cycles
    // planned an FFT of 25 million points: 15 s). Beyond twice the cycles its FFT limit allows
    // (`MAX_FFT_LEN` / 16) it must refuse at once, so those inputs still run.
    if grid.len() * t.len() > 2_000_000 && method != Method::Fast {
        return;
    }
    let span = t.iter().fold(f64::NEG_INFINITY, |a, &x| a.max(x))
        - t.iter().fold(f64::INFINITY, |a, &x| a.min(x));
    let f_max = grid
        .frequencies()
        .iter()
        .fold(0.0f64, |a, &f| a.max(f.abs()));
    let cycles = span * f_max;
    if cycles > 1e5 && cycles <= gls::MAX_FFT_LEN as f64 / 8.0 && method == Method::Fast {
        return;
    }
    if let Ok(r) = p.method(method).compute(&grid) {
        assert_eq!(r.power.len(), grid.len());
    }
});
