//! Errors of the Cloudflare source. Each names the configured account and, where there is
//! one, the endpoint, and says what to do. None carries a credential or a response body.

use super::credentials::{CredentialError, CredentialSource};
use crate::sources::http::HttpError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CloudflareError {
    #[error("Cloudflare account `{account}`: {error}")]
    Credentials {
        account: String,
        error: CredentialError,
    },
    #[error("Cloudflare account `{account}`: {source_} was rejected: {error}. {}", source_.fix())]
    Rejected {
        account: String,
        source_: CredentialSource,
        error: Box<HttpError>,
    },
    #[error(
        "Cloudflare account `{account}`: {source_} is {status}, not active (GET /user/tokens/verify). {}",
        source_.fix()
    )]
    Inactive {
        account: String,
        source_: CredentialSource,
        status: String,
    },
    #[error("Cloudflare account `{account}`: {error}")]
    Http {
        account: String,
        error: Box<HttpError>,
    },
    #[error(
        "Cloudflare account `{account}`: {endpoint} (page {page}) returned invalid JSON: {detail}"
    )]
    BadJson {
        account: String,
        endpoint: String,
        page: usize,
        detail: String,
    },
    /// Valid JSON in a 2xx that is not this endpoint's answer: no `success: true`, or a
    /// `result` missing or of another type.
    #[error(
        "Cloudflare account `{account}`: {endpoint} (page {page}): the response body was not recognised: {detail}"
    )]
    BadBody {
        account: String,
        endpoint: String,
        page: usize,
        detail: String,
    },
    #[error("Cloudflare account `{account}`: {endpoint}: paging failed: {detail}")]
    Paging {
        account: String,
        endpoint: String,
        detail: String,
    },
    #[error("Cloudflare account `{account}`: {message}")]
    Setup { account: String, message: String },
}

impl CloudflareError {
    /// Whether the error means "this part cannot be read with this credential" (a missing
    /// permission, a product not enabled on the account or zone) rather than a failure of
    /// the fetch: a 4xx other than 401 (bad credential) and 429 (rate limit).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            CloudflareError::Http { error, .. }
                if matches!(**error, HttpError::Api { status, .. }
                    if (400..500).contains(&status) && status != 401 && status != 429)
        )
    }

    /// Whether the error is a fault of one list's answer (invalid JSON, a body not
    /// recognised, paging that never ends): that part failed, the rest of the fetch stands.
    pub fn is_failed_part(&self) -> bool {
        match self {
            CloudflareError::BadJson { .. }
            | CloudflareError::BadBody { .. }
            | CloudflareError::Paging { .. } => true,
            // A list that kept answering 5xx or timing out, retries spent: that list failed.
            // A rate limit is not one list's fault and still ends the credential at once.
            CloudflareError::Http { error, .. } => matches!(
                **error,
                HttpError::GaveUp {
                    rate_limited: false,
                    ..
                }
            ),
            _ => false,
        }
    }

    /// Unavailable or failed: the error stays with its part (zone or account list).
    pub fn is_part_error(&self) -> bool {
        self.is_unavailable() || self.is_failed_part()
    }

    /// What went wrong without where (`HTTP 403 10000: Authentication error`), so the same
    /// refusal on many zones reads as one.
    pub fn reason(&self) -> String {
        match self {
            CloudflareError::Http { error, .. } => match &**error {
                HttpError::Api {
                    status,
                    id,
                    message,
                    ..
                } => match id {
                    Some(id) => format!("HTTP {status} {id}: {message}"),
                    None => format!("HTTP {status}: {message}"),
                },
                other => other.to_string(),
            },
            other => other.detail(),
        }
    }

    /// The error without the `Cloudflare account …:` prefix, for notes under that account.
    pub fn detail(&self) -> String {
        match self {
            CloudflareError::Http { error, .. } => error.to_string(),
            CloudflareError::BadJson { account, .. }
            | CloudflareError::BadBody { account, .. }
            | CloudflareError::Paging { account, .. } => {
                let full = self.to_string();
                let prefix = format!("Cloudflare account `{account}`: ");
                full.strip_prefix(&prefix).unwrap_or(&full).to_string()
            }
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> CloudflareError {
        CloudflareError::Http {
            account: "prod".into(),
            error: Box::new(HttpError::Api {
                endpoint: "GET /accounts/a/workers/scripts".into(),
                status,
                id: Some("10000".into()),
                message: "Authentication error".into(),
            }),
        }
    }

    #[test]
    fn permission_errors_are_unavailable_parts_and_others_are_failures() {
        assert!(api(403).is_unavailable());
        assert!(api(400).is_unavailable());
        assert!(!api(401).is_unavailable());
        assert!(!api(429).is_unavailable());
        let bad = CloudflareError::BadJson {
            account: "a".into(),
            endpoint: "GET /zones".into(),
            page: 1,
            detail: "x".into(),
        };
        assert!(!bad.is_unavailable());
        assert!(bad.is_failed_part() && bad.is_part_error());
        assert!(api(403).is_part_error() && !api(403).is_failed_part());
        assert!(!api(429).is_part_error());
    }

    #[test]
    fn messages_name_the_account_endpoint_and_code() {
        assert_eq!(
            api(403).to_string(),
            "Cloudflare account `prod`: GET /accounts/a/workers/scripts: HTTP 403 10000: Authentication error"
        );
        assert_eq!(
            api(403).detail(),
            "GET /accounts/a/workers/scripts: HTTP 403 10000: Authentication error"
        );
    }
}
