//! Migration items per app: counterpart finding (ledger pin, tags, name rules, similarity)
//! and the checks that give each item its status.

use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

use super::addons::addon_item;
use super::domains::domain_item;
use super::index::{Index, aws_name, nested_name};
use super::processes::{process_item, task_definitions};
use super::{AppGap, Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::cicd::Cicd;
use crate::ledger::{Decision, Entry, Ledger};
use crate::links::Target;
use crate::model::{Kind, Resource, ResourceId};
use crate::rules::Rules;

/// Facts about one app that several checks need.
pub(super) struct AppFacts<'a> {
    pub(super) app: &'a Resource,
    /// Dynos Heroku runs for the app, all process types together.
    pub(super) dynos: i64,
    /// Custom domains whose DNS still points at Heroku.
    pub(super) domains_at_heroku: Vec<String>,
    /// DNS points at AWS for every custom domain and Heroku runs no dynos.
    pub(super) traffic_moved: bool,
}

pub fn app_gaps(ix: &Index, rules: &Rules, ledger: &Ledger, cicd: &Cicd) -> Vec<AppGap> {
    let read = super::deploy::read_state(ix);
    ix.apps
        .iter()
        .map(|app| app_gap(ix, rules, ledger, app, (cicd, &read)))
        .collect()
}

pub(super) fn quantity(r: &Resource) -> i64 {
    r.attrs.get("quantity").and_then(Value::as_i64).unwrap_or(0)
}

pub(super) fn counterpart(r: &Resource, via: MatchMethod) -> Counterpart {
    Counterpart {
        id: r.id.clone(),
        kind: r.kind,
        name: aws_name(r).to_string(),
        via,
    }
}

fn custom_domains<'a>(ix: &Index<'a>, app: &Resource) -> Vec<&'a Resource> {
    ix.parts(app, Kind::Domain)
        .into_iter()
        .filter(|d| d.attr_str("kind") == Some("custom"))
        .collect()
}

pub(super) fn hostname(d: &Resource) -> &str {
    d.attr_str("hostname").unwrap_or(&d.name)
}

fn dns_points_at_heroku(ix: &Index, host: &str) -> bool {
    ix.dns_targets(host).iter().any(|(_, _, t)| {
        matches!(
            t,
            Target::HerokuDomain(_) | Target::HerokuApp(_) | Target::HerokuUnknown
        )
    })
}

fn dns_points_at_aws(ix: &Index, host: &str) -> bool {
    let targets = ix.dns_targets(host);
    !targets.is_empty()
        && targets
            .iter()
            .all(|(_, _, t)| matches!(t, Target::Aws(_) | Target::AwsUnknown))
}

