//! Times `write_spoc` on a real 2-min light curve (CW Eri, sector 31): `cargo run --release
//! -p tess-io --example write_timing`. Figures in docs/performance.md ("Reading FITS").
use std::time::Instant;

fn main() -> Result<(), tess_io::Error> {
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits"
    );
    let lc = tess_io::read(src)?;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut times = Vec::new();
    for i in 0..20 {
        let out = dir.path().join(format!("lc{i}.fits"));
        let t = Instant::now();
        tess_io::write_spoc(&out, &lc)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let mut reads = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        std::hint::black_box(tess_io::read(src)?);
        reads.push(t.elapsed().as_secs_f64() * 1e3);
    }
    reads.sort_by(f64::total_cmp);
    println!(
        "read, {} rows: median {:.2} ms, min {:.2} ms",
        lc.time.len(),
        reads[25],
        reads[0]
    );
    println!(
        "write_spoc, {} rows: median {:.2} ms, min {:.2} ms",
        lc.time.len(),
        times[10],
        times[0]
    );
    Ok(())
}
