//! Joining the output folders of the shards of one run.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use super::journal::{self, RunHeader, JOURNAL};
use super::{in_order, summarise, Error, Progress, Summary, SHEETS};
use crate::catalog::{self, FileRecord, Outcome};

/// Joins the output folders of shards `1/N` ... `N/N` of one run into `out`, which then holds
/// exactly what one unsharded run writes: `segments.csv`, `skipped.csv`, `failures.csv`,
/// `catalog.csv`, `catalog.dat`, the sheets, and a journal (so that `calnet classify` with the
/// same inputs and `--out` finds the run complete).
///
/// Refuses folders of different runs (other inputs, weights, threshold...), a missing shard,
/// a shard given twice, and an unfinished shard (rerun its command to finish it first).
pub fn merge<P: AsRef<Path>>(dirs: &[P], out: &Path) -> Result<Summary, Error> {
    let started = Instant::now();
    let merge_err = |dir: &Path, reason: String| Error::Merge {
        dir: dir.to_path_buf(),
        reason,
    };
    let first = dirs
        .first()
        .ok_or_else(|| merge_err(out, "no shard folders given".into()))?
        .as_ref();
    let mut parts: Vec<(&Path, RunHeader, Vec<FileRecord>)> = Vec::new();
    for dir in dirs {
        let dir = dir.as_ref();
        if same_folder(dir, out) {
            return Err(merge_err(
                dir,
                "the output folder is one of the shards".into(),
            ));
        }
        let (header, records, _) = journal::read(&dir.join(JOURNAL))?;
        parts.push((dir, header, records));
    }
    let reference = parts[0].1.clone();
    let count = reference.shard.map_or(1, |s| s.count);
    let mut seen = BTreeSet::new();
    for (dir, header, records) in &parts {
        if !header.same_run(&reference) {
            let field = header.first_difference(&reference).unwrap_or("settings");
            return Err(merge_err(
                dir,
                format!("another run than {} (its {field} differs)", first.display()),
            ));
        }
        let shard = header.shard;
        if shard.map_or(1, |s| s.count) != count {
            return Err(merge_err(dir, format!("not one of {count} shards")));
        }
        let k = shard.map_or(1, |s| s.index);
        if !seen.insert(k) {
            return Err(merge_err(dir, format!("shard {k}/{count} given twice")));
        }
        let done: BTreeSet<usize> = records.iter().map(|r| r.index).collect();
        let expected = (0..header.inputs).filter(|&i| shard.is_none_or(|s| s.contains(i)));
        let missing = expected.filter(|i| !done.contains(i)).count();
        if missing > 0 {
            return Err(merge_err(
                dir,
                format!(
                    "shard {k}/{count} is unfinished ({missing} files without a result); \
                     rerun its command to finish it"
                ),
            ));
        }
    }
    let absent: Vec<String> = (1..=count)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !absent.is_empty() {
        return Err(merge_err(
            first,
            format!("shards missing: {}", absent.join(", ")),
        ));
    }

    std::fs::create_dir_all(out.join(SHEETS)).map_err(|source| Error::Io {
        path: out.join(SHEETS),
        source,
    })?;
    let _lock = super::lock::RunLock::acquire(out)?;
    let merged_header = RunHeader {
        shard: None,
        ..reference.clone()
    };
    // Like classify: a folder holding another run is not overwritten (only the same run's
    // outputs, from an earlier merge or an unsharded run, are written again).
    let existing = out.join(JOURNAL);
    if existing.exists() {
        let (found, _, _) = journal::read(&existing)?;
        if let Some(field) = merged_header.first_difference(&found) {
            return Err(Error::OtherRun {
                path: existing,
                field: field.to_string(),
            });
        }
    }
    let mut all = Vec::new();
    for (dir, header, records) in parts {
        for r in records {
            if r.index < header.inputs && header.shard.is_none_or(|s| s.contains(r.index)) {
                if let Outcome::Classified(c) = &r.outcome {
                    if let Some(name) = &c.sheet {
                        let from = dir.join(SHEETS).join(name);
                        let bytes = std::fs::read(&from)
                            .map_err(|source| Error::Io { path: from, source })?;
                        catalog::write_atomic(&out.join(SHEETS).join(name), &bytes)?;
                    }
                }
                all.push(r);
            }
        }
    }
    let records = in_order(all);
    let header = merged_header;
    let mut text = serde_json::to_vec(&header).map_err(|e| Error::Journal {
        path: out.join(JOURNAL),
        line: 1,
        reason: e.to_string(),
    })?;
    text.push(b'\n');
    for r in &records {
        serde_json::to_writer(&mut text, r).map_err(|e| Error::Journal {
            path: out.join(JOURNAL),
            line: 0,
            reason: e.to_string(),
        })?;
        text.push(b'\n');
    }
    catalog::write_atomic(&out.join(JOURNAL), &text)?;
    let catalog = catalog::write_outputs(out, &records, header.threshold)?;
    let progress = Progress {
        files_total: records.len(),
        files_done: records.len(),
        files_resumed: records.len(),
        ..Progress::default()
    };
    Ok(summarise(
        &records,
        &catalog,
        header.threshold,
        &progress,
        started,
        out,
    ))
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
