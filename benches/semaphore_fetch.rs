//! A whole Semaphore fetch against a local mock with 50 ms latency per request: one
//! organisation, 50 projects, each with two pipeline files (CI and a promoted production
//! deploy, one job each), a promotion, a task, a deployment target; project secrets off.
//! Prints the requests made (and per project) and wall time against the lower bound
//! `requests ÷ concurrency × latency`, and the ratio.
//! Run with `cargo bench --bench semaphore_fetch`.

#[path = "../tests/common/semaphore_mock.rs"]
mod semaphore_mock;

use std::time::{Duration, Instant};

use ferry::model::Kind;
use ferry::sources::lookup::Lookup;
use ferry::sources::progress;
use ferry::sources::semaphore::credentials::OrgSpec;
use ferry::sources::semaphore::{self, SemaphoreOptions};
use semaphore_mock::{TOKEN, fixture};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECTS: usize = 50;
const LATENCY: Duration = Duration::from_millis(50);

fn slow(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(body)
        .set_delay(LATENCY)
}

async fn estate() -> MockServer {
    let server = MockServer::start().await;
    let projects: Vec<Value> = (0..PROJECTS)
        .map(|i| {
            let mut p = fixture("project_web.json");
            p["metadata"]["id"] = json!(format!("p-{i}"));
            p["metadata"]["name"] = json!(format!("service-{i:02}"));
            p
        })
        .collect();
    let mount = |p: &'static str, body: Value| {
        Mock::given(method("GET"))
            .and(path_regex(p))
            .respond_with(slow(body))
    };
    Mock::given(method("GET"))
        .and(path("/api/v1alpha/projects"))
        .respond_with(slow(Value::Array(projects)).insert_header("x-has-more", "false"))
        .mount(&server)
        .await;
    for (p, body) in [
        (
            "^/api/v1alpha/pipelines$",
            fixture("pipelines_api_page1.json"),
        ),
        (
            "^/api/v1alpha/pipelines/ppl-ci-new$",
            fixture("pipeline_ci.json"),
        ),
        (
            "^/api/v1alpha/pipelines/ppl-prod$",
            fixture("pipeline_prod.json"),
        ),
        ("^/api/v1alpha/jobs/job-test$", fixture("job_test.json")),
        ("^/api/v1alpha/jobs/job-deploy$", fixture("job_deploy.json")),
        ("^/api/v1alpha/tasks$", fixture("tasks_api.json")),
        (
            "^/api/v1alpha/deployment_targets$",
            fixture("deployment_targets_api.json"),
        ),
        ("^/api/v1beta/secrets$", fixture("secrets_page2.json")),
        (
            "^/api/v1alpha/notifications$",
            fixture("notifications.json"),
        ),
        (
            "^/api/v1alpha/self_hosted_agent_types$",
            fixture("agent_types.json"),
        ),
    ] {
        mount(p, body).mount(&server).await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v1alpha/promotions"))
        .and(wiremock::matchers::query_param("pipeline_id", "ppl-ci-new"))
        .respond_with(slow(fixture("promotions_ci.json")))
        .mount(&server)
        .await;
    mount("^/api/v1alpha/promotions$", json!([]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/v1/projects/.*/secrets$"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(
                    json!({"code": 9, "message": "Project level secrets are not enabled"}),
                )
                .set_delay(LATENCY),
        )
        .mount(&server)
        .await;
    server
}

async fn run(concurrency: usize) {
    let server = estate().await;
    let opts = SemaphoreOptions {
        api_url: Some(server.uri().parse().unwrap()),
        orgs: vec![OrgSpec {
            name: "acmepay".into(),
            token_env: "SEM".into(),
            host: None,
        }],
        concurrency,
        ..SemaphoreOptions::default()
    };
    let lookup = Lookup::from_vars(&[("SEM", TOKEN)]);
    let start = Instant::now();
    let out = semaphore::fetch(&opts, &lookup, None, progress::discard()).await;
    let wall = start.elapsed();
    assert!(out.orgs[0].outcome.is_ok(), "{:?}", out.orgs[0].outcome);
    let snap = out.snapshot.as_ref().unwrap();
    let pipelines = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::SemaphorePipeline)
        .count();
    assert_eq!(pipelines, PROJECTS * 2);
    let requests = out.requests as usize;
    assert_eq!(requests, server.received_requests().await.unwrap().len());
    let bound = requests as f64 / concurrency as f64 * LATENCY.as_secs_f64();
    println!(
        "semaphore_fetch/{PROJECTS} projects/concurrency {concurrency:>2}: {requests} requests \
         ({:.1} per project), wall {:.2} s, requests ÷ concurrency × latency {bound:.2} s, \
         ratio {:.2}, {} resources",
        requests as f64 / PROJECTS as f64,
        wall.as_secs_f64(),
        wall.as_secs_f64() / bound,
        snap.resources.len(),
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("semaphore_fetch: skipped (measured only under `cargo bench`)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for concurrency in [4, 8, 16] {
        runtime.block_on(run(concurrency));
    }
}
