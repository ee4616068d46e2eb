//! Match keys: one normalised string per way a state instance and an AWS resource can be
//! the same thing (reference §4). Both sides build keys the same way, so a match is a hash
//! look-up. ARNs where the state has one; the ARN, never `id`, for RDS (its meaning changed
//! in provider v5); names for S3 buckets, SSM parameters and log groups; `group/name` for
//! schedules; zone + FQDN + type (+ set id) for Route 53 records; (cluster, name) for ECS
//! services, whose ARN has an old and a new format.

use serde_json::Value;

use crate::model::{Kind, Resource};
use crate::sources::aws::arn::Arn;

/// The Ferry kind a Terraform type creates (`aws_alb*` are `aws_lb*` under another name).
pub fn kind_of_type(ty: &str) -> Option<Kind> {
    Some(match ty {
        "aws_ecs_cluster" => Kind::EcsCluster,
        "aws_ecs_service" => Kind::EcsService,
        "aws_ecs_task_definition" => Kind::TaskDefinition,
        "aws_lb" | "aws_alb" => Kind::LoadBalancer,
        "aws_lb_listener" | "aws_alb_listener" => Kind::Listener,
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => Kind::ListenerRule,
        "aws_lb_target_group" | "aws_alb_target_group" => Kind::TargetGroup,
        "aws_db_instance" | "aws_rds_cluster_instance" => Kind::RdsInstance,
        "aws_rds_cluster" => Kind::RdsCluster,
        "aws_elasticache_replication_group" => Kind::ElasticacheReplicationGroup,
        "aws_elasticache_cluster" => Kind::ElasticacheCluster,
        "aws_elasticache_serverless_cache" => Kind::ElasticacheServerless,
        "aws_msk_cluster" | "aws_msk_serverless_cluster" => Kind::MskCluster,
        "aws_s3_bucket" => Kind::S3Bucket,
        "aws_cloudfront_distribution" => Kind::CloudfrontDistribution,
        "aws_acm_certificate" => Kind::AcmCertificate,
        "aws_route53_zone" => Kind::Route53Zone,
        "aws_route53_record" => Kind::Route53Record,
        "aws_ssm_parameter" => Kind::SsmParameter,
        "aws_secretsmanager_secret" => Kind::Secret,
        "aws_cloudwatch_log_group" => Kind::LogGroup,
        "aws_scheduler_schedule" => Kind::Schedule,
        "aws_cloudwatch_event_rule" => Kind::EventRule,
        "aws_ecr_repository" => Kind::EcrRepository,
        _ => return None,
    })
}

fn s<'a>(attrs: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    attrs
        .get(key)
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
}

/// Log group ARNs from the older `arn` field end in `:*`; the resource's own ARN does not.
fn arn_key(arn: &str) -> String {
    format!("arn:{}", arn.strip_suffix(":*").unwrap_or(arn))
}

/// `ecs_service:<region>:<account>:<cluster>/<name>` from either ARN format; the old format
/// (`service/<name>`) takes the cluster from `cluster` (an ARN or a name).
fn ecs_service_key(arn: &str, cluster: Option<&str>) -> Option<String> {
    let a = Arn::parse(arn)?;
    let rest = a.resource.strip_prefix("service/")?;
    let (cluster, name) = match rest.split_once('/') {
        Some((c, n)) => (c.to_string(), n),
        None => {
            let c = cluster?;
            let c = Arn::parse(c)
                .and_then(|ca| ca.resource.strip_prefix("cluster/").map(str::to_string))
                .unwrap_or_else(|| c.to_string());
            (c, rest)
        }
    };
    Some(format!(
        "ecs_service:{}:{}:{cluster}/{name}",
        a.region, a.account
    ))
}

/// Route 53 names as comparable text: lower case, no trailing dot, octal escapes
/// (`\052` for `*`, `\100` for `@`) decoded.
pub fn dns_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let b = name.trim().trim_end_matches('.').as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 4 <= b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
            out.push(v as char);
            i += 4;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out.to_ascii_lowercase()
}

