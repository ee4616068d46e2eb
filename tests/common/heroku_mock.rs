//! A Heroku Platform API stand-in for wiremock: serves JSON bodies by path, checks the
//! token and the Accept header, pages lists with `Range` / `Next-Range` like Heroku, and
//! counts down `RateLimit-Remaining`. Shared by the tests and the fetch benchmark.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "hrku-test-token-0123456789";

pub struct HerokuMock {
    pub routes: HashMap<String, Value>,
    pub tokens: HashSet<String>,
    pub remaining: AtomicI64,
    /// The server's own page cap (Heroku's is 1,000).
    pub max_page: usize,
    /// Latency added to every response.
    pub delay: Duration,
    /// Every request's path, in arrival order.
    pub hits: Mutex<Vec<String>>,
    /// Serve this fixture app's details for apps that have none (generated estates).
    pub detail_template: Option<String>,
    /// Whether a `304 Not Modified` leaves the token pool alone (Heroku does not document
    /// it either way, so tests cover both).
    pub not_modified_is_free: bool,
    /// Responses answered 304.
    pub not_modified: AtomicI64,
}

impl HerokuMock {
    pub fn new(routes: HashMap<String, Value>) -> Self {
        HerokuMock {
            routes,
            tokens: [TOKEN.to_string()].into(),
            remaining: AtomicI64::new(4400),
            max_page: 1000,
            delay: Duration::ZERO,
            hits: Mutex::new(Vec::new()),
            detail_template: None,
            not_modified_is_free: false,
            not_modified: AtomicI64::new(0),
        }
    }

    /// The small estate in `tests/fixtures/heroku`.
    pub fn fixtures() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/heroku");
        let mut routes = HashMap::new();
        load(&root, &root, &mut routes);
        HerokuMock::new(routes)
    }

    /// The small estate with the Fir overlay (`tests/fixtures/heroku_fir`) served over
    /// it: a Fir space, a Fir app in it, and their telemetry drains.
    pub fn fir_fixtures() -> Self {
        let mut mock = HerokuMock::fixtures();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/heroku_fir");
        load(&root, &root, &mut mock.routes);
        mock
    }

    pub fn hits_of(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
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
        let route = match rel.to_str().unwrap() {
            "rate-limits" => "/account/rate-limits".to_string(),
            other => format!("/{other}"),
        };
        let text = std::fs::read_to_string(&path).unwrap();
        routes.insert(route, serde_json::from_str(&text).unwrap());
    }
}

/// Wraps the mock so tests keep a handle on it while wiremock owns a copy.
#[derive(Clone)]
pub struct Shared(pub Arc<HerokuMock>);

fn error(status: u16, id: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "id": id, "message": message, "url": "https://devcenter.heroku.com/articles/platform-api-reference"
    }))
}

