//! The edge configuration that routes, rewrites or steers traffic: page rules, zone
//! rulesets, load balancers and their origin pools.
//!
//! Shapes follow the demo estate: a page rule's targets and actions are flattened into
//! `url_pattern` and `actions[{id, …}]`; rules keep their expression and action. Header
//! values set by transform rules are dropped: a common way to lock an origin (a Heroku app)
//! to Cloudflare is a shared-secret header, and that secret must not reach the cache.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

use super::mapping::{Mapper, ZoneRef, rid};
use crate::model::{Kind, Link, LinkKind, Resource};
use crate::sources::allowlist::{Obj, pick, str_at};

const RULESET: &[&str] = &[
    "id",
    "name",
    "description",
    "kind",
    "phase",
    "version",
    "last_updated",
];
const RULE: &[&str] = &[
    "id",
    "ref",
    "action",
    "description",
    "expression",
    "enabled",
    "last_updated",
    "action_parameters",
    "ratelimit",
];
const POOL: &[&str] = &[
    "id",
    "name",
    "description",
    "enabled",
    "minimum_origins",
    "monitor",
    "check_regions",
    "origin_steering",
    "origins[].name",
    "origins[].address",
    "origins[].enabled",
    "origins[].weight",
    "origins[].header",
    "created_on",
    "modified_on",
];
const LOAD_BALANCER: &[&str] = &[
    "id",
    "name",
    "description",
    "enabled",
    "proxied",
    "ttl",
    "steering_policy",
    "default_pools",
    "fallback_pool",
    "region_pools",
    "pop_pools",
    "country_pools",
    "session_affinity",
    "session_affinity_ttl",
    "adaptive_routing",
    "location_strategy",
    "rules[].name",
    "rules[].condition",
    "rules[].disabled",
    "rules[].priority",
    "rules[].terminates",
    "rules[].overrides.default_pools",
    "rules[].overrides.fallback_pool",
    "created_on",
    "modified_on",
];

impl Mapper {
    pub fn page_rule(&self, zone: &ZoneRef, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let pattern = obj
            .get("targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|t| t.get("target").and_then(Value::as_str) == Some("url"))
            .and_then(|t| t.pointer("/constraint/value"))
            .and_then(Value::as_str);
        let actions: Vec<Value> = obj
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(flatten_action)
            .collect();
        let forward = actions
            .iter()
            .find(|a| a["id"] == "forwarding_url")
            .and_then(|a| a.get("url"))
            .and_then(Value::as_str);
        let name = match (pattern, forward) {
            (Some(p), Some(to)) => format!("{p} -> {to}"),
            (Some(p), None) => p.to_string(),
            (None, _) => id.to_string(),
        };
        let mut attrs = pick(
            obj,
            &["id", "status", "priority", "created_on", "modified_on"],
        );
        if let Some(p) = pattern {
            attrs.insert("url_pattern".into(), json!(p));
        }
        attrs.insert("actions".into(), Value::Array(actions));
        Some(self.in_zone(zone, Kind::PageRule, id, &name, attrs))
    }

    /// A zone ruleset with its rules (`GET /zones/{zone}/rulesets/{id}`).
    pub fn ruleset(&self, zone: &ZoneRef, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let name = format!(
            "{} ({})",
            str_at(obj, "name").unwrap_or(id),
            str_at(obj, "phase").unwrap_or("no phase")
        );
        let mut attrs = pick(obj, RULESET);
        // A ruleset from the list (its rules could not be read) has no `rules` at all,
        // which is not the same as an empty list.
        if let Some(rules) = obj.get("rules").and_then(Value::as_array) {
            let rules = rules
                .iter()
                .filter_map(Value::as_object)
                .map(|r| {
                    let mut kept: Map<String, Value> = pick(r, RULE).into_iter().collect();
                    if let Some(params) = kept.get_mut("action_parameters") {
                        drop_header_values(params);
                    }
                    Value::Object(kept)
                })
                .collect();
            attrs.insert("rules".into(), Value::Array(rules));
        }
        Some(self.in_zone(zone, Kind::Ruleset, id, &name, attrs))
    }

    pub fn pool(&self, account_id: &str, obj: &Obj) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let name = str_at(obj, "name").unwrap_or(id);
        Some(self.in_account(account_id, Kind::CfPool, id, name, pick(obj, POOL)))
    }

    /// A load balancer and a `references` link to every pool it can send traffic to.
    pub fn load_balancer(&self, zone: &ZoneRef, obj: &Obj) -> Option<(Resource, Vec<Link>)> {
        let id = str_at(obj, "id")?;
        let name = str_at(obj, "name").unwrap_or(id);
        let r = self.in_zone(
            zone,
            Kind::CfLoadBalancer,
            id,
            name,
            pick(obj, LOAD_BALANCER),
        );
        let links = pool_ids(obj)
            .into_iter()
            .map(|pool| Link {
                from: r.id.clone(),
                to: rid("cf_pool", &[&zone.account_id, &pool]),
                kind: LinkKind::References,
            })
            .collect();
        Some((r, links))
    }
}

