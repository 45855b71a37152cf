// What vetting costs in a finished `calnet classify` run: rebuilds the catalog from the run's
// journal and times `calnet::vet::vet_catalog` (reading each target's files again and folding
// them, as the run does before writing the catalog), and the vetting of each sheet's file (the
// writer thread's extra work for a sheet: the file is already in memory there, so its reading
// is timed apart). Prints the medians of REPS repetitions, milliseconds.
//
// `cargo run --example vet_cost -- RUN_DIR [REPS]`   (docs/performance.md, "Vetting")
use std::path::Path;
use std::time::Instant;

use calnet::catalog::Catalog;
use calnet::pipeline::journal;
use calnet::vet::{self, Segment};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).ok_or("usage: vet_cost RUN_DIR [REPS]")?);
    let reps: usize = args.get(2).map_or(Ok(5), |s| s.parse())?;
    let (header, records, _) = journal::read(&dir.join(journal::JOURNAL))?;
    let base = Catalog::from_records(&records, header.threshold);

    let mut catalog_ms = Vec::new();
    for _ in 0..reps {
        let mut catalog = base.clone();
        let t = Instant::now();
        vet::vet_catalog(&mut catalog, &records);
        catalog_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }

    let (mut read_ms, mut sheet_ms) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let (mut read, mut fold) = (0.0, 0.0);
        for r in &records {
            let Some(c) = r.classified().filter(|c| c.sheet.is_some()) else {
                continue;
            };
            let t = Instant::now();
            let lc = tess_io::read(&r.file)?;
            read += t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let points = vet::file_points(&lc, c);
            let segments: Vec<Segment<'_>> = points
                .iter()
                .map(|(time, flux)| Segment { time, flux })
                .collect();
            std::hint::black_box(vet::vet(&segments, c.period.map(|p| p.estimate.period)));
            fold += t.elapsed().as_secs_f64() * 1e3;
        }
        read_ms.push(read);
        sheet_ms.push(fold);
    }
    let sheets = records
        .iter()
        .filter(|r| r.classified().is_some_and(|c| c.sheet.is_some()))
        .count();
    println!(
        "vet_cost targets={} catalog_ms={:.1} sheets={} sheet_vet_ms={:.1} (reading them: {:.1} ms, not part of the cost)",
        base.rows.len(),
        median(catalog_ms),
        sheets,
        median(sheet_ms),
        median(read_ms)
    );
    Ok(())
}
