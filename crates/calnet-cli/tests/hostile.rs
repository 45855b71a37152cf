//! Hostile inputs through every command that reads light curves: a corpus made here, at test
//! time, from the real fixtures (small files only: a claim of 5e9 rows needs a few bytes), mixed
//! with good files. Every command must end with exit 0, 1 or 2 within a time bound, never a
//! panic, abort or hang; the good files' rows must be present and unchanged; the bad files must
//! be in failures.csv with a reason.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use calnet_test_weights::random_weights;

mod common;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lc");
/// The good files: small ones, so that the test stays quick; the first has classified
/// segments, the second only segments too short to classify (skipped.csv).
const GOOD: [&str; 2] = [
    "hlsp_tess-spoc_tess_phot_0000000038846515-s0061_tess_v1_lc.fits",
    "hlsp_qlp_tess_ffi_s0002-0000000038846515_tess_v01_llc.fits",
];
/// The file the broken headers are made from (164 kB).
const BASE: &str = "hlsp_tess-spoc_tess_phot_0000000038846515-s0001_tess_v1_lc.fits";
/// Far above what any case needs on a loaded machine; a hang or a 40 GB allocation is caught.
const LIMIT: Duration = Duration::from_secs(240);

/// Replaces the value of header card `key` in the first extension (80-byte cards).
fn set_card(bytes: &mut [u8], key: &str, value: &str) {
    let cards = bytes.len() / 80;
    let ext = (0..cards)
        .find(|&i| bytes[i * 80..].starts_with(b"XTENSION"))
        .expect("an extension");
    let i = (ext..cards)
        .find(|&i| &bytes[i * 80..i * 80 + 8] == format!("{key:<8}").as_bytes())
        .unwrap_or_else(|| panic!("no {key} card"));
    let card = format!("{:<80}", format!("{key:<8}= {value:>20}"));
    bytes[i * 80..(i + 1) * 80].copy_from_slice(card.as_bytes());
}

fn gzip(bytes: &[u8], trailing_zeros: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..trailing_zeros / zeros.len() {
        enc.write_all(&zeros).unwrap();
    }
    enc.finish().unwrap()
}

/// The hostile corpus: files that must fail (name, why they are bad), written into `dir`.
fn bad_files(dir: &Path) -> Vec<(String, &'static str)> {
    let base = std::fs::read(Path::new(FIXTURES).join(BASE)).unwrap();
    let rows = tess_io::read(Path::new(FIXTURES).join(BASE))
        .unwrap()
        .time
        .len();
    let mut cases: Vec<(String, &'static str, Vec<u8>)> = Vec::new();
    let mut edited = |name: &str, why: &'static str, key: &str, value: String| {
        let mut b = base.clone();
        set_card(&mut b, key, &value);
        cases.push((format!("{name}_lc.fits"), why, b));
    };
    edited("naxis2_5e9", "too large", "NAXIS2", "5000000000".into());
    edited(
        "naxis2_2e18",
        "too large",
        "NAXIS2",
        "2000000000000000000".into(),
    );
    edited("naxis2_negative", "NAXIS2", "NAXIS2", "-5".into());
    edited(
        "naxis2_plus_one",
        "truncated",
        "NAXIS2",
        (rows + 1).to_string(),
    );
    edited("naxis1_bad", "NAXIS1", "NAXIS1", "7".into());
    edited("tfields_1000", "TFIELDS", "TFIELDS", "1000".into());
    edited("tfields_more", "TFIELDS", "TFIELDS", "40".into());
    edited("pcount_1e9", "truncated", "PCOUNT", "1000000000".into());
    edited("timedel_text", "TIMEDEL", "TIMEDEL", "'two minutes'".into());
    cases.push((
        "truncated_lc.fits".into(),
        "truncated",
        base[..base.len() / 2].to_vec(),
    ));
    cases.push(("empty_lc.fits".into(), "empty", Vec::new()));
    cases.push((
        "text_lc.fits".into(),
        "not a FITS file",
        b"SIMPL is not how a FITS file starts".to_vec(),
    ));
    // 1.4 MB that would inflate to 48 MB of zeros after the FITS data.
    cases.push(("bomb_lc.fits.gz".into(), "too large", gzip(&base, 48 << 20)));
    let mut broken_gz = gzip(&base, 0);
    let mid = broken_gz.len() / 2;
    broken_gz[mid..mid + 64].iter_mut().for_each(|x| *x ^= 0xa5);
    cases.push(("corrupt_lc.fits.gz".into(), "gzip", broken_gz));
    let mut out = Vec::new();
    for (name, why, bytes) in cases {
        std::fs::write(dir.join(&name), bytes).unwrap();
        out.push((name, why));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(dir.join("nowhere.fits"), dir.join("dangling_lc.fits")).unwrap();
        symlink(dir.join("loop_b_lc.fits"), dir.join("loop_a_lc.fits")).unwrap();
        symlink(dir.join("loop_a_lc.fits"), dir.join("loop_b_lc.fits")).unwrap();
        out.push(("dangling_lc.fits".into(), "no such file"));
        out.push(("loop_a_lc.fits".into(), "symbolic links"));
        out.push(("loop_b_lc.fits".into(), "symbolic links"));
    }
    out
}