fn app_gap(
    ix: &Index,
    rules: &Rules,
    ledger: &Ledger,
    app: &Resource,
    (cicd, read): (&Cicd, &super::deploy::Read),
) -> AppGap {
    let formations = ix.parts(app, Kind::Formation);
    let dynos: i64 = formations.iter().map(|f| quantity(f)).sum();
    let domains = custom_domains(ix, app);
    let domains_at_heroku: Vec<String> = domains
        .iter()
        .map(|d| hostname(d))
        .filter(|h| dns_points_at_heroku(ix, h))
        .map(str::to_string)
        .collect();
    let traffic_moved = dynos == 0 && domains.iter().all(|d| dns_points_at_aws(ix, hostname(d)));
    let facts = AppFacts {
        app,
        dynos,
        domains_at_heroku,
        traffic_moved,
    };
    let pin = |id: &ResourceId| {
        ledger
            .items
            .get(id)
            .and_then(|e| e.counterpart.as_ref())
            .map(|c| (c.clone(), ix.get(c)))
    };

    let mut items = Vec::new();
    for f in &formations {
        items.push(process_item(ix, rules, &facts, f, pin(&f.id)));
    }
    // Task definitions the app's processes run: config vars and logs are checked against them.
    let task_defs = task_definitions(ix, &items);
    for addon in ix.parts(app, Kind::Addon) {
        items.push(addon_item(
            ix,
            rules,
            &facts,
            addon,
            &task_defs,
            pin(&addon.id),
        ));
    }
    for d in &domains {
        items.push(domain_item(ix, &facts, d, pin(&d.id)));
    }
    for cv in ix.parts(app, Kind::ConfigVars) {
        items.push(config_vars_item(&facts, cv, &task_defs, &items));
    }
    for drain in ix.parts(app, Kind::LogDrain) {
        let pin = pin(&drain.id);
        items.push(super::drains::log_drain_item(
            ix, &facts, drain, &task_defs, pin,
        ));
    }
    for drain in super::drains::telemetry_drains(ix, app) {
        let pin = pin(&drain.id);
        items.push(super::drains::telemetry_drain_item(
            ix, &facts, drain, &task_defs, pin,
        ));
    }
    if let Some(coupling) = ix.couplings.get(app.name.as_str()) {
        items.push(stage_item(ix, rules, &facts, coupling, &items));
    }
    let deploys = super::deploy::items(ix, cicd, read, &facts, &items);
    items.extend(deploys);

    // Before the ledger: a decision still overrides an unknown, as any computed status.
    super::unknown::mark_parts(ix, rules, app, &mut items);
    super::iac::mark_parts(ix, rules, &mut items);
    // After the unknown and IaC passes: these follow other items' final computed statuses.
    super::addons::follow_replaced(ix, rules, &facts, &task_defs, &mut items);
    super::aws_only::note_only_on_aws(&mut items);

    // Items' own decisions count towards the app's computed status; a decision on the app
    // itself is applied after, and inherited by items that have none of their own.
    for item in &mut items {
        apply_decision(ix, item, ledger.items.get(&item.id), false, &facts);
    }
    let mut app_item = app_item(&facts, &items);
    super::unknown::mark_app(ix, app, &mut app_item, &items);
    let app_entry = ledger.items.get(&app.id);
    apply_decision(ix, &mut app_item, app_entry, false, &facts);
    for item in items.iter_mut().filter(|i| i.decision.is_none()) {
        apply_decision(ix, item, app_entry, true, &facts);
    }
    let status = app_item.status;
    items.insert(0, app_item);
    AppGap {
        app: app.name.clone(),
        id: app.id.clone(),
        team: app.scope.team.clone(),
        generation: nested_name(app, "generation").map(str::to_string),
        status,
        items,
        percent_migrated: None,
    }
}

pub(super) fn new_item(facts: &AppFacts, r: &Resource, kind: ItemKind, name: String) -> Item {
    Item {
        id: r.id.clone(),
        app: facts.app.name.clone(),
        kind,
        name,
        counterparts: Vec::new(),
        computed: Status::Missing,
        status: Status::Missing,
        reasons: Vec::new(),
        contradictions: Vec::new(),
        decision: None,
        decision_inherited: false,
        only_on_aws: Vec::new(),
    }
}

/// Sets the computed status from counterparts and reasons: missing without a counterpart,
/// partial with reasons, ready (or cut over once traffic moved) otherwise.
pub(super) fn settle(item: &mut Item, facts: &AppFacts, blocking: bool) {
    item.computed = if item.counterparts.is_empty() {
        Status::Missing
    } else if blocking {
        Status::Partial
    } else if facts.traffic_moved {
        Status::CutOver
    } else {
        Status::Ready
    };
    item.status = item.computed;
}

/// Applies a ledger pin: the pinned resource is the counterpart, whatever matching finds.
pub(super) fn pinned(item: &mut Item, pin: Option<(ResourceId, Option<&Resource>)>) -> bool {
    match pin {
        Some((_, Some(r))) => {
            item.counterparts.push(counterpart(r, MatchMethod::Ledger));
            true
        }
        Some((id, None)) => {
            item.reasons.push(format!(
                "the ledger pins counterpart {id}, which is not in the inventory"
            ));
            false
        }
        None => false,
    }
}

