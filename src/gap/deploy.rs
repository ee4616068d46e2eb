//! The CI/CD gap: per Heroku app, a `deploy` item (which pipelines deploy it to Heroku
//! today, which deploy its counterparts on AWS), and a `periodic_task` item per Semaphore
//! schedule whose pipeline still runs `heroku run -a APP …`.
//!
//! Statuses: `missing` when nothing deploys any of its counterparts on AWS, `partial` when
//! some process type's service (or its static front end's bucket or distribution) has no
//! deploy path, or the release phase is not run as a one-off ECS task; `ready` when every
//! one has; `cut_over` when, besides, nothing deploys to Heroku any more. Semaphore never
//! fetched at all (no snapshot, no attempt): no items, since the team may not use it;
//! fetched but not read (failed, partial token, unavailable parts): `unknown` with why.

use std::collections::{BTreeSet, HashSet};

use super::index::Index;
use super::items::{AppFacts, new_item};
use super::{Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::cicd::{Cicd, Deploy, PipelineDeploys, Target};
use crate::model::{Kind, LinkKind, Provider, Resource, ResourceId};

/// The id of an app's `deploy` item: there is no Heroku resource for "how it is deployed",
/// so the id is Ferry's own, stable across fetches (the ledger keys on it).
pub fn deploy_item_id(app: &str) -> ResourceId {
    ResourceId::new(Provider::Heroku, "deploy", &[app])
}

/// Whether `id` is one of the item ids the analysis makes up (not an inventory resource).
pub fn is_made_up_item_id(id: &str) -> bool {
    id.starts_with("heroku:deploy/") || (id.starts_with("semaphore:") && id.contains("@heroku:"))
}

/// What Ferry can say about the Semaphore data, once per analysis.
pub(super) enum Read {
    /// Never fetched, never tried: no CI/CD items.
    NotConfigured,
    /// Nothing can be said: the why.
    Unknown(String),
    /// Read; `Some(why)` when some of it was not (a negative then cannot be stated).
    Fetched(Option<String>),
}

pub(super) fn read_state(ix: &Index) -> Read {
    let data = ix.coverage.source(Provider::Semaphore);
    if data.taken_at.is_none() && data.last_attempt.is_none() {
        return Read::NotConfigured;
    }
    if let Some(u) = data.unknown() {
        return Read::Unknown(u);
    }
    let partial_token = ix
        .inv
        .resources
        .iter()
        .filter(|r| r.kind == Kind::SemaphoreOrg && r.attr_str("token_scope") == Some("partial"))
        .map(|r| {
            format!(
                "the Semaphore token for {} sees only some projects{}",
                r.name,
                r.attr_str("note")
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            )
        })
        .next();
    let gap = ix.coverage.kinds_unknown(&[
        Kind::SemaphoreProject,
        Kind::SemaphorePipeline,
        Kind::SemaphorePromotion,
        Kind::SemaphoreTask,
    ]);
    Read::Fetched(gap.or(partial_token))
}

/// `project › .semaphore/deploy.yml, block Deploy / job Push: `cmd` (from run of …)`.
fn evidence(p: &PipelineDeploys, d: &Deploy) -> String {
    let mut where_ = format!("{} › {}", p.project, p.yml_file);
    if !p.promoted_by.is_empty() {
        where_.push_str(" (promoted)");
    }
    format!(
        "{where_}, {} / {}: `{}` ({})",
        d.block, d.job, d.step.command, p.evidence
    )
}

fn process_type<'a>(ix: &Index<'a>, item: &Item) -> Option<&'a str> {
    let f = ix.get(&item.id)?;
    Some(f.attr_str("type").unwrap_or(&f.name))
}

/// Deploys that resolved to `id`, with their pipeline.
fn deploying(
    cicd: &Cicd,
    ok: impl Fn(&Deploy, &ResourceId) -> bool,
) -> Vec<(&PipelineDeploys, &Deploy)> {
    let mut out = Vec::new();
    for p in &cicd.pipelines {
        for d in &p.deploys {
            if d.resolved.iter().any(|r| ok(d, r)) {
                out.push((p, d));
            }
        }
    }
    out
}

