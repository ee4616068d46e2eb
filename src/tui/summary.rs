//! One-line descriptions of resources for tree rows, from their attributes.

use serde_json::Value;

use crate::model::{Kind, Resource};

fn s<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    r.attrs.get(key).and_then(Value::as_str)
}

fn nested<'a>(r: &'a Resource, key: &str, field: &str) -> Option<&'a str> {
    r.attrs.get(key)?.get(field)?.as_str()
}

fn num(r: &Resource, key: &str) -> Option<i64> {
    r.attrs.get(key).and_then(Value::as_i64)
}

/// A short hint shown after the name, or empty.
pub fn summary(r: &Resource) -> String {
    match r.kind {
        Kind::Formation => match (num(r, "quantity"), s(r, "size")) {
            (Some(q), Some(size)) => format!("{q} × {size}"),
            (Some(q), None) => format!("{q} ×"),
            _ => String::new(),
        },
        // A refresh that failed says so: the details panel shows its cause.
        Kind::App => match (
            nested(r, "ferry_details", "state"),
            nested(r, "ferry_details", "error").is_some(),
        ) {
            (Some("stale"), true) => "details stale: refresh failed".into(),
            (Some("stale"), false) => "details stale".into(),
            (Some("missing"), true) => "no details: fetch failed".into(),
            (Some("missing"), false) => "no details yet".into(),
            _ => String::new(),
        },
        Kind::Addon => nested(r, "plan", "name").unwrap_or_default().to_string(),
        Kind::AddonAttachment => nested(r, "addon", "name")
            .map(|a| format!("→ {a}"))
            .unwrap_or_default(),
        Kind::ConfigVars => r
            .attrs
            .get("names")
            .and_then(Value::as_array)
            .map(|n| format!("{} names", n.len()))
            .unwrap_or_default(),
        Kind::Domain => s(r, "cname").map(|c| format!("→ {c}")).unwrap_or_default(),
        Kind::PipelineCoupling => s(r, "stage").unwrap_or_default().to_string(),
        // The record type leads the row itself (see `row_prefix`).
        Kind::DnsRecord => match s(r, "content") {
            Some(c) => {
                let proxied = r.attrs.get("proxied").and_then(Value::as_bool) == Some(true);
                format!("→ {c}{}", if proxied { " (proxied)" } else { "" })
            }
            None => String::new(),
        },
        Kind::Zone => s(r, "status").unwrap_or_default().to_string(),
        Kind::EcsService => match (num(r, "runningCount"), num(r, "desiredCount")) {
            (Some(run), Some(want)) => format!("{run}/{want} running"),
            _ => String::new(),
        },
        Kind::TaskDefinition => match (s(r, "cpu"), s(r, "memory")) {
            (Some(c), Some(m)) => format!("{c} cpu / {m} MiB"),
            _ => String::new(),
        },
        Kind::LoadBalancer => s(r, "DNSName").unwrap_or_default().to_string(),
        Kind::RdsInstance => s(r, "DBInstanceClass").unwrap_or_default().to_string(),
        Kind::CloudfrontDistribution => s(r, "DomainName").unwrap_or_default().to_string(),
        Kind::AcmCertificate => s(r, "Status").unwrap_or_default().to_string(),
        Kind::DynoSize => dyno_size(r),
        // The name is the endpoint: what it exports, and how.
        Kind::TelemetryDrain => {
            let signals = names(r, "signals").join(", ");
            match nested(r, "exporter", "type") {
                Some(t) if !signals.is_empty() => format!("{signals} via {t}"),
                Some(t) => format!("via {t}"),
                None => signals,
            }
        }
        Kind::SemaphoreOrg => {
            let mut out = num(r, "projects_visible")
                .map(|n| plural(n, "project"))
                .unwrap_or_default();
            // The token does not see every project: what is shown is not the whole org.
            if s(r, "token_scope") == Some("partial") {
                out.push_str(" (token sees only some)");
            }
            out
        }
        Kind::SemaphoreProject => match (
            nested(r, "repository", "owner"),
            nested(r, "repository", "name"),
        ) {
            (Some(o), Some(n)) => format!("{o}/{n}"),
            _ => s(r, "description").unwrap_or_default().to_string(),
        },
        Kind::SemaphorePipeline => semaphore_pipeline(r),
        Kind::SemaphorePromotion => {
            let target = s(r, "target_yml_file")
                .map(|t| format!("→ {t}"))
                .unwrap_or_default();
            let auto = r.attrs.get("auto").and_then(Value::as_bool) == Some(true);
            join([target, if auto { "auto".into() } else { String::new() }])
        }
        Kind::SemaphoreTask => {
            let at = s(r, "at").filter(|a| !a.is_empty()).unwrap_or("on demand");
            let branch = s(r, "branch")
                .map(|b| format!("on {b}"))
                .unwrap_or_default();
            let paused = r.attrs.get("paused").and_then(Value::as_bool) == Some(true);
            join([
                at.to_string(),
                branch,
                if paused {
                    "paused".into()
                } else {
                    String::new()
                },
            ])
        }
        Kind::SemaphoreDeploymentTarget => {
            let state = s(r, "state").unwrap_or_default().to_ascii_lowercase();
            let envs = names(r, "env_var_names").len();
            join([state, counted(envs, "env var")])
        }
        // Names and counts only: a secret's values are never fetched.
        Kind::SemaphoreSecret => semaphore_secret(r),
        Kind::SemaphoreNotification => r
            .attrs
            .get("rules")
            .and_then(Value::as_array)
            .map(|rules| plural(rules.len() as i64, "rule"))
            .unwrap_or_default(),
        Kind::SemaphoreAgentType => num(r, "total_agents")
            .map(|n| plural(n, "agent"))
            .unwrap_or_default(),
        Kind::IacState => match s(r, "status") {
            Some("read") => join([
                match (s(r, "tool"), s(r, "terraform_version")) {
                    (Some(t), Some(v)) => format!("{t} {v}"),
                    (Some(t), None) => t.to_string(),
                    _ => String::new(),
                },
                num(r, "resources")
                    .map(|n| plural(n, "resource"))
                    .unwrap_or_default(),
            ]),
            // Not read (failed, skipped, encrypted): the details give why.
            Some(other) => other.to_string(),
            None => String::new(),
        },
        Kind::IacResource => {
            let flag = |k: &str| r.attrs.get(k).is_some_and(|v| v != &Value::Bool(false));
            join([
                if flag("tainted") {
                    "tainted".into()
                } else {
                    String::new()
                },
                if flag("deposed") {
                    "deposed".into()
                } else {
                    String::new()
                },
                // What `terraform import` would name: the identifier the match is made on.
                nested(r, "identifiers", "id")
                    .map(|id| format!("id {id}"))
                    .unwrap_or_default(),
            ])
        }
        _ => String::new(),
    }
}

