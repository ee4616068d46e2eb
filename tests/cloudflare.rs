//! The Cloudflare source against a wiremock API v4 serving spec-shaped fixtures: the small
//! estate with its links, page paging (a zone of 12,000 records, 120 zones), cursor paging
//! (R2), filters and the legacy key. Failures are in `cloudflare_errors.rs`.

mod common;

use common::cloudflare_mock::{
    ACCOUNT, CloudflareMock, EMAIL, KEY, TOKEN, ZONE_COM, ZONE_IO, lookup, options, serve,
};
use ferry::model::{Kind, LinkKind, Provider, Resource, ResourceId, SourceSnapshot};
use ferry::sources::cloudflare::{self, AccountSpec, CloudflareOptions, CloudflareOutput};
use ferry::sources::progress;
use serde_json::json;
use std::collections::HashSet;

async fn fetch(opts: &CloudflareOptions) -> CloudflareOutput {
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    cloudflare::fetch(opts, &env, None, progress::discard()).await
}

fn snapshot(out: &CloudflareOutput) -> &SourceSnapshot {
    assert!(out.succeeded(), "{:?}", out.accounts);
    out.snapshot.as_ref().expect("a snapshot")
}

fn get<'a>(snap: &'a SourceSnapshot, id: &str) -> &'a Resource {
    snap.resources
        .iter()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn count(snap: &SourceSnapshot, kind: Kind) -> usize {
    snap.resources.iter().filter(|r| r.kind == kind).count()
}

fn find<'a>(snap: &'a SourceSnapshot, kind: Kind, name: &str) -> &'a Resource {
    snap.resources
        .iter()
        .find(|r| r.kind == kind && r.name == name)
        .unwrap_or_else(|| panic!("{kind} {name} missing"))
}

