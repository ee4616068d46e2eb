//! The Heroku source under the faults of issue 11, served in the live API's shapes: a 429
//! must not freeze the budget, endless paging must stop (within the floor), and one app's
//! failed request must not discard the account.

mod common;
#[path = "common/heroku_faults.rs"]
mod heroku_faults;

use common::heroku_mock::HerokuMock;
use common::heroku_setup::*;
use ferry::model::{Kind, SourceSnapshot};
use ferry::sources::heroku::HerokuOutput;
use heroku_faults::{DrainingLimit, EndlessPages, Storm, too_many_requests};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn apps_with(snap: &SourceSnapshot, state: &str) -> Vec<String> {
    let mut apps: Vec<String> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App && r.attrs["ferry_details"]["state"] == state)
        .map(|r| r.name.clone())
        .collect();
    apps.sort();
    apps
}

async fn on(server: &MockServer, route: &str, responder: impl wiremock::Respond + 'static) {
    Mock::given(path(route))
        .respond_with(responder)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Requests for `route` the server received, whoever answered them.
async fn received(server: &MockServer, route: &str) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == route).count()
}

fn error_of(out: &HerokuOutput) -> &str {
    out.accounts[0].outcome.as_ref().unwrap_err()
}

// --- 4. A 429 empties the budget only until the pool is re-read ---

#[tokio::test]
async fn a_429_on_the_first_apps_page_still_lets_every_app_through() {
    let (server, mock) = serve(many_apps(8)).await;
    Mock::given(path("/apps"))
        .respond_with(too_many_requests("0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    // Before: the 429 froze the estimate at 0 and all 8 apps went without details.
    assert_eq!((stats.apps.fresh, stats.apps.missing), (8, 0), "{stats:?}");
    assert_eq!(
        mock.hits_of("/account/rate-limits"),
        2,
        "the pool is re-read once after the 429"
    );
    assert!(stats.budget_left > 4000, "{}", stats.summary());
    assert_eq!(apps_with(snapshot(&out), "fresh").len(), 8);
}

#[tokio::test]
async fn a_429_mid_fetch_that_empties_the_pool_stops_at_the_floor_and_never_shows_a_negative_budget()
 {
    let (server, mock) = serve(many_apps(12)).await;
    // Other clients spent the pool: from the 429 on, the server says 3 tokens are left.
    Mock::given(path("/apps/app-0002/dynos"))
        .respond_with(DrainingLimit {
            mock: mock.clone(),
            left: 3,
        })
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(mock.hits_of("/account/rate-limits"), 2);
    // The apps in flight finish (their tokens were reserved); none starts after.
    assert!(stats.apps.fresh < 12 && stats.apps.missing > 0, "{stats:?}");
    assert_eq!(stats.apps.fresh + stats.apps.missing, 12);
    // Before: "budget -2x left" (the server's 3, less the reserved requests in flight).
    assert_eq!(stats.budget_left, 0, "{}", stats.summary());
    assert!(
        stats.summary().contains("budget 0 left"),
        "{}",
        stats.summary()
    );
}

#[tokio::test]
async fn a_pool_that_cannot_be_re_read_after_a_429_stops_at_the_floor_instead_of_looping() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/account/rate-limits"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"remaining": 4400})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/account/rate-limits"))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/apps"))
        .respond_with(too_many_requests("0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // One request at a time: the lists after `/apps` all wait for the re-read.
    let opts = ferry::sources::heroku::HerokuOptions {
        concurrency: 1,
        ..options(&server)
    };
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), fetch(&opts, None))
        .await
        .expect("the fetch ends");
    let err = error_of(&out);
    assert!(
        err.contains("not sent: the rate-limit budget is down to 0 tokens"),
        "{err}"
    );
    assert!(err.contains("`budget_floor`"), "{err}");
}

// --- 5. Paging stops: nothing new, too many pages, the floor ---

#[tokio::test]
async fn a_next_range_that_changes_endlessly_over_the_same_apps_stops_at_page_two() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let apps = mock.routes["/apps"].as_array().unwrap().clone();
    on(&server, "/apps", EndlessPages::new(apps)).await;
    let out = fetch(&options(&server), None).await;
    let err = error_of(&out);
    assert!(err.contains("Heroku account `acme`"), "{err}");
    assert!(err.contains("GET /apps: paging failed"), "{err}");
    assert!(err.contains("page 2 adds nothing new"), "{err}");
    // Before: thousands of pages, until the guard of 10,000 or the pool ran dry.
    assert_eq!(received(&server, "/apps").await, 2);
    assert!(
        out.snapshot.is_none(),
        "a list that is not whole saves nothing"
    );
}

