//! Coverage: a check that needs data Ferry could not read says `unknown` and why, never
//! `missing` or "none found". Each test takes the crafted estate of tests/gap.rs, takes
//! away one piece of data the way a failed fetch would, and checks what the analysis and
//! the reports say.

use chrono::{TimeZone, Utc};
use ferry::gap::{GapReport, PointsTo, Status};
use ferry::inventory::{AttemptOutcome, FetchAttempt, Inventory};
use ferry::ledger::Ledger;
use ferry::model::{Provider, ResourceId, SnapshotFile, SourceSnapshot};
use ferry::rules::Rules;
use serde_json::json;

const ESTATE: &str = include_str!("fixtures/gap_estate.json");

fn sources() -> Vec<SourceSnapshot> {
    SnapshotFile::from_json(ESTATE).unwrap().sources
}

fn analyze(inv: &Inventory) -> GapReport {
    ferry::commands::gaps::analyze_inventory(inv, &Ledger::default(), &Rules::default())
}

fn item<'a>(report: &'a GapReport, id: &str) -> &'a ferry::gap::Item {
    report
        .item(&ResourceId::from_raw(id.to_string()))
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn failed(source: Provider, error: &str) -> FetchAttempt {
    FetchAttempt {
        source,
        at: Utc.with_ymd_and_hms(2026, 11, 21, 8, 20, 0).unwrap(),
        outcome: AttemptOutcome::Failed,
        errors: vec![error.to_string()],
    }
}

/// An `aws_account` resource carrying the parts the last fetch could not read.
fn aws_account_with(parts: serde_json::Value) -> ferry::model::Resource {
    serde_json::from_value(json!({
        "id": "aws:account/111122223333",
        "provider": "aws",
        "kind": "aws_account",
        "name": "111122223333",
        "scope": {"account": "111122223333"},
        "attrs": {"ferry_unavailable": parts},
        "tags": {},
        "fetched_at": "2026-11-20T08:00:00Z"
    }))
    .unwrap()
}

#[test]
fn a_complete_estate_has_no_unknowns_and_says_it_is_complete() {
    let report = analyze(&Inventory::from_sources(&sources()));
    assert!(report.items().all(|i| i.computed != Status::Unknown));
    // One line per source Ferry knows; the optional ones this estate does not use
    // (Semaphore, IaC state) are complete because nothing rests on them, and say so.
    assert_eq!(report.data.len(), Provider::ALL.len());
    for d in &report.data {
        assert!(d.complete(), "{}", d.line());
        if d.taken_at.is_some() {
            assert!(d.line().ends_with("; complete"), "{}", d.line());
        } else {
            assert!(
                matches!(d.source, Provider::Semaphore | Provider::Iac),
                "{}",
                d.line()
            );
            assert!(d.line().contains("not used"), "{}", d.line());
        }
    }
}

#[test]
fn with_cloudflare_failed_dns_is_unknown_never_no_record() {
    let without_cf: Vec<SourceSnapshot> = sources()
        .into_iter()
        .filter(|s| s.source != Provider::Cloudflare)
        .collect();
    let mut inv = Inventory::from_sources(&without_cf);
    inv.record_attempt(failed(
        Provider::Cloudflare,
        "account `default`: GET /zones: HTTP 403 10000: Authentication error",
    ));
    let report = analyze(&inv);
    let all_reasons: Vec<&String> = report.items().flat_map(|i| &i.reasons).collect();
    assert!(
        !all_reasons.iter().any(|r| r.contains("no DNS record")),
        "a negative about DNS that was never read: {all_reasons:?}"
    );
    let shop = item(&report, "heroku:domain/shop/shop.globex.test");
    assert!(
        shop.reasons.iter().any(|r| r
            == "DNS for shop.globex.test unknown: Cloudflare not fetched (the fetch of 2026-11-21 08:20 UTC failed: account `default`: GET /zones: HTTP 403 10000: Authentication error)"),
        "{:?}",
        shop.reasons
    );
    // The cutover table does not claim "no DNS record found" either.
    let rows: Vec<_> = report
        .dns
        .iter()
        .filter(|r| r.hostname == "shop.globex.test")
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(
        matches!(&rows[0].points_to, PointsTo::Unknown { why } if why.contains("Cloudflare not fetched")),
        "{:?}",
        rows[0].points_to
    );
    let cf = report
        .data
        .iter()
        .find(|d| d.source == Provider::Cloudflare)
        .unwrap();
    assert!(!cf.complete());
    assert!(
        cf.line().contains("Cloudflare not fetched"),
        "{}",
        cf.line()
    );
}

