//! An imported AWS resource cut down to what a fetch keeps.
//!
//! The AWS source builds attributes from SDK types field by field (`services/*.rs`), so
//! its allowlist is that code; this file states the same fields as paths, per kind, for
//! attributes that arrive as JSON. `tests/import_sanitise.rs` fetches an estate from moto,
//! exports it and imports it again: a field the collectors keep and this list lacks fails
//! there. A few fields only the demo estate carries (public facts, no secrets) are listed
//! too, so the demo imports unchanged.
//!
//! Beyond the lists: container environment keeps names only, log options of drivers other
//! than `awslogs` keep their names only (FireLens and Splunk options hold API keys), and
//! schedule and rule targets never keep `Input`, exactly as a fetch.

use serde_json::{Map, Value};

use crate::model::{Kind, Resource};
use crate::sources::allowlist::{Obj, pick};

const ENDPOINT: [&str; 2] = ["Address", "Port"];

/// The attribute paths a fetch writes for `kind` (see `allowlist::pick` for the syntax).
fn fields(kind: Kind) -> Vec<String> {
    let list: &[&str] = match kind {
        // `AccountAliases`: the demo estate's.
        Kind::AwsAccount => &["Account", "Profile", "Regions", "AccountAliases"],
        Kind::EcsCluster => &[
            "clusterName",
            "clusterArn",
            "status",
            "capacityProviders",
            "activeServicesCount",
            "runningTasksCount",
            "pendingTasksCount",
        ],
        Kind::EcsService => &[
            "serviceName",
            "serviceArn",
            "clusterArn",
            "taskDefinition",
            "desiredCount",
            "runningCount",
            "pendingCount",
            "launchType",
            "capacityProviderStrategy[].capacityProvider",
            "capacityProviderStrategy[].weight",
            "capacityProviderStrategy[].base",
            "platformVersion",
            "status",
            "schedulingStrategy",
            "loadBalancers[].targetGroupArn",
            "loadBalancers[].loadBalancerName",
            "loadBalancers[].containerName",
            "loadBalancers[].containerPort",
            "networkConfiguration.awsvpcConfiguration.subnets",
            "networkConfiguration.awsvpcConfiguration.securityGroups",
            "networkConfiguration.awsvpcConfiguration.assignPublicIp",
            "createdAt",
        ],
        Kind::TaskDefinition => &[
            "family",
            "revision",
            "taskDefinitionArn",
            "status",
            "cpu",
            "memory",
            "networkMode",
            "requiresCompatibilities",
            "executionRoleArn",
            "taskRoleArn",
            "registeredAt",
            "containerDefinitions[].name",
            "containerDefinitions[].image",
            "containerDefinitions[].essential",
            "containerDefinitions[].cpu",
            "containerDefinitions[].memory",
            "containerDefinitions[].memoryReservation",
            "containerDefinitions[].portMappings[].containerPort",
            "containerDefinitions[].portMappings[].hostPort",
            "containerDefinitions[].portMappings[].protocol",
            "containerDefinitions[].environment[].name",
            "containerDefinitions[].environmentFiles[].value",
            "containerDefinitions[].environmentFiles[].type",
            "containerDefinitions[].secrets[].name",
            "containerDefinitions[].secrets[].valueFrom",
            "containerDefinitions[].logConfiguration.logDriver",
            "containerDefinitions[].logConfiguration.options",
            "containerDefinitions[].logConfiguration.optionNames",
            "containerDefinitions[].logConfiguration.secretOptions[].name",
            "containerDefinitions[].logConfiguration.secretOptions[].valueFrom",
        ],
        Kind::LoadBalancer => &[
            "LoadBalancerArn",
            "LoadBalancerName",
            "DNSName",
            "CanonicalHostedZoneId",
            "Type",
            "Scheme",
            "State.Code",
            "VpcId",
            "IpAddressType",
            "AvailabilityZones[].ZoneName",
            "AvailabilityZones[].SubnetId",
            "SecurityGroups",
            "CreatedTime",
        ],
        Kind::TargetGroup => &[
            "TargetGroupArn",
            "TargetGroupName",
            "Protocol",
            "Port",
            "VpcId",
            "TargetType",
            "HealthCheckProtocol",
            "HealthCheckPath",
            "LoadBalancerArns",
            // The demo estate's.
            "HealthCheckIntervalSeconds",
            "Matcher.HttpCode",
        ],
        Kind::Listener => &[
            "ListenerArn",
            "LoadBalancerArn",
            "Port",
            "Protocol",
            "Certificates[].CertificateArn",
            "Certificates[].IsDefault",
            "SslPolicy",
        ],
        Kind::ListenerRule => &[
            "RuleArn",
            "Priority",
            "IsDefault",
            "Conditions[].Field",
            "Conditions[].Values",
            "Conditions[].HostHeaderConfig.Values",
            "Conditions[].PathPatternConfig.Values",
        ],
        Kind::RdsInstance => &[
            "DBInstanceIdentifier",
            "DBInstanceArn",
            "Engine",
            "EngineVersion",
            "DBInstanceClass",
            "DBInstanceStatus",
            "MultiAZ",
            "AllocatedStorage",
            "StorageType",
            "StorageEncrypted",
            "PubliclyAccessible",
            "DBName",
            "DBClusterIdentifier",
            "InstanceCreateTime",
            // The demo estate's.
            "BackupRetentionPeriod",
            "EnabledCloudwatchLogsExports",
        ],
        Kind::RdsCluster => &[
            "DBClusterIdentifier",
            "DBClusterArn",
            "Engine",
            "EngineVersion",
            "Status",
            "Endpoint",
            "ReaderEndpoint",
            "Port",
            "MultiAZ",
            "StorageEncrypted",
            "DBClusterMembers[].DBInstanceIdentifier",
            "DBClusterMembers[].IsClusterWriter",
            "ClusterCreateTime",
        ],
        Kind::ElasticacheReplicationGroup => &[
            "ReplicationGroupId",
            "ARN",
            "Description",
            "Status",
            "CacheNodeType",
            "Engine",
            "MemberClusters",
            "NodeGroups[].NodeGroupId",
            "NodeGroups[].Status",
            "AutomaticFailover",
            "MultiAZ",
            "ClusterEnabled",
            "TransitEncryptionEnabled",
            "AtRestEncryptionEnabled",
            "ReplicationGroupCreateTime",
        ],
        Kind::ElasticacheCluster => &[
            "CacheClusterId",
            "ARN",
            "CacheNodeType",
            "Engine",
            "EngineVersion",
            "CacheClusterStatus",
            "NumCacheNodes",
            "ReplicationGroupId",
            "PreferredAvailabilityZone",
            "CacheClusterCreateTime",
        ],
        Kind::ElasticacheServerless => &[
            "ServerlessCacheName",
            "ARN",
            "Description",
            "Engine",
            "FullEngineVersion",
            "Status",
            "CreateTime",
        ],
        Kind::MskCluster => &[
            "ClusterName",
            "ClusterArn",
            "ClusterType",
            "State",
            "CurrentVersion",
            "Provisioned.NumberOfBrokerNodes",
            "Provisioned.InstanceType",
            "Provisioned.KafkaVersion",
            "CreationTime",
        ],
        Kind::AcmCertificate => &[
            "CertificateArn",
            "DomainName",
            "SubjectAlternativeNames",
            "Status",
            "Type",
            "KeyAlgorithm",
            "InUseBy",
            "IssuedAt",
            "NotBefore",
            "NotAfter",
            "RenewalEligibility",
            "DomainValidationOptions[].DomainName",
            "DomainValidationOptions[].ValidationMethod",
            "DomainValidationOptions[].ValidationStatus",
            "DomainValidationOptions[].ResourceRecord.Name",
            "DomainValidationOptions[].ResourceRecord.Type",
        ],
        Kind::SsmParameter => &[
            "Name",
            "ARN",
            "Type",
            "DataType",
            "Tier",
            "Version",
            "Description",
            "LastModifiedDate",
            "LastModifiedUser",
        ],
        Kind::Secret => &[
            "Name",
            "ARN",
            "Description",
            "KmsKeyId",
            "RotationEnabled",
            "CreatedDate",
            "LastChangedDate",
            "LastAccessedDate",
        ],
        Kind::LogGroup => &[
            "logGroupName",
            "arn",
            "logGroupArn",
            "retentionInDays",
            "creationTime",
            "logGroupClass",
            // The demo estate's.
            "storedBytes",
        ],
        Kind::Schedule => &[
            "Name",
            "GroupName",
            "Arn",
            "Description",
            "ScheduleExpression",
            "ScheduleExpressionTimezone",
            "State",
            "FlexibleTimeWindow.Mode",
            "Target.Arn",
            "Target.RoleArn",
            "Target.EcsParameters.TaskDefinitionArn",
            "Target.EcsParameters.TaskCount",
            "Target.EcsParameters.LaunchType",
            "CreationDate",
            "LastModificationDate",
        ],
        Kind::EventRule => &[
            "Name",
            "Arn",
            "Description",
            "State",
            "ScheduleExpression",
            "EventPattern",
            "EventBusName",
            "Targets[].Id",
            "Targets[].Arn",
            "Targets[].RoleArn",
            "Targets[].EcsParameters.TaskDefinitionArn",
            "Targets[].EcsParameters.TaskCount",
            "Targets[].EcsParameters.LaunchType",
        ],
        Kind::EcrRepository => &[
            "repositoryName",
            "repositoryArn",
            "repositoryUri",
            "registryId",
            "imageTagMutability",
            "imageScanningConfiguration.scanOnPush",
            "createdAt",
        ],
        Kind::TaggedResource => &["ResourceARN", "Service", "ResourceType"],
        Kind::S3Bucket => &["Name", "BucketRegion", "CreationDate"],
        Kind::CloudfrontDistribution => &[
            "Id",
            "ARN",
            "DomainName",
            "Status",
            "Enabled",
            "Comment",
            "Aliases.Quantity",
            "Aliases.Items",
            "Origins.Quantity",
            "Origins.Items[].Id",
            "Origins.Items[].DomainName",
            "Origins.Items[].OriginPath",
            "Origins.Items[].OriginAccessControlId",
            "DefaultCacheBehavior.TargetOriginId",
            "DefaultCacheBehavior.ViewerProtocolPolicy",
            "ViewerCertificate.ACMCertificateArn",
            "ViewerCertificate.SSLSupportMethod",
            "ViewerCertificate.MinimumProtocolVersion",
            "PriceClass",
            "HttpVersion",
            "LastModifiedTime",
        ],
        Kind::Route53Zone => &[
            "Id",
            "Name",
            "CallerReference",
            "Config.Comment",
            "Config.PrivateZone",
            "ResourceRecordSetCount",
            // The demo estate's.
            "DelegationSet.NameServers",
        ],
        Kind::Route53Record => &[
            "Name",
            "Type",
            "TTL",
            "ResourceRecords[].Value",
            "AliasTarget.HostedZoneId",
            "AliasTarget.DNSName",
            "AliasTarget.EvaluateTargetHealth",
            "SetIdentifier",
            "Weight",
            "Region",
            "Failover",
        ],
        _ => &[],
    };
    let mut out: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    // Shared shapes: endpoints and ELB actions.
    let endpoints: &[&str] = match kind {
        Kind::RdsInstance | Kind::ElasticacheServerless => &["Endpoint", "ReaderEndpoint"],
        Kind::ElasticacheReplicationGroup => &[
            "ConfigurationEndpoint",
            "NodeGroups[].PrimaryEndpoint",
            "NodeGroups[].ReaderEndpoint",
        ],
        Kind::ElasticacheCluster => &["ConfigurationEndpoint"],
        _ => &[],
    };
    for e in endpoints {
        out.extend(ENDPOINT.iter().map(|f| format!("{e}.{f}")));
    }
    let actions = match kind {
        Kind::Listener => Some("DefaultActions"),
        Kind::ListenerRule => Some("Actions"),
        _ => None,
    };
    if let Some(a) = actions {
        for f in [
            "Type",
            "Order",
            "TargetGroupArn",
            "ForwardConfig.TargetGroups[].TargetGroupArn",
            "ForwardConfig.TargetGroups[].Weight",
            "RedirectConfig.Protocol",
            "RedirectConfig.Port",
            "RedirectConfig.Host",
            "RedirectConfig.Path",
            "RedirectConfig.Query",
            "RedirectConfig.StatusCode",
            "FixedResponseConfig.StatusCode",
            "FixedResponseConfig.ContentType",
        ] {
            out.push(format!("{a}[].{f}"));
        }
    }
    out
}

