//! The in-memory inventory: the newest snapshot of every source, indexed for lookups.
//! Views and analysis read this; only the store builds it.

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use serde::Serialize;

use crate::model::{Link, Provider, Resource, ResourceId, SourceSnapshot};

/// What the cache knows about one stored snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotMeta {
    pub id: i64,
    pub source: Provider,
    pub taken_at: DateTime<Utc>,
    /// `fetch` or `import`.
    pub origin: String,
    pub resource_count: usize,
}

/// How the last fetch of a source went (kept by the cache, one per source). With the
/// snapshots it tells data that was read from data an older snapshot stands in for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FetchAttempt {
    pub source: Provider,
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    /// What failed: whole accounts or the source (one line each, no secrets).
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Everything was read (parts may still be unavailable; those are on the resources).
    Ok,
    /// A snapshot was saved, but some accounts failed (their data is carried over stale).
    Partial,
    /// Nothing was saved: the newest snapshot is older than this attempt.
    Failed,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Ok => "ok",
            AttemptOutcome::Partial => "partial",
            AttemptOutcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AttemptOutcome::Ok,
            AttemptOutcome::Partial,
            AttemptOutcome::Failed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    /// The snapshot each source's data comes from, in provider order; absent sources have none.
    pub snapshots: Vec<SnapshotMeta>,
    /// The last fetch of each source, when the cache knows it (not for files and demos).
    pub attempts: Vec<FetchAttempt>,
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    index: HashMap<ResourceId, usize>,
}

impl Inventory {
    pub fn new(snapshots: Vec<SnapshotMeta>, resources: Vec<Resource>, links: Vec<Link>) -> Self {
        let index = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Inventory {
            snapshots,
            attempts: Vec::new(),
            resources,
            links,
            index,
        }
    }

    /// An inventory straight from snapshot documents, without a cache (tests, previews).
    pub fn from_sources(sources: &[SourceSnapshot]) -> Self {
        let mut sorted: Vec<&SourceSnapshot> = sources.iter().collect();
        sorted.sort_by_key(|s| s.source);
        let snapshots = sorted
            .iter()
            .enumerate()
            .map(|(i, s)| SnapshotMeta {
                id: i as i64 + 1,
                source: s.source,
                taken_at: s.taken_at,
                origin: "file".into(),
                resource_count: s.resources.len(),
            })
            .collect();
        let resources = sorted
            .iter()
            .flat_map(|s| s.resources.iter().cloned())
            .collect();
        let links = sorted
            .iter()
            .flat_map(|s| s.links.iter().cloned())
            .collect();
        Inventory::new(snapshots, resources, links)
    }

    /// Replaces one source's data with a newer snapshot (a fetch that just finished),
    /// keeping the other sources. Indices into `resources` change: rebuild views after.
    pub fn replace_source(&mut self, meta: SnapshotMeta, snap: &SourceSnapshot) {
        self.remove_source(snap.source);
        let mut resources = std::mem::take(&mut self.resources);
        resources.extend(snap.resources.iter().cloned());
        // Keep provider order, as the store loads it (the sort is stable).
        resources.sort_by_key(|r| r.provider);
        let mut links = std::mem::take(&mut self.links);
        links.extend(snap.links.iter().cloned());
        let mut snapshots = std::mem::take(&mut self.snapshots);
        snapshots.push(meta);
        snapshots.sort_by_key(|m| m.source);
        let attempts = std::mem::take(&mut self.attempts);
        *self = Inventory::new(snapshots, resources, links);
        self.attempts = attempts;
    }

    /// Drops one source's data (as if it had never been fetched).
    pub fn remove_source(&mut self, source: Provider) {
        let resources = std::mem::take(&mut self.resources)
            .into_iter()
            .filter(|r| r.provider != source)
            .collect();
        let links = std::mem::take(&mut self.links)
            .into_iter()
            .filter(|l| l.from.provider() != Some(source))
            .collect();
        let snapshots = std::mem::take(&mut self.snapshots)
            .into_iter()
            .filter(|m| m.source != source)
            .collect();
        let attempts = std::mem::take(&mut self.attempts);
        *self = Inventory::new(snapshots, resources, links);
        self.attempts = attempts;
    }

    /// One source's data as a snapshot, with its metadata, if there is any.
    pub fn source_snapshot(&self, source: Provider) -> Option<(SnapshotMeta, SourceSnapshot)> {
        let meta = self.snapshot_of(source)?.clone();
        let snap = self
            .to_source_snapshots()
            .into_iter()
            .find(|s| s.source == source)?;
        Some((meta, snap))
    }

    /// Records how a fetch of one source went, replacing the one before.
    pub fn record_attempt(&mut self, attempt: FetchAttempt) {
        self.attempts.retain(|a| a.source != attempt.source);
        self.attempts.push(attempt);
        self.attempts.sort_by_key(|a| a.source);
    }

    pub fn attempt_of(&self, source: Provider) -> Option<&FetchAttempt> {
        self.attempts.iter().find(|a| a.source == source)
    }

    pub fn get(&self, id: &ResourceId) -> Option<&Resource> {
        self.index.get(id).map(|&i| &self.resources[i])
    }

    pub fn position(&self, id: &ResourceId) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn snapshot_of(&self, provider: Provider) -> Option<&SnapshotMeta> {
        self.snapshots.iter().find(|s| s.source == provider)
    }

    pub fn count(&self, provider: Provider) -> usize {
        self.resources
            .iter()
            .filter(|r| r.provider == provider)
            .count()
    }

    /// Links that start or end at `id`.
    pub fn links_of<'a>(&'a self, id: &'a ResourceId) -> impl Iterator<Item = &'a Link> + 'a {
        self.links
            .iter()
            .filter(move |l| &l.from == id || &l.to == id)
    }

    /// Regroups the inventory as one [`SourceSnapshot`] per source (for export).
    pub fn to_source_snapshots(&self) -> Vec<SourceSnapshot> {
        self.snapshots
            .iter()
            .map(|meta| {
                let in_source = |id: &ResourceId| id.provider() == Some(meta.source);
                SourceSnapshot {
                    source: meta.source,
                    taken_at: meta.taken_at,
                    resources: self
                        .resources
                        .iter()
                        .filter(|r| r.provider == meta.source)
                        .cloned()
                        .collect(),
                    links: self
                        .links
                        .iter()
                        .filter(|l| in_source(&l.from))
                        .cloned()
                        .collect(),
                }
            })
            .collect()
    }
}
