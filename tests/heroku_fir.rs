//! The Heroku source on an estate with a Fir space and app (the schema-shaped fixtures
//! plus `tests/fixtures/heroku_fir`): dyno sizes read once per account, telemetry drains
//! read for Fir apps and spaces only (with the `3.sdk` Accept variant the mock insists
//! on), exporter header values never kept, and `/dyno-sizes` or a space's drains failing
//! alone.

mod common;

use common::heroku_mock::HerokuMock;
use common::heroku_setup::*;
use ferry::model::{Kind, LinkKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const CANARY: &str = "FERRY-OTEL-HEADER-CANARY-5e1f";
const EMAIL: &str = "platform@acmepay.com";
const APP_DRAIN: &str = "heroku:telemetry_drain/acme-edge/00000000-0000-4000-8000-000000001200";
const SPACE_DRAIN: &str = "heroku:telemetry_drain/acme-fir/00000000-0000-4000-8000-000000001201";

#[tokio::test]
async fn fir_apps_and_spaces_have_their_telemetry_drains_and_sizes_are_read_once() {
    let (server, mock) = serve(HerokuMock::fir_fixtures()).await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = snapshot(&out);

    // One request for the sizes; drains asked for the Fir app and space only.
    assert_eq!(mock.hits_of("/dyno-sizes"), 1);
    assert_eq!(mock.hits_of("/apps/acme-edge/telemetry-drains"), 1);
    assert_eq!(mock.hits_of("/spaces/acme-fir/telemetry-drains"), 1);
    for cedar in ["acme-api", "acme-api-staging", "acme-reports", "acme-vault"] {
        assert_eq!(mock.hits_of(&format!("/apps/{cedar}/telemetry-drains")), 0);
    }
    assert_eq!(mock.hits_of("/spaces/acme-shield/telemetry-drains"), 0);
    // 1 rate-limit read, 9 lists, 8 per Cedar app, 9 for the Fir app, 1 Fir space.
    assert_eq!(mock.total_hits(), 1 + 9 + 8 * 4 + 9 + 1);

    let edge = get(snap, "heroku:app/acme-edge");
    assert_eq!(edge.attrs["generation"]["name"], "fir");
    assert_eq!(edge.attrs["ferry_details"]["state"], "fresh");
    assert_eq!(
        get(snap, "heroku:app/acme-api").attrs["generation"]["name"],
        "cedar"
    );
    assert_eq!(
        get(snap, "heroku:space/acme-fir").attrs["generation"]["name"],
        "fir"
    );

    let sizes: Vec<&str> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::DynoSize)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(sizes.len(), 6, "{sizes:?}");
    let fir_size = get(snap, &format!("heroku:dyno_size/{EMAIL}/dyno-2c-4gb"));
    assert_eq!(fir_size.attrs["memory"], json!(4));
    assert_eq!(fir_size.attrs["generation"]["name"], "fir");
    assert_eq!(
        fir_size.parent.as_ref().unwrap().as_str(),
        format!("heroku:account/{EMAIL}")
    );

    let d = get(snap, APP_DRAIN);
    assert_eq!(d.parent.as_ref().unwrap().as_str(), "heroku:app/acme-edge");
    assert_eq!(d.name, "https://otlp.eu01.nr-data.net:4318/v1");
    assert_eq!(d.attrs["signals"], json!(["traces", "metrics", "logs"]));
    assert_eq!(d.attrs["exporter"]["type"], "otlphttp");
    assert_eq!(
        d.attrs["exporter"]["header_names"],
        json!(["api-key", "x-environment"])
    );
    assert!(d.attrs["exporter"].get("headers").is_none());
    let s = get(snap, SPACE_DRAIN);
    assert_eq!(s.parent.as_ref().unwrap().as_str(), "heroku:space/acme-fir");
    assert!(
        snap.links.iter().any(|l| l.from.as_str() == SPACE_DRAIN
            && l.to.as_str() == "heroku:app/acme-edge"
            && l.kind == LinkKind::AttachedTo),
        "a space drain applies to the apps in the space"
    );

    let text = serde_json::to_string(snap).unwrap();
    for secret in [CANARY, "FERRY-OTEL-URL-PASSWORD", "FERRY-OTEL-QUERY"] {
        assert!(!text.contains(secret), "{secret} in the snapshot");
    }
}

