//! The `calnet` command.
//!
//! Exit codes: 0 success; 1 some inputs failed (the others were processed); 2 usage or fatal error.

use clap::{CommandFactory, Parser, Subcommand};

/// `println!` for reports on standard output that a closed pipe (`calnet ... | head`) does not
/// turn into a panic: the outputs are files already written, so the report is dropped quietly.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say_line(format_args!($($arg)*))
    };
}

mod cmd;

/// An error and its causes in one line, each said once: most errors already name their file
/// and repeat their cause's words, which `{:#}` would print again (`W: W: ...: W: ...`).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if text.is_empty() || c.starts_with(&text) {
            text = c;
        } else if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

fn say_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("calnet: standard output: {e}");
        }
    }
}

/// Find eclipsing binaries in TESS light curves with CALNet.
#[derive(Parser)]
#[command(name = "calnet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what light-curve files hold: product, TIC, sector, rows kept, segments.
    Inspect(cmd::inspect::Args),
    /// Compute CALNet's model inputs (4000-point light curve, 1000-point periodogram) per segment.
    Features(cmd::features::Args),
    /// The generalized Lomb-Scargle periodogram of a light curve (CSV; --plot PNG).
    Gls(cmd::gls::Args),
    /// Classify segments: p(EB) from the CALNet network (--features DIR: precomputed inputs).
    Classify(cmd::classify::Args),
    /// Train CALNet on labelled light curves; metrics, curves and checkpoints per epoch.
    #[cfg(feature = "torch")]
    Train(cmd::train::Args),
    /// Metrics of weights on labelled light curves, per segment and per file.
    #[cfg(feature = "torch")]
    Evaluate(cmd::evaluate::Args),
    /// Clean a real labelled set (label-1 files must show their binary) and split it by star.
    Curate(cmd::curate::Args),
    /// Join the output folders of `calnet classify --shard K/N` into one run's outputs.
    Merge(cmd::merge::Args),
    /// Simulate a labelled set of TESS light curves (EBs and look-alikes) with labels.csv.
    Simulate(cmd::simulate::Args),
    /// Inject a simulated eclipsing binary into a real light curve, with its truth row.
    Inject(cmd::inject::Args),
    /// Augmented copies of labelled real light curves (reversed, stretched, cropped, noisier).
    Augment(cmd::augment::Args),
    /// Print a shell completion script: `calnet completions bash > /etc/bash_completion.d/calnet`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `calnet man > calnet.1`.
    Man,
}

/// Writes a generated text (completions, man page) to standard output; a closed pipe is not
/// an error.
fn print_generated(
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> anyhow::Result<std::process::ExitCode> {
    use std::io::Write;
    let mut buf = Vec::new();
    write(&mut buf)?;
    match std::io::stdout().lock().write_all(&buf) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(std::process::ExitCode::SUCCESS),
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => cmd::inspect::run(args),
        Command::Features(args) => cmd::features::run(args),
        Command::Gls(args) => cmd::gls::run(args),
        Command::Classify(args) => cmd::classify::run(args),
        #[cfg(feature = "torch")]
        Command::Train(args) => cmd::train::run(args),
        #[cfg(feature = "torch")]
        Command::Evaluate(args) => cmd::evaluate::run(args),
        Command::Curate(args) => cmd::curate::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Simulate(args) => cmd::simulate::run(args),
        Command::Inject(args) => cmd::inject::run(args),
        Command::Augment(args) => cmd::augment::run(args),
        Command::Completions { shell } => print_generated(|buf| {
            clap_complete::generate(shell, &mut Cli::command(), "calnet", buf);
            Ok(())
        }),
        Command::Man => print_generated(|buf| clap_mangen::Man::new(Cli::command()).render(buf)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("calnet: {}", error_text(&e));
            std::process::ExitCode::from(2)
        }
    }
}
