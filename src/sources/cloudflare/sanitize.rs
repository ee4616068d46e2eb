//! An imported Cloudflare resource cut down to what a fetch keeps.
//!
//! Attributes keep Cloudflare's field names, so they are mapped again as the API object by
//! the fetch's own [`Mapper`] (same allowlists, transform rules without header values,
//! DNS record tags from the record's `tags`). Page rules are stored flattened; they are
//! put back into the API's `targets` / `actions` shape first, which the mapper flattens
//! again exactly as a fetch does.

use serde_json::{Map, Value, json};

use super::mapping::{Mapper, ZoneRef};
use crate::model::{Kind, Resource};
use crate::sources::allowlist::{Obj, str_at};

/// Replaces `r`'s attributes (and tags) with those the fetch's mapper keeps of them. An
/// object the mapper would not map (its id is missing) keeps no attributes.
pub fn resource(r: &mut Resource) {
    let obj: Obj = std::mem::take(&mut r.attrs).into_iter().collect();
    let m = Mapper { at: r.fetched_at };
    let zone = ZoneRef {
        id: str_at(&obj, "zone_id")
            .or_else(|| {
                r.parent
                    .as_ref()
                    .and_then(|p| p.as_str().strip_prefix("cloudflare:zone/"))
            })
            .unwrap_or_default()
            .to_string(),
        name: str_at(&obj, "zone_name")
            .map(str::to_string)
            .or_else(|| r.scope.zone.clone())
            .unwrap_or_default(),
        account_id: r.scope.account.clone(),
    };
    let account = r.scope.account.as_str();
    let mapped = match r.kind {
        Kind::CfAccount => m.account(&obj),
        Kind::Zone => m.zone(&obj).map(|(_, z)| z),
        Kind::DnsRecord => m.dns_record(&zone, &obj),
        Kind::WorkerScript => m.worker_script(account, &obj),
        Kind::WorkerRoute => m.worker_route(&zone, &obj).map(|(r, _)| r),
        Kind::R2Bucket => m.r2_bucket(account, &obj),
        Kind::CertificatePack => m.certificate_pack(&zone, &obj),
        Kind::CustomHostname => m.custom_hostname(&zone, &obj),
        Kind::PageRule => m.page_rule(&zone, &unflatten_page_rule(&obj)),
        Kind::Ruleset => m.ruleset(&zone, &obj),
        Kind::CfPool => m.pool(account, &obj),
        Kind::CfLoadBalancer => m.load_balancer(&zone, &obj).map(|(r, _)| r),
        _ => None,
    };
    match mapped {
        Some(x) => {
            r.attrs = x.attrs;
            r.tags = x.tags;
        }
        None => r.tags.clear(),
    }
}

/// A stored page rule (`url_pattern`, `actions[{id, …}]`) back in the API's shape
/// (`targets[{target: url, constraint: {value}}]`, `actions[{id, value}]`).
fn unflatten_page_rule(obj: &Obj) -> Obj {
    let mut out = obj.clone();
    out.remove("url_pattern");
    if let Some(p) = obj.get("url_pattern").filter(|p| p.is_string()) {
        out.insert(
            "targets".into(),
            json!([{"target": "url", "constraint": {"operator": "matches", "value": p}}]),
        );
    }
    let actions: Vec<Value> = obj
        .get("actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let a = a.as_object()?;
            let id = a.get("id")?.clone();
            let rest: Map<String, Value> = a
                .iter()
                .filter(|(k, _)| k.as_str() != "id")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let value = match rest.get("setting") {
                Some(s) if rest.len() == 1 => s.clone(),
                _ if rest.is_empty() => Value::Null,
                _ => Value::Object(rest),
            };
            Some(json!({"id": id, "value": value}))
        })
        .collect();
    out.insert("actions".into(), Value::Array(actions));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, ResourceId, Scope};

    fn res(kind: Kind, attrs: Value) -> Resource {
        Resource {
            id: ResourceId::new(Provider::Cloudflare, kind.as_str(), &["z1", "x"]),
            provider: Provider::Cloudflare,
            kind,
            name: "x".into(),
            parent: Some(ResourceId::new(Provider::Cloudflare, "zone", &["z1"])),
            scope: Scope {
                account: "a1".into(),
                zone: Some("acmepay.com".into()),
                ..Scope::default()
            },
            attrs: serde_json::from_value(attrs).unwrap(),
            tags: [("planted".to_string(), "s3cr3t".to_string())].into(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn page_rules_survive_the_round_trip_and_lose_unknown_fields() {
        let attrs = json!({
            "id": "p1", "status": "active", "priority": 1, "url_pattern": "*acmepay.io/*",
            "actions": [
                {"id": "forwarding_url", "url": "https://acmepay.com/$2", "status_code": 301},
                {"id": "browser_check", "setting": "on"},
                {"id": "always_use_https"}
            ],
            "api_key": "k3y"
        });
        let mut r = res(Kind::PageRule, attrs.clone());
        resource(&mut r);
        let mut expected = attrs;
        expected.as_object_mut().unwrap().remove("api_key");
        assert_eq!(serde_json::to_value(&r.attrs).unwrap(), expected);
        assert!(r.tags.is_empty());
    }

    #[test]
    fn transform_rule_header_values_and_unknown_fields_go() {
        let mut r = res(
            Kind::Ruleset,
            json!({"id": "rs1", "name": "default", "phase": "p", "secret": "s3cr3t",
                   "rules": [{"id": "ru1", "action": "rewrite", "action_parameters": {"headers":
                       {"X-Origin-Auth": {"operation": "set", "value": "s3cr3t"}}}}]}),
        );
        resource(&mut r);
        assert!(!serde_json::to_string(&r).unwrap().contains("s3cr3t"));
        assert_eq!(r.attrs["rules"][0]["id"], "ru1");
    }

    #[test]
    fn dns_records_keep_their_tags_from_the_record() {
        let mut r = res(
            Kind::DnsRecord,
            json!({"id": "r1", "name": "api.acmepay.com", "type": "CNAME", "content": "x",
                   "tags": ["owner:platform"], "zone_id": "z1", "zone_name": "acmepay.com",
                   "password": "p"}),
        );
        resource(&mut r);
        assert_eq!(r.tags.len(), 1);
        assert_eq!(r.tags["owner"], "platform");
        assert!(!r.attrs.contains_key("password"));
        assert_eq!(r.attrs["zone_name"], "acmepay.com");
    }
}
