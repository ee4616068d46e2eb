//! The Heroku source against a wiremock Platform API serving schema-shaped fixtures:
//! a full fetch, paging, 429 and 5xx retries, 401, bad JSON, a failing account beside a
//! good one.

mod common;

use common::heroku_mock::{HerokuMock, TOKEN};
use common::heroku_setup::*;
use ferry::model::{Kind, LinkKind, Provider};
use ferry::sources::heroku::{self, AccountSpec, HerokuOptions};
use ferry::sources::progress;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn full_fetch_of_a_small_estate() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = snapshot(&out);

    let mut ids: Vec<&str> = snap.resources.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    for expected in [
        "heroku:account/platform@acmepay.com",
        "heroku:team/acmepay",
        "heroku:space/acme-shield",
        "heroku:app/acme-api",
        "heroku:app/acme-api-staging",
        "heroku:app/acme-reports",
        "heroku:app/acme-vault",
        "heroku:formation/acme-api/web",
        "heroku:formation/acme-api/worker",
        "heroku:config_vars/acme-api",
        "heroku:domain/acme-api/api.acmepay.com",
        "heroku:domain/acme-api/acme-api.herokuapp.com",
        "heroku:sni_endpoint/acme-api/brachiosaurus-28671",
        "heroku:log_drain/acme-api/d.fb19292a",
        "heroku:log_drain/acme-reports/d.papertrail",
        "heroku:buildpack/acme-api/0",
        "heroku:release/acme-api/40",
        "heroku:addon/postgresql-curved-48213",
        "heroku:addon/redis-rigid-31542",
        "heroku:addon_attachment/acme-api/DATABASE",
        "heroku:addon_attachment/acme-api-staging/PRODUCTION_DATABASE",
        "heroku:pipeline/acme-api",
        "heroku:pipeline_coupling/acme-api",
        "heroku:pipeline_coupling/acme-api-staging",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:#?}");
    }
    assert!(
        !ids.contains(&"heroku:release/acme-api/41"),
        "only the current release"
    );

    // Scope: team apps carry the team; personal apps do not.
    let api = get(snap, "heroku:app/acme-api");
    assert_eq!(api.scope.account, "platform@acmepay.com");
    assert_eq!(api.scope.team.as_deref(), Some("acmepay"));
    assert_eq!(get(snap, "heroku:app/acme-reports").scope.team, None);
    assert_eq!(api.attrs["region"], json!({"name": "eu"}));
    assert_eq!(api.attrs["ferry_details"]["state"], "fresh");
    assert_eq!(
        get(snap, "heroku:app/acme-vault").attrs["space"],
        json!({"name": "acme-shield", "shield": true})
    );

    let web = get(snap, "heroku:formation/acme-api/web");
    assert_eq!(web.parent, Some(id("heroku:app/acme-api")));
    assert_eq!(web.attrs["quantity"], 2);
    assert_eq!(web.attrs["dyno_size"], json!({"name": "Standard-2X"}));
    assert_eq!(web.attrs["dyno_states"], json!({"up": 1, "crashed": 1}));
    assert_eq!(
        get(snap, "heroku:formation/acme-reports/worker").attrs["dyno_states"],
        json!({})
    );
    assert_eq!(
        get(snap, "heroku:config_vars/acme-api").attrs["names"],
        json!(["DATABASE_URL", "LANG", "RAILS_ENV", "STRIPE_API_KEY"])
    );
    let drain = get(snap, "heroku:log_drain/acme-api/d.fb19292a");
    assert_eq!(
        drain.attrs["url"],
        "https://http-intake.logs.datadoghq.eu/api/v2/logs"
    );
    let addon = get(snap, "heroku:addon/postgresql-curved-48213");
    assert_eq!(addon.parent, Some(id("heroku:app/acme-api")));
    assert_eq!(addon.attrs["plan"]["name"], "heroku-postgresql:standard-0");
    assert_eq!(addon.attrs["config_vars"], json!(["DATABASE_URL"]));
    let att = get(
        snap,
        "heroku:addon_attachment/acme-api-staging/PRODUCTION_DATABASE",
    );
    assert_eq!(att.parent, Some(id("heroku:app/acme-api-staging")));
    assert!(
        !att.attrs.contains_key("log_input_url"),
        "credential-bearing field dropped"
    );
    let coupling = get(snap, "heroku:pipeline_coupling/acme-api");
    assert_eq!(coupling.parent, Some(id("heroku:pipeline/acme-api")));
    assert_eq!(coupling.name, "acme-api (production)");
    assert_eq!(coupling.attrs["app"]["name"], "acme-api");
    assert_eq!(
        get(snap, "heroku:pipeline/acme-api").scope.team.as_deref(),
        Some("acmepay")
    );

    let has = |from: &str, to: &str, kind: LinkKind| {
        snap.links
            .iter()
            .any(|l| l.from == id(from) && l.to == id(to) && l.kind == kind)
    };
    assert!(has(
        "heroku:addon/postgresql-curved-48213",
        "heroku:app/acme-api",
        LinkKind::AttachedTo
    ));
    assert!(has(
        "heroku:addon/postgresql-curved-48213",
        "heroku:app/acme-api-staging",
        LinkKind::AttachedTo
    ));
    assert!(has(
        "heroku:addon_attachment/acme-api/DATABASE",
        "heroku:addon/postgresql-curved-48213",
        LinkKind::References
    ));
    assert!(has(
        "heroku:pipeline_coupling/acme-api-staging",
        "heroku:app/acme-api-staging",
        LinkKind::CoupledTo
    ));
    assert!(has(
        "heroku:domain/acme-api/api.acmepay.com",
        "heroku:sni_endpoint/acme-api/brachiosaurus-28671",
        LinkKind::SecuredBy
    ));
    assert!(has(
        "heroku:log_drain/acme-reports/d.papertrail",
        "heroku:addon/papertrail-flat-1234",
        LinkKind::References
    ));
    assert!(has(
        "heroku:app/acme-vault",
        "heroku:space/acme-shield",
        LinkKind::References
    ));
    for l in &snap.links {
        assert!(
            ids.contains(&l.from.as_str()) && ids.contains(&l.to.as_str()),
            "dangling {l:?}"
        );
    }
    // Every resource is Heroku's and unique; the whole thing is a valid snapshot file.
    let file = ferry::model::SnapshotFile {
        ferry_snapshot: 1,
        exported_at: snap.taken_at,
        sources: vec![snap.clone()],
    };
    file.validate().unwrap();
    assert!(
        snap.resources
            .iter()
            .all(|r| r.provider == Provider::Heroku)
    );

    // Requests: 1 free rate-limit call + 9 account-wide lists (dyno sizes included) + 8
    // per (Cedar) app.
    assert_eq!(mock.total_hits(), 1 + 9 + 8 * 4);
    assert_eq!(out.requests, mock.total_hits() as u64);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(
        (stats.apps.total, stats.apps.fresh, stats.apps.stale),
        (4, 4, 0)
    );
    assert_eq!(out.accounts[0].counts["apps"].items, 4);
}

