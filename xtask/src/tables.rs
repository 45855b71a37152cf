//! The CSV tables the workflows join: label tables (with a header, columns found by name) and
//! reference-layout feature files (no header, rows kept in order).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Which columns a joined table keeps.
#[derive(Debug, Clone, Copy)]
pub enum Columns<'a> {
    /// Every column of every table, in order of first appearance; a row gets an empty field
    /// under a column its own table lacks.
    All,
    /// These columns, in this order; every table must have them.
    Only(&'a [&'a str]),
}

/// A CSV table read whole: its header and its rows.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> Result<Self> {
        let mut reader =
            csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
        let header: Vec<String> = reader
            .headers()
            .with_context(|| format!("{}: header", path.display()))?
            .iter()
            .map(str::to_owned)
            .collect();
        if let Some(dup) = header
            .iter()
            .enumerate()
            .find_map(|(i, h)| header[..i].contains(h).then_some(h))
        {
            bail!("{}: column {dup:?} appears twice", path.display());
        }
        let rows = reader
            .records()
            .collect::<Result<_, _>>()
            .with_context(|| format!("{}", path.display()))?;
        Ok(Self {
            path: path.to_owned(),
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// Writes `out` as one table of the rows of `inputs`, in order, with the columns `columns` says.
/// Written whole or not at all (a temporary file renamed), since the workflows skip steps whose
/// outputs exist.
pub fn join_tables(out: &Path, inputs: &[PathBuf], columns: Columns) -> Result<()> {
    let tables = inputs
        .iter()
        .map(|p| Table::read(p))
        .collect::<Result<Vec<_>>>()?;
    let header: Vec<String> = match columns {
        Columns::Only(names) => names.iter().map(|&n| n.to_owned()).collect(),
        Columns::All => {
            let mut all: Vec<String> = Vec::new();
            for h in tables.iter().flat_map(|t| &t.header) {
                if !all.contains(h) {
                    all.push(h.clone());
                }
            }
            all
        }
    };
    write_whole(out, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&header)?;
        for t in &tables {
            let at: Vec<Option<usize>> = header.iter().map(|h| t.column(h)).collect();
            if matches!(columns, Columns::Only(_)) {
                if let Some(i) = at.iter().position(Option::is_none) {
                    bail!("{}: no column {:?}", t.path.display(), header[i]);
                }
            }
            for row in &t.rows {
                writer.write_record(at.iter().map(|i| i.map_or("", |i| &row[i])))?;
            }
        }
        writer.flush()?;
        Ok(())
    })
}

/// Writes `out` as the rows of the table `input` whose `column` passes `keep`, header first.
pub fn filter_table(
    out: &Path,
    input: &Path,
    column: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<()> {
    let t = Table::read(input)?;
    let at = t
        .column(column)
        .with_context(|| format!("{}: no column {column:?}", input.display()))?;
    write_whole(out, |w| {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&t.header)?;
        for row in t.rows.iter().filter(|r| keep(&r[at])) {
            writer.write_record(row)?;
        }
        writer.flush()?;
        Ok(())
    })
}

/// The values of two columns of a table, row by row.
pub fn column_pairs(path: &Path, a: &str, b: &str) -> Result<Vec<(String, String)>> {
    let t = Table::read(path)?;
    let col = |name: &str| {
        t.column(name)
            .with_context(|| format!("{}: no column {name:?}", path.display()))
    };
    let (ia, ib) = (col(a)?, col(b)?);
    Ok(t.rows
        .iter()
        .map(|r| (r[ia].to_owned(), r[ib].to_owned()))
        .collect())
}

