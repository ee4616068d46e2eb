//! Classes of estate for dyno sizes read from Heroku and for Fir telemetry drains, each on
//! a small estate built here: a size only Heroku's list knows, a size nobody knows, the
//! rules table standing in when `/dyno-sizes` failed, and telemetry drains (app and space)
//! against task definitions with an OTel collector sidecar, with awslogs only, with
//! nothing, and without any counterpart.

mod common;
use common::estate::{AT, item, resource};
use ferry::gap::{GapReport, Status};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::{Provider, Resource, SourceSnapshot};
use ferry::rules::Rules;
use serde_json::{Value, json};

const ARN: &str = "arn:aws:ecs:eu-west-1:111122223333";
const EMAIL: &str = "ops@acme.test";

fn heroku(id: String, kind: &str, name: &str, parent: Option<String>, attrs: Value) -> Resource {
    resource(
        json!({"id": id, "provider": "heroku", "kind": kind, "name": name,
        "parent": parent, "scope": {"account": EMAIL, "team": "acme"}, "attrs": attrs}),
    )
}

fn account(unavailable: Option<Value>) -> Resource {
    let mut attrs = json!({"email": EMAIL});
    if let Some(u) = unavailable {
        attrs["ferry_unavailable"] = json!([u]);
    }
    heroku(
        format!("heroku:account/{EMAIL}"),
        "heroku_account",
        EMAIL,
        None,
        attrs,
    )
}

fn dyno_size(name: &str, memory: f64) -> Resource {
    heroku(
        format!("heroku:dyno_size/{EMAIL}/{name}"),
        "heroku_dyno_size",
        name,
        Some(format!("heroku:account/{EMAIL}")),
        json!({"name": name, "memory": memory, "compute": 2, "architecture": "amd64",
            "generation": {"name": "fir"}}),
    )
}

fn app(name: &str, space: Option<&str>) -> Resource {
    heroku(
        format!("heroku:app/{name}"),
        "app",
        name,
        None,
        json!({"name": name, "space": space.map(|s| json!({"name": s})),
            "generation": {"name": if space.is_some() { "fir" } else { "cedar" }}}),
    )
}

fn formation(app: &str, process: &str, size: &str) -> Resource {
    heroku(
        format!("heroku:formation/{app}/{process}"),
        "formation",
        process,
        Some(format!("heroku:app/{app}")),
        json!({"type": process, "quantity": 2, "size": size, "dyno_size": {"name": size}}),
    )
}

fn drain(owner_kind: &str, owner: &str, id: &str, signals: &[&str]) -> Resource {
    heroku(
        format!("heroku:telemetry_drain/{owner}/{id}"),
        "telemetry_drain",
        "https://otlp.example.com",
        Some(format!("heroku:{owner_kind}/{owner}")),
        json!({"id": id, "signals": signals, "owner": {"type": owner_kind},
            "exporter": {"type": "otlphttp", "endpoint": "https://otlp.example.com", "header_names": ["api-key"]}}),
    )
}

fn space(name: &str) -> Resource {
    heroku(
        format!("heroku:space/{name}"),
        "space",
        name,
        None,
        json!({"name": name, "generation": {"name": "fir"}}),
    )
}

/// An ECS service tagged for `app`/`process` with its task definition of `cpu`/`memory`
/// and these containers.
fn service(app: &str, process: &str, cpu: &str, memory: &str, containers: Value) -> [Resource; 2] {
    let name = format!("{app}-{process}");
    let td = format!("{ARN}:task-definition/{name}:1");
    let tags = json!({"heroku:app": app, "heroku:process": process});
    let scope = json!({"account": "111122223333", "region": "eu-west-1"});
    [
        resource(
            json!({"id": format!("aws:{ARN}:service/prod/{name}"), "provider": "aws",
            "kind": "ecs_service", "name": name, "scope": scope,
            "attrs": {"serviceName": name, "serviceArn": format!("{ARN}:service/prod/{name}"),
                "taskDefinition": td, "desiredCount": 2, "launchType": "FARGATE",
                "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1"}]},
            "tags": tags}),
        ),
        resource(
            json!({"id": format!("aws:{td}"), "provider": "aws", "kind": "task_definition",
            "name": format!("{name}:1"), "scope": scope,
            "attrs": {"family": name, "revision": 1, "taskDefinitionArn": td, "cpu": cpu,
                "memory": memory, "containerDefinitions": containers},
            "tags": tags}),
        ),
    ]
}

