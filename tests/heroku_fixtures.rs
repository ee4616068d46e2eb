//! The Heroku fixtures follow the official Platform API schema: every field of every
//! served object is one the schema declares for that resource, with a JSON type it allows.
//! `tests/fixtures/heroku/schema-shapes.json` was extracted from the schema by
//! `make_fixtures.py`, so this runs without the schema.

mod common;

use common::shapes::{self, check};
use serde_json::Value;

fn read(rel: &str) -> Value {
    shapes::read("heroku", rel)
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
        "dyno-sizes" => "dyno-size",
        "telemetry-drains" => "telemetry-drain",
        _ => return None,
    })
}

#[test]
fn every_fixture_object_follows_the_schema() {
    let shapes = read("schema-shapes.json");
    let mut checked = 0;
    let mut errors = Vec::new();
    let files = shapes::fixture_files("heroku")
        .into_iter()
        .map(|f| ("heroku", f));
    let fir = shapes::fixture_files("heroku_fir")
        .into_iter()
        .map(|f| ("heroku_fir", f));
    for (source, rel) in &files.chain(fir).collect::<Vec<_>>() {
        let read = |rel: &str| shapes::read(source, rel);
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
