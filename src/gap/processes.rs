//! Process types: matching each to its ECS service (or release task definition, or static
//! front end) and checking size, desired count and load balancer.

use serde_json::Value;
use std::collections::HashSet;

use super::index::{Index, nested_name};
use super::items::{AppFacts, counterpart, new_item, pinned, quantity, settle};
use super::{Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::model::{Kind, LinkKind, Resource, ResourceId};
use crate::rules::Rules;

fn process_kinds(process: &str) -> &'static [Kind] {
    if process == "release" {
        &[Kind::TaskDefinition]
    } else {
        &[Kind::EcsService, Kind::CloudfrontDistribution]
    }
}

/// Finds the AWS resource replacing process type `process` of `app`: tags, then name rules,
/// then name similarity among resources no app's tags claim.
fn match_process<'a>(ix: &Index<'a>, rules: &Rules, app: &str, process: &str) -> Vec<Counterpart> {
    let kinds = process_kinds(process);
    let tagged: Vec<&Resource> = ix
        .by_app_tag
        .get(app)
        .into_iter()
        .flatten()
        .copied()
        .filter(|r| kinds.contains(&r.kind))
        .filter(|r| r.tags.get(&rules.tags.process).map(String::as_str) == Some(process))
        .collect();
    if !tagged.is_empty() {
        return tagged
            .into_iter()
            .map(|r| counterpart(r, MatchMethod::Tag))
            .collect();
    }
    let mut wanted = vec![format!("{app}-{process}")];
    if process == "web" {
        wanted.push(app.to_string());
    }
    let unclaimed = |r: &&Resource| {
        r.tags
            .get(&rules.tags.app)
            .is_none_or(|tagged_app| tagged_app == app)
    };
    // Names are only meaningful for ECS services and task definitions; distributions and
    // buckets are found by their tags.
    let named_kinds = [Kind::EcsService, Kind::TaskDefinition];
    let kinds: Vec<Kind> = kinds
        .iter()
        .copied()
        .filter(|k| named_kinds.contains(k))
        .collect();
    let by_name: Vec<&Resource> = wanted
        .iter()
        .flat_map(|w| ix.by_norm_name.get(w).into_iter().flatten().copied())
        .filter(|r| kinds.contains(&r.kind))
        .filter(unclaimed)
        .collect();
    if !by_name.is_empty() {
        return by_name
            .into_iter()
            .map(|r| counterpart(r, MatchMethod::Name))
            .collect();
    }
    // Similarity only among untagged resources: a resource tagged for another app is that
    // app's, however alike the names look.
    let mut best: Option<(f64, &Resource)> = None;
    for kind in &kinds {
        for (r, name) in ix.untagged.get(kind).into_iter().flatten() {
            if ix.rule_names.get(name).is_some_and(|owner| *owner != app) {
                continue;
            }
            let score = wanted
                .iter()
                .map(|w| strsim::jaro_winkler(name, w))
                .fold(0.0, f64::max);
            if score >= rules.names.similarity && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, r));
            }
        }
    }
    best.map(|(score, r)| {
        vec![counterpart(
            r,
            MatchMethod::Similarity((score * 100.0).round() / 100.0),
        )]
    })
    .unwrap_or_default()
}

fn parse_units(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64().map(|n| n as u32),
        _ => None,
    }
}

