//! CI/CD: what each Semaphore pipeline and promotion deploys, and where.
//!
//! The pipeline YAML is not served by Semaphore's API, so a pipeline's behaviour is rebuilt
//! from its newest run's job commands (the fetcher keeps them, values redacted) and said to
//! be so ("from run of 2026-11-28"). Pure: (inventory) → per-pipeline deploy steps, each
//! resolved to the inventory resources it names (the `deploys` links and the `deploy` gap
//! items both read this).

pub mod classify;
pub mod links;
pub mod shell;
mod step;

use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

use crate::inventory::Inventory;
use crate::model::{Kind, Provider, Resource, ResourceId};
pub use classify::{JobSteps, Name, Step, Strength, Target, classify_job};
pub use links::Resolver;

/// One deploy step with where it was seen and what it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deploy {
    #[serde(flatten)]
    pub step: Step,
    pub block: String,
    pub job: String,
    /// Inventory resources the step deploys (empty: named, but not in the inventory).
    pub resolved: Vec<ResourceId>,
}

/// What one pipeline file does, from its newest run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineDeploys {
    pub id: ResourceId,
    pub project: String,
    pub yml_file: String,
    pub name: String,
    /// "from run of 2026-11-28 (branch main, passed)".
    pub evidence: String,
    /// Promotions whose target is this pipeline file.
    pub promoted_by: Vec<ResourceId>,
    /// Periodic tasks (Semaphore schedules) that run this pipeline file.
    pub tasks: Vec<ResourceId>,
    pub deploys: Vec<Deploy>,
    /// Commands of this pipeline that are neither deploy steps nor known helpers.
    pub not_classified: Vec<String>,
}

/// A promotion and the pipeline it starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromotionInfo {
    pub id: ResourceId,
    pub project: String,
    pub name: String,
    pub from_yml_file: String,
    pub target_yml_file: Option<String>,
    /// The target pipeline's id, when its newest run is in the inventory.
    pub target: Option<ResourceId>,
}

/// Every pipeline's deploys, per project.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cicd {
    pub pipelines: Vec<PipelineDeploys>,
    pub promotions: Vec<PromotionInfo>,
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// "from run of 2026-11-28 (branch main, passed)" from the pipeline's `run`.
fn run_evidence(p: &Resource) -> String {
    let Some(run) = p.attrs.get("run") else {
        return "from its newest run (no run details kept)".into();
    };
    let date = text(run, "created_at");
    let date = date.get(..10).unwrap_or(date);
    let mut extra = Vec::new();
    for (key, label) in [("branch", "branch "), ("result", "")] {
        let v = text(run, key);
        if !v.is_empty() {
            extra.push(format!("{label}{}", v.to_ascii_lowercase()));
        }
    }
    let mut out = format!(
        "from run of {}",
        if date.is_empty() {
            "an unknown date"
        } else {
            date
        }
    );
    if !extra.is_empty() {
        out.push_str(&format!(" ({})", extra.join(", ")));
    }
    out
}

/// Classifies one pipeline resource's jobs.
pub fn pipeline_steps(p: &Resource) -> (Vec<(String, String, Step)>, Vec<String>) {
    let mut steps = Vec::new();
    let mut not_classified = Vec::new();
    for block in p
        .attrs
        .get("blocks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let block_name = text(block, "name");
        for job in block
            .get("jobs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let commands = strings(job.get("commands"));
            let env = strings(job.get("env_names"));
            let secrets = strings(job.get("secret_names"));
            let JobSteps {
                steps: s,
                not_classified: n,
            } = classify_job(&commands, &env, &secrets);
            let job_name = text(job, "name");
            steps.extend(
                s.into_iter()
                    .map(|s| (block_name.to_string(), job_name.to_string(), s)),
            );
            not_classified.extend(n);
        }
    }
    (steps, not_classified)
}

