//! The CI/CD gap on a crafted estate: one Heroku app per `deploy` status (missing,
//! partial, ready, cut_over), a Semaphore schedule still running `heroku run`, the
//! `deploys` links, what happens when Semaphore was not read or never configured, the
//! ledger on a deploy item, and the CI/CD section of every report format.

mod common;
use chrono::{TimeZone, Utc};
use common::estate::{AT, resource};
use ferry::gap::{GapReport, ItemKind, Status};
use ferry::inventory::{AttemptOutcome, FetchAttempt, Inventory};
use ferry::ledger::{Decision, Entry, Ledger};
use ferry::model::{Link, LinkKind, Provider, Resource, ResourceId, SourceSnapshot};
use ferry::report::{Format, ReportMeta};
use ferry::rules::Rules;
use serde_json::{Value, json};

const ACCT: &str = "111122223333";
const ECS: &str = "arn:aws:ecs:eu-west-1:111122223333";

fn app(name: &str) -> Resource {
    resource(
        json!({"id": format!("heroku:app/{name}"), "provider": "heroku", "kind": "app",
        "name": name, "scope": {"account": "ops@acme.test", "team": "acme"}, "attrs": {"name": name}}),
    )
}

fn formation(app: &str, process: &str, quantity: i64) -> Resource {
    resource(
        json!({"id": format!("heroku:formation/{app}/{process}"), "provider": "heroku",
        "kind": "formation", "name": process, "parent": format!("heroku:app/{app}"),
        "scope": {"account": "ops@acme.test", "team": "acme"},
        "attrs": {"type": process, "quantity": quantity, "size": "Standard-1X",
                  "dyno_size": {"name": "Standard-1X"}}}),
    )
}

fn aws_scope() -> Value {
    json!({"account": ACCT, "region": "eu-west-1"})
}

/// A tagged ECS service in cluster `prod` and its task definition.
fn service(app: &str, process: &str) -> Vec<Resource> {
    let name = format!("{app}-{process}");
    let td = format!("{ECS}:task-definition/{name}:3");
    let tags = json!({"heroku:app": app, "heroku:process": process});
    vec![
        resource(
            json!({"id": format!("aws:{ECS}:service/prod/{name}"), "provider": "aws",
            "kind": "ecs_service", "name": name, "scope": aws_scope(),
            "attrs": {"serviceName": name, "clusterArn": format!("{ECS}:cluster/prod"),
                "taskDefinition": td, "desiredCount": 1, "launchType": "FARGATE",
                "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1"}]},
            "tags": tags}),
        ),
        task_definition(&name, 3, tags),
    ]
}

fn task_definition(family: &str, revision: i64, tags: Value) -> Resource {
    let td = format!("{ECS}:task-definition/{family}:{revision}");
    resource(
        json!({"id": format!("aws:{td}"), "provider": "aws", "kind": "task_definition",
        "name": format!("{family}:{revision}"), "scope": aws_scope(),
        "attrs": {"family": family, "revision": revision, "taskDefinitionArn": td,
                  "cpu": "256", "memory": "512", "containerDefinitions": []},
        "tags": tags}),
    )
}

/// `site`'s static front end: a distribution whose origin is a bucket.
fn static_front() -> Vec<Resource> {
    let tags = json!({"heroku:app": "site", "heroku:process": "web"});
    vec![
        resource(
            json!({"id": "aws:arn:aws:cloudfront::111122223333:distribution/ESITE1",
            "provider": "aws", "kind": "cloudfront_distribution", "name": "ESITE1",
            "scope": {"account": ACCT, "region": "global"},
            "attrs": {"Id": "ESITE1", "DomainName": "d1site.cloudfront.net"}, "tags": tags}),
        ),
        resource(
            json!({"id": "aws:arn:aws:s3:::acme-site-prod", "provider": "aws",
            "kind": "s3_bucket", "name": "acme-site-prod", "scope": {"account": ACCT, "region": "eu-west-1"},
            "attrs": {"Name": "acme-site-prod", "BucketRegion": "eu-west-1"}, "tags": tags}),
        ),
    ]
}

fn sem_scope() -> Value {
    json!({"account": "acme"})
}

fn org() -> Resource {
    resource(
        json!({"id": "semaphore:semaphore_org/acme", "provider": "semaphore",
        "kind": "semaphore_org", "name": "acme", "scope": sem_scope(),
        "attrs": {"host": "acme.semaphoreci.com", "projects_visible": 4, "token_scope": "all"}}),
    )
}

