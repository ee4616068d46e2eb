//! One organisation's client: `Authorization: Token …` (and never an `x-semaphore*`
//! header: the API answers those with 404), the shared retrying HTTP client, a bound on
//! requests in flight, and the three paging styles Semaphore's endpoints use.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Url, header::LINK};
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore as Gate;

use crate::sources::http::{ApiErrorBody, ApiHooks, HttpClient, HttpError};
use crate::sources::lookup::Token;
use crate::sources::progress::Counters;

/// Pages any one list may take before Ferry stops (a server that never says "done").
const MAX_PAGES: usize = 200;

/// Why one request or list could not be read.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The token was refused (401): every other request would be too.
    Unauthorized(String),
    /// Not permitted, not enabled, or not visible to this token (403, 404, 400 on a
    /// feature that is off): that one part is unavailable.
    Unavailable(String),
    /// A fault: 5xx, timeouts or 429 past the retries, a body Ferry does not recognise.
    Failed(String),
}

impl ApiError {
    pub fn message(&self) -> &str {
        match self {
            ApiError::Unauthorized(m) | ApiError::Unavailable(m) | ApiError::Failed(m) => m,
        }
    }
}

struct Hooks;

impl ApiHooks for Hooks {
    /// Semaphore's errors are plain text (`Unauthorized`), `{"message"}` or a gRPC status
    /// `{"code", "message"}`. Only a short single line is kept: a body may echo input.
    fn error_body(&self, status: StatusCode, body: &[u8]) -> ApiErrorBody {
        let text = String::from_utf8_lossy(body);
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let message = json
            .as_ref()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .or_else(|| json.as_ref().and_then(|v| v.as_str().map(str::to_string)))
            .unwrap_or_else(|| text.trim().to_string());
        let mut message: String = message.lines().next().unwrap_or_default().to_string();
        if message.chars().count() > 160 {
            message = message.chars().take(160).collect::<String>() + "…";
        }
        if message.is_empty() {
            message = status.canonical_reason().unwrap_or("error").to_string();
        }
        ApiErrorBody { id: None, message }
    }

    fn config_section(&self) -> &'static str {
        "semaphore"
    }
}

/// A client for one organisation. Cheap to clone.
#[derive(Clone)]
pub struct OrgClient {
    pub org: String,
    /// Where the token came from (an environment variable, `~/.sem.yaml`), for messages.
    pub token_from: String,
    base: Url,
    http: HttpClient,
    headers: HeaderMap,
    gate: Arc<Gate>,
    pub counters: Arc<Counters>,
}

impl OrgClient {
    pub fn new(
        org: &str,
        token_from: &str,
        base: Url,
        token: &Token,
        http: HttpClient,
        concurrency: usize,
        counters: Arc<Counters>,
    ) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        let mut auth =
            HeaderValue::from_str(&format!("Token {}", token.expose())).map_err(|_| {
                format!("the Semaphore token from {token_from} is not a valid header value")
            })?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Ok(OrgClient {
            org: org.to_string(),
            token_from: token_from.to_string(),
            base,
            http,
            headers,
            gate: Arc::new(Gate::new(concurrency.max(1))),
            counters,
        })
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// One GET under the concurrency bound; `endpoint` names it in errors (no query).
    async fn send(&self, url: &Url, endpoint: &str) -> Result<(HeaderMap, Vec<u8>), ApiError> {
        let _permit = self.gate.acquire().await.expect("gate open");
        // The path only: the query holds ids and tokens of pages, never worth a log line.
        tracing::debug!(org = %self.org, path = url.path(), "Semaphore request");
        match self.http.get(url, &self.headers, endpoint, &Hooks).await {
            Ok(resp) => Ok((resp.headers, resp.body)),
            Err(HttpError::Api {
                status: 401,
                message,
                ..
            }) => Err(ApiError::Unauthorized(format!(
                "Semaphore organisation `{}` refused the token from {} ({endpoint}: HTTP 401 \
                 {message}); set a valid API token there",
                self.org, self.token_from
            ))),
            Err(e @ HttpError::Api { .. }) => Err(ApiError::Unavailable(e.to_string())),
            Err(e) => Err(ApiError::Failed(e.to_string())),
        }
    }

