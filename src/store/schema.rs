//! Cache schema: creation, identification and version checks.

use super::{Store, StoreError};

/// `PRAGMA application_id` of a Ferry cache: "FERY" in ASCII. Lets Ferry (and `file(1)`)
/// tell its cache from any other SQLite database.
pub const APPLICATION_ID: i64 = 0x4645_5259;

/// Bump when the tables change; add a migration step in [`prepare`].
pub const SCHEMA_VERSION: i64 = 3;

const CREATE: &str = "
CREATE TABLE snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    source         TEXT NOT NULL,
    taken_at       TEXT NOT NULL,
    origin         TEXT NOT NULL,
    resource_count INTEGER NOT NULL
);
CREATE INDEX snapshots_by_source ON snapshots(source, id);
CREATE TABLE resources (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    provider    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent      TEXT,
    scope       TEXT NOT NULL,
    attrs       TEXT NOT NULL,
    tags        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, id)
);
CREATE TABLE links (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    from_id     TEXT NOT NULL,
    to_id       TEXT NOT NULL,
    kind        TEXT NOT NULL
);
CREATE INDEX links_by_snapshot ON links(snapshot_id);
";

/// Version 2: responses kept for conditional requests (sanitised bodies, never secrets).
const CREATE_HTTP_CACHE: &str = "
CREATE TABLE http_cache (
    source       TEXT NOT NULL,
    account      TEXT NOT NULL,
    request      TEXT NOT NULL,
    etag         TEXT NOT NULL,
    status       INTEGER NOT NULL,
    next_range   TEXT,
    body         BLOB NOT NULL,
    rules        TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (source, account, request)
);
";

/// Version 3: how the last fetch of each source went, so the analysis can tell data that
/// was read from data an older snapshot stands in for.
const CREATE_FETCH_ATTEMPTS: &str = "
CREATE TABLE fetch_attempts (
    source   TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    errors   TEXT NOT NULL
);
";

/// Identifies the file and creates the schema when it is new. Never writes to a file that
/// is not (or not yet known to be) a Ferry cache of a version this build understands.
pub(super) fn prepare(store: &mut Store) -> Result<(), StoreError> {
    // Another Ferry (a fetch while the TUI is open) may hold the write lock briefly: wait
    // for it rather than fail.
    store
        .conn
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| store.err(e))?;
    // One read transaction, so the three reads see one state of the file even while
    // another Ferry (a second source's writer) is creating the schema.
    let read = store
        .conn
        .unchecked_transaction()
        .map_err(|e| store.err(e))?;
    // The first read fails with NotADatabase on a file that is not SQLite.
    let app_id: i64 = read
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| store.err(e))?;
    let version: i64 = read
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| store.err(e))?;
    let objects: i64 = read
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| store.err(e))?;
    read.finish().map_err(|e| store.err(e))?;

    match app_id {
        APPLICATION_ID if version > SCHEMA_VERSION => {
            return Err(StoreError::NewerSchema {
                path: store.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        APPLICATION_ID if version == SCHEMA_VERSION => {}
        APPLICATION_ID if version >= 1 => migrate(store)?,
        0 if objects == 0 => create(store)?,
        APPLICATION_ID => {
            return Err(StoreError::NotFerry {
                path: store.path.clone(),
                reason: format!("unknown cache schema version {version}"),
            });
        }
        0 => {
            return Err(StoreError::NotFerry {
                path: store.path.clone(),
                reason: "an SQLite database of another program".into(),
            });
        }
        other => {
            return Err(StoreError::NotFerry {
                path: store.path.clone(),
                reason: format!("an SQLite database with application_id {other:#x}"),
            });
        }
    }
    store
        .conn
        .execute_batch("PRAGMA foreign_keys = ON;")
        .map_err(|e| store.err(e))?;
    Ok(())
}

fn create(store: &mut Store) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock first, so two processes opening a new cache at once
    // cannot both create the schema; the loser finds it made and identifies it again.
    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(super::sqlite(&store.path))?;
    let objects: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(super::sqlite(&store.path))?;
    if objects > 0 {
        drop(tx);
        return prepare(store);
    }
    let script = format!(
        "{CREATE}\n{CREATE_HTTP_CACHE}\n{CREATE_FETCH_ATTEMPTS}\nPRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {SCHEMA_VERSION};"
    );
    // WAL lets the TUI read while a fetch writes. It is a property of the file, set once
    // here, so opening an existing (possibly damaged) cache never rewrites its header.
    tx.execute_batch(&script)
        .and_then(|_| tx.commit())
        .and_then(|_| store.conn.execute_batch("PRAGMA journal_mode = WAL;"))
        .map_err(super::sqlite(&store.path))
}

/// Brings an older Ferry cache up to [`SCHEMA_VERSION`], keeping its snapshots. Each step
/// runs under the write lock and re-reads the version, so two Ferrys opening the same old
/// cache at once migrate it once.
fn migrate(store: &mut Store) -> Result<(), StoreError> {
    let path = store.path.clone();
    let sql = super::sqlite(&path);
    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    if version >= SCHEMA_VERSION {
        return Ok(()); // another Ferry got here first
    }
    if version < 2 {
        tx.execute_batch(CREATE_HTTP_CACHE).map_err(sql)?;
    }
    if version < 3 {
        tx.execute_batch(CREATE_FETCH_ATTEMPTS).map_err(sql)?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))
        .and_then(|_| tx.commit())
        .map_err(sql)?;
    tracing::info!(path = %path.display(), from = version, to = SCHEMA_VERSION, "migrated the cache schema");
    Ok(())
}