#[tokio::test]
async fn telemetry_drains_need_the_sdk_accept_variant() {
    // The mock answers 406 to any other Accept on these endpoints; a fresh Fir app
    // proves the variant was sent. A Cedar app's details never asked for them.
    let (server, _mock) = serve(HerokuMock::fir_fixtures()).await;
    let out = fetch(&options(&server), None).await;
    let snap = snapshot(&out);
    let edge = get(snap, "heroku:app/acme-edge");
    assert_eq!(edge.attrs["ferry_details"]["state"], "fresh", "{edge:?}");
    assert!(edge.attrs["ferry_details"].get("error").is_none());
}

fn unavailable<'a>(r: &'a ferry::model::Resource, kind: &str) -> &'a Value {
    r.attrs["ferry_unavailable"]
        .as_array()
        .and_then(|a| a.iter().find(|u| u["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} mark on {}: {:?}", r.id, r.attrs))
}

#[tokio::test]
async fn a_failed_dyno_size_list_fails_alone_and_keeps_the_last_sizes() {
    let (server, _mock) = serve(HerokuMock::fir_fixtures()).await;
    let first = fetch(&options(&server), None).await;
    let before = snapshot(&first).clone();
    Mock::given(method("GET"))
        .and(path("/dyno-sizes"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), Some(&before)).await;
    let snap = snapshot(&out);
    // Everything else was read.
    let edge = get(snap, "heroku:app/acme-edge");
    assert_eq!(edge.attrs["ferry_details"]["state"], "fresh");
    let account = get(snap, &format!("heroku:account/{EMAIL}"));
    let mark = unavailable(account, "heroku_dyno_size");
    assert_eq!(mark["failed"], true);
    assert_eq!(mark["kept_stale"], 6);
    assert!(
        mark["error"].as_str().unwrap().contains("/dyno-sizes"),
        "{mark}"
    );
    let size = get(snap, &format!("heroku:dyno_size/{EMAIL}/dyno-2c-4gb"));
    assert_eq!(size.attrs["ferry_stale"], true);

    // A refusal (403: not permitted) is unavailable rather than failed.
    let (server, _mock) = serve(HerokuMock::fir_fixtures()).await;
    Mock::given(method("GET"))
        .and(path("/dyno-sizes"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"id": "forbidden", "message": "You do not have access to dyno sizes."}),
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    let snap = snapshot(&out);
    let mark = unavailable(
        get(snap, &format!("heroku:account/{EMAIL}")),
        "heroku_dyno_size",
    );
    assert_eq!(
        (mark["failed"].clone(), mark["kept_stale"].clone()),
        (json!(false), json!(0))
    );
    assert!(!snap.resources.iter().any(|r| r.kind == Kind::DynoSize));
}

#[tokio::test]
async fn a_space_whose_drains_fail_says_so_and_keeps_the_last_ones() {
    let (server, _mock) = serve(HerokuMock::fir_fixtures()).await;
    let first = fetch(&options(&server), None).await;
    let before = snapshot(&first).clone();
    Mock::given(method("GET"))
        .and(path("/spaces/acme-fir/telemetry-drains"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"not\": \"a list\"}"))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), Some(&before)).await;
    let snap = snapshot(&out);
    let mark = unavailable(get(snap, "heroku:space/acme-fir"), "telemetry_drain");
    assert_eq!(mark["failed"], true, "a bad body is a fault");
    assert_eq!(mark["kept_stale"], 1);
    assert_eq!(get(snap, SPACE_DRAIN).attrs["ferry_stale"], true);
    // The app's own drain was read as usual.
    assert!(!get(snap, APP_DRAIN).attrs.contains_key("ferry_stale"));
}
