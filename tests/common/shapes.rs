//! Checks a served JSON body against the shapes `make_fixtures.py` extracted from an
//! official schema (`schema-shapes.json`): every field must be one the schema declares,
//! with a JSON type it allows. Shared by the Heroku and Cloudflare fixture tests.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `tests/fixtures/<source>`.
pub fn fixtures(source: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(source)
}

/// A fixture file of `source`, parsed.
pub fn read(source: &str, rel: &str) -> Value {
    let path = fixtures(source).join(rel);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.json` fixture of `source` except the shapes file, relative to its folder.
pub fn fixture_files(source: &str) -> Vec<String> {
    let root = fixtures(source);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && !p.ends_with("schema-shapes.json")
            {
                out.push(
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Appends to `errors` every place in `value` (named from `at`) that `shape` does not
/// allow. A shape has `types`, optionally `nullable`, `properties` (the declared fields),
/// `map` (the shape of every value of a free-form object) and `items`.
pub fn check(value: &Value, shape: &Value, at: &str, errors: &mut Vec<String>) {
    let types: Vec<&str> = shape["types"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let t = json_type(value);
    let nullable = shape["nullable"].as_bool().unwrap_or(false);
    let ok = types.is_empty()
        || types.contains(&t)
        || (t == "integer" && types.contains(&"number"))
        || (t == "null" && nullable);
    if !ok {
        errors.push(format!("{at}: {t} where the schema allows {types:?}"));
        return;
    }
    match value {
        Value::Object(obj) => {
            let props = shape.get("properties").and_then(Value::as_object);
            let map = shape.get("map");
            for (k, v) in obj {
                match (props.and_then(|p| p.get(k)), map) {
                    (Some(s), _) | (None, Some(s)) => check(v, s, &format!("{at}.{k}"), errors),
                    (None, None) if props.is_some() => {
                        errors.push(format!("{at}.{k}: not in the schema"))
                    }
                    (None, None) => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_shape) = shape.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(v, item_shape, &format!("{at}[{i}]"), errors);
                }
            }
        }
        _ => {}
    }
}
