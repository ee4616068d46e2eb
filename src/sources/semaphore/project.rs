//! One project: its pipelines in the window (the newest run of each pipeline file, with
//! its jobs' specs), the promotions those runs triggered (and the newest run of each
//! promotion target not already read), tasks, deployment targets and project secrets.
//! A part that fails costs that part only: it is returned as unavailable, never as empty.

use std::collections::{BTreeMap, HashMap};

use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use super::api::{self, PipelineDetail, PipelineSummary};
use super::client::{ApiError, OrgClient};
use super::redact;
use crate::model::Kind;

/// What one project's parts returned (the mapping to resources is in `mapping`).
pub struct ProjectData {
    pub project: api::Project,
    /// Pipeline file → its newest run, described, with its jobs' attributes.
    pub pipelines: BTreeMap<String, Pipeline>,
    pub promotions: Vec<PromotionSeen>,
    pub tasks: Vec<api::Task>,
    pub targets: Vec<api::DeploymentTarget>,
    pub secrets: Option<Vec<api::Secret>>,
    /// Parts that could not be read: kind and error.
    pub unavailable: Vec<(Kind, ApiError)>,
}

pub struct Pipeline {
    pub run: PipelineSummary,
    /// `blocks` as the contract shapes them (commands redacted).
    pub blocks: Value,
    /// Secret names the jobs reference.
    pub secret_names: Vec<String>,
    /// The pipeline file whose promotion started this run.
    pub promoted_from: Option<String>,
}

pub struct PromotionSeen {
    pub name: String,
    pub from_yml_file: String,
    pub target_yml_file: Option<String>,
    pub triggered_at: Option<String>,
    pub triggered_by: String,
}

