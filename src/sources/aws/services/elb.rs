//! ELBv2: load balancers, target groups, listeners and listener rules, with tags.

use aws_sdk_elasticloadbalancingv2::types::{
    Action, Listener, LoadBalancer, Rule, RuleCondition, TargetGroup,
};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx, tag_map};
use crate::model::{Kind, LinkKind, Resource, ResourceId};

/// The largest page the Describe calls accept, and DescribeTags' ARN limit.
const PAGE_SIZE: i32 = 400;
const TAGS_PER_DESCRIBE: usize = 20;

pub async fn collect(ctx: &Ctx) -> Result<Batch, PartError> {
    let elb = &ctx.clients.elbv2;
    let mut batch = Batch::default();
    let mut lbs = Vec::new();
    let mut tgs = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = elb
            .describe_load_balancers()
            .page_size(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("DescribeLoadBalancers", &e))?;
            ctx.page(Kind::LoadBalancer, page.load_balancers().len());
            lbs.extend(
                page.load_balancers()
                    .iter()
                    .filter_map(|lb| map_load_balancer(ctx, lb)),
            );
        }
        let mut pages = elb
            .describe_target_groups()
            .page_size(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("DescribeTargetGroups", &e))?;
            ctx.page(Kind::TargetGroup, page.target_groups().len());
            for tg in page.target_groups() {
                tgs.extend(map_target_group(ctx, tg, &mut batch));
            }
        }
    }
    let arns: Vec<String> = lbs
        .iter()
        .chain(&tgs)
        .map(|r| arn_of(r).to_string())
        .collect();
    let chunks: Vec<Vec<String>> = arns
        .chunks(TAGS_PER_DESCRIBE)
        .map(<[String]>::to_vec)
        .collect();
    let tag_pages: Vec<_> = stream::iter(chunks)
        .map(|chunk| async move {
            let _p = ctx.permit().await;
            let out = elb
                .describe_tags()
                .set_resource_arns(Some(chunk))
                .send()
                .await
                .map_err(|e| classify("DescribeTags", &e))?;
            ctx.page(Kind::LoadBalancer, 0);
            Ok::<_, PartError>(out)
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    for out in tag_pages {
        for d in out.tag_descriptions() {
            let Some(arn) = d.resource_arn() else {
                continue;
            };
            let tags = tag_map(
                d.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
            );
            if let Some(r) = lbs
                .iter_mut()
                .chain(tgs.iter_mut())
                .find(|r| arn_of(r) == arn)
            {
                r.tags = tags;
            }
        }
    }

    let lb_arns: Vec<String> = lbs.iter().map(|r| arn_of(r).to_string()).collect();
    let per_lb: Vec<Batch> = stream::iter(lb_arns)
        .map(|lb| listeners(ctx, lb))
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    batch.resources.extend(lbs);
    batch.resources.extend(tgs);
    for b in per_lb {
        batch.extend(b);
    }
    Ok(batch)
}

fn arn_of(r: &Resource) -> &str {
    r.id.as_str().strip_prefix("aws:").unwrap_or(r.id.as_str())
}

/// A load balancer's listeners and each listener's rules.
async fn listeners(ctx: &Ctx, lb: String) -> Result<Batch, PartError> {
    let elb = &ctx.clients.elbv2;
    let mut batch = Batch::default();
    let mut listener_arns = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = elb
            .describe_listeners()
            .load_balancer_arn(&lb)
            .page_size(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("DescribeListeners", &e))?;
            ctx.page(Kind::Listener, page.listeners().len());
            for l in page.listeners() {
                if let Some(r) = map_listener(ctx, l, &mut batch) {
                    listener_arns.push(arn_of(&r).to_string());
                    batch.resources.push(r);
                }
            }
        }
    }
    for listener in listener_arns {
        let _p = ctx.permit().await;
        let mut marker: Option<String> = None;
        loop {
            let out = elb
                .describe_rules()
                .listener_arn(&listener)
                .page_size(PAGE_SIZE)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| classify("DescribeRules", &e))?;
            ctx.page(Kind::ListenerRule, out.rules().len());
            for rule in out.rules() {
                map_rule(ctx, &listener, rule, &mut batch);
            }
            match out.next_marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
    }
    Ok(batch)
}

