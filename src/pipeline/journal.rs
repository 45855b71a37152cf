//! The run's journal: one JSON line per finished file, appended and synced to disk before the
//! next, so a run killed at any moment loses at most the files in flight.
//!
//! The first line is a [`RunHeader`]: what the run classifies and how. A rerun into the same
//! folder reads the journal back, refuses it when the header differs (other inputs, weights,
//! threshold, ...), drops a last line cut short by the kill, and carries on with the files
//! that have no line yet. The outputs are always rebuilt from the journal, never from memory,
//! so an interrupted-and-resumed run and a clean one write the same bytes.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Shard};
use crate::catalog::FileRecord;

/// The journal's file name inside a run's output folder.
pub const JOURNAL: &str = "journal.jsonl";

/// Version of the journal's layout; a journal of another version is refused.
pub const FORMAT: u32 = 1;

/// Everything that decides a run's outputs. Two runs with equal headers write the same files;
/// shards of one run differ only in `shard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    /// [`FORMAT`].
    pub format: u32,
    /// Number of inputs of the whole run (all shards).
    pub inputs: usize,
    /// SHA-256 of the whole run's input list (paths, one per line, in order).
    pub inputs_sha256: String,
    /// The part of the inputs this run classifies, if sharded.
    pub shard: Option<Shard>,
    /// SHA-256 of the weights file.
    pub weights_sha256: String,
    /// The engine the network ran on (`native`, `tch-cpu`, `tch-cuda:0`): engines and devices
    /// round differently.
    pub device: String,
    /// libtorch: segments per forward pass (every pass is padded to this size, so a segment's
    /// p_eb does not depend on which others share its batch; libtorch's kernels do depend on
    /// the size). 0 for the native engine, whose p_eb does not depend on it.
    pub batch: usize,
    /// libtorch's CPU threads: they too change the last bits of p_eb. 0 for the native engine,
    /// whose p_eb does not depend on them.
    pub threads: usize,
    /// The p_eb above which a segment is an EB candidate.
    pub threshold: f32,
    /// Which files get a vetting sheet.
    pub plots: String,
    /// The feature configuration, as debug text.
    pub features: String,
}

impl RunHeader {
    /// Whether `other` describes another part of the same run.
    pub fn same_run(&self, other: &RunHeader) -> bool {
        let strip = |h: &RunHeader| RunHeader {
            shard: None,
            ..h.clone()
        };
        strip(self) == strip(other)
    }

    /// The first field in which two headers differ, for error messages.
    pub fn first_difference(&self, other: &RunHeader) -> Option<&'static str> {
        let fields: [(&str, bool); 11] = [
            ("format", self.format == other.format),
            ("inputs", self.inputs == other.inputs),
            ("input list", self.inputs_sha256 == other.inputs_sha256),
            ("shard", self.shard == other.shard),
            ("weights", self.weights_sha256 == other.weights_sha256),
            ("device", self.device == other.device),
            ("batch", self.batch == other.batch),
            ("libtorch thread count", self.threads == other.threads),
            (
                "threshold",
                self.threshold.to_bits() == other.threshold.to_bits(),
            ),
            ("plots", self.plots == other.plots),
            ("features", self.features == other.features),
        ];
        fields.iter().find(|(_, same)| !same).map(|(name, _)| *name)
    }
}

