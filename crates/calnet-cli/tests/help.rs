//! `calnet completions SHELL` and `calnet man`: generated from the same command definition as
//! the parser, so they list the subcommands of this build.

mod common;
use common::calnet;

fn stdout(args: &[&str]) -> String {
    let out = calnet(args);
    assert!(out.status.success(), "calnet {args:?}: {:?}", out);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_and_man_page_list_the_subcommands() {
    let bash = stdout(&["completions", "bash"]);
    assert!(bash.contains("complete -F"), "not a bash completion script");
    let zsh = stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef calnet"));
    let man = stdout(&["man"]);
    assert!(man.contains(".TH calnet"), "not a man page");
    for sub in [
        "inspect", "features", "classify", "merge", "simulate", "train", "evaluate",
    ] {
        let here = !matches!(sub, "train" | "evaluate") || cfg!(feature = "torch");
        assert_eq!(
            bash.contains(&format!("calnet,{sub})")),
            here,
            "bash: {sub}"
        );
        assert_eq!(zsh.contains(&format!("'{sub}:")), here, "zsh: {sub}");
        assert_eq!(
            man.contains(&format!("calnet\\-{sub}(1)")),
            here,
            "man: {sub}"
        );
    }
    let bad = calnet(["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values"));
}

/// `--threads` is one option with one meaning: every subcommand that computes shows the same
/// help line for it, and none has a `--jobs` of its own (the old spelling is a hidden alias).
#[test]
fn threads_means_the_same_in_every_subcommand() {
    let mut subs = vec!["features", "classify", "simulate"];
    if cfg!(feature = "torch") {
        subs.extend(["train", "evaluate"]);
    }
    let lines: Vec<String> = subs
        .iter()
        .map(|sub| {
            let help = stdout(&[sub, "--help"]);
            assert!(!help.contains("--jobs"), "{sub} --help lists --jobs");
            let at = help
                .find("--threads <N>")
                .unwrap_or_else(|| panic!("{sub} --help has no --threads"));
            // The option's help, up to the next option.
            let rest = &help[at..];
            // (Clap indents a long option without a short one further: "      --json".)
            let end = rest
                .match_indices('\n')
                .map(|(i, _)| i)
                .find(|&i| rest[i + 1..].trim_start().starts_with('-'))
                .unwrap_or(rest.len());
            rest[..end].split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    assert!(lines[0].contains("CPU threads of the run"), "{}", lines[0]);
    for (sub, line) in subs.iter().zip(&lines) {
        assert_eq!(line, &lines[0], "{sub}");
    }
    // The old spelling still runs (`features --jobs 1` parses; a missing input fails later).
    let o = calnet([
        "features",
        "--jobs",
        "1",
        "--out",
        "/nonexistent/x",
        "/nonexistent/y",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("unexpected argument"), "{err}");
    let o = calnet(["features", "--threads", "0", "--out", "x", "y"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected 1 to"));
}