/// Writes `out` as the files `inputs` one after the other: headerless feature CSVs, whose row
/// order is what pairs a segment's `lc.csv` row with its `gls.csv` row, so nothing is reordered.
/// A file whose last line lacks its newline gets one, so that two rows never run together.
pub fn concat_files(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    write_whole(out, |w| {
        for p in inputs {
            let mut bytes = Vec::new();
            File::open(p)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .with_context(|| format!("{}", p.display()))?;
            w.write_all(&bytes)?;
            if bytes.last().is_some_and(|&b| b != b'\n') {
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    })
}

/// Writes `path` whole or not at all: `write` fills a temporary file in the same folder, which
/// then takes the name (a kill halfway leaves no half-written file for a rerun to trust).
pub fn write_whole(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&File>) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("{}", dir.display()))?;
    let mut w = std::io::BufWriter::new(tmp.as_file());
    write(&mut w).with_context(|| format!("writing {}", path.display()))?;
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    drop(w);
    tmp.persist(path)
        .with_context(|| format!("{}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn tables_with_one_header_join_as_the_first_header_then_every_row() {
        // What the shell's `head -n 1 first; tail -n +2 each` gave, byte for byte.
        let d = tempfile::tempdir().unwrap();
        let a = write(
            d.path(),
            "a.csv",
            "file,tic,label\nx.fits,1,0\ny.fits,2,1\n",
        );
        let b = write(d.path(), "b.csv", "file,tic,label\nz.fits,3,1\n");
        let out = d.path().join("out.csv");
        join_tables(&out, &[a, b], Columns::All).unwrap();
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "file,tic,label\nx.fits,1,0\ny.fits,2,1\nz.fits,3,1\n"
        );
    }

    #[test]
    fn tables_with_differing_columns_join_under_every_column() {
        let d = tempfile::tempdir().unwrap();
        let a = write(d.path(), "a.csv", "file,label,class\nx.fits,1,detached\n");
        let b = write(d.path(), "b.csv", "label,file,period_d\n0,y.fits,2.5\n");
        let out = d.path().join("out.csv");
        join_tables(&out, &[a, b], Columns::All).unwrap();
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "file,label,class,period_d\nx.fits,1,detached,\ny.fits,0,,2.5\n"
        );
    }

    #[test]
    fn named_columns_are_picked_by_header_wherever_they_stand() {
        // A simulated set's labels (file first, label fourth) and a real split's `file,label`,
        // as ffi-train joins them; a quoted field with a comma stays one field.
        let d = tempfile::tempdir().unwrap();
        let sim = write(
            d.path(),
            "sim.csv",
            "file,tic,sector,label,class\nsim-0.fits,9,72,1,\"contact, W UMa\"\n",
        );
        let real = write(d.path(), "real.csv", "file,label\n210.fits,0\n");
        let out = d.path().join("train-labels.csv");
        join_tables(&out, &[sim, real], Columns::Only(&["file", "label"])).unwrap();
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "file,label\nsim-0.fits,1\n210.fits,0\n"
        );
    }

    #[test]
    fn a_missing_column_or_a_ragged_row_names_the_file_and_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let good = write(d.path(), "good.csv", "file,label\nx.fits,1\n");
        let no_label = write(d.path(), "nolabel.csv", "file,tic\nx.fits,1\n");
        let ragged = write(d.path(), "ragged.csv", "file,label\nx.fits,1,2\n");
        let out = d.path().join("out.csv");
        let only = Columns::Only(&["file", "label"]);
        let err = join_tables(&out, &[good.clone(), no_label], only).unwrap_err();
        assert!(
            format!("{err:#}").contains("nolabel.csv: no column \"label\""),
            "{err:#}"
        );
        let err = join_tables(&out, &[good, ragged], Columns::All).unwrap_err();
        assert!(format!("{err:#}").contains("ragged.csv"), "{err:#}");
        let err = join_tables(&out, &[d.path().join("absent.csv")], Columns::All).unwrap_err();
        assert!(format!("{err:#}").contains("absent.csv"), "{err:#}");
        assert!(!out.exists());
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(names.len(), 3, "no temporary file left behind");
    }

    #[test]
    fn feature_files_concatenate_in_order_and_rows_never_run_together() {
        let d = tempfile::tempdir().unwrap();
        let a = write(d.path(), "a.csv", "x.fits_0,0.1,0.2\n");
        let b = write(d.path(), "b.csv", "y.fits_0,0.3,0.4");
        let c = write(d.path(), "c.csv", "");
        let out = d.path().join("lc.csv");
        concat_files(&out, &[b, c, a]).unwrap();
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "y.fits_0,0.3,0.4\nx.fits_0,0.1,0.2\n"
        );
    }

    #[test]
    fn a_filtered_table_keeps_its_header_and_the_rows_that_pass() {
        let d = tempfile::tempdir().unwrap();
        let a = write(
            d.path(),
            "a.csv",
            "file,label,class\nx.fits,0,planet\n\"y,1.fits\",0,rotator\nz.fits,0,flare\n",
        );
        let out = d.path().join("out.csv");
        filter_table(&out, &a, "file", |f| f != "z.fits").unwrap();
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "file,label,class\nx.fits,0,planet\n\"y,1.fits\",0,rotator\n"
        );
        assert_eq!(
            column_pairs(&out, "class", "file").unwrap(),
            [
                ("planet".to_owned(), "x.fits".to_owned()),
                ("rotator".to_owned(), "y,1.fits".to_owned())
            ]
        );
        let e = filter_table(&out, &a, "tic", |_| true).unwrap_err();
        assert!(format!("{e:#}").contains("no column \"tic\""), "{e:#}");
    }
}
