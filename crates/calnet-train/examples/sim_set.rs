//! Writes a simulated, labelled data set exactly as `calnet simulate --n N --seed S --out DIR`
//! does (lc-sim's default configuration), for building the demo weights before that command
//! existed. Usage: `cargo run -p calnet-train --example sim_set -- N SEED DIR`.
fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 {
        eprintln!("usage: sim_set N SEED DIR");
        std::process::exit(2);
    }
    let n: usize = a[1].parse().expect("N");
    let seed: u64 = a[2].parse().expect("SEED");
    let t = std::time::Instant::now();
    let rows = lc_sim::simulate_to_dir(
        &lc_sim::SimConfig::default(),
        a[3].as_ref(),
        seed,
        n,
        &|p| {
            if p.done % 250 == 0 {
                eprintln!(
                    "{}/{} ({:.0} s)",
                    p.done,
                    p.total,
                    t.elapsed().as_secs_f64()
                );
            }
        },
    )
    .unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    for (class, count) in lc_sim::class_counts(&rows) {
        eprintln!("{class}: {count}");
    }
}
