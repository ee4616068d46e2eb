//! The Cloudflare source against answers that are not what they should be (issue 11): a
//! 200 whose body is not an answer is never an empty list; on `/zones` or the token check
//! it fails the credential, on one zone's or account's list it fails only that part (the
//! rest is saved, the part's previous resources are kept stale); and one 429 with
//! `Retry-After: 1` costs a second, not the rest of an earlier 5-minute window.

mod common;

use common::cloudflare_mock::{
    ACCOUNT, CloudflareMock, TOKEN, ZONE_COM, ZONE_IO, error, error_of, fail, fetch_with, lookup,
    of_kind, options, serve,
};
use ferry::model::{Kind, Resource, SourceSnapshot};
use ferry::sources::cloudflare::{self, AccountSpec, CloudflareOptions};
use ferry::sources::progress::{EventSink, SourceEvent};
use serde_json::{Value, json};
use std::sync::Arc;
use wiremock::ResponseTemplate;

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn zone<'a>(snap: &'a SourceSnapshot, id: &str) -> &'a Resource {
    snap.resources
        .iter()
        .find(|r| r.id.as_str() == format!("cloudflare:zone/{id}"))
        .unwrap()
}

/// The one `ferry_unavailable` entry of a zone or account.
fn mark(r: &Resource) -> &Value {
    let marks = r.attrs["ferry_unavailable"].as_array().unwrap();
    assert_eq!(marks.len(), 1, "{marks:?}");
    &marks[0]
}

#[tokio::test]
async fn a_200_that_is_not_a_zone_list_fails_the_credential_and_reports_nothing_empty() {
    let bodies = [
        (json!({"unexpected": true}), "no `success` field"),
        (
            json!({"success": true, "errors": [], "messages": []}),
            "no `result` field",
        ),
        (
            json!({"success": true, "errors": [], "result": {"zones": []}}),
            "`result` is an object, where an array was expected",
        ),
        (
            json!({"success": "true", "result": []}),
            "`success` is a string, not true",
        ),
    ];
    for (body, why) in bodies {
        let (server, mock) = serve(CloudflareMock::fixtures()).await;
        let previous = fetch_with(&options(&server), None).await.snapshot.unwrap();
        fail(&server, "/zones", ok(body.clone()), 10).await;
        let out = fetch_with(&options(&server), Some(&previous)).await;
        let err = error_of(&out);
        assert!(
            err.contains("GET /zones (page 1): the response body was not recognised"),
            "{body}: {err}"
        );
        assert!(err.contains(why), "{body}: {err}");
        assert!(!err.contains("Zone: Read"), "claims a permission: {err}");
        // One credential, failed: no snapshot, so the last good one stays the newest
        // (nothing reads as "every zone removed").
        assert!(out.snapshot.is_none(), "{body}");
        assert_eq!(mock.hits_of(&format!("/zones/{ZONE_COM}/dns_records")), 1);
    }
}

#[tokio::test]
async fn a_token_check_that_is_not_an_answer_fails_the_credential() {
    for body in [
        json!({"unexpected": true}),
        json!({"success": true, "result": null}),
    ] {
        let (server, mock) = serve(CloudflareMock::fixtures()).await;
        fail(&server, "/user/tokens/verify", ok(body.clone()), 10).await;
        let out = fetch_with(&options(&server), None).await;
        let err = error_of(&out);
        assert!(
            err.contains("GET /user/tokens/verify (page 1): the response body was not recognised"),
            "{body}: {err}"
        );
        assert!(out.snapshot.is_none());
        // (the override's answer is not in the mock's log)
        assert_eq!(mock.total_hits(), 0, "nothing else was tried");
    }
}

