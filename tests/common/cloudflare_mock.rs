//! A Cloudflare API v4 stand-in for wiremock: serves the fixture envelopes by path, checks
//! the credential, pages lists by `page`/`per_page` (refusing page sizes outside each
//! endpoint's documented range) or by `cursor` (R2, in the live `{"buckets": [...]}` shape
//! or the 2024 spec's bare array), filters zones by `account.id`, sends `Ratelimit`
//! headers, and can enforce Cloudflare's quota with a lockout. Shared by the tests and the
//! fetch benchmark.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::{Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "cf-test-token-FERRY-0123456789";
pub const KEY: &str = "cf-test-global-key-FERRY-9876";
pub const EMAIL: &str = "ops@acmepay.com";
pub const ACCOUNT: &str = "9155c657cc9f48c46b16ea8df38ba0ec";
pub const ZONE_COM: &str = "d6b5104f6c39784de8cfe297cc2a91ff";
pub const ZONE_IO: &str = "baa3386ac5558adfe33b0434e5425c2e";

pub struct CloudflareMock {
    /// Whole response bodies (envelopes) by path.
    pub routes: HashMap<String, Value>,
    pub tokens: HashSet<String>,
    /// Largest page the server hands out for DNS records, whatever was asked for.
    pub dns_cap: usize,
    /// Leave `total_pages` out of `result_info`, as the 2024 spec does.
    pub no_total_pages: bool,
    /// Latency added to every response.
    pub delay: Duration,
    /// Cloudflare's quota: more than this many requests per window → 429 with Retry-After.
    pub quota: Option<(usize, Duration)>,
    /// Every request's path and query, in arrival order, with its arrival time.
    pub hits: Mutex<Vec<(String, Instant)>>,
    /// Requests answered 429 because the quota was exceeded.
    pub lockouts: Mutex<usize>,
    /// Serve R2 buckets as the 2024 spec's bare array instead of the live
    /// `"result": {"buckets": [...]}`.
    pub r2_spec_shape: bool,
}

impl CloudflareMock {
    pub fn new(routes: HashMap<String, Value>) -> Self {
        CloudflareMock {
            routes,
            tokens: [TOKEN.to_string()].into(),
            dns_cap: 5_000_000,
            no_total_pages: false,
            delay: Duration::ZERO,
            quota: None,
            hits: Mutex::new(Vec::new()),
            lockouts: Mutex::new(0),
            r2_spec_shape: false,
        }
    }

    /// The small estate in `tests/fixtures/cloudflare`.
    pub fn fixtures() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudflare");
        let mut routes = HashMap::new();
        load(&root, &root, &mut routes);
        CloudflareMock::new(routes)
    }

    /// Replaces a list's items, keeping the fixture's envelope (and R2's wrapper).
    pub fn set_result(&mut self, path: &str, items: Vec<Value>) {
        let result = &mut self.routes.get_mut(path).expect("a fixture route")["result"];
        match result.get_mut("buckets") {
            Some(buckets) => *buckets = Value::Array(items),
            None => *result = Value::Array(items),
        }
    }

    /// `n` generated A records in a zone (for paging tests and the benchmark).
    pub fn records(&mut self, zone: &str, n: usize) {
        let path = format!("/zones/{zone}/dns_records");
        let template = self.routes[&path]["result"][0].clone();
        let items = (0..n)
            .map(|i| {
                let mut r = template.clone();
                r["id"] = json!(format!("{zone:.8}{i:024x}"));
                r["name"] = json!(format!("host-{i:05}.example.com"));
                r["type"] = json!("A");
                r["content"] = json!(format!("198.51.{}.{}", i / 256 % 256, i % 256));
                r
            })
            .collect();
        self.set_result(&path, items);
    }

    /// Adds `n` zones in the account, each a copy of acmepay.io's lists (no rulesets to
    /// read), named `zone-0000.example.com` on.
    pub fn zones(&mut self, n: usize) {
        let template = self.routes["/zones"]["result"][1].clone();
        let mut zones: Vec<Value> = self.routes["/zones"]["result"].as_array().unwrap().clone();
        let lists: Vec<(String, Value)> = self
            .routes
            .iter()
            .filter_map(|(p, v)| {
                Some((
                    p.strip_prefix(&format!("/zones/{ZONE_IO}"))?.to_string(),
                    v.clone(),
                ))
            })
            .collect();
        for i in 0..n {
            let id = format!("{:032x}", 0xf000_0000_u64 + i as u64);
            let mut z = template.clone();
            z["id"] = json!(id);
            z["name"] = json!(format!("zone-{i:04}.example.com"));
            zones.push(z);
            for (tail, body) in &lists {
                self.routes
                    .insert(format!("/zones/{id}{tail}"), body.clone());
            }
        }
        self.set_result("/zones", zones);
    }

    pub fn paths(&self) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _)| p.split('?').next().unwrap().to_string())
            .collect()
    }

    pub fn hits_of(&self, path: &str) -> usize {
        self.paths().iter().filter(|p| *p == path).count()
    }

    /// Requests with their query, in order.
    pub fn requests_to(&self, path: &str) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.split('?').next() == Some(path))
            .map(|(p, _)| p.clone())
            .collect()
    }

    pub fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().len()
    }
}

