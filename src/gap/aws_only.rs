//! "AWS only": resources of the kinds the analysis matches (services, databases, caches,
//! buckets, distributions, load balancers, schedules …) that no Heroku item matched, each
//! with why nothing did. A migration review needs them: a hand-made service, a new one, or
//! a counterpart whose tags or name the rules do not recognise.
//!
//! Runs after the items are built: a resource is accounted for when an item names it as a
//! counterpart, or when it serves one (the target groups and load balancer in front of a
//! matched service, a matched distribution's origin, a matched load balancer's log bucket,
//! the member clusters of a matched replication group or DB cluster).

use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Serialize;
use std::collections::BTreeSet;

use super::index::{Index, aws_name, nested_name};
use super::{AppGap, Item, ItemKind, Status};
use crate::model::{Kind, LinkKind, Provider, Resource, ResourceId};
use crate::rules::Rules;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AwsOnly {
    /// Why the list cannot be taken as complete: Heroku or AWS was not (fully) read.
    /// `None`: both were, so an empty list means there is nothing on AWS only.
    pub unknown: Option<String>,
    /// One group per kind searched, in a fixed order (empty groups included).
    pub groups: Vec<AwsOnlyGroup>,
    /// Resources listed, all groups together.
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsOnlyGroup {
    pub kind: Kind,
    /// "ECS services", "RDS DB instances" …
    pub label: String,
    /// Why this kind was not fully read (a region, account or the whole source): more
    /// such resources may exist than are listed.
    pub unknown: Option<String>,
    pub resources: Vec<AwsOnlyResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsOnlyResource {
    pub id: ResourceId,
    pub name: String,
    pub account: String,
    pub region: Option<String>,
    /// Why no Heroku item matched it.
    pub why: String,
    /// The Heroku app its tag or name points at, if any.
    pub app: Option<String>,
    /// Why the entry itself may be wrong: the resource is carried over from an older
    /// fetch, or the details of the app it points at were not read.
    pub uncertain: Option<String>,
}

/// "ECS services", "ElastiCache replication groups": the service, then the kind.
pub fn group_label(kind: Kind) -> String {
    let label = kind.label();
    // "DB instances" keeps its capitals; other labels read as one phrase in lower case.
    let label = if label.starts_with("DB ") {
        label.to_string()
    } else {
        label.to_lowercase()
    };
    format!("{} {label}", kind.service())
}

/// The kinds whose unmatched resources are listed: what the process, add-on and domain
/// checks search for, plus load balancers and buckets (front ends and origins).
fn searched_kinds(rules: &Rules) -> Vec<Kind> {
    let mut kinds: BTreeSet<Kind> = [
        Kind::EcsService,
        Kind::CloudfrontDistribution,
        Kind::S3Bucket,
        Kind::LoadBalancer,
    ]
    .into();
    kinds.extend(rules.addons.values().flatten().copied());
    // Rules name Ferry kinds; only AWS ones are counterparts.
    kinds.retain(|k| k.provider() == Provider::Aws);
    // Kind::ALL order, so groups keep the order of the tree.
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| kinds.contains(k))
        .collect()
}

/// Link kinds that lead from a matched resource to one that only serves it.
const SERVING: [LinkKind; 4] = [
    LinkKind::ForwardsTo,
    LinkKind::References,
    LinkKind::Origin,
    LinkKind::LogsTo,
];

/// Resources the items account for: their counterparts and what serves those. Returns
/// each with the app whose item names it (first one wins), when known.
fn accounted<'a>(ix: &Index<'a>, apps: &[AppGap]) -> HashMap<&'a ResourceId, &'a str> {
    let mut owner: HashMap<&'a ResourceId, &'a str> = HashMap::new();
    let mut queue: Vec<(&'a Resource, &'a str)> = Vec::new();
    for app in apps {
        for c in app.items.iter().flat_map(|i| &i.counterparts) {
            if let Some(r) = ix.get(&c.id)
                && let Some(app_res) = ix.get(&app.id)
                && !owner.contains_key(&r.id)
            {
                owner.insert(&r.id, app_res.name.as_str());
                queue.push((r, app_res.name.as_str()));
            }
        }
    }
    // Target groups in front of a matched service (the link points from the group).
    for tg in ix.aws_of_kind(Kind::TargetGroup) {
        if owner.contains_key(&tg.id) {
            continue;
        }
        if let Some(app) = ix
            .linked(&tg.id, LinkKind::Serves)
            .iter()
            .find_map(|s| owner.get(&s.id).copied())
        {
            owner.insert(&tg.id, app);
            queue.push((tg, app));
        }
    }
    while let Some((r, app)) = queue.pop() {
        let mut next: Vec<&'a Resource> =
            SERVING.iter().flat_map(|k| ix.linked(&r.id, *k)).collect();
        // A listener rule's listener, a listener's load balancer.
        if matches!(r.kind, Kind::ListenerRule | Kind::Listener)
            && let Some(p) = r.parent.as_ref().and_then(|p| ix.get(p))
        {
            next.push(p);
        }
        for n in next {
            if n.provider == Provider::Aws && !owner.contains_key(&n.id) {
                owner.insert(&n.id, app);
                queue.push((n, app));
            }
        }
    }
    // Members of a matched group: cache clusters of a replication group, instances of a
    // DB cluster.
    for (member, group, attr) in [
        (
            Kind::ElasticacheCluster,
            Kind::ElasticacheReplicationGroup,
            "ReplicationGroupId",
        ),
        (Kind::RdsInstance, Kind::RdsCluster, "DBClusterIdentifier"),
    ] {
        let groups: HashMap<&str, &str> = ix
            .aws_of_kind(group)
            .iter()
            .filter_map(|g| {
                let app = owner.get(&g.id)?;
                Some((g.attr_str(attr).unwrap_or_else(|| aws_name(g)), *app))
            })
            .collect();
        if groups.is_empty() {
            continue;
        }
        for m in ix.aws_of_kind(member) {
            if let Some(app) = m.attr_str(attr).and_then(|g| groups.get(g)) {
                owner.entry(&m.id).or_insert(app);
            }
        }
    }
    owner
}

