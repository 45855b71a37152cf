//! Build-script helper for packages whose binaries, tests or examples link libtorch.
//!
//! `torch-sys` tells the linker where libtorch is, but not the binaries where to find it at run
//! time, and the linker's default `--as-needed` drops `libtorch_cuda.so` because no symbol of it
//! is referenced directly (CUDA kernels register themselves from static constructors). Without
//! the first, binaries exit with status 127; without the second, CUDA is never available.
//!
//! In the `build.rs` of a package that links libtorch, `fn main` calls:
//!
//! ```no_run
//! calnet_build::link_libtorch();
//! ```
#![deny(missing_docs)]

use std::env;
use std::path::PathBuf;

/// The folder holding `libtorch_cpu.so`, from `LIBTORCH` (set by the workspace's
/// `.cargo/config.toml`) or from `DEP_TCH_LIBTORCH_LIB` (exported by torch-sys to direct
/// dependants when `LIBTORCH_USE_PYTORCH=1`).
pub fn libtorch_lib_dir() -> Option<PathBuf> {
    if let Some(root) = env::var_os("LIBTORCH") {
        let lib = PathBuf::from(root).join("lib");
        if lib.is_dir() {
            return Some(lib);
        }
    }
    env::var_os("DEP_TCH_LIBTORCH_LIB").map(PathBuf::from)
}

/// For a package without a `torch` feature of its own whose binaries may still link libtorch:
/// cargo unifies features in a workspace build, so a dependency such as `calnet-model` can have
/// `torch` turned on by another package of the same build. Emits only the rpath, and only when
/// libtorch's folder is there; it is inert in a binary that does not link libtorch.
pub fn rpath_libtorch_if_present() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Some(lib) = libtorch_lib_dir() {
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
        println!("{ALLOW_DUPLICATE_BZ_HANDLER}");
    }
}

/// The linker argument that lets `bz_internal_error` be defined twice: by cfitsio (bundled by
/// `tess-io`, in `imcompress.c`) and by `bzip2-sys` (through `tch`'s `zip`). Both are handlers
/// for an error bzip2 says never happens; which archive member the linker loads first depends
/// on the objects' contents, so without it an unrelated change could stop a binary linking.
const ALLOW_DUPLICATE_BZ_HANDLER: &str = "cargo:rustc-link-arg=-Wl,--allow-multiple-definition";

/// Emits the cargo instructions: an rpath to libtorch's folder for every binary, test and
/// example of the calling package, and `libtorch_cuda` linked even though no symbol of it is
/// referenced, when the folder has it (a CPU-only libtorch has not).
pub fn link_libtorch() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    println!("{ALLOW_DUPLICATE_BZ_HANDLER}");
    let Some(lib) = libtorch_lib_dir() else {
        println!("cargo:warning=libtorch folder not found (LIBTORCH unset): binaries will need LD_LIBRARY_PATH");
        return;
    };
    let lib = lib.canonicalize().unwrap_or(lib);
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    if lib.join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-search=native={}", lib.display());
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
        println!("cargo:rustc-link-arg=-ltorch_cuda");
        println!("cargo:rustc-link-arg=-Wl,--as-needed");
    }
}
