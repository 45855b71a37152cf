//! Reading one real SPOC 2-min light curve (CW Eri, sector 31: 18,314 rows).
//!
//! `scripts/bench/bench_read.py` runs this and astropy's `fits.getdata` on the same file in one go;
//! the figures are in docs/performance.md ("Reading FITS").

use criterion::{criterion_group, criterion_main, Criterion};

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/lc/tess2020294194027-s0031-0000000098853987-0198-s_lc.fits"
);

fn read(c: &mut Criterion) {
    let mut g = c.benchmark_group("read");
    // What every caller uses: open, headers, product detection, TIME, PDCSAP_FLUX(+_ERR),
    // QUALITY, CADENCENO.
    g.bench_function("tess_io_read_2min", |b| {
        b.iter(|| tess_io::read(std::hint::black_box(FILE)).unwrap())
    });
    // Reading plus the reference's QUALITY == 0 / NaN cut.
    g.bench_function("tess_io_read_and_mask_2min", |b| {
        b.iter(|| {
            let lc = tess_io::read(std::hint::black_box(FILE)).unwrap();
            lc.apply_quality(tess_io::QualityMask::Reference)
        })
    });
    g.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
