//! Drain items: where an app's logs and telemetry go on Heroku, and whether the ECS task
//! definitions its processes run send them somewhere on AWS.
//!
//! Cedar apps have log drains: any CloudWatch log group the task definitions log to (or
//! one tagged with the app) takes their place. Fir apps have telemetry drains instead,
//! OpenTelemetry exporters for some of `traces`, `metrics`, `logs`, set on the app or on
//! its space (a space's drain receives every app in it). Logs are carried by an `awslogs`
//! or FireLens (`awsfirelens`) log configuration; traces and metrics need an OTel path, a
//! collector sidecar in the task definition (AWS Distro for OpenTelemetry or the upstream
//! collector image). Every task definition the app's processes run must have the path:
//! a signal one service does not send is a signal partly lost.

use serde_json::Value;
use std::collections::HashSet;

use super::index::Index;
use super::items::{AppFacts, counterpart, new_item, pinned, settle, strings};
use super::{Item, ItemKind, MatchMethod};
use crate::model::{Kind, LinkKind, Provider, Resource, ResourceId};

/// Image name parts of OpenTelemetry collectors (ADOT, upstream core and contrib,
/// `otelcol` binaries packaged by hand).
const OTEL_IMAGES: [&str; 3] = ["aws-otel-collector", "opentelemetry-collector", "otelcol"];

/// Log drivers that carry a container's stdout somewhere a log drain's consumer can read.
const LOG_DRIVERS: [&str; 2] = ["awslogs", "awsfirelens"];

pub(super) fn log_drain_item(
    ix: &Index,
    facts: &AppFacts,
    drain: &Resource,
    task_defs: &[&Resource],
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let url = drain.attr_str("url").unwrap_or(&drain.name);
    let mut item = new_item(facts, drain, ItemKind::LogDrain, url.to_string());
    if !pinned(&mut item, pin) {
        let mut seen = HashSet::new();
        for td in task_defs {
            for g in ix.linked(&td.id, LinkKind::LogsTo) {
                if seen.insert(&g.id) {
                    item.counterparts.push(counterpart(g, MatchMethod::Derived));
                }
            }
        }
        if item.counterparts.is_empty() {
            for g in ix
                .by_app_tag
                .get(facts.app.name.as_str())
                .into_iter()
                .flatten()
            {
                if g.kind == Kind::LogGroup && seen.insert(&g.id) {
                    item.counterparts.push(counterpart(g, MatchMethod::Tag));
                }
            }
        }
    }
    if item.counterparts.is_empty() {
        item.reasons
            .push("no CloudWatch log group receives the app's logs".into());
    }
    settle(&mut item, facts, false);
    item
}

/// The telemetry drains that receive `app`'s telemetry: its own and its space's.
pub(super) fn telemetry_drains<'a>(ix: &Index<'a>, app: &Resource) -> Vec<&'a Resource> {
    let mut out = ix.parts(app, Kind::TelemetryDrain);
    if let Some(space) = app
        .attrs
        .get("space")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        && let Some(space) = ix.get(&ResourceId::new(Provider::Heroku, "space", &[space]))
    {
        out.extend(ix.parts(space, Kind::TelemetryDrain));
    }
    out
}

/// What one task definition sends: through a log driver, through an OTel collector.
struct Sends<'a> {
    td: &'a Resource,
    logs: bool,
    otel: bool,
}

fn containers(td: &Resource) -> impl Iterator<Item = &Value> {
    td.attrs
        .get("containerDefinitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn sends(td: &Resource) -> Sends<'_> {
    let logs = containers(td).any(|c| {
        c.get("logConfiguration")
            .and_then(|l| l.get("logDriver"))
            .and_then(Value::as_str)
            .is_some_and(|d| LOG_DRIVERS.contains(&d))
    });
    let otel = containers(td).any(|c| {
        c.get("image")
            .and_then(Value::as_str)
            .is_some_and(|i| OTEL_IMAGES.iter().any(|o| i.contains(o)))
    });
    Sends { td, logs, otel }
}

pub(super) fn telemetry_drain_item(
    ix: &Index,
    facts: &AppFacts,
    drain: &Resource,
    task_defs: &[&Resource],
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let endpoint = drain
        .attrs
        .get("exporter")
        .and_then(|e| e.get("endpoint"))
        .and_then(Value::as_str)
        .unwrap_or(&drain.name);
    let signals: Vec<&str> = strings(drain.attrs.get("signals")).collect();
    let on_space = drain
        .parent
        .as_ref()
        .is_some_and(|p| p.as_str().starts_with("heroku:space/"));
    let name = format!(
        "{endpoint} ({}{})",
        signals.join(", "),
        if on_space { ", space drain" } else { "" }
    );
    let mut item = new_item(facts, drain, ItemKind::TelemetryDrain, name);
    if pinned(&mut item, pin) {
        settle(&mut item, facts, false);
        return item;
    }
    if task_defs.is_empty() {
        item.reasons.push(
            "no ECS task definitions to send the app's telemetry (its processes have no counterpart yet)"
                .into(),
        );
        settle(&mut item, facts, false);
        return item;
    }
    let all: Vec<Sends> = task_defs.iter().map(|td| sends(td)).collect();
    let mut seen = HashSet::new();
    let mut blocking = false;
    for signal in &signals {
        let via_logs = *signal == "logs";
        let lacking: Vec<&str> = all
            .iter()
            .filter(|s| !(s.otel || (via_logs && s.logs)))
            .map(|s| s.td.name.as_str())
            .collect();
        for s in all.iter().filter(|s| s.otel || (via_logs && s.logs)) {
            // awslogs names its log group; FireLens and a collector are the task itself.
            let groups = ix.linked(&s.td.id, LinkKind::LogsTo);
            if via_logs && !s.otel && !groups.is_empty() {
                for g in groups {
                    if seen.insert(&g.id) {
                        item.counterparts.push(counterpart(g, MatchMethod::Derived));
                    }
                }
            } else if seen.insert(&s.td.id) {
                item.counterparts
                    .push(counterpart(s.td, MatchMethod::Derived));
            }
        }
        if lacking.is_empty() {
            continue;
        }
        blocking = true;
        let how = if via_logs {
            "no awslogs or FireLens log configuration and no OpenTelemetry collector sidecar"
        } else {
            "no OpenTelemetry collector sidecar (aws-otel-collector, otel/opentelemetry-collector); awslogs and FireLens carry logs only"
        };
        item.reasons.push(format!(
            "{signal} not exported: {how} in {}",
            lacking.join(", ")
        ));
    }
    if item.counterparts.is_empty() {
        // Nothing sends any of the drain's signals: missing, with the reasons above.
        item.reasons.insert(
            0,
            format!("no task definition sends {}", signals.join(", ")),
        );
    }
    settle(&mut item, facts, blocking);
    item
}
