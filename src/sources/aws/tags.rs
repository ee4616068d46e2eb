//! Merging the tagging API's answer into an account's resources.
//!
//! Tags go onto the resource with the same ARN. An ARN no collector produced becomes a
//! `tagged_resource` (ARN and tags), so nothing the team tagged is invisible: an SNS topic,
//! a VPC, or an RDS instance whose part was not permitted. ARNs of a type whose own
//! listing succeeded are not added again: that listing is authoritative (older task
//! definition revisions, rules without ECS targets, deleted resources the index still has).

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use super::arn::Arn;
use super::part::{AttrsBuilder, Batch, GLOBAL_SCOPE, Service};
use crate::model::{Kind, Provider, Resource, ResourceId, Scope};

/// The service whose own listing produces resources of this tagging resource type.
pub fn collector_of(arn: &Arn) -> Option<Service> {
    let t = arn.resource_type();
    Some(match t.as_str() {
        "ecs:cluster" | "ecs:service" | "ecs:task-definition" => Service::Ecs,
        "elasticloadbalancing:loadbalancer"
        | "elasticloadbalancing:targetgroup"
        | "elasticloadbalancing:listener"
        | "elasticloadbalancing:listener-rule" => Service::Elbv2,
        "rds:db" | "rds:cluster" => Service::Rds,
        "elasticache:replicationgroup" | "elasticache:cluster" => Service::Elasticache,
        "elasticache:serverlesscache" => Service::ElasticacheServerless,
        // moto names serverless MSK clusters `serverless-cluster/…`.
        "kafka:cluster" | "kafka:serverless-cluster" => Service::Msk,
        "acm:certificate" => Service::Acm,
        "ssm:parameter" => Service::Ssm,
        "secretsmanager:secret" => Service::SecretsManager,
        "logs:log-group" => Service::Logs,
        "scheduler:schedule" => Service::Scheduler,
        "events:rule" => Service::Events,
        "ecr:repository" => Service::Ecr,
        "s3" => Service::S3,
        "cloudfront:distribution" => Service::CloudFront,
        "route53:hostedzone" => Service::Route53,
        _ => return None,
    })
}

pub fn merge(
    batch: &mut Batch,
    account: &str,
    covered: &HashSet<(Service, String)>,
    now: DateTime<Utc>,
) {
    let tags = std::mem::take(&mut batch.tags);
    let index: HashMap<ResourceId, usize> = batch
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for (arn, tag_set) in tags {
        let id = ResourceId::from_arn(&arn);
        if let Some(&i) = index.get(&id) {
            // The service's own tags were read at the same time; the index may lag.
            let r = &mut batch.resources[i];
            for (k, v) in tag_set {
                r.tags.entry(k).or_insert(v);
            }
            continue;
        }
        let Some(parsed) = Arn::parse(&arn) else {
            continue;
        };
        if let Some(service) = collector_of(&parsed) {
            let place = if service.is_global() {
                GLOBAL_SCOPE
            } else {
                parsed.region
            };
            if covered.contains(&(service, place.to_string())) {
                continue;
            }
        }
        let region = if parsed.region.is_empty() {
            GLOBAL_SCOPE
        } else {
            parsed.region
        };
        let attrs = AttrsBuilder::new()
            .str("ResourceARN", Some(&arn))
            .str("Service", Some(parsed.service))
            .str("ResourceType", Some(&parsed.resource_type()))
            .build();
        batch.resources.push(Resource {
            id,
            provider: Provider::Aws,
            kind: Kind::TaggedResource,
            name: parsed.short_name().to_string(),
            parent: None,
            scope: Scope {
                account: account.to_string(),
                region: Some(region.to_string()),
                ..Scope::default()
            },
            attrs,
            tags: tag_set,
            fetched_at: now,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tags_merge_and_unknown_types_become_tagged_resources() {
        let now = Utc::now();
        let db = "arn:aws:rds:eu-west-1:1:db:shop";
        let mut batch = Batch::default();
        batch.resources.push(Resource {
            id: ResourceId::from_arn(db),
            provider: Provider::Aws,
            kind: Kind::RdsInstance,
            name: "shop".into(),
            parent: None,
            scope: Scope::default(),
            attrs: Default::default(),
            tags: tags(&[("env", "prod")]),
            fetched_at: now,
        });
        batch
            .tags
            .insert(db.into(), tags(&[("env", "stale"), ("app", "shop")]));
        batch.tags.insert(
            "arn:aws:sns:eu-west-1:1:alerts".into(),
            tags(&[("app", "shop")]),
        );
        // Listed by a part that succeeded: not added again.
        batch.tags.insert(
            "arn:aws:ecs:eu-west-1:1:task-definition/web:1".into(),
            tags(&[]),
        );
        // Its part failed in eu-central-1: still visible.
        batch.tags.insert(
            "arn:aws:ecs:eu-central-1:1:task-definition/web:1".into(),
            tags(&[]),
        );
        let covered = HashSet::from([(Service::Ecs, "eu-west-1".to_string())]);
        merge(&mut batch, "1", &covered, now);
        assert_eq!(
            batch.resources[0].tags,
            tags(&[("env", "prod"), ("app", "shop")])
        );
        let extra: Vec<(&str, &str)> = batch.resources[1..]
            .iter()
            .map(|r| (r.name.as_str(), r.scope.region.as_deref().unwrap()))
            .collect();
        assert_eq!(extra, [("web:1", "eu-central-1"), ("alerts", "eu-west-1")]);
        assert_eq!(batch.resources[2].kind, Kind::TaggedResource);
        assert_eq!(batch.resources[2].attr_str("ResourceType"), Some("sns"));
    }
}
