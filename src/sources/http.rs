//! HTTP plumbing shared by the API sources (Heroku, Cloudflare): one reqwest client with
//! timeouts, retries with exponential backoff and jitter bounded by a deadline, 429
//! handling, an optional client-side rate limiter, and a request counter. What differs per
//! provider (rate-limit headers, the shape of error bodies, a request quota) comes in
//! through [`ApiHooks`].
//!
//! Bodies are never logged here: a Heroku config-vars body is nothing but secret values.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::ratelimit::RateLimiter;

/// When to retry and for how long.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The first backoff; each further retry doubles it (with jitter) up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts later than this after the first attempt.
    pub deadline: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            deadline: Duration::from_secs(120),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with "equal jitter": half the step fixed, half random, so many
    /// clients retrying at once spread out but none retries immediately.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let step = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Whole request, headers and body.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
}

impl HttpSettings {
    /// The settings a source's config section gives (`request_timeout_secs`,
    /// `retry_base_delay_ms`, `retry_deadline_secs`); the rest as by default.
    pub fn from_config(
        request_timeout_secs: u64,
        retry_base_delay_ms: u64,
        retry_deadline_secs: u64,
    ) -> Self {
        HttpSettings {
            request_timeout: Duration::from_secs(request_timeout_secs),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(retry_base_delay_ms),
                deadline: Duration::from_secs(retry_deadline_secs),
                ..RetryPolicy::default()
            },
            ..HttpSettings::default()
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
        }
    }
}

/// A provider's error body, reduced to what a user needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiErrorBody {
    /// The provider's error code (`unauthorized`, `rate_limit`), when it has one.
    pub id: Option<String>,
    pub message: String,
}

/// Provider-specific behaviour plugged into the shared client.
pub trait ApiHooks: Send + Sync {
    /// Sees every response's status and headers (before retries), e.g. to read a
    /// rate-limit budget.
    fn observe(&self, _status: StatusCode, _headers: &HeaderMap) {}

    /// How long to wait before retrying a 429; `None` uses the backoff.
    fn rate_limit_delay(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after(headers)
    }

    /// Decodes an error body. Must not echo the body itself: it may hold secrets.
    fn error_body(&self, status: StatusCode, body: &[u8]) -> ApiErrorBody;

    /// The config section whose settings govern these requests (`heroku`), so a timeout
    /// can name the key that changes it. Empty: the message names the key alone.
    fn config_section(&self) -> &'static str {
        ""
    }

    /// A limiter every attempt (retries included) must pass before it is sent, for APIs
    /// with a hard request quota. `None`: no client-side limit.
    fn limiter(&self) -> Option<&RateLimiter> {
        None
    }
}

/// A finished response with its body read.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    /// The provider answered with an error that retrying will not fix (4xx other than 429).
    #[error("{endpoint}: HTTP {status}{}: {message}", id.as_deref().map(|i| format!(" {i}")).unwrap_or_default())]
    Api {
        endpoint: String,
        status: u16,
        id: Option<String>,
        message: String,
    },
    /// Timeouts, connection failures, 5xx or 429 until the retry deadline.
    #[error("{endpoint}: {detail} (gave up after {attempts} attempt(s) in {elapsed_secs:.1} s)")]
    GaveUp {
        endpoint: String,
        attempts: u32,
        elapsed_secs: f64,
        detail: String,
        /// The last refusal was the rate limit (a 429, or a limiter pause past the
        /// deadline): every other request would meet it too, unlike a 5xx or a timeout
        /// of this one request.
        rate_limited: bool,
    },
}

impl HttpError {
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Api { status, .. } => Some(*status),
            HttpError::GaveUp { .. } => None,
        }
    }
}

