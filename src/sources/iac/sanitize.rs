//! An imported IaC resource cut down to what a fetch keeps: the address and bookkeeping
//! fields, and of the identifiers only those on the type's allowlist, so a password or an
//! SSM value that slipped into a hand-edited snapshot file goes.

use serde_json::Value;

use super::allow;
use crate::model::{Kind, Resource};

/// The attributes a fetch writes on an `iac_state`.
pub const STATE_ATTRS: &[&str] = &[
    "location",
    "configured",
    "status",
    "why",
    "lineage",
    "serial",
    "terraform_version",
    "tool",
    "resources",
    "data_sources",
    "superseded_by",
];

/// The scalar attributes a fetch writes on an `iac_resource` (plus `identifiers` and
/// `identity`, cut to the type's list).
pub const RESOURCE_ATTRS: &[&str] = &[
    "address",
    "tf_type",
    "module",
    "index_key",
    "deposed",
    "tainted",
    "state",
    "lineage",
];

/// Keeps strings, integers and lists of strings: no identifier is anything else.
fn scalar(v: &Value) -> bool {
    match v {
        Value::String(_) | Value::Bool(_) => true,
        Value::Number(n) => n.is_i64() || n.is_u64(),
        Value::Array(a) => a.iter().all(Value::is_string),
        _ => false,
    }
}

fn cut(v: &mut Value, keep: &dyn Fn(&str) -> bool) {
    match v {
        Value::Object(m) => m.retain(|k, v| keep(k) && scalar(v) && !v.is_boolean()),
        other => *other = Value::Object(Default::default()),
    }
}

pub fn resource(r: &mut Resource) {
    r.tags.clear();
    match r.kind {
        Kind::IacState => r
            .attrs
            .retain(|k, v| STATE_ATTRS.contains(&k.as_str()) && scalar(v)),
        Kind::IacResource => {
            let ty = r.attr_str("tf_type").unwrap_or("").to_string();
            let own = allow::attributes(&ty);
            r.attrs.retain(|k, v| {
                RESOURCE_ATTRS.contains(&k.as_str()) && scalar(v)
                    || matches!(k.as_str(), "identifiers" | "identity")
            });
            if let Some(v) = r.attrs.get_mut("identifiers") {
                cut(v, &|k| own.contains(&k));
            }
            if let Some(v) = r.attrs.get_mut("identity") {
                cut(v, &|k| own.contains(&k) || allow::IDENTITY.contains(&k));
            }
        }
        _ => r.attrs.clear(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, ResourceId, Scope};
    use serde_json::json;

    #[test]
    fn identifiers_outside_the_types_list_are_dropped() {
        let mut r = Resource {
            id: ResourceId::from_raw("iac:resource/L/aws_db_instance.x"),
            provider: Provider::Iac,
            kind: Kind::IacResource,
            name: "aws_db_instance.x".into(),
            parent: None,
            scope: Scope::default(),
            attrs: [
                ("tf_type".to_string(), json!("aws_db_instance")),
                ("address".to_string(), json!("aws_db_instance.x")),
                (
                    "identifiers".to_string(),
                    json!({"arn": "arn:aws:rds:r:1:db:x", "password": "hunter2", "id": "db-1"}),
                ),
                ("outputs".to_string(), json!({"v": "hunter2"})),
            ]
            .into(),
            tags: [("k".to_string(), "hunter2".to_string())].into(),
            fetched_at: chrono::Utc::now(),
        };
        resource(&mut r);
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(
            r.attrs["identifiers"],
            json!({"arn": "arn:aws:rds:r:1:db:x"})
        );
    }
}
