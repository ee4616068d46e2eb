//! Data stores: RDS instances and clusters, ElastiCache replication groups, clusters and
//! serverless caches, MSK clusters.

use aws_sdk_elasticache::types::{CacheCluster, ReplicationGroup, ServerlessCache};
use serde_json::{Value, json};

use super::super::arn::partition;
use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx, tag_map};
use crate::model::{Kind, Resource, ResourceId};

pub async fn rds(ctx: &Ctx) -> Result<Batch, PartError> {
    let rds = &ctx.clients.rds;
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = rds
        .describe_db_instances()
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeDBInstances", &e))?;
        ctx.page(Kind::RdsInstance, page.db_instances().len());
        for db in page.db_instances() {
            let Some(arn) = db.db_instance_arn() else {
                continue;
            };
            let endpoint = db
                .endpoint()
                .map(|e| json!({"Address": e.address(), "Port": e.port()}));
            let attrs = AttrsBuilder::new()
                .str("DBInstanceIdentifier", db.db_instance_identifier())
                .str("DBInstanceArn", Some(arn))
                .str("Engine", db.engine())
                .str("EngineVersion", db.engine_version())
                .str("DBInstanceClass", db.db_instance_class())
                .str("DBInstanceStatus", db.db_instance_status())
                .json("Endpoint", json!(endpoint))
                .bool("MultiAZ", db.multi_az())
                .num("AllocatedStorage", db.allocated_storage().map(Into::into))
                .str("StorageType", db.storage_type())
                .bool("StorageEncrypted", db.storage_encrypted())
                .bool("PubliclyAccessible", db.publicly_accessible())
                .str("DBName", db.db_name())
                .str("DBClusterIdentifier", db.db_cluster_identifier())
                .time("InstanceCreateTime", db.instance_create_time())
                .build();
            let mut r = ctx.resource(
                Kind::RdsInstance,
                arn,
                db.db_instance_identifier().unwrap_or(arn),
                attrs,
            );
            r.tags = tag_map(
                db.tag_list()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value()?))),
            );
            batch.resources.push(r);
        }
    }
    let mut pages = rds
        .describe_db_clusters()
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeDBClusters", &e))?;
        ctx.page(Kind::RdsCluster, page.db_clusters().len());
        for c in page.db_clusters() {
            let Some(arn) = c.db_cluster_arn() else {
                continue;
            };
            let members: Vec<Value> = c
                .db_cluster_members()
                .iter()
                .map(|m| json!({"DBInstanceIdentifier": m.db_instance_identifier(), "IsClusterWriter": m.is_cluster_writer()}))
                .collect();
            let attrs = AttrsBuilder::new()
                .str("DBClusterIdentifier", c.db_cluster_identifier())
                .str("DBClusterArn", Some(arn))
                .str("Engine", c.engine())
                .str("EngineVersion", c.engine_version())
                .str("Status", c.status())
                .str("Endpoint", c.endpoint())
                .str("ReaderEndpoint", c.reader_endpoint())
                .num("Port", c.port().map(Into::into))
                .bool("MultiAZ", c.multi_az())
                .bool("StorageEncrypted", c.storage_encrypted())
                .json("DBClusterMembers", Value::Array(members))
                .time("ClusterCreateTime", c.cluster_create_time())
                .build();
            let mut r = ctx.resource(
                Kind::RdsCluster,
                arn,
                c.db_cluster_identifier().unwrap_or(arn),
                attrs,
            );
            r.tags = tag_map(
                c.tag_list()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value()?))),
            );
            batch.resources.push(r);
        }
    }
    Ok(batch)
}

/// Replication groups and cache clusters. Their tags come from the tagging API (the
/// ElastiCache list calls carry none, and one ListTagsForResource per cache is wasteful).
pub async fn elasticache(ctx: &Ctx) -> Result<Batch, PartError> {
    let ec = &ctx.clients.elasticache;
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ec
        .describe_replication_groups()
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeReplicationGroups", &e))?;
        ctx.page(
            Kind::ElasticacheReplicationGroup,
            page.replication_groups().len(),
        );
        batch.resources.extend(
            page.replication_groups()
                .iter()
                .filter_map(|g| map_replication_group(ctx, g)),
        );
    }
    let mut pages = ec
        .describe_cache_clusters()
        .max_records(100)
        .show_cache_node_info(false)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeCacheClusters", &e))?;
        ctx.page(Kind::ElasticacheCluster, page.cache_clusters().len());
        batch.resources.extend(
            page.cache_clusters()
                .iter()
                .filter_map(|c| map_cache_cluster(ctx, c)),
        );
    }
    Ok(batch)
}

pub async fn elasticache_serverless(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .elasticache
        .describe_serverless_caches()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeServerlessCaches", &e))?;
        ctx.page(Kind::ElasticacheServerless, page.serverless_caches().len());
        batch.resources.extend(
            page.serverless_caches()
                .iter()
                .filter_map(|c| map_serverless(ctx, c)),
        );
    }
    Ok(batch)
}

