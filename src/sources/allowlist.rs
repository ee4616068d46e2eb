//! Allowlisted copies of API objects into resource attributes.
//!
//! Only the listed fields are kept, under the provider's own names, so a field an API adds
//! later (or one that carries a credential, like a custom hostname's private key) never
//! reaches the cache by accident. Paths are dot-separated; `a.b` keeps only `b` of the
//! object `a`, and `a[].b` keeps only `b` of every object in the array `a`.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::model::Attrs;

pub type Obj = Map<String, Value>;

/// One level of a parsed allowlist: each field is kept whole or narrowed further.
#[derive(Debug, Default)]
struct Spec {
    fields: BTreeMap<String, Node>,
}

#[derive(Debug, Default)]
struct Node {
    whole: bool,
    array: bool,
    inner: Spec,
}

impl Spec {
    fn parse(paths: &[&str]) -> Spec {
        let mut root = Spec::default();
        for path in paths {
            let mut spec = &mut root;
            let mut parts = path.split('.').peekable();
            while let Some(part) = parts.next() {
                let (name, array) = match part.strip_suffix("[]") {
                    Some(n) => (n, true),
                    None => (part, false),
                };
                let node = spec.fields.entry(name.to_string()).or_default();
                node.array |= array;
                if parts.peek().is_none() {
                    node.whole = true;
                }
                spec = &mut node.inner;
            }
        }
        root
    }

    fn apply(&self, obj: &Obj) -> Obj {
        let mut out = Map::new();
        for (name, node) in &self.fields {
            if let Some(v) = obj.get(name) {
                out.insert(name.clone(), node.apply(v));
            }
        }
        out
    }
}

impl Node {
    fn apply(&self, v: &Value) -> Value {
        if self.whole {
            return v.clone();
        }
        match v {
            Value::Array(items) if self.array => {
                Value::Array(items.iter().map(|i| self.narrow(i)).collect())
            }
            other if !self.array => self.narrow(other),
            // An array where the API documents an object (or the reverse) keeps nothing.
            _ => Value::Null,
        }
    }

    /// Keeps the listed fields of an object; anything else becomes null, never copied.
    fn narrow(&self, v: &Value) -> Value {
        match v {
            Value::Object(o) => Value::Object(self.inner.apply(o)),
            _ => Value::Null,
        }
    }
}

/// Copies the allowlisted `paths` of `obj`.
pub fn pick(obj: &Obj, paths: &[&str]) -> Attrs {
    Spec::parse(paths).apply(obj).into_iter().collect()
}

/// A string at a dotted path (`account.id`).
pub fn str_at<'a>(obj: &'a Obj, path: &str) -> Option<&'a str> {
    value_at(obj, path)?.as_str()
}

/// The value at a dotted path.
pub fn value_at<'a>(obj: &'a Obj, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = obj.get(parts.next()?)?;
    for p in parts {
        value = value.get(p)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn keeps_only_what_is_listed() {
        let o = obj(json!({
            "id": "h1",
            "ssl": {"status": "active", "custom_key": "-----BEGIN PRIVATE KEY-----", "hosts": ["a"]},
            "origins": [{"address": "x.herokuapp.com", "header": {"Host": ["x"]}}, 7],
            "plan": null,
            "secret": "s"
        }));
        let a = pick(
            &o,
            &[
                "id",
                "ssl.status",
                "ssl.hosts",
                "origins[].address",
                "plan.name",
                "absent",
            ],
        );
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({
                "id": "h1",
                "ssl": {"status": "active", "hosts": ["a"]},
                "origins": [{"address": "x.herokuapp.com"}, null],
                "plan": null
            })
        );
    }

    #[test]
    fn a_whole_field_wins_over_a_narrower_path() {
        let o = obj(json!({"meta": {"a": 1, "b": 2}}));
        let a = pick(&o, &["meta.a", "meta"]);
        assert_eq!(a["meta"], json!({"a": 1, "b": 2}));
    }

    #[test]
    fn unexpected_shapes_keep_nothing() {
        let o = obj(json!({"rules": {"id": "x", "token": "t"}, "ssl": ["k"]}));
        let a = pick(&o, &["rules[].id", "ssl.status"]);
        assert_eq!(a["rules"], Value::Null);
        assert_eq!(a["ssl"], Value::Null);
    }

    #[test]
    fn dotted_lookups() {
        let o = obj(json!({"account": {"id": "a1"}, "n": 3}));
        assert_eq!(str_at(&o, "account.id"), Some("a1"));
        assert_eq!(str_at(&o, "n"), None);
        assert_eq!(value_at(&o, "n"), Some(&json!(3)));
        assert_eq!(str_at(&o, "account.name"), None);
    }
}
