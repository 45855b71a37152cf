//! Labelled data sets of segments, from FITS folders (through the feature cache), from a
//! catalog of positives plus a folder of negatives, or from reference-layout feature CSVs.
//!
//! Nothing is dropped silently: label rows that match no file, files without a label, files
//! that cannot be read, files that give no segment, and segments with non-finite values are
//! all counted and named in [`DataReport`].

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::cache::{CacheOutcome, FeatureCache, FeatureSource, FileFeatures, SegmentFeatures};
use crate::error::{Result, TrainError};
use crate::fixed_width::FixedWidthTable;
use crate::labels::{LabelKey, Labels};
use crate::Progress;

/// One labelled light-curve file of a data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFile {
    /// File name (or feature-row name for CSV inputs).
    pub name: String,
    /// Where it was read from, when a file.
    pub path: Option<PathBuf>,
    /// TIC, when known.
    pub tic: Option<u64>,
    /// 1 = EB, 0 = other.
    pub label: u8,
    /// The label table's `class` for this file, when it gives one.
    pub class: Option<String>,
    /// Segments of this file in the data set.
    pub n_segments: usize,
}

/// What happened to every input while building a data set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataReport {
    /// Input files found.
    pub files_found: usize,
    /// Files with a label that gave at least one segment.
    pub files_used: usize,
    /// Files without a label (not used).
    pub unlabelled: Vec<String>,
    /// Label keys (file names or TICs) that matched no input file.
    pub labels_unmatched: Vec<String>,
    /// Files that could not be read or processed: (file, reason).
    pub failed: Vec<(String, String)>,
    /// Labelled files that gave no segment: (file, why each segment was skipped).
    pub no_segment: Vec<(String, Vec<String>)>,
    /// Segments skipped by the feature step (too short, ...), over all used files.
    pub segments_skipped: usize,
    /// Segments dropped because their inputs hold NaN or infinity: (file, segment number).
    pub non_finite: Vec<(String, usize)>,
    /// Feature-cache entries read / computed.
    pub cache_hits: usize,
    /// Feature-cache entries computed (or features computed without a cache).
    pub computed: usize,
}

impl DataReport {
    /// One line per kind of problem with its count, for a summary.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut add = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        };
        add(
            self.labels_unmatched.len(),
            "label rows matched no input file",
        );
        add(self.unlabelled.len(), "input files had no label (not used)");
        add(self.failed.len(), "files could not be read");
        add(self.no_segment.len(), "labelled files gave no segment");
        add(
            self.non_finite.len(),
            "segments had NaN/inf inputs (dropped)",
        );
        out
    }
}

/// Segments with labels, stored row-major for batching.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Light-curve inputs, `len() * lc_len` values.
    pub lc: Vec<f32>,
    /// Periodogram inputs, `len() * gls_len` values.
    pub gls: Vec<f32>,
    /// Length of one light-curve input.
    pub lc_len: usize,
    /// Length of one periodogram input.
    pub gls_len: usize,
    /// Label of each segment.
    pub labels: Vec<u8>,
    /// Index into `files` of each segment.
    pub segment_file: Vec<usize>,
    /// Each segment's number in its light curve ([`SegmentFeatures::index`]).
    pub segment_index: Vec<usize>,
    /// The files, in input order.
    pub files: Vec<DataFile>,
    /// What happened to the inputs.
    pub report: DataReport,
}

impl Dataset {
    /// Number of segments.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there is no segment.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Segments labelled EB.
    pub fn n_positive(&self) -> usize {
        self.labels.iter().filter(|&&l| l == 1).count()
    }

    /// Label of each file.
    pub fn file_labels(&self) -> Vec<u8> {
        self.files.iter().map(|f| f.label).collect()
    }

    /// Segments of the given files, in file order.
    pub fn segments_of(&self, files: &[usize]) -> Vec<usize> {
        let wanted: BTreeSet<usize> = files.iter().copied().collect();
        (0..self.len())
            .filter(|&i| wanted.contains(&self.segment_file[i]))
            .collect()
    }