/// Builds the section from the items the analysis produced.
pub(super) fn build(ix: &Index, rules: &Rules, apps: &[AppGap]) -> AwsOnly {
    let owner = accounted(ix, apps);
    let by_name: HashMap<&str, &Resource> = ix.apps.iter().map(|a| (a.name.as_str(), *a)).collect();
    let unknown = [Provider::Heroku, Provider::Aws]
        .iter()
        .find_map(|p| ix.coverage.source(*p).unknown());
    let mut groups = Vec::new();
    let mut count = 0;
    for kind in searched_kinds(rules) {
        let mut resources: Vec<AwsOnlyResource> = ix
            .aws_of_kind(kind)
            .iter()
            .filter(|r| !owner.contains_key(&r.id))
            .map(|r| entry(ix, rules, &by_name, &owner, r))
            .collect();
        resources.sort_by(|a, b| {
            (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name))
        });
        count += resources.len();
        groups.push(AwsOnlyGroup {
            kind,
            label: group_label(kind),
            unknown: ix.coverage.kinds_unknown(&[kind]),
            resources,
        });
    }
    AwsOnly {
        unknown,
        groups,
        count,
    }
}

fn entry(
    ix: &Index,
    rules: &Rules,
    by_name: &HashMap<&str, &Resource>,
    owner: &HashMap<&ResourceId, &str>,
    r: &Resource,
) -> AwsOnlyResource {
    let tag = &rules.tags.app;
    let norm = rules.normalize(aws_name(r));
    let (why, app): (String, Option<&Resource>) = match r.tags.get(tag) {
        Some(a) => match by_name.get(a.as_str()).copied() {
            None => (
                format!("tagged {tag}={a}, but Heroku has no app `{a}`"),
                None,
            ),
            Some(app) => (
                format!(
                    "tagged {tag}={a}, but {}",
                    not_used(ix, rules, app, r, &norm)
                ),
                Some(app),
            ),
        },
        None => match named_like(by_name, &norm) {
            Some(app) => (
                format!(
                    "named like app `{}` (tag {tag} absent), but {}",
                    app.name,
                    not_used(ix, rules, app, r, &norm)
                ),
                Some(app),
            ),
            None => (
                match runs_task_of(ix, owner, r) {
                    Some(hint) => format!("{hint}; tag {tag} absent"),
                    None => format!("no Heroku app named like `{norm}`; tag {tag} absent"),
                },
                None,
            ),
        },
    };
    let uncertain = ix
        .coverage
        .stale(r)
        .or_else(|| app.and_then(|a| ix.coverage.app_unknown(a)));
    AwsOnlyResource {
        id: r.id.clone(),
        name: r.name.clone(),
        account: r.scope.account.clone(),
        region: r.scope.region.clone(),
        why,
        app: app.map(|a| a.name.clone()),
        uncertain,
    }
}

