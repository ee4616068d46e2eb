//! A whole Heroku fetch against a local mock with 50 ms latency per request: 500 apps.
//! Prints requests made, requests per app, wall time, and the ratio of wall time to the
//! lower bound `requests ÷ concurrency × latency` (1.0 would be a perfectly full pipe).
//! A second fetch then sends the remembered `ETag`s back (nothing changed, so every
//! per-app request is answered 304) and prints the same figures plus the 304 count.
//! Run with `cargo bench --bench heroku_fetch`.

#[path = "../tests/common/heroku_mock.rs"]
mod heroku_mock;

use heroku_mock::{HerokuMock, Shared, TOKEN};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use ferry::sources::heroku::{self, AccountSpec, HerokuOptions};
use ferry::sources::lookup::Lookup;
use ferry::sources::progress;

const APPS: usize = 500;
const LATENCY: Duration = Duration::from_millis(50);

fn estate() -> HerokuMock {
    let mut mock = HerokuMock::fixtures();
    let template = mock.routes["/apps"][0].clone();
    let apps: Vec<_> = (0..APPS)
        .map(|i| {
            let mut a = template.clone();
            a["id"] = json!(format!("00000000-0000-4000-9000-{i:012}"));
            a["name"] = json!(format!("app-{i:04}"));
            a
        })
        .collect();
    mock.routes.insert("/apps".into(), json!(apps));
    mock.detail_template = Some("acme-api-staging".into());
    // Enough tokens for every app: this measures speed, not the budget floor.
    mock.remaining = 100_000.into();
    mock.delay = LATENCY;
    mock
}

async fn run(concurrency: usize) {
    let server = MockServer::start().await;
    let mock = Arc::new(estate());
    Mock::given(any())
        .respond_with(Shared(mock.clone()))
        .mount(&server)
        .await;
    let opts = HerokuOptions {
        api_url: server.uri().parse().unwrap(),
        accounts: vec![AccountSpec {
            name: "bench".into(),
            token_env: Some("BENCH_TOKEN".into()),
        }],
        budget_floor: 0,
        concurrency,
        ..HerokuOptions::default()
    };
    let lookup = Lookup::from_vars(&[("BENCH_TOKEN", TOKEN)]);
    let start = Instant::now();
    let out = heroku::fetch(&opts, &lookup, None, Vec::new(), progress::discard()).await;
    report("full", concurrency, &out, start.elapsed());
    let start = Instant::now();
    let again = heroku::fetch(
        &opts,
        &lookup,
        out.snapshot.as_ref(),
        out.responses.clone(),
        progress::discard(),
    )
    .await;
    report("conditional", concurrency, &again, start.elapsed());
}

fn report(pass: &str, concurrency: usize, out: &heroku::HerokuOutput, wall: Duration) {
    assert!(out.succeeded(), "{:?}", out.accounts);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(stats.apps.fresh, APPS);
    // The free rate-limit call is a request too; the bound counts every one.
    let requests = out.requests as f64;
    let bound = requests / concurrency as f64 * LATENCY.as_secs_f64();
    println!(
        "heroku_fetch/{APPS} apps/concurrency {concurrency:>2}/{pass}: {} requests ({:.2} per app, \
         {} answered 304), wall {:.2} s, lower bound {:.2} s, ratio {:.2}, {} resources",
        out.requests,
        requests / APPS as f64,
        stats.not_modified,
        wall.as_secs_f64(),
        bound,
        wall.as_secs_f64() / bound,
        out.snapshot.as_ref().map_or(0, |s| s.resources.len()),
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("heroku_fetch: skipped (measured only under `cargo bench`)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for concurrency in [8, 16] {
        runtime.block_on(run(concurrency));
    }
}
