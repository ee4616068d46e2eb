//! A whole Heroku fetch against a local mock with 50 ms latency per request: 500 apps.
//! Prints requests made, requests per app, wall time, and the ratio of wall time to the
//! lower bound `requests ÷ concurrency × latency` (1.0 would be a perfectly full pipe).
//! A second fetch then sends the remembered `ETag`s back (nothing changed, so every
//! per-app request is answered 304) and prints the same figures plus the 304 count.
//! Then the fault case (issue 11): a clean fetch of 100 apps against the same fetch with
//! one 429 (`Retry-After: 1`), on the first `/apps` page and on one app's request mid-sweep;
//! each should cost about one second more, not a frozen budget. Prints the figures.
//! Run with `cargo bench --bench heroku_fetch`.

#[path = "../tests/common/heroku_mock.rs"]
mod heroku_mock;

use heroku_mock::{HerokuMock, Shared, TOKEN};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use ferry::sources::heroku::{self, AccountSpec, HerokuOptions};
use ferry::sources::lookup::Lookup;
use ferry::sources::progress;

const APPS: usize = 500;
const LATENCY: Duration = Duration::from_millis(50);
/// Apps in the fault case: small enough to run it three times, large enough that the
/// sweep is most of the fetch.
const FAULT_APPS: usize = 100;

fn estate() -> HerokuMock {
    estate_of(APPS)
}

fn estate_of(n: usize) -> HerokuMock {
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

/// One fetch of `FAULT_APPS` apps at concurrency 8, with Heroku's 429 (`Retry-After: 1`)
/// answered once at `fault` if given. Returns the wall time.
async fn fault_run(fault: Option<&str>) -> Duration {
    let server = MockServer::start().await;
    let mock = Arc::new(estate_of(FAULT_APPS));
    if let Some(route) = fault {
        Mock::given(path(route))
            .respond_with(
                ResponseTemplate::new(429)
                    .append_header("RateLimit-Remaining", "0")
                    .append_header("Retry-After", "1")
                    .set_body_json(json!({
                        "id": "rate_limit",
                        "message": "Your account reached the API rate limit"
                    }))
                    .set_delay(LATENCY),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
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
        concurrency: 8,
        ..HerokuOptions::default()
    };
    let lookup = Lookup::from_vars(&[("BENCH_TOKEN", TOKEN)]);
    let start = Instant::now();
    let out = heroku::fetch(&opts, &lookup, None, Vec::new(), progress::discard()).await;
    let wall = start.elapsed();
    assert!(out.succeeded(), "{:?}", out.accounts);
    let stats = out.accounts[0].outcome.as_ref().unwrap();
    assert_eq!(
        stats.apps.fresh, FAULT_APPS,
        "a 429 must not stop the sweep"
    );
    wall
}

async fn faults() {
    // The best of three per case, so one slow scheduler tick does not decide it.
    let best = |walls: Vec<Duration>| walls.into_iter().min().unwrap();
    let mut clean = Vec::new();
    let mut first = Vec::new();
    let mut mid = Vec::new();
    for _ in 0..3 {
        clean.push(fault_run(None).await);
        first.push(fault_run(Some("/apps")).await);
        mid.push(fault_run(Some("/apps/app-0040/dynos")).await);
    }
    let (clean, first, mid) = (best(clean), best(first), best(mid));
    for (case, wall) in [
        ("429 on the first /apps page", first),
        ("429 mid-sweep", mid),
    ] {
        println!(
            "heroku_fetch/{FAULT_APPS} apps/concurrency  8/fault: {case} (Retry-After: 1): wall {:.2} s \
             vs clean {:.2} s, +{:.2} s",
            wall.as_secs_f64(),
            clean.as_secs_f64(),
            wall.as_secs_f64() - clean.as_secs_f64()
        );
    }
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
    runtime.block_on(faults());
}