pub async fn fetch(
    client: &OrgClient,
    project: api::Project,
    created_after: i64,
) -> Result<ProjectData, ApiError> {
    let id = project.metadata.id.clone();
    let name = project.metadata.name.clone();
    let mut data = ProjectData {
        project,
        pipelines: BTreeMap::new(),
        promotions: Vec::new(),
        tasks: Vec::new(),
        targets: Vec::new(),
        secrets: None,
        unavailable: Vec::new(),
    };
    let pipelines_q = [
        ("project_id", id.clone()),
        ("created_after", created_after.to_string()),
        ("page_size", "100".to_string()),
    ];
    let tasks_q = [("project_id", id.clone()), ("page_size", "100".to_string())];
    let targets_q = [("project_id", id.clone())];
    let secrets_path = format!("/api/v1/projects/{name}/secrets");
    let (runs, tasks, targets, secrets) = tokio::join!(
        client.list_linked::<PipelineSummary>(
            "semaphore_pipeline",
            "/api/v1alpha/pipelines",
            &pipelines_q,
            "GET /api/v1alpha/pipelines",
        ),
        client.list_linked::<api::Task>(
            "semaphore_task",
            "/api/v1alpha/tasks",
            &tasks_q,
            "GET /api/v1alpha/tasks",
        ),
        client.get::<Vec<api::DeploymentTarget>>(
            "semaphore_deployment_target",
            "/api/v1alpha/deployment_targets",
            &targets_q,
            "GET /api/v1alpha/deployment_targets",
        ),
        client.list_tokens(
            "semaphore_secret",
            &secrets_path,
            "GET /api/v1/projects/:project/secrets",
            |p: api::SecretPage| (p.secrets, p.next_page_token),
        ),
    );
    // A refused token fails the organisation, not one part of it.
    for r in [
        runs.as_ref().err(),
        tasks.as_ref().err(),
        targets.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .chain(secrets.as_ref().err())
    {
        if let ApiError::Unauthorized(_) = r {
            return Err(r.clone());
        }
    }
    match tasks {
        Ok(t) => data.tasks = t,
        // Tasks are also embedded in the project; use those when the list is not allowed.
        Err(e) => match data.project.spec.tasks.take() {
            Some(t) if matches!(e, ApiError::Unavailable(_)) => data.tasks = t,
            _ => data.unavailable.push((Kind::SemaphoreTask, e)),
        },
    }
    match targets {
        Ok(t) => data.targets = t,
        Err(e) => data.unavailable.push((Kind::SemaphoreDeploymentTarget, e)),
    }
    match secrets {
        Ok(s) => data.secrets = Some(s),
        Err(e) => data.unavailable.push((Kind::SemaphoreSecret, e)),
    }
    let runs = match runs {
        Ok(r) => r,
        Err(e) => {
            data.unavailable.push((Kind::SemaphorePipeline, e));
            return Ok(data);
        }
    };
    pipelines(client, &mut data, runs).await?;
    Ok(data)
}

/// The newest run of each pipeline file, described with its jobs; then the promotions
/// those runs triggered, and the newest run of each promotion target not yet read.
async fn pipelines(
    client: &OrgClient,
    data: &mut ProjectData,
    runs: Vec<PipelineSummary>,
) -> Result<(), ApiError> {
    let by_id: HashMap<String, PipelineSummary> =
        runs.iter().map(|r| (r.ppl_id.clone(), r.clone())).collect();
    let mut newest: BTreeMap<String, PipelineSummary> = BTreeMap::new();
    for run in runs {
        let file = run.yml_file();
        let t = run.created_at.to_utc();
        match newest.get(&file) {
            Some(have) if have.created_at.to_utc() >= t => {}
            _ => {
                newest.insert(file, run);
            }
        }
    }
    let described: Vec<_> = stream::iter(newest.into_values())
        .map(|run| async move {
            let detail = describe(client, &run.ppl_id).await;
            let promotions = client
                .get::<Vec<api::Promotion>>(
                    "semaphore_promotion",
                    "/api/v1alpha/promotions",
                    &[("pipeline_id", run.ppl_id.clone())],
                    "GET /api/v1alpha/promotions",
                )
                .await;
            (run, detail, promotions)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for (run, detail, promotions) in described {
        let file = run.yml_file();
        match detail {
            Ok(p) => {
                // The describe knows what promoted the run; the list's fields are the
                // ones every run has in one format.
                let parent = [&p.run.promotion_of, &run.promotion_of]
                    .into_iter()
                    .find(|id| !id.is_empty());
                let promoted_from = parent.and_then(|id| by_id.get(id)).map(|r| r.yml_file());
                data.pipelines.insert(
                    file.clone(),
                    Pipeline {
                        promoted_from,
                        run: run.clone(),
                        ..p
                    },
                );
            }
            Err(e @ ApiError::Unauthorized(_)) => return Err(e),
            Err(e) => data.unavailable.push((Kind::SemaphorePipeline, e)),
        }
        match promotions {
            Ok(list) => {
                for p in list {
                    let target = by_id.get(&p.scheduled_pipeline_id).map(|r| r.yml_file());
                    data.promotions.push(PromotionSeen {
                        name: p.name,
                        from_yml_file: file.clone(),
                        target_yml_file: target,
                        triggered_at: p.triggered_at.to_utc().map(|t| t.to_rfc3339()),
                        triggered_by: p.triggered_by,
                    });
                }
            }
            Err(e @ ApiError::Unauthorized(_)) => return Err(e),
            Err(e) => data.unavailable.push((Kind::SemaphorePromotion, e)),
        }
    }
    Ok(())
}

/// One pipeline described with its jobs' specs, as the contract's `blocks`.
async fn describe(client: &OrgClient, ppl_id: &str) -> Result<Pipeline, ApiError> {
    let detail: PipelineDetail = client
        .get(
            "semaphore_pipeline",
            &format!("/api/v1alpha/pipelines/{ppl_id}"),
            &[("detailed", "true".to_string())],
            "GET /api/v1alpha/pipelines/:id",
        )
        .await?;
    let mut blocks = Vec::new();
    let mut secret_names = Vec::new();
    for block in detail.blocks {
        let jobs: Vec<_> = stream::iter(block.jobs)
            .map(|j| async move {
                let spec = client
                    .get::<api::Job>(
                        "semaphore_job",
                        &format!("/api/v1alpha/jobs/{}", j.job_id),
                        &[],
                        "GET /api/v1alpha/jobs/:id",
                    )
                    .await;
                (j.name, spec)
            })
            .buffered(8)
            .collect()
            .await;
        let mut out = Vec::new();
        for (name, spec) in jobs {
            let spec = spec?.spec;
            let mut secrets: Vec<String> = spec
                .secrets
                .iter()
                .chain(spec.agent.image_pull_secrets.iter())
                .chain(spec.agent.containers.iter().flat_map(|c| c.secrets.iter()))
                .map(|s| s.name.clone())
                .filter(|n| !n.is_empty())
                .collect();
            secrets.dedup();
            secret_names.extend(secrets.iter().cloned());
            let commands = spec
                .commands
                .iter()
                .chain(&spec.epilogue_always_commands)
                .chain(&spec.epilogue_on_pass_commands)
                .chain(&spec.epilogue_on_fail_commands)
                .map(|c| redact::command(c))
                .collect::<Vec<_>>();
            let env_names: Vec<&str> = spec
                .env_vars
                .iter()
                .map(|e| e.name.as_str())
                .filter(|n| !n.is_empty())
                .collect();
            let mut agent = json!({ "type": spec.agent.machine.kind });
            if !spec.agent.machine.os_image.is_empty() {
                agent["os_image"] = json!(spec.agent.machine.os_image);
            }
            out.push(json!({
                "name": name,
                "commands": commands,
                "env_names": env_names,
                "secret_names": secrets,
                "agent": agent,
            }));
        }
        blocks.push(json!({ "name": block.name, "jobs": out }));
    }
    secret_names.sort();
    secret_names.dedup();
    Ok(Pipeline {
        run: detail.pipeline,
        blocks: Value::Array(blocks),
        secret_names,
        promoted_from: None,
    })
}