#[tokio::test]
async fn paging_across_three_pages_returns_all_2500_apps() {
    let mut mock = many_apps(2500);
    // Just enough budget above the floor for the lists and a few apps' details.
    // Lists cost 11 requests here (three pages of apps), then 8 per app.
    mock.remaining = (100 + 11 + 3 * 8).into();
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = snapshot(&out);
    let apps = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App)
        .count();
    assert_eq!(apps, 2500);
    assert_eq!(mock.hits_of("/apps"), 3, "1000 + 1000 + 500");
    assert_eq!(out.accounts[0].counts["apps"].requests, 3);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.apps.fresh, 3, "details stop at the budget floor");
    assert_eq!(stats.apps.missing, 2497);
    assert!(
        stats.summary().contains("2497 without details"),
        "{}",
        stats.summary()
    );
    assert!(
        stats.summary().contains("more fetches"),
        "{}",
        stats.summary()
    );
}

#[tokio::test]
async fn a_small_server_page_size_is_followed_to_the_end() {
    let mut mock = HerokuMock::fixtures();
    mock.max_page = 1;
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(mock.hits_of("/apps"), 4);
    assert_eq!(mock.hits_of("/addon-attachments"), 4);
    let attachments = snapshot(&out)
        .resources
        .iter()
        .filter(|r| r.kind == Kind::AddonAttachment)
        .count();
    assert_eq!(attachments, 4);
}