fn web_container(log_driver: Option<&str>) -> Value {
    json!({"name": "web", "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/edge:1",
        "logConfiguration": log_driver.map(|d| json!({"logDriver": d,
            "options": {"awslogs-group": "/ecs/edge"}}))})
}

fn otel_sidecar() -> Value {
    json!({"name": "aws-otel-collector",
        "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1"})
}

fn analyze(heroku: Vec<Resource>, aws: Vec<Resource>) -> GapReport {
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
    ferry::commands::gaps::analyze_inventory(&inv, &Ledger::default(), &Rules::default())
}

fn reasons(i: &ferry::gap::Item) -> String {
    i.reasons.join(" | ")
}

#[test]
fn a_size_only_heroku_knows_is_checked_against_its_memory() {
    // `dyno-2c-4gb` is in no rules table: Heroku's list says 4 GB.
    let estate = |memory: &str| {
        analyze(
            vec![
                account(None),
                dyno_size("dyno-2c-4gb", 4.0),
                app("edge", None),
                formation("edge", "web", "dyno-2c-4gb"),
            ],
            service(
                "edge",
                "web",
                "512",
                memory,
                json!([web_container(Some("awslogs"))]),
            )
            .into(),
        )
    };
    let r = estate("4096");
    let web = item(&r, "heroku:formation/edge/web");
    assert_eq!(web.computed, Status::Ready, "{}", reasons(web));
    let r = estate("2048");
    let web = item(&r, "heroku:formation/edge/web");
    assert_eq!(web.computed, Status::Partial);
    assert!(
        reasons(web).contains("below dyno-2c-4gb's 4 GB (Heroku's dyno sizes) 512 cpu / 4096 MiB"),
        "{}",
        reasons(web)
    );
}

#[test]
fn heroku_s_memory_wins_over_the_table_and_the_table_keeps_its_cpu() {
    // The table says Standard-2X = 512 cpu / 1024 MiB; an account whose list says 2 GB
    // for it (a size Heroku changed) needs 2048 MiB, still at 512 cpu.
    let heroku = vec![
        account(None),
        dyno_size("Standard-2X", 2.0),
        app("pay", None),
        formation("pay", "web", "standard-2X"),
    ];
    let r = analyze(
        heroku.clone(),
        service("pay", "web", "512", "1024", json!([])).into(),
    );
    let web = item(&r, "heroku:formation/pay/web");
    assert_eq!(web.computed, Status::Partial, "{}", reasons(web));
    let r = analyze(
        heroku,
        service("pay", "web", "512", "2048", json!([])).into(),
    );
    assert_eq!(item(&r, "heroku:formation/pay/web").computed, Status::Ready);
}

#[test]
fn a_size_nobody_knows_is_unknown_not_partial() {
    let r = analyze(
        vec![
            account(None),
            dyno_size("Standard-1X", 0.5),
            app("edge", None),
            formation("edge", "web", "dyno-9c-99gb"),
        ],
        service("edge", "web", "4096", "16384", json!([])).into(),
    );
    let web = item(&r, "heroku:formation/edge/web");
    assert_eq!(web.computed, Status::Unknown, "{}", reasons(web));
    assert!(
        reasons(web).contains("unknown to Heroku's dyno sizes and to the rules table"),
        "{}",
        reasons(web)
    );
}