fn load(root: &Path, dir: &Path, routes: &mut HashMap<String, Value>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            load(root, &path, routes);
            continue;
        }
        if path.extension().is_none_or(|e| e != "json") || path.ends_with("schema-shapes.json") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap().with_extension("");
        let text = std::fs::read_to_string(&path).unwrap();
        routes.insert(
            format!("/{}", rel.to_str().unwrap()),
            serde_json::from_str(&text).unwrap(),
        );
    }
}

/// Wraps the mock so tests keep a handle on it while wiremock owns a copy.
#[derive(Clone)]
pub struct Shared(pub Arc<CloudflareMock>);

/// A v4 error envelope.
pub fn error(status: u16, code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null
    }))
}

/// Page-size limits per list (2024 spec): (min, max).
fn per_page_range(path: &str) -> Option<(usize, usize)> {
    if path == "/accounts" || path == "/zones" || path.ends_with("/custom_hostnames") {
        Some((5, 50))
    } else if path.ends_with("/dns_records") {
        Some((1, 5_000_000))
    } else if path.ends_with("/r2/buckets") {
        Some((1, 1000))
    } else {
        None
    }
}

impl Respond for Shared {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let m = &self.0;
        let path = req.url.path().to_string();
        let full = match req.url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let now = Instant::now();
        // Requests in the quota window, and seconds until the oldest of them leaves it.
        let (in_window, reset) = {
            let mut hits = m.hits.lock().unwrap();
            hits.push((full, now));
            match m.quota {
                Some((_, w)) => {
                    let inside: Vec<Instant> = hits
                        .iter()
                        .map(|(_, t)| *t)
                        .filter(|t| now - *t < w)
                        .collect();
                    let oldest = inside.iter().min().copied().unwrap_or(now);
                    let reset = (oldest + w).saturating_duration_since(now);
                    (
                        Some(inside.len()),
                        reset.as_secs_f64().ceil().max(1.0) as u64,
                    )
                }
                None => (None, 300),
            }
        };
        if let (Some((max, window)), Some(n)) = (m.quota, in_window)
            && n > max
        {
            *m.lockouts.lock().unwrap() += 1;
            return error(
                429,
                971,
                "Please wait and consider throttling your request speed",
            )
            .append_header("Retry-After", window.as_secs().max(1).to_string());
        }
        let remaining = m.quota.map_or(1200, |(max, _)| max) as i64 - in_window.unwrap_or(0) as i64;
        let respond = |t: ResponseTemplate| {
            t.append_header(
                "Ratelimit",
                format!("\"default\";r={};t={reset}", remaining.max(0)),
            )
            .append_header("Ratelimit-Policy", "\"default\";q=1200;w=300")
            .set_delay(m.delay)
        };
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
        let authorized = bearer.is_some_and(|t| m.tokens.contains(t))
            || (header("x-auth-key") == Some(KEY) && header("x-auth-email") == Some(EMAIL));
        if !authorized {
            return respond(if path.ends_with("/tokens/verify") {
                error(401, 1000, "Invalid API Token")
            } else {
                error(403, 10000, "Authentication error")
            });
        }
        if path == "/user" && header("x-auth-key").is_some() {
            return respond(ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "errors": [], "messages": [], "result": {"id": "u1", "email": EMAIL}
            })));
        }
        let Some(body) = m.routes.get(&path) else {
            return respond(error(404, 7003, "Could not route to this path"));
        };
        let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let items = body["result"]
            .as_array()
            .or_else(|| body["result"]["buckets"].as_array());
        respond(match items {
            Some(items) => list(m, &path, body, items, &query),
            None => ResponseTemplate::new(200).set_body_json(body),
        })
    }
}

