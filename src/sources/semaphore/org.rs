//! One organisation: projects (paged with `x-has-more`), each project's parts with bounded
//! concurrency, org secrets and notifications (`page_token`), agent types; then the
//! resources and links of the contract, and what could not be read as `ferry_unavailable`
//! on the org resource.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use super::api;
use super::client::{ApiError, OrgClient};
use super::project::{self, ProjectData};
use super::redact;
use crate::model::{Attrs, Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope};

pub struct OrgResult {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub summary: String,
    pub notices: Vec<String>,
}

fn id(kind: Kind, parts: &[&str]) -> ResourceId {
    ResourceId::new(Provider::Semaphore, kind.as_str(), parts)
}

pub async fn fetch(
    client: &OrgClient,
    host: &str,
    window_days: u32,
    concurrency: usize,
    now: DateTime<Utc>,
) -> Result<OrgResult, String> {
    let org = client.org.clone();
    let projects: Vec<api::Project> = client
        .list_has_more(
            "semaphore_project",
            "/api/v1alpha/projects",
            "GET /api/v1alpha/projects",
        )
        .await
        .map_err(|e| e.message().to_string())?;
    let created_after = (now - chrono::Duration::days(window_days.into())).timestamp();
    let per_project = stream::iter(projects)
        .map(|p| project::fetch(client, p, created_after))
        .buffer_unordered(concurrency.max(1))
        .collect::<Vec<_>>();
    let org_secrets = client.list_tokens(
        "semaphore_secret",
        "/api/v1beta/secrets",
        "GET /api/v1beta/secrets",
        |p: api::SecretPage| (p.secrets, p.next_page_token),
    );
    let notifications = client.list_tokens(
        "semaphore_notification",
        "/api/v1alpha/notifications",
        "GET /api/v1alpha/notifications",
        |p: api::NotificationPage| (p.notifications, p.next_page_token),
    );
    let agents = client.get::<api::AgentTypePage>(
        "semaphore_agent_type",
        "/api/v1alpha/self_hosted_agent_types",
        &[],
        "GET /api/v1alpha/self_hosted_agent_types",
    );
    let (projects, org_secrets, notifications, agents) =
        tokio::join!(per_project, org_secrets, notifications, agents);
    let mut data = Vec::new();
    for p in projects {
        data.push(p.map_err(|e| e.message().to_string())?);
    }
    data.sort_by(|a, b| a.project.metadata.name.cmp(&b.project.metadata.name));
    for e in [org_secrets.as_ref().err(), notifications.as_ref().err()]
        .into_iter()
        .flatten()
        .chain(agents.as_ref().err())
    {
        if let ApiError::Unauthorized(m) = e {
            return Err(m.clone());
        }
    }
    let mut m = Mapper {
        org: org.clone(),
        now,
        resources: Vec::new(),
        links: Vec::new(),
        unavailable: Vec::new(),
    };
    let org_id = id(Kind::SemaphoreOrg, &[&org]);
    let visible_ids: BTreeSet<&str> = data
        .iter()
        .map(|d| d.project.metadata.id.as_str())
        .collect();
    let visible_names: BTreeSet<&str> = data
        .iter()
        .map(|d| d.project.metadata.name.as_str())
        .collect();
    // Names of projects the org's own lists mention but the token cannot see.
    let mut unseen: BTreeSet<String> = BTreeSet::new();
    let mut referenced_secrets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in &data {
        m.project(&org_id, d);
        for p in d.pipelines.values() {
            for s in &p.secret_names {
                referenced_secrets
                    .entry(s.clone())
                    .or_default()
                    .insert(d.project.metadata.name.clone());
            }
        }
    }
    let listed_org_secrets: BTreeSet<String> = match &org_secrets {
        Ok(list) => {
            for s in list {
                for pid in s.org_config.iter().flat_map(|c| &c.project_ids) {
                    if !visible_ids.contains(pid.as_str()) {
                        unseen.insert(format!("id {pid}"));
                    }
                }
                m.secret(&org_id, "_org", None, s, "api");
            }
            list.iter().map(|s| s.metadata.name.clone()).collect()
        }
        Err(e) => {
            m.unavailable(Kind::SemaphoreSecret, None, e);
            BTreeSet::new()
        }
    };
    let listed_project_secrets: BTreeSet<String> = data
        .iter()
        .flat_map(|d| d.secrets.iter().flatten())
        .map(|s| s.metadata.name.clone())
        .collect();
    // Secrets the jobs reference but no list showed (not permitted to list them): by name.
    for (name, projects) in &referenced_secrets {
        if listed_org_secrets.contains(name) || listed_project_secrets.contains(name) {
            continue;
        }
        let attrs = attrs(json!({
            "name": name, "scope": "org", "env_var_names": [], "file_paths": [], "from": "jobs",
            "referenced_by": projects,
        }));
        m.push(
            id(Kind::SemaphoreSecret, &[&org, "_org", name]),
            Kind::SemaphoreSecret,
            name,
            &org_id,
            attrs,
        );
    }
    match &notifications {
        Ok(list) => {
            for n in list {
                for r in &n.spec.rules {
                    for p in &r.filter.projects {
                        if !p.starts_with('/') && !visible_names.contains(p.as_str()) {
                            unseen.insert(p.clone());
                        }
                    }
                }
                m.notification(&org_id, n);
            }
        }
        Err(e) => m.unavailable(Kind::SemaphoreNotification, None, e),
    }
    match &agents {
        Ok(page) => {
            for a in &page.agent_types {
                let name = &a.metadata.name;
                let mut at = json!({ "name": name });
                if let Some(n) = a.status.total_agent_count {
                    at["total_agents"] = json!(n);
                }
                m.push(
                    id(Kind::SemaphoreAgentType, &[&org, name]),
                    Kind::SemaphoreAgentType,
                    name,
                    &org_id,
                    attrs(at),
                );
            }
        }
        Err(e) => m.unavailable(Kind::SemaphoreAgentType, None, e),
    }
    let mut notices = Vec::new();
    let mut org_attrs = json!({
        "host": host,
        "projects_visible": data.len(),
        "token_scope": if unseen.is_empty() { "all" } else { "partial" },
    });
    if !unseen.is_empty() {
        let list: Vec<&str> = unseen.iter().map(String::as_str).collect();
        let note = format!(
            "the token sees {} project(s); the organisation's lists name others it cannot \
             see ({}): a Member token must be added to each project",
            data.len(),
            list.join(", ")
        );
        notices.push(note.clone());
        org_attrs["note"] = json!(note);
    }
    for (kind, project, e) in &m.unavailable {
        notices.push(match project {
            Some(p) => format!(
                "{} of project `{p}` unavailable: {}",
                kind.label(),
                e.message()
            ),
            None => format!("{} unavailable: {}", kind.label(), e.message()),
        });
    }
    let unavailable: Vec<Value> = m
        .unavailable
        .iter()
        .map(|(kind, project, e)| {
            let mut item = json!({
                "kind": kind.as_str(),
                "error": one_line(e.message()),
                "kept_stale": 0,
                "failed": matches!(e, ApiError::Failed(_)),
            });
            if let Some(p) = project {
                item["project"] = json!(p);
            }
            item
        })
        .collect();
    if !unavailable.is_empty() {
        org_attrs["ferry_unavailable"] = Value::Array(unavailable);
    }
    let org_res = Resource {
        id: org_id,
        provider: Provider::Semaphore,
        kind: Kind::SemaphoreOrg,
        name: org.clone(),
        parent: None,
        scope: Scope {
            account: org.clone(),
            ..Scope::default()
        },
        attrs: attrs(org_attrs),
        tags: Default::default(),
        fetched_at: now,
    };
    let mut resources = vec![org_res];
    resources.extend(m.resources);
    let pipelines = resources
        .iter()
        .filter(|r| r.kind == Kind::SemaphorePipeline)
        .count();
    Ok(OrgResult {
        summary: format!("{} project(s), {pipelines} pipeline file(s)", data.len()),
        resources,
        links: m.links,
        notices,
    })
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

fn attrs(v: Value) -> Attrs {
    match v {
        Value::Object(o) => o.into_iter().collect(),
        _ => Attrs::new(),
    }
}

struct Mapper {
    org: String,
    now: DateTime<Utc>,
    resources: Vec<Resource>,
    links: Vec<Link>,
    unavailable: Vec<(Kind, Option<String>, ApiError)>,
}

impl Mapper {
    fn unavailable(&mut self, kind: Kind, project: Option<&str>, e: &ApiError) {
        self.unavailable
            .push((kind, project.map(str::to_string), e.clone()));
    }

    fn push(&mut self, rid: ResourceId, kind: Kind, name: &str, parent: &ResourceId, attrs: Attrs) {
        self.links.push(Link {
            from: parent.clone(),
            to: rid.clone(),
            kind: LinkKind::Contains,
        });
        self.resources.push(Resource {
            id: rid,
            provider: Provider::Semaphore,
            kind,
            name: name.to_string(),
            parent: Some(parent.clone()),
            scope: Scope {
                account: self.org.clone(),
                ..Scope::default()
            },
            attrs,
            tags: Default::default(),
            fetched_at: self.now,
        });
    }

    fn project(&mut self, org_id: &ResourceId, d: &ProjectData) {
        let org = self.org.clone();
        let meta = &d.project.metadata;
        let repo = &d.project.spec.repository;
        let pid = id(Kind::SemaphoreProject, &[&org, &meta.name]);
        let mut a = json!({
            "id": meta.id, "name": meta.name,
            "repository": {
                "url": redact::command(&repo.url), "owner": repo.owner, "name": repo.name,
                "provider": repo.integration_type,
            },
        });
        if !meta.description.is_empty() {
            a["description"] = json!(meta.description);
        }
        if !repo.pipeline_file.is_empty() {
            a["pipeline_file"] = json!(repo.pipeline_file);
        }
        self.push(
            pid.clone(),
            Kind::SemaphoreProject,
            &meta.name,
            org_id,
            attrs(a),
        );
        let project = meta.name.as_str();
        for (kind, e) in &d.unavailable {
            self.unavailable(*kind, Some(project), e);
        }
        for (file, p) in &d.pipelines {
            let run = &p.run;
            let mut a = json!({
                "project": project, "yml_file": file, "name": run.name,
                "run": {
                    "ppl_id": run.ppl_id, "wf_id": run.wf_id,
                    "created_at": run.created_at.to_utc().map(|t| t.to_rfc3339()),
                    "branch": run.branch_name, "result": run.result.to_ascii_lowercase(),
                    "state": run.state.to_ascii_lowercase(),
                },
                "blocks": p.blocks,
            });
            if let Some(from) = &p.promoted_from {
                a["promoted_from"] = json!(from);
            }
            let rid = id(Kind::SemaphorePipeline, &[&org, project, file]);
            self.push(rid, Kind::SemaphorePipeline, file, &pid, attrs(a));
        }
        let mut seen = BTreeSet::new();
        for p in &d.promotions {
            // The newest trigger of each promotion (the lists come newest first per run).
            if !seen.insert((p.from_yml_file.clone(), p.name.clone())) {
                continue;
            }
            let mut a = json!({
                "project": project, "name": p.name, "from_yml_file": p.from_yml_file,
                "auto": p.triggered_by == "Pipeline Done request",
            });
            if let Some(t) = &p.target_yml_file {
                a["target_yml_file"] = json!(t);
            }
            if let Some(t) = &p.triggered_at {
                a["last_triggered_at"] = json!(t);
            }
            if !p.triggered_by.is_empty() {
                a["triggered_by"] = json!(p.triggered_by);
            }
            let rid = id(
                Kind::SemaphorePromotion,
                &[&org, project, &p.from_yml_file, &p.name],
            );
            if let Some(t) = &p.target_yml_file {
                self.links.push(Link {
                    from: rid.clone(),
                    to: id(Kind::SemaphorePipeline, &[&org, project, t]),
                    kind: LinkKind::References,
                });
            }
            self.push(rid, Kind::SemaphorePromotion, &p.name, &pid, attrs(a));
        }
        for t in &d.tasks {
            let a = json!({
                "project": project, "name": t.name, "at": t.at, "branch": t.branch,
                "pipeline_file": t.pipeline_file,
                "paused": t.paused.unwrap_or(t.status.eq_ignore_ascii_case("paused")),
                "recurring": t.recurring.unwrap_or(!t.at.is_empty()),
            });
            let rid = id(Kind::SemaphoreTask, &[&org, project, &t.name]);
            self.push(rid, Kind::SemaphoreTask, &t.name, &pid, attrs(a));
        }
        for t in &d.targets {
            let mut a = json!({
                "project": project, "name": t.name, "state": t.state,
                "subject_rules": t.subject_rules.len(),
                "env_var_names": t.env_vars.iter().map(|e| &e.name).collect::<Vec<_>>(),
            });
            if !t.url.is_empty() {
                a["url"] = json!(redact::command(&t.url));
            }
            let rid = id(Kind::SemaphoreDeploymentTarget, &[&org, project, &t.name]);
            self.push(
                rid,
                Kind::SemaphoreDeploymentTarget,
                &t.name,
                &pid,
                attrs(a),
            );
        }
        for s in d.secrets.iter().flatten() {
            self.secret(&pid, project, Some(project), s, "api");
        }
    }

    fn secret(
        &mut self,
        parent: &ResourceId,
        owner: &str,
        project: Option<&str>,
        s: &api::Secret,
        from: &str,
    ) {
        let name = &s.metadata.name;
        let mut a = json!({
            "name": name,
            "scope": if project.is_some() { "project" } else { "org" },
            "env_var_names": s.data.env_vars.iter().map(|e| &e.name).collect::<Vec<_>>(),
            "file_paths": s.data.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
            "from": from,
        });
        if let Some(p) = project {
            a["project"] = json!(p);
        }
        let org = self.org.clone();
        self.push(
            id(Kind::SemaphoreSecret, &[&org, owner, name]),
            Kind::SemaphoreSecret,
            name,
            parent,
            attrs(a),
        );
    }

    fn notification(&mut self, org_id: &ResourceId, n: &api::Notification) {
        let name = &n.metadata.name;
        let rules: Vec<Value> = n
            .spec
            .rules
            .iter()
            .map(|r| {
                let mut targets = json!({
                    "slack_channels": r.notify.slack.as_ref().map_or(0, |s| s.channels.len()),
                });
                if r.notify.webhook.as_ref().is_some_and(|w| w.endpoint_set) {
                    targets["webhook"] = json!("set");
                }
                json!({
                    "name": r.name, "projects": r.filter.projects,
                    "branches": r.filter.branches, "pipelines": r.filter.pipelines,
                    "targets": targets,
                })
            })
            .collect();
        let org = self.org.clone();
        let a = attrs(json!({ "name": name, "rules": rules }));
        self.push(
            id(Kind::SemaphoreNotification, &[&org, name]),
            Kind::SemaphoreNotification,
            name,
            org_id,
            a,
        );
    }
}
