//! Running programs the way a shell script with `set -x -e` does: each command is printed before
//! it runs, and one that fails stops the workflow with the command in the error.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The `calnet` binary the workflows drive, as an absolute path: the workflows change into their
/// work folder first, as the shell scripts did.
#[derive(Debug, Clone)]
pub struct Calnet(PathBuf);

impl Calnet {
    /// `path`, or `root/target/release/calnet` when none is given.
    pub fn find(path: Option<PathBuf>, root: &Path) -> Result<Self> {
        let path = path.unwrap_or_else(|| root.join("target/release/calnet"));
        let exe = path.canonicalize().with_context(|| {
            format!(
                "{}: no calnet binary (build it with `cargo build --release -p calnet-cli \
                 --features torch`, or name one with --calnet or CALNET)",
                path.display()
            )
        })?;
        Ok(Self(exe))
    }

    /// A `calnet` command with these arguments.
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Command {
        let mut cmd = Command::new(&self.0);
        cmd.args(args);
        cmd
    }
}

/// The command as a shell line: arguments quoted only where a shell would need it.
pub fn shown(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| {
            let a = a.to_string_lossy();
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c));
            if plain {
                a.into_owned()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints and runs `cmd`, and returns its exit status (an error only when it cannot start).
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    eprintln!("+ {}", shown(cmd));
    cmd.status()
        .with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))
}

/// Prints and runs `cmd`; an error when it does not succeed.
pub fn run(cmd: &mut Command) -> Result<()> {
    let st = status(cmd)?;
    check(cmd, st)
}

fn check(cmd: &Command, st: ExitStatus) -> Result<()> {
    if !st.success() {
        bail!("{} failed ({st})", shown(cmd));
    }
    Ok(())
}

/// [`run`], then prints `label: N ms wall`.
pub fn timed(label: &str, cmd: &mut Command) -> Result<()> {
    let t0 = Instant::now();
    run(cmd)?;
    println!("{label}: {} ms wall", t0.elapsed().as_millis());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_quotes_only_what_a_shell_would_split_or_expand() {
        let mut cmd = Command::new("/bin/calnet");
        cmd.args(["train", "--lr", "5e-4", "a b", "it's", "", "x*"]);
        assert_eq!(
            shown(&cmd),
            r"/bin/calnet train --lr 5e-4 'a b' 'it'\''s' '' 'x*'"
        );
    }

    #[test]
    fn a_failing_command_is_an_error_that_names_it() {
        let err = run(Command::new("false").arg("--x")).unwrap_err();
        assert!(err.to_string().contains("false --x failed"), "{err}");
        run(&mut Command::new("true")).unwrap();
    }
}