pub(super) fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn config_vars_item(
    facts: &AppFacts,
    cv: &Resource,
    task_defs: &[&Resource],
    processes: &[Item],
) -> Item {
    let static_fronts: Vec<&Counterpart> = processes
        .iter()
        .filter(|i| i.kind == ItemKind::Process)
        .flat_map(|i| &i.counterparts)
        .filter(|c| matches!(c.kind, Kind::CloudfrontDistribution | Kind::S3Bucket))
        .collect();
    let static_only = !static_fronts.is_empty();
    let names: BTreeSet<&str> = strings(cv.attrs.get("names")).collect();
    let mut item = new_item(
        facts,
        cv,
        ItemKind::ConfigVars,
        format!("{} config vars", names.len()),
    );
    item.counterparts = task_defs
        .iter()
        .map(|td| counterpart(td, MatchMethod::Derived))
        .collect();
    let mut present: HashSet<&str> = HashSet::new();
    for td in task_defs {
        for c in td
            .attrs
            .get("containerDefinitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for key in ["environment", "secrets"] {
                for e in c.get(key).and_then(Value::as_array).into_iter().flatten() {
                    if let Some(n) = e.get("name").and_then(Value::as_str) {
                        present.insert(n);
                    }
                }
            }
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !present.contains(n))
        .collect();
    // Names only the task definitions set (PORT, SIDEKIQ_CONCURRENCY): listed for the
    // review, never a reason for a status (aws_only::note_only_on_aws words the note).
    item.only_on_aws = present
        .iter()
        .filter(|n| !names.contains(*n))
        .map(|n| n.to_string())
        .collect();
    item.only_on_aws.sort();
    if task_defs.is_empty() && static_only {
        // A static front end has no runtime to carry variables; they are baked in at build.
        item.counterparts = static_fronts.iter().map(|c| (*c).clone()).collect();
        item.reasons.push(
            "served as a static front end on AWS: check build-time variables in the build pipeline"
                .into(),
        );
        // Only as sure as the static front-end match itself (pinned in the ledger or not).
        let assumed = static_fronts.iter().any(|c| c.via != MatchMethod::Ledger);
        if assumed {
            item.reasons
                .push("rests on an unconfirmed static front-end match of the web process".into());
        }
        settle(&mut item, facts, assumed);
        return item;
    }
    // Names checked against a look-alike service's task definitions prove little.
    let look_alike = processes
        .iter()
        .filter(|i| i.kind == ItemKind::Process)
        .flat_map(|i| &i.counterparts)
        .any(|c| matches!(c.via, MatchMethod::Similarity(_)));
    if look_alike {
        item.reasons.push(
            "rests on a process matched by name similarity only: confirm or pin that match first"
                .into(),
        );
    }
    if task_defs.is_empty() {
        item.reasons
            .push("no task definitions to carry the config vars".into());
    } else if !missing.is_empty() {
        item.reasons.push(format!(
            "missing in the task definitions' environment and secrets: {}",
            missing.join(", ")
        ));
    }
    settle(&mut item, facts, !missing.is_empty() || look_alike);
    item
}

