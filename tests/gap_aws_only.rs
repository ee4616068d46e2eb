//! Classes of estate for issue 12, points 4 and 5, each on a small estate built here:
//! what exists only on AWS (per kind, with why nothing matched, unknown where it was not
//! read), config var names only on AWS, and add-ons the app's logging replaces.

mod common;
use common::estate::{AT, item, resource};
use ferry::gap::{GapReport, MatchMethod, Status};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::{Kind, Provider, Resource, SourceSnapshot};
use ferry::report::{Format, ReportMeta, render};
use ferry::rules::{RuleOverrides, Rules};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const ECS: &str = "arn:aws:ecs:eu-west-1:111122223333";
const ELB: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333";

fn heroku(kind: &str, id: &str, name: &str, parent: Option<&str>, attrs: Value) -> Resource {
    resource(
        json!({"id": format!("heroku:{kind}/{id}"), "provider": "heroku", "kind": kind,
        "name": name, "parent": parent.map(|a| format!("heroku:app/{a}")),
        "scope": {"account": "ops@acme.test", "team": "acme"}, "attrs": attrs}),
    )
}

fn app(name: &str) -> Resource {
    heroku("app", name, name, None, json!({"name": name}))
}

fn formation(app: &str, process: &str, quantity: i64) -> Resource {
    heroku(
        "formation",
        &format!("{app}/{process}"),
        process,
        Some(app),
        json!({"type": process, "quantity": quantity, "size": "Standard-1X"}),
    )
}

fn config_vars(app: &str, names: &[&str]) -> Resource {
    heroku(
        "config_vars",
        app,
        "config vars",
        Some(app),
        json!({ "names": names }),
    )
}

fn addon(app: &str, name: &str, service: &str) -> Resource {
    heroku(
        "addon",
        name,
        name,
        Some(app),
        json!({"name": name, "addon_service": {"name": service},
            "plan": {"name": format!("{service}:basic")}, "state": "provisioned", "app": {"name": app}}),
    )
}

fn drain(app: &str, token: &str, url: &str, addon: Option<&str>) -> Resource {
    heroku(
        "log_drain",
        &format!("{app}/{token}"),
        url,
        Some(app),
        json!({"token": token, "url": url, "addon": addon.map(|a| json!({"name": a}))}),
    )
}

fn aws_res(kind: &str, arn: &str, name: &str, attrs: Value, tags: Value) -> Resource {
    resource(
        json!({"id": format!("aws:{arn}"), "provider": "aws", "kind": kind, "name": name,
        "scope": {"account": ACCOUNT, "region": "eu-west-1"}, "attrs": attrs, "tags": tags}),
    )
}

/// An ECS service and its task definition. `tags`: the service's and the task's tags;
/// `env`: the container's environment names; `log_group`: an awslogs group, if any.
fn service(
    name: &str,
    tags: Value,
    env: &[&str],
    log_group: Option<&str>,
    tg: Option<&str>,
) -> Vec<Resource> {
    let td = format!("{ECS}:task-definition/{name}:1");
    let mut container = json!({"name": "app", "environment": env.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()});
    if let Some(g) = log_group {
        container["logConfiguration"] =
            json!({"logDriver": "awslogs", "options": {"awslogs-group": g}});
    }
    let lbs: Vec<Value> = tg
        .map(|t| json!({"targetGroupArn": t}))
        .into_iter()
        .collect();
    vec![
        aws_res(
            "ecs_service",
            &format!("{ECS}:service/prod/{name}"),
            name,
            json!({"serviceName": name, "taskDefinition": td, "desiredCount": 1, "loadBalancers": lbs}),
            tags.clone(),
        ),
        aws_res(
            "task_definition",
            &td,
            &format!("{name}:1"),
            json!({"family": name, "revision": 1, "cpu": "512", "memory": "1024",
                "containerDefinitions": [container]}),
            tags,
        ),
    ]
}

fn log_group(name: &str) -> Resource {
    let arn = format!("arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{name}");
    aws_res(
        "log_group",
        &arn,
        name,
        json!({"logGroupName": name}),
        json!({}),
    )
}

fn tagged(app: &str, process: &str) -> Value {
    json!({"heroku:app": app, "heroku:process": process})
}

