//! Finding light-curve files: the reference's sector layout and plain folders.
//!
//! The reference CALNet keeps light curves as `ROOT/s{DDD}/*.fits` (`ROOT/s001/`, `ROOT/s024/`)
//! and names `ROOT` in a small JSON file (its `paths.json`). [`PathsConfig`] reads such a file:
//!
//! ```json
//! { "lc_root": "/data/tess/lc" }
//! ```
//!
//! A relative `lc_root` is taken relative to the folder that holds the JSON file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The root of the sector layout, as read from a `paths.json`-like file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathsConfig {
    /// The folder that holds `s001/`, `s002/`, ...
    pub lc_root: PathBuf,
}

impl PathsConfig {
    /// Reads a JSON object with an `lc_root` string (other keys are ignored).
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let file = dir.path().join("paths.json");
    /// std::fs::write(&file, r#"{"lc_root": "tess/lc"}"#).unwrap();
    /// let cfg = tess_io::PathsConfig::load(&file).unwrap();
    /// assert_eq!(cfg.lc_root, dir.path().join("tess/lc"));
    /// assert_eq!(cfg.sector_dir(4), dir.path().join("tess/lc/s004"));
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<PathsConfig, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::from_io(path, e))?;
        let mut cfg: PathsConfig = serde_json::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if cfg.lc_root.is_relative() {
            let base = path.parent().unwrap_or(Path::new(""));
            cfg.lc_root = base.join(&cfg.lc_root);
        }
        Ok(cfg)
    }

    /// The folder of one sector: `lc_root/s{DDD}`.
    pub fn sector_dir(&self, sector: u32) -> PathBuf {
        sector_dir(&self.lc_root, sector)
    }

    /// The light-curve files of one sector, sorted (see [`sector_files`]).
    pub fn sector_files(&self, sector: u32) -> Result<Vec<PathBuf>, Error> {
        sector_files(&self.lc_root, sector)
    }
}

/// `root/s{DDD}`, the reference's folder for one sector (`s001`, ..., `s099`, `s100`).
pub fn sector_dir(root: impl AsRef<Path>, sector: u32) -> PathBuf {
    root.as_ref().join(format!("s{sector:03}"))
}

/// The `*.fits` and `*.fits.gz` files directly inside `root/s{DDD}`, sorted by name.
pub fn sector_files(root: impl AsRef<Path>, sector: u32) -> Result<Vec<PathBuf>, Error> {
    let dir = sector_dir(root, sector);
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::from_io(&dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        let p = entry.path();
        if is_light_curve_name(&p) && p.is_file() {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a file name ends in `.fits` or `.fits.gz` (any case).
pub fn is_light_curve_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".fits") || name.ends_with(".fits.gz")
}

/// Every `*.fits`/`*.fits.gz` file under `dir`, recursively, sorted by path (so the order is
/// the same on every machine and file system). Symbolic links are followed.
pub fn find_light_curves(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, Error> {
    let (files, mut errors) = walk(dir.as_ref());
    match errors.is_empty() {
        true => Ok(files),
        false => Err(errors.swap_remove(0)),
    }
}

fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        match entry {
            Ok(e) if e.file_type().is_file() && is_light_curve_name(e.path()) => {
                files.push(e.into_path())
            }
            Ok(_) => {}
            // A light-curve name that cannot be followed (a dangling or looping symbolic link)
            // is an input like any other: reading it fails with the reason, and a caller that
            // lists failures per file lists it.
            Err(e) if e.path().is_some_and(is_light_curve_name) && e.depth() > 0 => {
                files.push(e.path().unwrap_or(dir).to_path_buf())
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                errors.push(Error::Io { path, source });
            }
        }
    }
    files.sort();
    (files, errors)
}

/// What [`collect_inputs`] found.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The files, in input order (each folder's files sorted), each once.
    pub files: Vec<PathBuf>,
    /// Folders or entries that could not be listed; the other inputs are still in `files`.
    pub errors: Vec<Error>,
}

/// Turns a command line's list of files and folders into an ordered, de-duplicated file list.
///
/// Files are kept in the order given, whatever their names (so a caller can read a file that
/// does not end in `.fits`, and a missing file is left for the reader to report); each folder is
/// replaced by [`find_light_curves`]'s sorted list. A file reached twice (named twice, or both
/// named and inside a named folder) is listed once, where it first appeared.
///
/// ```
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lc");
/// let one = format!("{fixtures}/hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits");
/// let found = tess_io::collect_inputs(&[one.as_str(), fixtures]);
/// assert!(found.errors.is_empty());
/// assert_eq!(found.files[0], std::path::Path::new(&one));
/// assert_eq!(found.files.len(), 9); // the QLP file is not listed twice
/// ```
pub fn collect_inputs<P: AsRef<Path>>(inputs: &[P]) -> Inputs {
    let mut out = Inputs::default();
    let mut seen = HashSet::new();
    let mut push = |p: PathBuf, out: &mut Inputs| {
        // Same file under two spellings (./a.fits, a.fits, a symlink) counts once.
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.insert(key) {
            out.files.push(p);
        }
    };
    for input in inputs {
        let p = input.as_ref();
        if p.is_dir() {
            let (files, errors) = walk(p);
            out.errors.extend(errors);
            for f in files {
                push(f, &mut out);
            }
        } else {
            push(p.to_path_buf(), &mut out);
        }
    }
    out
}
