//! ECS: clusters, services and the task definitions they run.
//!
//! Task definitions described: every revision a service runs, plus the newest ACTIVE
//! revision of every family (release and one-off tasks that no service runs). Revisions
//! only a schedule or rule names are described later by the account (`describe_extra`).

use aws_sdk_ecs::types::{
    Cluster, ClusterField, ContainerDefinition, ServiceField, SortOrder, TaskDefinition,
    TaskDefinitionField, TaskDefinitionStatus,
};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

use super::super::arn::{self, Arn};
use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx, tag_map};
use crate::model::{Kind, LinkKind, ResourceId};

/// DescribeServices takes at most 10 services, DescribeClusters 100.
const SERVICES_PER_DESCRIBE: usize = 10;
const CLUSTERS_PER_DESCRIBE: usize = 100;

pub async fn collect(ctx: &Ctx) -> Result<Batch, PartError> {
    let ecs = &ctx.clients.ecs;
    let mut batch = Batch::default();
    let mut cluster_arns = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = ecs.list_clusters().max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListClusters", &e))?;
            ctx.page(Kind::EcsCluster, page.cluster_arns().len());
            cluster_arns.extend(page.cluster_arns().iter().cloned());
        }
    }
    for chunk in cluster_arns.chunks(CLUSTERS_PER_DESCRIBE) {
        let _p = ctx.permit().await;
        let out = ecs
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(|e| classify("DescribeClusters", &e))?;
        ctx.page(Kind::EcsCluster, 0);
        batch
            .resources
            .extend(out.clusters().iter().filter_map(|c| map_cluster(ctx, c)));
    }

    let per_cluster: Vec<Batch> = stream::iter(cluster_arns.clone())
        .map(|cluster| async move { services(ctx, &cluster).await })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for b in per_cluster {
        for r in &b.resources {
            if let Some(td) = r.attr_str("taskDefinition") {
                wanted.insert(td.to_string());
            }
        }
        batch.extend(b);
    }
    wanted.extend(latest_revisions(ctx).await?);
    batch.extend(describe_task_definitions(ctx, wanted.into_iter().collect()).await?);
    Ok(batch)
}

/// Lists a cluster's services and describes them ten at a time.
async fn services(ctx: &Ctx, cluster: &str) -> Result<Batch, PartError> {
    let ecs = &ctx.clients.ecs;
    let mut arns = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = ecs
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListServices", &e))?;
            ctx.page(Kind::EcsService, page.service_arns().len());
            arns.extend(page.service_arns().iter().cloned());
        }
    }
    let chunks: Vec<Vec<String>> = arns
        .chunks(SERVICES_PER_DESCRIBE)
        .map(<[String]>::to_vec)
        .collect();
    let outs: Vec<_> = stream::iter(chunks)
        .map(|chunk| async move {
            let _p = ctx.permit().await;
            let out = ecs
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk))
                .include(ServiceField::Tags)
                .send()
                .await
                .map_err(|e| classify("DescribeServices", &e))?;
            ctx.page(Kind::EcsService, 0);
            Ok::<_, PartError>(out)
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for out in outs {
        for s in out.services() {
            map_service(ctx, s, &mut batch);
        }
    }
    Ok(batch)
}

/// The newest ACTIVE revision of every family, from one paged listing of ARNs.
async fn latest_revisions(ctx: &Ctx) -> Result<Vec<String>, PartError> {
    let _p = ctx.permit().await;
    let mut pages = ctx
        .clients
        .ecs
        .list_task_definitions()
        .status(TaskDefinitionStatus::Active)
        .sort(SortOrder::Desc)
        .max_results(100)
        .into_paginator()
        .send();
    let mut latest: BTreeMap<String, (i64, String)> = BTreeMap::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListTaskDefinitions", &e))?;
        ctx.page(Kind::TaskDefinition, 0);
        for a in page.task_definition_arns() {
            if let Some((family, rev)) = family_revision(a) {
                let e = latest.entry(family).or_insert((rev, a.clone()));
                if rev > e.0 {
                    *e = (rev, a.clone());
                }
            }
        }
    }
    Ok(latest.into_values().map(|(_, a)| a).collect())
}

/// `…:task-definition/web:14` → (`web`, 14).
pub fn family_revision(task_definition_arn: &str) -> Option<(String, i64)> {
    let rest = task_definition_arn.rsplit_once("task-definition/")?.1;
    let (family, rev) = rest.rsplit_once(':')?;
    Some((family.to_string(), rev.parse().ok()?))
}