pub(super) fn process_item(
    ix: &Index,
    rules: &Rules,
    facts: &AppFacts,
    f: &Resource,
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let process = f.attr_str("type").unwrap_or(&f.name).to_string();
    let size = f
        .attr_str("size")
        .or_else(|| nested_name(f, "dyno_size"))
        .unwrap_or("")
        .to_string();
    let q = quantity(f);
    let mut item = new_item(
        facts,
        f,
        ItemKind::Process,
        format!("{process} ({q} × {size})"),
    );
    if !pinned(&mut item, pin) {
        item.counterparts = match_process(ix, rules, &facts.app.name, &process);
    }
    if let Some(Counterpart {
        via: MatchMethod::Similarity(score),
        name,
        ..
    }) = item.counterparts.first()
    {
        item.reasons.push(format!(
            "matched `{name}` by name similarity only ({score:.2}); confirm it, tag it {}={} {}={process}, or pin it with `ferry mark --counterpart`",
            rules.tags.app, facts.app.name, rules.tags.process
        ));
    }
    let mut blocking = item.reasons.iter().any(|r| r.contains("similarity"));
    // "Served as a static front end" is an assumption until someone confirms it.
    if let Some(c) = item.counterparts.iter().find(|c| {
        matches!(c.kind, Kind::CloudfrontDistribution | Kind::S3Bucket)
            && c.via != MatchMethod::Ledger
    }) {
        item.reasons.push(format!(
            "matched {} `{}` as a static front end: confirm the app is a static export, then pin it with `ferry mark --counterpart`",
            c.kind.label().trim_end_matches('s').to_lowercase(),
            c.name
        ));
        blocking = true;
    }
    let mut size_unknown = None;
    if let Some(c) = item.counterparts.first().and_then(|c| ix.get(&c.id)) {
        let need = (!size.is_empty()).then(|| super::sizes::minimum(ix, rules, facts.app, &size));
        let checks = check_service(ix, c, &process, need.as_ref(), q);
        blocking |= !checks.is_empty();
        item.reasons.extend(checks);
        match need {
            Some(super::sizes::Need::Min { note: Some(n), .. }) => item.reasons.push(n),
            Some(super::sizes::Need::Unknown(why)) => size_unknown = Some(why),
            _ => {}
        }
    } else if item.counterparts.is_empty() {
        item.reasons.push(if process == "release" {
            "no task definition for the release phase (run it as a one-off ECS task in the deploy pipeline)".to_string()
        } else {
            format!("no ECS service found for process type `{process}`")
        });
    }
    settle(&mut item, facts, blocking);
    if let Some(why) = size_unknown {
        // The size check could not be made: not a failed check (partial), not a pass.
        if blocking {
            item.reasons.push(why);
        } else {
            item.reasons.insert(0, format!("unknown: {why}"));
            item.computed = Status::Unknown;
            item.status = Status::Unknown;
        }
    }
    if item.counterparts.is_empty() && q == 0 {
        // No dynos, nothing to replace: an absent service is no gap.
        item.reasons.clear();
        item.reasons.push(if process == "release" {
            "release phase: no dynos between deploys; on AWS it is a one-off ECS task (RunTask) in the deploy pipeline, not a service".to_string()
        } else {
            format!("scaled to 0 on Heroku: `{process}` needs no ECS service (retire it, or scale it up if it is still used)")
        });
        item.computed = Status::NotRequired;
        item.status = Status::NotRequired;
    }
    item
}

/// Checks an ECS service (or a release task definition) against the Heroku process.
fn check_service(
    ix: &Index,
    svc: &Resource,
    process: &str,
    need: Option<&super::sizes::Need>,
    q: i64,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let td = match svc.kind {
        Kind::TaskDefinition => Some(svc),
        Kind::EcsService => {
            let td = ix.linked(&svc.id, LinkKind::Runs).into_iter().next();
            if td.is_none() {
                reasons.push(format!(
                    "task definition {} is not in the inventory",
                    svc.attr_str("taskDefinition").unwrap_or("(none)")
                ));
            }
            td
        }
        _ => return reasons, // static front ends (CloudFront / S3) have no task size
    };
    if let Some(td) = td {
        match need {
            Some(super::sizes::Need::Min {
                size: min, from, ..
            }) => {
                let cpu = parse_units(td.attrs.get("cpu"));
                let mem = parse_units(td.attrs.get("memory"));
                match (cpu, mem) {
                    (Some(c), Some(m)) if c < min.cpu || m < min.memory => reasons.push(format!(
                        "task size {c} cpu / {m} MiB is below {from} {} cpu / {} MiB",
                        min.cpu, min.memory
                    )),
                    (Some(_), Some(_)) => {}
                    _ => reasons.push(format!(
                        "task definition {} has no task-level cpu/memory",
                        td.name
                    )),
                }
            }
            Some(super::sizes::Need::BeyondFargate(why)) => reasons.push(why.clone()),
            // An unknown size is the caller's to report (it is no failed check).
            Some(super::sizes::Need::Unknown(_)) | None => {}
        }
    }
    if svc.kind == Kind::EcsService {
        let desired = svc
            .attrs
            .get("desiredCount")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if q > 0 && desired == 0 {
            reasons.push(format!("desired count is 0 while Heroku runs {q} dyno(s)"));
        }
        let balanced = svc
            .attrs
            .get("loadBalancers")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
        if process == "web" && !balanced {
            reasons.push("web process, but the service is behind no load balancer".into());
        }
    }
    reasons
}

/// The task definitions the app's process counterparts run (services' and release ones).
pub(super) fn task_definitions<'a>(ix: &Index<'a>, items: &[Item]) -> Vec<&'a Resource> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in items.iter().flat_map(|i| &i.counterparts) {
        let Some(r) = ix.get(&c.id) else { continue };
        let tds = match r.kind {
            Kind::TaskDefinition => vec![r],
            Kind::EcsService => ix.linked(&r.id, LinkKind::Runs),
            _ => vec![],
        };
        for td in tds {
            if seen.insert(&td.id) {
                out.push(td);
            }
        }
    }
    out
}