/// "1 project", "5 projects".
fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "2 env vars", or nothing for none.
fn counted(n: usize, word: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        plural(n as i64, word)
    }
}

/// The non-empty parts, joined by " · ".
fn join<const N: usize>(parts: [String; N]) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The strings of an array attribute (others skipped).
fn names<'a>(r: &'a Resource, key: &str) -> Vec<&'a str> {
    r.attrs
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// "0.5 GB · 1 compute · cedar", with "dedicated" and "private spaces only" when so.
fn dyno_size(r: &Resource) -> String {
    let memory = r
        .attrs
        .get("memory")
        .and_then(Value::as_f64)
        .map(|m| format!("{m} GB"))
        .unwrap_or_default();
    let compute = num(r, "compute")
        .map(|c| format!("{c} compute"))
        .unwrap_or_default();
    let yes = |k: &str| r.attrs.get(k).and_then(Value::as_bool) == Some(true);
    join([
        memory,
        compute,
        nested(r, "generation", "name")
            .unwrap_or_default()
            .to_string(),
        if yes("dedicated") {
            "dedicated".into()
        } else {
            String::new()
        },
        if yes("private_space_only") {
            "private spaces only".into()
        } else {
            String::new()
        },
    ])
}

/// "CI · passed on main": the pipeline's name and how its newest run went.
fn semaphore_pipeline(r: &Resource) -> String {
    let run = r.attrs.get("run");
    let field = |k: &str| run.and_then(|v| v.get(k)).and_then(Value::as_str);
    // A run still going has no result yet: its state says where it is.
    let outcome = field("result")
        .filter(|x| !x.is_empty())
        .or(field("state"))
        .map(str::to_ascii_lowercase);
    let outcome = match (outcome, field("branch")) {
        (Some(o), Some(b)) => format!("{o} on {b}"),
        (Some(o), None) => o,
        (None, Some(b)) => format!("on {b}"),
        (None, None) => String::new(),
    };
    let name = s(r, "name").filter(|n| *n != r.name).unwrap_or_default();
    join([name.to_string(), outcome])
}