/// A pipeline that runs on a schedule: its `heroku run` steps are periodic jobs (their own
/// item), not deploys.
fn periodic_run(p: &PipelineDeploys, d: &Deploy) -> bool {
    !p.tasks.is_empty() && d.step.action == "run"
}

/// The `deploy` item and the periodic-task items of one app.
pub(super) fn items(
    ix: &Index,
    cicd: &Cicd,
    read: &Read,
    facts: &AppFacts,
    parts: &[Item],
) -> Vec<Item> {
    let app = facts.app;
    let mut item = new_item(facts, app, ItemKind::Deploy, "CI/CD deploys".into());
    item.id = deploy_item_id(&app.name);
    let (gap_note, unknown_all) = match read {
        Read::NotConfigured => return Vec::new(),
        Read::Unknown(why) => (None, Some(why.clone())),
        Read::Fetched(note) => (note.clone(), None),
    };
    let mut out = Vec::new();
    if let Some(why) = unknown_all {
        item.computed = Status::Unknown;
        item.status = Status::Unknown;
        item.reasons.push(format!("unknown: {why}"));
        out.push(item);
        return out;
    }

    // Heroku deploys of this app (steps naming it).
    let heroku = deploying(cicd, |d, r| d.step.target.is_heroku() && *r == app.id);
    let heroku: Vec<_> = heroku
        .into_iter()
        .filter(|(p, d)| !periodic_run(p, d))
        .collect();

    // What must be deployable on AWS: the counterparts of the app's process types.
    let mut targets: Vec<(&str, &Counterpart)> = Vec::new();
    let mut release: Option<&Item> = None;
    for p in parts.iter().filter(|i| i.kind == ItemKind::Process) {
        let process = process_type(ix, p).unwrap_or("");
        if process == "release" {
            release = Some(p);
            continue;
        }
        if p.computed == Status::NotRequired {
            continue;
        }
        for c in &p.counterparts {
            if matches!(
                c.kind,
                Kind::EcsService | Kind::CloudfrontDistribution | Kind::S3Bucket
            ) {
                targets.push((process, c));
            }
        }
    }

    let mut aws_pipelines: BTreeSet<&ResourceId> = BTreeSet::new();
    let mut covered = 0;
    let mut uncovered = Vec::new();
    for (process, c) in &targets {
        let paths = target_paths(ix, cicd, c);
        if paths.is_empty() {
            uncovered.push(format!(
                "no deploy path for {} `{}` (process `{process}`): no pipeline deploys it",
                kind_word(c.kind),
                c.name
            ));
            continue;
        }
        covered += 1;
        for (p, d) in paths {
            aws_pipelines.insert(&p.id);
            item.reasons.push(format!(
                "AWS: {} `{}` ← {} {}",
                kind_word(c.kind),
                c.name,
                d.step.action,
                evidence(p, d)
            ));
        }
    }

    // The release phase runs at every Heroku deploy; on AWS, as a one-off task the deploy
    // pipeline starts.
    let mut release_ok = true;
    if let Some(r) = release {
        let families: HashSet<&str> = r
            .counterparts
            .iter()
            .filter_map(|c| ix.get(&c.id))
            .filter_map(|td| td.attr_str("family"))
            .collect();
        let run_task = cicd.pipelines.iter().find_map(|p| {
            p.deploys
                .iter()
                .find(|d| {
                    matches!(d.step.target, Target::EcsTask { .. })
                        && (aws_pipelines.contains(&p.id)
                            || d.resolved.iter().any(|id| {
                                ix.get(id)
                                    .and_then(|td| td.attr_str("family"))
                                    .is_some_and(|f| families.contains(f))
                            }))
                })
                .map(|d| (p, d))
        });
        match run_task {
            Some((p, d)) => item
                .reasons
                .push(format!("release phase: covered by {}", evidence(p, d))),
            None => {
                release_ok = false;
                uncovered.push(
                    "release phase not covered: no AWS deploy runs a one-off task (`aws ecs run-task`) for it"
                        .into(),
                );
            }
        }
    }

    for (p, d) in &heroku {
        item.reasons
            .push(format!("Heroku: {} {}", d.step.action, evidence(p, d)));
    }
    // Heroku steps that name no app, in projects that deploy this one: they may be its.
    let projects: HashSet<&str> = heroku
        .iter()
        .map(|(p, _)| p.project.as_str())
        .chain(
            cicd.pipelines
                .iter()
                .filter(|p| aws_pipelines.contains(&p.id))
                .map(|p| p.project.as_str()),
        )
        .collect();
    let unnamed: Vec<String> = cicd
        .pipelines
        .iter()
        .filter(|p| projects.contains(p.project.as_str()))
        .flat_map(|p| p.deploys.iter().map(move |d| (p, d)))
        .filter(|(p, d)| {
            matches!(&d.step.target, Target::HerokuApp { app } if app.as_ref().and_then(|a| a.get()).is_none())
                && !periodic_run(p, d)
        })
        .map(|(p, d)| {
            format!(
                "a Heroku step names no app ({}): {}",
                match &d.step.target {
                    Target::HerokuApp { app: Some(a) } => a.to_string(),
                    _ => "credentials only".into(),
                },
                evidence(p, d)
            )
        })
        .collect();

    item.counterparts = aws_pipelines
        .iter()
        .filter_map(|id| ix.get(id))
        .map(pipeline_counterpart)
        .collect();
    item.computed = if targets.is_empty() {
        let nothing_runs = parts
            .iter()
            .filter(|i| i.kind == ItemKind::Process)
            .all(|i| i.computed == Status::NotRequired);
        if nothing_runs && heroku.is_empty() {
            item.reasons
                .push("no process type runs, and nothing deploys it: nothing to rebuild".into());
            Status::NotRequired
        } else {
            item.reasons
                .push("no AWS counterpart of its process types to deploy yet".into());
            Status::Missing
        }
    } else if covered == 0 {
        item.reasons.extend(uncovered);
        item.reasons.insert(0, "nothing deploys it to AWS".into());
        Status::Missing
    } else if covered < targets.len() || !release_ok {
        item.reasons.extend(uncovered);
        Status::Partial
    } else if heroku.is_empty() && unnamed.is_empty() {
        item.reasons
            .push("nothing deploys it to Heroku any more".into());
        Status::CutOver
    } else {
        item.reasons.extend(unnamed);
        if !heroku.is_empty() {
            item.reasons.insert(
                0,
                format!(
                    "every counterpart has an AWS deploy path; {} step(s) still deploy to Heroku",
                    heroku.len()
                ),
            );
        }
        Status::Ready
    };
    if heroku.is_empty() && item.computed != Status::CutOver && aws_pipelines.is_empty() {
        item.reasons
            .push("no pipeline deploys it to Heroku either".into());
    }
    // Missing and partial say a path was not found, cut over that no Heroku path was: both
    // are negatives on pipelines, which cannot be stated when some were not read.
    if let Some(why) = &gap_note
        && matches!(
            item.computed,
            Status::Missing | Status::Partial | Status::CutOver
        )
    {
        item.computed = Status::Unknown;
        item.reasons.retain(|r| {
            !r.starts_with("nothing deploys")
                && !r.starts_with("no deploy path")
                && !r.starts_with("no pipeline")
        });
        item.reasons.insert(0, format!("unknown: {why}"));
    }
    item.status = item.computed;
    out.push(item);
    out.extend(periodic_items(ix, cicd, facts));
    out
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::EcsService => "ECS service",
        Kind::CloudfrontDistribution => "CloudFront distribution",
        Kind::S3Bucket => "S3 bucket",
        Kind::TaskDefinition => "task definition",
        _ => "resource",
    }
}