pub fn map_load_balancer(ctx: &Ctx, lb: &LoadBalancer) -> Option<Resource> {
    let arn = lb.load_balancer_arn()?;
    let zones: Vec<Value> = lb
        .availability_zones()
        .iter()
        .map(|z| json!({"ZoneName": z.zone_name(), "SubnetId": z.subnet_id()}))
        .collect();
    let attrs = AttrsBuilder::new()
        .str("LoadBalancerArn", Some(arn))
        .str("LoadBalancerName", lb.load_balancer_name())
        .str("DNSName", lb.dns_name())
        .str("CanonicalHostedZoneId", lb.canonical_hosted_zone_id())
        .str("Type", lb.r#type().map(|t| t.as_str()))
        .str("Scheme", lb.scheme().map(|s| s.as_str()))
        .json(
            "State",
            json!(
                lb.state()
                    .and_then(|s| s.code())
                    .map(|c| json!({"Code": c.as_str()}))
            ),
        )
        .str("VpcId", lb.vpc_id())
        .str("IpAddressType", lb.ip_address_type().map(|t| t.as_str()))
        .json("AvailabilityZones", Value::Array(zones))
        .strs("SecurityGroups", lb.security_groups())
        .time("CreatedTime", lb.created_time())
        .build();
    Some(ctx.resource(
        Kind::LoadBalancer,
        arn,
        lb.load_balancer_name().unwrap_or(arn),
        attrs,
    ))
}

fn map_target_group(ctx: &Ctx, tg: &TargetGroup, batch: &mut Batch) -> Option<Resource> {
    let arn = tg.target_group_arn()?;
    let attrs = AttrsBuilder::new()
        .str("TargetGroupArn", Some(arn))
        .str("TargetGroupName", tg.target_group_name())
        .str("Protocol", tg.protocol().map(|p| p.as_str()))
        .num("Port", tg.port().map(Into::into))
        .str("VpcId", tg.vpc_id())
        .str("TargetType", tg.target_type().map(|t| t.as_str()))
        .str(
            "HealthCheckProtocol",
            tg.health_check_protocol().map(|p| p.as_str()),
        )
        .str("HealthCheckPath", tg.health_check_path())
        .strs("LoadBalancerArns", tg.load_balancer_arns())
        .build();
    let r = ctx.resource(
        Kind::TargetGroup,
        arn,
        tg.target_group_name().unwrap_or(arn),
        attrs,
    );
    for lb in tg.load_balancer_arns() {
        batch.link(&r.id, ResourceId::from_arn(lb), LinkKind::References);
    }
    Some(r)
}

fn map_listener(ctx: &Ctx, l: &Listener, batch: &mut Batch) -> Option<Resource> {
    let arn = l.listener_arn()?;
    let certs: Vec<Value> = l
        .certificates()
        .iter()
        .map(|c| json!({"CertificateArn": c.certificate_arn(), "IsDefault": c.is_default()}))
        .collect();
    let protocol = l.protocol().map(|p| p.as_str()).unwrap_or("?");
    let port = l.port().unwrap_or_default();
    let attrs = AttrsBuilder::new()
        .str("ListenerArn", Some(arn))
        .str("LoadBalancerArn", l.load_balancer_arn())
        .num("Port", l.port().map(Into::into))
        .str("Protocol", l.protocol().map(|p| p.as_str()))
        .json("Certificates", Value::Array(certs))
        .str("SslPolicy", l.ssl_policy())
        .json("DefaultActions", actions(l.default_actions()))
        .build();
    let mut r = ctx.resource(Kind::Listener, arn, &format!("{protocol}:{port}"), attrs);
    r.parent = l.load_balancer_arn().map(ResourceId::from_arn);
    for cert in l.certificates().iter().filter_map(|c| c.certificate_arn()) {
        batch.link(&r.id, ResourceId::from_arn(cert), LinkKind::SecuredBy);
    }
    for tg in forwarded(l.default_actions()) {
        batch.link(&r.id, ResourceId::from_arn(&tg), LinkKind::ForwardsTo);
    }
    Some(r)
}

pub fn map_rule(ctx: &Ctx, listener: &str, rule: &Rule, batch: &mut Batch) {
    let Some(arn) = rule.rule_arn() else { return };
    let conditions: Vec<Value> = rule.conditions().iter().map(condition).collect();
    let priority = rule.priority().unwrap_or("default");
    let hosts: Vec<&str> = rule
        .conditions()
        .iter()
        .filter(|c| c.field() == Some("host-header"))
        .flat_map(|c| {
            let mut v: Vec<&str> = c.values().iter().map(String::as_str).collect();
            v.extend(
                c.host_header_config()
                    .map(|h| h.values())
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str),
            );
            v
        })
        .collect();
    let name = if rule.is_default() == Some(true) {
        "default".to_string()
    } else if hosts.is_empty() {
        priority.to_string()
    } else {
        format!("{priority}: host {}", hosts.join(", "))
    };
    let attrs = AttrsBuilder::new()
        .str("RuleArn", Some(arn))
        .str("Priority", rule.priority())
        .bool("IsDefault", rule.is_default())
        .json("Conditions", Value::Array(conditions))
        .json("Actions", actions(rule.actions()))
        .build();
    let mut r = ctx.resource(Kind::ListenerRule, arn, &name, attrs);
    r.parent = Some(ResourceId::from_arn(listener));
    for tg in forwarded(rule.actions()) {
        batch.link(&r.id, ResourceId::from_arn(&tg), LinkKind::ForwardsTo);
    }
    batch.resources.push(r);
}