fn snap(source: Provider, resources: Vec<Resource>) -> SourceSnapshot {
    SourceSnapshot {
        source,
        taken_at: AT.parse().unwrap(),
        resources,
        links: Vec::new(),
    }
}

fn analyze_with(heroku: Vec<Resource>, aws: Option<Vec<Resource>>, rules: &Rules) -> GapReport {
    analyze_full(heroku, aws, rules, &Ledger::default())
}

fn analyze_full(
    heroku: Vec<Resource>,
    aws: Option<Vec<Resource>>,
    rules: &Rules,
    ledger: &Ledger,
) -> GapReport {
    let mut sources = vec![
        snap(Provider::Heroku, heroku),
        snap(Provider::Cloudflare, Vec::new()),
    ];
    if let Some(aws) = aws {
        sources.push(snap(Provider::Aws, aws));
    }
    let inv = Inventory::from_sources(&sources);
    ferry::commands::gaps::analyze_inventory(&inv, ledger, rules)
}

fn analyze(heroku: Vec<Resource>, aws: Vec<Resource>) -> GapReport {
    analyze_with(heroku, Some(aws), &Rules::default())
}

/// (name, why) of the AWS-only resources of one kind.
fn aws_only(r: &GapReport, kind: Kind) -> Vec<(String, String)> {
    r.aws_only
        .groups
        .iter()
        .find(|g| g.kind == kind)
        .unwrap_or_else(|| panic!("no group {kind}"))
        .resources
        .iter()
        .map(|x| (x.name.clone(), x.why.clone()))
        .collect()
}

fn markdown(r: &GapReport) -> String {
    let meta = ReportMeta {
        generated_at: AT.parse().unwrap(),
        snapshots: Vec::new(),
    };
    render(Format::Md, r, &meta)
}

/// shop: web + worker, both on ECS behind an ALB; plus what AWS has that shop does not.
fn shop_estate() -> (Vec<Resource>, Vec<Resource>) {
    let heroku = vec![
        app("shop"),
        formation("shop", "web", 2),
        formation("shop", "worker", 1),
        config_vars("shop", &["DATABASE_URL", "RAILS_ENV"]),
    ];
    let tg = format!("{ELB}:targetgroup/shop-web/0123456789abcdef");
    let lb = format!("{ELB}:loadbalancer/app/shop-alb/0123456789abcdef");
    let spare_lb = format!("{ELB}:loadbalancer/app/old-alb/fedcba9876543210");
    let mut aws = Vec::new();
    aws.extend(service(
        "shop-web",
        tagged("shop", "web"),
        &["DATABASE_URL", "RAILS_ENV", "PORT"],
        None,
        Some(&tg),
    ));
    aws.extend(service(
        "shop-worker",
        tagged("shop", "worker"),
        &["DATABASE_URL", "SIDEKIQ_CONCURRENCY"],
        None,
        None,
    ));
    aws.push(aws_item_tg(&tg, &lb));
    aws.push(aws_res(
        "load_balancer",
        &lb,
        "shop-alb",
        json!({"LoadBalancerName": "shop-alb"}),
        json!({}),
    ));
    aws.push(aws_res(
        "load_balancer",
        &spare_lb,
        "old-alb",
        json!({"LoadBalancerName": "old-alb"}),
        json!({}),
    ));
    // Only on AWS: a hand-made service, one tagged for an app Heroku does not have, one
    // named like shop for a process shop does not run, a database for an add-on shop
    // lacks.
    aws.extend(service("ledger-sync", json!({}), &[], None, None));
    aws.extend(service(
        "ghost-web",
        tagged("ghost", "web"),
        &[],
        None,
        None,
    ));
    aws.extend(service("shop-sidekiq", json!({}), &[], None, None));
    aws.push(aws_res(
        "rds_instance",
        "arn:aws:rds:eu-west-1:111122223333:db:shop-db",
        "shop-db",
        json!({"DBInstanceIdentifier": "shop-db", "DBInstanceStatus": "available"}),
        json!({"heroku:app": "shop"}),
    ));
    (heroku, aws)
}

fn aws_item_tg(tg: &str, lb: &str) -> Resource {
    aws_res(
        "target_group",
        tg,
        "shop-web",
        json!({"TargetGroupName": "shop-web", "LoadBalancerArns": [lb]}),
        json!({}),
    )
}

