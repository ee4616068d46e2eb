//! The Cloudflare source when things go wrong: 429 with Retry-After, the quota, 5xx,
//! rejected and inactive tokens, a missing permission on one endpoint (with carry-over of
//! the previous data), an error envelope in a 200, a failing credential. Bodies that are
//! not answers and the issue 11 rate-limit case are in `cloudflare_faults.rs`.

mod common;

use common::cloudflare_mock::{
    ACCOUNT, CloudflareMock, TOKEN, ZONE_COM, error, error_of, fail, fetch_with, lookup, of_kind,
    options, serve,
};
use ferry::model::Kind;
use ferry::sources::cloudflare::{self, AccountSpec, CloudflareOptions};
use ferry::sources::progress;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::path;
use wiremock::{Mock, Request, ResponseTemplate};

#[tokio::test]
async fn a_429_pauses_every_request_for_its_retry_after_then_succeeds() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let limited_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let at = limited_at.clone();
    Mock::given(path(format!("/zones/{ZONE_COM}/dns_records")))
        .respond_with(move |_: &Request| {
            *at.lock().unwrap() = Some(Instant::now());
            error(
                429,
                971,
                "Please wait and consider throttling your request speed",
            )
            .append_header("Retry-After", "1")
        })
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch_with(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(
        of_kind(out.snapshot.as_ref().unwrap(), Kind::DnsRecord).len(),
        12
    );
    let t429 = limited_at.lock().unwrap().expect("the 429 was served");
    let hits = mock.hits.lock().unwrap().clone();
    let retry = hits
        .iter()
        .find(|(p, _)| p.starts_with(&format!("/zones/{ZONE_COM}/dns_records")))
        .unwrap();
    assert!(
        retry.1 - t429 >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    // Requests already on the wire may land just after the 429; nothing new starts
    // until the pause is over.
    let during = hits
        .iter()
        .filter(|(_, t)| {
            *t > t429 + Duration::from_millis(150) && *t < t429 + Duration::from_millis(900)
        })
        .count();
    assert_eq!(during, 0, "{hits:?}");
    assert!(out.waited >= Duration::from_millis(900), "{:?}", out.waited);
}

#[tokio::test]
async fn a_lockout_longer_than_the_deadline_fails_fast_naming_the_wait() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    fail(
        &server,
        "/zones",
        error(
            429,
            971,
            "Please wait and consider throttling your request speed",
        )
        .append_header("Retry-After", "300"),
        1,
    )
    .await;
    let start = Instant::now();
    let out = fetch_with(&options(&server), None).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "did not sit out the lockout"
    );
    let err = error_of(&out);
    assert!(
        err.contains("GET /zones: rate limited (429, retry after 300 s)"),
        "{err}"
    );
    assert!(err.contains("gave up after 1 attempt(s)"), "{err}");
    assert!(out.snapshot.is_none());
}

#[tokio::test]
async fn the_quota_is_never_exceeded() {
    // A Cloudflare that allows 12 requests per second and locks out past that.
    let mut mock = CloudflareMock::fixtures();
    mock.quota = Some((12, Duration::from_secs(1)));
    let (server, mock) = serve(mock).await;
    // Ferry's own limit a little lower; the server's count stops it too.
    let opts = CloudflareOptions {
        requests_per_window: 10,
        window: Duration::from_secs(1),
        server_reserve: 1,
        ..options(&server)
    };
    let start = Instant::now();
    let out = fetch_with(&opts, None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(*mock.lockouts.lock().unwrap(), 0);
    assert_eq!(mock.total_hits(), 22);
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "22 requests at 10/s"
    );

    // Only the server's `Ratelimit` count to go by: still no lockout.
    let mut mock = CloudflareMock::fixtures();
    mock.quota = Some((12, Duration::from_secs(1)));
    let (server, mock) = serve(mock).await;
    let opts = CloudflareOptions {
        server_reserve: 2,
        concurrency: 1,
        ..options(&server)
    };
    let out = fetch_with(&opts, None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(*mock.lockouts.lock().unwrap(), 0);
}

#[tokio::test]
async fn server_errors_are_retried_until_the_deadline() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    fail(&server, "/accounts", ResponseTemplate::new(503), 2).await;
    let out = fetch_with(&options(&server), None).await;
    assert!(out.succeeded(), "two 503s then success: {:?}", out.accounts);

    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    fail(&server, "/zones", error(502, 1000, "Bad gateway"), 100).await;
    let out = fetch_with(&options(&server), None).await;
    let err = error_of(&out);
    assert!(
        err.contains("GET /zones: server error 502: Bad gateway"),
        "{err}"
    );
    assert!(err.contains("gave up after"), "{err}");
    assert!(out.snapshot.is_none());
}