#[test]
fn a_failed_aws_part_makes_not_found_unknown_but_keeps_what_was_found() {
    let mut srcs = sources();
    let aws = srcs.iter_mut().find(|s| s.source == Provider::Aws).unwrap();
    // The replication group of `shop` is gone from this fetch, and serverless caches
    // could not be read (moto and real outages answer 500).
    aws.resources
        .retain(|r| r.kind != ferry::model::Kind::ElasticacheReplicationGroup);
    let baseline = analyze(&Inventory::from_sources(&srcs));
    let redis = item(&baseline, "heroku:addon/redis-shop-1");
    assert_eq!(redis.computed, Status::Missing, "{:?}", redis.reasons);

    let aws = srcs.iter_mut().find(|s| s.source == Provider::Aws).unwrap();
    aws.resources.push(aws_account_with(json!([{
        "kind": "elasticache_serverless", "region": "eu-west-1", "failed": true,
        "error": "DescribeServerlessCaches: service error 500", "kept_stale": 0
    }])));
    let report = analyze(&Inventory::from_sources(&srcs));
    let redis = item(&report, "heroku:addon/redis-shop-1");
    assert_eq!(redis.computed, Status::Unknown);
    assert_eq!(
        redis.reasons[0],
        "unknown: AWS Serverless caches in eu-west-1: failed (DescribeServerlessCaches: service error 500)"
    );
    assert!(
        !redis.reasons.iter().any(|r| r.contains("found")),
        "{:?}",
        redis.reasons
    );
    // A match found in data that was read stays a fact.
    let pg = item(&report, "heroku:addon/postgresql-shop-1");
    assert_eq!(pg.computed, Status::Ready);
    // The app cannot be called missing or ready while one part is unknown, but shop has
    // ready and partial parts: partial whatever the unknown turns out to be.
    let shop = item(&report, "heroku:app/shop");
    assert_eq!(shop.computed, Status::Partial);
    assert!(
        shop.reasons.iter().any(|r| r.contains("1 of")),
        "{:?}",
        shop.reasons
    );
    let aws_data = report
        .data
        .iter()
        .find(|d| d.source == Provider::Aws)
        .unwrap();
    assert!(
        aws_data
            .line()
            .contains("1 part(s) failed: Serverless caches in eu-west-1"),
        "{}",
        aws_data.line()
    );
}

#[test]
fn an_app_without_details_is_unknown_not_an_app_with_nothing_to_migrate() {
    let mut srcs = sources();
    let heroku = srcs
        .iter_mut()
        .find(|s| s.source == Provider::Heroku)
        .unwrap();
    let blog_staging = ResourceId::from_raw("heroku:app/blog-staging".to_string());
    // The details never came: no formation, domains, config vars; only the app.
    heroku
        .resources
        .retain(|r| r.id == blog_staging || r.parent.as_ref() != Some(&blog_staging));
    let app = heroku
        .resources
        .iter_mut()
        .find(|r| r.id == blog_staging)
        .unwrap();
    app.attrs.insert(
        "ferry_details".into(),
        json!({"state": "missing", "fetched_at": null, "error": "GET /apps/blog-staging/formation: server error 503 (gave up after 8 attempt(s))"}),
    );
    let report = analyze(&Inventory::from_sources(&srcs));
    let app = item(&report, "heroku:app/blog-staging");
    assert_eq!(app.computed, Status::Unknown);
    assert!(
        app.reasons[0].starts_with(
            "unknown: Heroku details of blog-staging not fetched: GET /apps/blog-staging/formation"
        ),
        "{:?}",
        app.reasons
    );
    let heroku = report
        .data
        .iter()
        .find(|d| d.source == Provider::Heroku)
        .unwrap();
    assert!(
        heroku.line().contains("1 never fetched"),
        "{}",
        heroku.line()
    );
}

