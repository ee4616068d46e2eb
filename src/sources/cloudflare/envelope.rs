//! Cloudflare's v4 response envelope (`success`, `errors`, `messages`, `result`,
//! `result_info`) and the paging decisions it drives.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::sources::http::ApiErrorBody;

/// One `errors[]` / `messages[]` item: `code` (≥ 1000 per the spec) and `message`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message {
    pub code: Option<i64>,
    pub message: Option<String>,
}

/// `result_info`. Numbers are JSON `number` in the spec, so they are read as floats.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResultInfo {
    pub per_page: Option<f64>,
    pub total_count: Option<f64>,
    /// In the current envelope (`cloudflare-common.yaml`), not in the 2024 spec.
    pub total_pages: Option<f64>,
    /// Cursor paging (R2 buckets and newer lists): the next page's cursor.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub success: Option<bool>,
    #[serde(default)]
    pub errors: Vec<Message>,
    pub result: Option<T>,
    pub result_info: Option<ResultInfo>,
}

impl<T: DeserializeOwned> Envelope<T> {
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

/// The errors of an envelope as one line: `message (code 10000); message (code 9109)`.
/// The first code becomes the error's id, which is what the permission check reads.
pub fn error_body(errors: &[Message]) -> Option<ApiErrorBody> {
    let first = errors.first()?;
    let message = errors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = m.message.as_deref().unwrap_or("(no message)");
            match (i, m.code) {
                (0, _) | (_, None) => text.to_string(),
                (_, Some(code)) => format!("{text} (code {code})"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(ApiErrorBody {
        id: first.code.map(|c| c.to_string()),
        message,
    })
}

/// Decodes a non-2xx body. Only the envelope's `errors` are read, never echoed raw.
pub fn decode_error(status: reqwest::StatusCode, body: &[u8]) -> ApiErrorBody {
    #[derive(Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<Message>,
    }
    serde_json::from_slice::<Errors>(body)
        .ok()
        .and_then(|e| error_body(&e.errors))
        .unwrap_or_else(|| ApiErrorBody {
            id: None,
            message: format!(
                "{} (the body is not a Cloudflare error envelope)",
                status.canonical_reason().unwrap_or("unexpected status")
            ),
        })
}

/// How an endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// One request. A `result_info.cursor` in the answer is still followed: newer API
    /// versions moved some of these lists to cursor paging.
    Single,
    /// `page` and `per_page` (the largest the endpoint allows).
    Pages { per_page: u32 },
    /// `per_page` and `cursor` from `result_info.cursor`.
    Cursor { per_page: u32 },
}

/// What to request after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Page(u32),
    Cursor(String),
    Done,
}

/// Decides the next request from the page just read (`page`, `got` items).
pub fn next(paging: Paging, info: Option<&ResultInfo>, page: u32, got: usize) -> Next {
    if got == 0 {
        return Next::Done;
    }
    let Some(info) = info else {
        return Next::Done;
    };
    let cursor = info.cursor.as_deref().filter(|c| !c.is_empty());
    match paging {
        Paging::Single | Paging::Cursor { .. } => match cursor {
            Some(c) => Next::Cursor(c.to_string()),
            None => Next::Done,
        },
        Paging::Pages { per_page } => {
            // The server may cap the page size below what was asked for.
            let size = info
                .per_page
                .filter(|p| *p >= 1.0)
                .unwrap_or(per_page as f64);
            let more = match (info.total_pages, info.total_count) {
                (Some(pages), _) => (page as f64) < pages,
                _ if (got as f64) < size => false,
                (None, Some(total)) => (page as f64) * size < total,
                // No totals and a full page: the next page tells (empty means done).
                (None, None) => true,
            };
            if more {
                Next::Page(page + 1)
            } else {
                Next::Done
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(v: serde_json::Value) -> ResultInfo {
        serde_json::from_value(v).unwrap()
    }

    const PAGES: Paging = Paging::Pages { per_page: 5000 };

    #[test]
    fn page_paging_follows_total_pages_then_total_count_then_full_pages() {
        let i = info(
            serde_json::json!({"page": 1, "per_page": 5000, "count": 5000, "total_count": 12000, "total_pages": 3}),
        );
        assert_eq!(next(PAGES, Some(&i), 1, 5000), Next::Page(2));
        assert_eq!(next(PAGES, Some(&i), 3, 2000), Next::Done);
        // The 2024 spec's result_info has no total_pages; the server capped per_page at 1000.
        let i = info(
            serde_json::json!({"page": 11, "per_page": 1000, "count": 1000, "total_count": 12000}),
        );
        assert_eq!(next(PAGES, Some(&i), 11, 1000), Next::Page(12));
        assert_eq!(next(PAGES, Some(&i), 12, 1000), Next::Done);
        let i = info(serde_json::json!({"page": 2, "per_page": 50, "count": 50}));
        assert_eq!(next(PAGES, Some(&i), 2, 50), Next::Page(3));
        assert_eq!(next(PAGES, Some(&i), 3, 0), Next::Done);
        assert_eq!(
            next(PAGES, Some(&i), 3, 7),
            Next::Done,
            "a short page is the last"
        );
        assert_eq!(next(PAGES, None, 1, 7), Next::Done);
    }

    #[test]
    fn cursors_are_followed_until_none_and_single_lists_follow_them_too() {
        let c = Paging::Cursor { per_page: 1000 };
        let i = info(serde_json::json!({"cursor": "abc", "per_page": 1000}));
        assert_eq!(next(c, Some(&i), 1, 1000), Next::Cursor("abc".into()));
        assert_eq!(
            next(Paging::Single, Some(&i), 1, 3),
            Next::Cursor("abc".into())
        );
        let i = info(serde_json::json!({"cursor": "", "per_page": 1000}));
        assert_eq!(next(c, Some(&i), 2, 4), Next::Done);
        assert_eq!(next(Paging::Single, None, 1, 4), Next::Done);
    }

    #[test]
    fn error_envelopes_become_one_line_with_the_first_code_as_id() {
        let body = br#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"},{"code":9109,"message":"Unauthorized to access requested resource"}],"messages":[],"result":null}"#;
        let e = decode_error(reqwest::StatusCode::FORBIDDEN, body);
        assert_eq!(e.id.as_deref(), Some("10000"));
        assert_eq!(
            e.message,
            "Authentication error; Unauthorized to access requested resource (code 9109)"
        );
        let e = decode_error(reqwest::StatusCode::BAD_GATEWAY, b"<html>oops</html>");
        assert_eq!(e.id, None);
        assert!(e.message.contains("Bad Gateway"), "{}", e.message);
        assert!(!e.message.contains("oops"), "bodies are never echoed");
    }
}