fn stage_item(
    ix: &Index,
    rules: &Rules,
    facts: &AppFacts,
    coupling: &Resource,
    items: &[Item],
) -> Item {
    let stage = coupling.attr_str("stage").unwrap_or("unknown").to_string();
    let pipeline = nested_name(coupling, "pipeline").unwrap_or("");
    let mut item = new_item(
        facts,
        coupling,
        ItemKind::PipelineStage,
        format!("{pipeline}: {stage}"),
    );
    let envs = rules.stage_envs(&stage);
    let mut other_envs = BTreeSet::new();
    for c in items
        .iter()
        .filter(|i| i.kind == ItemKind::Process)
        .flat_map(|i| &i.counterparts)
    {
        let Some(r) = ix.get(&c.id) else { continue };
        match r.tags.get(&rules.tags.env) {
            Some(env) if envs.contains(env) => {
                item.counterparts.push(counterpart(r, MatchMethod::Tag))
            }
            Some(env) => {
                other_envs.insert(env.clone());
            }
            None => {}
        }
    }
    let mut blocking = false;
    if item.counterparts.is_empty() {
        if other_envs.is_empty() {
            item.reasons.push(format!(
                "no AWS counterparts tagged {}={} for the {stage} stage",
                rules.tags.env, envs[0]
            ));
        } else {
            item.counterparts.clear();
            item.reasons.push(format!(
                "counterparts are tagged {}={}, not the {stage} stage",
                rules.tags.env,
                other_envs.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    } else {
        item.reasons
            .push("deploy pipeline (promotion between stages) must be rebuilt by hand".into());
        blocking = false;
    }
    settle(&mut item, facts, blocking);
    item
}

fn app_item(facts: &AppFacts, parts: &[Item]) -> Item {
    let app = facts.app;
    let mut item = new_item(facts, app, ItemKind::App, app.name.clone());
    let mut seen = HashSet::new();
    for c in parts
        .iter()
        .filter(|i| i.kind == ItemKind::Process)
        .flat_map(|i| &i.counterparts)
    {
        if seen.insert(&c.id) {
            item.counterparts.push(c.clone());
        }
    }
    let ready = parts
        .iter()
        .filter(|i| i.status.is_ready_or_better())
        .count();
    item.computed = if parts.is_empty() {
        item.reasons
            .push("no process types, add-ons or domains to migrate".into());
        Status::Missing
    } else if ready == parts.len() && facts.traffic_moved {
        Status::CutOver
    } else if ready == parts.len() {
        let mut todo = Vec::new();
        if !facts.domains_at_heroku.is_empty() {
            todo.push(format!(
                "point {} at AWS",
                facts.domains_at_heroku.join(", ")
            ));
        }
        if facts.dynos > 0 {
            todo.push(format!("scale Heroku's {} dyno(s) to zero", facts.dynos));
        }
        if !todo.is_empty() {
            item.reasons
                .push(format!("ready for cut-over: {}", todo.join(" and ")));
        }
        Status::Ready
    } else if parts
        .iter()
        .all(|i| matches!(i.status, Status::Missing | Status::NotRequired))
    {
        item.reasons.push("nothing on AWS yet".into());
        Status::Missing
    } else {
        item.reasons
            .push(format!("{ready} of {} items ready", parts.len()));
        Status::Partial
    };
    let contradictions: usize = parts.iter().map(|i| i.contradictions.len()).sum();
    if contradictions > 0 {
        item.reasons.push(format!(
            "{contradictions} contradiction(s) between the ledger and the estate in its items"
        ));
    }
    item.status = item.computed;
    item
}

/// Overlays the ledger's decision and flags where it contradicts the estate.
fn apply_decision(
    ix: &Index,
    item: &mut Item,
    entry: Option<&Entry>,
    inherited: bool,
    facts: &AppFacts,
) {
    let Some(entry) = entry else { return };
    item.status = entry.status.into();
    item.decision = Some(entry.clone());
    item.decision_inherited = inherited;
    if inherited {
        item.reasons
            .push(format!("decision inherited from app {}", facts.app.name));
    }
    if entry.status != Decision::Migrated {
        return;
    }
    let r = ix.get(&item.id);
    match item.kind {
        ItemKind::Domain if dns_points_at_heroku(ix, &item.name) => {
            item.contradictions.push(format!(
                "marked migrated, but DNS for {} still points at Heroku",
                item.name
            ))
        }
        ItemKind::Process => {
            let q = r.map(quantity).unwrap_or(0);
            if q > 0 {
                item.contradictions.push(format!(
                    "marked migrated, but {q} dyno(s) still run on Heroku"
                ));
            }
        }
        ItemKind::App => {
            if !facts.domains_at_heroku.is_empty() {
                item.contradictions.push(format!(
                    "marked migrated, but DNS for {} still points at Heroku",
                    facts.domains_at_heroku.join(", ")
                ));
            }
            if facts.dynos > 0 {
                item.contradictions.push(format!(
                    "marked migrated, but {} dyno(s) still run on Heroku",
                    facts.dynos
                ));
            }
        }
        _ => {}
    }
}
