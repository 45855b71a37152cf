// What vetting costs in a finished `calnet classify` run: rebuilds the catalog from the run's
// journal and times `calnet::vet::vet_catalog` (reading each target's files again and folding
// them, as the run does before writing the catalog), and the vetting of each sheet's file (the
// writer thread's extra work for a sheet: the file is already in memory there, so its reading
// is left out). Prints the medians of REPS repetitions in milliseconds of wall time, and the
// process's CPU time per repetition (user + system, from /proc/self/stat on Linux): on a loaded
// machine the CPU time is the steadier figure.
//
// `cargo run --example vet_cost -- RUN_DIR [REPS]`   (docs/performance.md, "Vetting")
use std::path::Path;
use std::time::Instant;

use calnet::catalog::Catalog;
use calnet::pipeline::journal;
use calnet::vet::{self, Segment};

/// User + system CPU time of this process, seconds (Linux; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (in parentheses, which may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel's USER_HZ, 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

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
    let cpu = cpu_seconds();
    for _ in 0..reps {
        let mut catalog = base.clone();
        let t = Instant::now();
        vet::vet_catalog(&mut catalog, &records);
        catalog_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let catalog_cpu = cpu
        .zip(cpu_seconds())
        .map(|(a, b)| (b - a) * 1e3 / reps as f64);

    let mut files = Vec::new();
    for r in &records {
        if let Some(c) = r.classified().filter(|c| c.sheet.is_some()) {
            files.push((tess_io::read(&r.file)?, c));
        }
    }
    let mut sheet_ms = Vec::new();
    let cpu = cpu_seconds();
    for _ in 0..reps {
        let t = Instant::now();
        for (lc, c) in &files {
            let points = vet::file_points(lc, c);
            let segments: Vec<Segment<'_>> = points
                .iter()
                .map(|(time, flux)| Segment { time, flux })
                .collect();
            std::hint::black_box(vet::vet(&segments, c.period.map(|p| p.estimate.period)));
        }
        sheet_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let sheet_cpu = cpu
        .zip(cpu_seconds())
        .map(|(a, b)| (b - a) * 1e3 / reps as f64);
    let ms = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.0}"));
    println!(
        "vet_cost targets={} catalog_wall_ms={:.1} catalog_cpu_ms={} sheets={} sheet_wall_ms={:.1} sheet_cpu_ms={}",
        base.rows.len(),
        median(catalog_ms),
        ms(catalog_cpu),
        files.len(),
        median(sheet_ms),
        ms(sheet_cpu),
    );
    Ok(())
}
