//! The reference population keeps its bytes: for a seed and options, the files and the labels
//! table are those of commit 438e5ff (before populations existed), so sets published with
//! their seeds can be made again. Digests are FNV-1a over each file's name and bytes, files
//! in name order; a change to the reference draws, sector layout or noise fails here.

use lc_sim::{Cadence, Class, SimConfig};

fn fnv1a(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

fn digest(cfg: &SimConfig, seed: u64, n: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    lc_sim::simulate_to_dir(cfg, dir.path(), seed, n, &|_| {}).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut h = 0xcbf2_9ce4_8422_2325;
    for p in &paths {
        fnv1a(&mut h, p.file_name().unwrap().to_string_lossy().as_bytes());
        fnv1a(&mut h, &std::fs::read(p).unwrap());
    }
    format!("{h:016x}")
}

/// (what, configuration, seed, light curves, digest at 438e5ff).
fn cases() -> Vec<(&'static str, SimConfig, u64, usize, &'static str)> {
    let base = SimConfig {
        threads: Some(2),
        ..Default::default()
    };
    let training = SimConfig {
        blend_label: 1,
        min_snr: 20.0,
        eclipse_every_segment: true,
        ..base.clone()
    };
    vec![
        ("120 s, defaults", base.clone(), 1, 24, "ae9ddba12b78896a"),
        (
            "120 s, the demo weights' options",
            training.clone(),
            3,
            16,
            "d4c3c90f1b742be0",
        ),
        (
            "20 s",
            SimConfig {
                cadence: Cadence::Fast20,
                ..base.clone()
            },
            2,
            3,
            "c1b36e5a4798fd5f",
        ),
        (
            "200 s, the demo weights' options",
            SimConfig {
                cadence: Cadence::Ffi200,
                ..training.clone()
            },
            4,
            12,
            "4ce9e4e0d7f08438",
        ),
        (
            "600 s",
            SimConfig {
                cadence: Cadence::Ffi600,
                ..base.clone()
            },
            5,
            12,
            "7a69e6f7df74616b",
        ),
        (
            "1800 s, flare stars and rotators",
            SimConfig {
                cadence: Cadence::Ffi1800,
                classes: vec![Class::Flare, Class::Rotator, Class::Planet],
                eb_fraction: 0.0,
                ..base
            },
            6,
            12,
            "6748b427352ef57b",
        ),
    ]
}

#[test]
fn reference_population_keeps_its_bytes() {
    let mut failed = Vec::new();
    for (what, cfg, seed, n, want) in cases() {
        let got = digest(&cfg, seed, n);
        println!("{what}: {got}");
        if got != want {
            failed.push(format!("{what}: {got}, pinned {want}"));
        }
    }
    assert!(
        failed.is_empty(),
        "reference output changed:\n{}",
        failed.join("\n")
    );
}
