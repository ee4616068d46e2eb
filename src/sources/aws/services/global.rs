//! Global services, called once per account from us-east-1: S3 buckets (each scoped to its
//! own region), CloudFront distributions and Route 53 zones and records (scope `global`).

use aws_sdk_route53::types::{ResourceRecordSet, TagResourceType};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::super::arn;
use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx, tag_map};
use crate::model::{Kind, LinkKind, Provider, Resource, ResourceId};

/// ListTagsForResources takes at most 10 hosted zones.
const ZONES_PER_TAG_CALL: usize = 10;

pub async fn s3(ctx: &Ctx) -> Result<Batch, PartError> {
    let s3 = &ctx.clients.s3;
    let mut buckets = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = s3.list_buckets().max_buckets(1000).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListBuckets", &e))?;
            ctx.page(Kind::S3Bucket, page.buckets().len());
            buckets.extend(page.buckets().iter().cloned());
        }
    }
    // ListBuckets names each bucket's region; where it does not (older endpoints,
    // emulators), GetBucketLocation does.
    let located: Vec<_> = stream::iter(buckets)
        .map(|b| async move {
            let name = b.name().unwrap_or_default().to_string();
            let region = match b.bucket_region() {
                Some(r) => r.to_string(),
                None => {
                    let _p = ctx.permit().await;
                    let out = s3
                        .get_bucket_location()
                        .bucket(&name)
                        .send()
                        .await
                        .map_err(|e| classify("GetBucketLocation", &e))?;
                    ctx.page(Kind::S3Bucket, 0);
                    bucket_region(out.location_constraint().map(|c| c.as_str()))
                }
            };
            Ok::<_, PartError>((b, name, region))
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for (b, name, region) in located {
        let attrs = AttrsBuilder::new()
            .str("Name", Some(&name))
            .str("BucketRegion", Some(&region))
            .time("CreationDate", b.creation_date())
            .build();
        let mut r = ctx.resource(
            Kind::S3Bucket,
            &format!("arn:{}:s3:::{name}", arn::partition(&region)),
            &name,
            attrs,
        );
        r.scope = ctx.scope_in(&region);
        batch.resources.push(r);
    }
    Ok(batch)
}

/// GetBucketLocation's answer as a region: empty means us-east-1, `EU` is eu-west-1.
pub fn bucket_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or("") {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        other => other.into(),
    }
}

pub async fn cloudfront(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .cloudfront
        .list_distributions()
        .max_items(1000)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListDistributions", &e))?;
        let items = page
            .distribution_list()
            .map(|l| l.items())
            .unwrap_or_default();
        ctx.page(Kind::CloudfrontDistribution, items.len());
        for d in items {
            let origins: Vec<Value> = d
                .origins()
                .map(|o| o.items())
                .unwrap_or_default()
                .iter()
                .map(|o| {
                    let mut v = json!({"Id": o.id(), "DomainName": o.domain_name(), "OriginPath": o.origin_path()});
                    if let Some(oac) = o.origin_access_control_id().filter(|s| !s.is_empty()) {
                        v["OriginAccessControlId"] = json!(oac);
                    }
                    v
                })
                .collect();
            let aliases: Vec<&str> = d
                .aliases()
                .map(|a| a.items())
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect();
            let cert = d.viewer_certificate().and_then(|v| v.acm_certificate_arn());
            let attrs = AttrsBuilder::new()
                .str("Id", Some(d.id()))
                .str("ARN", Some(d.arn()))
                .str("DomainName", Some(d.domain_name()))
                .str("Status", Some(d.status()))
                .bool("Enabled", Some(d.enabled()))
                .str("Comment", Some(d.comment()))
                .json(
                    "Aliases",
                    json!({"Quantity": aliases.len(), "Items": aliases}),
                )
                .json(
                    "Origins",
                    json!({"Quantity": origins.len(), "Items": origins}),
                )
                .json(
                    "DefaultCacheBehavior",
                    json!(d.default_cache_behavior().map(|b| json!({
                        "TargetOriginId": b.target_origin_id(),
                        "ViewerProtocolPolicy": b.viewer_protocol_policy().as_str(),
                    }))),
                )
                .json(
                    "ViewerCertificate",
                    json!(d.viewer_certificate().map(|v| json!({
                        "ACMCertificateArn": v.acm_certificate_arn(),
                        "SSLSupportMethod": v.ssl_support_method().map(|s| s.as_str()),
                        "MinimumProtocolVersion": v.minimum_protocol_version().map(|s| s.as_str()),
                    }))),
                )
                .str("PriceClass", Some(d.price_class().as_str()))
                .str("HttpVersion", Some(d.http_version().as_str()))
                .time("LastModifiedTime", Some(d.last_modified_time()))
                .build();
            let r = ctx.resource(Kind::CloudfrontDistribution, d.arn(), d.id(), attrs);
            if let Some(cert) = cert {
                batch.link(&r.id, ResourceId::from_arn(cert), LinkKind::SecuredBy);
            }
            for o in d.origins().map(|o| o.items()).unwrap_or_default() {
                if let Some(bucket) = arn::s3_bucket_of_domain(o.domain_name()) {
                    batch.link(
                        &r.id,
                        ResourceId::from_arn(&format!("arn:aws:s3:::{bucket}")),
                        LinkKind::Origin,
                    );
                }
            }
            batch.resources.push(r);
        }
    }
    Ok(batch)
}

