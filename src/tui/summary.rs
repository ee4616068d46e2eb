//! One-line descriptions of resources for tree rows, from their attributes.

use serde_json::Value;

use crate::model::{Kind, Resource};

fn s<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    r.attrs.get(key).and_then(Value::as_str)
}

fn nested<'a>(r: &'a Resource, key: &str, field: &str) -> Option<&'a str> {
    r.attrs.get(key)?.get(field)?.as_str()
}

fn num(r: &Resource, key: &str) -> Option<i64> {
    r.attrs.get(key).and_then(Value::as_i64)
}

/// A short hint shown after the name, or empty.
pub fn summary(r: &Resource) -> String {
    match r.kind {
        Kind::Formation => match (num(r, "quantity"), s(r, "size")) {
            (Some(q), Some(size)) => format!("{q} × {size}"),
            (Some(q), None) => format!("{q} ×"),
            _ => String::new(),
        },
        // A refresh that failed says so: the details panel shows its cause.
        Kind::App => match (
            nested(r, "ferry_details", "state"),
            nested(r, "ferry_details", "error").is_some(),
        ) {
            (Some("stale"), true) => "details stale: refresh failed".into(),
            (Some("stale"), false) => "details stale".into(),
            (Some("missing"), true) => "no details: fetch failed".into(),
            (Some("missing"), false) => "no details yet".into(),
            _ => String::new(),
        },
        Kind::Addon => nested(r, "plan", "name").unwrap_or_default().to_string(),
        Kind::AddonAttachment => nested(r, "addon", "name")
            .map(|a| format!("→ {a}"))
            .unwrap_or_default(),
        Kind::ConfigVars => r
            .attrs
            .get("names")
            .and_then(Value::as_array)
            .map(|n| format!("{} names", n.len()))
            .unwrap_or_default(),
        Kind::Domain => s(r, "cname").map(|c| format!("→ {c}")).unwrap_or_default(),
        Kind::PipelineCoupling => s(r, "stage").unwrap_or_default().to_string(),
        // The record type leads the row itself (see `row_prefix`).
        Kind::DnsRecord => match s(r, "content") {
            Some(c) => {
                let proxied = r.attrs.get("proxied").and_then(Value::as_bool) == Some(true);
                format!("→ {c}{}", if proxied { " (proxied)" } else { "" })
            }
            None => String::new(),
        },
        Kind::Zone => s(r, "status").unwrap_or_default().to_string(),
        Kind::EcsService => match (num(r, "runningCount"), num(r, "desiredCount")) {
            (Some(run), Some(want)) => format!("{run}/{want} running"),
            _ => String::new(),
        },
        Kind::TaskDefinition => match (s(r, "cpu"), s(r, "memory")) {
            (Some(c), Some(m)) => format!("{c} cpu / {m} MiB"),
            _ => String::new(),
        },
        Kind::LoadBalancer => s(r, "DNSName").unwrap_or_default().to_string(),
        Kind::RdsInstance => s(r, "DBInstanceClass").unwrap_or_default().to_string(),
        Kind::CloudfrontDistribution => s(r, "DomainName").unwrap_or_default().to_string(),
        Kind::AcmCertificate => s(r, "Status").unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// An attribute value as one line: strings unquoted, everything else compact JSON.
pub fn value_line(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// What goes before a resource's name in its tree row: a DNS record's type, so the many
/// records of one name (`A`, `MX`, `TXT` of the apex) tell apart in a narrow pane.
pub fn row_prefix(r: &Resource) -> Option<&str> {
    match r.kind {
        Kind::DnsRecord => s(r, "type"),
        _ => None,
    }
}
