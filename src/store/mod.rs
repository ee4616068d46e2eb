//! The local cache: one SQLite database holding snapshots of every source.
//!
//! A snapshot per source is written in one transaction; opening loads the newest snapshot
//! per source. The file is created owner-only, carries Ferry's `application_id` and a schema
//! version in `user_version`, and a file that is not a Ferry cache is never modified.

mod attempts;
mod http_cache;
mod schema;
mod snapshots;

use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub use schema::SCHEMA_VERSION;
pub use snapshots::Origin;

/// Errors a user can act on; each names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is not a Ferry cache ({reason}). Ferry left it untouched: move it aside, or point --data-dir at another folder"
    )]
    NotFerry { path: PathBuf, reason: String },
    #[error(
        "{path} was written by a newer Ferry (cache schema {found}, this build understands {supported}). Upgrade Ferry, or use another --data-dir"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "the Ferry cache {path} is damaged ({source}). Ferry left it untouched: move it aside and run `ferry fetch` (or `ferry snapshot import`) to rebuild it"
    )]
    Corrupt {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the Ferry cache {path}: {source}")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cache {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cache {path}: stored row is unreadable: {detail}")]
    BadRow { path: PathBuf, detail: String },
    #[error(
        "the Ferry cache {path} needs an upgrade to schema {supported} (it has {found}), which needs write access to it and its folder. Run `ferry fetch` (or any command that writes) once with write access"
    )]
    NeedsUpgrade {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if absent) the cache at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            create_private_file(path)?;
        }
        let conn = Connection::open(path).map_err(sqlite(path))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::prepare(&mut store)?;
        Ok(store)
    }

    /// Opens the cache for reading only (`ferry list`): never creates, migrates or writes
    /// it, so a read-only data dir (a mounted backup, a shared folder) still lists. No
    /// cache file reads as an empty cache.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::{ErrorCode, OpenFlags};
        if !path.exists() {
            return Store::empty(path);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let store = Store {
            conn: Connection::open_with_flags(path, flags).map_err(sqlite(path))?,
            path: path.to_path_buf(),
        };
        let store = match store.header() {
            Ok(_) => store,
            // A WAL cache whose -shm file is gone cannot be opened read-only in a folder
            // SQLite cannot write to; nothing can write to it there either, so reading it
            // as immutable is safe.
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly)
                ) =>
            {
                let uri = format!("file:{}?immutable=1", uri_path(path));
                Store {
                    conn: Connection::open_with_flags(uri, flags).map_err(sqlite(path))?,
                    path: path.to_path_buf(),
                }
            }
            Err(e) => return Err(store.err(e)),
        };
        match store.header().map_err(|e| store.err(e))? {
            // An empty file (a cache being created): nothing stored yet.
            (0, _, 0) => Store::empty(path),
            (schema::APPLICATION_ID, found, _) if (1..SCHEMA_VERSION).contains(&found) => {
                Err(StoreError::NeedsUpgrade {
                    path: path.to_path_buf(),
                    found,
                    supported: SCHEMA_VERSION,
                })
            }
            // The current schema, or something prepare refuses (with its own message)
            // before it would write anything.
            _ => {
                let mut store = store;
                schema::prepare(&mut store)?;
                Ok(store)
            }
        }
    }

    /// An empty cache in memory that reports `path` as its file, for reading a cache that
    /// does not exist yet.
    fn empty(path: &Path) -> Result<Store, StoreError> {
        let mut store = Store {
            conn: Connection::open_in_memory().map_err(sqlite(path))?,
            path: path.to_path_buf(),
        };
        schema::prepare(&mut store)?;
        Ok(store)
    }

    /// `application_id`, `user_version` and the number of schema objects.
    fn header(&self) -> rusqlite::Result<(i64, i64, i64)> {
        let one = |sql: &str| self.conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok((
            one("PRAGMA application_id")?,
            one("PRAGMA user_version")?,
            one("SELECT count(*) FROM sqlite_master")?,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Wraps a SQLite error with the file name; "not a database" and corruption get the
    /// specific, actionable errors.
    fn err(&self, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let path = self.path.clone();
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotFerry {
                path,
                reason: "not an SQLite database".into(),
            },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path, source: e },
            _ => StoreError::Sqlite { path, source: e },
        }
    }
}

/// Wraps a SQLite error with the cache's path. A free function rather than a method, so it
/// can be used while a transaction borrows the connection.
fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// A path as the path part of an SQLite `file:` URI (`?` and `#` would end it).
fn uri_path(path: &Path) -> String {
    path.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

/// Creates the cache file readable and writable by its owner only: it describes the
/// company's infrastructure.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let err = |source| StoreError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        // Another process created it between our check and now: fine, open it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(err(e)),
    }
}