#[tokio::test]
async fn full_fetch_of_a_small_estate() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let out = fetch(&options(&server)).await;
    let snap = snapshot(&out);

    let account = get(snap, &format!("cloudflare:account/{ACCOUNT}"));
    assert_eq!(
        (account.kind, account.name.as_str()),
        (Kind::CfAccount, "Acme Pay")
    );
    assert_eq!(
        account.attrs["settings"],
        json!({"enforce_twofactor": true})
    );
    let com = get(snap, &format!("cloudflare:zone/{ZONE_COM}"));
    assert_eq!(com.name, "acmepay.com");
    assert_eq!(com.scope.account, ACCOUNT);
    assert_eq!(com.scope.zone.as_deref(), Some("acmepay.com"));
    assert_eq!(com.attrs["plan"]["name"], "Pro Website");
    assert_eq!(com.attrs["status"], "active");
    assert_eq!(
        com.attrs["name_servers"],
        json!(["dana.ns.cloudflare.com", "rob.ns.cloudflare.com"])
    );
    assert!(!com.attrs.contains_key("ferry_unavailable"));

    for (kind, n) in [
        (Kind::CfAccount, 1),
        (Kind::Zone, 2),
        (Kind::DnsRecord, 12),
        (Kind::PageRule, 1),
        (Kind::Ruleset, 2),
        (Kind::WorkerScript, 1),
        (Kind::WorkerRoute, 1),
        (Kind::R2Bucket, 1),
        (Kind::CfPool, 2),
        (Kind::CfLoadBalancer, 1),
        (Kind::CertificatePack, 2),
        (Kind::CustomHostname, 1),
    ] {
        assert_eq!(count(snap, kind), n, "{kind}");
    }
    assert!(
        snap.resources
            .iter()
            .all(|r| r.provider == Provider::Cloudflare)
    );

    // DNS records: the API's fields, their zone, scope by zone name, tags.
    let api = find(snap, Kind::DnsRecord, "api.acmepay.com");
    assert_eq!(api.parent, Some(com.id.clone()));
    assert_eq!(api.scope, com.scope);
    assert!(
        api.id
            .as_str()
            .starts_with(&format!("cloudflare:dns_record/{ZONE_COM}/"))
    );
    for (k, v) in [
        ("type", json!("CNAME")),
        ("content", json!("shallow-tiger-1a2b3c.herokudns.com")),
        ("proxied", json!(true)),
        ("proxiable", json!(true)),
        ("ttl", json!(1)),
        ("comment", json!("acme-api (Heroku)")),
        ("tags", json!(["owner:platform"])),
        ("zone_id", json!(ZONE_COM)),
        ("zone_name", json!("acmepay.com")),
    ] {
        assert_eq!(api.attrs[k], v, "{k}");
    }
    assert_eq!(api.tags["owner"], "platform");
    let mx = snap
        .resources
        .iter()
        .find(|r| {
            r.kind == Kind::DnsRecord
                && r.attrs["type"] == "MX"
                && r.scope.zone.as_deref() == Some("acmepay.io")
        })
        .unwrap();
    assert_eq!(mx.attrs["priority"], 0);

    // Edge configuration in the demo estate's shapes.
    let rule = find(
        snap,
        Kind::PageRule,
        "*acmepay.io/* -> https://acmepay.com/$2",
    );
    assert_eq!(rule.attrs["url_pattern"], "*acmepay.io/*");
    let waf = find(
        snap,
        Kind::Ruleset,
        "default (http_request_firewall_custom)",
    );
    assert_eq!(waf.attrs["rules"][0]["action"], "block");
    assert!(
        waf.attrs["rules"][0]["expression"]
            .as_str()
            .unwrap()
            .contains("admin.acmepay.com")
    );
    let headers = find(snap, Kind::Ruleset, "default (http_request_late_transform)");
    assert_eq!(
        headers.attrs["rules"][0]["action_parameters"]["headers"]["X-Origin-Auth"],
        json!({"operation": "set"})
    );
    let pool = find(snap, Kind::CfPool, "heroku-eu");
    assert_eq!(
        pool.attrs["origins"][0]["address"],
        "acme-api.herokuapp.com"
    );
    assert_eq!(pool.scope.zone, None);
    let host = find(snap, Kind::CustomHostname, "pay.partner.example");
    assert_eq!(host.attrs["custom_origin_server"], "api.acmepay.com");
    assert_eq!(
        find(snap, Kind::R2Bucket, "acme-exports").attrs["location"],
        "weur"
    );
    assert_eq!(
        find(
            snap,
            Kind::CertificatePack,
            "universal: acmepay.com, *.acmepay.com"
        )
        .attrs["status"],
        "active"
    );

    // Links within the source: route → script, load balancer → pools.
    let has = |from: &ResourceId, to: &str, kind: LinkKind| {
        snap.links
            .iter()
            .any(|l| &l.from == from && l.to.as_str() == to && l.kind == kind)
    };
    let route = find(snap, Kind::WorkerRoute, "www.acmepay.com/*");
    assert!(has(
        &route.id,
        &format!("cloudflare:worker_script/{ACCOUNT}/security-headers"),
        LinkKind::RoutesTo
    ));
    let lb = find(snap, Kind::CfLoadBalancer, "lb.acmepay.com");
    for p in [&pool.id, &find(snap, Kind::CfPool, "aws-eu").id] {
        assert!(has(&lb.id, p.as_str(), LinkKind::References), "{p}");
    }
    assert_eq!(snap.links.len(), 3);
    let ids: HashSet<&ResourceId> = snap.resources.iter().map(|r| &r.id).collect();
    for r in &snap.resources {
        if let Some(p) = &r.parent {
            assert!(ids.contains(p), "{}: parent {p} missing", r.id);
        }
    }

    // No secret the fixtures serve reaches the snapshot.
    let text = serde_json::to_string(snap).unwrap();
    for secret in ["FERRY-FAKE-CF-PRIVATE-KEY", "FERRY-CF-ORIGIN-SECRET", TOKEN] {
        assert!(!text.contains(secret), "{secret} stored");
    }
    ferry::model::SnapshotFile {
        ferry_snapshot: 1,
        exported_at: snap.taken_at,
        sources: vec![snap.clone()],
    }
    .validate()
    .unwrap();

    // Requests: verify, accounts, zones, 3 per account, 7 per zone, 2 rulesets read.
    assert_eq!(mock.total_hits(), 3 + 3 + 7 * 2 + 2);
    assert_eq!(out.requests, mock.total_hits() as u64);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(
        stats.summary(),
        "Acme Pay: 2 zones, 12 DNS records, 12 other resources"
    );
    assert_eq!(out.accounts[0].counts["dns_record"].items, 12);
    assert_eq!(out.accounts[0].counts["dns_record"].requests, 2);
    // Each list asked for the largest page its endpoint allows.
    assert_eq!(mock.requests_to("/zones"), ["/zones?page=1&per_page=50"]);
    assert_eq!(
        mock.requests_to("/accounts"),
        ["/accounts?page=1&per_page=50"]
    );
    assert_eq!(
        mock.requests_to(&format!("/zones/{ZONE_COM}/dns_records")),
        [format!(
            "/zones/{ZONE_COM}/dns_records?page=1&per_page=5000"
        )]
    );
    assert_eq!(
        mock.requests_to(&format!("/accounts/{ACCOUNT}/r2/buckets")),
        [format!("/accounts/{ACCOUNT}/r2/buckets?per_page=1000")]
    );
}

#[tokio::test]
async fn a_zone_with_12000_records_returns_all_of_them() {
    let mut mock = CloudflareMock::fixtures();
    mock.records(ZONE_COM, 12_000);
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server)).await;
    let snap = snapshot(&out);
    let in_com = |r: &&Resource| {
        r.kind == Kind::DnsRecord && r.parent.as_ref().unwrap().as_str().ends_with(ZONE_COM)
    };
    assert_eq!(snap.resources.iter().filter(in_com).count(), 12_000);
    let dns = format!("/zones/{ZONE_COM}/dns_records");
    assert_eq!(
        mock.requests_to(&dns),
        [1, 2, 3].map(|p| format!("{dns}?page={p}&per_page=5000")),
        "5,000 + 5,000 + 2,000"
    );
}

