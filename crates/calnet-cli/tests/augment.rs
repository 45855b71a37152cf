//! `calnet augment` as a real binary on a real 30-minute TESSellator light curve: copies per
//! class, the labels table, the same files whatever --threads, a broken file named and
//! skipped while the rest is written, and a rerun that keeps what is there.

mod common;
use common::calnet;

const REAL: &str = "158635832.fits";

#[test]
fn augment_writes_copies_with_their_labels_and_skips_a_broken_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let fixture = calnet_test_support::fixture("tessellator/lc").join(REAL);
    std::fs::copy(&fixture, data.join(REAL)).unwrap();
    std::fs::copy(&fixture, data.join("twin.fits")).unwrap();
    std::fs::write(data.join("broken.fits"), b"SIMPLE  = T\nnot a FITS file").unwrap();
    std::fs::write(
        data.join("labels.csv"),
        format!("file,label,class\n{REAL},1,KEBC\nbroken.fits,0,NV\ntwin.fits,0,GDOR\n"),
    )
    .unwrap();

    let augment = |out: &std::path::Path, threads: &str| {
        calnet([
            "augment",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--copies",
            "2",
            "--class-copies",
            "KEBC=3",
            "--seed",
            "5",
            "--threads",
            threads,
        ])
    };
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("aug-{threads}"));
        let o = augment(&out, threads);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("broken.fits: "), "{stderr}");
        runs.push(out);
    }
    let table = std::fs::read_to_string(runs[0].join("labels.csv")).unwrap();
    assert_eq!(
        table,
        "file,label,class\n\
         158635832-aug0.fits,1,KEBC\n158635832-aug1.fits,1,KEBC\n158635832-aug2.fits,1,KEBC\n\
         twin-aug0.fits,0,GDOR\ntwin-aug1.fits,0,GDOR\n"
    );
    for line in table.lines().skip(1) {
        let name = line.split(',').next().unwrap();
        let a = std::fs::read(runs[0].join(name)).unwrap();
        let b = std::fs::read(runs[1].join(name)).unwrap();
        assert!(a == b, "{name}: the same bytes whatever --threads");
    }
    // Copies of the same light curve under another name are other draws.
    let a = std::fs::read(runs[0].join("158635832-aug0.fits")).unwrap();
    let b = std::fs::read(runs[0].join("twin-aug0.fits")).unwrap();
    assert_ne!(a, b);

    // The copies are light curves `calnet inspect` reads, on the source's cadence.
    let o = calnet([
        "inspect",
        runs[0].join("158635832-aug0.fits").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("TIC 158635832") && text.contains("1800 s cadence"),
        "{text}"
    );

    // A rerun keeps the copies already written (atomic, so whole) and writes what is missing.
    std::fs::remove_file(runs[0].join("twin-aug1.fits")).unwrap();
    let before = std::fs::metadata(runs[0].join("twin-aug0.fits"))
        .unwrap()
        .modified()
        .unwrap();
    let o = augment(&runs[0], "2");
    assert_eq!(o.status.code(), Some(1));
    let after = std::fs::metadata(runs[0].join("twin-aug0.fits"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "a finished copy is not rewritten");
    assert_eq!(
        std::fs::read(runs[0].join("twin-aug1.fits")).unwrap(),
        std::fs::read(runs[1].join("twin-aug1.fits")).unwrap()
    );
}

#[test]
fn a_table_without_a_class_column_refuses_class_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let labels = tmp.path().join("labels.csv");
    std::fs::write(&labels, format!("file,label\n{REAL},1\n")).unwrap();
    let o = calnet([
        "augment",
        calnet_test_support::fixture("tessellator/lc")
            .to_str()
            .unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--class-copies",
        "KEBC=3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("labels.csv") && stderr.contains("`class` or `subclass`"),
        "{stderr}"
    );
}

#[test]
fn a_table_without_file_and_label_or_bad_class_copies_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let labels = tmp.path().join("labels.csv");
    std::fs::write(&labels, format!("name,label\n{REAL},1\n")).unwrap();
    let data = calnet_test_support::fixture("tessellator/lc");
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "augment",
            data.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        calnet(args)
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("`file` and `label`"), "{stderr}");

    let o = run(&["--class-copies", "KEBC:3"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("expected CLASS=N"), "{stderr}");
    assert!(!out.join("labels.csv").exists());
}
