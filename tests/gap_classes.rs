//! Classes of estate the gap rules must get right, each on a small estate built here:
//! process types with no dynos, Private/Shield dyno sizes, and headline numbers that
//! never read as done when nothing was counted.

mod common;
use common::estate::{AT, item, resource};
use ferry::gap::{GapReport, Status};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::{Provider, Resource, SourceSnapshot};
use ferry::rules::Rules;
use serde_json::json;
use std::path::Path;

const ARN: &str = "arn:aws:ecs:eu-west-1:111122223333";

fn app(name: &str) -> Resource {
    resource(
        json!({"id": format!("heroku:app/{name}"), "provider": "heroku", "kind": "app",
        "name": name, "scope": {"account": "ops@acme.test", "team": "acme"},
        "attrs": {"name": name}}),
    )
}

fn formation(app: &str, process: &str, quantity: i64, size: &str) -> Resource {
    resource(
        json!({"id": format!("heroku:formation/{app}/{process}"), "provider": "heroku",
        "kind": "formation", "name": process, "parent": format!("heroku:app/{app}"),
        "scope": {"account": "ops@acme.test", "team": "acme"},
        "attrs": {"type": process, "quantity": quantity, "size": size, "dyno_size": {"name": size}}}),
    )
}

/// An ECS service tagged for `app`/`process` running a task of `cpu`/`memory`, behind a
/// load balancer, with its task definition.
fn service(app: &str, process: &str, cpu: &str, memory: &str) -> [Resource; 2] {
    let name = format!("{app}-{process}");
    let td = format!("{ARN}:task-definition/{name}:1");
    let tags = json!({"heroku:app": app, "heroku:process": process});
    [
        resource(
            json!({"id": format!("aws:{ARN}:service/prod/{name}"), "provider": "aws",
            "kind": "ecs_service", "name": name, "scope": {"account": "111122223333", "region": "eu-west-1"},
            "attrs": {"serviceName": name, "serviceArn": format!("{ARN}:service/prod/{name}"),
                "taskDefinition": td, "desiredCount": 2, "launchType": "FARGATE",
                "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1"}]},
            "tags": tags}),
        ),
        resource(
            json!({"id": format!("aws:{td}"), "provider": "aws", "kind": "task_definition",
            "name": format!("{name}:1"), "scope": {"account": "111122223333", "region": "eu-west-1"},
            "attrs": {"family": name, "revision": 1, "taskDefinitionArn": td, "cpu": cpu, "memory": memory,
                "containerDefinitions": []},
            "tags": tags}),
        ),
    ]
}

fn analyze(heroku: Vec<Resource>, aws: Vec<Resource>, ledger: &Ledger) -> GapReport {
    let snap = |source, resources| SourceSnapshot {
        source,
        taken_at: AT.parse().unwrap(),
        resources,
        links: Vec::new(),
    };
    let inv = Inventory::from_sources(&[
        snap(Provider::Heroku, heroku),
        snap(Provider::Cloudflare, Vec::new()),
        snap(Provider::Aws, aws),
    ]);
    ferry::commands::gaps::analyze_inventory(&inv, ledger, &Rules::default())
}

#[test]
fn process_types_without_dynos_need_no_service_and_are_not_counted() {
    let heroku = vec![
        app("pay"),
        formation("pay", "web", 2, "Standard-2X"),
        formation("pay", "release", 0, "Standard-2X"),
        formation("pay", "worker", 0, "Standard-1X"),
    ];
    let r = analyze(
        heroku,
        service("pay", "web", "512", "1024").into(),
        &Ledger::default(),
    );
    let release = item(&r, "heroku:formation/pay/release");
    assert_eq!(release.computed, Status::NotRequired);
    assert!(
        release.reasons[0].contains("one-off ECS task (RunTask)"),
        "{:?}",
        release.reasons
    );
    let worker = item(&r, "heroku:formation/pay/worker");
    assert_eq!(worker.computed, Status::NotRequired);
    assert!(
        worker.reasons[0].starts_with("scaled to 0 on Heroku"),
        "{:?}",
        worker.reasons
    );
    assert_eq!(item(&r, "heroku:formation/pay/web").computed, Status::Ready);
    // The app is ready: nothing it still needs is missing.
    assert_eq!(item(&r, "heroku:app/pay").computed, Status::Ready);
    // Neither for nor against "% migrated"; the web process is ready to cut over.
    assert_eq!(r.summary.by_status[&Status::NotRequired], 2);
    assert_eq!(r.summary.percent_migrated, Some(0.0));
    assert_eq!(r.summary.ready_to_cut_over, 1);
}