#[test]
fn resources_no_item_matched_are_listed_per_kind_with_why() {
    let (heroku, aws) = shop_estate();
    let r = analyze(heroku, aws);
    let mut services = aws_only(&r, Kind::EcsService);
    services.sort();
    assert_eq!(
        services,
        vec![
            (
                "ghost-web".to_string(),
                "tagged heroku:app=ghost, but Heroku has no app `ghost`".to_string()
            ),
            (
                "ledger-sync".to_string(),
                "no Heroku app named like `ledger-sync`; tag heroku:app absent".to_string()
            ),
            (
                "shop-sidekiq".to_string(),
                "named like app `shop` (tag heroku:app absent), but `shop` has no process type `sidekiq` (it has web, worker)".to_string()
            ),
        ]
    );
    assert_eq!(
        aws_only(&r, Kind::RdsInstance),
        vec![(
            "shop-db".to_string(),
            "tagged heroku:app=shop, but `shop` has no heroku-postgresql add-on".to_string()
        )]
    );
    // The ALB in front of shop's web service serves a match; the other one serves nothing.
    assert_eq!(
        aws_only(&r, Kind::LoadBalancer)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        vec!["old-alb"]
    );
    assert_eq!(r.aws_only.count, 5);
    assert_eq!(r.aws_only.unknown, None);
    // Informational: shop's own items are untouched by what else AWS has.
    assert_eq!(
        item(&r, "heroku:formation/shop/web").computed,
        Status::Ready
    );
    let md = markdown(&r);
    assert!(md.contains("## AWS only"), "{md}");
    assert!(md.contains("### ECS services (3)"), "{md}");
    assert!(md.contains("| old-alb | 111122223333 eu-west-1 |"), "{md}");
}

#[test]
fn config_var_names_only_on_aws_are_listed_and_change_no_status() {
    let (heroku, aws) = shop_estate();
    let r = analyze(heroku, aws);
    let cv = item(&r, "heroku:config_vars/shop");
    assert_eq!(cv.only_on_aws, vec!["PORT", "SIDEKIQ_CONCURRENCY"]);
    assert_eq!(cv.computed, Status::Ready, "{:?}", cv.reasons);
    assert!(
        cv.reasons.iter().any(
            |r| r == "only on AWS (informational, status unchanged): PORT, SIDEKIQ_CONCURRENCY"
        ),
        "{:?}",
        cv.reasons
    );
    let meta = ReportMeta {
        generated_at: AT.parse().unwrap(),
        snapshots: Vec::new(),
    };
    let v: Value = serde_json::from_str(&render(Format::Json, &r, &meta)).unwrap();
    let cv_json = v["apps"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "config_vars")
        .unwrap();
    assert_eq!(
        cv_json["only_on_aws"],
        json!(["PORT", "SIDEKIQ_CONCURRENCY"])
    );
    assert_eq!(v["aws_only"]["count"], 5);
    assert_eq!(v["aws_only"]["groups"][0]["kind"], "ecs_service");
}

#[test]
fn nothing_on_aws_only_says_none_and_aws_not_read_says_unknown() {
    let heroku = || vec![app("shop"), formation("shop", "web", 1)];
    let mut aws = service("shop-web", tagged("shop", "web"), &[], None, None);
    // The member cluster of a matched replication group is not "only on AWS" either.
    let rules = Rules::default();
    let mut h = heroku();
    h.push(addon("shop", "redis-1", "heroku-redis"));
    aws.push(aws_res_group());
    aws.push(aws_res(
        "elasticache_cluster",
        "arn:aws:elasticache:eu-west-1:111122223333:cluster:shop-cache-001",
        "shop-cache-001",
        json!({"CacheClusterId": "shop-cache-001", "ReplicationGroupId": "shop-cache"}),
        json!({}),
    ));
    let r = analyze_with(h, Some(aws), &rules);
    assert_eq!(item(&r, "heroku:addon/redis-1").computed, Status::Ready);
    assert_eq!(r.aws_only.count, 0, "{:#?}", r.aws_only);
    assert!(markdown(&r).contains("None: every AWS resource"));

    // AWS never fetched: the section is unknown, never "none".
    let r = analyze_with(heroku(), None, &Rules::default());
    assert_eq!(r.aws_only.unknown.as_deref(), Some("AWS not fetched"));
    assert!(
        r.aws_only
            .groups
            .iter()
            .all(|g| g.unknown.as_deref() == Some("AWS not fetched"))
    );
    let md = markdown(&r);
    assert!(md.contains("Unknown: AWS not fetched."), "{md}");
    assert!(!md.contains("None: every AWS resource"), "{md}");
}

