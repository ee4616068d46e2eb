//! Carry-over from the previous snapshot: what could not be read this time is kept from the
//! last fetch, marked `ferry_stale: true` with its original fetch time, so an outage or a
//! refused list does not make pipelines and secrets look deleted.

use std::collections::HashSet;

use serde_json::Value;

use crate::model::{Kind, Link, Resource, ResourceId, SourceSnapshot};
use crate::sources::STALE_ATTR;

fn stale(mut r: Resource) -> Resource {
    r.attrs.insert(STALE_ATTR.into(), Value::Bool(true));
    r
}

/// Every resource of a failed organisation, and the links between them.
pub fn failed_org(previous: Option<&SourceSnapshot>, org: &str) -> (Vec<Resource>, Vec<Link>) {
    let Some(prev) = previous else {
        return (Vec::new(), Vec::new());
    };
    let kept: Vec<Resource> = prev
        .resources
        .iter()
        .filter(|r| r.scope.account == org)
        .cloned()
        .map(stale)
        .collect();
    let ids: HashSet<&ResourceId> = kept.iter().map(|r| &r.id).collect();
    let links = prev
        .links
        .iter()
        .filter(|l| ids.contains(&l.from) && ids.contains(&l.to))
        .cloned()
        .collect();
    (kept, links)
}

/// For each unavailable part on the org resource (`kind`, `project`?), the previous
/// resources of that part that this fetch does not have; the part's `kept_stale` counts
/// them.
pub fn unavailable_parts(
    previous: Option<&SourceSnapshot>,
    org: &str,
    resources: &mut Vec<Resource>,
    links: &mut Vec<Link>,
) {
    let Some(prev) = previous else {
        return;
    };
    let have: HashSet<ResourceId> = resources.iter().map(|r| r.id.clone()).collect();
    let Some(org_res) = resources
        .iter_mut()
        .find(|r| r.kind == Kind::SemaphoreOrg && r.scope.account == org)
    else {
        return;
    };
    let Some(Value::Array(parts)) = org_res.attrs.get_mut("ferry_unavailable") else {
        return;
    };
    let mut kept = Vec::new();
    for part in parts.iter_mut() {
        let kind = part.get("kind").and_then(Value::as_str).unwrap_or_default();
        let project = part.get("project").and_then(Value::as_str);
        let old: Vec<Resource> = prev
            .resources
            .iter()
            .filter(|r| r.scope.account == org && r.kind.as_str() == kind)
            .filter(|r| project.is_none_or(|p| r.attr_str("project") == Some(p)))
            .filter(|r| !have.contains(&r.id))
            .cloned()
            .map(stale)
            .collect();
        part["kept_stale"] = Value::from(old.len());
        kept.extend(old);
    }
    let kept_ids: HashSet<&ResourceId> = kept.iter().map(|r| &r.id).collect();
    links.extend(
        prev.links
            .iter()
            .filter(|l| kept_ids.contains(&l.to) || kept_ids.contains(&l.from))
            .cloned(),
    );
    resources.extend(kept);
}
