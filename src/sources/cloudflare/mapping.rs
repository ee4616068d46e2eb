//! Cloudflare API objects → Ferry resources: accounts, zones, DNS records, Workers, R2,
//! certificate packs and custom hostnames (rules and load balancing are in `edge.rs`).
//!
//! Ids follow the demo estate: `cloudflare:account/<id>`, `cloudflare:zone/<id>`, and
//! `cloudflare:<kind>/<zone id or account id>/<id>`. Zone-scoped resources have the zone
//! as parent and scope `{account: <account id>, zone: <zone name>}`. Attributes are
//! allowlisted per kind under Cloudflare's own field names.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::model::{Attrs, Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope};
use crate::sources::allowlist::{Obj, pick, str_at};

/// `cloudflare:<kind>/<parts…>`.
pub fn rid(kind: &str, parts: &[&str]) -> ResourceId {
    ResourceId::new(Provider::Cloudflare, kind, parts)
}

/// The zone a resource belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRef {
    pub id: String,
    pub name: String,
    pub account_id: String,
}

impl ZoneRef {
    pub fn rid(&self) -> ResourceId {
        rid("zone", &[&self.id])
    }

    fn scope(&self) -> Scope {
        Scope {
            account: self.account_id.clone(),
            zone: Some(self.name.clone()),
            ..Scope::default()
        }
    }
}

/// Builds resources stamped with one fetch time.
#[derive(Debug, Clone)]
pub struct Mapper {
    pub at: DateTime<Utc>,
}

const ACCOUNT: &[&str] = &[
    "id",
    "name",
    "type",
    "created_on",
    "settings.enforce_twofactor",
    "settings.use_account_custom_ns_by_default",
];
const ZONE: &[&str] = &[
    "id",
    "name",
    "status",
    "paused",
    "type",
    "plan.id",
    "plan.name",
    "plan.legacy_id",
    "name_servers",
    "vanity_name_servers",
    "original_name_servers",
    "original_registrar",
    "original_dnshost",
    "account.id",
    "account.name",
    "created_on",
    "activated_on",
    "modified_on",
];
const DNS_RECORD: &[&str] = &[
    "id",
    "name",
    "type",
    "content",
    "proxied",
    "proxiable",
    "ttl",
    "comment",
    "tags",
    "priority",
    "created_on",
    "modified_on",
];
const WORKER_SCRIPT: &[&str] = &[
    "id",
    "etag",
    "created_on",
    "modified_on",
    "usage_model",
    "logpush",
    "placement_mode",
    "compatibility_date",
    "tail_consumers",
];
const R2_BUCKET: &[&str] = &[
    "name",
    "creation_date",
    "location",
    "storage_class",
    "jurisdiction",
];
/// No `validation_records` (challenge tokens) and nothing of the certificates but their
/// public facts.
const CERTIFICATE_PACK: &[&str] = &[
    "id",
    "type",
    "hosts",
    "status",
    "certificate_authority",
    "validation_method",
    "validity_days",
    "cloudflare_branding",
    "primary_certificate",
    "certificates[].id",
    "certificates[].hosts",
    "certificates[].status",
    "certificates[].issuer",
    "certificates[].expires_on",
];
/// Never `ssl.custom_key` (a private key), `ssl.custom_certificate`, the ownership
/// verification tokens or `custom_metadata` (free-form, customer-defined).
const CUSTOM_HOSTNAME: &[&str] = &[
    "id",
    "hostname",
    "status",
    "custom_origin_server",
    "custom_origin_sni",
    "created_at",
    "verification_errors",
    "ssl.id",
    "ssl.status",
    "ssl.method",
    "ssl.type",
    "ssl.certificate_authority",
    "ssl.hosts",
    "ssl.issuer",
    "ssl.expires_on",
    "ssl.wildcard",
    "ssl.bundle_method",
    "ssl.settings.min_tls_version",
];

impl Mapper {
    pub fn resource(
        &self,
        id: ResourceId,
        kind: Kind,
        name: &str,
        parent: Option<ResourceId>,
        scope: Scope,
        attrs: Attrs,
    ) -> Resource {
        Resource {
            id,
            provider: Provider::Cloudflare,
            kind,
            name: name.to_string(),
            parent,
            scope,
            attrs,
            tags: BTreeMap::new(),
            fetched_at: self.at,
        }
    }

