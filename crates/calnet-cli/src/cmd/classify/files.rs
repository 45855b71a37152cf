//! `calnet classify INPUT...`: light-curve files to a catalog and vetting sheets, through
//! `calnet::pipeline`. This module only turns arguments into options and events into output.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::bail;
use calnet::pipeline::{self, ClassifyOptions, Event, Progress, Summary};
use indicatif::{ProgressBar, ProgressStyle};

use super::Args;

/// Runs the pipeline on the inputs of `args`.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.inputs.is_empty() {
        bail!("no inputs: give light-curve files or folders, or --features DIR");
    }
    let found = pipeline::discover(&args.inputs);
    for e in &found.errors {
        eprintln!("{}: {}", e.path().display(), e.reason());
    }
    if found.files.is_empty() {
        bail!("no light-curve files (*.fits, *.fits.gz) in the inputs");
    }
    let mut options = ClassifyOptions::new(&args.weights, &args.out);
    options.threshold = args.threshold;
    options.device = args.device;
    options.batch = args.batch;
    options.plots = args.plots;
    options.shard = args.shard;
    options.features = args.features_config.choice();
    // One pool of --threads runs reading, features and the native engine; libtorch, when it
    // runs the network, gets as many threads.
    options.jobs = args.threads.get();

    let mut display = Display::new();
    let summary = pipeline::classify(&found.files, &options, &mut |event| display.event(event))?;
    display.finish();
    print_summary(&summary, &options, found.errors.len(), args.json);
    Ok(if summary.failures > 0 || !found.errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Progress on stderr: a bar on a terminal, a log line every 10 seconds otherwise.
struct Display {
    bar: Option<ProgressBar>,
    last_line: Instant,
}

impl Display {
    fn new() -> Display {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40.cyan/blue} {pos}/{len} files  {msg}  ETA {eta}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Display {
            bar,
            last_line: Instant::now(),
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Started { files, resumed } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(files as u64);
                    bar.set_position(resumed as u64);
                    bar.reset_eta();
                }
                if resumed > 0 {
                    self.line(&format!(
                        "resuming: {resumed} of {files} files already classified"
                    ));
                }
            }
            Event::Failed { file, reason } => self.line(&format!("{file}: {reason}")),
            Event::NoTarget { file } => {
                self.line(&format!("{file}: {}", crate::cmd::NO_TIC_WARNING))
            }
            Event::Warning { file, message } => self.line(&format!("{file}: warning: {message}")),
            Event::Progress(p) => self.progress(p),
            Event::Writing => {}
        }
    }

    fn progress(&mut self, p: &Progress) {
        let rate = format!(
            "{} segments, {:.1} segments/s, {} candidates",
            p.segments,
            p.segments_per_second(),
            p.candidate_segments
        );
        match &self.bar {
            Some(bar) => {
                bar.set_position(p.files_done as u64);
                bar.set_message(rate);
            }
            None => {
                if self.last_line.elapsed() >= Duration::from_secs(10) {
                    self.last_line = Instant::now();
                    let eta = p
                        .eta()
                        .map_or("?".to_string(), |d| format!("{}s", d.as_secs()));
                    eprintln!(
                        "calnet: {}/{} files, {rate}, ETA {eta}",
                        p.files_done, p.files_total
                    );
                }
            }
        }
    }

    /// A line that does not garble the bar.
    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The run's summary: lines on stdout, or with `--json` one JSON object on stdout and the lines
/// on stderr.
fn print_summary(s: &Summary, options: &ClassifyOptions, input_errors: usize, json: bool) {
    let say = |line: String| {
        if json {
            eprintln!("{line}");
        } else {
            say!("{line}");
        }
    };
    let shard = options
        .shard
        .map_or(String::new(), |k| format!(" (shard {k})"));
    say(format!(
        "calnet classify{shard}: {} files ({} resumed), {} segments, {} above p_eb {} in {} \
         targets, {} failures, {:.1} s, {:.1} segments/s",
        s.files,
        s.files_resumed,
        s.segments,
        s.candidate_segments,
        options.threshold,
        s.targets,
        s.failures,
        s.elapsed.as_secs_f64(),
        s.segments_per_second()
    ));
    let out = |name: &str| -> PathBuf { s.out.join(name) };
    say(format!(
        "  catalog:  {} and {}",
        out("catalog.csv").display(),
        out("catalog.dat").display()
    ));
    say(format!("  segments: {}", out("segments.csv").display()));
    if s.sheets > 0 {
        say(format!(
            "  sheets:   {} ({} PNG)",
            out(pipeline::SHEETS).display(),
            s.sheets
        ));
    }
    if s.failures > 0 {
        say(format!("  failures: {}", out("failures.csv").display()));
    }
    if json {
        super::print_json(&serde_json::json!({
            "files": s.files,
            "files_resumed": s.files_resumed,
            "segments": s.segments,
            "candidate_segments": s.candidate_segments,
            // Through its shortest decimal text, so 0.22 reads back as 0.22, not 0.2199999988.
            "threshold": options.threshold.to_string().parse::<f64>().unwrap_or(f64::from(options.threshold)),
            "targets": s.targets,
            "failures": s.failures,
            "input_errors": input_errors,
            "sheets": s.sheets,
            "elapsed_s": s.elapsed.as_secs_f64(),
            "segments_per_second": s.segments_per_second(),
            "shard": options.shard.map(|k| k.to_string()),
            "outputs": {
                "catalog_csv": out("catalog.csv"),
                "catalog_dat": out("catalog.dat"),
                "segments": out("segments.csv"),
                "skipped": out("skipped.csv"),
                "failures": out("failures.csv"),
                "sheets": out(pipeline::SHEETS),
                "journal": out("journal.jsonl"),
            },
        }));
    }
}
