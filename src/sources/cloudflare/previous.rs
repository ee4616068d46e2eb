//! The previous Cloudflare snapshot, for carry-over: the part of a zone or account that
//! could not be read this time, and every Cloudflare account of a credential that failed,
//! keep their last known resources, each with its original `fetched_at` and
//! `ferry_stale: true` (the attribute the Heroku source uses for the same purpose).

use serde_json::json;
use std::collections::{HashMap, HashSet};

use crate::model::{Kind, Link, Resource, ResourceId, SourceSnapshot};

pub const STALE_ATTR: &str = "ferry_stale";

#[derive(Debug, Default)]
pub struct Previous {
    /// Resources by (the zone or account they belong to, kind).
    parts: HashMap<(ResourceId, Kind), Vec<Resource>>,
    links_from: HashMap<ResourceId, Vec<Link>>,
    all: Vec<Resource>,
}

/// The zone (its parent) or account a resource belongs to.
fn owner(r: &Resource) -> ResourceId {
    match &r.parent {
        Some(p) => p.clone(),
        None => super::mapping::rid("account", &[&r.scope.account]),
    }
}

fn stale(r: &Resource) -> Resource {
    let mut r = r.clone();
    r.attrs.insert(STALE_ATTR.into(), json!(true));
    r
}

impl Previous {
    pub fn new(snapshot: Option<&SourceSnapshot>) -> Self {
        let Some(snap) = snapshot else {
            return Previous::default();
        };
        let mut parts: HashMap<(ResourceId, Kind), Vec<Resource>> = HashMap::new();
        for r in &snap.resources {
            parts.entry((owner(r), r.kind)).or_default().push(r.clone());
        }
        let mut links_from: HashMap<ResourceId, Vec<Link>> = HashMap::new();
        for l in &snap.links {
            links_from
                .entry(l.from.clone())
                .or_default()
                .push(l.clone());
        }
        Previous {
            parts,
            links_from,
            all: snap.resources.clone(),
        }
    }

    fn links_of<'a>(&self, rs: impl Iterator<Item = &'a Resource>) -> Vec<Link> {
        rs.flat_map(|r| self.links_from.get(&r.id).into_iter().flatten().cloned())
            .collect()
    }

    /// The last known `kind` resources of one zone or account, marked stale.
    pub fn carry_part(&self, on: &ResourceId, kind: Kind) -> (Vec<Resource>, Vec<Link>) {
        let Some(rs) = self.parts.get(&(on.clone(), kind)) else {
            return (Vec::new(), Vec::new());
        };
        (rs.iter().map(stale).collect(), self.links_of(rs.iter()))
    }

    /// Everything of the Cloudflare accounts no successful credential fetched.
    pub fn carry_accounts_except(&self, fetched: &HashSet<String>) -> (Vec<Resource>, Vec<Link>) {
        let rs: Vec<&Resource> = self
            .all
            .iter()
            .filter(|r| !fetched.contains(&r.scope.account))
            .collect();
        let links = self.links_of(rs.iter().copied());
        (rs.into_iter().map(stale).collect(), links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkKind, Provider, Scope};
    use chrono::Utc;

    fn res(id: &str, kind: Kind, parent: Option<&str>, account: &str) -> Resource {
        Resource {
            id: ResourceId::from_raw(id),
            provider: Provider::Cloudflare,
            kind,
            name: id.into(),
            parent: parent.map(ResourceId::from_raw),
            scope: Scope {
                account: account.into(),
                ..Scope::default()
            },
            attrs: Default::default(),
            tags: Default::default(),
            fetched_at: Utc::now(),
        }
    }

    fn snapshot() -> SourceSnapshot {
        SourceSnapshot {
            source: Provider::Cloudflare,
            taken_at: Utc::now(),
            resources: vec![
                res("cloudflare:zone/z1", Kind::Zone, None, "a1"),
                res(
                    "cloudflare:worker_route/z1/w",
                    Kind::WorkerRoute,
                    Some("cloudflare:zone/z1"),
                    "a1",
                ),
                res(
                    "cloudflare:worker_script/a1/s",
                    Kind::WorkerScript,
                    None,
                    "a1",
                ),
                res("cloudflare:zone/z9", Kind::Zone, None, "a9"),
            ],
            links: vec![Link {
                from: ResourceId::from_raw("cloudflare:worker_route/z1/w"),
                to: ResourceId::from_raw("cloudflare:worker_script/a1/s"),
                kind: LinkKind::RoutesTo,
            }],
        }
    }

    #[test]
    fn a_part_comes_back_stale_with_its_links() {
        let p = Previous::new(Some(&snapshot()));
        let (rs, ls) = p.carry_part(
            &ResourceId::from_raw("cloudflare:zone/z1"),
            Kind::WorkerRoute,
        );
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].attrs[STALE_ATTR], true);
        assert_eq!(ls.len(), 1);
        let (rs, _) = p.carry_part(
            &ResourceId::from_raw("cloudflare:account/a1"),
            Kind::WorkerScript,
        );
        assert_eq!(rs[0].id.as_str(), "cloudflare:worker_script/a1/s");
        let (rs, _) = p.carry_part(&ResourceId::from_raw("cloudflare:zone/z1"), Kind::DnsRecord);
        assert!(rs.is_empty());
    }

    #[test]
    fn accounts_not_fetched_are_carried_whole() {
        let p = Previous::new(Some(&snapshot()));
        let (rs, _) = p.carry_accounts_except(&["a1".to_string()].into());
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].id.as_str(), "cloudflare:zone/z9");
    }
}
