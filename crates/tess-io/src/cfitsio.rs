//! Opening and creating files through cfitsio's disk-file entry points.
//!
//! `fitsio::FitsFile::open` and `create` hand the name to cfitsio's "extended filename"
//! parser, which reads `x.fits[1]` as "HDU 1 of x.fits", `!x` as "overwrite x" and `-` as
//! stdin. `fits_open_diskfile` / `fits_create_diskfile` take the name literally, so any file
//! name works.

use std::ffi::CString;
use std::ptr;

use fitsio::errors::{check_status, Error as FitsError};
use fitsio::{FileOpenMode, FitsFile};

fn c_path(path: &str) -> Result<CString, FitsError> {
    CString::new(path).map_err(FitsError::from)
}

/// Opens an existing file read-only (gzip-compressed files are decompressed in memory).
pub(crate) fn open_readonly(path: &str) -> Result<FitsFile, FitsError> {
    let name = c_path(path)?;
    let mut fptr = ptr::null_mut();
    let mut status = 0;
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call; cfitsio writes a
    // file handle or leaves `fptr` null and sets `status`.
    unsafe {
        fitsio::sys::ffdkopn(&mut fptr, name.as_ptr(), 0, &mut status);
    }
    check_status(status)?;
    // SAFETY: status 0 means cfitsio returned a valid, open handle that nothing else owns;
    // `FitsFile` closes it on drop.
    unsafe { FitsFile::from_raw(fptr, FileOpenMode::READONLY) }
}

/// Creates a new file (which must not exist) with an empty primary HDU, open for writing.
pub(crate) fn create(path: &str) -> Result<FitsFile, FitsError> {
    let name = c_path(path)?;
    let mut fptr = ptr::null_mut();
    let mut status = 0;
    // SAFETY: as in `open_readonly`.
    unsafe {
        fitsio::sys::ffdkinit(&mut fptr, name.as_ptr(), &mut status);
    }
    check_status(status)?;
    // SAFETY: a valid new handle, owned by the `FitsFile` from here on.
    let mut f = unsafe { FitsFile::from_raw(fptr, FileOpenMode::READWRITE) }?;
    // An empty primary array (BITPIX 8, NAXIS 0), as SPOC files have.
    // SAFETY: `f` holds a valid handle; NAXIS 0 needs no axis array.
    unsafe {
        fitsio::sys::ffphps(f.as_raw(), 8, 0, ptr::null_mut(), &mut status);
    }
    check_status(status)?;
    Ok(f)
}
