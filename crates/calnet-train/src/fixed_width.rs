//! Tables in astropy's `ascii.fixed_width_two_line` layout (the layout of CALNet's
//! `training_samples.dat` and of the `catalog.dat` that `calnet classify` writes, through
//! `calnet::catalog::Catalog`): a line of column names, a line of `-` runs marking each
//! column's extent, then one row per line.

use std::path::Path;

use crate::error::{Result, TrainError};

/// A table read from a `fixed_width_two_line` file; every cell is kept as trimmed text.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedWidthTable {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Rows of cells, one cell per column (empty when blank).
    pub rows: Vec<Vec<String>>,
}

impl FixedWidthTable {
    /// Reads a table file (a catalog, for example).
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("eb.dat");
    /// std::fs::write(&path, "  TIC class\n----- -----\n   12    EA\n  345\n").unwrap();
    /// let cat = calnet_train::FixedWidthTable::read(&path).unwrap();
    /// assert_eq!(cat.tics(&path).unwrap(), vec![12, 345]);
    /// assert_eq!(cat.column("class").unwrap(), vec!["EA", ""]);
    /// ```
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
        Self::parse(&text).map_err(|(line, reason)| TrainError::Catalog {
            path: path.to_owned(),
            line,
            reason,
        })
    }

    /// Parses catalog text; the error is (1-based line, reason).
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let (_, header) = lines.next().ok_or((1, "empty catalog".to_string()))?;
        let (pos_no, position) = lines.next().ok_or((
            2,
            "no position line (`----- ---`) under the header".to_string(),
        ))?;
        if position.chars().any(|c| c != '-' && c != ' ') {
            return Err((
                pos_no + 1,
                "the position line may hold only `-` and spaces".to_string(),
            ));
        }
        // Each run of '-' is one column: [start, end) in bytes (the file is ASCII by format).
        let mut spans = Vec::new();
        let bytes = position.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'-' {
                let start = i;
                while i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
                spans.push((start, i));
            } else {
                i += 1;
            }
        }
        if spans.is_empty() {
            return Err((pos_no + 1, "the position line marks no column".to_string()));
        }
        let cell = |line: &str, k: usize| -> String {
            let (start, end) = spans[k];
            // The last column runs to the end of the line, as astropy reads it.
            let end = if k + 1 == spans.len() {
                line.len()
            } else {
                end
            };
            line.get(start.min(line.len())..end.min(line.len()))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let columns: Vec<String> = (0..spans.len()).map(|k| cell(header, k)).collect();
        if let Some(k) = columns.iter().position(|c| c.is_empty()) {
            return Err((1, format!("column {} has no name in the header", k + 1)));
        }
        let rows = lines
            .map(|(_, l)| (0..spans.len()).map(|k| cell(l, k)).collect())
            .collect();
        Ok(FixedWidthTable { columns, rows })
    }

    /// The cells of a column (name matched without regard to case).
    pub fn column(&self, name: &str) -> Option<Vec<&str>> {
        let k = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))?;
        Some(self.rows.iter().map(|r| r[k].as_str()).collect())
    }

    /// The `tic` column as numbers (`TIC` in the original CALNet's catalogs: names match
    /// whatever their case); `path` only names the file in errors.
    pub fn tics(&self, path: &Path) -> Result<Vec<u64>> {
        let bad = |line: usize, reason: String| TrainError::Catalog {
            path: path.to_owned(),
            line,
            reason,
        };
        let col = self
            .column("TIC")
            .ok_or_else(|| bad(1, "no `tic` (or `TIC`) column".into()))?;
        col.iter()
            .enumerate()
            .map(|(i, s)| {
                s.parse()
                    .map_err(|_| bad(i + 3, format!("tic `{s}` is not a number")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_catalogs_are_errors() {
        assert!(FixedWidthTable::parse("").is_err());
        assert!(FixedWidthTable::parse("TIC\n").is_err());
        assert_eq!(FixedWidthTable::parse("TIC\n--x\n1\n").unwrap_err().0, 2);
        let c = FixedWidthTable::parse("TIC\n---\nabc\n").unwrap();
        assert!(c
            .tics(Path::new("x.dat"))
            .unwrap_err()
            .to_string()
            .contains("line 3"));
        // calnet classify's catalog.dat names the column `tic`.
        let ours = FixedWidthTable::parse("  tic sectors\n----- -------\n   12       4\n").unwrap();
        assert_eq!(ours.tics(Path::new("catalog.dat")).unwrap(), vec![12]);
    }
}
