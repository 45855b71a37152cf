//! Writing outputs atomically: the one helper every output of the workspace goes through.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Prefix of the temporary files [`AtomicFile`] writes; a program that was killed while
/// writing leaves files with this prefix behind, which it may delete when it starts again.
pub const TEMP_PREFIX: &str = ".tmp-";

/// An output file written whole or not at all.
///
/// The bytes go to a temporary file in the target's folder (so the final rename never
/// crosses file systems); [`AtomicFile::commit`] flushes and syncs it, renames it over the
/// target and syncs the folder, so a reader, a crash or a kill sees the old file or the new
/// one, never part of one. Dropped without `commit` (an error, a panic), the temporary file is
/// removed and the target is untouched.
///
/// The file is created with the mode `File::create` gives (0666 less the umask), not
/// tempfile's private 0600, so an output written atomically is as readable as any other.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let target = dir.path().join("table.csv");
/// let mut out = tess_io::AtomicFile::create(&target)?;
/// writeln!(out, "tic,label")?;
/// assert!(!target.exists()); // nothing there until the commit
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&target)?, "tic,label\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// Starts writing `target` (its folder must exist).
    pub fn create(target: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let target = target.as_ref().to_path_buf();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut builder = tempfile::Builder::new();
        // Short names stay short: file systems limit a name to 255 bytes.
        let stem: String = name.chars().take(100).collect();
        let prefix = format!("{TEMP_PREFIX}{stem}.");
        // The target's extension last: writers that pick a format by it (plotters) see it.
        let suffix = target
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        builder.prefix(&prefix).suffix(&suffix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Given to open(2) as its mode, so the process umask still applies.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(folder(&target)).map_err(|e| {
            // tempfile names its temporary path in the message; a missing folder is better
            // told by the folder's own error (the caller names the target).
            std::fs::metadata(folder(&target)).err().unwrap_or(e)
        })?;
        Ok(AtomicFile { target, tmp })
    }

    /// The temporary file's path, for writers that want a path rather than a handle (cfitsio,
    /// plotters); what they write there is what [`AtomicFile::commit`] renames into place.
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// The file being written.
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// The target's path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the bytes, renames the file over the target and syncs the folder.
    pub fn commit(self) -> io::Result<()> {
        // Re-opened by path: a writer given `temp_path` may have replaced the file.
        File::open(self.tmp.path())?.sync_all()?;
        let dir = folder(&self.target).to_path_buf();
        self.tmp.persist(&self.target).map_err(|e| e.error)?;
        File::open(&dir)?.sync_all()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.tmp.seek(pos)
    }
}

/// Writes `bytes` to `path` through an [`AtomicFile`].
///
/// ```
/// let dir = tempfile::tempdir()?;
/// tess_io::write_atomic(&dir.path().join("a.txt"), b"one")?;
/// assert_eq!(std::fs::read(dir.path().join("a.txt"))?, b"one");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_writes_leave_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        write_atomic(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half of the new").unwrap();
            // Dropped: an error or a panic on the way.
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");
        let err = write_atomic(&dir.path().join("missing/a.csv"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn mode_follows_the_umask_not_tempfiles_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a");
        write_atomic(&target, b"x").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "{mode:o}");
    }
}