/// The shared client. Cheap to clone; clones share the connection pool and the counter.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: Arc<HttpSettings>,
    requests: Arc<AtomicU64>,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .connect_timeout(settings.connect_timeout)
            .user_agent(concat!("ferry/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(HttpClient {
            client,
            settings: Arc::new(settings),
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    /// HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GETs `url`, retrying 429, 5xx, timeouts and connection errors with backoff until
    /// the policy's deadline. 2xx and 304 are returned; other statuses are [`HttpError::Api`].
    /// `endpoint` names the request in errors and logs (`GET /apps`): never the full URL
    /// with its query, never a header.
    pub async fn get(
        &self,
        url: &Url,
        headers: &HeaderMap,
        endpoint: &str,
        hooks: &dyn ApiHooks,
    ) -> Result<Response, HttpError> {
        let policy = &self.settings.retry;
        let start = Instant::now();
        // Time spent queuing for the limiter's pacing is not time spent retrying: a request
        // that waited minutes for its turn still gets its whole deadline. A 429's pause
        // is not pacing: it counts, and one longer than what is left fails at once.
        let mut queued = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // Held until the response is read, so the limiter knows what is in flight.
            let permit = match hooks.limiter() {
                Some(limiter) => {
                    let elapsed = start.elapsed().saturating_sub(queued);
                    let left = policy.deadline.saturating_sub(elapsed);
                    let permit =
                        limiter
                            .acquire_within(left)
                            .await
                            .map_err(|e| HttpError::GaveUp {
                                endpoint: endpoint.to_string(),
                                attempts: attempt - 1,
                                elapsed_secs: elapsed.as_secs_f64(),
                                detail: e.to_string(),
                                rate_limited: true,
                            })?;
                    queued += permit.paced();
                    Some(permit)
                }
                None => None,
            };
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut rate_limited = false;
            let (detail, wait) = match self.attempt(url, headers, hooks).await {
                Ok(resp) if resp.status.is_success() || resp.status == StatusCode::NOT_MODIFIED => {
                    return Ok(resp);
                }
                Ok(resp) if resp.status == StatusCode::TOO_MANY_REQUESTS => {
                    rate_limited = true;
                    let body = hooks.error_body(resp.status, &resp.body);
                    let wait = hooks
                        .rate_limit_delay(&resp.headers)
                        .unwrap_or_else(|| policy.backoff(attempt));
                    (
                        format!(
                            "rate limited (429, retry after {:.0} s): {}",
                            wait.as_secs_f64().ceil(),
                            body.message
                        ),
                        wait,
                    )
                }
                Ok(resp) if resp.status.is_server_error() => {
                    let body = hooks.error_body(resp.status, &resp.body);
                    (
                        format!("server error {}: {}", resp.status.as_u16(), body.message),
                        policy.backoff(attempt),
                    )
                }
                Ok(resp) => {
                    let body = hooks.error_body(resp.status, &resp.body);
                    return Err(HttpError::Api {
                        endpoint: endpoint.to_string(),
                        status: resp.status.as_u16(),
                        id: body.id,
                        message: body.message,
                    });
                }
                Err(detail) => (detail, policy.backoff(attempt)),
            };
            let elapsed = start.elapsed().saturating_sub(queued);
            if attempt >= policy.max_attempts || elapsed + wait > policy.deadline {
                // The deadline leaves pacing out; say so when that made the request long.
                let detail = match queued.as_secs() {
                    0 => detail,
                    q => format!("{detail}; besides, {q} s waiting for the rate limiter"),
                };
                return Err(HttpError::GaveUp {
                    endpoint: endpoint.to_string(),
                    attempts: attempt,
                    elapsed_secs: elapsed.as_secs_f64(),
                    detail,
                    rate_limited,
                });
            }
            drop(permit);
            tracing::debug!(endpoint, attempt, wait_ms = wait.as_millis() as u64, %detail, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt. Transport failures come back as a description (retried by the caller).
    async fn attempt(
        &self,
        url: &Url,
        headers: &HeaderMap,
        hooks: &dyn ApiHooks,
    ) -> Result<Response, String> {
        let resp = self
            .client
            .get(url.clone())
            .headers(headers.clone())
            .send()
            .await
            .map_err(|e| self.describe(e, url, hooks))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        hooks.observe(status, &headers);
        let body = resp
            .bytes()
            .await
            .map_err(|e| self.describe(e, url, hooks))?
            .to_vec();
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

impl HttpClient {
    /// A transport error with its causes, naming the server (`scheme://host:port`: never
    /// the path's query or a header, which may carry credentials) and, for a timeout, the
    /// setting that allows more time.
    fn describe(&self, err: reqwest::Error, url: &Url, hooks: &dyn ApiHooks) -> String {
        let server = origin(url);
        let setting = match hooks.config_section() {
            "" => "request_timeout_secs".to_string(),
            section => format!("request_timeout_secs in [{section}]"),
        };
        let kind = if err.is_timeout() && err.is_connect() {
            format!(
                "cannot connect to {server}: no answer within {}",
                secs(self.settings.connect_timeout)
            )
        } else if err.is_timeout() {
            format!(
                "{server} did not answer within {} (raise {setting})",
                secs(self.settings.request_timeout)
            )
        } else if err.is_connect() {
            format!("cannot connect to {server}")
        } else {
            format!("request to {server} failed")
        };
        let mut out = kind;
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            out.push_str(": ");
            out.push_str(&s.to_string());
            source = s.source();
        }
        out
    }
}

/// `30 s`, `0.2 s`.
fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `https://api.heroku.com:443`: the server a request went to, without path or query.
fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and falls back to backoff).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// A header as an integer, for rate-limit counters.
pub fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let third = p.backoff(3);
            assert!((200..=400).contains(&third.as_millis()), "{third:?}");
            assert!(p.backoff(30) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(500)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2026 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
    }

    struct Section(&'static str);

    impl ApiHooks for Section {
        fn error_body(&self, _status: StatusCode, _body: &[u8]) -> ApiErrorBody {
            ApiErrorBody {
                id: None,
                message: "error".into(),
            }
        }
        fn config_section(&self) -> &'static str {
            self.0
        }
    }

    fn client(request_timeout: Duration) -> HttpClient {
        HttpClient::new(HttpSettings {
            request_timeout,
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            ..HttpSettings::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_refused_connection_names_the_server_but_not_the_query() {
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url: Url = format!("http://127.0.0.1:{port}/apps?token=FERRY-SECRET")
            .parse()
            .unwrap();
        let err = client(Duration::from_secs(5))
            .get(&url, &HeaderMap::new(), "GET /apps", &Section("heroku"))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "GET /apps: cannot connect to http://127.0.0.1:{port}: "
            )),
            "{err}"
        );
        assert!(!err.contains("FERRY-SECRET") && !err.contains("?"), "{err}");
    }

    #[tokio::test]
    async fn a_timeout_names_the_setting_and_its_section() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let url: Url = format!("{}/zones", server.uri()).parse().unwrap();
        let err = client(Duration::from_millis(200))
            .get(
                &url,
                &HeaderMap::new(),
                "GET /zones",
                &Section("cloudflare"),
            )
            .await
            .unwrap_err()
            .to_string();
        let origin = server.uri();
        assert!(
            err.contains(&format!(
                "{origin} did not answer within 0.2 s (raise request_timeout_secs in [cloudflare])"
            )),
            "{err}"
        );
    }

    #[test]
    fn api_errors_name_the_endpoint_status_and_id() {
        let e = HttpError::Api {
            endpoint: "GET /apps".into(),
            status: 401,
            id: Some("unauthorized".into()),
            message: "Invalid credentials provided.".into(),
        };
        assert_eq!(
            e.to_string(),
            "GET /apps: HTTP 401 unauthorized: Invalid credentials provided."
        );
    }
}
