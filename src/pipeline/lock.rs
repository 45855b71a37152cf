//! The output folder's advisory lock: one run (or merge) writes into a folder at a time.

use std::fs::{File, OpenOptions};
use std::path::Path;

use fs4::fs_std::FileExt;

use super::Error;

/// The lock file inside an output folder.
pub const LOCK: &str = ".calnet.lock";

/// An exclusive advisory lock (`flock` on Unix, `LockFileEx` on Windows) on `OUT/.calnet.lock`,
/// held until dropped. The operating system releases it when the process ends, however it
/// ends, so a killed run never leaves a folder locked.
#[derive(Debug)]
pub(crate) struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock of `dir` (which must exist), or fails at once with [`Error::Locked`].
    pub(crate) fn acquire(dir: &Path) -> Result<RunLock, Error> {
        let path = dir.join(LOCK);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match FileExt::try_lock_exclusive(&file) {
            Ok(true) => Ok(RunLock { _file: file }),
            Ok(false) => Err(Error::Locked {
                dir: dir.to_path_buf(),
            }),
            Err(e) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path()).unwrap();
        let err = RunLock::acquire(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err:?}");
        assert!(err.to_string().contains("another calnet run"), "{err}");
        drop(first);
        RunLock::acquire(dir.path()).unwrap();
    }
}
