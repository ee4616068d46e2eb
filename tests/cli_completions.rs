//! `ferry completions bash|zsh|fish` and `ferry man` through the real binary: generated
//! from the clap definitions, printed without a config, data dir or log.

mod common;

use std::process::Command;

fn ferry(args: &[&str], home: &std::path::Path) -> std::process::Output {
    Command::new(common::ferry_bin())
        .args(args)
        .env("HOME", home)
        // Nothing to read or write: a data dir that cannot exist proves none is made.
        .env("FERRY_DATA_DIR", home.join("no/such/dir"))
        .env_remove("FERRY_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn completions_for_each_shell_name_the_subcommands_and_flags() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ferry"),
        ("fish", "complete -c ferry"),
    ] {
        let out = ferry(&["completions", shell], home.path());
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        for word in ["demo", "fetch", "gaps", "completions", "data-dir"] {
            assert!(text.contains(word), "{shell} lacks {word}");
        }
    }
    assert!(!home.path().join("no").exists(), "no data dir was made");
    let bad = ferry(&["completions", "tcsh"], home.path());
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bash"));
}

#[test]
fn the_man_page_documents_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let out = ferry(&["man"], home.path());
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH ferry"),
        "{text}"
    );
    for section in [
        ".SH \"FERRY DEMO\"",
        ".SH \"FERRY FETCH\"",
        ".SH \"FERRY MAN\"",
    ] {
        assert!(text.contains(section), "lacks {section}");
    }
    assert!(text.contains("\\-\\-data\\-dir"), "flags are documented");
}
