//! What the `calnet` command tests share: running the binary, and the arguments that keep the
//! network on one CPU thread (tests run in parallel on 2 cores; libtorch's own threads would
//! fight over them).

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::process::{Command, Output};

/// `--device cpu --threads 1`.
pub const CPU_ONE_THREAD: [&str; 4] = ["--device", "cpu", "--threads", "1"];

/// Runs the `calnet` binary of this build with `args` and waits for it.
pub fn calnet<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calnet"))
        .args(args)
        .output()
        .expect("running calnet")
}
