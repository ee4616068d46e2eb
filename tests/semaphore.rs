//! The Semaphore source against a wiremock API serving the reference's body shapes
//! (tests/fixtures/semaphore): the three paging styles, a job mixing Heroku and AWS steps,
//! secrets that come back with values, a 401 as plain text, a 429, a token that sees only
//! some projects, and a body Ferry does not recognise.

mod common;

use std::time::Duration;

use common::semaphore_mock::{TOKEN, estate};

use ferry::model::{Kind, LinkKind, SourceSnapshot};
use ferry::sources::http::{HttpSettings, RetryPolicy};
use ferry::sources::lookup::Lookup;
use ferry::sources::progress;
use ferry::sources::semaphore::credentials::OrgSpec;
use ferry::sources::semaphore::{self, SemaphoreFetch, SemaphoreOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn options(server: &MockServer) -> SemaphoreOptions {
    SemaphoreOptions {
        api_url: Some(server.uri().parse().unwrap()),
        orgs: vec![OrgSpec {
            name: "acmepay".into(),
            token_env: "SEMAPHORE_ACMEPAY_TOKEN".into(),
            host: None,
        }],
        sem_yaml: None,
        window_days: 30,
        concurrency: 4,
        http: HttpSettings {
            request_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                deadline: Duration::from_secs(10),
                max_attempts: 4,
            },
        },
    }
}

async fn fetch(server: &MockServer) -> SemaphoreFetch {
    let lookup = Lookup::from_vars(&[("SEMAPHORE_ACMEPAY_TOKEN", TOKEN)]);
    semaphore::fetch(&options(server), &lookup, None, progress::discard()).await
}

fn snapshot(out: &SemaphoreFetch) -> &SourceSnapshot {
    for o in &out.orgs {
        assert!(o.outcome.is_ok(), "{:?}", o.outcome);
    }
    out.snapshot.as_ref().expect("a snapshot")
}

fn get<'a>(snap: &'a SourceSnapshot, id: &str) -> &'a ferry::model::Resource {
    snap.resources
        .iter()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| {
            let ids: Vec<_> = snap.resources.iter().map(|r| r.id.as_str()).collect();
            panic!("{id} missing; have {ids:?}")
        })
}