    fn zoned(&self, zone: &ZoneRef, kind: Kind, id: &str, name: &str, attrs: Attrs) -> Resource {
        self.resource(
            rid(kind.as_str(), &[&zone.id, id]),
            kind,
            name,
            Some(zone.rid()),
            zone.scope(),
            attrs,
        )
    }

    fn account_scoped(&self, account_id: &str, kind: Kind, id: &str, attrs: Attrs) -> Resource {
        self.resource(
            rid(kind.as_str(), &[account_id, id]),
            kind,
            id,
            None,
            account_scope(account_id),
            attrs,
        )
    }

    pub fn account(&self, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let name = str_at(obj, "name").unwrap_or(id);
        Some(self.resource(
            rid("account", &[id]),
            Kind::CfAccount,
            name,
            None,
            account_scope(id),
            pick(obj, ACCOUNT),
        ))
    }

    /// An account known only from its zones' `account` field (the token cannot list
    /// accounts, e.g. a zone-scoped token).
    pub fn account_stub(&self, id: &str, name: Option<&str>) -> Resource {
        let obj = json!({"id": id, "name": name.unwrap_or(id)});
        self.account(obj.as_object().expect("an object"))
            .expect("has an id")
    }

    pub fn zone(&self, obj: &Obj) -> Option<(ZoneRef, Resource)> {
        let id = str_at(obj, "id")?;
        let name = str_at(obj, "name")?;
        let account_id = str_at(obj, "account.id")?;
        let zone = ZoneRef {
            id: id.into(),
            name: name.into(),
            account_id: account_id.into(),
        };
        let r = self.resource(
            zone.rid(),
            Kind::Zone,
            name,
            None,
            Scope {
                account: account_id.into(),
                zone: Some(name.into()),
                ..Scope::default()
            },
            pick(obj, ZONE),
        );
        Some((zone, r))
    }

    pub fn dns_record(&self, zone: &ZoneRef, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let name = str_at(obj, "name").unwrap_or(id);
        let mut attrs = pick(obj, DNS_RECORD);
        // Newer API versions drop these from records; the zone they came from is known.
        attrs.insert("zone_id".into(), json!(zone.id));
        attrs.insert("zone_name".into(), json!(zone.name));
        let mut r = self.zoned(zone, Kind::DnsRecord, id, name, attrs);
        r.tags = record_tags(obj);
        Some(r)
    }

    pub fn worker_script(&self, account_id: &str, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        Some(self.account_scoped(account_id, Kind::WorkerScript, id, pick(obj, WORKER_SCRIPT)))
    }

    /// A route, and its link to the script it runs (when it names one: a route without a
    /// script turns Workers off for its pattern).
    pub fn worker_route(&self, zone: &ZoneRef, obj: &Obj) -> Option<(Resource, Option<Link>)> {
        let id = str_at(obj, "id")?;
        let pattern = str_at(obj, "pattern").unwrap_or(id);
        let r = self.zoned(
            zone,
            Kind::WorkerRoute,
            id,
            pattern,
            pick(obj, &["id", "pattern", "script"]),
        );
        let link = str_at(obj, "script")
            .filter(|s| !s.is_empty())
            .map(|script| Link {
                from: r.id.clone(),
                to: rid("worker_script", &[&zone.account_id, script]),
                kind: LinkKind::RoutesTo,
            });
        Some((r, link))
    }

    pub fn r2_bucket(&self, account_id: &str, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        Some(self.account_scoped(account_id, Kind::R2Bucket, name, pick(obj, R2_BUCKET)))
    }

