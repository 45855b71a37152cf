//! What the workspace's integration tests share, so that no test file keeps its own copy: the
//! repository's folders, the project's Python (the oracle of the cross-checks), running a
//! command and checking it succeeded. (Seeded random weights, which need libtorch, are in
//! calnet-test-weights.)
//!
//! A dev-dependency only (`publish = false`); a package adds it by path, without a version,
//! so `cargo package` leaves it out.
//!
//! ```
//! let lc = calnet_test_support::fixture("lc/tess2018292075959-s0004-0000000098853987-0124-s_lc.fits");
//! assert!(lc.exists());
//! ```
#![deny(missing_docs)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path inside the committed `fixtures/` folder (`lc/<file>`, `golden/...`).
pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("fixtures").join(relative)
}

/// The project's Python (`.venv/bin/python`, made by `make setup`, with numpy, scipy, astropy
/// and PyTorch); panics with the way to make it when it is missing.
pub fn python() -> PathBuf {
    let p = repo_root().join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run `make setup` (scripts/setup.sh) to create the project's Python",
        p.display()
    );
    p
}

/// Runs `program` with `args`, waits, and returns its stdout; panics with its stderr (and
/// the command) when it cannot start or exits unsuccessfully.
pub fn run_ok<S: AsRef<OsStr>>(
    program: impl AsRef<OsStr>,
    args: impl IntoIterator<Item = S>,
) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let out = output_of(&mut cmd);
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a Python snippet or script with the project's Python (`args` as after `python`, e.g.
/// `["-c", SCRIPT, path]`) and returns its stdout; panics with its stderr when it fails.
pub fn python_ok<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> String {
    run_ok(python(), args)
}

/// Runs a built command, such as a package's binary (`env!("CARGO_BIN_EXE_calnet")`), and
/// waits for it.
pub fn output_of(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("{cmd:?}: cannot run: {e}"))
}
