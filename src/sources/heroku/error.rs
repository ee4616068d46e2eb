//! Errors of the Heroku source. Each names the account and, where there is one, the
//! endpoint, and says what to do. None carries a token or a response body.

use super::credentials::{CredentialError, TokenSource};
use crate::sources::http::HttpError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum HerokuError {
    #[error("Heroku account `{account}`: {error}")]
    Credentials {
        account: String,
        error: CredentialError,
    },
    #[error(
        "Heroku account `{account}`: {error}. The token from {token_source} was rejected (expired or revoked?). {}",
        fix_for(token_source)
    )]
    Unauthorized {
        account: String,
        token_source: TokenSource,
        error: Box<HttpError>,
    },
    #[error(
        "Heroku account `{account}`: {error}. This account needs a two-factor code for this call; \
         Ferry cannot prompt for one: use a token made with `heroku authorizations:create`"
    )]
    TwoFactor {
        account: String,
        error: Box<HttpError>,
    },
    #[error("Heroku account `{account}`: {error}")]
    Http {
        account: String,
        error: Box<HttpError>,
    },
    #[error("Heroku account `{account}`: {endpoint} (page {page}) returned invalid JSON: {detail}")]
    BadJson {
        account: String,
        endpoint: String,
        page: usize,
        detail: String,
    },
    #[error("Heroku account `{account}`: {endpoint}: paging failed: {detail}")]
    Paging {
        account: String,
        endpoint: String,
        detail: String,
    },
    #[error(
        "Heroku account `{account}`: not fetched: {left} rate-limit tokens left, at or below the floor of {floor} \
         (other tools are using this account's API tokens). The previous data is kept; \
         the budget allows a fetch in about {minutes} min"
    )]
    BelowFloor {
        account: String,
        left: i64,
        floor: i64,
        minutes: i64,
    },
    #[error("Heroku account `{account}`: {message}")]
    Setup { account: String, message: String },
}

fn fix_for(source: &TokenSource) -> String {
    match source {
        TokenSource::Env(var) if var == "HEROKU_API_KEY" => {
            "Run `heroku login`, then `export HEROKU_API_KEY=$(heroku auth:token)`".into()
        }
        TokenSource::Env(var) => {
            format!("Log in to that account and run `export {var}=$(heroku auth:token)`")
        }
        TokenSource::Netrc(_) => {
            "Run `heroku login` to renew it, or `export HEROKU_API_KEY=$(heroku auth:token)`".into()
        }
    }
}

impl HerokuError {
    /// Whether the error ends the account's fetch. Others (a 403 or 404 on one app's
    /// endpoint) only leave that app's details stale.
    pub fn is_fatal(&self) -> bool {
        match self {
            HerokuError::Http { error, .. } => match **error {
                HttpError::Api { status, .. } => !matches!(status, 403 | 404 | 410 | 422),
                HttpError::GaveUp { .. } => true,
            },
            _ => true,
        }
    }
}
