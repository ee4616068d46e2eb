//! A wiremock Semaphore organisation (`acmepay`) serving tests/fixtures/semaphore: two
//! project pages (x-has-more), two pipeline pages (Link rel=next), two org secret pages
//! (page_token) that come back WITH values, project secrets switched off (400).
#![allow(dead_code)]

use serde_json::Value;
use wiremock::matchers::{header, method, path, path_regex, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "sem-test-token-FERRY-CANARY";

/// Every value in the fixtures that must never be stored carries this marker.
pub const CANARY: &str = "CANARY";

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/semaphore/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(name))
}

/// A server with the whole estate mounted.
pub async fn serve() -> MockServer {
    let server = MockServer::start().await;
    estate(&server).await;
    server
}

/// The whole estate: two project pages, two pipeline pages, two secret pages.
pub async fn estate(server: &MockServer) {
    let auth = format!("Token {TOKEN}");
    let m = |p: &str| {
        Mock::given(method("GET"))
            .and(path(p.to_string()))
            .and(header("authorization", auth.as_str()))
    };
    m("/api/v1alpha/projects")
        .and(query_param("page", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-has-more", "true")
                .set_body_json(Value::Array(vec![fixture("project_api.json")])),
        )
        .mount(server)
        .await;
    m("/api/v1alpha/projects")
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-has-more", "false")
                .set_body_json(Value::Array(vec![fixture("project_web.json")])),
        )
        .mount(server)
        .await;
    let next = format!(
        "<{}/api/v1alpha/pipelines?project_id=p-api&page=2>; rel=\"next\"",
        server.uri()
    );
    m("/api/v1alpha/pipelines")
        .and(query_param("project_id", "p-api"))
        .and(query_param_is_missing("page"))
        .respond_with(ok("pipelines_api_page1.json").insert_header("link", next.as_str()))
        .mount(server)
        .await;
    m("/api/v1alpha/pipelines")
        .and(query_param("project_id", "p-api"))
        .and(query_param("page", "2"))
        .respond_with(ok("pipelines_api_page2.json"))
        .mount(server)
        .await;
    m("/api/v1alpha/pipelines")
        .and(query_param("project_id", "p-web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
    for (p, f) in [
        ("/api/v1alpha/pipelines/ppl-ci-new", "pipeline_ci.json"),
        ("/api/v1alpha/pipelines/ppl-prod", "pipeline_prod.json"),
        ("/api/v1alpha/jobs/job-test", "job_test.json"),
        ("/api/v1alpha/jobs/job-deploy", "job_deploy.json"),
        ("/api/v1alpha/self_hosted_agent_types", "agent_types.json"),
        ("/api/v1alpha/notifications", "notifications.json"),
    ] {
        m(p).respond_with(ok(f)).mount(server).await;
    }
    m("/api/v1alpha/promotions")
        .and(query_param("pipeline_id", "ppl-ci-new"))
        .respond_with(ok("promotions_ci.json"))
        .mount(server)
        .await;
    m("/api/v1alpha/promotions")
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
    m("/api/v1alpha/tasks")
        .and(query_param("project_id", "p-api"))
        .respond_with(ok("tasks_api.json"))
        .mount(server)
        .await;
    m("/api/v1alpha/tasks")
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
    m("/api/v1alpha/deployment_targets")
        .and(query_param("project_id", "p-api"))
        .respond_with(ok("deployment_targets_api.json"))
        .mount(server)
        .await;
    m("/api/v1alpha/deployment_targets")
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(server)
        .await;
    m("/api/v1beta/secrets")
        .and(query_param("page_token", "page-2"))
        .respond_with(ok("secrets_page2.json"))
        .mount(server)
        .await;
    m("/api/v1beta/secrets")
        .and(query_param_is_missing("page_token"))
        .respond_with(ok("secrets_page1.json"))
        .mount(server)
        .await;
    // Project-level secrets are off for this org (FAILED_PRECONDITION → 400).
    Mock::given(method("GET"))
        .and(path_regex("^/api/v1/projects/.*/secrets$"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "code": 9, "message": "Project level secrets are not enabled for this organization", "details": []
        })))
        .mount(server)
        .await;
}
