//! Migration items per app: counterpart finding (ledger pin, tags, name rules, similarity)
//! and the checks that give each item its status.

use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

use super::index::{Index, aws_name, nested_name};
use super::{AppGap, Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::ledger::{Decision, Entry, Ledger};
use crate::links::Target;
use crate::model::{Kind, LinkKind, Resource, ResourceId};
use crate::rules::Rules;

/// Facts about one app that several checks need.
struct AppFacts<'a> {
    app: &'a Resource,
    /// Dynos Heroku runs for the app, all process types together.
    dynos: i64,
    /// Custom domains whose DNS still points at Heroku.
    domains_at_heroku: Vec<String>,
    /// DNS points at AWS for every custom domain and Heroku runs no dynos.
    traffic_moved: bool,
}

pub fn app_gaps(ix: &Index, rules: &Rules, ledger: &Ledger) -> Vec<AppGap> {
    ix.apps
        .iter()
        .map(|app| app_gap(ix, rules, ledger, app))
        .collect()
}

fn quantity(r: &Resource) -> i64 {
    r.attrs.get("quantity").and_then(Value::as_i64).unwrap_or(0)
}

fn counterpart(r: &Resource, via: MatchMethod) -> Counterpart {
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

fn hostname(d: &Resource) -> &str {
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

fn app_gap(ix: &Index, rules: &Rules, ledger: &Ledger, app: &Resource) -> AppGap {
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
        items.push(drain_item(
            ix,
            rules,
            &facts,
            drain,
            &task_defs,
            pin(&drain.id),
        ));
    }
    if let Some(coupling) = ix.couplings.get(app.name.as_str()) {
        items.push(stage_item(ix, rules, &facts, coupling, &items));
    }

    // Items' own decisions count towards the app's computed status; a decision on the app
    // itself is applied after, and inherited by items that have none of their own.
    for item in &mut items {
        apply_decision(ix, item, ledger.items.get(&item.id), false, &facts);
    }
    let mut app_item = app_item(&facts, &items);
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
        status,
        items,
        percent_migrated: 0.0,
    }
}

fn new_item(facts: &AppFacts, r: &Resource, kind: ItemKind, name: String) -> Item {
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
    }
}