    fn decode<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, ApiError> {
        serde_json::from_slice(body).map_err(|e| {
            // serde's message names the field and position, never the body's values.
            ApiError::Failed(format!("{endpoint}: unrecognised response body: {e}"))
        })
    }

    /// One object.
    pub async fn get<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        path: &str,
        query: &[(&str, String)],
        endpoint: &str,
    ) -> Result<T, ApiError> {
        let (_, body) = self.send(&self.url(path, query), endpoint).await?;
        self.counters.record(kind, 1, 0, None);
        Self::decode(endpoint, &body)
    }

    /// A JSON-array list paged with `page` and `x-has-more: true` (projects).
    pub async fn list_has_more<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        path: &str,
        endpoint: &str,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        for page in 1..=MAX_PAGES {
            let url = self.url(path, &[("page", page.to_string())]);
            let (headers, body) = self.send(&url, endpoint).await?;
            let items: Vec<T> = Self::decode(endpoint, &body)?;
            self.counters.record(kind, 1, items.len() as u64, None);
            out.extend(items);
            let more = headers
                .get("x-has-more")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if !more {
                return Ok(out);
            }
        }
        Err(too_many_pages(endpoint))
    }

    /// A JSON-array list paged by `Link: <…>; rel="next"` (pipelines, tasks, workflows).
    /// The next link's query is followed on this client's base (a proxy or test server
    /// may rewrite hosts); `items_kind` counts items only (a list whose items are counted
    /// elsewhere passes the same kind).
    pub async fn list_linked<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        path: &str,
        query: &[(&str, String)],
        endpoint: &str,
    ) -> Result<Vec<T>, ApiError> {
        let mut url = self.url(path, query);
        let mut out = Vec::new();
        for _ in 0..MAX_PAGES {
            let (headers, body) = self.send(&url, endpoint).await?;
            let items: Vec<T> = Self::decode(endpoint, &body)?;
            self.counters.record(kind, 1, items.len() as u64, None);
            out.extend(items);
            match next_link(&headers).and_then(|n| self.rebase(&n)) {
                Some(next) if next != url => url = next,
                _ => return Ok(out),
            }
        }
        Err(too_many_pages(endpoint))
    }

    /// An object list paged by `page_token` / `next_page_token` (secrets, notifications).
    /// `items` picks the list out of one page.
    pub async fn list_tokens<P: DeserializeOwned, T>(
        &self,
        kind: &'static str,
        path: &str,
        endpoint: &str,
        items: impl Fn(P) -> (Vec<T>, String),
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        let mut token = String::new();
        for _ in 0..MAX_PAGES {
            let mut query = vec![("page_size", "100".to_string())];
            if !token.is_empty() {
                query.push(("page_token", token.clone()));
            }
            let (_, body) = self.send(&self.url(path, &query), endpoint).await?;
            let (page, next) = items(Self::decode(endpoint, &body)?);
            self.counters.record(kind, 1, page.len() as u64, None);
            out.extend(page);
            if next.is_empty() || next == token {
                return Ok(out);
            }
            token = next;
        }
        Err(too_many_pages(endpoint))
    }

    /// A next link's path and query on this client's base.
    fn rebase(&self, link: &str) -> Option<Url> {
        let parsed = Url::parse(link).or_else(|_| self.base.join(link)).ok()?;
        let mut url = self.base.clone();
        url.set_path(parsed.path());
        url.set_query(parsed.query());
        Some(url)
    }
}

fn too_many_pages(endpoint: &str) -> ApiError {
    ApiError::Failed(format!(
        "{endpoint}: still paging after {MAX_PAGES} pages; stopped"
    ))
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(LINK)?.to_str().ok()?;
    value.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let mut h = HeaderMap::new();
        h.insert(
            LINK,
            HeaderValue::from_static(
                "<https://a.semaphoreci.com/api/v1alpha/pipelines?page=1>; rel=\"first\", <https://a.semaphoreci.com/api/v1alpha/pipelines?page=3>; rel=\"next\"",
            ),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://a.semaphoreci.com/api/v1alpha/pipelines?page=3")
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