    pub fn certificate_pack(&self, zone: &ZoneRef, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let hosts: Vec<&str> = obj
            .get("hosts")
            .and_then(Value::as_array)
            .map(|h| h.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let name = format!(
            "{}: {}",
            str_at(obj, "type").unwrap_or("certificate pack"),
            hosts.join(", ")
        );
        Some(self.zoned(
            zone,
            Kind::CertificatePack,
            id,
            &name,
            pick(obj, CERTIFICATE_PACK),
        ))
    }

    pub fn custom_hostname(&self, zone: &ZoneRef, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let host = str_at(obj, "hostname").unwrap_or(id);
        Some(self.zoned(
            zone,
            Kind::CustomHostname,
            id,
            host,
            pick(obj, CUSTOM_HOSTNAME),
        ))
    }

    /// A zone-scoped resource built elsewhere (`edge.rs`).
    pub fn in_zone(
        &self,
        zone: &ZoneRef,
        kind: Kind,
        id: &str,
        name: &str,
        attrs: Attrs,
    ) -> Resource {
        self.zoned(zone, kind, id, name, attrs)
    }

    /// An account-scoped resource built elsewhere (`edge.rs`).
    pub fn in_account(
        &self,
        account_id: &str,
        kind: Kind,
        id: &str,
        name: &str,
        attrs: Attrs,
    ) -> Resource {
        let mut r = self.account_scoped(account_id, kind, id, attrs);
        r.name = name.to_string();
        r
    }
}

pub fn account_scope(account_id: &str) -> Scope {
    Scope {
        account: account_id.to_string(),
        ..Scope::default()
    }
}

/// DNS record tags are `name:value` strings; a bare `name` has an empty value.
fn record_tags(obj: &Obj) -> BTreeMap<String, String> {
    obj.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|t| match t.split_once(':') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (t.to_string(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    fn mapper() -> Mapper {
        Mapper {
            at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 56, 0).unwrap(),
        }
    }

    fn zone() -> ZoneRef {
        ZoneRef {
            id: "z1".into(),
            name: "acmepay.com".into(),
            account_id: "a1".into(),
        }
    }

    #[test]
    fn dns_records_keep_the_api_fields_with_their_zone_and_tags() {
        let r = mapper()
            .dns_record(
                &zone(),
                &obj(json!({
                    "id": "r1", "name": "api.acmepay.com", "type": "CNAME",
                    "content": "x.herokudns.com", "proxied": true, "proxiable": true, "ttl": 1,
                    "comment": null, "tags": ["owner:platform", "critical"],
                    "meta": {"auto_added": false}, "data": {"value": "x"},
                    "created_on": "2019-03-12T11:00:00Z", "modified_on": "2024-06-11T10:00:00Z"
                })),
            )
            .unwrap();
        assert_eq!(r.id.as_str(), "cloudflare:dns_record/z1/r1");
        assert_eq!(r.parent.as_ref().unwrap().as_str(), "cloudflare:zone/z1");
        assert_eq!(r.scope.zone.as_deref(), Some("acmepay.com"));
        assert_eq!(r.scope.account, "a1");
        assert_eq!(r.attrs["zone_name"], "acmepay.com");
        assert_eq!(r.attrs["content"], "x.herokudns.com");
        assert!(!r.attrs.contains_key("data") && !r.attrs.contains_key("meta"));
        assert_eq!(r.tags["owner"], "platform");
        assert_eq!(r.tags["critical"], "");
    }

    #[test]
    fn custom_hostnames_never_keep_the_private_key() {
        let r = mapper()
            .custom_hostname(
                &zone(),
                &obj(json!({
                    "id": "h1", "hostname": "pay.partner.example",
                    "custom_origin_server": "api.acmepay.com",
                    "ssl": {"status": "active", "custom_key": "-----BEGIN RSA PRIVATE KEY-----",
                            "custom_certificate": "-----BEGIN CERTIFICATE-----"},
                    "ownership_verification": {"type": "txt", "value": "token"}
                })),
            )
            .unwrap();
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("BEGIN"), "{text}");
        assert!(!text.contains("ownership_verification"), "{text}");
        assert_eq!(r.attrs["ssl"]["status"], "active");
        assert_eq!(r.name, "pay.partner.example");
    }

    #[test]
    fn routes_link_to_their_script_in_the_zone_account() {
        let (r, link) = mapper()
            .worker_route(
                &zone(),
                &obj(json!({"id": "w1", "pattern": "www.acmepay.com/*", "script": "headers"})),
            )
            .unwrap();
        assert_eq!(r.name, "www.acmepay.com/*");
        let link = link.unwrap();
        assert_eq!(link.to.as_str(), "cloudflare:worker_script/a1/headers");
        assert_eq!(link.kind, LinkKind::RoutesTo);
        let (_, none) = mapper()
            .worker_route(&zone(), &obj(json!({"id": "w2", "pattern": "x/*"})))
            .unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn objects_without_an_id_are_skipped() {
        assert!(
            mapper()
                .dns_record(&zone(), &obj(json!({"name": "x"})))
                .is_none()
        );
        assert!(
            mapper()
                .zone(&obj(json!({"id": "z", "name": "n"})))
                .is_none(),
            "no account"
        );
    }
}