fn aws_res_group() -> Resource {
    aws_res(
        "elasticache_replication_group",
        "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:shop-cache",
        "shop-cache",
        json!({"ReplicationGroupId": "shop-cache", "Status": "available"}),
        json!({"heroku:app": "shop"}),
    )
}

#[test]
fn a_kind_not_read_in_a_region_makes_its_group_unknown() {
    let (heroku, mut aws) = shop_estate();
    aws.push(resource(
        json!({"id": format!("aws:account/{ACCOUNT}"), "provider": "aws",
        "kind": "aws_account", "name": "acme", "scope": {"account": ACCOUNT},
        "attrs": {"ferry_unavailable": [{"kind": "rds_instance", "region": "us-east-1",
            "error": "AccessDenied: not authorized to rds:DescribeDBInstances", "failed": false,
            "kept_stale": 0}]}}),
    ));
    let r = analyze(heroku, aws);
    let rds = r
        .aws_only
        .groups
        .iter()
        .find(|g| g.kind == Kind::RdsInstance)
        .unwrap();
    let why = rds.unknown.as_deref().unwrap_or_default();
    assert!(
        why.contains("us-east-1") && why.contains("AccessDenied"),
        "{why}"
    );
    // What was read is still listed; the other kinds were read in full.
    assert_eq!(rds.resources.len(), 1);
    let ecs = r
        .aws_only
        .groups
        .iter()
        .find(|g| g.kind == Kind::EcsService)
        .unwrap();
    assert_eq!(ecs.unknown, None);
    let md = markdown(&r);
    assert!(md.contains("_not fully read, more may exist:"), "{md}");
}

/// shop with a Papertrail add-on; `drains` and `aws` vary per case.
fn papertrail(drains: Vec<Resource>, aws: Vec<Resource>) -> GapReport {
    let mut heroku = vec![
        app("shop"),
        formation("shop", "web", 1),
        addon("shop", "papertrail-1", "papertrail"),
    ];
    heroku.extend(drains);
    analyze(heroku, aws)
}

const PAPERTRAIL: &str = "heroku:addon/papertrail-1";

#[test]
fn a_replaced_logging_add_on_follows_its_drain() {
    let logged = || {
        let mut aws = service(
            "shop-web",
            tagged("shop", "web"),
            &[],
            Some("/ecs/shop"),
            None,
        );
        aws.push(log_group("/ecs/shop"));
        aws
    };
    // The drain the add-on made is ready against the app's log group: so is the add-on.
    let r = papertrail(
        vec![drain(
            "shop",
            "d.1",
            "syslog+tls://logs.papertrailapp.com:1",
            Some("papertrail-1"),
        )],
        logged(),
    );
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Ready, "{:?}", a.reasons);
    assert_eq!(
        a.reasons[0],
        "replaced by the app's log group `/ecs/shop`: drain `syslog+tls://logs.papertrailapp.com:1` is ready"
    );
    assert_eq!(a.counterparts.len(), 1);
    assert_eq!(a.counterparts[0].kind, Kind::LogGroup);
    assert_eq!(a.counterparts[0].via, MatchMethod::Derived);

    // No log group on AWS: the drain is missing, and so is the add-on, saying why.
    let aws = service("shop-web", tagged("shop", "web"), &[], None, None);
    let r = papertrail(
        vec![drain(
            "shop",
            "d.1",
            "syslog+tls://logs.papertrailapp.com:1",
            Some("papertrail-1"),
        )],
        aws,
    );
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Missing);
    assert!(
        a.reasons[0].starts_with("replaced by the app's logging, but drain `syslog+tls://logs.papertrailapp.com:1` is missing"),
        "{:?}",
        a.reasons
    );
    assert!(!a.reasons.iter().any(|r| r.contains("no mapping rule")));
}