fn job(name: &str, commands: &[&str]) -> Value {
    json!({"name": name, "commands": commands, "env_names": [], "secret_names": [],
           "agent": {"type": "e1-standard-2"}})
}

fn pipeline(project: &str, file: &str, jobs: Vec<Value>) -> Resource {
    resource(
        json!({"id": format!("semaphore:semaphore_pipeline/acme/{project}/{file}"),
        "provider": "semaphore", "kind": "semaphore_pipeline", "name": file,
        "scope": sem_scope(),
        "attrs": {"project": project, "yml_file": file, "name": format!("{project} {file}"),
            "run": {"ppl_id": "p1", "wf_id": "w1", "created_at": "2026-11-28T09:12:00Z",
                    "branch": "main", "result": "PASSED", "state": "DONE"},
            "blocks": [{"name": "Deploy", "jobs": jobs}]}}),
    )
}

fn promotion(project: &str, name: &str, from: &str, to: &str) -> Resource {
    resource(
        json!({"id": format!("semaphore:semaphore_promotion/acme/{project}/{from}/{name}"),
        "provider": "semaphore", "kind": "semaphore_promotion", "name": name, "scope": sem_scope(),
        "attrs": {"project": project, "name": name, "from_yml_file": from, "target_yml_file": to}}),
    )
}

fn task(project: &str, name: &str, file: &str, paused: bool) -> Resource {
    resource(
        json!({"id": format!("semaphore:semaphore_task/acme/{project}/{name}"),
        "provider": "semaphore", "kind": "semaphore_task", "name": name, "scope": sem_scope(),
        "attrs": {"project": project, "name": name, "at": "0 3 * * *", "branch": "main",
                  "pipeline_file": file, "paused": paused, "recurring": true}}),
    )
}

struct Estate {
    heroku: Vec<Resource>,
    aws: Vec<Resource>,
    semaphore: Option<Vec<Resource>>,
}

fn estate() -> Estate {
    let mut heroku = Vec::new();
    for (a, procs) in [
        ("pay", vec![("web", 2)]),
        ("shop", vec![("web", 2), ("worker", 1)]),
        ("api", vec![("web", 2), ("release", 0)]),
        ("site", vec![("web", 1)]),
    ] {
        heroku.push(app(a));
        for (p, q) in procs {
            heroku.push(formation(a, p, q));
        }
    }
    let mut aws = Vec::new();
    for (a, p) in [
        ("pay", "web"),
        ("shop", "web"),
        ("shop", "worker"),
        ("api", "web"),
    ] {
        aws.extend(service(a, p));
    }
    aws.push(task_definition(
        "api-release",
        2,
        json!({"heroku:app": "api", "heroku:process": "release"}),
    ));
    aws.extend(static_front());
    aws.push(resource(
        json!({"id": format!("aws:arn:aws:ecr:eu-west-1:{ACCT}:repository/api"),
        "provider": "aws", "kind": "ecr_repository", "name": "api", "scope": aws_scope(),
        "attrs": {"repositoryName": "api", "registryId": ACCT}}),
    ));
    let semaphore = vec![
        org(),
        // pay: Heroku only → missing.
        pipeline(
            "pay",
            ".semaphore/semaphore.yml",
            vec![job(
                "Push",
                &[
                    "checkout",
                    "heroku git:remote -a pay",
                    "git push heroku -f HEAD:main",
                ],
            )],
        ),
        // A nightly schedule on Heroku for pay.
        pipeline(
            "pay",
            ".semaphore/nightly.yml",
            vec![job(
                "Report",
                &["heroku run -a pay -- bin/rake reports:nightly"],
            )],
        ),
        task("pay", "nightly-report", ".semaphore/nightly.yml", false),
        // shop: web on AWS, worker not, Heroku too → partial.
        pipeline(
            "shop",
            ".semaphore/semaphore.yml",
            vec![job(
                "Deploy",
                &[
                    "git push https://…@git.heroku.com/shop.git HEAD:main",
                    "aws ecs update-service --cluster prod --service shop-web --force-new-deployment",
                ],
            )],
        ),
        // api: one job mixing Heroku and AWS, promoted; release as run-task → ready.
        pipeline(
            "api",
            ".semaphore/semaphore.yml",
            vec![job("Test", &["bundle exec rspec"])],
        ),
        promotion(
            "api",
            "Production",
            ".semaphore/semaphore.yml",
            ".semaphore/production.yml",
        ),
        pipeline(
            "api",
            ".semaphore/production.yml",
            vec![job(
                "Ship",
                &[
                    "heroku container:push web -a api",
                    "heroku container:release web -a api",
                    "docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:$SEMAPHORE_GIT_SHA",
                    "aws ecs run-task --cluster prod --task-definition api-release --launch-type FARGATE",
                    "aws ecs update-service \\",
                    "  --cluster prod --service api-web",
                ],
            )],
        ),
        // site: static front end synced and invalidated, nothing to Heroku → cut_over.
        pipeline(
            "site",
            ".semaphore/deploy.yml",
            vec![job(
                "Publish",
                &[
                    "npm ci && npm run build",
                    "aws s3 sync dist s3://acme-site-prod --delete",
                    "aws cloudfront create-invalidation --distribution-id ESITE1 --paths '/*'",
                ],
            )],
        ),
    ];
    Estate {
        heroku,
        aws,
        semaphore: Some(semaphore),
    }
}

