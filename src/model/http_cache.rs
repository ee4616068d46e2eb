//! Responses kept for conditional requests (`ETag` / `If-None-Match`).
//!
//! A source stores the validator of a response and a *sanitised* copy of its body (only
//! the fields Ferry maps, secrets removed), so a later `304 Not Modified` can be parsed
//! as if the body had come again. Nothing a snapshot would not hold is ever kept here.

use chrono::{DateTime, Utc};

/// One remembered response of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResponse {
    /// The account label the request was made for (tokens differ per account).
    pub account: String,
    /// The request: method, path and any `Range` header, e.g.
    /// `GET /apps/api/formation Range: id ..; max=1000`.
    pub request: String,
    /// The `ETag` header of the response, sent back as `If-None-Match`.
    pub etag: String,
    /// The status the body came with (200, or 206 for a page with more after it).
    pub status: u16,
    /// The `Next-Range` header of a 206 page.
    pub next_range: Option<String>,
    /// The sanitised body.
    pub body: Vec<u8>,
    /// A fingerprint of the sanitising rules that made `body`. A copy made under other
    /// rules (an older Ferry kept a field this one drops, or lacks one it shows) is thrown
    /// away rather than replayed.
    pub rules: String,
    /// When the body was last confirmed current (a 200 or a 304).
    pub confirmed_at: DateTime<Utc>,
}