#[tokio::test]
async fn a_server_capped_page_size_without_total_pages_is_followed_to_the_end() {
    let mut mock = CloudflareMock::fixtures();
    mock.records(ZONE_COM, 12_000);
    mock.dns_cap = 1000;
    mock.no_total_pages = true;
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server)).await;
    let snap = snapshot(&out);
    assert_eq!(count(snap, Kind::DnsRecord), 12_000 + 3);
    assert_eq!(mock.hits_of(&format!("/zones/{ZONE_COM}/dns_records")), 12);
}

#[tokio::test]
async fn zones_page_by_50_and_are_fetched_concurrently() {
    let mut mock = CloudflareMock::fixtures();
    mock.zones(118);
    let (server, mock) = serve(mock).await;
    let opts = CloudflareOptions {
        // Above the 850 requests this takes, so the limiter does not wait 5 minutes.
        requests_per_window: 1200,
        ..options(&server)
    };
    let out = fetch(&opts).await;
    let snap = snapshot(&out);
    assert_eq!(count(snap, Kind::Zone), 120);
    assert_eq!(mock.hits_of("/zones"), 3, "50 + 50 + 20");
    assert_eq!(out.accounts[0].outcome.as_ref().unwrap().zones, 120);
    // Verify, accounts, 3 pages of zones, 3 per account, 7 per zone, 2 rulesets read.
    assert_eq!(mock.total_hits(), 1 + 1 + 3 + 3 + 7 * 120 + 2);
    assert_eq!(out.requests as usize, mock.total_hits());
}

/// In the live shape (`"result": {"buckets": [...]}`, Cloudflare's `BucketListResponse`)
/// and in the 2024 spec's bare array, with the cursor in `result_info` either way.
#[tokio::test]
async fn r2_buckets_page_by_cursor_in_both_shapes() {
    r2_paging(false).await;
    r2_paging(true).await;
}

async fn r2_paging(spec_shape: bool) {
    let mut mock = CloudflareMock::fixtures();
    mock.r2_spec_shape = spec_shape;
    let path = format!("/accounts/{ACCOUNT}/r2/buckets");
    let template = mock.routes[&path]["result"]["buckets"][0].clone();
    let buckets = (0..2500)
        .map(|i| {
            let mut b = template.clone();
            b["name"] = json!(format!("bucket-{i:04}"));
            b
        })
        .collect();
    mock.set_result(&path, buckets);
    let (server, mock) = serve(mock).await;
    let out = fetch(&options(&server)).await;
    assert!(out.succeeded(), "{:?}", out.accounts);
    assert_eq!(count(snapshot(&out), Kind::R2Bucket), 2500);
    assert_eq!(
        mock.requests_to(&path),
        [
            format!("{path}?per_page=1000"),
            format!("{path}?per_page=1000&cursor=c-1000"),
            format!("{path}?per_page=1000&cursor=c-2000"),
        ]
    );
}

#[tokio::test]
async fn the_zone_filter_and_account_id_limit_the_fetch() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let opts = CloudflareOptions {
        zones: vec!["*.io".into()],
        ..options(&server)
    };
    let env = lookup(&[("CF_API_TOKEN", TOKEN), ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)]);
    let out = cloudflare::fetch(&opts, &env, None, progress::discard()).await;
    let snap = snapshot(&out);
    assert_eq!(count(snap, Kind::Zone), 1);
    assert!(
        snap.resources
            .iter()
            .all(|r| r.scope.zone.as_deref() != Some("acmepay.com"))
    );
    assert_eq!(mock.hits_of(&format!("/zones/{ZONE_COM}/dns_records")), 0);
    assert_eq!(mock.hits_of(&format!("/zones/{ZONE_IO}/dns_records")), 1);
    assert_eq!(
        mock.requests_to("/zones"),
        [format!("/zones?account.id={ACCOUNT}&page=1&per_page=50")]
    );
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert!(
        stats
            .summary()
            .contains("(1 zone outside the configured filter)"),
        "{}",
        stats.summary()
    );
}

#[tokio::test]
async fn the_legacy_global_key_authenticates_with_its_email() {
    let (server, mock) = serve(CloudflareMock::fixtures()).await;
    let opts = CloudflareOptions {
        accounts: vec![AccountSpec {
            name: "legacy".into(),
            api_key_env: Some("LEGACY_KEY".into()),
            email_env: Some("LEGACY_EMAIL".into()),
            ..AccountSpec::default()
        }],
        ..options(&server)
    };
    let env = lookup(&[("LEGACY_KEY", KEY), ("LEGACY_EMAIL", EMAIL)]);
    let out = cloudflare::fetch(&opts, &env, None, progress::discard()).await;
    assert_eq!(count(snapshot(&out), Kind::Zone), 2);
    assert_eq!(mock.hits_of("/user"), 1, "verified as the key's user");
    assert_eq!(mock.hits_of("/user/tokens/verify"), 0);
    assert_eq!(out.accounts[0].name, "legacy");
}