fn inventory(e: Estate) -> Inventory {
    let snap = |source, resources, links| SourceSnapshot {
        source,
        taken_at: AT.parse().unwrap(),
        resources,
        links,
    };
    let origin = vec![Link {
        from: ResourceId::from_raw("aws:arn:aws:cloudfront::111122223333:distribution/ESITE1"),
        to: ResourceId::from_raw("aws:arn:aws:s3:::acme-site-prod"),
        kind: LinkKind::Origin,
    }];
    let mut sources = vec![
        snap(Provider::Heroku, e.heroku, vec![]),
        snap(Provider::Cloudflare, vec![], vec![]),
        snap(Provider::Aws, e.aws, origin),
    ];
    if let Some(s) = e.semaphore {
        sources.push(snap(Provider::Semaphore, s, vec![]));
    }
    Inventory::from_sources(&sources)
}

fn analyze_with(inv: &Inventory, ledger: &Ledger) -> GapReport {
    ferry::commands::gaps::analyze_inventory(inv, ledger, &Rules::default())
}

fn analyze(inv: &Inventory) -> GapReport {
    analyze_with(inv, &Ledger::default())
}

fn deploy<'a>(r: &'a GapReport, app: &str) -> &'a ferry::gap::Item {
    r.item(&ResourceId::from_raw(format!("heroku:deploy/{app}")))
        .unwrap_or_else(|| panic!("no deploy item for {app}"))
}

fn reasons(i: &ferry::gap::Item) -> String {
    i.reasons.join("\n")
}

#[test]
fn each_app_gets_its_deploy_status() {
    let r = analyze(&inventory(estate()));

    let pay = deploy(&r, "pay");
    assert_eq!(pay.kind, ItemKind::Deploy);
    assert_eq!(pay.computed, Status::Missing, "{}", reasons(pay));
    assert!(
        reasons(pay).contains("nothing deploys it to AWS"),
        "{}",
        reasons(pay)
    );
    assert!(
        reasons(pay).contains("Heroku: git push pay › .semaphore/semaphore.yml, Deploy / Push: `git push heroku -f HEAD:main` (from run of 2026-11-28 (branch main, passed))"),
        "{}",
        reasons(pay)
    );
    // The nightly `heroku run` is the schedule's own item, not a deploy.
    assert!(!reasons(pay).contains("nightly"), "{}", reasons(pay));

    let shop = deploy(&r, "shop");
    assert_eq!(shop.computed, Status::Partial, "{}", reasons(shop));
    assert!(
        reasons(shop).contains("no deploy path for ECS service `shop-worker` (process `worker`)"),
        "{}",
        reasons(shop)
    );
    assert!(reasons(shop).contains("AWS: ECS service `shop-web` ← update-service"));
    assert!(reasons(shop).contains("Heroku: git push"));
    assert_eq!(shop.counterparts.len(), 1);
    assert_eq!(shop.counterparts[0].name, "shop › .semaphore/semaphore.yml");

    let api = deploy(&r, "api");
    assert_eq!(api.computed, Status::Ready, "{}", reasons(api));
    assert!(
        reasons(api).contains("release phase: covered by api › .semaphore/production.yml (promoted), Ship / Ship: `aws ecs run-task --cluster prod --task-definition api-release --launch-type FARGATE`")
            || reasons(api).contains("release phase: covered by api › .semaphore/production.yml (promoted), Deploy / Ship"),
        "{}",
        reasons(api)
    );
    assert!(
        reasons(api).contains("2 step(s) still deploy to Heroku"),
        "{}",
        reasons(api)
    );

    let site = deploy(&r, "site");
    assert_eq!(site.computed, Status::CutOver, "{}", reasons(site));
    assert!(reasons(site).contains("AWS: CloudFront distribution `ESITE1` ← sync"));
    assert!(reasons(site).contains("nothing deploys it to Heroku any more"));
}

