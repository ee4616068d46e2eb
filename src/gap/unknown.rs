//! `unknown`: a status that rests on data Ferry could not read.
//!
//! The checks in `processes`, `addons`, `domains` and `items` state what they found. A
//! "found nothing" is only a fact when every place the check looked was read; a match is
//! only current when the matched resource was read by the last fetch. This pass runs on
//! an app's items after the checks and before the ledger, and turns what cannot be said
//! into `unknown` with the reason (the ledger's decision still overrides, as for any
//! computed status).

use super::index::{Index, nested_name};
use super::{Item, ItemKind, Status};
use crate::model::{Kind, Resource};
use crate::rules::Rules;

/// The AWS kinds an item's checks search, so the kinds whose absence it would report.
fn needs(ix: &Index, rules: &Rules, item: &Item) -> Vec<Kind> {
    match item.kind {
        ItemKind::App => Vec::new(),
        ItemKind::Process => vec![
            Kind::EcsService,
            Kind::TaskDefinition,
            Kind::CloudfrontDistribution,
            Kind::TargetGroup,
            Kind::LoadBalancer,
        ],
        ItemKind::Addon | ItemKind::Scheduler => {
            let service = ix
                .get(&item.id)
                .and_then(|r| nested_name(r, "addon_service"))
                .unwrap_or("");
            let mut kinds = rules.addons.get(service).cloned().unwrap_or_default();
            if item.kind == ItemKind::Scheduler {
                kinds.push(Kind::TaskDefinition);
            }
            kinds
        }
        ItemKind::Domain => vec![
            Kind::ListenerRule,
            Kind::Listener,
            Kind::CloudfrontDistribution,
            Kind::AcmCertificate,
        ],
        ItemKind::ConfigVars => vec![Kind::TaskDefinition, Kind::EcsService],
        ItemKind::LogDrain => vec![Kind::LogGroup, Kind::TaskDefinition],
        ItemKind::TelemetryDrain => vec![Kind::TaskDefinition, Kind::LogGroup],
        ItemKind::PipelineStage => vec![Kind::EcsService, Kind::TaskDefinition],
        // The deploy item searches pipelines for paths to the process counterparts.
        ItemKind::Deploy | ItemKind::PeriodicTask => vec![
            Kind::SemaphoreProject,
            Kind::SemaphorePipeline,
            Kind::SemaphorePromotion,
            Kind::SemaphoreTask,
            Kind::EcsService,
            Kind::TaskDefinition,
            Kind::S3Bucket,
            Kind::CloudfrontDistribution,
        ],
    }
}

/// Why `item`'s computed status cannot be stated, if it cannot.
fn why_unknown(
    ix: &Index,
    rules: &Rules,
    app_unknown: Option<&str>,
    item: &Item,
) -> Option<String> {
    if let Some(why) = app_unknown {
        return Some(why.to_string());
    }
    // A match against data carried over from an older fetch is not a current match.
    if let Some(why) = item
        .counterparts
        .iter()
        .filter_map(|c| ix.get(&c.id))
        .find_map(|r| ix.coverage.stale(r))
    {
        return Some(why);
    }
    // Missing and partial say something was not found; ready and cut over rest on what was.
    if matches!(item.computed, Status::Missing | Status::Partial) {
        return ix.coverage.kinds_unknown(&needs(ix, rules, item));
    }
    None
}

/// Marks the parts of one app whose status rests on data that was not read.
pub(super) fn mark_parts(ix: &Index, rules: &Rules, app: &Resource, items: &mut [Item]) {
    // Once per app, not per item: it is the same answer for all of them.
    let app_unknown = ix.coverage.app_unknown(app);
    for item in items.iter_mut() {
        if let Some(why) = why_unknown(ix, rules, app_unknown.as_deref(), item) {
            unknown(item, why);
        }
    }
}

/// The app-level item: unknown when the app's own details were not read, or when its
/// parts' unknowns leave both "ready" and "missing" open.
pub(super) fn mark_app(ix: &Index, app: &Resource, app_item: &mut Item, parts: &[Item]) {
    if let Some(why) = ix.coverage.app_unknown(app) {
        unknown(app_item, why);
        return;
    }
    let unknowns = parts.iter().filter(|i| i.status == Status::Unknown).count();
    if unknowns == 0 {
        return;
    }
    let some_ready = parts.iter().any(|i| i.status.is_ready_or_better());
    let some_not = parts
        .iter()
        .any(|i| matches!(i.status, Status::Missing | Status::Partial));
    let why = format!(
        "{unknowns} of {} items unknown: their data was not read",
        parts.len()
    );
    if some_ready && some_not {
        // Partial whatever the unknowns turn out to be.
        app_item.computed = Status::Partial;
        app_item.status = Status::Partial;
        app_item.reasons.push(why);
    } else {
        unknown(app_item, why);
    }
}

fn unknown(item: &mut Item, why: String) {
    item.computed = Status::Unknown;
    item.status = Status::Unknown;
    // "No X found" is exactly what cannot be said; what was found stays.
    item.reasons.retain(|r| !r.starts_with("no "));
    item.reasons.insert(0, format!("unknown: {why}"));
}