#[tokio::test]
async fn bad_bodies_on_one_zone_or_account_list_fail_only_that_part() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let previous = fetch_with(&options(&server), None).await.snapshot.unwrap();
    let com_records = of_kind(&previous, Kind::DnsRecord)
        .iter()
        .filter(|r| r.parent.as_ref() == Some(&zone(&previous, ZONE_COM).id))
        .count();

    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let dns = format!("/zones/{ZONE_COM}/dns_records");
    let rules = format!("/zones/{ZONE_IO}/pagerules");
    let r2 = format!("/accounts/{ACCOUNT}/r2/buckets");
    let odd = json!({"success": true, "errors": [], "result": {"records": []}});
    fail(&server, &dns, ok(odd), 10).await;
    let broken = ResponseTemplate::new(200).set_body_string("{\"success\": true, \"result\": [{");
    fail(&server, &rules, broken, 10).await;
    let r2_odd = json!({"success": true, "errors": [], "result": {"items": [{"name": "x"}]}});
    fail(&server, &r2, ok(r2_odd), 10).await;
    let out = fetch_with(&options(&server), Some(&previous)).await;
    let snap = out.snapshot.as_ref().expect("the rest is saved");
    let stats = out.accounts[0].outcome.as_ref().unwrap();

    // acmepay.com's records come back stale; acmepay.io's are fresh; so is everything else.
    let records = of_kind(snap, Kind::DnsRecord);
    assert_eq!(records.len(), 12);
    let stale: Vec<_> = records
        .iter()
        .filter(|r| r.attrs.get("ferry_stale") == Some(&json!(true)))
        .collect();
    assert_eq!(stale.len(), com_records);
    assert!(stale.iter().all(|r| r.fetched_at == previous.taken_at));
    assert_eq!(of_kind(snap, Kind::PageRule)[0].attrs["ferry_stale"], true);
    assert_eq!(of_kind(snap, Kind::R2Bucket)[0].attrs["ferry_stale"], true);
    for kind in [
        Kind::WorkerScript,
        Kind::WorkerRoute,
        Kind::CfPool,
        Kind::Ruleset,
    ] {
        let rs = of_kind(snap, kind);
        assert!(!rs.is_empty(), "{kind}");
        assert!(
            rs.iter().all(|r| !r.attrs.contains_key("ferry_stale")),
            "{kind}"
        );
    }

    // Each part is marked failed on its zone or account, with what was wrong.
    let com = mark(zone(snap, ZONE_COM));
    assert_eq!(com["kind"], "dns_record");
    assert_eq!(com["failed"], true);
    assert_eq!(com["kept_stale"], com_records);
    assert_eq!(
        com["error"],
        format!(
            "GET {dns} (page 1): the response body was not recognised: `result` is an object, \
             where an array was expected"
        )
    );
    let io = mark(zone(snap, ZONE_IO));
    assert_eq!(
        (&io["kind"], &io["failed"]),
        (&json!("page_rule"), &json!(true))
    );
    assert!(
        io["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("GET {rules} (page 1) returned invalid JSON")),
        "{io}"
    );
    let account = mark(of_kind(snap, Kind::CfAccount)[0]);
    assert_eq!(
        (&account["kind"], &account["failed"]),
        (&json!("r2_bucket"), &json!(true))
    );
    assert!(
        account["error"]
            .as_str()
            .unwrap()
            .contains("an array (or an object with `buckets`)"),
        "{account}"
    );

    // Reported as failures, never as a missing permission.
    assert_eq!((stats.failed_parts, stats.unavailable_parts), (3, 0));
    assert_eq!(stats.unavailable.len(), 3);
    for note in &stats.unavailable {
        assert!(note.contains(" failed ("), "{note}");
        assert!(
            !note.contains("needs") && !note.contains("permission"),
            "{note}"
        );
    }
    let outcome = stats.outcome().unwrap_err();
    assert!(outcome.starts_with("3 parts failed"), "{outcome}");
    let kept = format!(
        "; 3 parts failed ({} stale resources kept)",
        com_records + 2
    );
    assert!(outcome.ends_with(&kept), "{outcome}");
}

#[tokio::test]
async fn r2_in_the_live_shape_is_read_with_the_rest_of_the_account() {
    // The fixture is the live shape, `"result": {"buckets": [...]}`; the fetch used to fail
    // the whole credential on it ("invalid type: map, expected a sequence").
    let mock = CloudflareMock::fixtures();
    let r2 = format!("/accounts/{ACCOUNT}/r2/buckets");
    assert!(mock.routes[&r2]["result"]["buckets"].is_array());
    let (server, _mock) = serve(mock).await;
    let out = fetch_with(&options(&server), None).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = out.snapshot.as_ref().unwrap();
    let buckets = of_kind(snap, Kind::R2Bucket);
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].name, "acme-exports");
    assert!(
        !of_kind(snap, Kind::CfAccount)[0]
            .attrs
            .contains_key("ferry_unavailable")
    );
    assert_eq!(of_kind(snap, Kind::DnsRecord).len(), 12);
}

/// Status lines announcing a limiter wait (the limiter's own computed wait, sent before it
/// sleeps) fail the test at once, so a regression fails fast instead of sleeping 298 s.
fn watch_waits() -> (EventSink, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let sink: EventSink = Arc::new(move |e| {
        if let SourceEvent::Status { message, .. } = e
            && message.starts_with("waiting")
        {
            let _ = tx.send(message);
        }
    });
    (sink, rx)
}