fn condition(c: &RuleCondition) -> Value {
    let mut v = json!({"Field": c.field()});
    if !c.values().is_empty() {
        v["Values"] = json!(c.values());
    }
    if let Some(h) = c.host_header_config() {
        v["HostHeaderConfig"] = json!({"Values": h.values()});
    }
    if let Some(p) = c.path_pattern_config() {
        v["PathPatternConfig"] = json!({"Values": p.values()});
    }
    v
}

fn actions(actions: &[Action]) -> Value {
    Value::Array(
        actions
            .iter()
            .map(|a| {
                let mut v = json!({"Type": a.r#type().map(|t| t.as_str()), "Order": a.order()});
                if let Some(tg) = a.target_group_arn() {
                    v["TargetGroupArn"] = json!(tg);
                }
                if let Some(f) = a.forward_config() {
                    let groups: Vec<Value> = f
                        .target_groups()
                        .iter()
                        .map(|t| json!({"TargetGroupArn": t.target_group_arn(), "Weight": t.weight()}))
                        .collect();
                    v["ForwardConfig"] = json!({"TargetGroups": groups});
                }
                if let Some(r) = a.redirect_config() {
                    v["RedirectConfig"] = json!({
                        "Protocol": r.protocol(), "Port": r.port(), "Host": r.host(),
                        "Path": r.path(), "Query": r.query(),
                        "StatusCode": r.status_code().map(|s| s.as_str()),
                    });
                }
                if let Some(f) = a.fixed_response_config() {
                    v["FixedResponseConfig"] = json!({"StatusCode": f.status_code(), "ContentType": f.content_type()});
                }
                v
            })
            .collect(),
    )
}

/// Every target group an action list forwards to (plain and weighted forwards).
fn forwarded(actions: &[Action]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        out.extend(a.target_group_arn().map(str::to_string));
        if let Some(f) = a.forward_config() {
            out.extend(
                f.target_groups()
                    .iter()
                    .filter_map(|t| t.target_group_arn())
                    .map(str::to_string),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}
