//! Finding a Heroku token the way the Heroku CLI does: a named environment variable for
//! each configured account; otherwise `HEROKU_API_KEY`, then `~/.netrc`
//! (`machine api.heroku.com`, field `password`).
//!
//! Tokens are wrapped in [`Token`], whose `Debug` is redacted and which has no `Display`,
//! so a token cannot end up in a log line or an error message by accident.

use std::fmt;
use std::path::PathBuf;

use super::netrc;
pub use crate::sources::lookup::{EnvFn, Lookup, Token, default_netrc};

/// The netrc machine the Heroku CLI writes its API token under.
pub const NETRC_MACHINE: &str = "api.heroku.com";

/// Where a token came from, for messages ("the token from HEROKU_API_KEY was rejected").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env(String),
    Netrc(PathBuf),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Env(var) => write!(f, "${var}"),
            TokenSource::Netrc(path) => {
                write!(f, "{} (machine {NETRC_MACHINE})", path.display())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Credential {
    pub token: Token,
    pub source: TokenSource,
    /// A hint to show once, e.g. that `HEROKU_API_TOKEN` is set but ignored.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "no Heroku token for account `{account}`: the environment variable {var} (its `token_env` in the config) is not set. \
         Log in to that account and run `export {var}=$(heroku auth:token)`"
    )]
    MissingNamed { account: String, var: String },
    #[error(
        "no Heroku token found: HEROKU_API_KEY is not set and {netrc} has no `machine {NETRC_MACHINE}` entry{hint}. \
         Run `heroku login`, or `export HEROKU_API_KEY=$(heroku auth:token)`"
    )]
    MissingDefault { netrc: String, hint: String },
    #[error("cannot read {path}: {reason}. Fix its permissions, or set HEROKU_API_KEY")]
    NetrcUnreadable { path: String, reason: String },
}

/// Resolves the token for one account. `token_env` is the account's configured variable;
/// `None` means the default chain (`HEROKU_API_KEY`, then netrc).
pub fn resolve(
    account: &str,
    token_env: Option<&str>,
    lookup: &Lookup,
) -> Result<Credential, CredentialError> {
    let env = |name: &str| (lookup.env)(name).filter(|v| !v.trim().is_empty());
    if let Some(var) = token_env {
        return match env(var) {
            Some(v) => Ok(Credential {
                token: Token::new(v.trim()),
                source: TokenSource::Env(var.to_string()),
                warning: None,
            }),
            None => Err(CredentialError::MissingNamed {
                account: account.to_string(),
                var: var.to_string(),
            }),
        };
    }
    // The Heroku CLI warns about this common slip; so do we.
    let warning = (env("HEROKU_API_TOKEN").is_some())
        .then(|| "HEROKU_API_TOKEN is set but you probably meant HEROKU_API_KEY".to_string());
    if let Some(v) = env("HEROKU_API_KEY") {
        return Ok(Credential {
            token: Token::new(v.trim()),
            source: TokenSource::Env("HEROKU_API_KEY".into()),
            warning,
        });
    }
    let hint = warning
        .as_ref()
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    let Some(path) = &lookup.netrc else {
        return Err(CredentialError::MissingDefault {
            netrc: "~/.netrc".into(),
            hint,
        });
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(CredentialError::NetrcUnreadable {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    match netrc::password_for(&text, NETRC_MACHINE) {
        Some(p) if !p.is_empty() => Ok(Credential {
            token: Token::new(p),
            source: TokenSource::Netrc(path.clone()),
            warning,
        }),
        _ => Err(CredentialError::MissingDefault {
            netrc: path.display().to_string(),
            hint,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn lookup(env: EnvFn, netrc: Option<PathBuf>) -> Lookup {
        Lookup { env, netrc }
    }

    fn env_of(pairs: &[(&str, &str)]) -> EnvFn {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(move |k| map.get(k).cloned())
    }

    #[test]
    fn debug_never_shows_the_token() {
        let t = Token::new("hrku-secret-123");
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        let c = Credential {
            token: t,
            source: TokenSource::Env("HEROKU_API_KEY".into()),
            warning: None,
        };
        assert!(!format!("{c:?}").contains("secret-123"));
    }

    #[test]
    fn heroku_api_key_wins_over_netrc() {
        let dir = tempfile::tempdir().unwrap();
        let netrc = dir.path().join(".netrc");
        std::fs::write(
            &netrc,
            "machine api.heroku.com login a password from-netrc\n",
        )
        .unwrap();
        let env = env_of(&[("HEROKU_API_KEY", "from-env\n")]);
        let c = resolve("default", None, &lookup(env.clone(), Some(netrc.clone()))).unwrap();
        assert_eq!(c.token.expose(), "from-env");
        assert_eq!(c.source, TokenSource::Env("HEROKU_API_KEY".into()));

        let env = env_of(&[]);
        let c = resolve("default", None, &lookup(env.clone(), Some(netrc.clone()))).unwrap();
        assert_eq!(c.token.expose(), "from-netrc");
        assert_eq!(c.source, TokenSource::Netrc(netrc));
    }

    #[test]
    fn a_named_variable_is_the_only_place_looked_at() {
        let env = env_of(&[("HEROKU_API_KEY", "default-token")]);
        let err = resolve(
            "acme",
            Some("ACME_HEROKU_TOKEN"),
            &lookup(env.clone(), None),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("account `acme`"), "{msg}");
        assert!(
            msg.contains("export ACME_HEROKU_TOKEN=$(heroku auth:token)"),
            "{msg}"
        );
        let env = env_of(&[("ACME_HEROKU_TOKEN", "acme-token")]);
        let c = resolve(
            "acme",
            Some("ACME_HEROKU_TOKEN"),
            &lookup(env.clone(), None),
        )
        .unwrap();
        assert_eq!(c.token.expose(), "acme-token");
    }

    #[test]
    fn nothing_found_says_what_to_run_and_warns_about_heroku_api_token() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[("HEROKU_API_TOKEN", "oops"), ("HEROKU_API_KEY", "  ")]);
        let err = resolve(
            "default",
            None,
            &lookup(env.clone(), Some(dir.path().join(".netrc"))),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("heroku login"), "{err}");
        assert!(
            err.contains("export HEROKU_API_KEY=$(heroku auth:token)"),
            "{err}"
        );
        assert!(err.contains("you probably meant HEROKU_API_KEY"), "{err}");
        assert!(err.contains(".netrc"), "{err}");
    }
}
