//! The steps the training workflows share: simulated sets, feature sets, joining them, and
//! training that resumes. Each skips what an earlier, interrupted run already finished, judged
//! by the file a step writes last (`labels.csv` of a set, `checkpoint/state.json` of a run).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::run::{run, shown, status, Calnet};
use crate::tables::{concat_files, join_tables, write_whole, Columns};

/// `calnet simulate` options for training sets: labels that each segment can live up to (a blend
/// counts as a binary, every segment holds an eclipse, eclipses stand out of the noise;
/// docs/training.md says why).
pub const LABEL_IN_EVERY_SEGMENT: [&str; 5] = [
    "--blend-label",
    "1",
    "--min-snr",
    "20",
    "--eclipse-every-segment",
];

/// The demo weights' test sets, `(folder, light curves, seed, cadence)`: seeds that no training
/// set is drawn with.
pub const TEST_SETS: [(&str, usize, u64, u32); 2] =
    [("test120", 600, 12, 120), ("test200", 300, 14, 200)];

/// `calnet` and the `calnet simulate` options every set of a workflow is drawn with.
pub struct Sets<'a> {
    pub calnet: &'a Calnet,
    pub sim: Vec<String>,
}

impl Sets<'_> {
    /// [`TEST_SETS`].
    pub fn simulate_test_sets(&self) -> Result<()> {
        for (dir, n, seed, cadence) in TEST_SETS {
            self.simulate(dir, n, seed, cadence)?;
        }
        Ok(())
    }

    /// A set of light curves: `dir/*.fits` and `dir/labels.csv`.
    pub fn simulate(&self, dir: &str, n: usize, seed: u64, cadence: u32) -> Result<()> {
        if Path::new(dir).join("labels.csv").is_file() {
            return Ok(());
        }
        let (n, seed, cadence) = (n.to_string(), seed.to_string(), cadence.to_string());
        let args = [
            "simulate",
            "--out",
            dir,
            "--n",
            &n,
            "--seed",
            &seed,
            "--cadence",
            &cadence,
        ];
        run(self.calnet.command(args).args(&self.sim))
    }

    /// A set kept only as reference-layout features, `dir/{lc,gls,labels}.csv`: its FITS files
    /// (1.9 MB each, against 0.11 MB of CSV) are deleted, so the disk holds one set's FITS at a
    /// time.
    pub fn feature_set(&self, dir: &str, n: usize, seed: u64, cadence: u32) -> Result<()> {
        let labels = Path::new(dir).join("labels.csv");
        if labels.is_file() {
            return Ok(());
        }
        let fits = format!("{dir}-fits");
        self.simulate(&fits, n, seed, cadence)?;
        run(&mut self.calnet.command(["features", "--out", dir, &fits]))?;
        // labels.csv last (a copy written whole): it is what marks the set done.
        concat_files(&labels, &[Path::new(&fits).join("labels.csv")])?;
        std::fs::remove_dir_all(&fits).with_context(|| format!("removing {fits}"))
    }
}

/// `calnet evaluate` of `weights` on each of [`TEST_SETS`], into `eval-SET`, with `extra` options.
pub fn evaluate_test_sets(calnet: &Calnet, weights: &str, extra: &[&str]) -> Result<()> {
    evaluate_sets(
        calnet,
        weights,
        TEST_SETS.map(|(set, ..)| set),
        "eval-",
        extra,
    )
}

/// `calnet evaluate` of `weights` on each set folder (its own `labels.csv`), into
/// `PREFIXSET`, with `extra` options.
pub fn evaluate_sets<'s>(
    calnet: &Calnet,
    weights: &str,
    sets: impl IntoIterator<Item = &'s str>,
    prefix: &str,
    extra: &[&str],
) -> Result<()> {
    for set in sets {
        let labels = format!("{set}/labels.csv");
        let out = format!("{prefix}{set}");
        let args = [
            "evaluate",
            "--weights",
            weights,
            "--data",
            set,
            "--labels",
            &labels,
            "--cache",
            "cache",
            "--out",
            &out,
        ];
        run(calnet.command(args).args(extra))?;
    }
    Ok(())
}

