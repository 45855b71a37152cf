//! Label files: a CSV with a header holding a `label` column (1 = EB, 0 = other; `true`/`false`
//! also accepted) and a key column, `file` (matched against the light-curve file's name, any
//! folder part ignored) or `tic` (every file of that TIC). Other columns are ignored, so the
//! simulator's `labels.csv` (`file,tic,sector,label,class,...`) works as it is; when both key
//! columns are present, `file` is used. An optional `class` column (the simulator's class, or a
//! catalog's variability type such as `NV` or `GDOR`) is kept, so that an evaluation can count
//! false positives and recall per class.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Result, TrainError};

/// What a label row names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelKey {
    /// A light-curve file name, without folders.
    File(String),
    /// A TESS Input Catalog identifier.
    Tic(u64),
}

impl std::fmt::Display for LabelKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabelKey::File(s) => write!(f, "file {s}"),
            LabelKey::Tic(t) => write!(f, "TIC {t}"),
        }
    }
}

/// Labels read from a file, keyed by file name or by TIC.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Label (1 = EB, 0 = other) and source line of each key.
    pub map: HashMap<LabelKey, (u8, u64)>,
    /// The `class` of each key whose row names one (no entry without a `class` column).
    pub classes: HashMap<LabelKey, String>,
    /// Where the labels came from (for messages).
    pub source: PathBuf,
}

impl Labels {
    /// Reads a labels CSV.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("labels.csv");
    /// std::fs::write(&path, "file,tic,label\na.fits,1,1\nb.fits,2,0\n").unwrap();
    /// let labels = calnet_train::Labels::read(&path).unwrap();
    /// assert_eq!(labels.lookup("/data/a.fits".as_ref(), Some(1)), Some(1));
    /// ```
    pub fn read(path: &Path) -> Result<Self> {
        let bad = |line: u64, reason: String| TrainError::Csv {
            path: path.to_owned(),
            line,
            reason,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(|e| bad(0, e.to_string()))?;
        let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let label_col = col("label").ok_or_else(|| bad(1, "no `label` column".into()))?;
        let (key_col, by_file) = match (col("file"), col("tic")) {
            (Some(c), _) => (c, true),
            (None, Some(c)) => (c, false),
            (None, None) => return Err(bad(1, "no `file` or `tic` column".into())),
        };
        let class_col = col("class");
        let mut map = HashMap::new();
        let mut classes = HashMap::new();
        for record in reader.records() {
            let record =
                record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line());
            let raw_key = record.get(key_col).unwrap_or("");
            let raw_label = record.get(label_col).unwrap_or("");
            let label = parse_label(raw_label)
                .ok_or_else(|| bad(line, format!("label `{raw_label}` is not 0/1/true/false")))?;
            let key = if by_file {
                let name = Path::new(raw_key)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| bad(line, "empty file name".into()))?;
                LabelKey::File(name.to_owned())
            } else {
                LabelKey::Tic(
                    raw_key
                        .trim_start_matches("TIC")
                        .trim()
                        .parse()
                        .map_err(|_| bad(line, format!("TIC `{raw_key}` is not a number")))?,
                )
            };
            if let Some(&(old, old_line)) = map.get(&key) {
                if old != label {
                    return Err(bad(
                        line,
                        format!("{key} labelled {label} here and {old} on line {old_line}"),
                    ));
                }
                continue;
            }
            let class = class_col.and_then(|c| record.get(c)).unwrap_or("");
            if !class.is_empty() {
                classes.insert(key.clone(), class.to_owned());
            }
            map.insert(key, (label, line));
        }
        Ok(Labels {
            map,
            classes,
            source: path.to_owned(),
        })
    }

    /// Labels from known pairs (for callers that hold labels in memory).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (LabelKey, u8)>) -> Self {
        Labels {
            map: pairs.into_iter().map(|(k, l)| (k, (l, 0))).collect(),
            classes: HashMap::new(),
            source: PathBuf::new(),
        }
    }

    /// Whether the keys are TICs (a file's TIC must then be read before it can be matched).
    pub fn by_tic(&self) -> bool {
        self.map.keys().any(|k| matches!(k, LabelKey::Tic(_)))
    }

    /// The key that labels a file, if any: its name first, then its TIC.
    pub fn key_for(&self, path: &Path, tic: Option<u64>) -> Option<LabelKey> {
        let by_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| LabelKey::File(n.to_owned()));
        by_name
            .filter(|k| self.map.contains_key(k))
            .or_else(|| tic.map(LabelKey::Tic).filter(|k| self.map.contains_key(k)))
    }

    /// The label of a file, if it has one.
    pub fn lookup(&self, path: &Path, tic: Option<u64>) -> Option<u8> {
        self.key_for(path, tic).map(|k| self.map[&k].0)
    }

    /// The class a label row gives its key, if the table has a `class` column.
    pub fn class_of(&self, key: &LabelKey) -> Option<&str> {
        self.classes.get(key).map(String::as_str)
    }

    /// Number of label rows (distinct keys).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no label was read.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

fn parse_label(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "1.0" => Some(1),
        "0" | "false" | "0.0" => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn simulator_layout_reads_by_file() {
        let (_d, p) = write("file,tic,sector,label,class,period_d\nx/a.fits,5,1,1,detached,2.5\nb.fits,6,1,0,planet,3\n");
        let l = Labels::read(&p).unwrap();
        assert_eq!(l.len(), 2);
        assert!(!l.by_tic());
        assert_eq!(l.lookup(Path::new("q/a.fits"), Some(99)), Some(1));
        assert_eq!(l.lookup(Path::new("b.fits"), Some(6)), Some(0));
        assert_eq!(l.lookup(Path::new("c.fits"), Some(6)), None);
        let key = |n: &str| LabelKey::File(n.into());
        assert_eq!(l.class_of(&key("a.fits")), Some("detached"));
        assert_eq!(l.class_of(&key("b.fits")), Some("planet"));
    }

    #[test]
    fn tic_layout() {
        let (_d, p) = write("tic,label\nTIC 12,1\n13,false\n");
        let l = Labels::read(&p).unwrap();
        assert!(l.by_tic());
        assert_eq!(l.lookup(Path::new("any.fits"), Some(12)), Some(1));
        assert_eq!(l.lookup(Path::new("any.fits"), Some(13)), Some(0));
        assert!(l.classes.is_empty(), "no class column, no classes");
    }

    #[test]
    fn an_empty_class_gives_no_class() {
        let (_d, p) = write("file,label,class\na.fits,1,EA\nb.fits,0,\n");
        let l = Labels::read(&p).unwrap();
        assert_eq!(l.class_of(&LabelKey::File("a.fits".into())), Some("EA"));
        assert_eq!(l.class_of(&LabelKey::File("b.fits".into())), None);
        assert_eq!(l.len(), 2);
    }

    #[test]
    fn bad_rows_name_the_line() {
        let (_d, p) = write("file,label\na.fits,1\nb.fits,maybe\n");
        let e = Labels::read(&p).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("maybe"), "{e}");
        let (_d, p) = write("file,label\na.fits,1\na.fits,0\n");
        let e = Labels::read(&p).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
        let (_d, p) = write("name,label\na.fits,1\n");
        assert!(Labels::read(&p)
            .unwrap_err()
            .to_string()
            .contains("`file` or `tic`"));
    }
}
