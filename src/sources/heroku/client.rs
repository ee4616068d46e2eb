//! The Heroku Platform API client for one account: headers, paging, the rate-limit
//! budget, the concurrency bound, and Heroku's error bodies.

use reqwest::header::{ACCEPT, AUTHORIZATION, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH, RANGE};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::budget::RateBudget;
use super::conditional::{self, ResponseCache};
use super::credentials::{Credential, TokenSource};
use super::error::HerokuError;
use super::paging::PageGuard;
use super::range;
use crate::model::CachedResponse;
use crate::sources::http::{
    ApiErrorBody, ApiHooks, HttpClient, HttpError, Response, header_i64, retry_after,
};
use crate::sources::progress::Counters;

const ACCEPT_V3: &str = "application/vnd.heroku+json; version=3";
/// The variant the Heroku CLI's `telemetry` commands send for the telemetry drain
/// endpoints (see `fir.rs`); every other endpoint takes plain version 3.
const ACCEPT_V3_SDK: &str = "application/vnd.heroku+json; version=3.sdk";

/// The `Accept` header for requests of `kind` (the progress label).
fn accept_for(kind: &str) -> Option<HeaderValue> {
    (kind == super::fir::TELEMETRY_KIND).then(|| HeaderValue::from_static(ACCEPT_V3_SDK))
}
/// Re-reads of the pool one settling may make when 429s keep coming.
const RESYNC_TRIES: usize = 3;

/// Whether a request was paid for by a reservation (per-app work) or not (lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paid {
    Reserved,
    Unreserved,
}

/// Reads `RateLimit-Remaining` into the budget and decodes Heroku error bodies.
struct Hooks {
    budget: Arc<Mutex<RateBudget>>,
}

impl ApiHooks for Hooks {
    fn config_section(&self) -> &'static str {
        "heroku"
    }

    fn observe(&self, status: StatusCode, headers: &HeaderMap) {
        let mut budget = self.budget.lock().expect("budget lock");
        if status == StatusCode::TOO_MANY_REQUESTS {
            // Without a Retry-After the pool is re-read at once: the read is free and
            // the server's count, however low, is the truth the floor then applies to.
            budget.rate_limited(retry_after(headers).unwrap_or(Duration::ZERO));
        }
        if let Some(remaining) = header_i64(headers, "ratelimit-remaining") {
            budget.observe(remaining);
        }
    }

    fn error_body(&self, status: StatusCode, body: &[u8]) -> ApiErrorBody {
        #[derive(serde::Deserialize)]
        struct Body {
            id: Option<String>,
            message: Option<String>,
        }
        match serde_json::from_slice::<Body>(body) {
            Ok(Body {
                id,
                message: Some(message),
            }) => ApiErrorBody { id, message },
            _ => ApiErrorBody {
                id: None,
                message: format!(
                    "{} (the body is not a Heroku error document)",
                    status.canonical_reason().unwrap_or("unexpected status")
                ),
            },
        }
    }
}

pub struct HerokuClient {
    http: HttpClient,
    base: Url,
    headers: HeaderMap,
    account: String,
    source: TokenSource,
    budget: Arc<Mutex<RateBudget>>,
    hooks: Hooks,
    permits: Arc<Semaphore>,
    counters: Arc<Counters>,
    responses: Arc<ResponseCache>,
    not_modified: AtomicU64,
    /// One re-read of the pool at a time after a 429; the others wait for its result.
    resync: tokio::sync::Mutex<()>,
}

