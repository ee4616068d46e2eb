//! The Cloudflare fixtures follow the official OpenAPI spec: every field of every served
//! body is one the spec declares for that endpoint's response, with a JSON type it allows.
//! `tests/fixtures/cloudflare/schema-shapes.json` was extracted from the spec by
//! `make_fixtures.py`, so this runs without the spec.

use serde_json::Value;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cloudflare"
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
    let nullable = shape["nullable"].as_bool().unwrap_or(false);
    let ok = types.is_empty()
        || types.contains(&t)
        || (t == "integer" && types.contains(&"number"))
        || (t == "null" && nullable);
    if !ok {
        errors.push(format!("{at}: {t} where the spec allows {types:?}"));
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
                        errors.push(format!("{at}.{k}: not in the spec"))
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

#[test]
fn every_fixture_body_follows_the_spec() {
    let meta = read("schema-shapes.json");
    let files = meta["files"].as_object().unwrap();
    let mut errors = Vec::new();
    let mut objects = 0;
    for (rel, template) in files {
        let shape = &meta["shapes"][template.as_str().unwrap()];
        assert!(shape.is_object(), "no shape for {template}");
        let body = read(rel);
        assert_eq!(body["success"], true, "{rel}: an envelope");
        objects += body["result"].as_array().map_or(1, Vec::len);
        check(&body, shape, rel, &mut errors);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(objects > 30, "checked {objects} objects");
    // Every fixture on disk is listed (and so checked).
    let mut on_disk = 0;
    let mut stack = vec![fixtures().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && !p.ends_with("schema-shapes.json")
            {
                on_disk += 1;
            }
        }
    }
    assert_eq!(on_disk, files.len());
}

#[test]
fn the_checker_catches_unknown_fields_and_wrong_types() {
    let meta = read("schema-shapes.json");
    let shape = &meta["shapes"]["/zones/{zone_id}/dns_records"];
    let mut body = read(&format!(
        "zones/{}/dns_records.json",
        read("zones.json")["result"][0]["id"].as_str().unwrap()
    ));
    body["result"][0]["colour"] = "red".into();
    body["result"][1]["ttl"] = "auto".into();
    let mut errors = Vec::new();
    check(&body, shape, "dns", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("colour: not in the spec"), "{errors:?}");
    assert!(errors[1].contains("ttl: string"), "{errors:?}");
}
