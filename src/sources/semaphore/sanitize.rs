//! An imported Semaphore resource cut down to what a fetch keeps: the contract's fields per
//! kind (nothing else, so a value that slipped into a hand-edited file goes), commands
//! redacted again, and only names where the API would have had values.

use serde_json::Value;

use super::redact;
use crate::model::{Kind, Resource};
use crate::sources::allowlist::{Obj, pick};

/// The attributes a fetch writes, per kind.
pub fn allowed(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::SemaphoreOrg => &["host", "projects_visible", "token_scope", "note"],
        Kind::SemaphoreProject => &[
            "id",
            "name",
            "description",
            "repository.url",
            "repository.owner",
            "repository.name",
            "repository.provider",
            "pipeline_file",
        ],
        Kind::SemaphorePipeline => &[
            "project",
            "yml_file",
            "name",
            "promoted_from",
            "run.ppl_id",
            "run.wf_id",
            "run.created_at",
            "run.branch",
            "run.result",
            "run.state",
            "blocks[].name",
            "blocks[].jobs[].name",
            "blocks[].jobs[].commands",
            "blocks[].jobs[].env_names",
            "blocks[].jobs[].secret_names",
            "blocks[].jobs[].agent.type",
            "blocks[].jobs[].agent.os_image",
        ],
        Kind::SemaphorePromotion => &[
            "project",
            "name",
            "from_yml_file",
            "target_yml_file",
            "last_triggered_at",
            "triggered_by",
            "auto",
        ],
        Kind::SemaphoreTask => &[
            "project",
            "name",
            "at",
            "branch",
            "pipeline_file",
            "paused",
            "recurring",
        ],
        Kind::SemaphoreDeploymentTarget => &[
            "project",
            "name",
            "state",
            "url",
            "subject_rules",
            "env_var_names",
        ],
        Kind::SemaphoreSecret => &[
            "name",
            "scope",
            "project",
            "env_var_names",
            "file_paths",
            "from",
            "referenced_by",
        ],
        Kind::SemaphoreNotification => &[
            "name",
            "rules[].name",
            "rules[].projects",
            "rules[].branches",
            "rules[].pipelines",
            "rules[].targets.slack_channels",
            "rules[].targets.webhook",
        ],
        Kind::SemaphoreAgentType => &["name", "total_agents"],
        _ => &[],
    }
}

/// Replaces `r`'s attributes with the allowlisted ones; commands are redacted again and
/// name lists keep only strings (a list of `{name, value}` objects loses its objects).
pub fn resource(r: &mut Resource) {
    let obj: Obj = std::mem::take(&mut r.attrs).into_iter().collect();
    let mut attrs = pick(&obj, allowed(r.kind));
    r.tags.clear();
    for key in ["env_var_names", "file_paths", "referenced_by"] {
        if let Some(v) = attrs.get_mut(key) {
            strings_only(v);
        }
    }
    if let Some(url) = attrs.get_mut("repository").and_then(|r| r.get_mut("url"))
        && let Value::String(s) = url
    {
        *s = redact::command(s);
    }
    if let Some(Value::Array(blocks)) = attrs.get_mut("blocks") {
        for job in blocks
            .iter_mut()
            .filter_map(|b| b.get_mut("jobs"))
            .filter_map(Value::as_array_mut)
            .flatten()
        {
            for key in ["env_names", "secret_names"] {
                if let Some(v) = job.get_mut(key) {
                    strings_only(v);
                }
            }
            if let Some(Value::Array(cmds)) = job.get_mut("commands") {
                cmds.retain(Value::is_string);
                for c in cmds.iter_mut() {
                    if let Value::String(s) = c {
                        *s = redact::command(s);
                    }
                }
            }
        }
    }
    if let Some(Value::Array(rules)) = attrs.get_mut("rules") {
        for t in rules.iter_mut().filter_map(|r| r.get_mut("targets")) {
            // Counts and "set" only: a channel list or URL is not what a fetch writes.
            if let Some(v) = t.get_mut("webhook")
                && v != "set"
            {
                *v = Value::String("set".into());
            }
            if let Some(v) = t.get_mut("slack_channels")
                && !v.is_u64()
            {
                *v = Value::from(0);
            }
        }
    }
    r.attrs = attrs;
}

fn strings_only(v: &mut Value) {
    match v {
        Value::Array(items) => items.retain(Value::is_string),
        other => *other = Value::Array(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, ResourceId, Scope};
    use serde_json::json;

    fn res(kind: Kind, attrs: Value) -> Resource {
        Resource {
            id: ResourceId::new(Provider::Semaphore, kind.as_str(), &["acmepay", "x"]),
            provider: Provider::Semaphore,
            kind,
            name: "x".into(),
            parent: None,
            scope: Scope {
                account: "acmepay".into(),
                ..Scope::default()
            },
            attrs: attrs.as_object().unwrap().clone().into_iter().collect(),
            tags: [("k".to_string(), "v".to_string())].into(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn an_imported_pipeline_keeps_the_contract_and_loses_values() {
        let mut r = res(
            Kind::SemaphorePipeline,
            json!({
                "project": "acme-api", "yml_file": ".semaphore/p.yml", "extra": "drop me",
                "blocks": [{"name": "Deploy", "jobs": [{
                    "name": "push",
                    "commands": ["export TOKEN=hunter2", "heroku git:remote -a acme-api", {"x": 1}],
                    "env_names": ["A", {"name": "B", "value": "hunter2"}],
                    "env_vars": [{"name": "C", "value": "hunter2"}],
                }]}],
            }),
        );
        resource(&mut r);
        let text = serde_json::to_string(&r.attrs).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!r.attrs.contains_key("extra"));
        assert!(r.tags.is_empty());
        let job = &r.attrs["blocks"][0]["jobs"][0];
        assert_eq!(
            job["commands"],
            json!(["export TOKEN=…", "heroku git:remote -a acme-api"])
        );
        assert_eq!(job["env_names"], json!(["A"]));
    }

    #[test]
    fn an_imported_secret_or_notification_keeps_names_only() {
        let mut s = res(
            Kind::SemaphoreSecret,
            json!({"name": "x", "env_var_names": [{"name": "K", "value": "hunter2"}, "K2"],
                   "data": {"env_vars": [{"name": "K", "value": "hunter2"}]}}),
        );
        resource(&mut s);
        assert_eq!(s.attrs["env_var_names"], json!(["K2"]));
        assert!(!s.attrs.contains_key("data"));
        let mut n = res(
            Kind::SemaphoreNotification,
            json!({"name": "n", "rules": [{"name": "r", "targets": {
                "webhook": "https://hooks.example.com/hunter2", "slack_channels": ["#a"]}}]}),
        );
        resource(&mut n);
        assert_eq!(
            n.attrs["rules"][0]["targets"],
            json!({"webhook": "set", "slack_channels": 0})
        );
    }
}