#[tokio::test]
async fn the_estate_is_read_across_every_paging_style_with_names_only() {
    let server = MockServer::start().await;
    estate(&server).await;
    let out = fetch(&server).await;
    let snap = snapshot(&out);

    // x-has-more paging: both projects.
    get(snap, "semaphore:semaphore_project/acmepay/acme-api");
    get(snap, "semaphore:semaphore_project/acmepay/acme-web");
    // Link paging: the old CI run (page 2) lost to the newer one (page 1).
    let ci = get(
        snap,
        "semaphore:semaphore_pipeline/acmepay/acme-api/.semaphore/semaphore.yml",
    );
    assert_eq!(ci.attrs["run"]["ppl_id"], "ppl-ci-new");
    let prod = get(
        snap,
        "semaphore:semaphore_pipeline/acmepay/acme-api/.semaphore/production.yml",
    );
    assert_eq!(prod.attrs["promoted_from"], ".semaphore/semaphore.yml");
    let job = &prod.attrs["blocks"][0]["jobs"][0];
    let commands: Vec<&str> = job["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        [
            "checkout",
            "export HEROKU_API_KEY=…",
            "heroku git:remote -a acme-api",
            "git push https://…@git.heroku.com/acme-api.git HEAD:main",
            "aws ecr get-login-password | docker login -u AWS -p … 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-api:$SEMAPHORE_GIT_SHA",
            "aws ecs update-service --cluster prod --service acme-api-web --force-new-deployment",
            "curl -H \"Authorization: …\" https://hooks.example.com/deployed",
            "echo done",
        ]
    );
    assert_eq!(
        job["env_names"],
        serde_json::json!(["HEROKU_APP_NAME", "DEPLOY_PASSWORD"])
    );
    assert_eq!(
        job["secret_names"],
        serde_json::json!(["heroku-http", "aws-deploy", "ecr-pull"])
    );
    assert_eq!(job["agent"]["os_image"], "ubuntu2404");

    // The promotion and its link to the pipeline it started.
    let promo = get(
        snap,
        "semaphore:semaphore_promotion/acmepay/acme-api/.semaphore/semaphore.yml/Production",
    );
    assert_eq!(promo.attrs["target_yml_file"], ".semaphore/production.yml");
    assert_eq!(promo.attrs["auto"], true);
    assert!(
        snap.links
            .iter()
            .any(|l| l.from == promo.id && l.to == prod.id && l.kind == LinkKind::References)
    );
    // Page-token paging: both org secrets, names only.
    let heroku = get(snap, "semaphore:semaphore_secret/acmepay/_org/heroku-http");
    assert_eq!(
        heroku.attrs["env_var_names"],
        serde_json::json!(["HEROKU_API_KEY"])
    );
    assert_eq!(heroku.attrs["from"], "api");
    get(snap, "semaphore:semaphore_secret/acmepay/_org/aws-deploy");
    // A secret only the jobs name.
    let pull = get(snap, "semaphore:semaphore_secret/acmepay/_org/ecr-pull");
    assert_eq!(pull.attrs["from"], "jobs");
    let task = get(
        snap,
        "semaphore:semaphore_task/acmepay/acme-api/nightly-migrate",
    );
    assert_eq!(task.attrs["at"], "0 3 * * *");
    let dt = get(
        snap,
        "semaphore:semaphore_deployment_target/acmepay/acme-api/production",
    );
    assert_eq!(dt.attrs["env_var_names"], serde_json::json!(["DT_TOKEN"]));
    let n = get(snap, "semaphore:semaphore_notification/acmepay/deploys");
    assert_eq!(n.attrs["rules"][0]["targets"]["webhook"], "set");
    assert_eq!(n.attrs["rules"][0]["targets"]["slack_channels"], 1);
    get(snap, "semaphore:semaphore_agent_type/acmepay/s1-aws-large");
    let project = get(snap, "semaphore:semaphore_project/acmepay/acme-api");
    assert_eq!(
        project.attrs["repository"]["url"],
        "https://…@github.com/acmepay/acme-api.git"
    );

    // Project secrets being off is one unavailable part (not permitted: failed false),
    // not an empty list and not a failed org.
    let org = get(snap, "semaphore:semaphore_org/acmepay");
    let unavailable = org.attrs["ferry_unavailable"].as_array().unwrap();
    assert!(unavailable.iter().any(|u| u["kind"] == "semaphore_secret"
        && u["failed"] == false
        && u["project"] == "acme-api"));

    // No secret value the API sent is anywhere in what Ferry keeps.
    let text = serde_json::to_string(snap).unwrap();
    assert!(!text.contains("CANARY"), "a secret leaked: {text}");
    assert!(!text.contains("hooks.slack.com"), "{text}");
    assert!(!text.contains(TOKEN));

    // No request carried an x-semaphore header; every one was authorised.
    for r in server.received_requests().await.unwrap() {
        assert!(
            !r.headers
                .keys()
                .any(|k| k.as_str().starts_with("x-semaphore")),
            "{r:?}"
        );
    }
    assert_eq!(
        out.requests as usize,
        server.received_requests().await.unwrap().len()
    );
}

#[tokio::test]
async fn a_token_seeing_only_some_projects_is_reported_on_the_org() {
    let server = MockServer::start().await;
    estate(&server).await;
    let out = fetch(&server).await;
    let snap = snapshot(&out);
    // The notification names `billing`, which the token cannot see.
    let org = get(snap, "semaphore:semaphore_org/acmepay");
    assert_eq!(org.attrs["token_scope"], "partial");
    assert_eq!(org.attrs["projects_visible"], 2);
    let note = org.attrs["note"].as_str().unwrap();
    assert!(note.contains("billing"), "{note}");
    assert!(out.orgs[0].notices.iter().any(|n| n.contains("billing")));
}

