//! Conditional requests: the second fetch sends back each per-app response's `ETag`, a
//! `304 Not Modified` is answered from the sanitised copy the first fetch kept, and the
//! snapshot is the same as with full bodies.

mod common;

use common::heroku_mock::HerokuMock;
use common::heroku_setup::*;
use ferry::model::{Resource, SourceSnapshot};
use serde_json::json;
use std::sync::atomic::Ordering;

/// Resources without their fetch times, which differ between two fetches by design.
fn timeless(snap: &SourceSnapshot) -> Vec<Resource> {
    let mut out: Vec<Resource> = snap
        .resources
        .iter()
        .cloned()
        .map(|mut r| {
            r.fetched_at = chrono::DateTime::UNIX_EPOCH;
            r.attrs.remove("ferry_details");
            r
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[tokio::test]
async fn unchanged_details_come_back_304_and_map_to_the_same_resources() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let opts = options(&server);
    let first = fetch(&opts, None).await;
    assert!(first.succeeded(), "{:?}", first.accounts);
    // Eight per-app endpoints of four apps, each with an ETag.
    assert_eq!(first.responses.len(), 32);
    assert!(
        first
            .responses
            .iter()
            .all(|r| r.account == "acme" && r.request.starts_with("GET /apps/"))
    );
    let kept: String = first
        .responses
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    for secret in [
        "sk_live_FERRY_FAKE_SECRET_c0ffee",
        "FERRY-DB-PASSWORD",
        "FERRY-DRAIN-PASSWORD",
        "FERRY-DRAIN-KEY",
        "FERRY-BUILDPACK-TOKEN",
    ] {
        assert!(
            !kept.contains(secret),
            "{secret} kept for conditional requests"
        );
    }
    assert!(kept.contains("STRIPE_API_KEY"), "names are kept");
    assert_eq!(
        get(snapshot(&first), "heroku:buildpack/acme-api/1").name,
        "https://github.com/acmepay/heroku-buildpack-pdf.git",
        "a private buildpack is named without its token"
    );
    assert!(
        kept.contains("https://github.com/acmepay/heroku-buildpack-pdf.git"),
        "the buildpack URL is kept without its token"
    );
    assert_eq!(mock.not_modified.load(Ordering::SeqCst), 0);

    let second = fetch_remembering(&opts, first.snapshot.as_ref(), first.responses.clone()).await;
    assert!(second.succeeded(), "{:?}", second.accounts);
    assert_eq!(mock.not_modified.load(Ordering::SeqCst), 32);
    let stats = second.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.not_modified, 32);
    assert_eq!(
        stats.apps.fresh, 4,
        "a 304 refreshes the app as much as a 200"
    );
    assert!(
        stats
            .summary()
            .contains("32 requests unchanged since the last fetch (304)"),
        "{}",
        stats.summary()
    );
    let (a, b) = (timeless(snapshot(&first)), timeless(snapshot(&second)));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{} maps differently from the kept body", x.id);
    }
    assert_eq!(snapshot(&second).links, snapshot(&first).links);
    // Confirmed responses are remembered again for the fetch after.
    assert_eq!(second.responses.len(), 32);
}

#[tokio::test]
async fn a_changed_endpoint_is_fetched_in_full_and_the_rest_stay_304() {
    let (server, _) = serve(HerokuMock::fixtures()).await;
    let first = fetch(&options(&server), None).await;

    // The same estate, except that acme-api gained a domain.
    let mut changed = HerokuMock::fixtures();
    let domains = changed
        .routes
        .get_mut("/apps/acme-api/domains")
        .unwrap()
        .as_array_mut()
        .unwrap();
    let mut extra = domains[0].clone();
    extra["id"] = json!("01234567-89ab-4cde-8f01-23456789abcd");
    extra["hostname"] = json!("status.acmepay.com");
    domains.push(extra);
    let (server, mock) = serve(changed).await;
    let second =
        fetch_remembering(&options(&server), first.snapshot.as_ref(), first.responses).await;
    assert!(second.succeeded(), "{:?}", second.accounts);
    assert_eq!(mock.not_modified.load(Ordering::SeqCst), 31);
    get(
        snapshot(&second),
        "heroku:domain/acme-api/status.acmepay.com",
    );
    get(snapshot(&second), "heroku:domain/acme-api/api.acmepay.com");
    let remembered = second
        .responses
        .iter()
        .find(|r| r.request.starts_with("GET /apps/acme-api/domains"))
        .unwrap();
    assert!(String::from_utf8_lossy(&remembered.body).contains("status.acmepay.com"));
}

#[tokio::test]
async fn when_304s_are_free_the_same_budget_refreshes_every_app() {
    let (server, _) = serve(HerokuMock::fixtures()).await;
    let first = fetch(&options(&server), None).await;

    // Lists (9, dyno sizes included) plus two apps (16) above the floor: enough for two
    // apps at full price.
    let tight = |free| {
        let mut m = HerokuMock::fixtures();
        m.remaining = (100 + 9 + 16).into();
        m.not_modified_is_free = free;
        m
    };
    let (server, _) = serve(tight(false)).await;
    let costly = fetch_remembering(
        &options(&server),
        first.snapshot.as_ref(),
        first.responses.clone(),
    )
    .await;
    let stats = costly.accounts[0].outcome.as_ref().unwrap();
    assert_eq!((stats.apps.fresh, stats.apps.stale), (2, 2), "{stats:?}");

    let (server, _) = serve(tight(true)).await;
    let free = fetch_remembering(&options(&server), first.snapshot.as_ref(), first.responses).await;
    let stats = free.accounts[0].outcome.as_ref().unwrap();
    assert_eq!((stats.apps.fresh, stats.apps.stale), (4, 0), "{stats:?}");
}
