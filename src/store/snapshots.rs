//! Writing and reading snapshots.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};
use crate::inventory::{Inventory, SnapshotMeta};
use crate::model::{Link, Provider, Resource, ResourceId, SourceSnapshot};

/// Where a snapshot came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Fetch,
    Import,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Fetch => "fetch",
            Origin::Import => "import",
        }
    }
}

impl Store {
    /// Writes one source's snapshot in a single transaction, then prunes that source's
    /// older snapshots beyond `keep` (at least one is always kept). Returns the new id.
    pub fn write_snapshot(
        &mut self,
        snap: &SourceSnapshot,
        origin: Origin,
        keep: usize,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let sql = super::sqlite(&path);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO snapshots (source, taken_at, origin, resource_count) VALUES (?1, ?2, ?3, ?4)",
            params![
                snap.source.as_str(),
                snap.taken_at.to_rfc3339(),
                origin.as_str(),
                snap.resources.len() as i64
            ],
        )
        .map_err(sql)?;
        let snapshot_id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO resources (snapshot_id, id, provider, kind, name, parent, scope, attrs, tags, fetched_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(sql)?;
            for r in &snap.resources {
                insert
                    .execute(params![
                        snapshot_id,
                        r.id.as_str(),
                        r.provider.as_str(),
                        r.kind.as_str(),
                        r.name,
                        r.parent.as_ref().map(|p| p.as_str()),
                        to_json(&r.scope),
                        to_json(&r.attrs),
                        to_json(&r.tags),
                        r.fetched_at.to_rfc3339(),
                    ])
                    .map_err(sql)?;
            }
            let mut insert_link = tx
                .prepare(
                    "INSERT INTO links (snapshot_id, from_id, to_id, kind) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            for l in &snap.links {
                insert_link
                    .execute(params![
                        snapshot_id,
                        l.from.as_str(),
                        l.to.as_str(),
                        l.kind.as_str()
                    ])
                    .map_err(sql)?;
            }
        }
        // Keep the `keep` most recently *taken* (an import of an old export is history, not
        // news); times are compared parsed, not as text.
        let mut taken: Vec<(DateTime<Utc>, i64)> = {
            let mut stmt = tx
                .prepare("SELECT id, taken_at FROM snapshots WHERE source = ?1")
                .map_err(sql)?;
            let rows = stmt
                .query_map([snap.source.as_str()], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql)?;
            let mut out = Vec::new();
            for row in rows {
                let (id, at) = row.map_err(sql)?;
                let at = DateTime::parse_from_rfc3339(&at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(DateTime::<Utc>::MIN_UTC);
                out.push((at, id));
            }
            out
        };
        taken.sort_by(|a, b| b.cmp(a));
        for (_, id) in taken.iter().skip(keep.max(1)) {
            tx.execute("DELETE FROM snapshots WHERE id = ?1", [id])
                .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(snapshot_id)
    }

    /// Every stored snapshot, most recently taken first.
    pub fn list_snapshots(&self) -> Result<Vec<SnapshotMeta>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, source, taken_at, origin, resource_count FROM snapshots ORDER BY id DESC",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, source, taken_at, origin, count) = row.map_err(|e| self.err(e))?;
            out.push(SnapshotMeta {
                id,
                source: source
                    .parse()
                    .map_err(|detail| self.bad_row(format!("snapshot {id}: {detail}")))?,
                taken_at: self.parse_time(&taken_at)?,
                origin,
                resource_count: count.max(0) as usize,
            });
        }
        // Newest taken first; of two taken at the same moment, the later stored.
        out.sort_by_key(|m| std::cmp::Reverse((m.taken_at, m.id)));
        Ok(out)
    }

    /// Loads the newest snapshot of every source into memory.
    pub fn load_latest(&self) -> Result<Inventory, StoreError> {
        let mut metas: Vec<SnapshotMeta> = Vec::new();
        for meta in self.list_snapshots()? {
            if !metas.iter().any(|m| m.source == meta.source) {
                metas.push(meta);
            }
        }
        metas.sort_by_key(|m| m.source);
        let total: usize = metas.iter().map(|m| m.resource_count).sum();
        let mut resources = Vec::with_capacity(total);
        let mut links = Vec::new();
        for meta in &metas {
            self.read_resources(meta.id, &mut resources)?;
            self.read_links(meta.id, &mut links)?;
        }
        let mut inventory = Inventory::new(metas, resources, links);
        inventory.attempts = self.load_attempts()?;
        Ok(inventory)
    }

    /// One stored snapshot by id (as `list_snapshots` gives them); `None` if there is none.
    pub fn load_snapshot(
        &self,
        id: i64,
    ) -> Result<Option<(SnapshotMeta, SourceSnapshot)>, StoreError> {
        let Some(meta) = self.list_snapshots()?.into_iter().find(|m| m.id == id) else {
            return Ok(None);
        };
        let mut resources = Vec::with_capacity(meta.resource_count);
        let mut links = Vec::new();
        self.read_resources(id, &mut resources)?;
        self.read_links(id, &mut links)?;
        let snap = SourceSnapshot {
            source: meta.source,
            taken_at: meta.taken_at,
            resources,
            links,
        };
        Ok(Some((meta, snap)))
    }

    fn read_resources(&self, snapshot_id: i64, out: &mut Vec<Resource>) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, provider, kind, name, parent, scope, attrs, tags, fetched_at
                 FROM resources WHERE snapshot_id = ?1 ORDER BY rowid",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([snapshot_id]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let id: String = row.get(0).map_err(|e| self.err(e))?;
            // Borrow text straight from SQLite's row buffer: no copy before parsing.
            let text = |i: usize| -> Result<&str, StoreError> {
                row.get_ref(i)
                    .and_then(|v| v.as_str().map_err(Into::into))
                    .map_err(|e| self.err(e))
            };
            let bad = |what: &str, detail: String| {
                self.bad_row(format!("resource `{id}` {what}: {detail}"))
            };
            let provider: Provider = text(1)?.parse().map_err(|d| bad("provider", d))?;
            let kind = text(2)?
                .parse()
                .map_err(|e: crate::model::UnknownKind| bad("kind", e.to_string()))?;
            let parent: Option<String> = row.get(4).map_err(|e| self.err(e))?;
            let resource = Resource {
                provider,
                kind,
                name: text(3)?.to_owned(),
                parent: parent.map(ResourceId::from_raw),
                scope: serde_json::from_str(text(5)?).map_err(|e| bad("scope", e.to_string()))?,
                attrs: serde_json::from_str(text(6)?).map_err(|e| bad("attrs", e.to_string()))?,
                tags: serde_json::from_str(text(7)?).map_err(|e| bad("tags", e.to_string()))?,
                fetched_at: self.parse_time(text(8)?)?,
                id: ResourceId::from_raw(id.clone()),
            };
            out.push(resource);
        }
        Ok(())
    }

    fn read_links(&self, snapshot_id: i64, out: &mut Vec<Link>) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT from_id, to_id, kind FROM links WHERE snapshot_id = ?1 ORDER BY rowid",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([snapshot_id]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let kind: String = row.get(2).map_err(|e| self.err(e))?;
            out.push(Link {
                from: ResourceId::from_raw(row.get::<_, String>(0).map_err(|e| self.err(e))?),
                to: ResourceId::from_raw(row.get::<_, String>(1).map_err(|e| self.err(e))?),
                kind: serde_json::from_value(serde_json::Value::String(kind.clone()))
                    .map_err(|_| self.bad_row(format!("link kind `{kind}` is unknown")))?,
            });
        }
        Ok(())
    }

    fn parse_time(&self, s: &str) -> Result<DateTime<Utc>, StoreError> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| self.bad_row(format!("timestamp `{s}`: {e}")))
    }

    pub(super) fn bad_row(&self, detail: String) -> StoreError {
        StoreError::BadRow {
            path: self.path.clone(),
            detail,
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing maps of strings and JSON values cannot fail.
    serde_json::to_string(value).expect("serializable value")
}