impl Respond for Shared {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let m = &self.0;
        let path = req.url.path().to_string();
        m.hits.lock().unwrap().push(path.clone());
        let header = |name: &str| {
            req.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let authorized = header("authorization")
            .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string))
            .is_some_and(|t| m.tokens.contains(&t));
        if !authorized {
            return error(401, "unauthorized", "Invalid credentials provided.").set_delay(m.delay);
        }
        // The telemetry drain endpoints are read with the `3.sdk` variant, as the Heroku
        // CLI does; the mock insists on exactly the variant each endpoint is read with.
        let accept = if path.ends_with("/telemetry-drains") {
            "application/vnd.heroku+json; version=3.sdk"
        } else {
            "application/vnd.heroku+json; version=3"
        };
        if header("accept").as_deref() != Some(accept) {
            return error(
                406,
                "not_acceptable",
                &format!("Set Accept: {accept} header and try again."),
            );
        }
        let remaining = if path == "/account/rate-limits" {
            m.remaining.load(Ordering::SeqCst)
        } else {
            m.remaining.fetch_sub(1, Ordering::SeqCst) - 1
        };
        if path == "/account/rate-limits" {
            // The live counter, in the schema's shape (the fixture file shows it).
            return ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "remaining": remaining }))
                .set_delay(m.delay);
        }
        let templated = || {
            let (app, tail) = path.strip_prefix("/apps/")?.split_once('/')?;
            let template = m.detail_template.as_ref()?;
            (app != template)
                .then(|| m.routes.get(&format!("/apps/{template}/{tail}")))
                .flatten()
        };
        let Some(body) = m.routes.get(&path).or_else(templated) else {
            return error(404, "not_found", "Couldn't find that resource.")
                .append_header("RateLimit-Remaining", remaining.to_string())
                .set_delay(m.delay);
        };
        let (status, body, next_range, content_range) = match body {
            Value::Array(items) => page(items, header("range").as_deref(), m.max_page),
            other => (200, other.clone(), None, None),
        };
        // A strong validator of exactly these bytes, as Heroku's ETags are.
        let text = serde_json::to_string(&body).unwrap();
        let etag = format!("\"{:016x}\"", fnv1a(text.as_bytes()));
        if header("if-none-match").as_deref() == Some(etag.as_str()) {
            m.not_modified.fetch_add(1, Ordering::SeqCst);
            let remaining = if m.not_modified_is_free {
                m.remaining.fetch_add(1, Ordering::SeqCst) + 1
            } else {
                remaining
            };
            return ResponseTemplate::new(304)
                .append_header("RateLimit-Remaining", remaining.to_string())
                .append_header("ETag", etag)
                .set_delay(m.delay);
        }
        let mut template = ResponseTemplate::new(status)
            .set_body_raw(text, "application/json")
            .append_header("RateLimit-Remaining", remaining.to_string())
            .append_header("ETag", etag)
            .set_delay(m.delay);
        if let Some(next) = next_range {
            template = template.append_header("Next-Range", next);
        }
        if let Some(range) = content_range {
            template = template.append_header("Content-Range", range);
        }
        template
    }
}

/// FNV-1a: a stable hash for ETags (std's hasher is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Heroku-style paging of `items` for a `Range` header: status, body, `Next-Range`, and
/// `Content-Range` as Heroku sends it (`id <first>..<last>; max=<n>`, no total).
fn page(
    items: &[Value],
    range: Option<&str>,
    cap: usize,
) -> (u16, Value, Option<String>, Option<String>) {
    let mut items: Vec<&Value> = items.iter().collect();
    let (mut field, mut start, mut max, mut desc) = ("id".to_string(), String::new(), 200, false);
    if let Some(r) = range {
        let (head, params) = r.split_once(';').unwrap_or((r, ""));
        let (f, bounds) = head.trim().split_once(' ').unwrap_or((head.trim(), ""));
        field = f.to_string();
        start = bounds.split("..").next().unwrap_or("").trim().to_string();
        for p in params.split(',') {
            match p.trim().split_once('=') {
                Some(("max", n)) => max = n.trim().parse().unwrap(),
                Some(("order", o)) => desc = o.trim() == "desc",
                _ => {}
            }
        }
    }
    if desc {
        items.sort_by(|a, b| b[&field].as_i64().cmp(&a[&field].as_i64()));
    }
    let from = match start.strip_prefix(']') {
        Some(after) => items
            .iter()
            .position(|i| i[&field].as_str() == Some(after))
            .map_or(items.len(), |p| p + 1),
        None => 0,
    };
    let size = max.min(cap);
    let end = (from + size).min(items.len());
    let served = &items[from..end];
    let bound = |v: Option<&&Value>| v.map(|i| i[&field].to_string().trim_matches('"').to_string());
    let content_range = format!(
        "{field} {}..{}; max={size}",
        bound(served.first()).unwrap_or_default(),
        bound(served.last()).unwrap_or_default()
    );
    let body = Value::Array(served.iter().map(|v| (*v).clone()).collect());
    if end < items.len() && !desc {
        let last = items[end - 1][&field].as_str().unwrap_or_default();
        (
            206,
            body,
            Some(format!("{field} ]{last}..; max={max}")),
            Some(content_range),
        )
    } else {
        (200, body, None, Some(content_range))
    }
}