    /// Errors unless both classes are present (training needs both).
    pub fn check_two_classes(&self) -> Result<()> {
        let pos = self.n_positive();
        if self.is_empty() {
            return Err(TrainError::Data("no labelled segment".into()));
        }
        if pos == 0 || pos == self.len() {
            return Err(TrainError::Data(format!(
                "all {} segments are labelled {}: training needs EBs (1) and others (0)",
                self.len(),
                if pos == 0 { "0 (other)" } else { "1 (EB)" }
            )));
        }
        Ok(())
    }

    fn push_file(
        &mut self,
        name: String,
        path: Option<PathBuf>,
        tic: Option<u64>,
        (label, class): (u8, Option<String>),
        f: FileFeatures,
    ) {
        let file_index = self.files.len();
        let mut n = 0;
        self.report.segments_skipped += f.skipped.len();
        let n_total = f.segments.len();
        for seg in f.segments {
            if self.lc_len == 0 && self.gls_len == 0 {
                self.lc_len = seg.lc.len();
                self.gls_len = seg.gls.len();
            }
            let finite = seg.lc.iter().chain(&seg.gls).all(|v| v.is_finite());
            let sized = seg.lc.len() == self.lc_len && seg.gls.len() == self.gls_len;
            if !finite || !sized {
                self.report.non_finite.push((name.clone(), seg.index));
                continue;
            }
            self.lc.extend_from_slice(&seg.lc);
            self.gls.extend_from_slice(&seg.gls);
            self.labels.push(label);
            self.segment_file.push(file_index);
            self.segment_index.push(seg.index);
            n += 1;
        }
        if n == 0 {
            let mut why = f.skipped;
            if n_total > 0 {
                why.push(format!("{n_total} segments had non-finite inputs"));
            }
            self.report.no_segment.push((name, why));
            return;
        }
        self.report.files_used += 1;
        self.files.push(DataFile {
            name,
            path,
            tic,
            label,
            class,
            n_segments: n,
        });
    }

    /// A data set from light-curve files and folders (searched recursively for `*.fits`) and
    /// their labels, the features computed through `source` (and `cache`, if given) in
    /// parallel. Fails only when the cache cannot be written; every bad input is reported.
    ///
    /// ```no_run
    /// use calnet_train::{Dataset, FeatureCache, Labels};
    /// let labels = Labels::read("sim/labels.csv".as_ref())?;
    /// let extractor = lc_prep::FeatureExtractor::new(lc_prep::FeatureConfig::reference())?;
    /// let cache = FeatureCache::new("sim/cache");
    /// let data = Dataset::from_fits(&["sim".into()], &labels, &extractor, Some(&cache), &|_| {})?;
    /// println!("{} segments, {} EB", data.len(), data.n_positive());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_fits(
        inputs: &[PathBuf],
        labels: &Labels,
        source: &dyn FeatureSource,
        cache: Option<&FeatureCache>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Dataset> {
        let found = tess_io::collect_inputs(inputs);
        let mut data = Dataset::default();
        for e in &found.errors {
            data.report
                .failed
                .push((e.path().display().to_string(), e.reason()));
        }
        data.report.files_found = found.files.len();
        // With file-name keys, unlabelled files need no features; with TIC keys the TIC is
        // only known once the file is read.
        let (todo, skipped): (Vec<PathBuf>, Vec<PathBuf>) = if labels.by_tic() {
            (found.files, Vec::new())
        } else {
            found
                .files
                .into_iter()
                .partition(|p| labels.key_for(p, None).is_some())
        };
        data.report.unlabelled = skipped.iter().map(|p| name_of(p)).collect();
        let done = AtomicUsize::new(0);
        let total = todo.len();
        let cache_error = Mutex::new(None);
        let results: Vec<(PathBuf, FileOutcome)> = todo
            .par_iter()
            .map(|p| {
                let r = match cache {
                    Some(c) => match c.get_or_compute(p, source) {
                        Ok(r) => r,
                        Err(e) => {
                            let msg = e.to_string();
                            cache_error
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .get_or_insert(e);
                            Err(msg)
                        }
                    },
                    None => source.extract(p).map(|f| (f, CacheOutcome::Computed)),
                };
                let d = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(Progress::Features { done: d, total });
                (p.clone(), r)
            })
            .collect();
        if let Some(e) = cache_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut used_keys = BTreeSet::new();
        for (path, r) in results {
            let name = name_of(&path);
            match r {
                Err(reason) => {
                    // A label that named this file did match it: the failure is reported
                    // under `failed`, not as an unmatched label.
                    if let Some(key) = labels.key_for(&path, None) {
                        used_keys.insert(key);
                    }
                    data.report.failed.push((name, reason))
                }
                Ok((f, outcome)) => {
                    match outcome {
                        CacheOutcome::Hit => data.report.cache_hits += 1,
                        CacheOutcome::Computed => data.report.computed += 1,
                    }
                    match labels.key_for(&path, f.tic) {
                        None => data.report.unlabelled.push(name),
                        Some(key) => {
                            let label = labels.map[&key].0;
                            let class = labels.class_of(&key).map(str::to_owned);
                            used_keys.insert(key);
                            let tic = f.tic;
                            data.push_file(name, Some(path), tic, (label, class), f);
                        }
                    }
                }
            }
        }
        data.report.labels_unmatched = unmatched(labels, &used_keys);
        Ok(data)
    }

