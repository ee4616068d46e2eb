//! Imported snapshots through the same allowlists and sanitisers as a fetch.
//!
//! A snapshot file is only JSON: whoever wrote it (an older Ferry, a script, a colleague's
//! hand edit) may have put config var values, passwords or credentialed drain URLs in it.
//! A fetch never stores those, so an import must not either: each resource is cut down to
//! what a fetch of its kind keeps (each source's `sanitize.rs`), and Ferry's own `ferry_`
//! attributes to their documented shapes. What was removed is counted, never shown.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::model::{Attrs, Kind, Provider, Resource, SourceSnapshot};
use crate::sources::allowlist::pick;

/// Ferry's own attributes, in the shapes the sources write (see the shared contract in
/// ARCHITECTURE.md): `ferry_stale: true`, `ferry_details {state, fetched_at, error}` and
/// `ferry_unavailable [{kind, error, kept_stale, failed, region}]`.
const FERRY_ATTRS: &[&str] = &[
    "ferry_stale",
    "ferry_details.state",
    "ferry_details.fetched_at",
    "ferry_details.error",
    "ferry_unavailable[].kind",
    "ferry_unavailable[].error",
    "ferry_unavailable[].kept_stale",
    "ferry_unavailable[].failed",
    "ferry_unavailable[].region",
];

/// What sanitising one snapshot removed: counts only, so the summary can say it without
/// repeating a secret.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Attribute values (leaves of the JSON) removed or rewritten.
    pub values: usize,
    /// Tags a fetch of that kind would not have.
    pub tags: usize,
    /// Names rewritten (a drain or buildpack URL with credentials in it).
    pub names: usize,
    /// Resources that lost anything, per kind.
    pub resources: BTreeMap<Kind, usize>,
}

impl Dropped {
    pub fn is_empty(&self) -> bool {
        self.values == 0 && self.tags == 0 && self.names == 0
    }

    /// `7 attribute values, 2 tags, 1 name (config_vars 3, log_drain 1)`.
    pub fn describe(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.values > 0 {
            parts.push(plural(self.values, "attribute value", "attribute values"));
        }
        if self.tags > 0 {
            parts.push(plural(self.tags, "tag", "tags"));
        }
        if self.names > 0 {
            parts.push(plural(self.names, "name", "names"));
        }
        let kinds: Vec<String> = self
            .resources
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        format!("{} (resources: {})", parts.join(", "), kinds.join(", "))
    }
}

/// Cuts every resource of `snap` down to what a fetch keeps; returns what went.
pub fn snapshot(snap: &mut SourceSnapshot) -> Dropped {
    let mut dropped = Dropped::default();
    for r in &mut snap.resources {
        let before = r.clone();
        resource(r);
        let values = removed_leaves(
            &Value::Object(before.attrs.into_iter().collect()),
            &Value::Object(r.attrs.clone().into_iter().collect()),
        );
        let tags = before
            .tags
            .iter()
            .filter(|(k, v)| r.tags.get(*k) != Some(*v))
            .count();
        let names = usize::from(before.name != r.name);
        if values + tags + names > 0 {
            dropped.values += values;
            dropped.tags += tags;
            dropped.names += names;
            *dropped.resources.entry(r.kind).or_default() += 1;
        }
    }
    dropped
}

/// One resource, in place: Ferry's attributes checked here, the provider's by its source.
pub fn resource(r: &mut Resource) {
    let (ferry, provider): (Attrs, Attrs) = std::mem::take(&mut r.attrs)
        .into_iter()
        .partition(|(k, _)| k.starts_with("ferry_"));
    r.attrs = provider;
    match r.provider {
        Provider::Heroku => super::heroku::sanitize::resource(r),
        Provider::Cloudflare => super::cloudflare::sanitize::resource(r),
        Provider::Aws => super::aws::sanitize::resource(r),
        Provider::Semaphore => super::semaphore::sanitize::resource(r),
        Provider::Iac => super::iac::sanitize::resource(r),
    }
    r.attrs.extend(ferry_attrs(&ferry));
}

fn ferry_attrs(attrs: &Attrs) -> Attrs {
    let obj = attrs.clone().into_iter().collect();
    let mut kept = pick(&obj, FERRY_ATTRS);
    if !kept.get("ferry_stale").is_none_or(Value::is_boolean) {
        kept.remove("ferry_stale");
    }
    // The allowlist keeps a listed field whole; these are all scalars, so anything nested
    // under one (an `error` that is an object) is not Ferry's and goes.
    if let Some(Value::Object(d)) = kept.get_mut("ferry_details") {
        d.retain(|_, v| is_scalar(v));
    }
    if let Some(Value::Array(items)) = kept.get_mut("ferry_unavailable") {
        items.retain(Value::is_object);
        for item in items.iter_mut() {
            if let Value::Object(o) = item {
                o.retain(|_, v| is_scalar(v));
            }
        }
    }
    kept.retain(|_, v| !v.is_null());
    kept
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

/// How many leaves (scalars, and empty objects or arrays) of `before` are not in `after`
/// at the same place with the same value.
pub fn removed_leaves(before: &Value, after: &Value) -> usize {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) if !b.is_empty() => b
            .iter()
            .map(|(k, v)| removed_leaves(v, a.get(k).unwrap_or(&Value::Null)))
            .sum(),
        (Value::Array(b), Value::Array(a)) if !b.is_empty() => b
            .iter()
            .enumerate()
            .map(|(i, v)| removed_leaves(v, a.get(i).unwrap_or(&Value::Null)))
            .sum(),
        (Value::Object(b), _) if !b.is_empty() => {
            b.values().map(|v| removed_leaves(v, &Value::Null)).sum()
        }
        (Value::Array(b), _) if !b.is_empty() => {
            b.iter().map(|v| removed_leaves(v, &Value::Null)).sum()
        }
        (b, a) => usize::from(b != a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ferry_attributes_keep_their_documented_shapes_only() {
        let attrs: Attrs = [
            ("ferry_stale".to_string(), json!(true)),
            (
                "ferry_details".to_string(),
                json!({"state": "stale", "fetched_at": "2026-11-20T08:55:00Z",
                       "error": "503", "token": "s3cr3t", "extra": {"password": "p"}}),
            ),
            (
                "ferry_unavailable".to_string(),
                json!([{"kind": "r2_bucket", "error": "403", "kept_stale": 0, "failed": false,
                        "api_key": "k"}, "junk"]),
            ),
            ("ferry_secret".to_string(), json!("p4ss")),
        ]
        .into();
        let kept = ferry_attrs(&attrs);
        let text = serde_json::to_string(&kept).unwrap();
        for secret in ["s3cr3t", "\"p\"", "\"k\"", "p4ss", "junk"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(kept["ferry_stale"], json!(true));
        assert_eq!(kept["ferry_details"]["state"], "stale");
        assert_eq!(kept["ferry_unavailable"][0]["kind"], "r2_bucket");
        let odd: Attrs = [("ferry_stale".to_string(), json!({"x": "y"}))].into();
        assert!(ferry_attrs(&odd).is_empty());
    }

    #[test]
    fn removed_leaves_counts_values_not_containers() {
        let before = json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": {}});
        assert_eq!(removed_leaves(&before, &before), 0);
        assert_eq!(removed_leaves(&before, &json!({"a": 1})), 4);
        assert_eq!(
            removed_leaves(&before, &json!({"a": 2, "b": {"c": "x"}, "e": {}})),
            3
        );
    }
}
