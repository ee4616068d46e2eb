//! Resource kinds. One table describes every kind so the tree, the CLI and later the
//! gap analysis read the same facts (provider, label, AWS service group).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::Provider;

macro_rules! kinds {
    ($( $variant:ident => ($name:literal, $provider:ident, $label:literal, $service:literal) ),+ $(,)?) => {
        /// What a resource is. The serialized name (snake_case) is stable: it is stored in the
        /// cache, the snapshot files and the ledger.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Kind {
            $( #[serde(rename = $name)] $variant, )+
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),+];

            /// The stable snake_case name, as in the cache and JSON output.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name,)+ }
            }

            pub fn provider(self) -> Provider {
                match self { $(Kind::$variant => Provider::$provider,)+ }
            }

            /// Human plural label for tree groups ("DNS records").
            pub fn label(self) -> &'static str {
                match self { $(Kind::$variant => $label,)+ }
            }

            /// AWS service grouping for the tree ("ECS", "ELB"); empty for other providers.
            pub fn service(self) -> &'static str {
                match self { $(Kind::$variant => $service,)+ }
            }
        }
    };
}

kinds! {
    // Heroku
    HerokuAccount => ("heroku_account", Heroku, "Accounts", ""),
    Team => ("team", Heroku, "Teams", ""),
    App => ("app", Heroku, "Apps", ""),
    Formation => ("formation", Heroku, "Process types", ""),
    Addon => ("addon", Heroku, "Add-ons", ""),
    AddonAttachment => ("addon_attachment", Heroku, "Add-on attachments", ""),
    ConfigVars => ("config_vars", Heroku, "Config vars", ""),
    Domain => ("domain", Heroku, "Domains", ""),
    SniEndpoint => ("sni_endpoint", Heroku, "SNI endpoints", ""),
    LogDrain => ("log_drain", Heroku, "Log drains", ""),
    TelemetryDrain => ("telemetry_drain", Heroku, "Telemetry drains", ""),
    Buildpack => ("buildpack", Heroku, "Buildpacks", ""),
    Release => ("release", Heroku, "Releases", ""),
    Pipeline => ("pipeline", Heroku, "Pipelines", ""),
    PipelineCoupling => ("pipeline_coupling", Heroku, "Pipeline stages", ""),
    Space => ("space", Heroku, "Spaces", ""),
    DynoSize => ("heroku_dyno_size", Heroku, "Dyno sizes", ""),
    // Cloudflare
    CfAccount => ("cf_account", Cloudflare, "Accounts", ""),
    Zone => ("zone", Cloudflare, "Zones", ""),
    DnsRecord => ("dns_record", Cloudflare, "DNS records", ""),
    PageRule => ("page_rule", Cloudflare, "Page rules", ""),
    Ruleset => ("ruleset", Cloudflare, "Rulesets", ""),
    WorkerScript => ("worker_script", Cloudflare, "Workers", ""),
    WorkerRoute => ("worker_route", Cloudflare, "Worker routes", ""),
    R2Bucket => ("r2_bucket", Cloudflare, "R2 buckets", ""),
    CfLoadBalancer => ("cf_load_balancer", Cloudflare, "Load balancers", ""),
    CfPool => ("cf_pool", Cloudflare, "Origin pools", ""),
    CertificatePack => ("certificate_pack", Cloudflare, "Certificate packs", ""),
    CustomHostname => ("custom_hostname", Cloudflare, "Custom hostnames", ""),
    // AWS
    AwsAccount => ("aws_account", Aws, "Accounts", "Account"),
    EcsCluster => ("ecs_cluster", Aws, "Clusters", "ECS"),
    EcsService => ("ecs_service", Aws, "Services", "ECS"),
    TaskDefinition => ("task_definition", Aws, "Task definitions", "ECS"),
    LoadBalancer => ("load_balancer", Aws, "Load balancers", "ELB"),
    TargetGroup => ("target_group", Aws, "Target groups", "ELB"),
    Listener => ("listener", Aws, "Listeners", "ELB"),
    ListenerRule => ("listener_rule", Aws, "Listener rules", "ELB"),
    RdsInstance => ("rds_instance", Aws, "DB instances", "RDS"),
    RdsCluster => ("rds_cluster", Aws, "DB clusters", "RDS"),
    ElasticacheReplicationGroup => ("elasticache_replication_group", Aws, "Replication groups", "ElastiCache"),
    ElasticacheCluster => ("elasticache_cluster", Aws, "Cache clusters", "ElastiCache"),
    ElasticacheServerless => ("elasticache_serverless", Aws, "Serverless caches", "ElastiCache"),
    MskCluster => ("msk_cluster", Aws, "MSK clusters", "MSK"),
    S3Bucket => ("s3_bucket", Aws, "Buckets", "S3"),
    CloudfrontDistribution => ("cloudfront_distribution", Aws, "Distributions", "CloudFront"),
    AcmCertificate => ("acm_certificate", Aws, "Certificates", "ACM"),
    Route53Zone => ("route53_zone", Aws, "Hosted zones", "Route 53"),
    Route53Record => ("route53_record", Aws, "Records", "Route 53"),
    SsmParameter => ("ssm_parameter", Aws, "Parameters", "SSM"),
    Secret => ("secret", Aws, "Secrets", "Secrets Manager"),
    LogGroup => ("log_group", Aws, "Log groups", "CloudWatch Logs"),
    Schedule => ("schedule", Aws, "Schedules", "EventBridge"),
    EventRule => ("event_rule", Aws, "Rules", "EventBridge"),
    EcrRepository => ("ecr_repository", Aws, "Repositories", "ECR"),
    TaggedResource => ("tagged_resource", Aws, "Other tagged resources", "Tagged"),
    // Semaphore (CI/CD)
    SemaphoreOrg => ("semaphore_org", Semaphore, "Organisations", ""),
    SemaphoreProject => ("semaphore_project", Semaphore, "Projects", ""),
    SemaphorePipeline => ("semaphore_pipeline", Semaphore, "Pipelines", ""),
    SemaphorePromotion => ("semaphore_promotion", Semaphore, "Promotions", ""),
    SemaphoreTask => ("semaphore_task", Semaphore, "Tasks", ""),
    SemaphoreDeploymentTarget => ("semaphore_deployment_target", Semaphore, "Deployment targets", ""),
    SemaphoreSecret => ("semaphore_secret", Semaphore, "Secrets", ""),
    SemaphoreNotification => ("semaphore_notification", Semaphore, "Notifications", ""),
    SemaphoreAgentType => ("semaphore_agent_type", Semaphore, "Agent types", ""),
    // IaC (Terraform / OpenTofu / Terragrunt states)
    IacState => ("iac_state", Iac, "States", ""),
    IacResource => ("iac_resource", Iac, "State resources", ""),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parsing error for `--kind`; lists the valid names so the user can fix the typo.
#[derive(Debug, thiserror::Error)]
#[error("unknown kind `{0}`; valid kinds: {valid}", valid = Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            let back: Kind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *kind);
            assert_eq!(kind.as_str().parse::<Kind>().unwrap(), *kind);
        }
    }

    #[test]
    fn unknown_kind_lists_valid_names() {
        let err = "dynos".parse::<Kind>().unwrap_err().to_string();
        assert!(err.contains("unknown kind `dynos`"), "{err}");
        assert!(err.contains("formation"), "{err}");
    }

    #[test]
    fn aws_kinds_have_a_service_and_others_do_not() {
        for kind in Kind::ALL {
            assert_eq!(
                kind.provider() == Provider::Aws,
                !kind.service().is_empty(),
                "{kind}"
            );
        }
    }
}