/// Odd but valid files that every command must survive: one TIME of 1e300 (the periodogram
/// and injection refuse it; classification skips the lone point), a negative median flux
/// (a faint star after background subtraction: its sheet must be drawn).
fn odd_files(dir: &Path) -> Vec<String> {
    let lc = tess_io::read(Path::new(FIXTURES).join(GOOD[0])).unwrap();
    let mut far = lc.clone();
    // The last row the quality cut keeps.
    let last = (0..far.time.len())
        .rev()
        .find(|&i| far.quality[i] == 0 && far.flux[i].is_finite())
        .unwrap();
    far.time[last] = 1e300;
    let mut negative = lc.clone();
    let mut finite: Vec<f32> = lc.flux.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_by(f32::total_cmp);
    let median = finite[finite.len() / 2];
    negative.flux.iter_mut().for_each(|v| *v -= 2.0 * median);
    let names = vec![
        "tess_far_time_lc.fits".to_string(),
        "tess_negative_median_lc.fits".to_string(),
    ];
    tess_io::write_spoc(&dir.join(&names[0]), &far).unwrap();
    tess_io::write_spoc(&dir.join(&names[1]), &negative).unwrap();
    names
}

/// Runs `calnet args`, killing it (and failing) after [`LIMIT`]; asserts exit 0, 1 or 2 and no
/// panic.
fn run<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> Output {
    let o = run_with(args, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "calnet {args:?}:\n{stderr}");
    o
}

/// [`run`] with environment variables `env`, without the check for a panic.
fn run_with<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(
    args: &[S],
    env: &[(&str, &str)],
) -> Output {
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_calnet"))
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained by threads, so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).unwrap();
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).unwrap();
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if t0.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("calnet {args:?} ran past {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let o = Output {
        status,
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        matches!(o.status.code(), Some(0..=2)),
        "calnet {args:?}: {:?}\n{stderr}",
        o.status
    );
    o
}