/// `{id, value}` → `{id, …fields of value}` for object values, `{id, setting}` otherwise.
fn flatten_action(a: &Value) -> Option<Value> {
    let id = a.get("id")?.as_str()?;
    let mut out = Map::new();
    out.insert("id".into(), json!(id));
    match a.get("value") {
        Some(Value::Object(v)) => {
            for (k, x) in v.iter().filter(|(k, _)| k.as_str() != "id") {
                out.insert(k.clone(), x.clone());
            }
        }
        Some(v) if !v.is_null() => {
            out.insert("setting".into(), v.clone());
        }
        _ => {}
    }
    Some(Value::Object(out))
}

/// Transform rules' `headers: {Name: {operation, value | expression}}` keep the header
/// names, operations and expressions, never a literal value.
fn drop_header_values(params: &mut Value) {
    if let Some(headers) = params.get_mut("headers").and_then(Value::as_object_mut) {
        for h in headers.values_mut() {
            if let Some(h) = h.as_object_mut() {
                h.remove("value");
            }
        }
    }
}

/// Every pool id a load balancer refers to, in its defaults, fallback, steering maps and
/// rule overrides.
fn pool_ids(obj: &Obj) -> BTreeSet<String> {
    fn collect(v: Option<&Value>, out: &mut BTreeSet<String>) {
        match v {
            Some(Value::String(s)) if !s.is_empty() => {
                out.insert(s.clone());
            }
            Some(Value::Array(items)) => items.iter().for_each(|i| collect(Some(i), out)),
            Some(Value::Object(map)) => map.values().for_each(|i| collect(Some(i), out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for key in [
        "default_pools",
        "fallback_pool",
        "region_pools",
        "pop_pools",
        "country_pools",
    ] {
        collect(obj.get(key), &mut out);
    }
    for rule in obj
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for key in [
            "default_pools",
            "fallback_pool",
            "region_pools",
            "pop_pools",
            "country_pools",
        ] {
            collect(rule.get("overrides").and_then(|o| o.get(key)), &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    fn zone() -> ZoneRef {
        ZoneRef {
            id: "z2".into(),
            name: "acmepay.io".into(),
            account_id: "a1".into(),
        }
    }

    fn mapper() -> Mapper {
        Mapper { at: Utc::now() }
    }

    #[test]
    fn page_rules_are_flattened_as_in_the_demo() {
        let r = mapper()
            .page_rule(
                &zone(),
                &obj(json!({
                    "id": "p1", "status": "active", "priority": 1,
                    "targets": [{"target": "url", "constraint": {"operator": "matches", "value": "*acmepay.io/*"}}],
                    "actions": [
                        {"id": "forwarding_url", "value": {"url": "https://acmepay.com/$2", "status_code": 301}},
                        {"id": "browser_check", "value": "on"}
                    ],
                    "created_on": "2021-05-03T12:55:00Z", "modified_on": "2021-05-03T12:55:00Z"
                })),
            )
            .unwrap();
        assert_eq!(r.name, "*acmepay.io/* -> https://acmepay.com/$2");
        assert_eq!(r.attrs["url_pattern"], "*acmepay.io/*");
        assert_eq!(
            r.attrs["actions"],
            json!([
                {"id": "forwarding_url", "url": "https://acmepay.com/$2", "status_code": 301},
                {"id": "browser_check", "setting": "on"}
            ])
        );
        assert!(
            !serde_json::to_string(&r.attrs)
                .unwrap()
                .contains("\"value\"")
        );
    }

    #[test]
    fn transform_rules_keep_header_names_but_never_values() {
        let r = mapper()
            .ruleset(
                &zone(),
                &obj(json!({
                    "id": "rs1", "name": "default", "kind": "zone", "phase": "http_request_late_transform",
                    "rules": [{
                        "id": "ru1", "action": "rewrite", "expression": "true", "enabled": true,
                        "action_parameters": {"headers": {
                            "X-Origin-Auth": {"operation": "set", "value": "s3cr3t"},
                            "X-Client": {"operation": "set", "expression": "ip.src"}
                        }},
                        "logging": {"enabled": true}
                    }]
                })),
            )
            .unwrap();
        assert_eq!(r.name, "default (http_request_late_transform)");
        let headers = &r.attrs["rules"][0]["action_parameters"]["headers"];
        assert_eq!(headers["X-Origin-Auth"], json!({"operation": "set"}));
        assert_eq!(headers["X-Client"]["expression"], "ip.src");
        assert!(!serde_json::to_string(&r.attrs).unwrap().contains("s3cr3t"));
        assert!(r.attrs["rules"][0].get("logging").is_none());
    }

    #[test]
    fn load_balancers_reference_every_pool_once() {
        let (r, links) = mapper()
            .load_balancer(
                &zone(),
                &obj(json!({
                    "id": "lb1", "name": "api.acmepay.io",
                    "default_pools": ["p1", "p2"], "fallback_pool": "p3",
                    "region_pools": {"WNAM": ["p2"]}, "pop_pools": {}, "country_pools": {"GB": ["p4"]},
                    "rules": [{"name": "r", "overrides": {"default_pools": ["p5"], "session_affinity": "cookie"}}]
                })),
            )
            .unwrap();
        assert_eq!(r.id.as_str(), "cloudflare:cf_load_balancer/z2/lb1");
        let to: Vec<&str> = links.iter().map(|l| l.to.as_str()).collect();
        assert_eq!(
            to,
            ["p1", "p2", "p3", "p4", "p5"].map(|p| format!("cloudflare:cf_pool/a1/{p}"))
        );
        assert_eq!(
            r.attrs["rules"][0]["overrides"],
            json!({"default_pools": ["p5"]})
        );
    }
}