fn pipeline_counterpart(r: &Resource) -> Counterpart {
    let project = r.attr_str("project").unwrap_or("");
    let file = r.attr_str("yml_file").unwrap_or(&r.name);
    Counterpart {
        id: r.id.clone(),
        kind: r.kind,
        name: format!("{project} › {file}"),
        via: MatchMethod::Derived,
    }
}

/// The deploys that put new code on counterpart `c`: an ECS service rolled by
/// update-service (or ecs-deploy); a static front end's bucket written by a sync / cp (the
/// distribution's origin bucket), or, when the inventory has no origin bucket for it, the
/// distribution invalidated.
fn target_paths<'c>(
    ix: &Index,
    cicd: &'c Cicd,
    c: &Counterpart,
) -> Vec<(&'c PipelineDeploys, &'c Deploy)> {
    match c.kind {
        Kind::EcsService => deploying(cicd, |d, r| {
            matches!(d.step.target, Target::EcsService { .. }) && *r == c.id
        }),
        Kind::S3Bucket => deploying(cicd, |d, r| {
            matches!(d.step.target, Target::S3Bucket { .. }) && *r == c.id
        }),
        Kind::CloudfrontDistribution => {
            let buckets: Vec<ResourceId> = ix
                .linked(&c.id, LinkKind::Origin)
                .into_iter()
                .filter(|r| r.kind == Kind::S3Bucket)
                .map(|r| r.id.clone())
                .collect();
            if buckets.is_empty() {
                deploying(cicd, |d, r| {
                    matches!(d.step.target, Target::CloudfrontDistribution { .. }) && *r == c.id
                })
            } else {
                deploying(cicd, |d, r| {
                    matches!(d.step.target, Target::S3Bucket { .. }) && buckets.contains(r)
                })
            }
        }
        _ => Vec::new(),
    }
}

