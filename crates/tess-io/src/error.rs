//! The one error type of `tess-io`.

use std::path::PathBuf;

/// Everything that can go wrong reading, writing or finding light curves.
///
/// Every variant names the file it is about, so that a caller reading thousands of files can
/// print `path: reason` and go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file does not exist.
    #[error("{}: no such file", path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The operating system refused to read or write the file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The path cannot be handed to cfitsio (not UTF-8, or a NUL byte in it).
    #[error("{}: path is not valid UTF-8 text, cfitsio cannot open it", path.display())]
    BadPath {
        /// The path.
        path: PathBuf,
    },
    /// The bytes are not a FITS file at all (the first card is not `SIMPLE  =`).
    #[error("{}: not a FITS file ({reason})", path.display())]
    NotFits {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The file ends before the data its headers announce.
    #[error("{}: truncated FITS file ({reason})", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What cfitsio or the size check said.
        reason: String,
    },
    /// The headers claim more data than the reader accepts ([`crate::MAX_FILE_BYTES`]), or a
    /// `.fits.gz` inflates to more than its headers describe.
    #[error("{}: too large ({reason})", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Which size, and the limit.
        reason: String,
    },
    /// A `.gz` file whose compressed stream cannot be decompressed.
    #[error("{}: corrupt gzip data ({reason})", path.display())]
    CorruptGzip {
        /// The file.
        path: PathBuf,
        /// What cfitsio said.
        reason: String,
    },
    /// The file has no binary table named `LIGHTCURVE`.
    #[error("{}: no LIGHTCURVE table", path.display())]
    NoLightCurveTable {
        /// The file.
        path: PathBuf,
    },
    /// A column the reader needs is absent from the `LIGHTCURVE` table.
    #[error("{}: LIGHTCURVE table has no column {column}", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column's name.
        column: String,
    },
    /// A column has the wrong FITS type (`TFORM`) for what it holds.
    #[error("{}: column {column} has format {found}, expected {expected}", path.display())]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column's name.
        column: String,
        /// The `TFORM` found, e.g. `16A`.
        found: String,
        /// What the reader accepts.
        expected: &'static str,
    },
    /// The `LIGHTCURVE` table has no rows.
    #[error("{}: LIGHTCURVE table has no rows", path.display())]
    EmptyTable {
        /// The file.
        path: PathBuf,
    },
    /// Every value of the chosen flux column is NaN or infinite.
    #[error("{}: every {column} value is NaN", path.display())]
    AllNanFlux {
        /// The file.
        path: PathBuf,
        /// The flux column.
        column: String,
    },
    /// A header keyword the reader needs is missing or unusable.
    #[error("{}: header keyword {key}: {reason}", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// The keyword.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The headers do not describe a TESS light curve this crate knows.
    #[error("{}: not a TESS light curve ({reason})", path.display())]
    UnknownProduct {
        /// The file.
        path: PathBuf,
        /// Why the product could not be recognised.
        reason: String,
    },
    /// Any other cfitsio failure, with its status code.
    #[error("{}: cfitsio error {status} ({message}) while {doing}", path.display())]
    Fits {
        /// The file.
        path: PathBuf,
        /// What the reader or writer was doing.
        doing: String,
        /// cfitsio's status code.
        status: i32,
        /// cfitsio's message for that status.
        message: String,
    },
    /// The light curve handed to a writer is inconsistent (columns of unequal length...).
    #[error("{}: cannot write this light curve: {reason}", path.display())]
    InvalidLightCurve {
        /// The file that was to be written.
        path: PathBuf,
        /// What is inconsistent.
        reason: String,
    },
    /// A paths configuration file (`paths.json`) cannot be parsed.
    #[error("{}: bad paths config: {reason}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// An I/O error on `path`: [`Error::NotFound`] when the file or folder does not exist,
    /// [`Error::Io`] otherwise.
    pub fn from_io(path: &std::path::Path, source: std::io::Error) -> Error {
        match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                path: path.to_path_buf(),
            },
            _ => Error::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    /// The file this error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::NotFound { path }
            | Error::Io { path, .. }
            | Error::BadPath { path }
            | Error::NotFits { path, .. }
            | Error::Truncated { path, .. }
            | Error::TooLarge { path, .. }
            | Error::CorruptGzip { path, .. }
            | Error::NoLightCurveTable { path }
            | Error::MissingColumn { path, .. }
            | Error::ColumnType { path, .. }
            | Error::EmptyTable { path }
            | Error::AllNanFlux { path, .. }
            | Error::Header { path, .. }
            | Error::UnknownProduct { path, .. }
            | Error::Fits { path, .. }
            | Error::InvalidLightCurve { path, .. }
            | Error::Config { path, .. } => path,
        }
    }

    /// The reason alone, without the path (for tables that print the path in another column).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path().display());
        full.strip_prefix(&prefix)
            .map(str::to_owned)
            .unwrap_or(full)
    }
}

/// Converts a fitsio error into ours, naming the file and what was being done.
pub(crate) fn fits_err(path: &std::path::Path, doing: &str, e: fitsio::errors::Error) -> Error {
    match e {
        fitsio::errors::Error::Fits(f) => Error::Fits {
            path: path.to_path_buf(),
            doing: doing.to_owned(),
            status: f.status,
            message: f.message,
        },
        fitsio::errors::Error::Io(source) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        other => Error::Fits {
            path: path.to_path_buf(),
            doing: doing.to_owned(),
            status: -1,
            message: other.to_string(),
        },
    }
}