#[test]
fn a_periodic_task_on_heroku_is_its_own_item() {
    let r = analyze(&inventory(estate()));
    let t = r
        .item(&ResourceId::from_raw(
            "semaphore:semaphore_task/acme/pay/nightly-report",
        ))
        .expect("periodic task item");
    assert_eq!(t.kind, ItemKind::PeriodicTask);
    assert_eq!(t.app, "pay");
    assert_eq!(t.computed, Status::Missing);
    assert_eq!(t.name, "pay › nightly-report (0 3 * * *)");
    assert!(
        reasons(t).contains("runs on Heroku every `0 3 * * *`: pay › .semaphore/nightly.yml, Deploy / Report: `heroku run -a pay -- bin/rake reports:nightly`"),
        "{}",
        reasons(t)
    );

    // Paused: nothing runs, nothing to move.
    let mut e = estate();
    for res in e.semaphore.as_mut().unwrap() {
        if res.kind == ferry::model::Kind::SemaphoreTask {
            res.attrs.insert("paused".into(), json!(true));
        }
    }
    let r = analyze(&inventory(e));
    let t = r
        .item(&ResourceId::from_raw(
            "semaphore:semaphore_task/acme/pay/nightly-report",
        ))
        .unwrap();
    assert_eq!(t.computed, Status::NotRequired);
}

#[test]
fn pipelines_and_promotions_link_to_what_they_deploy() {
    let inv = inventory(estate());
    let links = ferry::links::derive(&inv);
    let deploys: Vec<(&str, &str)> = links
        .iter()
        .filter(|l| l.kind == LinkKind::Deploys)
        .map(|l| (l.from.as_str(), l.to.as_str()))
        .collect();
    let prod = "semaphore:semaphore_pipeline/acme/api/.semaphore/production.yml";
    let promo = "semaphore:semaphore_promotion/acme/api/.semaphore/semaphore.yml/Production";
    for to in [
        "heroku:app/api".to_string(),
        format!("aws:{ECS}:service/prod/api-web"),
        format!("aws:{ECS}:task-definition/api-release:2"),
        format!("aws:arn:aws:ecr:eu-west-1:{ACCT}:repository/api"),
    ] {
        assert!(
            deploys.contains(&(prod, to.as_str())),
            "{prod} → {to}: {deploys:?}"
        );
        assert!(
            deploys.contains(&(promo, to.as_str())),
            "{promo} → {to}: {deploys:?}"
        );
    }
    let site = "semaphore:semaphore_pipeline/acme/site/.semaphore/deploy.yml";
    assert!(deploys.contains(&(site, "aws:arn:aws:s3:::acme-site-prod")));
    assert!(deploys.contains(&(
        site,
        "aws:arn:aws:cloudfront::111122223333:distribution/ESITE1"
    )));
    // The shop pipeline names shop-web, not shop-worker.
    let shop = "semaphore:semaphore_pipeline/acme/shop/.semaphore/semaphore.yml";
    assert!(deploys.contains(&(shop, "heroku:app/shop")));
    assert!(!deploys.contains(&(shop, format!("aws:{ECS}:service/prod/shop-worker").as_str())));
}

#[test]
fn semaphore_never_configured_makes_no_deploy_items() {
    let mut e = estate();
    e.semaphore = None;
    let r = analyze(&inventory(e));
    assert!(
        r.items()
            .all(|i| !matches!(i.kind, ItemKind::Deploy | ItemKind::PeriodicTask))
    );
    let md = ferry::report::render(Format::Md, &r, &meta());
    assert!(
        md.contains("Semaphore not fetched: deploy paths are not checked"),
        "{md}"
    );
}

