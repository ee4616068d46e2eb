//! `ferry fetch --source iac` through the real binary, and the canary test: states whose
//! passwords, SSM values (`value`, `insecure_value`), `secret_string`, sensitive outputs,
//! container definitions' environment values, backend credentials and provider blobs all
//! hold a canary; after fetch (trace logging), report in every format, export and list, no
//! file Ferry wrote, and nothing it printed, contains it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CANARY: &str = "FERRY-IAC-CANARY-9d1c";

fn ferry(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_IAC_STATES")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn states() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iac/states")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn fetch_report_export_and_list_never_write_a_state_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/estate.json");
    let out = ferry(d, &["snapshot", "import", demo.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let states = states();
    let env = [
        ("FERRY_IAC_STATES", states.as_str()),
        ("FERRY_LOG", "trace"),
    ];
    let fetch = ferry(d, &["fetch", "--source", "iac"], &env);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&fetch.stdout),
        String::from_utf8_lossy(&fetch.stderr),
    );
    assert!(fetch.status.success(), "{stdout}\n{stderr}");
    let printed = format!("{stdout}{stderr}");
    assert!(printed.contains("iac"), "{printed}");
    assert!(
        printed.contains("encrypted"),
        "the encrypted state is reported: {printed}"
    );

    let mut written = Vec::new();
    for (format, ext) in [
        ("md", "md"),
        ("csv", "csv"),
        ("json", "json"),
        ("html", "html"),
    ] {
        let path = d.join(format!("report.{ext}"));
        let out = ferry(
            d,
            &["report", "--format", format, "-o", path.to_str().unwrap()],
            &env,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        written.push(path);
    }
    let json = std::fs::read_to_string(d.join("report.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["iac"]["states"].as_array().unwrap().len() >= 8,
        "{}",
        v["iac"]
    );
    let export = d.join("export.json");
    let out = ferry(
        d,
        &["snapshot", "export", "--output", export.to_str().unwrap()],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    written.push(export);
    let list = ferry(d, &["list", "--provider", "iac"], &env);
    assert!(list.status.success());
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(listed.contains("aws_db_instance.orders"), "{listed}");

    let mut files = written;
    all_files(&d.join("data"), &mut files);
    let mut scanned = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        scanned += bytes.len();
        assert!(
            !contains(&bytes, CANARY),
            "{} holds a state secret",
            f.display()
        );
    }
    for out in [&fetch, &list] {
        assert!(!contains(&out.stdout, CANARY) && !contains(&out.stderr, CANARY));
    }
    assert!(
        files.iter().any(|f| f.to_string_lossy().contains("logs")),
        "the trace log was scanned: {files:?}"
    );
    assert!(scanned > 50_000, "{scanned} bytes scanned");
}

#[test]
fn asked_for_without_a_state_it_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "iac"], &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("FERRY_IAC_STATES") && text.contains("[iac] states"),
        "{text}"
    );
}
