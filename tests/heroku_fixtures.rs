//! The Heroku fixtures follow the official Platform API schema: every field of every
//! served object is one the schema declares for that resource, with a JSON type it allows.
//! `tests/fixtures/heroku/schema-shapes.json` was extracted from the schema by
//! `make_fixtures.py`, so this runs without the schema.

use serde_json::Value;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/heroku"
    ))
}

fn read(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join(rel)).unwrap()).unwrap()
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

fn check(value: &Value, shape: &Value, at: &str, errors: &mut Vec<String>) {
    let types: Vec<&str> = shape["types"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let t = json_type(value);
    let ok =
        types.is_empty() || types.contains(&t) || (t == "integer" && types.contains(&"number"));
    if !ok {
        errors.push(format!("{at}: {t} where the schema allows {types:?}"));
    }
    match value {
        Value::Object(obj) => {
            if let Some(props) = shape.get("properties").and_then(Value::as_object) {
                for (k, v) in obj {
                    match props.get(k) {
                        Some(s) => check(v, s, &format!("{at}.{k}"), errors),
                        None => errors.push(format!("{at}.{k}: not in the schema")),
                    }
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

/// Which schema resource each fixture file holds.
fn resource_of(rel: &str) -> Option<&'static str> {
    let name = rel.rsplit('/').next()?.trim_end_matches(".json");
    Some(match name {
        "account" => "account",
        "teams" => "team",
        "spaces" => "space",
        "apps" => "app",
        "addons" => "add-on",
        "addon-attachments" => "add-on-attachment",
        "pipelines" => "pipeline",
        "pipeline-couplings" => "pipeline-coupling",
        "formation" => "formation",
        "dynos" => "dyno",
        "domains" => "domain",
        "sni-endpoints" => "sni-endpoint",
        "log-drains" => "log-drain",
        "buildpack-installations" => "buildpack-installation",
        "releases" => "release",
        "rate-limits" => "rate-limit",
        _ => return None,
    })
}

fn files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(
                p.strip_prefix(fixtures())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

#[test]
fn every_fixture_object_follows_the_schema() {
    let shapes = read("schema-shapes.json");
    let mut all = Vec::new();
    files(fixtures(), &mut all);
    let mut checked = 0;
    let mut errors = Vec::new();
    for rel in all.iter().filter(|r| !r.ends_with("schema-shapes.json")) {
        if rel.ends_with("config-vars.json") {
            // A flat name → value object; the schema says only that.
            assert!(
                read(rel)
                    .as_object()
                    .unwrap()
                    .values()
                    .all(Value::is_string)
            );
            continue;
        }
        let resource = resource_of(rel).unwrap_or_else(|| panic!("unknown fixture {rel}"));
        let shape = &shapes[resource];
        match read(rel) {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(item, shape, &format!("{rel}[{i}]"), &mut errors);
                    checked += 1;
                }
            }
            obj => {
                check(&obj, shape, rel, &mut errors);
                checked += 1;
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(checked > 40, "checked {checked} objects");
}
