//! Faulty Heroku answers for wiremock, in the live API's shapes: 429s that empty the pool,
//! endless paging, 503 storms. Included by tests/heroku_faults.rs (with `#[path]`, next
//! to `mod common`).
#![allow(dead_code)]

use crate::common::heroku_mock::{HerokuMock, Shared};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::{Request, Respond, ResponseTemplate};

/// Heroku's 429: `rate_limit`, `RateLimit-Remaining: 0`, and a `Retry-After`.
pub fn too_many_requests(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .append_header("RateLimit-Remaining", "0")
        .append_header("Retry-After", retry_after)
        .set_body_json(json!({
            "id": "rate_limit",
            "message": "Your account reached the API rate limit. Please wait a few minutes before making new requests",
            "url": "https://devcenter.heroku.com/articles/platform-api-reference#rate-limits"
        }))
}

/// A 429 that also drains the mock's pool to `left`: other clients spent it, and every
/// later answer (and the re-read of `/account/rate-limits`) says so.
pub struct DrainingLimit {
    pub mock: Arc<HerokuMock>,
    pub left: i64,
}

impl Respond for DrainingLimit {
    fn respond(&self, _req: &Request) -> ResponseTemplate {
        self.mock.remaining.store(self.left, Ordering::SeqCst);
        too_many_requests("0")
    }
}

/// A list that never ends: every answer is a 206 with a `Next-Range` never sent before.
/// `fresh_ids`: each page brings new ids (else the same `items` every time);
/// `content_range`: the header to send, `{n}` replaced by the page number.
pub struct EndlessPages {
    pub items: Vec<Value>,
    pub fresh_ids: bool,
    pub content_range: Option<String>,
    pub served: AtomicUsize,
}

impl EndlessPages {
    pub fn new(items: Vec<Value>) -> Self {
        EndlessPages {
            items,
            fresh_ids: false,
            content_range: None,
            served: AtomicUsize::new(0),
        }
    }
}

impl Respond for EndlessPages {
    fn respond(&self, _req: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        let items: Vec<Value> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut item = item.clone();
                if self.fresh_ids {
                    item["id"] = json!(format!("00000000-0000-4000-a000-{n:06}{i:06}"));
                    item["name"] = json!(format!("ghost-{n}-{i}"));
                }
                item
            })
            .collect();
        let mut t = ResponseTemplate::new(206)
            .set_body_json(Value::Array(items))
            .append_header("RateLimit-Remaining", "4400")
            .append_header("Next-Range", format!("id ]page-{n:06}..; max=1000"));
        if let Some(range) = &self.content_range {
            t = t.append_header("Content-Range", range.replace("{n}", &n.to_string()));
        }
        t
    }
}

/// Every other request answers 503 (in arrival order): a storm that retries ride out
/// unless a request draws the 503 on every attempt.
pub struct Storm {
    pub mock: Arc<HerokuMock>,
    pub seen: AtomicUsize,
}

impl Respond for Storm {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            return ResponseTemplate::new(503).set_body_json(json!({
                "id": "unavailable", "message": "Service temporarily unavailable"
            }));
        }
        Shared(self.mock.clone()).respond(req)
    }
}
