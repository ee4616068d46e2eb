//! Coverage end to end, with the real binary: a fetch that fails is recorded in the
//! cache, and `ferry gaps` and the reports then say which data stands in and call
//! what rests on it `unknown`; `--fail-on unknown` gates on it.

mod common;

use std::path::Path;
use std::process::Output;

const ESTATE: &str = "tests/fixtures/gap_estate.json";

/// A config whose Heroku API is a closed port, retried for at most a second.
fn config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("ferry.toml");
    std::fs::write(
        &path,
        "[heroku]\napi_url = \"http://127.0.0.1:9/\"\nretry_deadline_secs = 1\nretry_base_delay_ms = 10\n",
    )
    .unwrap();
    path
}

fn ferry(dir: &Path, args: &[&str]) -> Output {
    let config = config(dir);
    let mut all = vec!["--config", config.to_str().unwrap()];
    all.extend_from_slice(args);
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::process::Command::new(common::ferry_bin())
        .args(&all)
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("HEROKU_API_KEY", "not-a-real-key")
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_HEROKU_API_URL")
        .env_remove("FERRY_LOG")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_failed_fetch_is_recorded_and_every_check_on_its_data_says_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let import = ferry(dir.path(), &["snapshot", "import", ESTATE]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    // Before any fetch: the imported data is all there is, and nothing is unknown.
    let before = ferry(dir.path(), &["gaps", "--fail-on", "unknown"]);
    assert_eq!(before.status.code(), Some(0), "{}", stdout(&before));
    assert!(
        stdout(&before).contains("\nData:\n  Heroku: import from 2026-11-20 08:00 UTC; complete"),
        "{}",
        stdout(&before)
    );

    let fetch = ferry(dir.path(), &["fetch", "--source", "heroku"]);
    assert!(!fetch.status.success());

    let after = ferry(dir.path(), &["gaps", "--fail-on", "unknown"]);
    let out = stdout(&after);
    assert_eq!(
        after.status.code(),
        Some(3),
        "the gate fails on unknown items: {out}"
    );
    assert!(
        out.contains("Heroku: Heroku data is from 2026-11-20 08:00 UTC (the fetch of "),
        "{out}"
    );
    assert!(out.contains("that older snapshot stands in"), "{out}");
    assert!(
        out.contains("127.0.0.1:9") || out.contains("connect"),
        "the cause is named: {out}"
    );
    let shop_web = out
        .lines()
        .find(|l| l.starts_with("shop ") && l.contains("process") && l.contains(" web"))
        .unwrap_or_else(|| panic!("no shop web row: {out}"));
    assert!(shop_web.contains("unknown"), "{shop_web}");

    // The JSON report carries the same facts, for scripts.
    let json = ferry(dir.path(), &["report", "--format", "json"]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["ferry_report"], ferry::report::REPORT_SCHEMA_VERSION);
    let heroku = &v["data"][0];
    assert_eq!(heroku["source"], "heroku");
    assert_eq!(heroku["stands_in"], true);
    assert_eq!(heroku["complete"], false);
    assert_eq!(heroku["last_attempt"]["outcome"], "failed");
    assert!(v["summary"]["by_status"]["unknown"].as_u64().unwrap() > 0);
    assert!(
        v["summary"]["by_status"].get("missing").is_none(),
        "{}",
        v["summary"]
    );
}

#[test]
fn an_empty_cache_has_nothing_to_analyse_and_report_fails_like_gaps() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["report", "--format", "md"][..], &["gaps"][..]] {
        let out = ferry(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("has no Heroku apps: nothing to check"),
            "{args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty(),
            "no report of nothing: {}",
            stdout(&out)
        );
    }
}
