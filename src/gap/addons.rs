//! Add-ons (and Scheduler): the AWS kinds the rules map each service to.

use std::collections::HashSet;

use super::index::{Index, aws_name, nested_name};
use super::items::{AppFacts, counterpart, new_item, pinned, settle};
use super::{Item, ItemKind, MatchMethod};
use crate::model::{Kind, LinkKind, Resource, ResourceId};
use crate::rules::Rules;

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