pub fn map_replication_group(ctx: &Ctx, g: &ReplicationGroup) -> Option<Resource> {
    let arn = g.arn()?;
    let groups: Vec<Value> = g
        .node_groups()
        .iter()
        .map(|n| {
            json!({
                "NodeGroupId": n.node_group_id(), "Status": n.status(),
                "PrimaryEndpoint": n.primary_endpoint().map(|e| json!({"Address": e.address(), "Port": e.port()})),
                "ReaderEndpoint": n.reader_endpoint().map(|e| json!({"Address": e.address(), "Port": e.port()})),
            })
        })
        .collect();
    let attrs = AttrsBuilder::new()
        .str("ReplicationGroupId", g.replication_group_id())
        .str("ARN", Some(arn))
        .str("Description", g.description())
        .str("Status", g.status())
        .str("CacheNodeType", g.cache_node_type())
        .str("Engine", g.engine())
        .strs("MemberClusters", g.member_clusters())
        .json("NodeGroups", Value::Array(groups))
        .json(
            "ConfigurationEndpoint",
            json!(
                g.configuration_endpoint()
                    .map(|e| json!({"Address": e.address(), "Port": e.port()}))
            ),
        )
        .str(
            "AutomaticFailover",
            g.automatic_failover().map(|x| x.as_str()),
        )
        .str("MultiAZ", g.multi_az().map(|x| x.as_str()))
        .bool("ClusterEnabled", g.cluster_enabled())
        .bool("TransitEncryptionEnabled", g.transit_encryption_enabled())
        .bool("AtRestEncryptionEnabled", g.at_rest_encryption_enabled())
        .time(
            "ReplicationGroupCreateTime",
            g.replication_group_create_time(),
        )
        .build();
    Some(ctx.resource(
        Kind::ElasticacheReplicationGroup,
        arn,
        g.replication_group_id().unwrap_or(arn),
        attrs,
    ))
}

/// A cache cluster; one that is a member of a replication group has it as parent.
pub fn map_cache_cluster(ctx: &Ctx, c: &CacheCluster) -> Option<Resource> {
    let arn = c.arn()?;
    let attrs = AttrsBuilder::new()
        .str("CacheClusterId", c.cache_cluster_id())
        .str("ARN", Some(arn))
        .str("CacheNodeType", c.cache_node_type())
        .str("Engine", c.engine())
        .str("EngineVersion", c.engine_version())
        .str("CacheClusterStatus", c.cache_cluster_status())
        .num("NumCacheNodes", c.num_cache_nodes().map(Into::into))
        .str("ReplicationGroupId", c.replication_group_id())
        .json(
            "ConfigurationEndpoint",
            json!(
                c.configuration_endpoint()
                    .map(|e| json!({"Address": e.address(), "Port": e.port()}))
            ),
        )
        .str("PreferredAvailabilityZone", c.preferred_availability_zone())
        .time("CacheClusterCreateTime", c.cache_cluster_create_time())
        .build();
    let mut r = ctx.resource(
        Kind::ElasticacheCluster,
        arn,
        c.cache_cluster_id().unwrap_or(arn),
        attrs,
    );
    r.parent = c.replication_group_id().map(|g| {
        ResourceId::from_arn(&format!(
            "arn:{}:elasticache:{}:{}:replicationgroup:{g}",
            partition(&ctx.region),
            ctx.region,
            ctx.account
        ))
    });
    Some(r)
}

pub fn map_serverless(ctx: &Ctx, c: &ServerlessCache) -> Option<Resource> {
    let arn = c.arn()?;
    let attrs = AttrsBuilder::new()
        .str("ServerlessCacheName", c.serverless_cache_name())
        .str("ARN", Some(arn))
        .str("Description", c.description())
        .str("Engine", c.engine())
        .str("FullEngineVersion", c.full_engine_version())
        .str("Status", c.status())
        .json(
            "Endpoint",
            json!(
                c.endpoint()
                    .map(|e| json!({"Address": e.address(), "Port": e.port()}))
            ),
        )
        .json(
            "ReaderEndpoint",
            json!(
                c.reader_endpoint()
                    .map(|e| json!({"Address": e.address(), "Port": e.port()}))
            ),
        )
        .time("CreateTime", c.create_time())
        .build();
    Some(ctx.resource(
        Kind::ElasticacheServerless,
        arn,
        c.serverless_cache_name().unwrap_or(arn),
        attrs,
    ))
}

pub async fn msk(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .kafka
        .list_clusters_v2()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListClustersV2", &e))?;
        ctx.page(Kind::MskCluster, page.cluster_info_list().len());
        batch.resources.extend(
            page.cluster_info_list()
                .iter()
                .filter_map(|c| map_msk(ctx, c)),
        );
    }
    Ok(batch)
}

pub fn map_msk(ctx: &Ctx, c: &aws_sdk_kafka::types::Cluster) -> Option<Resource> {
    let arn = c.cluster_arn()?;
    let provisioned = c.provisioned().map(|p| {
        json!({
            "NumberOfBrokerNodes": p.number_of_broker_nodes(),
            "InstanceType": p.broker_node_group_info().map(|b| b.instance_type()),
            "KafkaVersion": p.current_broker_software_info().and_then(|s| s.kafka_version()),
        })
    });
    let attrs = AttrsBuilder::new()
        .str("ClusterName", c.cluster_name())
        .str("ClusterArn", Some(arn))
        .str("ClusterType", c.cluster_type().map(|t| t.as_str()))
        .str("State", c.state().map(|s| s.as_str()))
        .str("CurrentVersion", c.current_version())
        .json("Provisioned", json!(provisioned))
        .time("CreationTime", c.creation_time())
        .build();
    let mut r = ctx.resource(
        Kind::MskCluster,
        arn,
        c.cluster_name().unwrap_or(arn),
        attrs,
    );
    r.tags = c
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Some(r)
}