/// Rows of a CSV keyed by their first field's file name (paths differ between folders).
fn rows_by_file(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut r = csv::Reader::from_path(path).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let file = Path::new(&rec[0])
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let rest: Vec<&str> = rec.iter().skip(1).collect();
        out.entry(file).or_default().push(rest.join(","));
    }
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_command_survives_the_hostile_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let good_dir = tmp.path().join("good");
    let mixed = tmp.path().join("mixed");
    std::fs::create_dir_all(&good_dir).unwrap();
    std::fs::create_dir_all(&mixed).unwrap();
    for g in GOOD {
        std::fs::copy(Path::new(FIXTURES).join(g), good_dir.join(g)).unwrap();
        std::fs::copy(Path::new(FIXTURES).join(g), mixed.join(g)).unwrap();
    }
    let bad = bad_files(&mixed);
    let odd = odd_files(&mixed);
    let w = random_weights(tmp.path());
    let cpu = common::CPU_ONE_THREAD;

    // inspect: every file gets a line; the bad ones make it exit 1.
    let o = run(&["inspect", s(&mixed)]);
    assert_eq!(o.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for (name, _) in &bad {
        assert!(
            all.contains(name.as_str()),
            "inspect says nothing of {name}"
        );
    }

    // features: the good files' rows unchanged, the bad ones in failures.csv with a reason.
    let (f_good, f_mixed) = (tmp.path().join("f_good"), tmp.path().join("f_mixed"));
    assert_eq!(
        run(&[
            "features",
            s(&good_dir),
            "--out",
            s(&f_good),
            "--threads",
            "2"
        ])
        .status
        .code(),
        Some(0)
    );
    let o = run(&[
        "features",
        s(&mixed),
        "--out",
        s(&f_mixed),
        "--threads",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let want = rows_by_file(&f_good.join("segments.csv"));
    let got = rows_by_file(&f_mixed.join("segments.csv"));
    assert!(want.contains_key(GOOD[0]), "{want:?}");
    for g in GOOD {
        assert_eq!(got.get(g), want.get(g), "features rows of {g}");
    }
    let failures = rows_by_file(&f_mixed.join("failures.csv"));
    for (name, why) in &bad {
        let reason = failures
            .get(name)
            .unwrap_or_else(|| panic!("features: {name} not in failures.csv: {failures:?}"));
        assert!(
            reason[0].contains(why),
            "features: {name}: {reason:?} does not say {why:?}"
        );
    }

    // gls and inject on each file alone: bad and far-time files are refused (exit 1 or 2).
    let inj = tmp.path().join("inject");
    for (name, _) in &bad {
        let file = mixed.join(name);
        assert_eq!(run(&["gls", s(&file)]).status.code(), Some(1), "gls {name}");
        assert_eq!(
            run(&["inject", "--into", s(&file), "--out", s(&inj)])
                .status
                .code(),
            Some(2),
            "inject {name}"
        );
    }
    let far = mixed.join(&odd[0]);
    let o = run(&["gls", s(&far)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("too large"));
    let o = run(&["gls", s(&far), "--method", "fast"]);
    assert_eq!(o.status.code(), Some(1));
    let good = mixed.join(GOOD[0]);
    for fmax in ["1e300", "1e12"] {
        let o = run(&[
            "gls",
            s(&good),
            "--method",
            "fast",
            "--fmin",
            "0.1",
            "--fmax",
            fmax,
            "--n",
            "100",
        ]);
        assert_eq!(o.status.code(), Some(1), "--fmax {fmax}");
    }
    let o = run(&["inject", "--into", s(&far), "--out", s(&inj)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("TIME runs from"));
    let negative = mixed.join(&odd[1]);
    assert_eq!(run(&["gls", s(&negative)]).status.code(), Some(0));

    // classify: exit 1, the good files' segments unchanged, every bad file in failures.csv,
    // the odd ones classified (the negative-median one with its sheet).
    let (c_good, c_mixed) = (tmp.path().join("c_good"), tmp.path().join("c_mixed"));
    let classify = |input: &Path, out: &Path| {
        let mut args = vec![
            "classify",
            s(input),
            "--weights",
            s(&w),
            "--out",
            s(out),
            "--batch",
            "4",
            "--threshold",
            "0.0",
            "--plots",
            "all",
        ];
        args.extend(cpu);
        run(&args).status.code()
    };
    assert_eq!(classify(&good_dir, &c_good), Some(0));
    assert_eq!(classify(&mixed, &c_mixed), Some(1));
    let want = rows_by_file(&c_good.join("segments.csv"));
    let got = rows_by_file(&c_mixed.join("segments.csv"));
    assert!(want.contains_key(GOOD[0]), "{want:?}");
    for g in GOOD {
        assert_eq!(got.get(g), want.get(g), "classify rows of {g}");
    }
    for o in &odd {
        assert!(got.contains_key(o.as_str()), "{o} classified");
    }
    let failures = rows_by_file(&c_mixed.join("failures.csv"));
    for (name, why) in &bad {
        let reason = failures
            .get(name)
            .unwrap_or_else(|| panic!("classify: {name} not in failures.csv: {failures:?}"));
        assert!(reason[0].contains(why), "classify: {name}: {reason:?}");
    }
    assert_eq!(failures.len(), bad.len(), "{failures:?}");
    let sheets: Vec<String> = std::fs::read_dir(c_mixed.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // A sheet per file with classified segments (not the QLP one): three files of one TIC
    // and sector, three sheets, none overwriting another.
    assert_eq!(sheets.len(), 1 + odd.len(), "{sheets:?}");
    // The rerun resumes: nothing to do, same exit status.
    assert_eq!(classify(&mixed, &c_mixed), Some(1));
}

/// Values clap must refuse before anything runs (exit 2, a message naming the option).
#[test]
fn out_of_range_arguments_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let file = Path::new(FIXTURES).join(BASE);
    let out = tmp.path().join("out");
    for (option, value) in [
        ("--threshold", "nan"),
        ("--threshold", "inf"),
        ("--threshold", "2"),
        ("--threshold", "-1"),
        ("--batch", "100000"),
        ("--batch", "100000000"),
        ("--batch", "0"),
    ] {
        let arg = format!("{option}={value}");
        let o = run(&[
            "classify",
            s(&file),
            "--weights",
            "w.pth",
            "--out",
            s(&out),
            &arg,
        ]);
        assert_eq!(o.status.code(), Some(2), "{option} {value}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(option));
    }
    for args in [
        ["--fmin", "0.1", "--fmax", "inf", "--n", "10"],
        ["--fmin", "0.1", "--fmax", "nan", "--n", "10"],
        ["--fmin", "-1", "--fmax", "1", "--n", "10"],
        ["--fmin", "0.1", "--fmax", "1", "--n", "100000000000"],
    ] {
        let mut a = vec!["gls", s(&file)];
        a.extend(args);
        assert_eq!(run(&a).status.code(), Some(2), "{args:?}");
    }
    assert!(!out.exists());
    // An error names its file once (it read `calnet: W: W: ...: W: ...`).
    let missing = tmp.path().join("no-such-weights.pth");
    let o = run(&[
        "classify",
        s(&file),
        "--weights",
        s(&missing),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches(s(&missing)).count(), 1, "{stderr}");
}

/// Two runs into one folder: the second is refused at once (the lock), the first completes;
/// `merge --out` onto a folder holding another run is refused like classify refuses it; a
/// closed standard output (`| true`) is no error once the outputs are written.
#[test]
fn one_writer_per_folder_and_a_closed_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let out = tmp.path().join("out");
    let file = Path::new(FIXTURES).join(GOOD[0]);
    let args = |out: &Path, threshold: &str| -> Vec<String> {
        let mut a: Vec<String> = [
            "classify",
            s(&file),
            "--weights",
            s(&w),
            "--out",
            s(out),
            "--threshold",
            threshold,
            "--plots",
            "none",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        a.extend(common::CPU_ONE_THREAD.iter().map(|x| x.to_string()));
        a
    };
    std::fs::create_dir_all(&out).unwrap();
    // Hold the folder's lock as a running classify does.
    let lock = std::fs::File::create(out.join(calnet::pipeline::LOCK)).unwrap();
    fs4::fs_std::FileExt::lock_exclusive(&lock).unwrap();
    let o = run(&args(&out, "0.5"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another calnet run"));
    assert!(!out.join("journal.jsonl").exists(), "nothing written");
    drop(lock);

    // A closed pipe: the outputs are written, the exit is quiet.
    let mut child = Command::new(env!("CARGO_BIN_EXE_calnet"))
        .args(args(&out, "0.5"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone, as with `| true`
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.join("catalog.csv").exists());

    // merge onto a folder holding another run (another threshold) is refused.
    let parts: Vec<PathBuf> = (1..=2).map(|k| tmp.path().join(format!("p{k}"))).collect();
    for (k, p) in parts.iter().enumerate() {
        let mut a = args(p, "0.3");
        a.extend(["--shard".to_string(), format!("{}/2", k + 1)]);
        assert!(common::calnet(&a).status.success());
    }
    let before = std::fs::read(out.join("journal.jsonl")).unwrap();
    let o = common::calnet(["merge", s(&parts[0]), s(&parts[1]), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("threshold"));
    assert_eq!(std::fs::read(out.join("journal.jsonl")).unwrap(), before);
}

/// Rows in another order are the same light curve: inspect sorts them before splitting at
/// gaps, as classify and features do (it counted thousands of "segments" for shuffled rows).
#[test]
fn inspect_counts_segments_of_shuffled_rows_as_classify_does() {
    let tmp = tempfile::tempdir().unwrap();
    let lc = tess_io::read(Path::new(FIXTURES).join(GOOD[0])).unwrap();
    let mut shuffled = lc.clone();
    // A fixed permutation: rows 0, 7, 14, ..., then 1, 8, 15, ...
    let n = lc.time.len();
    let order: Vec<usize> = (0..7).flat_map(|r| (r..n).step_by(7)).collect();
    assert_eq!(order.len(), n);
    for (to, &from) in order.iter().enumerate() {
        shuffled.time[to] = lc.time[from];
        shuffled.flux[to] = lc.flux[from];
        shuffled.flux_err[to] = lc.flux_err[from];
        shuffled.quality[to] = lc.quality[from];
        shuffled.cadenceno[to] = lc.cadenceno[from];
    }
    let path = tmp.path().join("shuffled_lc.fits");
    tess_io::write_spoc(&path, &shuffled).unwrap();
    let segments = |p: &Path| -> String {
        let o = run(&["inspect", "--json", s(p)]);
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["segments"].to_string()
    };
    let sorted = segments(&Path::new(FIXTURES).join(GOOD[0]));
    assert_eq!(segments(&path), sorted);
    assert_eq!(sorted.matches(',').count(), 1, "two segments: {sorted}");
}

/// The panic boundary of `classify`, reached through the fault injection that debug builds
/// have (`CALNET_INJECT_PANIC`; no real input is known to panic any more). A panic in a worker
/// thread (reading a file) or in the writer thread (its period and sheet) fails that file only:
/// exit 1, the other files' segments unchanged, the two files in failures.csv with the panic's
/// message. A panic in the inference loop, which no single file owns, ends the run with a
/// clear error; the files journaled before it stay, and the rerun resumes after them and
/// writes the bytes of a run that never panicked.
#[test]
fn a_panic_in_a_worker_or_the_writer_fails_its_file_only() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: release builds have no fault injection");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let w = random_weights(tmp.path());
    let (good_dir, mixed) = (tmp.path().join("good"), tmp.path().join("mixed"));
    std::fs::create_dir_all(&good_dir).unwrap();
    std::fs::create_dir_all(&mixed).unwrap();
    for g in GOOD {
        std::fs::copy(Path::new(FIXTURES).join(g), good_dir.join(g)).unwrap();
        std::fs::copy(Path::new(FIXTURES).join(g), mixed.join(g)).unwrap();
    }
    // Copies of the file with classified segments, so that each reaches the stage it panics in.
    for victim in ["worker_victim_lc.fits", "writer_victim_lc.fits"] {
        std::fs::copy(Path::new(FIXTURES).join(GOOD[0]), mixed.join(victim)).unwrap();
    }
    let classify = |input: &Path, out: &Path, env: &[(&str, &str)]| {
        let mut args = vec![
            "classify",
            s(input),
            "--weights",
            s(&w),
            "--out",
            s(out),
            "--batch",
            "4",
            "--threshold",
            "0.0",
            "--plots",
            "all",
        ];
        args.extend(common::CPU_ONE_THREAD);
        run_with(&args, env)
    };
    let inject = [(
        "CALNET_INJECT_PANIC",
        "prepare:worker_victim_lc.fits,record:writer_victim_lc.fits",
    )];
    let (c_good, c_mixed) = (tmp.path().join("c_good"), tmp.path().join("c_mixed"));
    let o = classify(&good_dir, &c_good, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = classify(&mixed, &c_mixed, &inject);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("injected panic"),
        "the panics happened: {stderr}"
    );
    let want = rows_by_file(&c_good.join("segments.csv"));
    let got = rows_by_file(&c_mixed.join("segments.csv"));
    assert!(want.contains_key(GOOD[0]), "{want:?}");
    assert_eq!(got, want, "segments.csv holds the good files, unchanged");
    let failures = rows_by_file(&c_mixed.join("failures.csv"));
    assert_eq!(failures.len(), 2, "{failures:?}");
    for (victim, while_) in [
        ("worker_victim_lc.fits", "reading it"),
        ("writer_victim_lc.fits", "estimating its period"),
    ] {
        let reason = &failures[victim][0];
        assert!(
            reason.contains(&format!("internal error while {while_}"))
                && reason.contains("injected panic"),
            "{victim}: {reason}"
        );
    }
    assert!(c_mixed.join("catalog.csv").exists());

    // The inference loop: files a_ to d_ are inferred in steps before e_ and f_ (steps of two
    // files at --batch 4 on one thread), so they are journaled when the panic comes.
    let six = tmp.path().join("six");
    std::fs::create_dir_all(&six).unwrap();
    for c in ["a", "b", "c", "d", "e", "f"] {
        let to = six.join(format!("{c}_lc.fits"));
        std::fs::copy(Path::new(FIXTURES).join(GOOD[0]), to).unwrap();
    }
    let (c_six, c_clean) = (tmp.path().join("c_six"), tmp.path().join("c_clean"));
    let o = classify(
        &six,
        &c_six,
        &[("CALNET_INJECT_PANIC", "forward:f_lc.fits")],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("internal error while running the inference loop")
            && stderr.contains("rerunning the command resumes"),
        "{stderr}"
    );
    let journal = std::fs::read_to_string(c_six.join("journal.jsonl")).unwrap();
    let journaled = |c: &str| journal.contains(&format!("{c}_lc.fits"));
    assert!(
        ["a", "b", "c", "d"].iter().all(|c| journaled(c)) && !journaled("e") && !journaled("f"),
        "{journal}"
    );
    let o = classify(&six, &c_six, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(classify(&six, &c_clean, &[]).status.code(), Some(0));
    for name in ["segments.csv", "catalog.csv", "failures.csv"] {
        assert_eq!(
            std::fs::read(c_six.join(name)).unwrap(),
            std::fs::read(c_clean.join(name)).unwrap(),
            "{name} after resuming"
        );
    }
}