#[test]
fn a_process_scaled_to_zero_with_a_counterpart_keeps_its_status() {
    // Scaled down because it moved: the counterpart decides, not the missing dynos.
    let r = analyze(
        vec![app("pay"), formation("pay", "web", 0, "Standard-2X")],
        service("pay", "web", "512", "1024").into(),
        &Ledger::default(),
    );
    assert_ne!(
        item(&r, "heroku:formation/pay/web").computed,
        Status::NotRequired
    );
}

#[test]
fn private_and_shield_sizes_need_the_task_of_the_same_letter() {
    // S = 1 GB (Standard-2X), M = 2.5 GB (Performance-M), L = 14 GB (Performance-L).
    for (size, cpu, memory) in [
        ("Private-S", "512", "1024"),
        ("Shield-S", "512", "1024"),
        ("Private-M", "1024", "3072"),
        ("Shield-M", "1024", "3072"),
        ("Private-L", "4096", "16384"),
        ("Shield-L", "4096", "16384"),
    ] {
        let r = analyze(
            vec![app("pay"), formation("pay", "web", 2, size)],
            service("pay", "web", cpu, memory).into(),
            &Ledger::default(),
        );
        let web = item(&r, "heroku:formation/pay/web");
        assert_eq!(web.computed, Status::Ready, "{size}: {:?}", web.reasons);
        // One step below is still too small.
        let half = (memory.parse::<u32>().unwrap() / 2).to_string();
        let r = analyze(
            vec![app("pay"), formation("pay", "web", 2, size)],
            service("pay", "web", cpu, &half).into(),
            &Ledger::default(),
        );
        let web = item(&r, "heroku:formation/pay/web");
        assert_eq!(web.computed, Status::Partial, "{size} with {half} MiB");
    }
}

#[test]
fn an_ignored_app_shows_no_percentage_rather_than_100() {
    let ledger = Ledger::parse(
        "[items.\"heroku:app/old\"]\nstatus = \"ignored\"\nby = \"ops\"\nat = \"2026-11-20T08:00:00Z\"\n",
        Path::new("ledger.toml"),
    )
    .unwrap();
    let r = analyze(
        vec![app("old"), formation("old", "web", 1, "Basic")],
        Vec::new(),
        &ledger,
    );
    let old = r.apps.iter().find(|a| a.app == "old").unwrap();
    assert_eq!(old.percent_migrated, None);
    assert_eq!(r.summary.percent_migrated, None);
    assert_eq!(ferry::gap::percent_label(old.percent_migrated), "—");
}

#[test]
fn no_report_format_passes_control_characters_through() {
    let hostile = "pay\u{1b}]0;owned\u{7}\u{202e}";
    let mut a = app("pay");
    a.name = hostile.to_string();
    let r = analyze(
        vec![a, formation("pay", "web", 1, "Basic")],
        Vec::new(),
        &Ledger::default(),
    );
    let meta = ferry::report::ReportMeta {
        generated_at: AT.parse().unwrap(),
        snapshots: Vec::new(),
    };
    use ferry::report::Format::*;
    for format in [Md, Csv, Html, Json] {
        let text = ferry::report::render(format, &r, &meta);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format:?} carries raw control characters"
        );
        // JSON keeps the name exactly (as `\u202e` text is data for scripts); every
        // format meant to be read as text shows the override instead of obeying it.
        if format != Json {
            assert!(
                !text.contains('\u{202e}'),
                "{format:?} carries a bidi override"
            );
        }
    }
}

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/c1";

