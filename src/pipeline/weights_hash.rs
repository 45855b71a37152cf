//! The weights' SHA-256 for the journal, remembered between runs.
//!
//! A run's journal names its weights by SHA-256, so that a resumed run or another shard is
//! refused when the weights changed. Hashing 35 MB on every start is wasted work when the file
//! has not changed, so the hash is kept in a small cache file, keyed on the weights' canonical
//! path, size and modification time (and, on Unix, device and inode): the key of `make` and
//! of git's index. A file whose modification time is within [`RACY_SECONDS`] of the moment
//! it is hashed is not remembered, because another write in the same clock tick could leave
//! the key unchanged (git's "racily clean" entries). The cache is best effort: if it cannot be
//! read or written the file is simply hashed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::Error;

/// The cache file's name inside the cache folder.
pub const CACHE_FILE: &str = "weights-sha256.tsv";
/// Entries the cache keeps (the most recent).
const MAX_ENTRIES: usize = 64;
/// How old a file's modification time must be for its hash to be remembered.
pub const RACY_SECONDS: u64 = 2;

/// The default cache folder: `$CALNET_CACHE_DIR`, else `$XDG_CACHE_HOME/calnet`, else
/// `$HOME/.cache/calnet`; `None` when none of them is set.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    var("CALNET_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("calnet")))
        .or_else(|| var("HOME").map(|d| PathBuf::from(d).join(".cache").join("calnet")))
}

/// The SHA-256 (lowercase hex) of the file at `path`, from `cache_dir`'s cache when the file's
/// key matches an entry, else computed (and remembered unless the file was modified in the
/// last 2 seconds, `RACY_SECONDS`). `cache_dir` `None`: always computed.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("w.bin");
/// std::fs::write(&file, b"abc")?;
/// let sha = calnet::pipeline::weights_sha256(&file, Some(dir.path()))?;
/// assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn weights_sha256(path: &Path, cache_dir: Option<&Path>) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let Some(cache_dir) = cache_dir else {
        return file_sha256(path);
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let Some(key) = Key::of(path, &meta) else {
        return file_sha256(path);
    };
    let cache = cache_dir.join(CACHE_FILE);
    let entries = read_entries(&cache);
    if let Some((sha, _)) = entries.iter().find(|(_, k)| *k == key) {
        return Ok(sha.clone());
    }
    let sha = file_sha256(path)?;
    let settled = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= Duration::from_secs(RACY_SECONDS));
    if settled {
        let mut kept: Vec<(String, Key)> = entries
            .into_iter()
            .filter(|(_, k)| k.path != key.path)
            .collect();
        kept.push((sha.clone(), key));
        let skip = kept.len().saturating_sub(MAX_ENTRIES);
        // Best effort: a cache that cannot be written costs a hash next time, nothing more.
        let _ = write_entries(cache_dir, &cache, &kept[skip..]);
    }
    Ok(sha)
}

/// The SHA-256 of a file, computed.
pub(crate) fn file_sha256(path: &Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(path).map_err(io)?;
    std::io::copy(&mut f, &mut h).map_err(io)?;
    Ok(super::hex(&h.finalize()))
}

/// What identifies one version of a file: its canonical path, size, modification time in
/// nanoseconds since 1970, and on Unix its device and inode (0 elsewhere), written as
/// tab-separated fields (the path last, so it may hold tabs).
#[derive(Debug, Clone, PartialEq)]
struct Key {
    size: u64,
    mtime_ns: u128,
    device: u64,
    inode: u64,
    path: String,
}

impl Key {
    fn of(path: &Path, meta: &std::fs::Metadata) -> Option<Key> {
        let canonical = std::fs::canonicalize(path).ok()?;
        let mtime_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        #[cfg(unix)]
        let (device, inode) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (device, inode) = (0, 0);
        let path = canonical.to_str()?.to_string();
        // A path with a line break cannot be a line of the cache.
        (!path.contains(['\n', '\r'])).then_some(Key {
            size: meta.len(),
            mtime_ns,
            device,
            inode,
            path,
        })
    }
}

fn read_entries(cache: &Path) -> Vec<(String, Key)> {
    let Ok(text) = std::fs::read_to_string(cache) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut f = line.splitn(6, '\t');
            let sha = f.next()?;
            let key = Key {
                size: f.next()?.parse().ok()?,
                mtime_ns: f.next()?.parse().ok()?,
                device: f.next()?.parse().ok()?,
                inode: f.next()?.parse().ok()?,
                path: f.next()?.to_string(),
            };
            let valid = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            valid.then(|| (sha.to_string(), key))
        })
        .collect()
}

/// Replaces the cache file atomically (concurrent runs: the last rename wins, no torn file).
fn write_entries(dir: &Path, cache: &Path, entries: &[(String, Key)]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    for (sha, k) in entries {
        writeln!(
            tmp,
            "{sha}\t{}\t{}\t{}\t{}\t{}",
            k.size, k.mtime_ns, k.device, k.inode, k.path
        )?;
    }
    tmp.persist(cache).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, seconds: u64) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(seconds))
            .unwrap();
    }

    #[test]
    fn a_remembered_hash_is_reused_and_a_changed_file_is_hashed_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("cache");
        let file = dir.path().join("weights.pth");
        std::fs::write(&file, b"first weights").unwrap();
        age(&file, 3600);
        let first = weights_sha256(&file, Some(&cache_dir)).unwrap();
        assert_eq!(first, file_sha256(&file).unwrap());
        let cache = cache_dir.join(CACHE_FILE);
        let text = std::fs::read_to_string(&cache).unwrap();
        assert!(text.starts_with(&first), "{text}");

        // The cache is what answers while the key matches: plant another hash in it.
        let planted = "0".repeat(64);
        std::fs::write(&cache, text.replacen(&first, &planted, 1)).unwrap();
        assert_eq!(weights_sha256(&file, Some(&cache_dir)).unwrap(), planted);

        // New contents of the same size: the modification time moves, so the file is hashed
        // again, and not remembered while that time is within RACY_SECONDS of now.
        std::fs::write(&file, b"other weights").unwrap();
        let second = weights_sha256(&file, Some(&cache_dir)).unwrap();
        assert_eq!(second, file_sha256(&file).unwrap());
        assert_ne!(second, first);
        assert!(!std::fs::read_to_string(&cache).unwrap().contains(&second));
        age(&file, 60);
        assert_eq!(weights_sha256(&file, Some(&cache_dir)).unwrap(), second);
        let text = std::fs::read_to_string(&cache).unwrap();
        assert_eq!(text.lines().count(), 1, "one entry per path: {text}");
        assert!(text.starts_with(&second));
    }

    #[test]
    fn a_broken_cache_or_none_still_gives_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w");
        std::fs::write(&file, b"abc").unwrap();
        let sha = file_sha256(&file).unwrap();
        assert_eq!(weights_sha256(&file, None).unwrap(), sha);
        std::fs::write(dir.path().join(CACHE_FILE), b"\xff\xfe garbage\n\tx\t\n").unwrap();
        assert_eq!(weights_sha256(&file, Some(dir.path())).unwrap(), sha);
        // A cache folder that is a file cannot be written: hashed all the same.
        let not_a_dir = dir.path().join("w");
        assert_eq!(weights_sha256(&file, Some(&not_a_dir)).unwrap(), sha);
        assert!(matches!(
            weights_sha256(&dir.path().join("missing"), Some(dir.path())),
            Err(Error::Io { .. })
        ));
    }
}
