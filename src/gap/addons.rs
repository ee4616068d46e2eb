//! Add-ons (and Scheduler): the AWS kinds the rules map each service to, or, for a service
//! the rules say the app's own logging replaces (Papertrail, Mezmo, …), the app's log
//! drain item's status ([`follow_replaced`]).

use std::collections::HashSet;

use super::index::{Index, aws_name, nested_name};
use super::items::{AppFacts, counterpart, new_item, pinned, settle};
use super::{Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::model::{Kind, LinkKind, Resource, ResourceId};
use crate::rules::{Replacement, Rules};

pub(super) fn addon_item(
    ix: &Index,
    rules: &Rules,
    facts: &AppFacts,
    addon: &Resource,
    task_defs: &[&Resource],
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let service = nested_name(addon, "addon_service")
        .unwrap_or("")
        .to_string();
    let plan = nested_name(addon, "plan").unwrap_or(&service).to_string();
    let kinds = rules.addons.get(&service).cloned().unwrap_or_default();
    let scheduler = kinds.contains(&Kind::Schedule);
    let kind = if scheduler {
        ItemKind::Scheduler
    } else {
        ItemKind::Addon
    };
    let mut item = new_item(facts, addon, kind, format!("{} ({plan})", addon.name));
    let app = facts.app.name.as_str();
    if !pinned(&mut item, pin) {
        let of_kind = |r: &&Resource| kinds.contains(&r.kind);
        let by_addon_tag: Vec<&Resource> = ix
            .by_addon_tag
            .get(addon.name.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(of_kind)
            .collect();
        let by_app_tag: Vec<&Resource> = ix
            .by_app_tag
            .get(app)
            .into_iter()
            .flatten()
            .copied()
            .filter(of_kind)
            .filter(|r| !r.tags.contains_key(&rules.tags.addon))
            .collect();
        let tds: HashSet<&str> = task_defs.iter().map(|t| t.id.as_str()).collect();
        let runs_our_task = |r: &&Resource| {
            ix.linked(&r.id, LinkKind::Runs)
                .iter()
                .any(|td| tds.contains(td.id.as_str()))
        };
        let found: Vec<(&Resource, MatchMethod)> = if !by_addon_tag.is_empty() {
            by_addon_tag
                .into_iter()
                .map(|r| (r, MatchMethod::Tag))
                .collect()
        } else if !by_app_tag.is_empty() {
            by_app_tag
                .into_iter()
                .map(|r| (r, MatchMethod::Tag))
                .collect()
        } else if scheduler {
            kinds
                .iter()
                .flat_map(|k| ix.aws_of_kind(*k))
                .copied()
                .filter(runs_our_task)
                .map(|r| (r, MatchMethod::Derived))
                .collect()
        } else {
            kinds
                .iter()
                .flat_map(|k| ix.aws_of_kind(*k))
                .copied()
                .filter(|r| r.tags.get(&rules.tags.app).is_none_or(|a| a == app))
                .filter(|r| {
                    let n = rules.normalize(aws_name(r));
                    n == app || n.starts_with(&format!("{app}-"))
                })
                .map(|r| (r, MatchMethod::Name))
                .collect()
        };
        item.counterparts = found
            .into_iter()
            .map(|(r, via)| counterpart(r, via))
            .collect();
    }
    let mut blocking = false;
    if scheduler {
        item.reasons.push(
            "job list must be checked by hand: the Heroku API cannot read Scheduler jobs".into(),
        );
        blocking = true;
    } else if rules.replaced_addons.contains_key(&service) {
        // Its status comes from the app's drains, once they are built (follow_replaced).
    } else if kinds.is_empty() {
        item.reasons.push(format!(
            "no mapping rule for add-on service `{service}`: add one under [rules.addons], or mark it ignored"
        ));
    } else if item.counterparts.is_empty() {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        item.reasons
            .push(format!("no {} found for {service}", names.join(" / ")));
    }
    for c in &item.counterparts {
        let Some(r) = ix.get(&c.id) else { continue };
        let state = r
            .attr_str("DBInstanceStatus")
            .or_else(|| r.attr_str("Status"));
        if let Some(state) = state
            && !matches!(
                state.to_ascii_lowercase().as_str(),
                "available" | "active" | "enabled"
            )
        {
            item.reasons.push(format!("{} is `{state}`", c.name));
            blocking = true;
        }
    }
    let users: Vec<String> = ix
        .attachments
        .get(addon.name.as_str())
        .into_iter()
        .flatten()
        .filter(|(a, _)| *a != app)
        .map(|(a, as_name)| format!("{a} (as {as_name})"))
        .collect();
    if !users.is_empty() {
        item.reasons
            .push(format!("shared with {}", users.join(", ")));
    }
    settle(&mut item, facts, blocking);
    item
}

/// Log drivers that send a container's output somewhere the team can read it.
const LOG_DRIVERS: [&str; 2] = ["awslogs", "awsfirelens"];

/// Add-ons the rules say the app's logging replaces take the status of the app's log drain
/// item: the drain the add-on created (its `addon`), else the worst of the app's drains.
/// Without drains, the task definitions' log configuration decides. Runs after the unknown
/// pass, so an unknown drain makes the add-on unknown too; a ledger pin on the add-on
/// keeps its own match.
pub(super) fn follow_replaced(
    ix: &Index,
    rules: &Rules,
    facts: &AppFacts,
    task_defs: &[&Resource],
    items: &mut [Item],
) {
    for i in 0..items.len() {
        let item = &items[i];
        if item.kind != ItemKind::Addon
            // Unknown already: the app's details (its drains among them) were not read.
            || item.computed == Status::Unknown
            || item.counterparts.iter().any(|c| c.via == MatchMethod::Ledger)
        {
            continue;
        }
        let Some(addon) = ix.get(&item.id) else {
            continue;
        };
        let service = nested_name(addon, "addon_service").unwrap_or("");
        let Some(Replacement::Logging) = rules.replaced_addons.get(service) else {
            continue;
        };
        let drains: Vec<&Item> = items
            .iter()
            .filter(|d| d.kind == ItemKind::LogDrain)
            .collect();
        let own: Vec<&Item> = drains
            .iter()
            .copied()
            .filter(|d| {
                ix.get(&d.id).and_then(|r| nested_name(r, "addon")) == Some(addon.name.as_str())
            })
            .collect();
        let followed = if own.is_empty() { drains } else { own };
        // Statuses order worst first: the least ready drain is what the add-on waits for.
        let (status, counterparts, reason) = match followed.iter().min_by_key(|d| d.computed) {
            Some(d) => follow_drain(d),
            None => log_configuration(ix, task_defs),
        };
        let item = &mut items[i];
        item.counterparts = counterparts;
        item.reasons.insert(0, reason);
        let blocking = status == Status::Partial;
        if status == Status::Unknown {
            item.computed = Status::Unknown;
            item.status = Status::Unknown;
            continue;
        }
        settle(item, facts, blocking);
        if matches!(item.computed, Status::Missing | Status::Partial)
            && let Some(why) = ix
                .coverage
                .kinds_unknown(&[Kind::LogGroup, Kind::TaskDefinition])
        {
            item.computed = Status::Unknown;
            item.status = Status::Unknown;
            item.reasons.insert(0, format!("unknown: {why}"));
        }
    }
}

fn group_names(counterparts: &[Counterpart]) -> String {
    counterparts
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The add-on takes the drain item's status and log groups.
fn follow_drain(d: &Item) -> (Status, Vec<Counterpart>, String) {
    let counterparts: Vec<Counterpart> = d
        .counterparts
        .iter()
        .map(|c| Counterpart {
            via: MatchMethod::Derived,
            ..c.clone()
        })
        .collect();
    let reason = if counterparts.is_empty() {
        format!(
            "replaced by the app's logging, but drain `{}` is {}{}",
            d.name,
            d.computed,
            d.reasons
                .first()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )
    } else {
        format!(
            "replaced by the app's log group {}: drain `{}` is {}",
            group_names(&counterparts),
            d.name,
            d.computed
        )
    };
    (d.computed, counterparts, reason)
}

/// No drain to follow: the task definitions' log configuration says whether the app's
/// logs reach AWS (a log group, or FireLens to wherever it routes them).
fn log_configuration(ix: &Index, task_defs: &[&Resource]) -> (Status, Vec<Counterpart>, String) {
    if task_defs.is_empty() {
        return (
            Status::Missing,
            Vec::new(),
            "replaced by the app's logging, but no ECS task definition runs the app yet (it has no log drain to follow)".into(),
        );
    }
    let logs = |td: &&Resource| {
        td.attrs
            .get("containerDefinitions")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("logConfiguration")?.get("logDriver")?.as_str())
            .any(|d| LOG_DRIVERS.contains(&d))
    };
    let silent: Vec<&str> = task_defs
        .iter()
        .filter(|td| !logs(td))
        .map(|td| td.name.as_str())
        .collect();
    let mut seen = HashSet::new();
    let mut groups: Vec<Counterpart> = task_defs
        .iter()
        .flat_map(|td| ix.linked(&td.id, LinkKind::LogsTo))
        .filter(|g| seen.insert(&g.id))
        .map(|g| counterpart(g, MatchMethod::Derived))
        .collect();
    if !silent.is_empty() {
        if groups.is_empty() {
            groups = task_defs
                .iter()
                .map(|td| counterpart(td, MatchMethod::Derived))
                .collect();
        }
        return (
            Status::Partial,
            groups,
            format!(
                "replaced by the app's logging, but task definition(s) {} send no logs (no awslogs or FireLens log configuration; the app has no log drain)",
                silent.join(", ")
            ),
        );
    }
    if groups.is_empty() {
        // Every task logs through FireLens: its router decides where, Ferry cannot see it.
        let tds = task_defs
            .iter()
            .map(|td| counterpart(td, MatchMethod::Derived))
            .collect();
        return (
            Status::Ready,
            tds,
            "replaced by the app's logging: its task definitions route logs through FireLens (the app has no log drain)".into(),
        );
    }
    let reason = format!(
        "replaced by the app's log group {}: its task definitions log there (the app has no log drain)",
        group_names(&groups)
    );
    (Status::Ready, groups, reason)
}