impl HerokuClient {
    pub fn new(
        http: HttpClient,
        base: Url,
        account: &str,
        credential: &Credential,
        concurrency: usize,
        counters: Arc<Counters>,
        responses: Arc<ResponseCache>,
    ) -> Result<Self, HerokuError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_V3));
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", credential.token.expose()))
            .map_err(|_| HerokuError::Setup {
                account: account.to_string(),
                message: format!(
                    "the token from {} contains characters that cannot go in an HTTP header",
                    credential.source
                ),
            })?;
        // Keeps the header out of reqwest/hyper debug output.
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        let budget = Arc::new(Mutex::new(RateBudget::new(i64::MAX / 4, 0)));
        Ok(HerokuClient {
            http,
            base,
            headers,
            account: account.to_string(),
            source: credential.source.clone(),
            hooks: Hooks {
                budget: budget.clone(),
            },
            budget,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            counters,
            responses,
            not_modified: AtomicU64::new(0),
            resync: tokio::sync::Mutex::new(()),
        })
    }

    /// The account name from the config (`default` without one), for messages.
    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn budget(&self) -> &Arc<Mutex<RateBudget>> {
        &self.budget
    }

    /// Requests answered `304 Not Modified` (from the remembered response) so far.
    pub fn not_modified(&self) -> u64 {
        self.not_modified.load(Ordering::Relaxed)
    }

    pub fn budget_left(&self) -> i64 {
        self.budget.lock().expect("budget lock").left()
    }

    /// `GET /account/rate-limits`: free (not counted against the pool), so it is the
    /// budget's starting point.
    pub async fn rate_limit_remaining(&self) -> Result<i64, HerokuError> {
        #[derive(serde::Deserialize)]
        struct RateLimit {
            remaining: i64,
        }
        // Straight to the HTTP client, not through `request`: the budget's own re-read
        // after a 429 must not wait on the budget.
        let path = "/account/rate-limits";
        let endpoint = format!("GET {path}");
        let url = self.url(path, &endpoint)?;
        let resp = {
            let _permit = self
                .permits
                .acquire()
                .await
                .expect("semaphore never closed");
            self.http
                .get(&url, &self.headers, &endpoint, &self.hooks)
                .await
                .map_err(|e| self.http_error(e))?
        };
        let r: RateLimit = self.parse(path, 1, &resp.body)?;
        self.counters
            .record("rate-limits", 1, 1, Some(self.budget_left()));
        Ok(r.remaining)
    }

    fn url(&self, path: &str, endpoint: &str) -> Result<Url, HerokuError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| HerokuError::Setup {
                account: self.account.clone(),
                message: format!("{endpoint}: cannot build the URL: {e}"),
            })
    }

    /// After a 429: waits for its `Retry-After`, re-reads the pool (free) and lets the
    /// budget trust the server again. Nothing to do without a 429. Must be called holding
    /// no permit: the re-read takes one. If the re-read fails, the budget stays empty and
    /// the floor stops what follows.
    pub async fn settle(&self) {
        if self.resync_due().is_none() {
            return;
        }
        let _one = self.resync.lock().await;
        // Another task may have re-read it meanwhile, or a new 429 moved the time. A few
        // tries at most: a server that keeps answering 429 leaves the budget empty.
        for _ in 0..RESYNC_TRIES {
            let Some(at) = self.resync_due() else {
                return;
            };
            tokio::time::sleep_until(at.into()).await;
            if self.resync_due().is_some_and(|later| later > at) {
                continue;
            }
            let started = Instant::now();
            match self.rate_limit_remaining().await {
                Ok(remaining) => {
                    let mut budget = self.budget.lock().expect("budget lock");
                    // A 429 that arrived while the re-read was out asks for another.
                    if budget.resync_at().is_none_or(|t| t <= started) {
                        budget.resynced(remaining);
                        tracing::info!(account = %self.account, remaining, "rate-limit pool re-read after a 429");
                    }
                }
                Err(e) => {
                    tracing::warn!("{e}; the budget stays at 0 after the 429");
                    break;
                }
            }
        }
        // Not re-read (it failed, or 429s kept coming): nothing to wait for any more, and
        // the empty budget stops what follows at the floor.
        let mut budget = self.budget.lock().expect("budget lock");
        if budget.resync_at().is_some() {
            budget.resync_failed();
        }
    }

    fn resync_due(&self) -> Option<Instant> {
        self.budget.lock().expect("budget lock").resync_at()
    }

    /// One object (`/account`, `/apps/{app}/config-vars`).
    pub async fn get_value<T: DeserializeOwned>(
        &self,
        path: &str,
        kind: &'static str,
        paid: Option<Paid>,
    ) -> Result<T, HerokuError> {
        let resp = self.request(path, None, kind, paid).await?;
        let value = self.parse(path, 1, &resp.body)?;
        self.counters.record(kind, 1, 1, Some(self.budget_left()));
        Ok(value)
    }

    /// A whole list, following `Next-Range` from page to page. `sort` is the range field
    /// (`None` sends no `Range` on the first page, for lists without an `id`). Only the
    /// first page is paid by `paid`; later pages are spent as they come. Items seen on an
    /// earlier page are dropped; [`PageGuard`] stops a list that pages without end.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        kind: &'static str,
        sort: Option<&str>,
        paid: Paid,
    ) -> Result<Vec<T>, HerokuError> {
        let mut out = Vec::new();
        let mut range = sort.map(range::first);
        let mut guard = PageGuard::default();
        let mut paid = paid;
        let paging = |detail: String| HerokuError::Paging {
            account: self.account.clone(),
            endpoint: format!("GET {path}"),
            detail,
        };
        for page in 1.. {
            let resp = self
                .request(path, range.as_deref(), kind, Some(paid))
                .await?;
            paid = Paid::Unreserved;
            let values: Vec<Value> = self.parse(path, page, &resp.body)?;
            let next = (resp.status == StatusCode::PARTIAL_CONTENT)
                .then(|| resp.headers.get("next-range").and_then(|v| v.to_str().ok()))
                .flatten();
            let content_range = resp
                .headers
                .get("content-range")
                .and_then(|v| v.to_str().ok());
            let fresh = guard
                .page(page, content_range, values, next.is_some())
                .map_err(paging)?;
            self.counters
                .record(kind, 1, fresh.len() as u64, Some(self.budget_left()));
            for v in fresh {
                out.push(serde_json::from_value(v).map_err(|e| HerokuError::BadJson {
                    account: self.account.clone(),
                    endpoint: format!("GET {path}"),
                    page,
                    detail: e.to_string(),
                })?);
            }
            let Some(next) = next else {
                return Ok(out);
            };
            range = Some(guard.next(page, next).map_err(paging)?);
        }
        unreachable!("the page loop only ends by returning")
    }

    /// The first page only, for "the newest N" queries (`Range: version ..; order=desc`).
    pub async fn first_page<T: DeserializeOwned>(
        &self,
        path: &str,
        kind: &'static str,
        range: &str,
        paid: Paid,
    ) -> Result<Vec<T>, HerokuError> {
        let resp = self.request(path, Some(range), kind, Some(paid)).await?;
        let items: Vec<T> = self.parse(path, 1, &resp.body)?;
        self.counters
            .record(kind, 1, items.len() as u64, Some(self.budget_left()));
        Ok(items)
    }

    /// One HTTP request under the concurrency bound, paid from the budget. Per-app
    /// endpoints are asked conditionally; a 304 is answered from the remembered response,
    /// so callers always get a body to parse.
    async fn request(
        &self,
        path: &str,
        range: Option<&str>,
        kind: &'static str,
        paid: Option<Paid>,
    ) -> Result<Response, HerokuError> {
        let endpoint = format!("GET {path}");
        let url = self.url(path, &endpoint)?;
        let mut headers = self.headers.clone();
        if let Some(accept) = accept_for(kind) {
            headers.insert(ACCEPT, accept);
        }
        if let Some(r) = range.and_then(|r| HeaderValue::from_str(r).ok()) {
            headers.insert(RANGE, r);
        }
        let conditional = conditional::is_conditional(kind);
        let request_key = match range {
            Some(r) => format!("{endpoint} Range: {r}"),
            None => endpoint.clone(),
        };
        let remembered = conditional
            .then(|| self.responses.get(&self.account, &request_key))
            .flatten();
        if let Some(etag) = remembered
            .as_ref()
            .and_then(|r| HeaderValue::from_str(&r.etag).ok())
        {
            headers.insert(IF_NONE_MATCH, etag);
        }
        let _permit = self.admit(&endpoint, paid).await?;
        let result = self.http.get(&url, &headers, &endpoint, &self.hooks).await;
        if paid == Some(Paid::Reserved) {
            self.budget.lock().expect("budget lock").reserved_done();
        }
        tracing::debug!(account = %self.account, %endpoint, kind, ok = result.is_ok(), "heroku request");
        let resp = result.map_err(|e| self.http_error(e))?;
        if resp.status == StatusCode::NOT_MODIFIED {
            let Some(kept) = remembered else {
                return Err(HerokuError::Http {
                    account: self.account.clone(),
                    error: Box::new(HttpError::Api {
                        endpoint,
                        status: 304,
                        id: None,
                        message: "Not Modified to a request that was not conditional".into(),
                    }),
                });
            };
            self.not_modified.fetch_add(1, Ordering::Relaxed);
            self.responses
                .confirm(&self.account, &request_key, chrono::Utc::now());
            return Ok(replay(kept));
        }
        if conditional {
            self.remember(request_key, kind, &resp);
        }
        Ok(resp)
    }

    /// A permit to send, and for an unreserved request its token, taken only while the
    /// budget stays at or above the floor. A 429 seen while waiting for the permit is
    /// settled first (permit handed back), so the floor applies to the server's count,
    /// not to the 0 a 429 leaves until the pool is re-read.
    async fn admit(
        &self,
        endpoint: &str,
        paid: Option<Paid>,
    ) -> Result<SemaphorePermit<'_>, HerokuError> {
        loop {
            if paid == Some(Paid::Unreserved) {
                self.settle().await;
            }
            let permit = self
                .permits
                .acquire()
                .await
                .expect("semaphore never closed");
            if paid != Some(Paid::Unreserved) {
                return Ok(permit);
            }
            let mut budget = self.budget.lock().expect("budget lock");
            if budget.resync_at().is_some() {
                continue;
            }
            if budget.try_spend_unreserved() {
                return Ok(permit);
            }
            return Err(HerokuError::FloorReached {
                account: self.account.clone(),
                endpoint: endpoint.to_string(),
                left: budget.left(),
                floor: budget.floor(),
            });
        }
    }

    /// Keeps the validator and the sanitised body of a fresh per-app response.
    fn remember(&self, request: String, kind: &str, resp: &Response) {
        let Some(etag) = resp.headers.get(ETAG).and_then(|v| v.to_str().ok()) else {
            return;
        };
        let Some(body) = conditional::sanitise(kind, &resp.body) else {
            return;
        };
        self.responses.put(CachedResponse {
            account: self.account.clone(),
            request,
            etag: etag.to_string(),
            status: resp.status.as_u16(),
            next_range: resp
                .headers
                .get("next-range")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body,
            rules: conditional::rules().to_string(),
            confirmed_at: chrono::Utc::now(),
        });
    }

    fn parse<T: DeserializeOwned>(
        &self,
        path: &str,
        page: usize,
        body: &[u8],
    ) -> Result<T, HerokuError> {
        serde_json::from_slice(body).map_err(|e| HerokuError::BadJson {
            account: self.account.clone(),
            endpoint: format!("GET {path}"),
            page,
            // serde_json's message names line, column and the expected type; for the
            // shapes Ferry reads it never quotes a config var value (those are ignored).
            detail: e.to_string(),
        })
    }

    fn http_error(&self, err: HttpError) -> HerokuError {
        match &err {
            HttpError::Api { status: 401, .. } => HerokuError::Unauthorized {
                account: self.account.clone(),
                token_source: self.source.clone(),
                error: Box::new(err),
            },
            HttpError::Api { id: Some(id), .. } if id == "two_factor" => HerokuError::TwoFactor {
                account: self.account.clone(),
                error: Box::new(err),
            },
            _ => HerokuError::Http {
                account: self.account.clone(),
                error: Box::new(err),
            },
        }
    }
}

/// A remembered response as if it had just arrived: its status, `Next-Range` and body.
fn replay(kept: CachedResponse) -> Response {
    let mut headers = HeaderMap::new();
    if let Some(next) = kept
        .next_range
        .as_deref()
        .and_then(|n| HeaderValue::from_str(n).ok())
    {
        headers.insert("next-range", next);
    }
    Response {
        status: StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK),
        headers,
        body: kept.body,
    }
}
