//! The Cloudflare fixtures follow the official OpenAPI spec: every field of every served
//! body is one the spec declares for that endpoint's response, with a JSON type it allows.
//! `tests/fixtures/cloudflare/schema-shapes.json` was extracted from the spec by
//! `make_fixtures.py`, so this runs without the spec.

mod common;

use common::shapes::{self, check};

fn read(rel: &str) -> serde_json::Value {
    shapes::read("cloudflare", rel)
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
    assert_eq!(shapes::fixture_files("cloudflare").len(), files.len());
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
    assert!(
        errors[0].contains("colour: not in the schema"),
        "{errors:?}"
    );
    assert!(errors[1].contains("ttl: string"), "{errors:?}");
}
