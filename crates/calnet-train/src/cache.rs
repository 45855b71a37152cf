//! Features of light-curve files, computed once and kept on disk.
//!
//! One safetensors file per input under the cache folder, named by the SHA-256 of the input's
//! bytes and of the feature source's fingerprint (its whole configuration): editing a file or
//! changing any feature parameter gives a new entry, and a renamed file keeps its entry. Each
//! entry holds `lc` `[n, lc_len]` and `gls` `[n, 1000]` in float32, and in its metadata the TIC,
//! sector, the segments' numbers and the reasons of skipped segments. Entries are written to a temporary file then
//! renamed, so a killed run never leaves a half-written entry; an unreadable entry is computed
//! again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use sha2::{Digest, Sha256};

use crate::error::{Result, TrainError};

/// Model inputs of one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentFeatures {
    /// The segment's number in its light curve (`lc_prep`'s segment index: gaps split the
    /// light curve into segments 0, 1, ..., skipped ones included), as `calnet classify` and
    /// `calnet features` number them.
    pub index: usize,
    /// Light-curve branch input.
    pub lc: Vec<f32>,
    /// Periodogram branch input.
    pub gls: Vec<f32>,
}

/// Everything a light-curve file gives for training.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileFeatures {
    /// TESS Input Catalog identifier read from the file, if its headers name one.
    pub tic: Option<u64>,
    /// Sector, where the file states it.
    pub sector: Option<u32>,
    /// Kept segments, in time order.
    pub segments: Vec<SegmentFeatures>,
    /// One line per skipped segment: why it gave no input.
    pub skipped: Vec<String>,
}

/// Turns a light-curve file into model inputs.
pub trait FeatureSource: Sync {
    /// Text that changes whenever the features of a given file would change (configuration
    /// and algorithm version); part of the cache key.
    fn fingerprint(&self) -> String;
    /// The features of one file, or why it cannot give any (the message needs no path).
    fn extract(&self, path: &Path) -> std::result::Result<FileFeatures, String>;
}

/// Bump when `lc-prep` changes its output for an unchanged configuration.
const LC_PREP_FEATURES_VERSION: &str = "lc-prep-features-1";

impl FeatureSource for lc_prep::FeatureExtractor {
    fn fingerprint(&self) -> String {
        format!("{LC_PREP_FEATURES_VERSION} {:?}", self.config())
    }

    fn extract(&self, path: &Path) -> std::result::Result<FileFeatures, String> {
        let lc = self
            .config()
            .read_options()
            .read(path)
            .map_err(|e| e.reason())?;
        let features = lc_prep::FeatureExtractor::extract(self, &lc).map_err(|e| e.to_string())?;
        Ok(FileFeatures {
            tic: lc.meta.tic,
            sector: lc.meta.sector,
            segments: features
                .segments
                .into_iter()
                .map(|s| SegmentFeatures {
                    index: s.index,
                    lc: s.lc,
                    gls: s.gls,
                })
                .collect(),
            skipped: features
                .skipped
                .iter()
                .map(|s| {
                    format!(
                        "segment {} (BTJD {:.2}-{:.2}): {}",
                        s.index, s.t_start, s.t_end, s.reason
                    )
                })
                .collect(),
        })
    }
}

/// Where cached features live.
#[derive(Debug, Clone)]
pub struct FeatureCache {
    dir: PathBuf,
}

/// Whether [`FeatureCache::get_or_compute`] found the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Read from the cache.
    Hit,
    /// Computed (and stored).
    Computed,
}

impl FeatureCache {
    /// A cache in `dir` (created when needed).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FeatureCache { dir: dir.into() }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry's path for a file's content and a fingerprint.
    pub fn entry_path(&self, content: &[u8], fingerprint: &str) -> PathBuf {
        let mut h = Sha256::new();
        h.update((fingerprint.len() as u64).to_le_bytes());
        h.update(fingerprint.as_bytes());
        h.update(content);
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.safetensors"))
    }

