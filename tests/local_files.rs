//! Ferry's own files on disk, through the real binary: a data dir and logs Ferry creates
//! are owner-only, and a read-only data dir still lists (listing only reads).
#![cfg(unix)]

mod common;

use ferry::store::{Origin, Store};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `ferry` with a home and data dir under `dir`; `as_other_user` runs it as `nobody` when
/// the tests run as root, for whom file modes forbid nothing.
fn ferry(dir: &Path, data: &Path, args: &[&str], as_other_user: bool) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", data)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_LOG");
    if as_other_user && is_root() {
        cmd.uid(65534).gid(65534);
    }
    cmd.output().unwrap()
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

fn log_files(logs: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect()
}

#[test]
fn a_data_dir_ferry_creates_and_its_logs_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new/data");
    let out = ferry(dir.path(), &data, &["paths"], false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&data), 0o700, "data dir");
    let logs = data.join("logs");
    assert_eq!(mode(&logs), 0o700, "logs folder");
    let files = log_files(&logs);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600, "{}", files[0].display());
    assert!(
        std::fs::metadata(&files[0]).unwrap().len() > 0,
        "something was logged"
    );

    // Logs an older Ferry left readable are tightened on the next run.
    chmod(&logs, 0o755);
    chmod(&files[0], 0o644);
    let out = ferry(dir.path(), &data, &["paths"], false);
    assert!(out.status.success());
    assert_eq!(mode(&logs), 0o700);
    assert_eq!(mode(&files[0]), 0o600);
}

#[test]
fn a_read_only_data_dir_still_lists() {
    let dir = tempfile::tempdir().unwrap();
    // `nobody` must be able to reach the files.
    chmod(dir.path(), 0o755);
    let data = dir.path().join("data");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    // A data dir that was used: a cache with a snapshot, and logs.
    let mut store = Store::open(&data.join("cache.sqlite")).unwrap();
    store
        .write_snapshot(&common::heroku_snapshot(3, "x"), Origin::Import, 5)
        .unwrap();
    drop(store);
    let out = ferry(dir.path(), &data, &["paths"], false);
    assert!(out.status.success());
    // Then made read-only (a mounted backup, a colleague's folder).
    for f in log_files(&data.join("logs")) {
        chmod(&f, 0o444);
    }
    chmod(&data.join("logs"), 0o555);
    chmod(&data.join("cache.sqlite"), 0o444);
    chmod(&data, 0o555);
    chmod(&empty, 0o555);
    chmod(&dir.path().join("home"), 0o777);

    let out = ferry(dir.path(), &data, &["list", "--format", "json"], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        6,
        "3 apps and their formations"
    );
    assert!(
        stderr.contains("this run is not logged") && stderr.contains("logs"),
        "the missing log is named: {stderr}"
    );
    // Nothing was written: no WAL or journal next to the cache.
    let names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n == "cache.sqlite" || n == "logs"),
        "{names:?}"
    );

    // The other commands that only read work there too.
    for args in [
        &["report", "--format", "json"][..],
        &["gaps"][..],
        &["snapshot", "list"][..],
    ] {
        let out = ferry(dir.path(), &data, args, true);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
    }

    // A read-only folder without a cache yet lists nothing, and says how to fill it.
    let out = ferry(dir.path(), &empty, &["list"], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("is empty"), "{stderr}");
    assert!(!empty.join("cache.sqlite").exists());

    chmod(&data, 0o755);
    chmod(&empty, 0o755);
    chmod(&data.join("logs"), 0o755);
}

#[test]
fn reading_an_old_cache_without_write_access_says_what_to_run_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(include_str!("fixtures/cache_v1.sql"))
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open_read_only(&path)
        .err()
        .expect("needs an upgrade")
        .to_string();
    assert!(err.contains("needs an upgrade to schema"), "{err}");
    assert!(err.contains("`ferry fetch`"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "not migrated");
    // A cache of the current schema reads; a missing one reads as empty.
    drop(Store::open(&path).unwrap());
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.load_latest().unwrap().resources.len(), 1);
    let none = Store::open_read_only(&dir.path().join("none.sqlite")).unwrap();
    assert!(none.load_latest().unwrap().resources.is_empty());
    assert!(!dir.path().join("none.sqlite").exists());
}

#[test]
fn an_old_cache_where_ferry_may_write_is_upgraded_by_a_command_that_reads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    rusqlite::Connection::open(data.join("cache.sqlite"))
        .unwrap()
        .execute_batch(include_str!("fixtures/cache_v1.sql"))
        .unwrap();
    // An upgrade of Ferry must not make `ferry list` refuse the cache it used yesterday.
    let out = ferry(dir.path(), &data, &["list", "--format", "json"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let version: i64 = rusqlite::Connection::open(data.join("cache.sqlite"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, ferry::store::SCHEMA_VERSION);
}