#[tokio::test]
async fn a_plain_text_401_names_the_org_and_the_variable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;
    let out = fetch(&server).await;
    assert!(out.snapshot.is_none());
    let err = out.orgs[0].outcome.as_ref().unwrap_err();
    assert!(err.contains("`acmepay`"), "{err}");
    assert!(err.contains("SEMAPHORE_ACMEPAY_TOKEN"), "{err}");
    assert!(err.contains("401 Unauthorized"), "{err}");
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let server = MockServer::start().await;
    // The first projects request is refused once; the retry succeeds.
    Mock::given(method("GET"))
        .and(path("/api/v1alpha/projects"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    estate(&server).await;
    let out = fetch(&server).await;
    let snap = snapshot(&out);
    get(snap, "semaphore:semaphore_project/acmepay/acme-api");
    let projects = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r: &Request| r.url.path() == "/api/v1alpha/projects")
        .count();
    assert_eq!(projects, 3, "one refused, then pages 1 and 2");
}

#[tokio::test]
async fn an_unrecognised_body_makes_that_one_list_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1alpha/deployment_targets"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .with_priority(1)
        .mount(&server)
        .await;
    estate(&server).await;
    let out = fetch(&server).await;
    let snap = snapshot(&out);
    let org = get(snap, "semaphore:semaphore_org/acmepay");
    let unavailable = org.attrs["ferry_unavailable"].as_array().unwrap();
    let dt: Vec<_> = unavailable
        .iter()
        .filter(|u| u["kind"] == "semaphore_deployment_target")
        .collect();
    assert_eq!(dt.len(), 2, "one per project: {unavailable:?}");
    assert!(dt.iter().all(|u| u["failed"] == true));
    assert!(
        dt[0]["error"]
            .as_str()
            .unwrap()
            .contains("unrecognised response body")
    );
    // The rest of the estate is there.
    assert!(
        snap.resources
            .iter()
            .any(|r| r.kind == Kind::SemaphorePipeline)
    );
}

#[tokio::test]
async fn a_part_that_fails_keeps_the_last_fetch_marked_stale() {
    let server = MockServer::start().await;
    estate(&server).await;
    let first = fetch(&server).await;
    let previous = snapshot(&first).clone();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1alpha/deployment_targets"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream unavailable"))
        .with_priority(1)
        .mount(&server)
        .await;
    estate(&server).await;
    let lookup = Lookup::from_vars(&[("SEMAPHORE_ACMEPAY_TOKEN", TOKEN)]);
    let out = semaphore::fetch(
        &options(&server),
        &lookup,
        Some(&previous),
        progress::discard(),
    )
    .await;
    let snap = snapshot(&out);
    let dt = get(
        snap,
        "semaphore:semaphore_deployment_target/acmepay/acme-api/production",
    );
    assert_eq!(dt.attrs["ferry_stale"], true);
    assert_eq!(dt.fetched_at, previous.resources[0].fetched_at);
    let org = get(snap, "semaphore:semaphore_org/acmepay");
    let part = org.attrs["ferry_unavailable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["kind"] == "semaphore_deployment_target" && u["project"] == "acme-api")
        .unwrap()
        .clone();
    assert_eq!(part["failed"], true);
    assert_eq!(part["kept_stale"], 1);
    // What was read this time is fresh.
    let ci = get(
        snap,
        "semaphore:semaphore_pipeline/acmepay/acme-api/.semaphore/semaphore.yml",
    );
    assert!(!ci.attrs.contains_key("ferry_stale"));
}

#[tokio::test]
async fn the_fetched_deploy_job_is_classified_as_heroku_and_aws_steps() {
    // What the fetcher keeps (redacted commands, names) is enough for the classifier.
    let server = MockServer::start().await;
    estate(&server).await;
    let out = fetch(&server).await;
    let snap = snapshot(&out);
    let prod = get(
        snap,
        "semaphore:semaphore_pipeline/acmepay/acme-api/.semaphore/production.yml",
    );
    let (steps, _) = ferry::cicd::pipeline_steps(prod);
    let targets: Vec<_> = steps.iter().map(|(_, _, s)| &s.target).collect();
    assert!(
        targets.iter().any(|t| t.is_heroku()),
        "a Heroku step: {targets:?}"
    );
    assert!(
        targets.iter().any(|t| matches!(
            t,
            ferry::cicd::Target::EcsService { service, .. }
                if service.get() == Some("acme-api-web")
        )),
        "the ECS service: {targets:?}"
    );
}