    /// The features of `path`: from the cache when present, else from `source` (then stored).
    /// The outer error is a cache that cannot be written; the inner one is the file's own
    /// failure (unreadable light curve), which is not cached.
    ///
    /// ```no_run
    /// use calnet_train::FeatureCache;
    /// let extractor = lc_prep::FeatureExtractor::new(lc_prep::FeatureConfig::reference())?;
    /// let cache = FeatureCache::new("features-cache");
    /// let (features, _) = cache.get_or_compute("a.fits".as_ref(), &extractor)?.unwrap();
    /// println!("{} segments", features.segments.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_or_compute(
        &self,
        path: &Path,
        source: &dyn FeatureSource,
    ) -> Result<std::result::Result<(FileFeatures, CacheOutcome), String>> {
        let content = match std::fs::read(path) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let entry = self.entry_path(&content, &source.fingerprint());
        if let Ok(bytes) = std::fs::read(&entry) {
            if let Ok(f) = decode(&bytes) {
                return Ok(Ok((f, CacheOutcome::Hit)));
            }
        }
        let features = match source.extract(path) {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        write_atomic(&entry, &encode(&features)?)?;
        Ok(Ok((features, CacheOutcome::Computed)))
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| TrainError::io(dir, e))?;
    tess_io::write_atomic(path, bytes).map_err(|e| TrainError::io(path, e))
}

fn f32_bytes(v: impl Iterator<Item = f32>) -> Vec<u8> {
    v.flat_map(f32::to_le_bytes).collect()
}

fn encode(f: &FileFeatures) -> Result<Vec<u8>> {
    let n = f.segments.len();
    let lc_len = f.segments.first().map_or(0, |s| s.lc.len());
    let gls_len = f.segments.first().map_or(0, |s| s.gls.len());
    let lc = f32_bytes(f.segments.iter().flat_map(|s| s.lc.iter().copied()));
    let gls = f32_bytes(f.segments.iter().flat_map(|s| s.gls.iter().copied()));
    let bad = |reason: String| TrainError::Cache {
        path: PathBuf::new(),
        reason,
    };
    if lc.len() != n * lc_len * 4 || gls.len() != n * gls_len * 4 {
        return Err(bad("segments of unequal lengths".into()));
    }
    let lc_view =
        TensorView::new(Dtype::F32, vec![n, lc_len], &lc).map_err(|e| bad(format!("{e:?}")))?;
    let gls_view =
        TensorView::new(Dtype::F32, vec![n, gls_len], &gls).map_err(|e| bad(format!("{e:?}")))?;
    let mut meta = HashMap::new();
    meta.insert(
        "tic".to_string(),
        f.tic.map(|t| t.to_string()).unwrap_or_default(),
    );
    if let Some(s) = f.sector {
        meta.insert("sector".to_string(), s.to_string());
    }
    let indices: Vec<usize> = f.segments.iter().map(|s| s.index).collect();
    meta.insert(
        "segments".to_string(),
        serde_json::to_string(&indices).unwrap_or_default(),
    );
    meta.insert(
        "skipped".to_string(),
        serde_json::to_string(&f.skipped).unwrap_or_default(),
    );
    safetensors::tensor::serialize([("lc", lc_view), ("gls", gls_view)], &Some(meta))
        .map_err(|e| bad(format!("{e:?}")))
}