/// Replaces `r`'s attributes with the fields a fetch of its kind keeps. Tags stay (AWS
/// tags are the estate's own, and a fetch keeps them), except on the kinds a fetch never
/// tags.
pub fn resource(r: &mut Resource) {
    let obj: Obj = std::mem::take(&mut r.attrs).into_iter().collect();
    let paths = fields(r.kind);
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let mut kept: Obj = pick(&obj, &paths).into_iter().collect();
    if r.kind == Kind::TaskDefinition
        && let Some(Value::Array(containers)) = kept.get_mut("containerDefinitions")
    {
        for c in containers.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(log)) = c.get_mut("logConfiguration") {
                awslogs_options_only(log);
            }
        }
    }
    // `pick` leaves `null` where an object was expected and something else was found; a
    // fetch leaves such fields out.
    kept.retain(|_, v| !v.is_null());
    r.attrs = kept.into_iter().collect();
    if matches!(r.kind, Kind::AwsAccount | Kind::Route53Record) {
        r.tags.clear();
    }
}

/// `awslogs-*` options are plain settings; any other option moves to `optionNames`,
/// name only, as the ECS collector stores it.
fn awslogs_options_only(log: &mut Map<String, Value>) {
    let Some(Value::Object(options)) = log.remove("options") else {
        return;
    };
    let (plain, other): (Map<String, Value>, Map<String, Value>) = options
        .into_iter()
        .partition(|(k, v)| k.starts_with("awslogs-") && v.is_string());
    if !plain.is_empty() {
        log.insert("options".into(), Value::Object(plain));
    }
    if !other.is_empty() {
        let names = log
            .entry("optionNames")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = names {
            list.extend(other.into_iter().map(|(k, _)| Value::from(k)));
            list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            list.dedup();
        } else {
            *names = Value::Array(Vec::new());
        }
    }
    if let Some(Value::Array(list)) = log.get_mut("optionNames") {
        list.retain(Value::is_string);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, ResourceId, Scope};
    use serde_json::json;

    fn res(kind: Kind, attrs: Value) -> Resource {
        Resource {
            id: ResourceId::from_arn("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"),
            provider: Provider::Aws,
            kind,
            name: "web:7".into(),
            parent: None,
            scope: Scope::default(),
            attrs: serde_json::from_value(attrs).unwrap(),
            tags: [("team".to_string(), "platform".to_string())].into(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn task_definitions_keep_environment_names_and_awslogs_options_only() {
        let mut r = res(
            Kind::TaskDefinition,
            json!({"family": "web", "revision": 7, "password": "p4ss",
            "containerDefinitions": [{
                "name": "web", "image": "nginx", "command": ["--token", "t0ken"],
                "environment": [{"name": "DATABASE_URL", "value": "postgres://u:p4ss@h/db"}],
                "logConfiguration": {"logDriver": "awsfirelens",
                    "options": {"awslogs-group": "/ecs/web", "apikey": "dd-k3y"}}
            }]}),
        );
        resource(&mut r);
        let text = serde_json::to_string(&r).unwrap();
        for secret in ["p4ss", "t0ken", "dd-k3y"] {
            assert!(!text.contains(secret), "{text}");
        }
        let c = &r.attrs["containerDefinitions"][0];
        assert_eq!(c["environment"], json!([{"name": "DATABASE_URL"}]));
        assert_eq!(
            c["logConfiguration"],
            json!({"logDriver": "awsfirelens", "options": {"awslogs-group": "/ecs/web"},
                   "optionNames": ["apikey"]})
        );
        assert_eq!(r.tags["team"], "platform");
    }

    #[test]
    fn parameters_and_schedules_never_keep_values_or_input() {
        let mut p = res(
            Kind::SsmParameter,
            json!({"Name": "/acme/db", "Type": "SecureString", "Value": "s3cr3t"}),
        );
        resource(&mut p);
        assert!(!p.attrs.contains_key("Value"));
        let mut s = res(
            Kind::Schedule,
            json!({"Name": "n", "Target": {"Arn": "a", "Input": "{\"token\": \"s3cr3t\"}"}}),
        );
        resource(&mut s);
        assert_eq!(s.attrs["Target"], json!({"Arn": "a"}));
    }
}