/// One item per Semaphore schedule whose pipeline runs `heroku run -a APP` for this app.
fn periodic_items(ix: &Index, cicd: &Cicd, facts: &AppFacts) -> Vec<Item> {
    let app = facts.app;
    let mut out: Vec<Item> = Vec::new();
    for p in cicd.pipelines.iter().filter(|p| !p.tasks.is_empty()) {
        let runs: Vec<&Deploy> = p
            .deploys
            .iter()
            .filter(|d| d.step.action == "run" && d.resolved.contains(&app.id))
            .collect();
        let Some(first) = runs.first() else { continue };
        let aws_runs: Vec<&Deploy> = p
            .deploys
            .iter()
            .filter(|d| matches!(d.step.target, Target::EcsTask { .. }))
            .collect();
        for task_id in &p.tasks {
            let Some(task) = ix.get(task_id) else {
                continue;
            };
            let name = task.attr_str("name").unwrap_or(&task.name);
            let at = task.attr_str("at").unwrap_or("?");
            let mut item = new_item(
                facts,
                task,
                ItemKind::PeriodicTask,
                format!("{} › {name} ({at})", p.project),
            );
            // The task's own id, unless another app's item already took it.
            let others = targets_other_apps(p, app);
            if others {
                item.id = ResourceId::from_raw(format!("{}@{}", task.id, app.id));
            }
            for d in &runs {
                item.reasons
                    .push(format!("runs on Heroku every `{at}`: {}", evidence(p, d)));
            }
            for d in &aws_runs {
                for td in d.resolved.iter().filter_map(|id| ix.get(id)) {
                    item.counterparts
                        .push(super::items::counterpart(td, MatchMethod::Derived));
                }
            }
            let paused = task
                .attrs
                .get("paused")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            item.computed = if paused {
                item.reasons.push(
                    "the schedule is paused: retire it, or move it before it is resumed".into(),
                );
                Status::NotRequired
            } else if !aws_runs.is_empty() {
                item.reasons.push(format!(
                    "also runs a one-off ECS task: drop the Heroku step (`{}`)",
                    first.step.command
                ));
                Status::Partial
            } else {
                item.reasons.push(
                    "move it to a one-off ECS task (`aws ecs run-task`) in the same pipeline, or an EventBridge schedule"
                        .into(),
                );
                Status::Missing
            };
            item.status = item.computed;
            out.push(item);
        }
    }
    out
}

/// Whether the pipeline's `heroku run` steps also name apps other than `app` (then each
/// app's item needs an id of its own).
fn targets_other_apps(p: &PipelineDeploys, app: &Resource) -> bool {
    p.deploys
        .iter()
        .filter(|d| d.step.action == "run")
        .flat_map(|d| &d.resolved)
        .any(|id| *id != app.id)
}
