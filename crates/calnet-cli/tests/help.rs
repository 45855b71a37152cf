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