/// The app whose name the resource's (normalized) name is or starts with, longest first.
fn named_like<'a>(by_name: &HashMap<&str, &'a Resource>, norm: &str) -> Option<&'a Resource> {
    if let Some(a) = by_name.get(norm) {
        return Some(*a);
    }
    norm.match_indices('-')
        .rev()
        .find_map(|(i, _)| by_name.get(&norm[..i]).copied())
}

/// A schedule or rule that runs a task definition an app's items use.
fn runs_task_of(ix: &Index, owner: &HashMap<&ResourceId, &str>, r: &Resource) -> Option<String> {
    if !matches!(r.kind, Kind::Schedule | Kind::EventRule) {
        return None;
    }
    ix.linked(&r.id, LinkKind::Runs).iter().find_map(|td| {
        owner.get(&td.id).map(|app| {
            format!(
                "runs task definition `{}` of app `{app}`, which has no Scheduler add-on mapped to it",
                td.name
            )
        })
    })
}

/// Why `app`'s items do not use `r`, as far as the rules can tell.
fn not_used(ix: &Index, rules: &Rules, app: &Resource, r: &Resource, norm: &str) -> String {
    let name = app.name.as_str();
    match r.kind {
        Kind::EcsService => {
            let types: Vec<&str> = ix
                .parts(app, Kind::Formation)
                .iter()
                .map(|f| f.attr_str("type").unwrap_or(&f.name))
                .collect();
            let process = r
                .tags
                .get(&rules.tags.process)
                .map(String::as_str)
                .or_else(|| {
                    norm.strip_prefix(name)
                        .and_then(|rest| rest.strip_prefix('-'))
                        .filter(|p| !p.is_empty())
                });
            match process {
                Some(p) if types.contains(&p) => {
                    format!("`{name}`'s `{p}` process is matched to another resource")
                }
                Some(p) if types.is_empty() => {
                    format!("`{name}` has no process type `{p}` (it has none)")
                }
                Some(p) => format!(
                    "`{name}` has no process type `{p}` (it has {})",
                    types.join(", ")
                ),
                None => format!(
                    "no process type of `{name}` is named in it (tag {} absent)",
                    rules.tags.process
                ),
            }
        }
        kind => {
            let services: Vec<&str> = rules
                .addons
                .iter()
                .filter(|(_, kinds)| kinds.contains(&kind))
                .map(|(s, _)| s.as_str())
                .collect();
            if services.is_empty() {
                return format!("no item of `{name}` uses it");
            }
            let has: HashSet<&str> = ix
                .parts(app, Kind::Addon)
                .iter()
                .filter_map(|a| nested_name(a, "addon_service"))
                .collect();
            match services.iter().find(|s| has.contains(*s)) {
                Some(s) => format!("`{name}`'s {s} add-on is matched to another resource"),
                None => format!("`{name}` has no {} add-on", services.join(" / ")),
            }
        }
    }
}

/// The config vars items' names only on AWS, as a note in their reasons (so every format
/// shows them). Dropped where the item is `unknown`: names compared against data that was
/// not read are not facts.
pub(super) fn note_only_on_aws(items: &mut [Item]) {
    for item in items.iter_mut().filter(|i| i.kind == ItemKind::ConfigVars) {
        if item.only_on_aws.is_empty() {
            continue;
        }
        if item.computed == Status::Unknown {
            item.only_on_aws.clear();
            continue;
        }
        item.reasons.push(format!(
            "only on AWS (informational, status unchanged): {}",
            item.only_on_aws.join(", ")
        ));
    }
}