/// The real fixture light curves' labels (`fixtures/lc`): CW Eri (TIC 98853987) and CM Dra
/// (199574208) are eclipsing binaries, the other three targets (WASP-100, WASP-126, TOI-216)
/// planet hosts.
pub const FIXTURE_LABELS: &str =
    "tic,label\n98853987,1\n199574208,1\n38846515,0\n25155310,0\n55652896,0\n";

/// `calnet evaluate` of `weights` on the real fixture light curves (`ROOT/fixtures/lc`) into
/// `out`, with `extra` options.
pub fn evaluate_fixtures(
    calnet: &Calnet,
    root: &Path,
    weights: &str,
    out: &str,
    extra: &[&str],
) -> Result<()> {
    write_whole(Path::new("fixture-labels.csv"), |w| {
        Ok(std::io::Write::write_all(w, FIXTURE_LABELS.as_bytes())?)
    })?;
    let mut cmd = calnet.command(["evaluate", "--weights", weights, "--data"]);
    cmd.arg(root.join("fixtures/lc")).args([
        "--labels",
        "fixture-labels.csv",
        "--cache",
        "cache",
        "--out",
        out,
    ]);
    cmd.args(extra);
    // Exit code 1 here is expected: two 1800 s fixture files give no segment (reported).
    let st = status(&mut cmd)?;
    if !st.success() && st.code() != Some(1) {
        bail!("{} failed ({st})", shown(&cmd));
    }
    Ok(())
}

/// Feature sets as one: `out/{lc,gls}.csv` in the order given (row i of one file goes with row
/// i of the other) and one labels table.
pub fn merge_feature_sets(out: &str, dirs: &[String]) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {out}"))?;
    let files =
        |name: &str| -> Vec<PathBuf> { dirs.iter().map(|d| Path::new(d).join(name)).collect() };
    let out = Path::new(out);
    concat_files(&out.join("lc.csv"), &files("lc.csv"))?;
    concat_files(&out.join("gls.csv"), &files("gls.csv"))?;
    join_tables(&out.join("labels.csv"), &files("labels.csv"), Columns::All)
}

/// Epochs a `calnet train` run folder has completed, from its `checkpoint/state.json`; `None`
/// when it has none (a run not started, or killed before its first epoch ended).
pub fn epochs_done(run_dir: &Path) -> Result<Option<u64>> {
    let path = run_dir.join("checkpoint/state.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
    };
    let state: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let done = state["epochs_done"]
        .as_u64()
        .with_context(|| format!("{}: no whole number under \"epochs_done\"", path.display()))?;
    Ok(Some(done))
}

/// `calnet train ARGS` unless `run_dir` (the run's `--out`) has done its `epochs`; with
/// `--resume` added when an earlier run left a checkpoint.
pub fn train_unless_done(
    calnet: &Calnet,
    run_dir: &str,
    epochs: u64,
    args: &[String],
) -> Result<()> {
    let done = epochs_done(Path::new(run_dir))?;
    if done.is_some_and(|d| d >= epochs) {
        eprintln!("{run_dir}: {epochs} epochs done");
        return Ok(());
    }
    let mut cmd = calnet.command(["train"]);
    cmd.args(args);
    if done.is_some() {
        cmd.arg("--resume");
    }
    run(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_done_reads_the_checkpoint_state() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(epochs_done(d.path()).unwrap(), None);
        std::fs::create_dir(d.path().join("checkpoint")).unwrap();
        let state = d.path().join("checkpoint/state.json");
        // The layout `calnet train` writes (pretty-printed, the count among other fields).
        std::fs::write(
            &state,
            "{\n  \"format\": 1,\n  \"data_key\": \"ab\",\n  \"epochs_done\": 7,\n  \
             \"adam_step\": 3,\n  \"history\": [{\"epochs_done\": 99}]\n}",
        )
        .unwrap();
        assert_eq!(epochs_done(d.path()).unwrap(), Some(7));
        std::fs::write(&state, "{\"format\": 1}").unwrap();
        let err = epochs_done(d.path()).unwrap_err();
        assert!(
            format!("{err:#}").contains("state.json: no whole number"),
            "{err:#}"
        );
        std::fs::write(&state, "{\"epochs_done\": 7").unwrap();
        let err = epochs_done(d.path()).unwrap_err();
        assert!(
            format!("{err:#}").contains("checkpoint/state.json"),
            "{err:#}"
        );
    }
}