#[tokio::test]
async fn an_invalid_token_is_reported_once_with_what_to_do() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let env = lookup(&[("CF_API_TOKEN", "revoked-token-123")]);
    let out = cloudflare::fetch(&options(&server), &env, None, progress::discard()).await;
    let err = error_of(&out);
    assert!(
        err.starts_with(
            "Cloudflare account `default`: the API token in $CF_API_TOKEN was rejected"
        ),
        "{err}"
    );
    assert!(
        err.contains("GET /user/tokens/verify: HTTP 401 1000: Invalid API Token"),
        "{err}"
    );
    assert!(
        err.contains("https://dash.cloudflare.com/profile/api-tokens"),
        "{err}"
    );
    assert!(err.contains("export CF_API_TOKEN="), "{err}");
    assert!(
        !err.contains("revoked-token-123"),
        "the token never appears"
    );
    assert_eq!(mock.total_hits(), 1, "nothing else was tried");
    assert!(out.snapshot.is_none());

    // A token that exists but is disabled.
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    Mock::given(path("/user/tokens/verify"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "errors": [], "messages": [],
            "result": {"id": "t1", "status": "disabled"}
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = fetch_with(&options(&server), None).await;
    let err = error_of(&out);
    assert!(
        err.contains("$CLOUDFLARE_API_TOKEN is disabled, not active"),
        "{err}"
    );
}

#[tokio::test]
async fn an_account_owned_token_verifies_under_its_account() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    fail(
        &server,
        "/user/tokens/verify",
        error(401, 1000, "Invalid API Token"),
        1,
    )
    .await;
    let body = mock.routes["/user/tokens/verify"].clone();
    Mock::given(path(format!("/accounts/{ACCOUNT}/tokens/verify")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .with_priority(1)
        .mount(&server)
        .await;
    let env = lookup(&[
        ("CLOUDFLARE_API_TOKEN", TOKEN),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
    ]);
    let out = cloudflare::fetch(&options(&server), &env, None, progress::discard()).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
}

#[tokio::test]
async fn a_missing_permission_marks_that_part_unavailable_and_keeps_the_rest() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let full = fetch_with(&options(&server), None).await;
    let previous = full.snapshot.unwrap();

    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let denied = error(403, 10000, "Authentication error");
    fail(
        &server,
        &format!("/accounts/{ACCOUNT}/workers/scripts"),
        denied.clone(),
        10,
    )
    .await;
    fail(
        &server,
        &format!("/zones/{ZONE_COM}/custom_hostnames"),
        denied,
        10,
    )
    .await;
    let out = fetch_with(&options(&server), Some(&previous)).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = out.snapshot.as_ref().unwrap();
    assert_eq!(
        of_kind(snap, Kind::DnsRecord).len(),
        12,
        "the rest is fresh"
    );
    assert_eq!(of_kind(snap, Kind::WorkerRoute).len(), 1);

    // The script comes back from the previous fetch, marked stale, with its route's link.
    let scripts = of_kind(snap, Kind::WorkerScript);
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].attrs["ferry_stale"], true);
    assert_eq!(scripts[0].fetched_at, previous.taken_at);
    assert!(snap.links.iter().any(|l| l.to == scripts[0].id));
    let hosts = of_kind(snap, Kind::CustomHostname);
    assert_eq!(hosts[0].attrs["ferry_stale"], true);

    // The account and zone say what is missing and why.
    let account = &of_kind(snap, Kind::CfAccount)[0];
    let marks = account.attrs["ferry_unavailable"].as_array().unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0]["kind"], "worker_script");
    assert_eq!(marks[0]["kept_stale"], 1);
    assert_eq!(marks[0]["failed"], false, "a refusal, not a fault");
    assert!(
        marks[0]["error"]
            .as_str()
            .unwrap()
            .contains("HTTP 403 10000: Authentication error")
    );
    let com = of_kind(snap, Kind::Zone)
        .into_iter()
        .find(|z| z.name == "acmepay.com")
        .unwrap();
    assert_eq!(com.attrs["ferry_unavailable"][0]["kind"], "custom_hostname");

    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert!(
        stats
            .summary()
            .ends_with("2 parts unavailable (2 stale resources kept)"),
        "{}",
        stats.summary()
    );
    let note = &stats.unavailable[0];
    assert!(
        note.starts_with("account Acme Pay: workers unavailable"),
        "{note}"
    );
    assert!(
        note.contains(&format!(
            "GET /accounts/{ACCOUNT}/workers/scripts: HTTP 403 10000"
        )),
        "{note}"
    );
    assert!(note.contains("Account Workers Scripts: Read"), "{note}");
    assert!(stats.unavailable[1].starts_with("zone acmepay.com: custom hostnames unavailable"));
}