#[test]
fn a_counterpart_carried_over_stale_is_not_a_current_match() {
    let mut srcs = sources();
    let aws = srcs.iter_mut().find(|s| s.source == Provider::Aws).unwrap();
    let svc = aws
        .resources
        .iter_mut()
        .find(|r| r.name == "shop-web" && r.kind == ferry::model::Kind::EcsService)
        .unwrap();
    svc.attrs.insert("ferry_stale".into(), json!(true));
    let report = analyze(&Inventory::from_sources(&srcs));
    let web = item(&report, "heroku:formation/shop/web");
    assert_eq!(web.computed, Status::Unknown);
    assert!(
        web.reasons[0].starts_with("unknown: Service `shop-web` is from the fetch of 2026-11-20"),
        "{:?}",
        web.reasons
    );
    // The counterpart is still shown: the user sees what the old data said.
    assert_eq!(web.counterparts[0].name, "shop-web");
}

#[test]
fn without_aws_data_nothing_is_called_missing() {
    let srcs: Vec<SourceSnapshot> = sources()
        .into_iter()
        .filter(|s| s.source != Provider::Aws)
        .collect();
    let report = analyze(&Inventory::from_sources(&srcs));
    let counted: Vec<_> = report
        .apps
        .iter()
        .flat_map(|a| a.items.iter().skip(1))
        .filter(|i| i.computed == Status::Missing)
        .map(|i| (i.id.to_string(), i.reasons.clone()))
        .collect();
    // Only an add-on without a mapping rule is missing for a reason that is no AWS fact.
    for (id, reasons) in &counted {
        assert!(
            reasons.iter().any(|r| r.contains("no mapping rule")),
            "{id} missing without AWS data: {reasons:?}"
        );
    }
    let web = item(&report, "heroku:formation/shop/web");
    assert_eq!(web.computed, Status::Unknown);
    assert_eq!(web.reasons[0], "unknown: AWS not fetched");
}

#[test]
fn an_older_snapshot_standing_in_is_said_and_makes_negatives_unknown() {
    let mut inv = Inventory::from_sources(&sources());
    inv.record_attempt(failed(Provider::Aws, "account `prod`: no credentials"));
    let report = analyze(&inv);
    let aws = report
        .data
        .iter()
        .find(|d| d.source == Provider::Aws)
        .unwrap();
    assert!(aws.stands_in);
    assert!(
        aws.line().contains("AWS data is from 2026-11-20 08:00 UTC (the fetch of 2026-11-21 08:20 UTC failed: account `prod`: no credentials); that older snapshot stands in"),
        "{}",
        aws.line()
    );
    let legacy_worker = item(&report, "heroku:formation/legacy/worker");
    assert_eq!(legacy_worker.computed, Status::Unknown);
}

#[test]
fn the_cache_keeps_the_last_attempt_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ferry::store::Store::open(&dir.path().join("cache.sqlite")).unwrap();
    store
        .record_attempt(&failed(Provider::Aws, "account `prod`: no credentials"))
        .unwrap();
    let ok = FetchAttempt {
        outcome: AttemptOutcome::Ok,
        errors: Vec::new(),
        ..failed(Provider::Aws, "")
    };
    store
        .record_attempt(&failed(Provider::Heroku, "GET /apps: HTTP 401"))
        .unwrap();
    store.record_attempt(&ok).unwrap();
    let inv = store.load_latest().unwrap();
    assert_eq!(inv.attempts.len(), 2);
    assert_eq!(
        inv.attempt_of(Provider::Aws),
        Some(&ok),
        "the newer replaces the older"
    );
    assert_eq!(
        inv.attempt_of(Provider::Heroku).unwrap().errors,
        ["GET /apps: HTTP 401"]
    );
}
