//! Parsing of what moto cannot serve (so the integration tests cannot reach it), from
//! SDK values shaped like the AWS documentation's examples:
//! - DescribeServerlessCaches: moto answers 500.
//! - Cache clusters that belong to a replication group: moto does not list them.
//! - ListClustersV2 (MSK): moto writes times without a UTC offset, which the SDK rejects.
//! - ListBuckets' BucketRegion and GetBucketLocation's `EU`/empty answers.

use aws_sdk_elasticache::types::{CacheCluster, Endpoint, ServerlessCache};
use aws_sdk_kafka::types::{Cluster, ClusterState, ClusterType};
use aws_smithy_types::DateTime;

use super::super::part::Ctx;
use super::{data, global};
use crate::model::{Kind, ResourceId};

const R: &str = "eu-west-1";
const A: &str = "123456789012";

#[test]
fn serverless_caches_keep_name_engine_and_endpoints() {
    let ctx = Ctx::for_tests(R, A);
    let arn = format!("arn:aws:elasticache:{R}:{A}:serverlesscache:sessions");
    let cache = ServerlessCache::builder()
        .serverless_cache_name("sessions")
        .arn(&arn)
        .engine("valkey")
        .full_engine_version("8.0")
        .status("available")
        .endpoint(
            Endpoint::builder()
                .address("sessions-abc.serverless.euw1.cache.amazonaws.com")
                .port(6379)
                .build(),
        )
        .create_time(DateTime::from_secs(1_790_000_000))
        .build();
    let r = data::map_serverless(&ctx, &cache).unwrap();
    assert_eq!(
        (r.kind, r.name.as_str()),
        (Kind::ElasticacheServerless, "sessions")
    );
    assert_eq!(r.id, ResourceId::from_arn(&arn));
    assert_eq!(r.attrs["Engine"], "valkey");
    assert_eq!(r.attrs["Endpoint"]["Port"], 6379);
    assert_eq!(r.attrs["CreateTime"], "2026-09-21T14:13:20Z");
    assert_eq!(r.scope.region.as_deref(), Some(R));
}

#[test]
fn member_cache_clusters_nest_under_their_replication_group() {
    let ctx = Ctx::for_tests(R, A);
    let member = CacheCluster::builder()
        .cache_cluster_id("acme-redis-001")
        .arn(format!(
            "arn:aws:elasticache:{R}:{A}:cluster:acme-redis-001"
        ))
        .replication_group_id("acme-redis")
        .engine("redis")
        .cache_cluster_status("available")
        .num_cache_nodes(1)
        .build();
    let r = data::map_cache_cluster(&ctx, &member).unwrap();
    let group = format!("arn:aws:elasticache:{R}:{A}:replicationgroup:acme-redis");
    assert_eq!(r.parent, Some(ResourceId::from_arn(&group)));
    assert_eq!(r.attrs["ReplicationGroupId"], "acme-redis");
    let standalone = CacheCluster::builder()
        .cache_cluster_id("m")
        .arn("arn:aws:elasticache:eu-west-1:1:cluster:m")
        .build();
    assert_eq!(
        data::map_cache_cluster(&ctx, &standalone).unwrap().parent,
        None
    );
}

#[test]
fn msk_clusters_keep_type_state_and_tags() {
    let ctx = Ctx::for_tests(R, A);
    let arn =
        format!("arn:aws:kafka:{R}:{A}:cluster/events/8d1e0b3f-1c1f-4b4e-9a51-2f3c1d6c9f4e-2");
    let c = Cluster::builder()
        .cluster_arn(&arn)
        .cluster_name("events")
        .cluster_type(ClusterType::Provisioned)
        .state(ClusterState::Active)
        .current_version("K3AEGXETSR30VB")
        .creation_time(DateTime::from_secs(1_790_000_000))
        .tags("heroku:addon", "kafka-shaped-12345")
        .build();
    let r = data::map_msk(&ctx, &c).unwrap();
    assert_eq!((r.kind, r.name.as_str()), (Kind::MskCluster, "events"));
    assert_eq!(r.attrs["ClusterType"], "PROVISIONED");
    assert_eq!(r.attrs["State"], "ACTIVE");
    assert_eq!(r.tags["heroku:addon"], "kafka-shaped-12345");
}

#[test]
fn bucket_locations_name_regions() {
    assert_eq!(global::bucket_region(None), "us-east-1");
    assert_eq!(global::bucket_region(Some("")), "us-east-1");
    assert_eq!(global::bucket_region(Some("EU")), "eu-west-1");
    assert_eq!(global::bucket_region(Some("eu-central-1")), "eu-central-1");
}