fn record_key(zone: &str, name: &str, ty: &str, set: Option<&str>) -> String {
    let mut k = format!(
        "r53:{}/{}/{}",
        zone.trim_start_matches("/hostedzone/").to_ascii_uppercase(),
        dns_name(name),
        ty.to_ascii_uppercase()
    );
    if let Some(set) = set.filter(|s| !s.is_empty()) {
        k.push('/');
        k.push_str(set);
    }
    k
}

/// Where a name-only state resource lives: from its ARN, its identity, its `region`.
fn place(
    attrs: &serde_json::Map<String, Value>,
    identity: &serde_json::Map<String, Value>,
) -> (String, String) {
    if let Some(a) = s(attrs, "arn").and_then(Arn::parse) {
        return (a.region.to_string(), a.account.to_string());
    }
    let region = s(identity, "region").or(s(attrs, "region")).unwrap_or("*");
    let account = s(identity, "account_id").unwrap_or("*");
    (region.to_string(), account.to_string())
}

/// The keys of one managed state instance of `ty` (identifier attributes and identity as
/// the IaC source stored them), most specific first.
pub fn state_keys(
    ty: &str,
    attrs: &serde_json::Map<String, Value>,
    identity: &serde_json::Map<String, Value>,
) -> Vec<String> {
    let mut keys = Vec::new();
    let kind = kind_of_type(ty);
    match kind {
        Some(Kind::EcsService) => {
            if let Some(k) = s(attrs, "arn")
                .or(s(attrs, "id"))
                .and_then(|a| ecs_service_key(a, s(attrs, "cluster")))
            {
                keys.push(k);
            }
        }
        Some(Kind::S3Bucket) => {
            if let Some(b) = s(attrs, "bucket").or(s(attrs, "id")) {
                keys.push(format!("s3:{b}"));
            }
        }
        Some(Kind::CloudfrontDistribution) => {
            if let Some(id) = s(attrs, "id") {
                keys.push(format!("cloudfront:{id}"));
            }
        }
        Some(Kind::Route53Zone) => {
            if let Some(z) = s(attrs, "zone_id").or(s(attrs, "id")) {
                keys.push(format!("r53zone:{}", z.to_ascii_uppercase()));
            }
        }
        Some(Kind::Route53Record) => {
            // The state `id` holds the name as written in the config (may be relative).
            if let (Some(z), Some(n), Some(t)) = (
                s(attrs, "zone_id"),
                s(attrs, "fqdn").or(s(attrs, "name")),
                s(attrs, "type"),
            ) {
                keys.push(record_key(z, n, t, s(attrs, "set_identifier")));
            }
        }
        Some(Kind::SsmParameter | Kind::LogGroup) => {
            if let Some(n) = s(attrs, "name") {
                let (r, a) = place(attrs, identity);
                let svc = if kind == Some(Kind::SsmParameter) {
                    "ssm"
                } else {
                    "logs"
                };
                keys.push(format!("{svc}:{r}:{a}:{n}"));
            }
        }
        Some(Kind::Schedule) => {
            let gn = match (s(attrs, "group_name"), s(attrs, "name")) {
                (Some(g), Some(n)) => Some(format!("{g}/{n}")),
                _ => s(attrs, "id")
                    .filter(|i| i.contains('/'))
                    .map(str::to_string),
            };
            if let Some(gn) = gn {
                let (r, a) = place(attrs, identity);
                keys.push(format!("schedule:{r}:{a}:{gn}"));
            }
        }
        _ => {}
    }
    // The ARN itself (never `id` for RDS: a DbiResourceId since provider v5).
    if let Some(arn) = s(attrs, "arn") {
        keys.push(arn_key(arn));
    } else if !matches!(kind, Some(Kind::RdsInstance | Kind::TaskDefinition) | None)
        && let Some(id) = s(attrs, "id").filter(|i| i.starts_with("arn:"))
    {
        keys.push(arn_key(id));
    }
    keys
}

