//! The team's decisions: which Heroku items are migrated, in progress or ignored, with notes
//! and pinned counterparts. A plain TOML file meant to be committed next to the
//! infrastructure code.
//!
//! Writes are atomic (temp file, fsync, rename) and happen under an exclusive lock on a side
//! file, after re-reading the ledger, so two windows or two people never lose each other's
//! marks. A ledger that does not parse is never rewritten.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::ResourceId;

pub const LEDGER_VERSION: u32 = 1;

/// A decision the team recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Migrated,
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
    Ignored,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Migrated => "migrated",
            Decision::InProgress => "in_progress",
            Decision::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub status: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The AWS resource the team says replaces this item (overrides matching).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<ResourceId>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    #[serde(default = "current_version")]
    pub version: u32,
    #[serde(default)]
    pub items: BTreeMap<ResourceId, Entry>,
}

fn current_version() -> u32 {
    LEDGER_VERSION
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "ledger {path} does not parse, so Ferry will not rewrite it: {message}\nFix the file by hand (it is plain TOML), or restore it from version control"
    )]
    Malformed { path: PathBuf, message: String },
    #[error(
        "ledger {path} has version {found}; this Ferry understands {LEDGER_VERSION}. Upgrade Ferry"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("ledger {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

const HEADER: &str = "# Ferry migration ledger: the team's decisions about Heroku items, keyed by Ferry id.\n\
# Commit it next to your infrastructure code. Change it with `ferry mark` / `ferry unmark`\n\
# or the TUI's `m`; hand edits are fine while Ferry is not writing.\n\n";

impl Ledger {
    pub fn parse(text: &str, path: &Path) -> Result<Ledger, LedgerError> {
        let ledger: Ledger = toml::from_str(text).map_err(|e| LedgerError::Malformed {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        if ledger.version > LEDGER_VERSION {
            return Err(LedgerError::TooNew {
                path: path.to_path_buf(),
                found: ledger.version,
            });
        }
        Ok(ledger)
    }

    /// Reads the ledger; a missing file is an empty ledger.
    pub fn load(path: &Path) -> Result<Ledger, LedgerError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ledger::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ledger::default()),
            Err(source) => Err(LedgerError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("ledger serializes");
        format!("{HEADER}{body}")
    }

    /// Applies `change` to the ledger on disk: lock, re-read, change, write atomically.
    /// Returns the ledger as written. Nothing is written when the file does not parse.
    pub fn update(path: &Path, change: impl FnOnce(&mut Ledger)) -> Result<Ledger, LedgerError> {
        let io = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = parent_dir(path);
        std::fs::create_dir_all(dir).map_err(io)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(path))
            .map_err(io)?;
        lock.lock().map_err(io)?;
        remove_leftovers(path);
        let mut ledger = Ledger::load(path)?;
        change(&mut ledger);
        ledger.version = LEDGER_VERSION;
        write_atomically(path, ledger.to_toml().as_bytes()).map_err(io)?;
        // The lock is released when `lock` drops, after the rename.
        drop(lock);
        Ok(ledger)
    }

    /// Entries whose resource is not in `exists`: kept, reported, never dropped.
    pub fn orphans(&self, exists: impl Fn(&ResourceId) -> bool) -> Vec<&ResourceId> {
        self.items.keys().filter(|id| !exists(id)).collect()
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Temp file in the same folder, fsync, rename over the target, fsync the folder: a crash at
/// any point leaves either the old or the new file, never a mix.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// `.ledger.toml.` for `ledger.toml`: temp files name the ledger they belong to, so a
/// cleanup under one ledger's lock never touches another ledger's writes.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Removes temp files a killed write left behind (the kill leaves the old ledger intact,
/// but the half-written copy would linger next to a file teams commit). Called under the
/// ledger's lock, so no live write of this ledger is using them. Best effort.
fn remove_leftovers(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(parent_dir(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `.ledger.toml.<random>.tmp`, the random part letters and digits only: the
        // prefix alone would also match `.ledger.toml.bak.<random>.tmp`, another ledger's.
        let random = name
            .strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix(".tmp"));
        if random.is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()))
            && let Err(e) = std::fs::remove_file(entry.path())
        {
            tracing::debug!(file = %name, "cannot remove a leftover ledger temp file: {e}");
        }
    }
}

/// Who is marking: git's `user.name`, else `$USER`, else "unknown".
pub fn current_user() -> String {
    let from_git = std::process::Command::new("git")
        .args(["config", "user.name"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    from_git
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(status: Decision) -> Entry {
        Entry {
            status,
            note: Some("moved in change CHG-1234".into()),
            counterpart: None,
            by: "alice".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 26, 6, 0, 0).unwrap(),
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let mut l = Ledger::default();
        l.items.insert(
            ResourceId::from_raw("heroku:formation/acme-api/web"),
            entry(Decision::Migrated),
        );
        let text = l.to_toml();
        assert!(
            text.contains("[items.\"heroku:formation/acme-api/web\"]"),
            "{text}"
        );
        assert!(text.contains("status = \"migrated\""), "{text}");
        assert_eq!(Ledger::parse(&text, Path::new("l.toml")).unwrap(), l);
    }

    #[test]
    fn malformed_ledger_names_the_line_and_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.toml");
        let bad = "version = 1\n[items.\"heroku:app/x\"]\nstatus = \"done\"\nby = \"a\"\nat = \"2026-11-26T06:00:00Z\"\n";
        std::fs::write(&path, bad).unwrap();
        let err = Ledger::update(&path, |l| {
            l.items.insert(
                ResourceId::from_raw("heroku:app/y"),
                entry(Decision::Ignored),
            );
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("will not rewrite"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    }

    #[test]
    fn a_write_sweeps_its_own_leftover_temp_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.toml");
        let mine = dir.path().join(".ledger.toml.a1b2c3.tmp");
        let other = dir.path().join(".staging.toml.a1b2c3.tmp");
        let backup_ledgers = dir.path().join(".ledger.toml.bak.a1b2c3.tmp");
        std::fs::write(&backup_ledgers, "ledger.toml.bak's write").unwrap();
        std::fs::write(&mine, "half a ledger").unwrap();
        std::fs::write(&other, "another ledger's write").unwrap();
        Ledger::update(&path, |l| {
            l.items.insert(
                ResourceId::from_raw("heroku:app/y"),
                entry(Decision::Ignored),
            );
        })
        .unwrap();
        assert!(!mine.exists(), "the killed write's copy is gone");
        assert!(other.exists(), "another ledger's temp file is not touched");
        assert!(
            backup_ledgers.exists(),
            "nor one of a ledger whose name extends this one's"
        );
        assert_eq!(Ledger::load(&path).unwrap().items.len(), 1);
    }

    #[test]
    fn update_merges_with_what_is_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.toml");
        let mut stale_view = Ledger::load(&path).unwrap();
        Ledger::update(&path, |l| {
            l.items.insert(
                ResourceId::from_raw("heroku:app/a"),
                entry(Decision::Migrated),
            );
        })
        .unwrap();
        // A second window with an old in-memory copy marks something else.
        stale_view.items.insert(
            ResourceId::from_raw("heroku:app/b"),
            entry(Decision::Ignored),
        );
        let written = Ledger::update(&path, |l| {
            l.items.insert(
                ResourceId::from_raw("heroku:app/b"),
                entry(Decision::Ignored),
            );
        })
        .unwrap();
        assert_eq!(written.items.len(), 2, "the first window's mark survives");
    }

    #[test]
    fn orphans_are_listed_not_dropped() {
        let mut l = Ledger::default();
        l.items.insert(
            ResourceId::from_raw("heroku:app/gone"),
            entry(Decision::Migrated),
        );
        l.items.insert(
            ResourceId::from_raw("heroku:app/here"),
            entry(Decision::Migrated),
        );
        let orphans = l.orphans(|id| id.as_str() == "heroku:app/here");
        assert_eq!(orphans, vec![&ResourceId::from_raw("heroku:app/gone")]);
        assert_eq!(l.items.len(), 2);
    }
}