#[test]
fn a_failed_dyno_size_list_falls_back_to_the_table_and_says_why() {
    let failed = json!({"kind": "heroku_dyno_size",
        "error": "GET /dyno-sizes: 503 Service Unavailable after 5 attempts",
        "kept_stale": 0, "failed": true});
    let heroku = |size: &str| {
        vec![
            account(Some(failed.clone())),
            app("pay", None),
            formation("pay", "web", size),
        ]
    };
    // A size the table knows: checked against the table, the cause beside it.
    let r = analyze(
        heroku("Standard-2X"),
        service("pay", "web", "512", "1024", json!([])).into(),
    );
    let web = item(&r, "heroku:formation/pay/web");
    assert_eq!(web.computed, Status::Ready, "{}", reasons(web));
    assert!(
        reasons(web).contains("size from the rules table") && reasons(web).contains("503"),
        "{}",
        reasons(web)
    );
    let r = analyze(
        heroku("Standard-2X"),
        service("pay", "web", "256", "512", json!([])).into(),
    );
    assert_eq!(
        item(&r, "heroku:formation/pay/web").computed,
        Status::Partial
    );
    // A size it does not: unknown, with the same cause.
    let r = analyze(
        heroku("dyno-2c-4gb"),
        service("pay", "web", "512", "4096", json!([])).into(),
    );
    let web = item(&r, "heroku:formation/pay/web");
    assert_eq!(web.computed, Status::Unknown, "{}", reasons(web));
    assert!(reasons(web).contains("503"), "{}", reasons(web));
}

/// A Fir app in space `edge-space` with an app drain (all signals) and a space drain (logs).
fn fir_estate(containers: Option<Value>) -> GapReport {
    let heroku = vec![
        account(None),
        dyno_size("dyno-2c-4gb", 4.0),
        space("edge-space"),
        app("edge", Some("edge-space")),
        formation("edge", "web", "dyno-2c-4gb"),
        drain("app", "edge", "d-app", &["traces", "metrics", "logs"]),
        drain("space", "edge-space", "d-space", &["logs"]),
    ];
    let aws = match containers {
        Some(c) => service("edge", "web", "512", "4096", c).into(),
        None => Vec::new(),
    };
    analyze(heroku, aws)
}

const APP_DRAIN: &str = "heroku:telemetry_drain/edge/d-app";
const SPACE_DRAIN: &str = "heroku:telemetry_drain/edge-space/d-space";

#[test]
fn telemetry_drains_are_ready_with_an_otel_sidecar_and_awslogs() {
    let r = fir_estate(Some(json!([
        web_container(Some("awslogs")),
        otel_sidecar()
    ])));
    for id in [APP_DRAIN, SPACE_DRAIN] {
        let d = item(&r, id);
        assert_eq!(d.computed, Status::Ready, "{id}: {}", reasons(d));
        assert_eq!(d.kind.as_str(), "telemetry_drain");
    }
    // The space's drain is an item of the app in the space.
    let app = r.apps.iter().find(|a| a.app == "edge").unwrap();
    assert!(app.items.iter().any(|i| i.id.as_str() == SPACE_DRAIN));
    assert!(item(&r, SPACE_DRAIN).name.contains("space drain"));
}

#[test]
fn awslogs_alone_leaves_traces_and_metrics_unexported() {
    let r = fir_estate(Some(json!([web_container(Some("awslogs"))])));
    let d = item(&r, APP_DRAIN);
    assert_eq!(d.computed, Status::Partial, "{}", reasons(d));
    let why = reasons(d);
    assert!(
        why.contains("traces not exported") && why.contains("metrics not exported"),
        "{why}"
    );
    assert!(!why.contains("logs not exported"), "{why}");
    // Logs only: awslogs is enough.
    assert_eq!(item(&r, SPACE_DRAIN).computed, Status::Ready);
    // FireLens carries logs as well.
    let r = fir_estate(Some(json!([web_container(Some("awsfirelens"))])));
    assert_eq!(item(&r, SPACE_DRAIN).computed, Status::Ready);
}

#[test]
fn a_task_that_sends_nothing_misses_every_signal() {
    let r = fir_estate(Some(json!([web_container(None)])));
    for id in [APP_DRAIN, SPACE_DRAIN] {
        let d = item(&r, id);
        assert_eq!(d.computed, Status::Missing, "{id}: {}", reasons(d));
        assert!(
            reasons(d).contains("no task definition sends"),
            "{}",
            reasons(d)
        );
    }
    // An OTel collector alone carries every signal, logs included.
    let r = fir_estate(Some(json!([web_container(None), otel_sidecar()])));
    assert_eq!(item(&r, APP_DRAIN).computed, Status::Ready);
}

#[test]
fn without_a_counterpart_the_drains_are_missing() {
    let r = fir_estate(None);
    let d = item(&r, APP_DRAIN);
    assert_eq!(d.computed, Status::Missing);
    assert!(
        reasons(d).contains("no ECS task definitions"),
        "{}",
        reasons(d)
    );
}
