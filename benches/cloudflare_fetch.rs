//! A whole Cloudflare fetch against a local mock with 50 ms latency per request: one
//! account, 50 zones × 400 DNS records. Prints requests made against the minimum the API
//! allows for this inventory (its page-size limits), and wall time against the lower bound
//! `(2 + ⌈(requests − 3) ÷ concurrency⌉) × latency`: the token check and the account/zone
//! lists come first, then everything else can share the pipe.
//! Then the fault case (issue 11): the same fetch at concurrency 8, clean and with one 429
//! (`Retry-After: 1`, `Ratelimit: "default";r=0;t=1`, after answers that said ~300 s to the
//! reset) on `/zones` and on one zone's DNS records mid-fetch; each should cost about one
//! second more than the clean fetch, not the rest of the earlier 5-minute window.
//! Run with `cargo bench --bench cloudflare_fetch`.

#[path = "../tests/common/cloudflare_mock.rs"]
mod cloudflare_mock;

use cloudflare_mock::{CloudflareMock, TOKEN, error, lookup, serve};
use std::time::{Duration, Instant};
use wiremock::{Mock, matchers::path};

use ferry::model::Kind;
use ferry::sources::cloudflare::{
    self, CloudflareOptions, DNS_PER_PAGE, REQUESTS_PER_ACCOUNT, REQUESTS_PER_ZONE,
};
use ferry::sources::progress;

const ZONES: usize = 50;
const RECORDS: usize = 400;
const LATENCY: Duration = Duration::from_millis(50);

fn estate() -> CloudflareMock {
    let mut mock = CloudflareMock::fixtures();
    mock.zones(ZONES - 2);
    let ids: Vec<String> = mock.routes["/zones"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["id"].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        mock.records(id, RECORDS);
    }
    mock.delay = LATENCY;
    mock
}

async fn run(concurrency: usize) {
    let (server, mock) = serve(estate()).await;
    let opts = CloudflareOptions {
        api_url: server.uri().parse().unwrap(),
        concurrency,
        ..CloudflareOptions::default()
    };
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    let start = Instant::now();
    let out = cloudflare::fetch(&opts, &env, None, progress::discard()).await;
    let wall = start.elapsed();
    assert!(out.succeeded(), "{:?}", out.accounts);
    let snap = out.snapshot.as_ref().unwrap();
    let records = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::DnsRecord)
        .count();
    assert_eq!(records, ZONES * RECORDS);
    assert_eq!(out.requests as usize, mock.total_hits());

    // The fewest requests the API allows for this inventory: one page of accounts and of
    // zones (50 per page), 3 account lists, per zone ⌈400 ÷ 5,000,000⌉ = 1 page of records
    // and 6 single-page lists, and the 2 rulesets whose rules are read. Ferry adds one
    // token check.
    let dns_pages = RECORDS.div_ceil(DNS_PER_PAGE as usize).max(1);
    let minimum = 1
        + ZONES.div_ceil(50)
        + REQUESTS_PER_ACCOUNT as usize
        + ZONES * (REQUESTS_PER_ZONE as usize - 1 + dns_pages)
        + 2;
    let requests = out.requests as usize;
    let bound = LATENCY.as_secs_f64() * (2 + (requests - 3).div_ceil(concurrency)) as f64;
    let dns_requests = out.accounts[0].counts["dns_record"].requests;
    println!(
        "cloudflare_fetch/{ZONES} zones x {RECORDS} records/concurrency {concurrency:>2}: \
         {requests} requests (minimum {minimum} + 1 token check; DNS {dns_requests}, at the \
         default page size of 100 it would be {}), wall {:.2} s, lower bound {bound:.2} s, \
         ratio {:.2}, {} resources, rate-limit wait {:.1} s",
        ZONES * RECORDS.div_ceil(100),
        wall.as_secs_f64(),
        wall.as_secs_f64() / bound,
        snap.resources.len(),
        out.waited.as_secs_f64(),
    );
}

/// One fetch at concurrency 8, with one 429 on `limited` if given; returns the wall time.
async fn fault_run(limited: Option<&str>) -> Duration {
    let (server, _mock) = serve(estate()).await;
    if let Some(at) = limited {
        let refusal = error(
            429,
            971,
            "Please wait and consider throttling your request speed",
        )
        .append_header("Retry-After", "1")
        .append_header("Ratelimit", "\"default\";r=0;t=1")
        .append_header("Ratelimit-Policy", "\"default\";q=1200;w=300")
        .set_delay(LATENCY);
        Mock::given(path(at))
            .respond_with(refusal)
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    let opts = CloudflareOptions {
        api_url: server.uri().parse().unwrap(),
        concurrency: 8,
        ..CloudflareOptions::default()
    };
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    let start = Instant::now();
    let out = cloudflare::fetch(&opts, &env, None, progress::discard()).await;
    let wall = start.elapsed();
    assert!(out.succeeded(), "{:?}", out.accounts);
    let records = out
        .snapshot
        .as_ref()
        .unwrap()
        .resources
        .iter()
        .filter(|r| r.kind == Kind::DnsRecord)
        .count();
    assert_eq!(
        records,
        ZONES * RECORDS,
        "the 429 was retried, nothing lost"
    );
    wall
}

async fn fault() {
    let clean = fault_run(None).await;
    // The zone `estate()` adds 25th, well inside the fetch.
    let mid = format!("/zones/{:032x}/dns_records", 0xf000_0000_u64 + 24);
    for (label, at) in [("on /zones", "/zones"), ("mid-fetch on DNS", mid.as_str())] {
        let limited = fault_run(Some(at)).await;
        println!(
            "cloudflare_fetch/fault: one 429 (Retry-After: 1, r=0;t=1) {label}: clean {:.2} s, \
             with the 429 {:.2} s, costs {:+.2} s",
            clean.as_secs_f64(),
            limited.as_secs_f64(),
            limited.as_secs_f64() - clean.as_secs_f64()
        );
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("cloudflare_fetch: skipped (measured only under `cargo bench`)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for concurrency in [4, 8, 16] {
        runtime.block_on(run(concurrency));
    }
    runtime.block_on(fault());
}