#[test]
fn semaphore_not_read_makes_deploy_items_unknown() {
    let mut e = estate();
    e.semaphore = None;
    let mut inv = inventory(e);
    inv.record_attempt(FetchAttempt {
        source: Provider::Semaphore,
        at: Utc.with_ymd_and_hms(2026, 11, 21, 8, 20, 0).unwrap(),
        outcome: AttemptOutcome::Failed,
        errors: vec!["acme: GET /api/v1alpha/projects: 401 Unauthorized".into()],
    });
    let r = analyze(&inv);
    for a in ["pay", "shop", "api", "site"] {
        let d = deploy(&r, a);
        assert_eq!(d.computed, Status::Unknown, "{a}");
        assert!(
            reasons(d).contains("Semaphore not fetched"),
            "{}",
            reasons(d)
        );
        assert!(reasons(d).contains("401"), "{}", reasons(d));
    }
}

#[test]
fn a_token_that_sees_some_projects_cannot_say_cut_over() {
    let mut e = estate();
    for res in e.semaphore.as_mut().unwrap() {
        if res.kind == ferry::model::Kind::SemaphoreOrg {
            res.attrs.insert("token_scope".into(), json!("partial"));
        }
    }
    let r = analyze(&inventory(e));
    let site = deploy(&r, "site");
    assert_eq!(site.computed, Status::Unknown, "{}", reasons(site));
    assert!(reasons(site).contains("sees only some projects"));
    // A missing AWS path could be in a project the token does not see.
    assert_eq!(deploy(&r, "pay").computed, Status::Unknown);
    // What was found stays: api's paths are there.
    assert_eq!(deploy(&r, "api").computed, Status::Ready);
}

#[test]
fn the_ledger_decides_deploy_items_and_keeps_them_off_the_orphan_list() {
    let inv = inventory(estate());
    let mut ledger = Ledger::default();
    let id = ResourceId::from_raw("heroku:deploy/pay");
    ledger.items.insert(
        id.clone(),
        Entry {
            status: Decision::InProgress,
            note: Some("GitHub Actions rebuild under way".into()),
            counterpart: None,
            by: "dana".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap(),
        },
    );
    let r = analyze_with(&inv, &ledger);
    let pay = r.item(&id).unwrap();
    assert_eq!(pay.status, Status::InProgress);
    assert_eq!(pay.computed, Status::Missing);
    assert!(r.orphans.is_empty(), "{:?}", r.orphans);
    assert!(ferry::gap::is_made_up_item_id(id.as_str()));
}

fn meta() -> ReportMeta {
    ReportMeta {
        generated_at: Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap(),
        snapshots: Vec::new(),
    }
}

#[test]
fn every_report_format_has_the_cicd_section_and_the_deploy_items() {
    let r = analyze(&inventory(estate()));
    let md = ferry::report::render(Format::Md, &r, &meta());
    assert!(md.contains("\n## CI/CD\n"), "{md}");
    assert!(
        md.contains("| api | .semaphore/production.yml (promotion Production) | Deploy / Ship | update-service | ECS service api-web in cluster prod | in the inventory | `aws ecs update-service  --cluster prod --service api-web` | from run of 2026-11-28 (branch main, passed) |"),
        "{md}"
    );
    assert!(md.contains(".semaphore/nightly.yml (scheduled by task nightly-report)"));
    assert!(md.contains("| CI/CD deploys | deploy |"), "{md}");
    assert!(
        md.contains("api › .semaphore/semaphore.yml: no deploy step (1 command(s) not classified")
    );

    let csv = ferry::report::render(Format::Csv, &r, &meta());
    assert!(
        csv.contains("pay,heroku:deploy/pay,deploy,CI/CD deploys,missing,missing"),
        "{csv}"
    );
    assert!(
        csv.contains(",cicd,site › .semaphore/deploy.yml: Deploy / Publish,"),
        "{csv}"
    );

    let json: Value =
        serde_json::from_str(&ferry::report::render(Format::Json, &r, &meta())).unwrap();
    let pipelines = json["cicd"]["pipelines"].as_array().unwrap();
    let prod = pipelines
        .iter()
        .find(|p| p["yml_file"] == ".semaphore/production.yml")
        .unwrap();
    assert_eq!(
        prod["evidence"],
        "from run of 2026-11-28 (branch main, passed)"
    );
    assert_eq!(prod["deploys"][0]["to"], "heroku_app");
    assert_eq!(prod["deploys"][0]["app"]["name"], "api");
    assert_eq!(prod["deploys"][0]["resolved"][0], "heroku:app/api");
    assert_eq!(json["cicd"]["promotions"][0]["target"], prod["id"]);

    let html = ferry::report::render(Format::Html, &r, &meta());
    assert!(html.contains("<h2 id=\"cicd\">CI/CD</h2>"));
    assert!(html.contains("CloudFront distribution ESITE1"));
}