#[tokio::test]
async fn rate_limited_then_success() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(method("GET"))
        .and(path("/apps"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "id": "rate_limit", "message": "Your account reached the API rate limit"
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(mock.hits_of("/apps"), 1, "the retry reached the estate");
    let apps = snapshot(&out)
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App)
        .count();
    assert_eq!(apps, 4);
    // The 429 emptied the estimate only until the pool was re-read (free): the server
    // said plenty was left, so every app's details came (tests/heroku_faults.rs has more).
    assert_eq!(mock.hits_of("/account/rate-limits"), 2);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.apps.fresh, 4);
    assert_eq!(stats.apps.missing, 0);
}

#[tokio::test]
async fn server_errors_are_retried_until_the_deadline() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/addons"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "two 503s then success: {:?}", out.accounts);

    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/addons"))
        .respond_with(ResponseTemplate::new(502))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    let err = out.accounts[0].outcome.as_ref().unwrap_err();
    assert!(
        err.contains("GET /addons") && err.contains("server error 502"),
        "{err}"
    );
    assert!(err.contains("gave up after"), "{err}");
    assert!(
        out.snapshot.is_none(),
        "nothing to store when the only account failed"
    );
}

#[tokio::test]
async fn unauthorized_says_what_to_do() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    let out = heroku::fetch(
        &HerokuOptions {
            accounts: vec![],
            ..options(&server)
        },
        &env(&[("HEROKU_API_KEY", "expired-token")]),
        None,
        Vec::new(),
        progress::discard(),
    )
    .await;
    assert!(!out.succeeded());
    let err = out.accounts[0].outcome.as_ref().unwrap_err();
    assert!(err.contains("Heroku account `default`"), "{err}");
    assert!(err.contains("GET /account/rate-limits"), "{err}");
    assert!(
        err.contains("HTTP 401 unauthorized: Invalid credentials provided."),
        "{err}"
    );
    assert!(err.contains("$HEROKU_API_KEY was rejected"), "{err}");
    assert!(err.contains("heroku login"), "{err}");
    assert!(
        err.contains("export HEROKU_API_KEY=$(heroku auth:token)"),
        "{err}"
    );
    assert!(
        !err.contains("expired-token"),
        "the token never appears: {err}"
    );
}

#[tokio::test]
async fn bad_json_fails_the_account_naming_the_endpoint() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/addon-attachments"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"id\": \"x\", oops"))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    let err = out.accounts[0].outcome.as_ref().unwrap_err();
    assert!(
        err.contains("GET /addon-attachments (page 1) returned invalid JSON"),
        "{err}"
    );
    assert!(out.snapshot.is_none());
}

#[tokio::test]
async fn one_account_failing_does_not_stop_another() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    let opts = HerokuOptions {
        accounts: vec![
            AccountSpec {
                name: "good".into(),
                token_env: Some("GOOD".into()),
            },
            AccountSpec {
                name: "revoked".into(),
                token_env: Some("REVOKED".into()),
            },
            AccountSpec {
                name: "unset".into(),
                token_env: Some("NOT_SET".into()),
            },
        ],
        ..options(&server)
    };
    // The previous snapshot knew another account; it stays, marked stale.
    let mut previous = common::heroku_snapshot(2, "old");
    for r in &mut previous.resources {
        r.scope.account = "other@acmepay.com".into();
    }
    let out = heroku::fetch(
        &opts,
        &env(&[("GOOD", TOKEN), ("REVOKED", "revoked-token")]),
        Some(&previous),
        Vec::new(),
        progress::discard(),
    )
    .await;
    assert!(!out.succeeded());
    assert!(out.accounts[0].outcome.is_ok(), "{:?}", out.accounts[0]);
    let revoked = out.accounts[1].outcome.as_ref().unwrap_err();
    assert!(
        revoked.contains("`revoked`") && revoked.contains("$REVOKED was rejected"),
        "{revoked}"
    );
    let unset = out.accounts[2].outcome.as_ref().unwrap_err();
    assert!(
        unset.contains("export NOT_SET=$(heroku auth:token)"),
        "{unset}"
    );
    let snap = snapshot(&out);
    assert!(
        snap.resources
            .iter()
            .any(|r| r.id.as_str() == "heroku:app/acme-api")
    );
    let carried = get(snap, "heroku:app/app-000");
    assert_eq!(carried.attrs["ferry_stale"], true);
    assert_eq!(
        carried.fetched_at, previous.resources[0].fetched_at,
        "keeps its age"
    );
}
