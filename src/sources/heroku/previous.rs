//! The previous Heroku snapshot, indexed for stale carry-over.
//!
//! When the budget stops a fetch before an app's details are refreshed, the app's parts
//! from the previous snapshot are kept, with their original `fetched_at` (so their age is
//! exact) and the attribute `ferry_stale: true`. The app itself (always fresh: it comes
//! from the account-wide list) records the state of its details in `ferry_details`:
//! `{"state": "fresh" | "stale" | "missing", "fetched_at": <time or null>}`, plus
//! `"error": "<cause>"` when this fetch tried to refresh them and failed.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

use crate::model::{Kind, Link, Resource, ResourceId, SourceSnapshot};

/// Attribute on a resource carried over from an earlier snapshot.
pub use crate::sources::STALE_ATTR;
/// Attribute on an app: the state and age of its details.
pub const DETAILS_ATTR: &str = "ferry_details";

/// The kinds fetched per app (everything else comes from account-wide lists).
pub const DETAIL_KINDS: [Kind; 8] = [
    Kind::Formation,
    Kind::ConfigVars,
    Kind::Domain,
    Kind::SniEndpoint,
    Kind::LogDrain,
    // A Fir app's own telemetry drains (a space's hang under the space, not the app).
    Kind::TelemetryDrain,
    Kind::Buildpack,
    Kind::Release,
];

#[derive(Debug, Default)]
pub struct AppPrevious {
    pub details_at: Option<DateTime<Utc>>,
    pub details_fresh: bool,
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
}

#[derive(Debug, Default)]
pub struct Previous {
    apps: HashMap<String, AppPrevious>,
    /// Every resource and its outgoing links, for accounts that fail this time.
    all: Vec<Resource>,
    links: Vec<Link>,
}

impl Previous {
    pub fn new(snapshot: Option<&SourceSnapshot>) -> Self {
        let Some(snap) = snapshot else {
            return Previous::default();
        };
        let mut apps: HashMap<String, AppPrevious> = HashMap::new();
        let mut detail_ids: HashMap<&ResourceId, String> = HashMap::new();
        for r in &snap.resources {
            if r.kind == Kind::App {
                let entry = apps.entry(r.name.clone()).or_default();
                if let Some(d) = r.attrs.get(DETAILS_ATTR) {
                    entry.details_fresh = d.get("state").and_then(Value::as_str) == Some("fresh");
                    entry.details_at = d
                        .get("fetched_at")
                        .and_then(Value::as_str)
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .map(|t| t.with_timezone(&Utc));
                }
            }
        }
        for r in &snap.resources {
            if !DETAIL_KINDS.contains(&r.kind) {
                continue;
            }
            let Some(app) = r
                .parent
                .as_ref()
                .and_then(|p| p.as_str().strip_prefix("heroku:app/"))
            else {
                continue;
            };
            detail_ids.insert(&r.id, app.to_string());
            let entry = apps.entry(app.to_string()).or_default();
            entry.resources.push(r.clone());
        }
        for l in &snap.links {
            if let Some(app) = detail_ids.get(&l.from) {
                apps.entry(app.clone()).or_default().links.push(l.clone());
            }
        }
        // Snapshots without `ferry_details` (imported, or from the demo): the details'
        // own fetch time is their age, and they count as fresh.
        for a in apps.values_mut() {
            if a.details_at.is_none() && !a.resources.is_empty() {
                a.details_at = a.resources.iter().map(|r| r.fetched_at).min();
                a.details_fresh = true;
            }
        }
        Previous {
            apps,
            all: snap.resources.clone(),
            links: snap.links.clone(),
        }
    }

    pub fn app(&self, name: &str) -> Option<&AppPrevious> {
        self.apps.get(name)
    }

    /// The app's cached parts and their links, marked stale.
    pub fn carry_app(&self, name: &str) -> (Vec<Resource>, Vec<Link>) {
        match self.apps.get(name) {
            Some(p) => (
                p.resources.iter().map(mark_stale).collect(),
                p.links.clone(),
            ),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// The previous snapshot's `kind` resources under `parent` (an account's dyno sizes,
    /// a space's telemetry drains) and their links, marked stale: kept when this fetch
    /// could not read that one list.
    pub fn carry_children(&self, parent: &ResourceId, kind: Kind) -> (Vec<Resource>, Vec<Link>) {
        let kept: Vec<Resource> = self
            .all
            .iter()
            .filter(|r| r.kind == kind && r.parent.as_ref() == Some(parent))
            .map(mark_stale)
            .collect();
        let ids: HashSet<&ResourceId> = kept.iter().map(|r| &r.id).collect();
        let links = self
            .links
            .iter()
            .filter(|l| ids.contains(&l.from))
            .cloned()
            .collect();
        (kept, links)
    }

    /// Everything of accounts not in `fetched` (by account email), marked stale: used
    /// when an account fails, so its last good data stays visible.
    pub fn carry_accounts_except(&self, fetched: &HashSet<String>) -> (Vec<Resource>, Vec<Link>) {
        let kept: Vec<Resource> = self
            .all
            .iter()
            .filter(|r| !fetched.contains(&r.scope.account))
            .map(mark_stale)
            .collect();
        let ids: HashSet<&ResourceId> = kept.iter().map(|r| &r.id).collect();
        let links = self
            .links
            .iter()
            .filter(|l| ids.contains(&l.from))
            .cloned()
            .collect();
        (kept, links)
    }
}

pub fn mark_stale(r: &Resource) -> Resource {
    let mut r = r.clone();
    r.attrs.insert(STALE_ATTR.into(), Value::Bool(true));
    r
}

/// The `ferry_details` value for an app; `error` when this fetch tried to refresh the
/// details and failed (the state then says what stands in: `stale` or `missing`).
pub fn details_attr(state: &str, at: Option<DateTime<Utc>>, error: Option<&str>) -> Value {
    let mut v = json!({"state": state, "fetched_at": at.map(|t| t.to_rfc3339())});
    if let Some(e) = error {
        v["error"] = Value::String(e.to_string());
    }
    v
}