/// "org · 2 env vars · 1 file", "named by jobs" when only the jobs' references are known.
fn semaphore_secret(r: &Resource) -> String {
    let (envs, files) = (
        names(r, "env_var_names").len(),
        names(r, "file_paths").len(),
    );
    join([
        s(r, "scope").unwrap_or_default().to_string(),
        counted(envs, "env var"),
        counted(files, "file"),
        // Not listed by the API (no permission): known only from the jobs naming it.
        if s(r, "from") == Some("jobs") {
            "named by jobs".into()
        } else {
            String::new()
        },
    ])
}

/// An attribute value as one line: strings unquoted, everything else compact JSON.
pub fn value_line(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// What goes before a resource's name in its tree row: a DNS record's type, so the many
/// records of one name (`A`, `MX`, `TXT` of the apex) tell apart in a narrow pane.
pub fn row_prefix(r: &Resource) -> Option<&str> {
    match r.kind {
        Kind::DnsRecord => s(r, "type"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A resource of `kind` named `name` with `attrs`, as a source would store it.
    fn res(kind: Kind, name: &str, attrs: Value) -> Resource {
        serde_json::from_value(json!({
            "id": format!("{}:{}/{name}", kind.provider().as_str(), kind.as_str()),
            "provider": kind.provider(),
            "kind": kind,
            "name": name,
            "parent": null,
            "scope": {"account": "acme"},
            "attrs": attrs,
            "fetched_at": "2026-11-20T09:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn heroku_fir_kinds_say_size_and_signals() {
        let size = res(
            Kind::DynoSize,
            "Performance-L",
            json!({"memory": 14.0, "compute": 50, "generation": {"name": "cedar"},
                   "dedicated": true, "private_space_only": false}),
        );
        assert_eq!(summary(&size), "14 GB · 50 compute · cedar · dedicated");
        let eco = res(Kind::DynoSize, "Eco", json!({"memory": 0.5, "compute": 1}));
        assert_eq!(summary(&eco), "0.5 GB · 1 compute");
        let drain = res(
            Kind::TelemetryDrain,
            "https://otlp.example:4318",
            json!({"signals": ["traces", "metrics"],
                   "exporter": {"type": "otlphttp", "endpoint": "https://otlp.example:4318",
                                "header_names": ["api-key"]}}),
        );
        assert_eq!(summary(&drain), "traces, metrics via otlphttp");
        // Header names are kept; the hint does not need them (and values are never kept).
        assert!(!summary(&drain).contains("api-key"));
    }

    #[test]
    fn semaphore_kinds_name_what_matters_on_one_line() {
        let org = res(
            Kind::SemaphoreOrg,
            "acmepay",
            json!({"host": "acmepay.semaphoreci.com", "projects_visible": 5, "token_scope": "partial"}),
        );
        assert_eq!(summary(&org), "5 projects (token sees only some)");
        let project = res(
            Kind::SemaphoreProject,
            "acme-api",
            json!({"description": "Payments API",
                   "repository": {"owner": "acmepay", "name": "acme-api", "url": "git@github.com:acmepay/acme-api.git"}}),
        );
        assert_eq!(summary(&project), "acmepay/acme-api");
        let bare = res(
            Kind::SemaphoreProject,
            "x",
            json!({"description": "Back-office"}),
        );
        assert_eq!(summary(&bare), "Back-office");
        let pipeline = res(
            Kind::SemaphorePipeline,
            ".semaphore/semaphore.yml",
            json!({"name": "CI", "run": {"result": "PASSED", "state": "DONE", "branch": "main"}}),
        );
        assert_eq!(summary(&pipeline), "CI · passed on main");
        let running = res(
            Kind::SemaphorePipeline,
            ".semaphore/aws.yml",
            json!({"name": ".semaphore/aws.yml", "run": {"result": "", "state": "running", "branch": "main"}}),
        );
        assert_eq!(summary(&running), "running on main");
        let promotion = res(
            Kind::SemaphorePromotion,
            "Deploy to AWS",
            json!({"target_yml_file": ".semaphore/aws.yml", "auto": true}),
        );
        assert_eq!(summary(&promotion), "→ .semaphore/aws.yml · auto");
        let task = res(
            Kind::SemaphoreTask,
            "nightly",
            json!({"at": "15 2 * * *", "branch": "main", "paused": true}),
        );
        assert_eq!(summary(&task), "15 2 * * * · on main · paused");
        let target = res(
            Kind::SemaphoreDeploymentTarget,
            "production",
            json!({"state": "USABLE", "env_var_names": ["AWS_REGION", "CLUSTER"],
                   "url": "https://example.com"}),
        );
        assert_eq!(summary(&target), "usable · 2 env vars");
        let notification = res(
            Kind::SemaphoreNotification,
            "deploys",
            json!({"rules": [{"name": "a", "targets": {"webhook": "set"}}, {"name": "b"}]}),
        );
        assert_eq!(summary(&notification), "2 rules");
        let agents = res(
            Kind::SemaphoreAgentType,
            "s1-arm",
            json!({"total_agents": 1}),
        );
        assert_eq!(summary(&agents), "1 agent");
    }

    #[test]
    fn a_semaphore_secret_shows_names_counted_never_values() {
        let secret = res(
            Kind::SemaphoreSecret,
            "aws-deploy",
            json!({"scope": "org", "env_var_names": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
                   "file_paths": ["/home/semaphore/.netrc"], "from": "api"}),
        );
        assert_eq!(summary(&secret), "org · 2 env vars · 1 file");
        let seen = res(
            Kind::SemaphoreSecret,
            "heroku-http",
            json!({"scope": "org", "env_var_names": [], "file_paths": [], "from": "jobs"}),
        );
        assert_eq!(summary(&seen), "org · named by jobs");
    }

    #[test]
    fn iac_states_and_resources_say_what_was_read() {
        let read = res(
            Kind::IacState,
            "s3://state/prod.tfstate",
            json!({"status": "read", "tool": "terraform", "terraform_version": "1.12.2",
                   "resources": 13, "data_sources": 3}),
        );
        assert_eq!(summary(&read), "terraform 1.12.2 · 13 resources");
        let encrypted = res(
            Kind::IacState,
            "s3://state/enc.tfstate",
            json!({"status": "encrypted", "why": "OpenTofu state encryption"}),
        );
        assert_eq!(summary(&encrypted), "encrypted");
        let resource = res(
            Kind::IacResource,
            "aws_ecs_service.api",
            json!({"address": "aws_ecs_service.api", "tf_type": "aws_ecs_service",
                   "tainted": true, "identifiers": {"id": "acme-prod/acme-api-web"}}),
        );
        assert_eq!(summary(&resource), "tainted · id acme-prod/acme-api-web");
        let deposed = res(
            Kind::IacResource,
            "aws_s3_bucket.b",
            json!({"deposed": "00000001", "identifiers": {"arn": "arn:aws:s3:::b"}}),
        );
        assert_eq!(summary(&deposed), "deposed");
    }
}