#[tokio::test]
async fn pages_of_ever_new_ids_stop_at_what_content_range_implies() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let apps = mock.routes["/apps"].as_array().unwrap().clone();
    // 4 apps a page and a total of 10: 3 pages, plus a margin of 2.
    let endless = EndlessPages {
        fresh_ids: true,
        content_range: Some("id a{n}..b{n}/10; max=1000".into()),
        ..EndlessPages::new(apps)
    };
    on(&server, "/apps", endless).await;
    let out = fetch(&options(&server), None).await;
    let err = error_of(&out);
    assert!(
        err.contains("GET /apps") && err.contains("would pass the limit of 5 pages"),
        "{err}"
    );
    assert!(err.contains("says 10 items, 4 a page"), "{err}");
    assert_eq!(received(&server, "/apps").await, 5);
}

#[tokio::test]
async fn without_a_total_the_page_cap_stops_the_list() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let apps = mock.routes["/apps"].as_array().unwrap().clone();
    // Heroku's own Content-Range has no total.
    let endless = EndlessPages {
        fresh_ids: true,
        content_range: Some("id a{n}..b{n}; max=1000".into()),
        ..EndlessPages::new(apps)
    };
    on(&server, "/apps", endless).await;
    let out = fetch(&options(&server), None).await;
    let err = error_of(&out);
    assert!(err.contains("limit of 100 pages"), "{err}");
    assert!(err.contains("no total"), "{err}");
    assert_eq!(received(&server, "/apps").await, 100);
}

#[tokio::test]
async fn paging_stops_at_the_budget_floor() {
    let mut mock = HerokuMock::fixtures();
    // The floor is 100: room for the 8 lists' first pages and 4 more pages.
    mock.remaining = (100 + 8 + 4).into();
    let apps = mock.routes["/apps"].as_array().unwrap().clone();
    let (server, mock) = serve(mock).await;
    let served = Arc::new(AtomicUsize::new(0));
    let counting = {
        let (mock, served) = (mock.clone(), served.clone());
        move |_: &wiremock::Request| {
            // New ids each page (so only the floor can stop it), and the pool counts down.
            let n = served.fetch_add(1, Ordering::SeqCst);
            let left = mock.remaining.fetch_sub(1, Ordering::SeqCst) - 1;
            let items: Vec<_> = apps
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let mut a = a.clone();
                    a["id"] = serde_json::json!(format!("id-{n}-{i}"));
                    a
                })
                .collect();
            ResponseTemplate::new(206)
                .set_body_json(items)
                .append_header("RateLimit-Remaining", left.to_string())
                .append_header("Next-Range", format!("id ]id-{n}-3..; max=1000"))
        }
    };
    on(&server, "/apps", counting).await;
    let out = fetch(&options(&server), None).await;
    let err = error_of(&out);
    assert!(err.contains("GET /apps not sent"), "{err}");
    assert!(
        err.contains("at the floor of 100") && err.contains("budget_floor"),
        "{err}"
    );
    // Before: pages went on far below the floor.
    let left = mock.remaining.load(Ordering::SeqCst);
    assert!(left >= 100, "the pool ended at {left}, below the floor");
    assert!(served.load(Ordering::SeqCst) <= 5, "1 + 4 pages at most");
}

// --- 6. One app's failure costs that app only ---

#[tokio::test]
async fn an_app_whose_request_keeps_failing_keeps_its_previous_details_and_the_rest_is_saved() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    let opts = options(&server);
    let first = fetch(&opts, None).await;
    assert!(first.succeeded());
    let previous = snapshot(&first).clone();

    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    let opts = options(&server);
    on(
        &server,
        "/apps/acme-vault/dynos",
        ResponseTemplate::new(503),
    )
    .await;
    let out = fetch(&opts, Some(&previous)).await;
    // The account is saved…
    let snap = snapshot(&out);
    assert_eq!(
        apps_with(snap, "fresh"),
        ["acme-api", "acme-api-staging", "acme-reports"]
    );
    let vault = get(snap, "heroku:app/acme-vault");
    let details = &vault.attrs["ferry_details"];
    assert_eq!(details["state"], "stale", "{details}");
    assert_eq!(
        details["fetched_at"],
        previous.taken_at.to_rfc3339(),
        "{details}"
    );
    let cause = details["error"].as_str().unwrap();
    assert!(
        cause.starts_with("GET /apps/acme-vault/dynos: server error 503"),
        "{cause}"
    );
    assert!(cause.contains("gave up after 5 attempt(s)"), "{cause}");
    let kept = snap
        .resources
        .iter()
        .filter(|r| {
            r.parent
                .as_ref()
                .is_some_and(|p| p.as_str() == "heroku:app/acme-vault")
        })
        .collect::<Vec<_>>();
    assert!(!kept.is_empty());
    assert!(kept.iter().all(|r| r.attrs["ferry_stale"] == true));
    assert!(
        get(snap, "heroku:app/acme-api").attrs["ferry_details"]
            .get("error")
            .is_none()
    );
    // …but the fetch does not claim success, and says which app failed and why.
    assert!(!out.succeeded());
    let err = error_of(&out);
    assert!(err.starts_with("1 of 4 apps failed to refresh"), "{err}");
    assert!(
        err.contains("acme-vault: GET /apps/acme-vault/dynos: server error 503"),
        "{err}"
    );
    assert!(err.contains("3 fresh, 1 stale"), "{err}");
    let stats = out.accounts[0].fetched.as_ref().unwrap();
    assert_eq!(stats.failed.len(), 1);
    assert_eq!(stats.failed[0].0, "acme-vault");
}

