//! The DNS cutover table: every hostname, where it points now, and where it should go.

use serde::Serialize;
use std::collections::BTreeMap;

use super::index::Index;
use super::{AppGap, ItemKind, Status};
use crate::links::Target;
use crate::model::{Kind, Provider};

/// Where a hostname's traffic goes today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "to")]
pub enum PointsTo {
    /// A Heroku app, by the exact herokudns target of one of its domains.
    Heroku {
        app: String,
    },
    /// A Heroku target that belongs to no app in the inventory (another account's, or a
    /// vendor's): never guessed.
    HerokuUnknown,
    /// An AWS resource in the inventory.
    Aws {
        kind: Kind,
        name: String,
    },
    /// An AWS name with no resource in the inventory.
    AwsUnknown,
    Elsewhere,
    /// A Heroku custom domain with no record in Cloudflare or Route 53.
    NoRecord,
    /// No record was found, but the DNS data was not (fully) read: `why`.
    Unknown {
        why: String,
    },
}

impl PointsTo {
    pub fn label(&self) -> String {
        match self {
            PointsTo::Heroku { app } => format!("Heroku ({app})"),
            PointsTo::HerokuUnknown => "Heroku (unknown app)".into(),
            PointsTo::Aws { kind, name } => format!(
                "AWS {} {name}",
                kind.label().trim_end_matches('s').to_lowercase()
            ),
            PointsTo::AwsUnknown => "AWS (not in inventory)".into(),
            PointsTo::Elsewhere => "elsewhere".into(),
            PointsTo::NoRecord => "no DNS record found".into(),
            PointsTo::Unknown { why } => format!("unknown ({why})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsRow {
    pub hostname: String,
    /// The DNS record (Cloudflare or Route 53); None for a domain with no record.
    pub record: Option<crate::model::ResourceId>,
    /// `cloudflare`, `aws` (Route 53) or `heroku` (a domain with no record).
    pub dns: Provider,
    pub record_type: String,
    /// The record's content or alias target, as stored.
    pub target: String,
    pub points_to: PointsTo,
    pub proxied: Option<bool>,
    /// The Heroku app serving this hostname today, if any.
    pub app: Option<String>,
    /// The AWS endpoint it should move to (from the domain's counterpart).
    pub move_to: Option<String>,
    /// Whether an issued certificate covers it there (None when there is no AWS endpoint).
    pub cert_ready: Option<bool>,
    /// The domain item's status, when the hostname is a Heroku custom domain.
    pub status: Option<Status>,
}

struct DomainInfo {
    app: String,
    move_to: Option<String>,
    cert_ready: Option<bool>,
    status: Status,
}

pub fn cutover_table(ix: &Index, apps: &[AppGap]) -> Vec<DnsRow> {
    // Heroku custom domains and what the analysis found for them.
    let mut domains: BTreeMap<String, DomainInfo> = BTreeMap::new();
    for app in apps {
        for item in app.items.iter().filter(|i| i.kind == ItemKind::Domain) {
            let endpoint = item
                .counterparts
                .first()
                .and_then(|c| ix.get(&c.id))
                .map(|r| match r.kind {
                    Kind::ListenerRule => r
                        .parent
                        .as_ref()
                        .and_then(|l| ix.get(l))
                        .and_then(|l| l.attr_str("LoadBalancerArn"))
                        .and_then(|lb| ix.get(&crate::model::ResourceId::from_arn(lb)))
                        .and_then(|lb| lb.attr_str("DNSName"))
                        .unwrap_or(&c_name(r))
                        .to_string(),
                    _ => r.attr_str("DomainName").unwrap_or(&r.name).to_string(),
                });
            let cert_ready = endpoint
                .as_ref()
                .map(|_| super::domains::served_with_cert(ix, &item.counterparts, &item.name));
            domains.insert(
                item.name.to_ascii_lowercase(),
                DomainInfo {
                    app: app.app.clone(),
                    move_to: endpoint,
                    cert_ready,
                    status: item.status,
                },
            );
        }
    }
    let mut rows = Vec::new();
    let mut hosts: Vec<&String> = ix.records_by_host.keys().collect();
    hosts.sort();
    // Underscore names (`_acme-challenge`, ACM validation) carry no traffic.
    for host in hosts.into_iter().filter(|h| !h.starts_with('_')) {
        for (record, target) in &ix.records_by_host[host] {
            let points_to = match ix.dns.resolve(target) {
                Target::HerokuDomain(id) | Target::HerokuApp(id) => {
                    let app = ix
                        .get(&id)
                        .map(|r| match r.kind {
                            Kind::App => r.name.clone(),
                            _ => r
                                .parent
                                .as_ref()
                                .and_then(|p| ix.get(p))
                                .map(|a| a.name.clone())
                                .unwrap_or_default(),
                        })
                        .unwrap_or_default();
                    PointsTo::Heroku { app }
                }
                Target::HerokuUnknown => PointsTo::HerokuUnknown,
                Target::Aws(id) => ix
                    .get(&id)
                    .map(|r| PointsTo::Aws {
                        kind: r.kind,
                        name: c_name(r),
                    })
                    .unwrap_or(PointsTo::AwsUnknown),
                Target::AwsUnknown => PointsTo::AwsUnknown,
                Target::Elsewhere => PointsTo::Elsewhere,
            };
            let info = domains.get(host.as_str());
            rows.push(DnsRow {
                hostname: host.clone(),
                record: Some(record.id.clone()),
                dns: record.provider,
                record_type: record
                    .attr_str("type")
                    .or_else(|| record.attr_str("Type"))
                    .unwrap_or("")
                    .to_string(),
                target: target.clone(),
                proxied: record.attrs.get("proxied").and_then(|v| v.as_bool()),
                app: info.map(|d| d.app.clone()).or(match &points_to {
                    PointsTo::Heroku { app } => Some(app.clone()),
                    _ => None,
                }),
                points_to,
                move_to: info.and_then(|d| d.move_to.clone()),
                cert_ready: info.and_then(|d| d.cert_ready),
                status: info.map(|d| d.status),
            });
        }
    }
    for (host, info) in &domains {
        if !ix.records_by_host.contains_key(host) {
            rows.push(DnsRow {
                hostname: host.clone(),
                record: None,
                dns: Provider::Heroku,
                record_type: String::new(),
                target: String::new(),
                points_to: match ix.coverage.dns_unknown(host) {
                    Some(why) => PointsTo::Unknown { why },
                    None => PointsTo::NoRecord,
                },
                proxied: None,
                app: Some(info.app.clone()),
                move_to: info.move_to.clone(),
                cert_ready: info.cert_ready,
                status: Some(info.status),
            });
        }
    }
    rows
}

fn c_name(r: &crate::model::Resource) -> String {
    super::index::aws_name(r).to_string()
}
