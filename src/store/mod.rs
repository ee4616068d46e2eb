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
