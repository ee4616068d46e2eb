//! A *part* of an AWS fetch: one service in one region (or, for global services, once per
//! account). Parts succeed or fail on their own, so AccessDenied on MSK or a throttled
//! ECS never costs the rest of the account.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::sdk::Clients;
use crate::model::{Attrs, Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope};
use crate::sources::progress::Counters;

/// The region global services are called in, and the scope region their resources get.
pub const GLOBAL_CALL_REGION: &str = "us-east-1";
pub const GLOBAL_SCOPE: &str = "global";

macro_rules! services {
    ($( $variant:ident => ($name:literal, $title:literal, global: $global:literal, [$($kind:ident),*]) ),+ $(,)?) => {
        /// The AWS services Ferry reads. `name` is the key in `[aws.concurrency]` and
        /// `aws.skip_services`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Service { $($variant,)+ }

        impl Service {
            pub const ALL: &'static [Service] = &[$(Service::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Service::$variant => $name,)+ }
            }

            /// As in messages ("MSK in eu-west-1 is unavailable").
            pub fn title(self) -> &'static str {
                match self { $(Service::$variant => $title,)+ }
            }

            /// Called once per account from us-east-1 rather than in every region.
            pub fn is_global(self) -> bool {
                match self { $(Service::$variant => $global,)+ }
            }

            /// The kinds this service's part produces (for stale carry-over when it fails).
            pub fn kinds(self) -> &'static [Kind] {
                match self { $(Service::$variant => &[$(Kind::$kind),*],)+ }
            }
        }
    };
}

services! {
    Ecs => ("ecs", "ECS", global: false, [EcsCluster, EcsService, TaskDefinition]),
    Elbv2 => ("elbv2", "ELB", global: false, [LoadBalancer, TargetGroup, Listener, ListenerRule]),
    Rds => ("rds", "RDS", global: false, [RdsInstance, RdsCluster]),
    Elasticache => ("elasticache", "ElastiCache", global: false, [ElasticacheReplicationGroup, ElasticacheCluster]),
    ElasticacheServerless => ("elasticache_serverless", "ElastiCache Serverless", global: false, [ElasticacheServerless]),
    Msk => ("msk", "MSK", global: false, [MskCluster]),
    Acm => ("acm", "ACM", global: false, [AcmCertificate]),
    Ssm => ("ssm", "SSM Parameter Store", global: false, [SsmParameter]),
    SecretsManager => ("secretsmanager", "Secrets Manager", global: false, [Secret]),
    Logs => ("logs", "CloudWatch Logs", global: false, [LogGroup]),
    Scheduler => ("scheduler", "EventBridge Scheduler", global: false, [Schedule]),
    Events => ("events", "EventBridge", global: false, [EventRule]),
    Ecr => ("ecr", "ECR", global: false, [EcrRepository]),
    Tagging => ("tagging", "Resource Groups Tagging", global: false, [TaggedResource]),
    S3 => ("s3", "S3", global: true, [S3Bucket]),
    CloudFront => ("cloudfront", "CloudFront", global: true, [CloudfrontDistribution]),
    Route53 => ("route53", "Route 53", global: true, [Route53Zone, Route53Record]),
}

/// Where a part runs: a region, or the account's global services.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Region(String),
    Global,
}

impl Place {
    pub fn display(&self) -> &str {
        match self {
            Place::Region(r) => r,
            Place::Global => GLOBAL_SCOPE,
        }
    }
}

/// Resources and links one part found.
#[derive(Debug, Default)]
pub struct Batch {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    /// Tags by ARN (from the tagging API), merged into resources at the end.
    pub tags: BTreeMap<String, BTreeMap<String, String>>,
}

impl Batch {
    pub fn link(&mut self, from: &ResourceId, to: ResourceId, kind: LinkKind) {
        self.links.push(Link {
            from: from.clone(),
            to,
            kind,
        });
    }

    pub fn extend(&mut self, other: Batch) {
        self.resources.extend(other.resources);
        self.links.extend(other.links);
        for (arn, tags) in other.tags {
            self.tags.entry(arn).or_default().extend(tags);
        }
    }
}

/// Everything a service collector needs: clients for its region, the account, limits.
pub struct Ctx {
    pub clients: Clients,
    pub account: String,
    /// The region the clients call.
    pub region: String,
    /// The region written into the resources' scope (`global` for CloudFront, Route 53).
    pub scope_region: String,
    pub now: DateTime<Utc>,
    pub counters: Arc<Counters>,
    pub limit: Arc<Semaphore>,
    /// Requests in flight for describe fan-outs (the semaphore is the real bound).
    pub concurrency: usize,
}

