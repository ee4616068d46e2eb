//! Inventory sources: one folder per provider, each turning a provider's API into
//! [`crate::model`] resources and links. Sources depend on `model` only (never on the
//! store, the config file or the TUI); `crate::fetch` runs them and stores what they find.

pub mod allowlist;
pub mod aws;
pub mod cloudflare;
pub mod glob;
pub mod heroku;
pub mod http;
pub mod iac;
pub mod lookup;
pub mod progress;
pub mod ratelimit;
pub mod registry;
pub mod sanitize;
pub mod semaphore;

pub use progress::{EventSink, KindCounts, SourceEvent};

/// The attribute every source sets on a resource carried over from an earlier snapshot
/// (its part of the estate could not be fetched this time).
pub const STALE_ATTR: &str = "ferry_stale";

use std::collections::HashSet;

use crate::model::{Link, Resource, ResourceId};

/// One resource per id (the first wins, so earlier accounts win a merge), and only links
/// whose both ends are in the result and differ (a resource linked to itself says
/// nothing), each once.
pub fn dedupe(resources: Vec<Resource>, links: Vec<Link>) -> (Vec<Resource>, Vec<Link>) {
    let mut seen: HashSet<ResourceId> = HashSet::new();
    let resources: Vec<_> = resources
        .into_iter()
        .filter(|r| seen.insert(r.id.clone()))
        .collect();
    let mut seen_links = HashSet::new();
    let links = links
        .into_iter()
        .filter(|l| l.from != l.to && seen.contains(&l.from) && seen.contains(&l.to))
        .filter(|l| seen_links.insert(l.clone()))
        .collect();
    (resources, links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, LinkKind, Provider, Scope};

    fn res(id: &str, name: &str) -> Resource {
        Resource {
            id: ResourceId::from_raw(id),
            provider: Provider::Aws,
            kind: Kind::EcsService,
            name: name.into(),
            parent: None,
            scope: Scope::default(),
            attrs: Default::default(),
            tags: Default::default(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn dedupe_keeps_the_first_of_an_id_and_only_links_between_two_kept_resources() {
        let link = |from: &str, to: &str| Link {
            from: ResourceId::from_raw(from),
            to: ResourceId::from_raw(to),
            kind: LinkKind::References,
        };
        let (rs, ls) = dedupe(
            vec![
                res("aws:a", "first"),
                res("aws:b", "b"),
                res("aws:a", "second"),
            ],
            vec![
                link("aws:a", "aws:b"),
                link("aws:a", "aws:b"),
                link("aws:a", "aws:a"),
                link("aws:a", "aws:gone"),
            ],
        );
        assert_eq!(
            rs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["first", "b"]
        );
        assert_eq!(
            ls,
            vec![link("aws:a", "aws:b")],
            "once, no self-link, no dangling end"
        );
    }
}