impl Cicd {
    pub fn of(inv: &Inventory) -> Cicd {
        // Most estates have no Semaphore data: skip building the resolver's name tables
        // over every resource (this runs in both links and the gap, on the hot path).
        if !inv
            .resources
            .iter()
            .any(|r| r.provider == Provider::Semaphore)
        {
            return Cicd::default();
        }
        let resolver = Resolver::new(inv);
        let mut by_file: HashMap<(&str, &str), usize> = HashMap::new();
        let mut pipelines = Vec::new();
        for p in inv
            .resources
            .iter()
            .filter(|r| r.kind == Kind::SemaphorePipeline)
        {
            let project = p.attr_str("project").unwrap_or("").to_string();
            let yml_file = p.attr_str("yml_file").unwrap_or(&p.name).to_string();
            let (steps, not_classified) = pipeline_steps(p);
            let deploys = steps
                .into_iter()
                .map(|(block, job, step)| Deploy {
                    resolved: resolver.resolve(&step.target),
                    step,
                    block,
                    job,
                })
                .collect();
            pipelines.push(PipelineDeploys {
                id: p.id.clone(),
                name: p.attr_str("name").unwrap_or(&p.name).to_string(),
                evidence: run_evidence(p),
                promoted_by: Vec::new(),
                tasks: Vec::new(),
                deploys,
                not_classified,
                project,
                yml_file,
            });
        }
        pipelines.sort_by(|a, b| (&a.project, &a.yml_file).cmp(&(&b.project, &b.yml_file)));
        for (i, p) in pipelines.iter().enumerate() {
            by_file.insert((p.project.as_str(), p.yml_file.as_str()), i);
        }
        // A promotion's `pipeline_file` is relative to its pipeline's folder (or absolute
        // from the repository root with a leading `/`): a bare file name matches by name.
        let same_file = |wanted: &str, have: &str| {
            let wanted = wanted.trim_start_matches('/');
            wanted == have.trim_start_matches('/')
                || (!wanted.contains('/') && have.rsplit('/').next() == Some(wanted))
        };
        let find = |project: &str, file: &str| -> Option<usize> {
            by_file.get(&(project, file)).copied().or_else(|| {
                pipelines
                    .iter()
                    .position(|p| p.project == project && same_file(file, &p.yml_file))
            })
        };
        let mut promoted: Vec<(usize, ResourceId)> = Vec::new();
        let mut tasks: Vec<(usize, ResourceId)> = Vec::new();
        let mut promotions = Vec::new();
        for r in &inv.resources {
            let project = r.attr_str("project").unwrap_or("");
            match r.kind {
                Kind::SemaphorePromotion => {
                    let target_file = r.attr_str("target_yml_file");
                    let target = target_file.and_then(|f| find(project, f));
                    if let Some(i) = target {
                        promoted.push((i, r.id.clone()));
                    }
                    promotions.push(PromotionInfo {
                        id: r.id.clone(),
                        project: project.to_string(),
                        name: r.attr_str("name").unwrap_or(&r.name).to_string(),
                        from_yml_file: r.attr_str("from_yml_file").unwrap_or("").to_string(),
                        target_yml_file: target_file.map(str::to_string),
                        target: target.map(|i| pipelines[i].id.clone()),
                    });
                }
                Kind::SemaphoreTask => {
                    if let Some(i) = r.attr_str("pipeline_file").and_then(|f| find(project, f)) {
                        tasks.push((i, r.id.clone()));
                    }
                }
                _ => {}
            }
        }
        for (i, id) in promoted {
            pipelines[i].promoted_by.push(id);
        }
        for (i, id) in tasks {
            pipelines[i].tasks.push(id);
        }
        promotions.sort_by(|a, b| (&a.project, &a.name).cmp(&(&b.project, &b.name)));
        Cicd {
            pipelines,
            promotions,
        }
    }

    pub fn pipeline(&self, id: &ResourceId) -> Option<&PipelineDeploys> {
        self.pipelines.iter().find(|p| &p.id == id)
    }
}