impl Ctx {
    /// A context whose clients point nowhere, for tests of the mapping functions.
    #[cfg(test)]
    pub fn for_tests(region: &str, account: &str) -> Ctx {
        let conf = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_string()))
            .build();
        Ctx {
            clients: Clients::new(&conf, region, &Default::default(), &Default::default()),
            account: account.to_string(),
            region: region.to_string(),
            scope_region: region.to_string(),
            now: Utc::now(),
            counters: Arc::new(Counters::new("test", crate::sources::progress::discard())),
            limit: Arc::new(Semaphore::new(1)),
            concurrency: 1,
        }
    }

    /// Waits for a request slot of this part's service in this region.
    pub async fn permit(&self) -> SemaphorePermit<'_> {
        self.limit
            .acquire()
            .await
            .expect("the limit is never closed")
    }

    /// Counts one page or call for `kind` in the progress display.
    pub fn page(&self, kind: Kind, items: usize) {
        self.counters.record(kind.as_str(), 1, items as u64, None);
    }

    pub fn scope(&self) -> Scope {
        self.scope_in(&self.scope_region)
    }

    pub fn scope_in(&self, region: &str) -> Scope {
        Scope {
            account: self.account.clone(),
            region: Some(region.to_string()),
            ..Scope::default()
        }
    }

    /// A resource identified by its ARN, in this part's scope.
    pub fn resource(&self, kind: Kind, arn: &str, name: &str, attrs: Attrs) -> Resource {
        Resource {
            id: ResourceId::from_arn(arn),
            provider: Provider::Aws,
            kind,
            name: name.to_string(),
            parent: None,
            scope: self.scope(),
            attrs,
            tags: BTreeMap::new(),
            fetched_at: self.now,
        }
    }
}

/// Builds attributes under the AWS API's own field names, leaving out what is absent.
#[derive(Default)]
pub struct AttrsBuilder(Attrs);

impl AttrsBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn str(mut self, key: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::from(v));
        }
        self
    }

    pub fn num(mut self, key: &str, v: Option<i64>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::from(v));
        }
        self
    }

    pub fn bool(mut self, key: &str, v: Option<bool>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::from(v));
        }
        self
    }

    /// Strings; an empty list is left out like an absent one.
    pub fn strs<S: AsRef<str>>(mut self, key: &str, v: &[S]) -> Self {
        if !v.is_empty() {
            let list = v.iter().map(|s| Value::from(s.as_ref())).collect();
            self.0.insert(key.into(), Value::Array(list));
        }
        self
    }

    pub fn time(self, key: &str, v: Option<&aws_smithy_types::DateTime>) -> Self {
        let s = v.and_then(format_time);
        self.str(key, s.as_deref())
    }

    /// Any JSON value; `null`, `{}` and `[]` are left out.
    pub fn json(mut self, key: &str, v: Value) -> Self {
        let empty = match &v {
            Value::Null => true,
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if !empty {
            self.0.insert(key.into(), v);
        }
        self
    }

    pub fn build(self) -> Attrs {
        self.0
    }
}

/// RFC 3339 in UTC, as the demo estate and the rest of Ferry write times.
pub fn format_time(t: &aws_smithy_types::DateTime) -> Option<String> {
    DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos())
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Key/value tag lists (most services) as a flat map.
pub fn tag_map<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aws_kind_but_the_account_belongs_to_one_service() {
        for kind in Kind::ALL.iter().filter(|k| k.provider() == Provider::Aws) {
            let owners = Service::ALL
                .iter()
                .filter(|s| s.kinds().contains(kind))
                .count();
            let expected = usize::from(*kind != Kind::AwsAccount);
            assert_eq!(owners, expected, "{kind}");
        }
    }

    #[test]
    fn attrs_leave_out_what_is_absent_or_empty() {
        let a = AttrsBuilder::new()
            .str("a", Some("x"))
            .str("b", None)
            .strs::<&str>("c", &[])
            .json("d", serde_json::json!({}))
            .num("e", Some(3))
            .time(
                "f",
                Some(&aws_smithy_types::DateTime::from_secs(1_795_000_000)),
            )
            .build();
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::json!({"a": "x", "e": 3, "f": "2026-11-18T11:06:40Z"})
        );
    }
}