#[tokio::test]
async fn a_token_that_cannot_list_accounts_names_them_from_their_zones() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    fail(
        &server,
        "/accounts",
        error(403, 9109, "Unauthorized to access requested resource"),
        10,
    )
    .await;
    let out = fetch_with(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = out.snapshot.as_ref().unwrap();
    let account = &of_kind(snap, Kind::CfAccount)[0];
    assert_eq!(account.name, "Acme Pay");
    assert_eq!(account.attrs["ferry_unavailable"][0]["kind"], "cf_account");
    assert_eq!(of_kind(snap, Kind::Zone).len(), 2);
    assert_eq!(
        of_kind(snap, Kind::WorkerScript).len(),
        1,
        "account parts still read"
    );
}

#[tokio::test]
async fn an_error_envelope_in_a_200_is_an_error() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    fail(
        &server,
        "/zones",
        error(200, 1049, "Zone listing is temporarily unavailable"),
        10,
    )
    .await;
    let out = fetch_with(&options(&server), None).await;
    let err = error_of(&out);
    assert!(
        err.contains("GET /zones: HTTP 200 1049: Zone listing is temporarily unavailable"),
        "{err}"
    );
}

#[tokio::test]
async fn a_failing_credential_does_not_stop_another_and_its_accounts_stay_stale() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let mut previous = fetch_with(&options(&server), None).await.snapshot.unwrap();
    // An account only the failing credential could see.
    let mut other = previous.resources[0].clone();
    other.id = ferry::model::ResourceId::from_raw("cloudflare:account/ffff");
    other.scope.account = "ffff".into();
    previous.resources.push(other);
    let opts = CloudflareOptions {
        accounts: vec![
            AccountSpec {
                name: "good".into(),
                token_env: Some("GOOD".into()),
                ..AccountSpec::default()
            },
            AccountSpec {
                name: "broken".into(),
                token_env: Some("BROKEN".into()),
                ..AccountSpec::default()
            },
        ],
        ..options(&server)
    };
    let env = lookup(&[("GOOD", TOKEN)]);
    let out = cloudflare::fetch(&opts, &env, Some(&previous), progress::discard()).await;
    assert!(!out.succeeded());
    assert!(out.accounts[0].outcome.is_ok());
    let err = out.accounts[1].outcome.as_ref().unwrap_err();
    assert!(err.contains("account `broken`: $BROKEN not set"), "{err}");
    let snap = out.snapshot.as_ref().unwrap();
    let kept = snap
        .resources
        .iter()
        .find(|r| r.scope.account == "ffff")
        .unwrap();
    assert_eq!(kept.attrs["ferry_stale"], true);
    assert_eq!(of_kind(snap, Kind::Zone).len(), 2);
}

#[tokio::test]
async fn the_same_refusal_on_every_zone_is_one_note() {
    let mut mock = CloudflareMock::fixtures();
    mock.zones(3);
    let (server, _mock) = serve(mock).await;
    Mock::given(wiremock::matchers::path_regex(
        "^/zones/[0-9a-f]{32}/workers/routes$",
    ))
    .respond_with(error(403, 10000, "Authentication error"))
    .with_priority(1)
    .mount(&server)
    .await;
    let out = fetch_with(&options(&server), None).await;
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.unavailable_parts, 5);
    assert_eq!(
        stats.unavailable,
        [
            "5 places (zone acmepay.com, zone acmepay.io, zone zone-0000.example.com, …): worker routes \
          unavailable (HTTP 403 10000: Authentication error; the token probably needs Zone Workers \
          Routes: Read)"
        ]
    );
    assert!(
        stats.summary().ends_with("; 5 parts unavailable"),
        "{}",
        stats.summary()
    );
}

#[tokio::test]
async fn waiting_for_the_limiter_does_not_use_up_the_retry_deadline() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    // Late in the fetch: by then requests queue for the limiter far longer than the deadline.
    let packs = format!("/zones/{ZONE_COM}/ssl/certificate_packs");
    fail(&server, &packs, ResponseTemplate::new(503), 1).await;
    let opts = CloudflareOptions {
        requests_per_window: 8,
        window: Duration::from_secs(1),
        ..options(&server)
    };
    let opts = CloudflareOptions {
        http: ferry::sources::http::HttpSettings {
            retry: ferry::sources::http::RetryPolicy {
                deadline: Duration::from_millis(300),
                ..opts.http.retry.clone()
            },
            ..opts.http.clone()
        },
        ..opts
    };
    let out = fetch_with(&opts, None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert!(out.waited > Duration::from_secs(1), "{:?}", out.waited);
}