    /// A data set from a catalog of positives (astropy `fixed_width_two_line` with a `TIC`
    /// column, like CALNet's `training_samples.dat`) and folders: files in `data` whose TIC is
    /// in the catalog are EBs (1), every file in `negatives` is other (0).
    pub fn from_catalog(
        catalog: &Path,
        data: &[PathBuf],
        negatives: &[PathBuf],
        source: &dyn FeatureSource,
        cache: Option<&FeatureCache>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Dataset> {
        let tics = FixedWidthTable::read(catalog)?.tics(catalog)?;
        let negative_files = tess_io::collect_inputs(negatives).files;
        let labels = Labels::from_pairs(
            tics.into_iter().map(|t| (LabelKey::Tic(t), 1)).chain(
                negative_files
                    .iter()
                    .map(|p| (LabelKey::File(name_of(p)), 0)),
            ),
        );
        let mut inputs = data.to_vec();
        inputs.extend(negative_files);
        let mut set = Self::from_fits(&inputs, &labels, source, cache, progress)?;
        // Catalog entries without a light curve here are expected (a catalog covers many
        // sectors): report only their number, not thousands of TICs.
        let n = set
            .report
            .labels_unmatched
            .iter()
            .filter(|k| k.starts_with("TIC"))
            .count();
        set.report
            .labels_unmatched
            .retain(|k| !k.starts_with("TIC"));
        if n > 0 {
            set.report.labels_unmatched.push(format!(
                "{n} catalog TICs without a light curve in the inputs"
            ));
        }
        Ok(set)
    }

    /// A data set from reference-layout feature CSVs (rows `name,v1,...,vN`: one file of
    /// light-curve inputs, one of periodograms, row `i` of one with row `i` of the other, as
    /// [`lc_prep::output::FeatureCsvReader`] reads them) and labels keyed by `file`. A row name
    /// matches a label when it equals the label's file name, or when its part up to `.fits`
    /// does (so `x.fits_0` and `x.fits_1` are two segments of `x.fits`). The rows of one file
    /// are its segments 0, 1, ... in the order they come.
    pub fn from_feature_csv(lc_csv: &Path, gls_csv: &Path, labels: &Labels) -> Result<Dataset> {
        let mut reader = lc_prep::output::FeatureCsvReader::open_files(lc_csv, gls_csv)?;
        let mut data = Dataset::default();
        // Group rows by file, keeping the first appearance order.
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<SegmentFeatures>> = HashMap::new();
        let (mut lc, mut gls) = (Vec::new(), Vec::new());
        while let Some(row) = reader.next_into(&mut lc, &mut gls)? {
            let name = row.name;
            let file = match name.find(".fits") {
                Some(i) if !labels.map.contains_key(&LabelKey::File(name.clone())) => {
                    name[..i + 5].to_string()
                }
                _ => name,
            };
            if !groups.contains_key(&file) {
                order.push(file.clone());
            }
            let segments = groups.entry(file).or_default();
            segments.push(SegmentFeatures {
                index: segments.len(),
                lc: std::mem::take(&mut lc),
                gls: std::mem::take(&mut gls),
            });
        }
        data.report.files_found = order.len();
        let mut used = BTreeSet::new();
        for file in order {
            let key = LabelKey::File(
                Path::new(&file)
                    .file_name()
                    .map_or(file.clone(), |n| n.to_string_lossy().into_owned()),
            );
            let Some(&(label, _)) = labels.map.get(&key) else {
                data.report.unlabelled.push(file);
                continue;
            };
            let class = labels.class_of(&key).map(str::to_owned);
            used.insert(key);
            let segments = groups.remove(&file).unwrap_or_default();
            let f = FileFeatures {
                tic: None,
                sector: None,
                segments,
                skipped: Vec::new(),
            };
            data.push_file(file, None, None, (label, class), f);
        }
        data.report.labels_unmatched = unmatched(labels, &used);
        Ok(data)
    }
}

/// A file's features and where they came from, or why it gave none.
type FileOutcome = std::result::Result<(FileFeatures, CacheOutcome), String>;

fn name_of(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn unmatched(labels: &Labels, used: &BTreeSet<LabelKey>) -> Vec<String> {
    let mut keys: Vec<&LabelKey> = labels.map.keys().filter(|k| !used.contains(k)).collect();
    keys.sort();
    keys.into_iter().map(|k| k.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl FeatureSource for Fake {
        fn fingerprint(&self) -> String {
            "fake".into()
        }
        fn extract(&self, path: &Path) -> std::result::Result<FileFeatures, String> {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            // "tic n_segments bad" in the file
            let v: Vec<&str> = text.split_whitespace().collect();
            if v.is_empty() {
                return Err("empty file".into());
            }
            let n: usize = v[1].parse().unwrap();
            let mut segs: Vec<SegmentFeatures> = (0..n)
                .map(|index| SegmentFeatures {
                    index,
                    lc: vec![0.5; 4],
                    gls: vec![0.25; 2],
                })
                .collect();
            if v.get(2) == Some(&"nan") {
                segs[0].lc[1] = f32::NAN;
            }
            Ok(FileFeatures {
                tic: Some(v[0].parse().unwrap()),
                sector: None,
                segments: segs,
                skipped: if n == 0 {
                    vec!["too short".into()]
                } else {
                    vec![]
                },
            })
        }
    }

    #[test]
    fn every_bad_input_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("lc")).unwrap();
        std::fs::write(d.join("lc/a.fits"), "1 2").unwrap();
        std::fs::write(d.join("lc/b.fits"), "2 2 nan").unwrap();
        std::fs::write(d.join("lc/c.fits"), "3 0").unwrap();
        std::fs::write(d.join("lc/d.fits"), "").unwrap();
        std::fs::write(d.join("lc/e.fits"), "5 1").unwrap();
        std::fs::write(
            d.join("labels.csv"),
            "file,label\na.fits,1\nb.fits,0\nc.fits,1\nd.fits,0\nmissing.fits,1\n",
        )
        .unwrap();
        let labels = Labels::read(&d.join("labels.csv")).unwrap();
        let cache = FeatureCache::new(d.join("cache"));
        let data =
            Dataset::from_fits(&[d.join("lc")], &labels, &Fake, Some(&cache), &|_| {}).unwrap();
        let r = &data.report;
        assert_eq!(r.files_found, 5);
        assert_eq!(r.unlabelled, vec!["e.fits"]);
        assert_eq!(r.labels_unmatched, vec!["file missing.fits"]);
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed[0].0, "d.fits");
        assert_eq!(r.no_segment.len(), 1);
        assert_eq!(r.non_finite, vec![("b.fits".to_string(), 0)]);
        assert_eq!(data.len(), 3);
        assert_eq!(data.files.len(), 2);
        assert_eq!(r.problems().len(), 5);
        data.check_two_classes().unwrap();
        // Second run: every used file comes from the cache.
        let again =
            Dataset::from_fits(&[d.join("lc")], &labels, &Fake, Some(&cache), &|_| {}).unwrap();
        assert_eq!(again.report.cache_hits, 3);
        assert_eq!(again.lc, data.lc);
    }

