//! The SQLite cache: round trips, retention, and refusing files that are not a Ferry cache.

mod common;

use ferry::model::Provider;
use ferry::store::{Origin, Store, StoreError};
use std::path::Path;

fn cache_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("cache.sqlite")
}

#[test]
fn write_then_load_gives_back_the_same_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let snap = common::heroku_snapshot(3, "one");
    let mut store = Store::open(&cache_in(&dir)).unwrap();
    store.write_snapshot(&snap, Origin::Fetch, 5).unwrap();
    drop(store);

    let store = Store::open(&cache_in(&dir)).unwrap();
    let inv = store.load_latest().unwrap();
    assert_eq!(inv.resources, snap.resources);
    assert_eq!(inv.links, snap.links);
    let meta = inv.snapshot_of(Provider::Heroku).unwrap();
    assert_eq!(meta.taken_at, snap.taken_at);
    assert_eq!(meta.resource_count, 6);
    assert_eq!(meta.origin, "fetch");
    assert!(inv.snapshot_of(Provider::Aws).is_none());
}

#[test]
fn the_newest_snapshot_wins_and_old_ones_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&cache_in(&dir)).unwrap();
    for (i, tag) in ["a", "b", "c", "d"].iter().enumerate() {
        store
            .write_snapshot(&common::heroku_snapshot(i + 1, tag), Origin::Import, 2)
            .unwrap();
    }
    let inv = store.load_latest().unwrap();
    assert_eq!(inv.resources.len(), 8, "four apps from the newest snapshot");
    assert!(
        inv.resources
            .iter()
            .all(|r| r.kind != ferry::model::Kind::App
                || r.tags.get("batch").map(String::as_str) == Some("d"))
    );
    let kept = store.list_snapshots().unwrap();
    assert_eq!(kept.len(), 2, "keep = 2");
    assert_eq!(kept[0].resource_count, 8);
    assert_eq!(kept[1].resource_count, 6);
}

#[cfg(unix)]
#[test]
fn the_cache_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    Store::open(&cache_in(&dir)).unwrap();
    let mode = std::fs::metadata(cache_in(&dir))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

fn assert_untouched(path: &Path, before: &[u8]) {
    // Not assert_eq!: printing two caches byte by byte helps nobody.
    assert!(
        std::fs::read(path).unwrap() == before,
        "{} was modified",
        path.display()
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_in(&dir);
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &junk).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, StoreError::NotFerry { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("not an SQLite database"), "{msg}");
    assert!(msg.contains("move it aside"), "{msg}");
    assert_untouched(&path, &junk);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_in(&dir);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_untouched(&path, &before);
}

#[test]
fn a_cache_from_a_newer_ferry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_in(&dir);
    Store::open(&path).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let err = Store::open(&path).err().expect("must refuse");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("Upgrade Ferry"), "{err}");
}

#[test]
fn a_damaged_cache_gives_a_clear_error_and_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_in(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        store
            .write_snapshot(&common::heroku_snapshot(200, "x"), Origin::Fetch, 5)
            .unwrap();
        // Fold the WAL into the main file so the damage below hits real data pages.
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16384);
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();

    let result = Store::open(&path).and_then(|s| s.load_latest());
    let err = result.expect_err("damage must be reported");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        matches!(
            err,
            StoreError::Corrupt { .. } | StoreError::NotFerry { .. }
        ),
        "{err:?}"
    );
    assert_untouched(&path, &bytes);
}

#[test]
fn a_cache_of_schema_1_is_migrated_and_keeps_its_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_in(&dir);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("fixtures/cache_v1.sql"))
            .unwrap();
    }
    let mut store = Store::open(&path).expect("a version 1 cache opens");
    let inv = store.load_latest().unwrap();
    assert_eq!(inv.resources.len(), 1);
    assert_eq!(inv.resources[0].id.as_str(), "heroku:app:billing");
    assert!(store.load_responses(Provider::Heroku).unwrap().is_empty());

    let kept = ferry::model::CachedResponse {
        account: "default".into(),
        request: "GET /apps/billing/formation Range: id ..; max=1000".into(),
        etag: "\"abc\"".into(),
        status: 200,
        next_range: None,
        body: br#"[{"type":"web"}]"#.to_vec(),
        rules: "0123456789abcdef".into(),
        confirmed_at: chrono::Utc::now(),
    };
    store
        .save_responses(Provider::Heroku, std::slice::from_ref(&kept))
        .unwrap();
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, ferry::store::SCHEMA_VERSION);
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.load_responses(Provider::Heroku).unwrap(), vec![kept]);
    assert!(
        store
            .load_responses(Provider::Cloudflare)
            .unwrap()
            .is_empty()
    );
}