/// A task definition family key (`td_family:<region>:<account>:<family>`), for revisions
/// Terraform no longer tracks.
pub fn state_family(ty: &str, attrs: &serde_json::Map<String, Value>) -> Option<String> {
    if ty != "aws_ecs_task_definition" {
        return None;
    }
    let a = Arn::parse(s(attrs, "arn")?)?;
    let family = s(attrs, "family").map(str::to_string).or_else(|| {
        a.resource
            .strip_prefix("task-definition/")
            .and_then(|r| r.rsplit_once(':'))
            .map(|(f, _)| f.to_string())
    })?;
    Some(format!("td_family:{}:{}:{family}", a.region, a.account))
}

pub fn aws_family(r: &Resource) -> Option<String> {
    if r.kind != Kind::TaskDefinition {
        return None;
    }
    let a = Arn::parse(r.id.as_str().strip_prefix("aws:")?)?;
    let family = r.attr_str("family").map(str::to_string).or_else(|| {
        a.resource
            .strip_prefix("task-definition/")
            .and_then(|x| x.rsplit_once(':'))
            .map(|(f, _)| f.to_string())
    })?;
    Some(format!("td_family:{}:{}:{family}", a.region, a.account))
}

/// The keys of an AWS resource in Ferry's inventory; name keys also with `*` for the
/// region and account, so a state that does not say where a name lives still finds it.
pub fn aws_keys(r: &Resource) -> Vec<String> {
    let mut keys = Vec::new();
    let region = r.scope.region.as_deref().unwrap_or("*");
    let account = r.scope.account.as_str();
    let named = |svc: &str, name: &str, keys: &mut Vec<String>| {
        for (rg, ac) in [(region, account), (region, "*"), ("*", account), ("*", "*")] {
            keys.push(format!("{svc}:{rg}:{ac}:{name}"));
        }
    };
    match r.kind {
        Kind::EcsService => {
            if let Some(k) = r
                .attr_str("serviceArn")
                .or(r.id.as_str().strip_prefix("aws:"))
                .and_then(|a| ecs_service_key(a, r.attr_str("clusterArn")))
            {
                keys.push(k);
            }
        }
        Kind::S3Bucket => keys.push(format!("s3:{}", r.attr_str("Name").unwrap_or(&r.name))),
        Kind::CloudfrontDistribution => keys.push(format!(
            "cloudfront:{}",
            r.attr_str("Id").unwrap_or(&r.name)
        )),
        Kind::Route53Zone => {
            let id = r.attr_str("Id").unwrap_or(r.id.as_str());
            let zid = id.rsplit('/').next().unwrap_or(id);
            keys.push(format!("r53zone:{}", zid.to_ascii_uppercase()));
        }
        Kind::Route53Record => {
            let zone = r
                .parent
                .as_ref()
                .and_then(|p| p.as_str().rsplit('/').next())
                .unwrap_or("");
            if let (Some(n), Some(t)) = (r.attr_str("Name"), r.attr_str("Type")) {
                keys.push(record_key(zone, n, t, r.attr_str("SetIdentifier")));
            }
        }
        Kind::SsmParameter => named("ssm", r.attr_str("Name").unwrap_or(&r.name), &mut keys),
        Kind::LogGroup => named(
            "logs",
            r.attr_str("logGroupName").unwrap_or(&r.name),
            &mut keys,
        ),
        Kind::Schedule => {
            let group = r.attr_str("GroupName").unwrap_or("default");
            let name = r.attr_str("Name").unwrap_or(&r.name);
            named("schedule", &format!("{group}/{name}"), &mut keys);
        }
        _ => {}
    }
    if let Some(arn) =
        r.id.as_str()
            .strip_prefix("aws:")
            .filter(|a| a.starts_with("arn:"))
    {
        keys.push(arn_key(arn));
    }
    keys
}

#[cfg(test)]
mod tests;