/// Describes task definitions one by one (the API takes one per call), concurrently.
pub async fn describe_task_definitions(ctx: &Ctx, arns: Vec<String>) -> Result<Batch, PartError> {
    let outs: Vec<_> = stream::iter(arns)
        .map(|td| async move {
            let _p = ctx.permit().await;
            let out = ctx
                .clients
                .ecs
                .describe_task_definition()
                .task_definition(td)
                .include(TaskDefinitionField::Tags)
                .send()
                .await
                .map_err(|e| classify("DescribeTaskDefinition", &e))?;
            ctx.page(Kind::TaskDefinition, 1);
            Ok::<_, PartError>(out)
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for out in outs {
        if let Some(td) = out.task_definition() {
            let tags = out
                .tags()
                .iter()
                .filter_map(|t| Some((t.key()?, t.value()?)));
            map_task_definition(ctx, td, tag_map(tags), &mut batch);
        }
    }
    Ok(batch)
}

fn map_cluster(ctx: &Ctx, c: &Cluster) -> Option<crate::model::Resource> {
    let arn = c.cluster_arn()?;
    let attrs = AttrsBuilder::new()
        .str("clusterName", c.cluster_name())
        .str("clusterArn", Some(arn))
        .str("status", c.status())
        .strs("capacityProviders", c.capacity_providers())
        .num(
            "activeServicesCount",
            Some(c.active_services_count().into()),
        )
        .num("runningTasksCount", Some(c.running_tasks_count().into()))
        .num("pendingTasksCount", Some(c.pending_tasks_count().into()))
        .build();
    let mut r = ctx.resource(
        Kind::EcsCluster,
        arn,
        c.cluster_name().unwrap_or(arn),
        attrs,
    );
    r.tags = tag_map(c.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))));
    Some(r)
}

pub fn map_service(ctx: &Ctx, s: &aws_sdk_ecs::types::Service, batch: &mut Batch) {
    let Some(arn) = s.service_arn() else { return };
    let lbs: Vec<Value> = s
        .load_balancers()
        .iter()
        .map(|lb| {
            let mut v = json!({});
            for (k, x) in [
                ("targetGroupArn", lb.target_group_arn().map(Value::from)),
                ("loadBalancerName", lb.load_balancer_name().map(Value::from)),
                ("containerName", lb.container_name().map(Value::from)),
                ("containerPort", lb.container_port().map(Value::from)),
            ] {
                if let Some(x) = x {
                    v[k] = x;
                }
            }
            v
        })
        .collect();
    let strategy: Vec<Value> = s
        .capacity_provider_strategy()
        .iter()
        .map(|c| json!({"capacityProvider": c.capacity_provider(), "weight": c.weight(), "base": c.base()}))
        .collect();
    let network = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|a| {
            json!({"awsvpcConfiguration": {
                "subnets": a.subnets(),
                "securityGroups": a.security_groups(),
                "assignPublicIp": a.assign_public_ip().map(|x| x.as_str()),
            }})
        })
        .unwrap_or(Value::Null);
    let attrs = AttrsBuilder::new()
        .str("serviceName", s.service_name())
        .str("serviceArn", Some(arn))
        .str("clusterArn", s.cluster_arn())
        .str("taskDefinition", s.task_definition())
        .num("desiredCount", Some(s.desired_count().into()))
        .num("runningCount", Some(s.running_count().into()))
        .num("pendingCount", Some(s.pending_count().into()))
        .str("launchType", s.launch_type().map(|l| l.as_str()))
        .json("capacityProviderStrategy", Value::Array(strategy))
        .str("platformVersion", s.platform_version())
        .str("status", s.status())
        .str(
            "schedulingStrategy",
            s.scheduling_strategy().map(|x| x.as_str()),
        )
        .json("loadBalancers", Value::Array(lbs))
        .json("networkConfiguration", network)
        .time("createdAt", s.created_at())
        .build();
    let mut r = ctx.resource(
        Kind::EcsService,
        arn,
        s.service_name().unwrap_or(arn),
        attrs,
    );
    r.tags = tag_map(s.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))));
    r.parent = s.cluster_arn().map(ResourceId::from_arn);
    if let Some(td) = s.task_definition() {
        batch.link(&r.id, ResourceId::from_arn(td), LinkKind::Runs);
    }
    for tg in s
        .load_balancers()
        .iter()
        .filter_map(|l| l.target_group_arn())
    {
        batch.links.push(crate::model::Link {
            from: ResourceId::from_arn(tg),
            to: r.id.clone(),
            kind: LinkKind::Serves,
        });
    }
    batch.resources.push(r);
}

pub fn map_task_definition(
    ctx: &Ctx,
    td: &TaskDefinition,
    tags: BTreeMap<String, String>,
    batch: &mut Batch,
) {
    let Some(arn) = td.task_definition_arn() else {
        return;
    };
    let id = ResourceId::from_arn(arn);
    let containers: Vec<Value> = td
        .container_definitions()
        .iter()
        .map(|c| container(ctx, &id, c, batch))
        .collect();
    let compat: Vec<&str> = td
        .requires_compatibilities()
        .iter()
        .map(|c| c.as_str())
        .collect();
    let attrs = AttrsBuilder::new()
        .str("family", td.family())
        .num("revision", Some(td.revision().into()))
        .str("taskDefinitionArn", Some(arn))
        .str("status", td.status().map(|s| s.as_str()))
        .str("cpu", td.cpu())
        .str("memory", td.memory())
        .str("networkMode", td.network_mode().map(|n| n.as_str()))
        .strs("requiresCompatibilities", &compat)
        .str("executionRoleArn", td.execution_role_arn())
        .str("taskRoleArn", td.task_role_arn())
        .time("registeredAt", td.registered_at())
        .json("containerDefinitions", Value::Array(containers))
        .build();
    let name = match td.family() {
        Some(f) => format!("{f}:{}", td.revision()),
        None => arn.to_string(),
    };
    let mut r = ctx.resource(Kind::TaskDefinition, arn, &name, attrs);
    r.tags = tags;
    batch.resources.push(r);
}

