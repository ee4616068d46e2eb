//! The real `ferry` binary: snapshot import/export, list, config and error messages.

mod common;

use ferry::commands::demo::{DEMO_ESTATE, demo_file};
use ferry::model::{Resource, SnapshotFile};
use std::path::Path;
use std::process::Output;

/// Runs ferry with an isolated home, config dir and data dir.
fn ferry(data: &Path, args: &[&str]) -> Output {
    common::ferry_in(data, args)
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "ferry failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn demo_on_disk(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("demo.json");
    std::fs::write(&path, DEMO_ESTATE).unwrap();
    path
}

fn sorted(mut v: Vec<Resource>) -> Vec<Resource> {
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

#[test]
fn import_then_list_json_returns_every_demo_resource() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_on_disk(dir.path());
    let data = dir.path().join("data");
    let out = ferry(&data, &["snapshot", "import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    ok(out);
    // One snapshot per source the demo holds (Semaphore since issue 13).
    let sources = demo_file().unwrap().sources.len();
    assert!(
        stderr.contains(&format!("Imported {sources} snapshot(s)")),
        "{stderr}"
    );

    let listed: Vec<Resource> =
        serde_json::from_str(&ok(ferry(&data, &["list", "--format", "json"]))).unwrap();
    let demo = demo_file().unwrap();
    let expected: Vec<Resource> = demo
        .sources
        .iter()
        .flat_map(|s| s.resources.clone())
        .collect();
    assert!(
        expected.len() >= 140,
        "the demo estate has {} resources",
        expected.len()
    );
    assert_eq!(sorted(listed), sorted(expected));
}

#[test]
fn list_json_objects_carry_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(ferry(
        &data,
        &[
            "snapshot",
            "import",
            demo_on_disk(dir.path()).to_str().unwrap(),
        ],
    ));
    let json: serde_json::Value =
        serde_json::from_str(&ok(ferry(&data, &["list", "--format", "json"]))).unwrap();
    let first = &json.as_array().unwrap()[0];
    for key in [
        "id", "provider", "kind", "name", "parent", "scope", "attrs", "tags",
    ] {
        assert!(first.get(key).is_some(), "missing `{key}` in {first}");
    }
}

#[test]
fn list_filters_by_provider_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(ferry(
        &data,
        &[
            "snapshot",
            "import",
            demo_on_disk(dir.path()).to_str().unwrap(),
        ],
    ));
    let apps: Vec<Resource> = serde_json::from_str(&ok(ferry(
        &data,
        &[
            "list",
            "--provider",
            "heroku",
            "--kind",
            "app",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    assert!(apps.len() >= 6, "{} apps", apps.len());
    assert!(apps.iter().all(|r| r.kind == ferry::model::Kind::App));

    let table = ok(ferry(
        &data,
        &["list", "--provider", "cloudflare", "--kind", "dns_record"],
    ));
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("PROVIDER"));
    assert!(lines.all(|l| l.starts_with("cloudflare") && l.contains("dns_record")));
}

#[test]
fn an_unknown_kind_lists_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path(), &["list", "--kind", "dynos"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown kind `dynos`") && err.contains("formation"),
        "{err}"
    );
}

#[test]
fn export_import_export_gives_the_same_resources() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(ferry(
        &a,
        &[
            "snapshot",
            "import",
            demo_on_disk(dir.path()).to_str().unwrap(),
        ],
    ));
    let first = dir.path().join("first.json");
    ok(ferry(
        &a,
        &["snapshot", "export", "-o", first.to_str().unwrap()],
    ));
    ok(ferry(&b, &["snapshot", "import", first.to_str().unwrap()]));
    let second = dir.path().join("second.json");
    ok(ferry(
        &b,
        &["snapshot", "export", "-o", second.to_str().unwrap()],
    ));

    let read = |p: &Path| SnapshotFile::from_json(&std::fs::read_to_string(p).unwrap()).unwrap();
    let (one, two) = (read(&first), read(&second));
    assert_eq!(
        one.sources, two.sources,
        "sources, resources and links survive the round trip"
    );
    assert_eq!(
        one.sources,
        demo_file().unwrap().sources,
        "and equal the demo estate"
    );
}

#[test]
fn a_snapshot_file_with_bad_json_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"ferry_snapshot\": 1,\n  \"sources\": [oops]\n}\n",
    )
    .unwrap();
    let out = ferry(
        &dir.path().join("data"),
        &["snapshot", "import", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json"), "{err}");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn a_config_typo_names_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ferry.toml");
    std::fs::write(&config, "[cache]\nkeep_snapshots = 2\nkeep_snapshotz = 3\n").unwrap();
    let out = ferry(
        &dir.path().join("data"),
        &["--config", config.to_str().unwrap(), "list"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ferry.toml"), "{err}");
    assert!(err.contains("keep_snapshotz"), "{err}");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn a_corrupt_cache_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let cache = data.join("cache.sqlite");
    std::fs::write(&cache, b"definitely not a database, but someone's notes").unwrap();
    let out = ferry(&data, &["list"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cache.sqlite") && err.contains("not a Ferry cache"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        b"definitely not a database, but someone's notes"
    );
}

#[test]
fn logs_go_to_the_data_dir_not_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = ferry(&data, &["--log-level", "debug", "list"]);
    ok(out);
    let logs: Vec<_> = std::fs::read_dir(data.join("logs")).unwrap().collect();
    assert_eq!(logs.len(), 1, "one log file");
    let text = std::fs::read_to_string(logs[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("ferry start"), "{text}");
}

#[test]
fn help_explains_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(ferry(dir.path(), &["--help"]));
    for word in [
        "demo",
        "list",
        "snapshot",
        "--data-dir",
        "FERRY_DATA_DIR",
        "--config",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_like_other_unix_tools() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let file = demo_on_disk(dir.path());
    let data = dir.path().join("data");
    ok(ferry(
        &data,
        &["snapshot", "import", file.to_str().unwrap()],
    ));
    // `ferry list --format json | head -c 100`: the JSON (about 140 kB) is more than a
    // pipe holds, so ferry is still writing when the reader goes away.
    let mut child = std::process::Command::new(common::ferry_bin())
        .args(["list", "--format", "json"])
        .env("FERRY_DATA_DIR", &data)
        .env("HOME", dir.path())
        .env_remove("FERRY_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn errors_name_their_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let missing = dir.path().join("nope.toml");
    let out = ferry(&data, &["--config", missing.to_str().unwrap(), "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot read config file"), "{stderr}");
    assert_eq!(stderr.matches("(os error 2)").count(), 1, "{stderr}");

    let not_a_snapshot = dir.path().join("list.json");
    std::fs::write(&not_a_snapshot, "[]").unwrap();
    let out = ferry(
        &data,
        &["snapshot", "import", not_a_snapshot.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not a Ferry snapshot: expected a JSON object"),
        "{stderr}"
    );
}