#[tokio::test]
async fn an_app_never_fetched_before_that_fails_is_missing_with_the_cause() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/apps/acme-reports/log-drains"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"id\": oops"))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    let snap = snapshot(&out);
    let reports = get(snap, "heroku:app/acme-reports");
    let details = &reports.attrs["ferry_details"];
    assert_eq!(details["state"], "missing", "{details}");
    assert!(
        details["error"]
            .as_str()
            .unwrap()
            .contains("GET /apps/acme-reports/log-drains (page 1) returned invalid JSON"),
        "{details}"
    );
    assert_eq!(apps_with(snap, "fresh").len(), 3);
    assert!(!out.succeeded());
}

#[tokio::test]
async fn a_refusal_on_one_app_is_noted_on_the_app_but_does_not_fail_the_fetch() {
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    Mock::given(path("/apps/acme-vault/config-vars"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "id": "forbidden", "message": "You do not have access to the app acme-vault."
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let details = &get(snapshot(&out), "heroku:app/acme-vault").attrs["ferry_details"];
    assert_eq!(details["state"], "missing");
    assert!(
        details["error"]
            .as_str()
            .unwrap()
            .contains("HTTP 403 forbidden"),
        "{details}"
    );
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.warnings.len(), 1, "{stats:?}");
}

#[tokio::test]
async fn when_every_app_fails_the_sweep_stops_instead_of_waiting_out_each_one() {
    let (server, mock) = serve(many_apps(30)).await;
    Mock::given(path_regex("^/apps/[^/]+/.+"))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch(&options(&server), None).await;
    let snap = snapshot(&out);
    assert_eq!(apps_with(snap, "missing").len(), 30, "the lists are saved");
    let err = error_of(&out);
    assert!(
        err.contains("stopped starting apps after 8 in a row failed"),
        "{err}"
    );
    let stats = out.accounts[0].fetched.as_ref().unwrap();
    // Concurrency 4: the 8th failure stops new starts; at most 3 more were in flight.
    assert!((8..=11).contains(&stats.failed.len()), "{stats:?}");
    let tried: Vec<_> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App && r.attrs["ferry_details"].get("error").is_some())
        .collect();
    assert_eq!(
        tried.len(),
        stats.failed.len(),
        "untried apps carry no cause"
    );
    assert!(mock.hits_of("/apps/app-0029/formation") == 0);
}

#[tokio::test]
async fn a_storm_of_503s_on_app_requests_saves_every_app_one_way_or_the_other() {
    let (server, mock) = serve(many_apps(8)).await;
    Mock::given(path_regex("^/apps/[^/]+/.+"))
        .respond_with(Storm {
            mock: mock.clone(),
            seen: AtomicUsize::new(0),
        })
        .with_priority(1)
        .mount(&server)
        .await;
    let mut opts = options(&server);
    // Two attempts: a request that draws two 503s fails, as it would with the default 8
    // in a long enough storm.
    opts.http.retry.max_attempts = 2;
    let out = fetch(&opts, None).await;
    let snap = snapshot(&out);
    let stats = out.accounts[0].fetched.as_ref().unwrap();
    assert_eq!(stats.apps.fresh + stats.apps.missing, 8);
    for r in snap.resources.iter().filter(|r| r.kind == Kind::App) {
        let d = &r.attrs["ferry_details"];
        assert_eq!(
            d["state"] == "fresh",
            d.get("error").is_none(),
            "{}: {d}",
            r.name
        );
    }
    assert_eq!(out.succeeded(), stats.failed.is_empty());
}