/// One container, with environment variable NAMES only (their values are dropped here,
/// at the edge), secret names with their `valueFrom`, and the log configuration. The
/// command and entry point are left out: they may carry credentials inline.
fn container(ctx: &Ctx, td: &ResourceId, c: &ContainerDefinition, batch: &mut Batch) -> Value {
    let env: Vec<Value> = c
        .environment()
        .iter()
        .filter_map(|kv| kv.name())
        .map(|n| json!({"name": n}))
        .collect();
    let secrets: Vec<Value> = c
        .secrets()
        .iter()
        .map(|s| json!({"name": s.name(), "valueFrom": s.value_from()}))
        .collect();
    for s in c.secrets() {
        if let Some(target) = arn::value_from_target(s.value_from(), &ctx.region, &ctx.account) {
            batch.link(td, ResourceId::from_arn(&target), LinkKind::Reads);
        }
    }
    let files: Vec<Value> = c
        .environment_files()
        .iter()
        .map(|f| json!({"value": f.value(), "type": f.r#type().as_str()}))
        .collect();
    let ports: Vec<Value> = c
        .port_mappings()
        .iter()
        .map(|p| json!({"containerPort": p.container_port(), "hostPort": p.host_port(), "protocol": p.protocol().map(|x| x.as_str())}))
        .collect();
    let log = c.log_configuration().map(|l| {
        let options = l.options().cloned().unwrap_or_default();
        if let Some(group) = options.get("awslogs-group") {
            let region = options
                .get("awslogs-region")
                .map(String::as_str)
                .unwrap_or(&ctx.region);
            let target = arn::log_group_arn(region, &ctx.account, group);
            batch.link(td, ResourceId::from_arn(&target), LinkKind::LogsTo);
        }
        // awslogs options are plain settings; other drivers' options (FireLens outputs,
        // Splunk, Datadog) can hold API keys inline, so only their names are kept.
        let (plain, other): (BTreeMap<_, _>, BTreeMap<_, _>) = options
            .into_iter()
            .partition(|(k, _)| k.starts_with("awslogs-"));
        let secret_options: Vec<Value> = l
            .secret_options()
            .iter()
            .map(|s| json!({"name": s.name(), "valueFrom": s.value_from()}))
            .collect();
        AttrsBuilder::new()
            .str("logDriver", Some(l.log_driver().as_str()))
            .json("options", json!(plain))
            .strs("optionNames", &other.into_keys().collect::<Vec<_>>())
            .json("secretOptions", Value::Array(secret_options))
            .build()
    });
    if let Some(repo) = c.image().and_then(ecr_repository_arn) {
        batch.link(td, ResourceId::from_arn(&repo), LinkKind::References);
    }
    let v = AttrsBuilder::new()
        .str("name", c.name())
        .str("image", c.image())
        .bool("essential", c.essential())
        .num("cpu", (c.cpu() != 0).then_some(c.cpu().into()))
        .num("memory", c.memory().map(Into::into))
        .num("memoryReservation", c.memory_reservation().map(Into::into))
        .json("portMappings", Value::Array(ports))
        .json("environment", Value::Array(env))
        .json("environmentFiles", Value::Array(files))
        .json("secrets", Value::Array(secrets))
        .json(
            "logConfiguration",
            log.map(|l| json!(l)).unwrap_or(Value::Null),
        )
        .build();
    json!(v)
}

/// `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]` → the repository's ARN.
pub fn ecr_repository_arn(image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let mut parts = host.split('.');
    let account = parts.next()?;
    if parts.next()? != "dkr" || parts.next()? != "ecr" {
        return None;
    }
    let region = parts.next()?;
    let repo = path.split('@').next()?;
    // A `:` after the last `/` starts the tag.
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let a = format!(
        "arn:{}:ecr:{region}:{account}:repository/{repo}",
        arn::partition(region)
    );
    Arn::parse(&a).map(|_| a.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_uris_name_their_ecr_repository() {
        assert_eq!(
            ecr_repository_arn("123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/api:3f9a")
                .unwrap(),
            "arn:aws:ecr:eu-west-1:123456789012:repository/acme/api"
        );
        assert_eq!(
            ecr_repository_arn("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:ab")
                .unwrap(),
            "arn:aws:ecr:eu-west-1:123456789012:repository/api"
        );
        assert_eq!(ecr_repository_arn("nginx:1.27"), None);
        assert_eq!(ecr_repository_arn("ghcr.io/acme/api:1"), None);
        assert_eq!(
            family_revision("arn:aws:ecs:r:1:task-definition/web:14"),
            Some(("web".into(), 14))
        );
        assert_eq!(family_revision("arn:aws:ecs:r:1:task-definition/web"), None);
    }
}
