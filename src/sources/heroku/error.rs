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
        "Heroku account `{account}`: not fetched: {left} rate-limit tokens left, too few above the floor of {floor} \
         (`budget_floor`) for even the account-wide lists (other tools are using this account's API tokens). \
         The previous data is kept; the budget allows a fetch in about {minutes} min"
    )]
    BelowFloor {
        account: String,
        left: i64,
        floor: i64,
        minutes: i64,
    },
    #[error(
        "Heroku account `{account}`: {endpoint} not sent: the rate-limit budget is down to {left} tokens, \
         at the floor of {floor} (`budget_floor` in [heroku]). The previous data is kept; fetch again \
         when the pool has refilled (about 75 tokens a minute), or lower `budget_floor`"
    )]
    FloorReached {
        account: String,
        endpoint: String,
        left: i64,
        floor: i64,
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
    /// The error without its `Heroku account `…`: ` prefix, for a cause recorded on a
    /// resource of that account (`ferry_details.error`).
    pub fn cause(&self) -> String {
        let text = self.to_string();
        let account = match self {
            HerokuError::Credentials { account, .. }
            | HerokuError::Unauthorized { account, .. }
            | HerokuError::TwoFactor { account, .. }
            | HerokuError::Http { account, .. }
            | HerokuError::BadJson { account, .. }
            | HerokuError::Paging { account, .. }
            | HerokuError::BelowFloor { account, .. }
            | HerokuError::FloorReached { account, .. }
            | HerokuError::Setup { account, .. } => account,
        };
        let prefix = format!("Heroku account `{account}`: ");
        text.strip_prefix(&prefix)
            .map_or(text.clone(), str::to_string)
    }

    /// Whether one app's failed request says nothing can work for the account: the token
    /// is rejected or needs a second factor, or Ferry itself is misconfigured. Anything
    /// else (a 5xx past its retries, a timeout, a bad body, paging, the floor) only costs
    /// that app its refresh.
    pub fn ends_account(&self) -> bool {
        matches!(
            self,
            HerokuError::Credentials { .. }
                | HerokuError::Unauthorized { .. }
                | HerokuError::TwoFactor { .. }
                | HerokuError::Setup { .. }
                | HerokuError::BelowFloor { .. }
        )
    }

    /// Whether one app's failed request is a fault (the server or the network failed, the
    /// body was unusable) rather than a refusal (403, 404: not permitted, gone) or the
    /// budget. Faults fail the fetch; the others are notes.
    pub fn is_fault(&self) -> bool {
        match self {
            HerokuError::Http { error, .. } => match **error {
                HttpError::Api { status, .. } => !matches!(status, 403 | 404 | 410 | 422),
                HttpError::GaveUp { .. } => true,
            },
            HerokuError::FloorReached { .. } => false,
            _ => true,
        }
    }

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
