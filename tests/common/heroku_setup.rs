//! Running the Heroku source against the wiremock stand-in, for the integration tests.
#![allow(dead_code)]

use super::heroku_mock::{HerokuMock, Shared, TOKEN};
use ferry::model::{CachedResponse, Resource, ResourceId, SourceSnapshot};
use ferry::sources::heroku::{self, AccountSpec, HerokuOptions, HerokuOutput};
use ferry::sources::http::{HttpSettings, RetryPolicy};
use ferry::sources::lookup::Lookup;
use ferry::sources::progress;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub async fn serve(mock: HerokuMock) -> (MockServer, Arc<HerokuMock>) {
    let server = MockServer::start().await;
    let mock = Arc::new(mock);
    Mock::given(any())
        .respond_with(Shared(mock.clone()))
        .with_priority(10)
        .mount(&server)
        .await;
    (server, mock)
}

pub fn options(server: &MockServer) -> HerokuOptions {
    HerokuOptions {
        api_url: server.uri().parse().unwrap(),
        accounts: vec![AccountSpec {
            name: "acme".into(),
            token_env: Some("ACME_TOKEN".into()),
        }],
        budget_floor: 100,
        concurrency: 4,
        // Fast retries so the suite stays quick; the logic is the same.
        http: HttpSettings {
            request_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(2),
                max_delay: Duration::from_millis(20),
                deadline: Duration::from_millis(500),
                max_attempts: 5,
            },
        },
        ..HerokuOptions::default()
    }
}

pub fn env(pairs: &[(&str, &str)]) -> Lookup {
    Lookup::from_vars(pairs)
}

pub async fn fetch(opts: &HerokuOptions, previous: Option<&SourceSnapshot>) -> HerokuOutput {
    fetch_remembering(opts, previous, Vec::new()).await
}

/// A fetch that starts from the responses an earlier fetch remembered.
pub async fn fetch_remembering(
    opts: &HerokuOptions,
    previous: Option<&SourceSnapshot>,
    responses: Vec<CachedResponse>,
) -> HerokuOutput {
    heroku::fetch(
        opts,
        &env(&[("ACME_TOKEN", TOKEN)]),
        previous,
        responses,
        progress::discard(),
    )
    .await
}

pub fn id(s: &str) -> ResourceId {
    ResourceId::from_raw(s)
}

pub fn snapshot(out: &HerokuOutput) -> &SourceSnapshot {
    out.snapshot.as_ref().expect("a snapshot")
}

pub fn get<'a>(snap: &'a SourceSnapshot, rid: &str) -> &'a Resource {
    snap.resources
        .iter()
        .find(|r| r.id.as_str() == rid)
        .unwrap_or_else(|| panic!("{rid} missing"))
}

pub fn many_apps(n: usize) -> HerokuMock {
    let mut mock = HerokuMock::fixtures();
    let template = mock.routes["/apps"][0].clone();
    let apps: Vec<_> = (0..n)
        .map(|i| {
            let mut a = template.clone();
            a["id"] = json!(format!("00000000-0000-4000-9000-{i:012}"));
            a["name"] = json!(format!("app-{i:04}"));
            a
        })
        .collect();
    mock.routes.insert("/apps".into(), json!(apps));
    mock.detail_template = Some("acme-api-staging".into());
    mock
}