fn decode(bytes: &[u8]) -> std::result::Result<FileFeatures, String> {
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| format!("{e:?}"))?;
    let st = SafeTensors::deserialize(bytes).map_err(|e| format!("{e:?}"))?;
    let meta = header.metadata().clone().unwrap_or_default();
    let rows = |name: &str| -> std::result::Result<Vec<Vec<f32>>, String> {
        let t = st.tensor(name).map_err(|e| format!("{e:?}"))?;
        let shape = t.shape();
        if t.dtype() != Dtype::F32 || shape.len() != 2 {
            return Err(format!("{name}: not a float32 matrix"));
        }
        let values: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(if shape[1] == 0 {
            vec![Vec::new(); shape[0]]
        } else {
            values.chunks(shape[1]).map(<[f32]>::to_vec).collect()
        })
    };
    let (lc, gls) = (rows("lc")?, rows("gls")?);
    // Entries written before segment numbers were kept have none: computed again.
    let indices: Vec<usize> = meta
        .get("segments")
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or("no segment numbers")?;
    if lc.len() != gls.len() || lc.len() != indices.len() {
        return Err("lc, gls and segment numbers differ in rows".into());
    }
    Ok(FileFeatures {
        tic: match meta.get("tic").map(String::as_str).ok_or("no tic")? {
            "" => None,
            t => Some(t.parse().map_err(|_| "bad tic")?),
        },
        sector: meta.get("sector").and_then(|s| s.parse().ok()),
        skipped: meta
            .get("skipped")
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default(),
        segments: indices
            .into_iter()
            .zip(lc.into_iter().zip(gls))
            .map(|(index, (lc, gls))| SegmentFeatures { index, lc, gls })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        calls: AtomicUsize,
        tag: &'static str,
    }

    impl FeatureSource for Counting {
        fn fingerprint(&self) -> String {
            self.tag.to_string()
        }
        fn extract(&self, path: &Path) -> std::result::Result<FileFeatures, String> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
            let x = bytes.len() as f32;
            Ok(FileFeatures {
                tic: Some(7),
                sector: Some(3),
                segments: vec![
                    SegmentFeatures {
                        index: 0,
                        lc: vec![x, 0.5, f32::MIN_POSITIVE],
                        gls: vec![1.0, -0.0],
                    },
                    SegmentFeatures {
                        index: 3,
                        lc: vec![-x, 0.25, f32::MAX],
                        gls: vec![2.0, 0.5],
                    },
                ],
                skipped: vec!["segment 2: too short".into()],
            })
        }
    }

    /// A folder with one input file `a.fits` ("abc"), its cache, and a source tagged "v1".
    fn one_input() -> (tempfile::TempDir, PathBuf, FeatureCache, Counting) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.fits");
        std::fs::write(&input, b"abc").unwrap();
        let cache = FeatureCache::new(dir.path().join("cache"));
        let src = Counting {
            calls: AtomicUsize::new(0),
            tag: "v1",
        };
        (dir, input, cache, src)
    }

    #[test]
    fn computes_once_and_rekeys_on_change() {
        let (_dir, input, cache, src) = one_input();
        let (a, o1) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        let (b, o2) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        assert_eq!((o1, o2), (CacheOutcome::Computed, CacheOutcome::Hit));
        assert_eq!(
            a, b,
            "the cached entry gives back exactly what was computed"
        );
        assert_eq!(src.calls.load(Ordering::SeqCst), 1);
        assert_eq!(b.segments[1].index, 3, "segment numbers survive the cache");
        // New content, new entry.
        std::fs::write(&input, b"abcd").unwrap();
        let (_, o3) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        assert_eq!(o3, CacheOutcome::Computed);
        // New configuration, new entry.
        let other = Counting {
            calls: AtomicUsize::new(0),
            tag: "v2",
        };
        let (_, o4) = cache.get_or_compute(&input, &other).unwrap().unwrap();
        assert_eq!(o4, CacheOutcome::Computed);
        // A corrupted entry is recomputed.
        let entry = cache.entry_path(b"abcd", "v1");
        std::fs::write(&entry, b"garbage").unwrap();
        let (c, o5) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        assert_eq!(o5, CacheOutcome::Computed);
        assert_eq!(c.segments[0].lc[0], 4.0);
    }

    #[test]
    fn entries_without_segment_numbers_are_computed_again() {
        let (_dir, input, cache, src) = one_input();
        let (features, _) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        // The same entry as an older version wrote it: no `segments` in the metadata.
        let mut bytes = encode(&features).unwrap();
        let old = serde_json::to_string(&[0, 3]).unwrap();
        let at = bytes
            .windows(old.len())
            .position(|w| w == old.as_bytes())
            .unwrap();
        bytes[at] = b'x';
        assert!(decode(&bytes).is_err());
        std::fs::write(cache.entry_path(b"abc", "v1"), &bytes).unwrap();
        let (again, outcome) = cache.get_or_compute(&input, &src).unwrap().unwrap();
        assert_eq!(outcome, CacheOutcome::Computed);
        assert_eq!(again, features);
    }

    #[test]
    fn missing_input_is_the_files_error() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FeatureCache::new(dir.path());
        let src = Counting {
            calls: AtomicUsize::new(0),
            tag: "v1",
        };
        let r = cache
            .get_or_compute(&dir.path().join("none.fits"), &src)
            .unwrap();
        assert!(r.is_err());
    }
}
