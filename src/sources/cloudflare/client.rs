//! The Cloudflare API v4 client for one credential: authentication headers, the envelope,
//! page and cursor paging, the shared rate limiter, and the concurrency bound.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::Semaphore;

use super::credentials::{Auth, Credential, CredentialSource};
use super::envelope::{self, Envelope, Next, Paging, Unusable};
use super::error::CloudflareError;
use crate::sources::allowlist::Obj;
use crate::sources::http::{ApiErrorBody, ApiHooks, HttpClient, HttpError, Response, retry_after};
use crate::sources::progress::Counters;
use crate::sources::ratelimit::{RateLimiter, parse_ratelimit};

/// A guard against a server that never stops paging.
const MAX_PAGES: u32 = 10_000;

/// Feeds `Ratelimit` and 429s to the limiter and decodes error envelopes.
struct Hooks {
    limiter: Arc<RateLimiter>,
}

impl ApiHooks for Hooks {
    fn config_section(&self) -> &'static str {
        "cloudflare"
    }

    fn observe(&self, status: StatusCode, headers: &HeaderMap) {
        let count = headers
            .get("ratelimit")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_ratelimit);
        if status == StatusCode::TOO_MANY_REQUESTS {
            // Every request waits, not just this one: past the quota, all calls fail. For
            // as long as this answer says, not the reset earlier answers named.
            self.limiter.refused(retry_after(headers), count);
        } else if let Some((remaining, reset)) = count {
            self.limiter.observe(remaining, reset);
        }
    }

    fn error_body(&self, status: StatusCode, body: &[u8]) -> ApiErrorBody {
        envelope::decode_error(status, body)
    }

    fn limiter(&self) -> Option<&RateLimiter> {
        Some(&self.limiter)
    }
}

pub struct CloudflareClient {
    http: HttpClient,
    base: Url,
    headers: HeaderMap,
    account: String,
    source: CredentialSource,
    hooks: Hooks,
    permits: Semaphore,
    counters: Arc<Counters>,
}

