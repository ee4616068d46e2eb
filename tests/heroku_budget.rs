//! The Heroku source's budget floor, stale carry-over and resume, scope limits and the
//! provisional snapshot, against the wiremock Platform API.

mod common;

use common::heroku_mock::{HerokuMock, TOKEN};
use common::heroku_setup::*;
use ferry::model::{Kind, SourceSnapshot};
use ferry::sources::heroku::{self, HerokuOptions, ScopeFilter};
use std::sync::Arc;

#[tokio::test]
async fn budget_floor_keeps_stale_details_and_the_next_fetch_resumes() {
    // Lists (9, dyno sizes included) plus two apps (16) fit above the floor.
    let mut mock = HerokuMock::fixtures();
    mock.remaining = (100 + 9 + 16).into();
    let (server, mock) = serve(mock).await;
    let opts = options(&server);
    let first = fetch(&opts, None).await;
    let snap1 = snapshot(&first).clone();
    let stats = first.accounts[0].outcome.as_ref().unwrap();
    assert_eq!((stats.apps.fresh, stats.apps.missing), (2, 2), "{stats:?}");
    // Production first (acme-api), then the most recently changed (acme-api-staging).
    assert_eq!(mock.hits_of("/apps/acme-api/formation"), 1);
    assert_eq!(mock.hits_of("/apps/acme-api-staging/formation"), 1);
    assert_eq!(mock.hits_of("/apps/acme-vault/formation"), 0);
    assert_eq!(
        get(&snap1, "heroku:app/acme-vault").attrs["ferry_details"]["state"],
        "missing"
    );

    // The next fetch starts with the two apps left out, and keeps the others' details.
    mock.remaining
        .store(100 + 9 + 16, std::sync::atomic::Ordering::SeqCst);
    let second = fetch(&opts, Some(&snap1)).await;
    let snap2 = snapshot(&second);
    assert_eq!(mock.hits_of("/apps/acme-vault/formation"), 1);
    assert_eq!(mock.hits_of("/apps/acme-reports/formation"), 1);
    assert_eq!(mock.hits_of("/apps/acme-api/formation"), 1, "not again yet");
    let api = get(snap2, "heroku:app/acme-api");
    assert_eq!(api.attrs["ferry_details"]["state"], "stale");
    let web = get(snap2, "heroku:formation/acme-api/web");
    assert_eq!(web.attrs["ferry_stale"], true);
    assert_eq!(
        web.fetched_at, snap1.taken_at,
        "the stale part keeps its age"
    );
    assert!(
        snap2
            .links
            .iter()
            .any(|l| l.from.as_str() == "heroku:domain/acme-api/api.acmepay.com"),
        "links of carried parts are kept"
    );
    let stats = second.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(
        (stats.apps.fresh, stats.apps.stale, stats.apps.missing),
        (2, 2, 0)
    );
    assert!(stats.summary().contains("2 stale"), "{}", stats.summary());
}

#[tokio::test]
async fn below_the_floor_nothing_is_fetched() {
    let mut mock = HerokuMock::fixtures();
    mock.remaining = 90.into();
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server), None).await;
    let err = out.accounts[0].outcome.as_ref().unwrap_err();
    assert!(
        err.contains("90 rate-limit tokens left") && err.contains("floor of 100"),
        "{err}"
    );
    assert_eq!(mock.total_hits(), 1, "only the free rate-limit call");
}

#[tokio::test]
async fn scope_limits_apps_and_what_hangs_off_them() {
    let (server, mock) = serve(HerokuMock::fixtures()).await;
    let opts = HerokuOptions {
        scope: ScopeFilter {
            teams: vec!["acmepay".into()],
            apps: vec!["acme-api*".into()],
        },
        ..options(&server)
    };
    let out = fetch(&opts, None).await;
    let snap = snapshot(&out);
    let apps: Vec<&str> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(apps.len(), 2, "{apps:?}");
    assert!(
        !snap
            .resources
            .iter()
            .any(|r| r.name == "papertrail-flat-1234")
    );
    assert_eq!(mock.hits_of("/apps/acme-reports/formation"), 0);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.apps.out_of_scope, 2);
}

#[tokio::test]
async fn a_provisional_snapshot_comes_as_soon_as_the_lists_are_in() {
    use ferry::sources::SourceEvent;
    use std::sync::Mutex;
    let (server, _mock) = serve(HerokuMock::fixtures()).await;
    // (requests answered before it, the provisional snapshot)
    type Seen = Vec<(usize, Arc<SourceSnapshot>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sink: ferry::sources::EventSink = {
        let (seen, requests) = (seen.clone(), requests.clone());
        Arc::new(move |event| match event {
            SourceEvent::Provisional(snap) => seen
                .lock()
                .unwrap()
                .push((requests.load(std::sync::atomic::Ordering::SeqCst), snap)),
            SourceEvent::Kind { .. } => {
                requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            SourceEvent::Status { .. } => {}
        })
    };
    let out = heroku::fetch(
        &options(&server),
        &env(&[("ACME_TOKEN", TOKEN)]),
        None,
        Vec::new(),
        sink,
    )
    .await;
    assert!(out.succeeded());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one account, one provisional snapshot");
    let (after, snap) = &seen[0];
    assert_eq!(
        *after,
        1 + 9,
        "after the rate-limit call and the 9 lists, before any detail"
    );
    let apps: Vec<_> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App)
        .collect();
    assert_eq!(apps.len(), 4);
    assert!(
        apps.iter()
            .all(|a| a.attrs["ferry_details"]["state"] == "missing")
    );
    assert!(snap.resources.iter().any(|r| r.kind == Kind::Addon));
}
