//! Inventory sources: one folder per provider, each turning a provider's API into
//! [`crate::model`] resources and links. Sources depend on `model` only (never on the
//! store, the config file or the TUI); `crate::fetch` runs them and stores what they find.

pub mod allowlist;
pub mod aws;
pub mod cloudflare;
pub mod glob;
pub mod heroku;
pub mod http;
pub mod lookup;
pub mod progress;
pub mod ratelimit;

pub use progress::{EventSink, KindCounts, SourceEvent};

/// The attribute every source sets on a resource carried over from an earlier snapshot
/// (its part of the estate could not be fetched this time).
pub const STALE_ATTR: &str = "ferry_stale";

use std::collections::HashSet;

use crate::model::{Link, Resource, ResourceId};

/// One resource per id (the first wins, so earlier accounts win a merge), and only links
/// whose both ends are in the result, each once.
pub fn dedupe(resources: Vec<Resource>, links: Vec<Link>) -> (Vec<Resource>, Vec<Link>) {
    let mut seen: HashSet<ResourceId> = HashSet::new();
    let resources: Vec<_> = resources
        .into_iter()
        .filter(|r| seen.insert(r.id.clone()))
        .collect();
    let mut seen_links = HashSet::new();
    let links = links
        .into_iter()
        .filter(|l| seen.contains(&l.from) && seen.contains(&l.to))
        .filter(|l| seen_links.insert(l.clone()))
        .collect();
    (resources, links)
}