impl CloudflareClient {
    pub fn new(
        http: HttpClient,
        base: Url,
        account: &str,
        credential: &Credential,
        limiter: Arc<RateLimiter>,
        concurrency: usize,
        counters: Arc<Counters>,
    ) -> Result<Self, CloudflareError> {
        let setup = |what: &str| CloudflareError::Setup {
            account: account.to_string(),
            message: format!(
                "{what} from {} contains characters that cannot go in an HTTP header",
                credential.source
            ),
        };
        let secret = |v: &str, what: &str| {
            let mut h = HeaderValue::from_str(v).map_err(|_| setup(what))?;
            // Keeps the value out of reqwest/hyper debug output.
            h.set_sensitive(true);
            Ok::<_, CloudflareError>(h)
        };
        let mut headers = HeaderMap::new();
        match &credential.auth {
            Auth::Token(t) => {
                headers.insert(
                    AUTHORIZATION,
                    secret(&format!("Bearer {}", t.expose()), "the token")?,
                );
            }
            Auth::Key { key, email } => {
                headers.insert(
                    HeaderName::from_static("x-auth-key"),
                    secret(key.expose(), "the key")?,
                );
                headers.insert(
                    HeaderName::from_static("x-auth-email"),
                    secret(email, "the email")?,
                );
            }
        }
        Ok(CloudflareClient {
            http,
            base,
            headers,
            account: account.to_string(),
            source: credential.source.clone(),
            hooks: Hooks { limiter },
            permits: Semaphore::new(concurrency.max(1)),
            counters,
        })
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Requests the shared limiter allows right now.
    pub fn budget_left(&self) -> i64 {
        self.hooks.limiter.left()
    }

    /// One object (`/user/tokens/verify`, a ruleset).
    pub async fn get(&self, segments: &[&str], kind: &'static str) -> Result<Obj, CloudflareError> {
        let resp = self.request(segments, &[]).await?;
        let obj = Envelope::parse(&resp.body).and_then(Envelope::object);
        let obj = obj.map_err(|u| self.unusable(segments, 1, &resp, u))?;
        self.counters.record(kind, 1, 1, Some(self.budget_left()));
        Ok(obj)
    }

    /// A whole list, page by page or cursor by cursor.
    pub async fn list(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
        paging: Paging,
        kind: &'static str,
    ) -> Result<Vec<Obj>, CloudflareError> {
        self.list_in(segments, query, paging, kind, None).await
    }

    /// A list whose `result` may also be an object holding the array under `key` (R2).
    pub async fn list_in(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
        paging: Paging,
        kind: &'static str,
        key: Option<&str>,
    ) -> Result<Vec<Obj>, CloudflareError> {
        let mut out = Vec::new();
        let mut page = 1u32;
        let mut cursor: Option<String> = None;
        let mut seen_cursors = HashSet::new();
        for n in 1..=MAX_PAGES {
            let mut q: Vec<(&str, String)> =
                query.iter().map(|(k, v)| (*k, v.to_string())).collect();
            match paging {
                Paging::Pages { per_page } => {
                    q.push(("page", page.to_string()));
                    q.push(("per_page", per_page.to_string()));
                }
                Paging::Cursor { per_page } => q.push(("per_page", per_page.to_string())),
                Paging::Single => {}
            }
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let resp = self.request(segments, &q).await?;
            let (items, info) = Envelope::parse(&resp.body)
                .and_then(|env| env.items(key))
                .map_err(|u| self.unusable(segments, n as usize, &resp, u))?;
            let got = items.len();
            self.counters
                .record(kind, 1, got as u64, Some(self.budget_left()));
            out.extend(items);
            match envelope::next(paging, info.as_ref(), page, got) {
                Next::Done => return Ok(out),
                Next::Page(p) => page = p,
                Next::Cursor(c) => {
                    if !seen_cursors.insert(c.clone()) {
                        return Err(self.paging(segments, format!("cursor repeated on page {n}")));
                    }
                    cursor = Some(c);
                }
            }
        }
        Err(self.paging(segments, format!("more than {MAX_PAGES} pages")))
    }

    fn endpoint(segments: &[&str]) -> String {
        format!("GET /{}", segments.join("/"))
    }

    /// One HTTP request under the concurrency bound (and, inside, the rate limiter).
    async fn request(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> Result<Response, CloudflareError> {
        let endpoint = Self::endpoint(segments);
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| CloudflareError::Setup {
                account: self.account.clone(),
                message: format!("the API URL {} cannot take a path", self.base),
            })?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let _permit = self.permits.acquire().await.expect("never closed");
        let result = self
            .http
            .get(&url, &self.headers, &endpoint, &self.hooks)
            .await;
        tracing::debug!(account = %self.account, %endpoint, ok = result.is_ok(), "cloudflare request");
        result.map_err(|e| self.http_error(e))
    }

    /// A 2xx body that is not an answer: `success: false` is an API error like any other;
    /// invalid JSON or an unexpected shape is a body not recognised (never an empty list).
    fn unusable(
        &self,
        segments: &[&str],
        page: usize,
        resp: &Response,
        u: Unusable,
    ) -> CloudflareError {
        let (account, endpoint) = (self.account.clone(), Self::endpoint(segments));
        match u {
            Unusable::Failed(errors) => {
                let body = envelope::error_body(&errors).unwrap_or(ApiErrorBody {
                    id: None,
                    message: "`success` is false and `errors` is empty".into(),
                });
                self.http_error(HttpError::Api {
                    endpoint,
                    status: resp.status.as_u16(),
                    id: body.id,
                    message: body.message,
                })
            }
            // serde_json's message names line, column and the expected type, never a value.
            Unusable::Json(detail) => CloudflareError::BadJson {
                account,
                endpoint,
                page,
                detail,
            },
            Unusable::Shape(detail) => CloudflareError::BadBody {
                account,
                endpoint,
                page,
                detail,
            },
        }
    }

    fn paging(&self, segments: &[&str], detail: String) -> CloudflareError {
        CloudflareError::Paging {
            account: self.account.clone(),
            endpoint: Self::endpoint(segments),
            detail,
        }
    }

    fn http_error(&self, err: HttpError) -> CloudflareError {
        match err {
            HttpError::Api { status: 401, .. } => CloudflareError::Rejected {
                account: self.account.clone(),
                source_: self.source.clone(),
                error: Box::new(err),
            },
            _ => CloudflareError::Http {
                account: self.account.clone(),
                error: Box::new(err),
            },
        }
    }
}
