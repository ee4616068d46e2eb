//! The portable snapshot file (`ferry snapshot export` / `import`, the demo estate).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::{Link, Provider, Resource};

/// Version of the portable file format. Bump on an incompatible change.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// Everything one source fetched at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSnapshot {
    pub source: Provider,
    pub taken_at: DateTime<Utc>,
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub links: Vec<Link>,
}

/// A whole inventory (one snapshot per source) as one JSON document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFile {
    /// Format version; a file from a newer Ferry is refused rather than half-read.
    pub ferry_snapshot: u32,
    pub exported_at: DateTime<Utc>,
    pub sources: Vec<SourceSnapshot>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SnapshotError {
    #[error(
        "snapshot format version {0} is newer than this Ferry understands ({SNAPSHOT_FORMAT_VERSION}); upgrade Ferry"
    )]
    TooNew(u32),
    #[error("source `{provider}` appears twice; a file holds one snapshot per source")]
    DuplicateSource { provider: Provider },
    #[error("resource `{id}` is listed under source `{listed}` but belongs to `{actual}`")]
    WrongProvider {
        id: String,
        listed: Provider,
        actual: Provider,
    },
    #[error("resource id `{0}` appears twice")]
    DuplicateId(String),
}

impl SnapshotFile {
    /// Parses and checks a snapshot document. Errors carry the JSON line and column.
    pub fn from_json(text: &str) -> anyhow::Result<Self> {
        // Read the version first so a newer file gets the upgrade message, not a field error.
        #[derive(Deserialize)]
        struct VersionOnly {
            ferry_snapshot: Option<u32>,
        }
        if !text.trim_start().starts_with('{') {
            anyhow::bail!(
                "not a Ferry snapshot: expected a JSON object with a `ferry_snapshot` field (the file `ferry snapshot export` writes)"
            );
        }
        let probe: VersionOnly = serde_json::from_str(text)?;
        match probe.ferry_snapshot {
            None => anyhow::bail!(
                "not a Ferry snapshot: the top-level `ferry_snapshot` version field is missing"
            ),
            Some(v) if v > SNAPSHOT_FORMAT_VERSION => return Err(SnapshotError::TooNew(v).into()),
            Some(_) => {}
        }
        let file: SnapshotFile = serde_json::from_str(text)?;
        file.validate()?;
        Ok(file)
    }

    /// Checks invariants serde cannot: one snapshot per source, ids unique, each resource
    /// under its own provider.
    pub fn validate(&self) -> Result<(), SnapshotError> {
        let mut sources = HashSet::new();
        let mut ids = HashSet::new();
        for snap in &self.sources {
            if !sources.insert(snap.source) {
                return Err(SnapshotError::DuplicateSource {
                    provider: snap.source,
                });
            }
            for r in &snap.resources {
                if r.provider != snap.source {
                    return Err(SnapshotError::WrongProvider {
                        id: r.id.to_string(),
                        listed: snap.source,
                        actual: r.provider,
                    });
                }
                if !ids.insert(r.id.as_str()) {
                    return Err(SnapshotError::DuplicateId(r.id.to_string()));
                }
            }
        }
        Ok(())
    }

    pub fn resource_count(&self) -> usize {
        self.sources.iter().map(|s| s.resources.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = r#"{"ferry_snapshot":1,"exported_at":"2026-11-20T09:00:00Z","sources":[]}"#;

    #[test]
    fn parses_an_empty_file() {
        let f = SnapshotFile::from_json(EMPTY).unwrap();
        assert_eq!(f.resource_count(), 0);
    }

    #[test]
    fn refuses_a_newer_version() {
        let text = EMPTY.replace("\"ferry_snapshot\":1", "\"ferry_snapshot\":99");
        let err = SnapshotFile::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("upgrade Ferry"), "{err}");
    }

    #[test]
    fn refuses_foreign_json_with_a_clear_message() {
        let err = SnapshotFile::from_json(r#"{"hello": "world"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a Ferry snapshot"), "{err}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = SnapshotFile::from_json("{\n\"ferry_snapshot\": 1,\n oops")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn duplicate_sources_are_refused() {
        let text = EMPTY.replace(
            "\"sources\":[]",
            r#""sources":[{"source":"aws","taken_at":"2026-11-20T09:00:00Z","resources":[]},{"source":"aws","taken_at":"2026-11-20T09:00:00Z","resources":[]}]"#,
        );
        let err = SnapshotFile::from_json(&text).unwrap_err().to_string();
        assert!(err.contains("appears twice"), "{err}");
    }
}