pub async fn route53(ctx: &Ctx) -> Result<Batch, PartError> {
    let r53 = &ctx.clients.route53;
    let mut zones = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = r53
            .list_hosted_zones()
            .max_items(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListHostedZones", &e))?;
            ctx.page(Kind::Route53Zone, page.hosted_zones().len());
            for z in page.hosted_zones() {
                let zid = z.id().rsplit('/').next().unwrap_or(z.id()).to_string();
                let attrs = AttrsBuilder::new()
                    .str("Id", Some(z.id()))
                    .str("Name", Some(z.name()))
                    .str("CallerReference", Some(z.caller_reference()))
                    .json(
                        "Config",
                        json!(z.config().map(
                            |c| json!({"Comment": c.comment(), "PrivateZone": c.private_zone()})
                        )),
                    )
                    .num("ResourceRecordSetCount", z.resource_record_set_count())
                    .build();
                let arn = format!("arn:aws:route53:::hostedzone/{zid}");
                zones.push((
                    zid,
                    ctx.resource(
                        Kind::Route53Zone,
                        &arn,
                        z.name().trim_end_matches('.'),
                        attrs,
                    ),
                ));
            }
        }
    }
    for chunk in zones.chunks_mut(ZONES_PER_TAG_CALL) {
        let _p = ctx.permit().await;
        let out = r53
            .list_tags_for_resources()
            .resource_type(TagResourceType::Hostedzone)
            .set_resource_ids(Some(chunk.iter().map(|(z, _)| z.clone()).collect()))
            .send()
            .await
            .map_err(|e| classify("ListTagsForResources", &e))?;
        ctx.page(Kind::Route53Zone, 0);
        for set in out.resource_tag_sets() {
            if let Some((_, zone)) = chunk
                .iter_mut()
                .find(|(z, _)| Some(z.as_str()) == set.resource_id())
            {
                zone.tags = tag_map(
                    set.tags()
                        .iter()
                        .filter_map(|t| Some((t.key()?, t.value()?))),
                );
            }
        }
    }
    let per_zone: Vec<Batch> = stream::iter(zones.clone())
        .map(|(zid, zone)| async move { records(ctx, &zid, &zone).await })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    batch.resources.extend(zones.into_iter().map(|(_, z)| z));
    for b in per_zone {
        batch.extend(b);
    }
    Ok(batch)
}

/// Every record set of a zone (pages follow the next name/type/identifier triple).
async fn records(ctx: &Ctx, zid: &str, zone: &Resource) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut req = ctx
        .clients
        .route53
        .list_resource_record_sets()
        .hosted_zone_id(zid)
        .max_items(300);
    loop {
        let out = req
            .clone()
            .send()
            .await
            .map_err(|e| classify("ListResourceRecordSets", &e))?;
        ctx.page(Kind::Route53Record, out.resource_record_sets().len());
        for rs in out.resource_record_sets() {
            batch.resources.push(map_record(ctx, zid, zone, rs));
        }
        if !out.is_truncated() {
            break;
        }
        req = req
            .set_start_record_name(out.next_record_name().map(str::to_string))
            .set_start_record_type(out.next_record_type().cloned())
            .set_start_record_identifier(out.next_record_identifier().map(str::to_string));
    }
    Ok(batch)
}

/// A record's id: zone, name (no trailing dot) and type, plus the set identifier for
/// weighted, latency or failover records, which share a name and type.
pub fn map_record(ctx: &Ctx, zid: &str, zone: &Resource, rs: &ResourceRecordSet) -> Resource {
    // Route 53 returns `*` as the octal escape `\052`.
    let name = rs.name().trim_end_matches('.').replace("\\052", "*");
    let type_ = rs.r#type().as_str();
    let mut parts = vec![zid, name.as_str(), type_];
    if let Some(set) = rs.set_identifier() {
        parts.push(set);
    }
    let values: Vec<Value> = rs
        .resource_records()
        .iter()
        .map(|r| json!({"Value": r.value()}))
        .collect();
    let attrs = AttrsBuilder::new()
        .str("Name", Some(rs.name()))
        .str("Type", Some(type_))
        .num("TTL", rs.ttl())
        .json("ResourceRecords", Value::Array(values))
        .json(
            "AliasTarget",
            json!(rs.alias_target().map(|a| json!({
                "HostedZoneId": a.hosted_zone_id(), "DNSName": a.dns_name(),
                "EvaluateTargetHealth": a.evaluate_target_health(),
            }))),
        )
        .str("SetIdentifier", rs.set_identifier())
        .num("Weight", rs.weight())
        .str("Region", rs.region().map(|r| r.as_str()))
        .str("Failover", rs.failover().map(|f| f.as_str()))
        .build();
    Resource {
        id: ResourceId::new(Provider::Aws, "route53_record", &parts),
        provider: Provider::Aws,
        kind: Kind::Route53Record,
        name,
        parent: Some(zone.id.clone()),
        scope: ctx.scope(),
        attrs,
        tags: Default::default(),
        fetched_at: ctx.now,
    }
}