/// A web process served from CloudFront (tags only), with `host` as the distribution's alias
/// and, when `dns_at_aws`, a Route 53 record for it pointing at the distribution.
fn static_front_end(dns_at_aws: bool) -> (Vec<Resource>, Vec<Resource>) {
    let host = "www.acme.test";
    let heroku = vec![
        app("site"),
        formation("site", "web", 1, "Basic"),
        resource(
            json!({"id": format!("heroku:domain/site/{host}"), "provider": "heroku",
            "kind": "domain", "name": host, "parent": "heroku:app/site",
            "scope": {"account": "ops@acme.test", "team": "acme"},
            "attrs": {"hostname": host, "kind": "custom", "cname": "site-1.herokudns.com"}}),
        ),
    ];
    let dist = "arn:aws:cloudfront::111122223333:distribution/EDIST";
    let mut aws = vec![
        resource(json!({"id": format!("aws:{dist}"), "provider": "aws",
            "kind": "cloudfront_distribution", "name": "EDIST",
            "scope": {"account": "111122223333", "region": "global"},
            "attrs": {"Id": "EDIST", "ARN": dist, "DomainName": "d111.cloudfront.net",
                "Aliases": {"Items": [host]},
                "ViewerCertificate": {"ACMCertificateArn": CERT}},
            "tags": {"heroku:app": "site", "heroku:process": "web"}})),
        resource(
            json!({"id": format!("aws:{CERT}"), "provider": "aws", "kind": "acm_certificate",
            "name": "*.acme.test", "scope": {"account": "111122223333", "region": "us-east-1"},
            "attrs": {"CertificateArn": CERT, "DomainName": "*.acme.test", "Status": "ISSUED"}}),
        ),
    ];
    if dns_at_aws {
        aws.push(resource(
            json!({"id": format!("aws:route53_record/Z1/{host}./A"),
            "provider": "aws", "kind": "route53_record", "name": host,
            "scope": {"account": "111122223333", "region": "global"},
            "attrs": {"Name": format!("{host}."), "Type": "A",
                "AliasTarget": {"DNSName": "d111.cloudfront.net."}}}),
        ));
    }
    (heroku, aws)
}

#[test]
fn a_static_front_end_match_is_an_assumption_until_pinned() {
    let (heroku, aws) = static_front_end(false);
    let r = analyze(heroku.clone(), aws.clone(), &Ledger::default());
    let web = item(&r, "heroku:formation/site/web");
    assert_eq!(web.computed, Status::Partial, "{:?}", web.reasons);
    assert!(
        web.reasons
            .iter()
            .any(|x| x.contains("confirm the app is a static export")),
        "{:?}",
        web.reasons
    );
    // Pinned in the ledger, the match is a fact.
    let ledger = Ledger::parse(
        "[items.\"heroku:formation/site/web\"]\nstatus = \"in_progress\"\ncounterpart = \"aws:arn:aws:cloudfront::111122223333:distribution/EDIST\"\nby = \"ops\"\nat = \"2026-11-20T08:00:00Z\"\n",
        Path::new("ledger.toml"),
    )
    .unwrap();
    let r = analyze(heroku, aws, &ledger);
    assert_eq!(
        item(&r, "heroku:formation/site/web").computed,
        Status::Ready
    );
}

#[test]
fn a_domain_whose_dns_points_at_its_counterpart_is_cut_over_while_dynos_still_run() {
    let (heroku, aws) = static_front_end(true);
    let r = analyze(heroku, aws, &Ledger::default());
    let domain = item(&r, "heroku:domain/site/www.acme.test");
    assert_eq!(domain.computed, Status::CutOver, "{:?}", domain.reasons);
    assert!(
        domain
            .reasons
            .iter()
            .any(|x| x.contains("traffic is on AWS"))
    );
    // The app is not: Heroku still runs its dyno.
    assert_ne!(item(&r, "heroku:app/site").computed, Status::CutOver);
    // Without the record, the same domain is only ready.
    let (heroku, aws) = static_front_end(false);
    let r = analyze(heroku, aws, &Ledger::default());
    assert_ne!(
        item(&r, "heroku:domain/site/www.acme.test").computed,
        Status::CutOver
    );
}