#[tokio::test]
async fn one_429_with_retry_after_1_costs_a_second_not_the_old_window() {
    // Every earlier answer says `"default";r=1200;t=300`, the 429 `r=0;t=1`.
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let dns = format!("/zones/{ZONE_COM}/dns_records");
    let limited = error(
        429,
        971,
        "Please wait and consider throttling your request speed",
    )
    .append_header("Retry-After", "1")
    .append_header("Ratelimit", "\"default\";r=0;t=1")
    .append_header("Ratelimit-Policy", "\"default\";q=1200;w=300");
    fail(&server, &dns, limited, 1).await;
    let opts = options(&server);
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    let (sink, mut waits) = watch_waits();
    let fetch = cloudflare::fetch(&opts, &env, None, sink);
    tokio::pin!(fetch);
    let out = tokio::select! {
        out = &mut fetch => out,
        Some(notice) = waits.recv() => panic!("a 1 s Retry-After made the limiter announce: {notice}"),
    };
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(
        of_kind(out.snapshot.as_ref().unwrap(), Kind::DnsRecord).len(),
        12
    );
    assert_eq!(
        mock.hits_of(&dns),
        1,
        "the retry after the 429 (the override's)"
    );
    // What the limiter computed for all requests together: the pause, once per request
    // that met it, never the 299 s left of the earlier window.
    assert!(out.waited.as_secs() <= 8, "{:?}", out.waited);
    assert!(waits.try_recv().is_err());
}

#[tokio::test]
async fn a_pause_longer_than_the_retry_deadline_fails_other_requests_naming_it() {
    // Two credentials share the limiter. The first `/zones` answer is a 429 asking 30 s,
    // longer than the 3 s deadline: that credential gives up at once (as before), and the
    // other, whose zone lists would have to sit out the pause, now does too, saying why.
    let mut mock = CloudflareMock::fixtures();
    mock.delay = std::time::Duration::from_millis(150);
    let (server, _mock) = serve(mock).await;
    let lockout = error(
        429,
        971,
        "Please wait and consider throttling your request speed",
    )
    .append_header("Retry-After", "30");
    fail(&server, "/zones", lockout, 1).await;
    let opts = CloudflareOptions {
        accounts: ["a", "b"]
            .map(|name| AccountSpec {
                name: name.into(),
                token_env: Some("CLOUDFLARE_API_TOKEN".into()),
                ..AccountSpec::default()
            })
            .to_vec(),
        ..options(&server)
    };
    let (sink, mut waits) = watch_waits();
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    let fetch = cloudflare::fetch(&opts, &env, None, sink);
    tokio::pin!(fetch);
    let out = tokio::select! {
        out = &mut fetch => out,
        Some(notice) = waits.recv() => panic!("sat out the pause: {notice}"),
    };
    let errors: Vec<&str> = out
        .accounts
        .iter()
        .map(|a| a.outcome.as_ref().unwrap_err().as_str())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("GET /zones: rate limited (429, retry after 30 s)")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains(
            "rate limited: the server paused every request for 30 s after a 429, longer than \
             the"
        ) && e.contains("retry_deadline_secs")),
        "{errors:?}"
    );
    assert!(out.snapshot.is_none());
}

#[tokio::test]
async fn a_list_that_keeps_answering_503_fails_only_that_part() {
    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let previous = fetch_with(&options(&server), None).await.snapshot.unwrap();

    let (server, _mock) = serve(CloudflareMock::fixtures()).await;
    let dns = format!("/zones/{ZONE_COM}/dns_records");
    // More 503s than the retry policy's attempts: this one list's retries run out.
    fail(&server, &dns, error(503, 10000, "Service Unavailable"), 100).await;
    let out = fetch_with(&options(&server), Some(&previous)).await;
    let snap = out.snapshot.as_ref().expect("the rest is saved");
    let com = mark(zone(snap, ZONE_COM));
    assert_eq!(
        (&com["kind"], &com["failed"]),
        (&json!("dns_record"), &json!(true))
    );
    assert!(
        com["error"].as_str().unwrap().contains("server error 503"),
        "{com}"
    );
    // acmepay.io's records are this fetch's; acmepay.com's are the previous ones, stale.
    let io_zone = zone(snap, ZONE_IO).id.clone();
    let records = of_kind(snap, Kind::DnsRecord);
    assert!(records.iter().any(|r| r.parent.as_ref() == Some(&io_zone)));
    for r in &records {
        let stale = r.attrs.get("ferry_stale") == Some(&json!(true));
        assert_eq!(stale, r.parent.as_ref() != Some(&io_zone), "{}", r.id);
    }
    assert!(!zone(snap, ZONE_IO).attrs.contains_key("ferry_unavailable"));
}