    #[test]
    fn one_class_is_refused_with_a_message() {
        let mut data = Dataset::default();
        let f = FileFeatures {
            tic: Some(1),
            sector: None,
            segments: vec![SegmentFeatures {
                index: 0,
                lc: vec![0.0],
                gls: vec![0.0],
            }],
            skipped: vec![],
        };
        data.push_file("a".into(), None, None, (1, None), f);
        let e = data.check_two_classes().unwrap_err().to_string();
        assert!(e.contains("labelled 1 (EB)"), "{e}");
    }

    #[test]
    fn feature_csvs_pair_rows_by_position_and_group_them_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // `calnet features` and the reference name every segment's row by its file (d.fits
        // twice); other scripts add a suffix (a.fits_0, a.fits_1).
        std::fs::write(
            d.join("lc.csv"),
            "a.fits_0,0.1,0.2\na.fits_1,0.3,0.4\nb.fits,nan,1\nc.fits,1,1\nd.fits,5,5\nd.fits,6,6\n",
        )
        .unwrap();
        std::fs::write(
            d.join("gls.csv"),
            "a.fits_0,1\na.fits_1,2\nb.fits,3\nc.fits,4\nd.fits,5\nd.fits,6\n",
        )
        .unwrap();
        std::fs::write(
            d.join("labels.csv"),
            "file,label\na.fits,1\nb.fits,0\nd.fits,0\n",
        )
        .unwrap();
        let labels = Labels::read(&d.join("labels.csv")).unwrap();
        let data =
            Dataset::from_feature_csv(&d.join("lc.csv"), &d.join("gls.csv"), &labels).unwrap();
        assert_eq!(data.len(), 4);
        assert_eq!(data.files[0].n_segments, 2);
        assert_eq!(data.report.unlabelled, vec!["c.fits"]);
        assert_eq!(data.report.non_finite, vec![("b.fits".to_string(), 0)]);
        assert_eq!((data.lc_len, data.gls_len), (2, 1));
        // Each segment keeps its own periodogram, also where the names repeat.
        assert_eq!(data.lc, [0.1, 0.2, 0.3, 0.4, 5.0, 5.0, 6.0, 6.0]);
        assert_eq!(data.gls, [1.0, 2.0, 5.0, 6.0]);
        assert_eq!(data.segment_index, [0, 1, 0, 1]);

        // A periodogram row missing in the middle would pair every later row wrongly.
        std::fs::write(
            d.join("gls.csv"),
            "a.fits_0,1\na.fits_1,2\nc.fits,4\nd.fits,5\nd.fits,6\n",
        )
        .unwrap();
        let e = Dataset::from_feature_csv(&d.join("lc.csv"), &d.join("gls.csv"), &labels)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("lc.csv: line 3: row `b.fits`") && e.contains("`c.fits`"),
            "{e}"
        );
    }
}