/// An open journal, positioned for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens `dir/journal.jsonl`, creating it with `header` when absent. Returns the journal
    /// and the records already in it (a last line cut short by a crash is removed).
    pub fn open(dir: &Path, header: &RunHeader) -> Result<(Journal, Vec<FileRecord>), Error> {
        let path = dir.join(JOURNAL);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        if !path.exists() {
            // Write the header into a temporary file and rename it, so a journal that exists
            // always has its header.
            let mut line = serde_json::to_vec(header).map_err(|e| Error::Journal {
                path: path.clone(),
                line: 1,
                reason: e.to_string(),
            })?;
            line.push(b'\n');
            crate::catalog::write_atomic(&path, &line)?;
        }
        let (found, records, good_len) = read(&path)?;
        if let Some(field) = header.first_difference(&found) {
            return Err(Error::OtherRun {
                path,
                field: field.to_string(),
            });
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        // Drop a torn last line (the kill came in the middle of a write).
        if file.metadata().map_err(io)?.len() != good_len {
            file.set_len(good_len).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok((Journal { path, file }, records))
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&mut self, record: &FileRecord) -> Result<(), Error> {
        let mut line = serde_json::to_vec(record).map_err(|e| Error::Journal {
            path: self.path.clone(),
            line: 0,
            reason: e.to_string(),
        })?;
        line.push(b'\n');
        let io = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads a journal: its header, its complete records, and the byte length of the part that
/// holds them (a torn last line starts after it).
pub fn read(path: &Path) -> Result<(RunHeader, Vec<FileRecord>, u64), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io)?);
    let bad = |line: usize, reason: String| Error::Journal {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut buf = Vec::new();
    let mut header = None;
    let mut records = Vec::new();
    let mut good_len = 0u64;
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.last() != Some(&b'\n') {
            // Torn last line: it was being written when the run stopped.
            break;
        }
        let text = &buf[..n - 1];
        if header.is_none() {
            header = Some(
                serde_json::from_slice::<RunHeader>(text)
                    .map_err(|e| bad(line_no, format!("not a run header: {e}")))?,
            );
        } else {
            records.push(
                serde_json::from_slice::<FileRecord>(text)
                    .map_err(|e| bad(line_no, e.to_string()))?,
            );
        }
        good_len += n as u64;
    }
    let header = header.ok_or_else(|| bad(1, "empty journal (no run header)".into()))?;
    if header.format != FORMAT {
        return Err(bad(
            1,
            format!(
                "journal format {} (this tool writes {FORMAT})",
                header.format
            ),
        ));
    }
    Ok((header, records, good_len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Outcome;

    fn header() -> RunHeader {
        RunHeader {
            format: FORMAT,
            inputs: 3,
            inputs_sha256: "ab".into(),
            shard: None,
            weights_sha256: "cd".into(),
            device: "Cpu".into(),
            batch: 64,
            threads: 2,
            threshold: 0.5,
            plots: "candidates".into(),
            features: "reference".into(),
        }
    }

    fn record(index: usize) -> FileRecord {
        FileRecord {
            index,
            file: format!("f{index}.fits"),
            outcome: Outcome::Failed {
                reason: "broken".into(),
            },
        }
    }

    #[test]
    fn records_survive_a_reopen_and_a_torn_line_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, found) = Journal::open(dir.path(), &header()).unwrap();
        assert!(found.is_empty());
        j.append(&record(2)).unwrap();
        j.append(&record(0)).unwrap();
        drop(j);
        // A kill in the middle of a write leaves part of a line.
        let path = dir.path().join(JOURNAL);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"index":1,"file":"f1.fi"#).unwrap();
        drop(f);
        let (mut j, found) = Journal::open(dir.path(), &header()).unwrap();
        assert_eq!(found, [record(2), record(0)]);
        j.append(&record(1)).unwrap();
        drop(j);
        let (_, found, _) = read(&path).unwrap();
        assert_eq!(found, [record(2), record(0), record(1)]);
    }

    #[test]
    fn another_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        Journal::open(dir.path(), &header()).unwrap();
        let other = RunHeader {
            threshold: 0.9,
            ..header()
        };
        let err = Journal::open(dir.path(), &other).unwrap_err();
        assert!(err.to_string().contains("threshold"), "{err}");
        let shard = RunHeader {
            shard: Some("1/2".parse().unwrap()),
            ..header()
        };
        assert!(shard.same_run(&header()));
        assert!(!other.same_run(&header()));
    }

    #[test]
    fn a_corrupt_line_in_the_middle_is_an_error_with_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path(), &header()).unwrap();
        j.append(&record(0)).unwrap();
        drop(j);
        let path = dir.path().join(JOURNAL);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"garbage\n").unwrap();
        drop(f);
        let err = Journal::open(dir.path(), &header()).unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }
}
