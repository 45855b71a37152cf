//! Simulate a labelled set without the `calnet` binary (and without libtorch), e.g. to time
//! the simulator alone:
//!
//! ```sh
//! cargo run --release -p lc-sim --example simulate_set -- 1000 /tmp/sim 1 2
//! ```
//!
//! Arguments: number of light curves, output folder, seed, worker threads, and `sim-only` to
//! skip writing (to separate simulation from file-writing time).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(Ok(100), |s| s.parse())?;
    let out = std::path::PathBuf::from(args.get(1).map_or("sim", String::as_str));
    let seed: u64 = args.get(2).map_or(Ok(1), |s| s.parse())?;
    let threads: usize = args.get(3).map_or(Ok(2), |s| s.parse())?;
    let sim_only_mode = args.get(4).is_some_and(|a| a == "sim-only");
    let cfg = lc_sim::SimConfig {
        threads: Some(threads),
        ..Default::default()
    };
    if sim_only_mode {
        let start = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        pool.install(|| {
            use rayon::prelude::*;
            (0..n as u64)
                .into_par_iter()
                .try_for_each(|i| lc_sim::simulate_one(&cfg, seed, i).map(|_| ()))
        })?;
        let s = start.elapsed().as_secs_f64();
        println!("{n} light curves with {threads} threads: {s:.1} s simulated, not written");
        return Ok(());
    }
    let start = Instant::now();
    let rows = lc_sim::simulate_to_dir(&cfg, &out, seed, n, &|_| {})?;
    let s = start.elapsed().as_secs_f64();
    println!(
        "{} light curves with {threads} threads: {s:.1} s simulated and written ({:.1} ms each)",
        rows.len(),
        1e3 * s / n as f64
    );
    Ok(())
}