/// Sets the computed status from counterparts and reasons: missing without a counterpart,
/// partial with reasons, ready (or cut over once traffic moved) otherwise.
fn settle(item: &mut Item, facts: &AppFacts, blocking: bool) {
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
fn pinned(item: &mut Item, pin: Option<(ResourceId, Option<&Resource>)>) -> bool {
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

fn process_item(
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
    if let Some(c) = item.counterparts.first().and_then(|c| ix.get(&c.id)) {
        let checks = check_service(ix, rules, c, &process, &size, q);
        blocking |= !checks.is_empty();
        item.reasons.extend(checks);
    } else if item.counterparts.is_empty() {
        item.reasons.push(if process == "release" {
            "no task definition for the release phase (run it as a one-off ECS task in the deploy pipeline)".to_string()
        } else {
            format!("no ECS service found for process type `{process}`")
        });
    }
    settle(&mut item, facts, blocking);
    item
}

/// Checks an ECS service (or a release task definition) against the Heroku process.
fn check_service(
    ix: &Index,
    rules: &Rules,
    svc: &Resource,
    process: &str,
    size: &str,
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
        match rules.dyno_sizes.get(size) {
            Some(min) => {
                let cpu = parse_units(td.attrs.get("cpu"));
                let mem = parse_units(td.attrs.get("memory"));
                match (cpu, mem) {
                    (Some(c), Some(m)) if c < min.cpu || m < min.memory => reasons.push(format!(
                        "task size {c} cpu / {m} MiB is below {size}'s {} cpu / {} MiB",
                        min.cpu, min.memory
                    )),
                    (Some(_), Some(_)) => {}
                    _ => reasons.push(format!(
                        "task definition {} has no task-level cpu/memory",
                        td.name
                    )),
                }
            }
            None if size.is_empty() => {}
            None => reasons.push(format!(
                "no Fargate size rule for dyno size `{size}` (add one under [rules.dyno_sizes])"
            )),
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
fn task_definitions<'a>(ix: &Index<'a>, items: &[Item]) -> Vec<&'a Resource> {
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

fn addon_item(
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

/// `*.example.com` covers `api.example.com` (one label), as TLS and ALB host rules do.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (
        pattern.trim_end_matches('.').to_ascii_lowercase(),
        host.to_ascii_lowercase(),
    );
    match p.strip_prefix("*.") {
        Some(suffix) => h
            .strip_suffix(suffix)
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => p == h,
    }
}

/// Whether one of the endpoints serving `host` (listener rules via their listener,
/// distributions directly) presents an issued certificate that covers it.
pub fn served_with_cert(ix: &Index, counterparts: &[Counterpart], host: &str) -> bool {
    counterparts
        .iter()
        .filter_map(|c| ix.get(&c.id))
        .flat_map(|r| match r.kind {
            Kind::ListenerRule => r
                .parent
                .as_ref()
                .and_then(|l| ix.get(l))
                .into_iter()
                .collect(),
            _ => vec![r],
        })
        .flat_map(|endpoint| ix.linked(&endpoint.id, LinkKind::SecuredBy))
        .any(|cert| cert_covers(cert, host))
}

fn cert_covers(cert: &Resource, host: &str) -> bool {
    let mut names: Vec<&str> = cert
        .attrs
        .get("SubjectAlternativeNames")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    names.extend(cert.attr_str("DomainName"));
    cert.attr_str("Status") == Some("ISSUED") && names.iter().any(|n| host_matches(n, host))
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn domain_item(
    ix: &Index,
    facts: &AppFacts,
    d: &Resource,
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let host = hostname(d).to_string();
    let mut item = new_item(facts, d, ItemKind::Domain, host.clone());
    // What answers for the hostname on AWS.
    if !pinned(&mut item, pin) {
        for endpoint in ix.endpoints_for(&host) {
            item.counterparts
                .push(counterpart(endpoint, MatchMethod::Name));
        }
    }
    let mut blocking = false;
    if item.counterparts.is_empty() {
        item.reasons.push(format!(
            "no ALB listener rule or CloudFront alias answers for {host}"
        ));
    } else if !served_with_cert(ix, &item.counterparts, &host) {
        item.reasons.push(format!(
            "no issued ACM certificate covering {host} where it is served"
        ));
        blocking = true;
    }
    if facts.domains_at_heroku.contains(&host) {
        if item.counterparts.is_empty() {
            item.reasons.push("DNS still points at Heroku".into());
        } else {
            item.reasons
                .push("DNS still points at Heroku: switch the record to AWS to cut over".into());
        }
    } else if ix.dns_targets(&host).is_empty() {
        item.reasons.push(format!(
            "no DNS record for {host} in Cloudflare or Route 53"
        ));
    }
    settle(&mut item, facts, blocking);
    item
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
    if task_defs.is_empty() && static_only {
        // A static front end has no runtime to carry variables; they are baked in at build.
        item.counterparts = static_fronts.iter().map(|c| (*c).clone()).collect();
        item.reasons.push(
            "served as a static front end on AWS: check build-time variables in the build pipeline"
                .into(),
        );
        settle(&mut item, facts, false);
        return item;
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
    settle(&mut item, facts, !missing.is_empty());
    item
}

fn drain_item(
    ix: &Index,
    rules: &Rules,
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
    let _ = rules;
    if item.counterparts.is_empty() {
        item.reasons
            .push("no CloudWatch log group receives the app's logs".into());
    }
    settle(&mut item, facts, false);
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
    } else if parts.iter().all(|i| i.status == Status::Missing) {
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