#[test]
fn a_replaced_add_on_follows_its_own_drain_among_several() {
    // The app also drains to a vendor (listed first); the add-on follows the drain it
    // created, and names it.
    let heroku = vec![
        app("shop"),
        formation("shop", "web", 1),
        addon("shop", "papertrail-1", "papertrail"),
        drain("shop", "d.2", "https://intake.example.com/logs", None),
        drain(
            "shop",
            "d.1",
            "syslog+tls://logs.papertrailapp.com:1",
            Some("papertrail-1"),
        ),
    ];
    let mut aws = service(
        "shop-web",
        tagged("shop", "web"),
        &[],
        Some("/ecs/shop"),
        None,
    );
    aws.push(log_group("/ecs/shop"));
    let r = analyze_full(heroku, Some(aws), &Rules::default(), &Ledger::default());
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Ready, "{:?}", a.reasons);
    assert!(
        a.reasons[0].ends_with("drain `syslog+tls://logs.papertrailapp.com:1` is ready"),
        "{:?}",
        a.reasons
    );
}

#[test]
fn without_a_drain_the_log_configuration_decides() {
    // awslogs to a log group: ready, with the group.
    let mut aws = service(
        "shop-web",
        tagged("shop", "web"),
        &[],
        Some("/ecs/shop"),
        None,
    );
    aws.push(log_group("/ecs/shop"));
    let r = papertrail(Vec::new(), aws);
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Ready, "{:?}", a.reasons);
    assert!(
        a.reasons[0].contains("the app has no log drain"),
        "{:?}",
        a.reasons
    );
    assert_eq!(a.counterparts[0].name, "/ecs/shop");

    // A task definition without a log configuration: partial, naming it.
    let r = papertrail(
        Vec::new(),
        service("shop-web", tagged("shop", "web"), &[], None, None),
    );
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Partial, "{:?}", a.reasons);
    assert!(
        a.reasons[0].contains("shop-web:1 send no logs"),
        "{:?}",
        a.reasons
    );

    // Nothing on AWS: missing.
    let r = papertrail(Vec::new(), Vec::new());
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Missing, "{:?}", a.reasons);
    assert!(a.reasons[0].contains("no ECS task definition runs the app yet"));
}

#[test]
fn a_replaced_add_on_is_unknown_when_its_drain_is() {
    let mut aws = service("shop-web", tagged("shop", "web"), &[], None, None);
    aws.push(resource(
        json!({"id": format!("aws:account/{ACCOUNT}"), "provider": "aws",
        "kind": "aws_account", "name": "acme", "scope": {"account": ACCOUNT},
        "attrs": {"ferry_unavailable": [{"kind": "log_group", "region": "eu-west-1",
            "error": "HTTP 500", "failed": true, "kept_stale": 0}]}}),
    ));
    let r = papertrail(
        vec![drain(
            "shop",
            "d.1",
            "syslog+tls://logs.papertrailapp.com:1",
            Some("papertrail-1"),
        )],
        aws,
    );
    assert_eq!(
        item(&r, "heroku:log_drain/shop/d.1").computed,
        Status::Unknown
    );
    assert_eq!(item(&r, PAPERTRAIL).computed, Status::Unknown);
}

#[test]
fn a_service_mapped_to_aws_kinds_in_ferry_toml_is_no_longer_replaced() {
    let o: RuleOverrides =
        toml::from_str("[addons]\npapertrail = [\"tagged_resource\"]\n").unwrap();
    let rules = Rules::with_overrides(&o);
    let heroku = vec![
        app("shop"),
        formation("shop", "web", 1),
        addon("shop", "papertrail-1", "papertrail"),
        drain(
            "shop",
            "d.1",
            "syslog+tls://logs.papertrailapp.com:1",
            Some("papertrail-1"),
        ),
    ];
    let mut aws = service(
        "shop-web",
        tagged("shop", "web"),
        &[],
        Some("/ecs/shop"),
        None,
    );
    aws.push(log_group("/ecs/shop"));
    let r = analyze_with(heroku, Some(aws), &rules);
    let a = item(&r, PAPERTRAIL);
    assert_eq!(a.computed, Status::Missing);
    assert_eq!(a.reasons, vec!["no tagged_resource found for papertrail"]);
}