/// One page of a list, the way Cloudflare pages it.
fn list(
    m: &CloudflareMock,
    path: &str,
    body: &Value,
    items: &[Value],
    query: &HashMap<String, String>,
) -> ResponseTemplate {
    let mut items: Vec<&Value> = items.iter().collect();
    if let Some(account) = query.get("account.id") {
        items.retain(|z| z["account"]["id"] == json!(account));
    }
    let asked: Option<usize> = query.get("per_page").map(|p| p.parse().unwrap());
    if let (Some(n), Some((min, max))) = (asked, per_page_range(path))
        && !(min..=max).contains(&n)
    {
        return error(
            400,
            1001,
            &format!("per_page must be between {min} and {max}"),
        );
    }
    let mut out = body.clone();
    if path.ends_with("/r2/buckets") {
        let size = asked.unwrap_or(20);
        let from: usize = query
            .get("cursor")
            .map(|c| c.strip_prefix("c-").unwrap().parse().unwrap())
            .unwrap_or(0);
        let end = (from + size).min(items.len());
        out["result"] = match m.r2_spec_shape {
            true => json!(items[from..end]),
            false => json!({"buckets": items[from..end]}),
        };
        let cursor = if end < items.len() {
            format!("c-{end}")
        } else {
            String::new()
        };
        out["result_info"] = json!({"cursor": cursor, "per_page": size});
        return ResponseTemplate::new(200).set_body_json(out);
    }
    if asked.is_none() {
        return ResponseTemplate::new(200).set_body_json(out);
    }
    let mut size = asked.unwrap();
    if path.ends_with("/dns_records") {
        size = size.min(m.dns_cap);
    }
    let page: usize = query.get("page").map_or(1, |p| p.parse().unwrap());
    let from = ((page - 1) * size).min(items.len());
    let end = (from + size).min(items.len());
    out["result"] = json!(items[from..end]);
    let mut info = json!({
        "page": page, "per_page": size, "count": end - from,
        "total_count": items.len(), "total_pages": items.len().div_ceil(size),
    });
    if m.no_total_pages {
        info.as_object_mut().unwrap().remove("total_pages");
    }
    out["result_info"] = info;
    ResponseTemplate::new(200).set_body_json(out)
}

/// Starts a server answering everything from `mock` (tests mount overrides with a higher
/// priority, i.e. a lower number).
pub async fn serve(mock: CloudflareMock) -> (wiremock::MockServer, Arc<CloudflareMock>) {
    let server = wiremock::MockServer::start().await;
    let mock = Arc::new(mock);
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(Shared(mock.clone()))
        .with_priority(10)
        .mount(&server)
        .await;
    (server, mock)
}

/// Options against `server` with fast retries, so the suite stays quick.
pub fn options(server: &wiremock::MockServer) -> ferry::sources::cloudflare::CloudflareOptions {
    use ferry::sources::http::{HttpSettings, RetryPolicy};
    ferry::sources::cloudflare::CloudflareOptions {
        api_url: server.uri().parse().unwrap(),
        concurrency: 4,
        http: HttpSettings {
            request_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(2),
                max_delay: Duration::from_millis(20),
                deadline: Duration::from_secs(3),
                max_attempts: 5,
            },
        },
        ..Default::default()
    }
}

/// An environment holding only `pairs`.
pub fn lookup(pairs: &[(&str, &str)]) -> ferry::sources::lookup::Lookup {
    ferry::sources::lookup::Lookup::from_vars(pairs)
}

/// A fetch with the default token and no progress display.
pub async fn fetch_with(
    opts: &ferry::sources::cloudflare::CloudflareOptions,
    previous: Option<&ferry::model::SourceSnapshot>,
) -> ferry::sources::cloudflare::CloudflareOutput {
    let env = lookup(&[("CLOUDFLARE_API_TOKEN", TOKEN)]);
    ferry::sources::cloudflare::fetch(opts, &env, previous, ferry::sources::progress::discard())
        .await
}

/// Answers `at` with `template` (up to `times` times) before the fixtures.
pub async fn fail(server: &wiremock::MockServer, at: &str, template: ResponseTemplate, times: u64) {
    wiremock::Mock::given(wiremock::matchers::path(at))
        .respond_with(template)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// The first credential's error.
pub fn error_of(out: &ferry::sources::cloudflare::CloudflareOutput) -> &str {
    out.accounts[0].outcome.as_ref().unwrap_err()
}

pub fn of_kind(
    snap: &ferry::model::SourceSnapshot,
    kind: ferry::model::Kind,
) -> Vec<&ferry::model::Resource> {
    snap.resources.iter().filter(|r| r.kind == kind).collect()
}
