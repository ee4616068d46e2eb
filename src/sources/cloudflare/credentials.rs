//! Finding Cloudflare credentials the way Cloudflare's own tools (Wrangler, the Terraform
//! provider) read them: `CLOUDFLARE_API_TOKEN`, then Wrangler v1's `CF_API_TOKEN`, then the
//! legacy global key `CLOUDFLARE_API_KEY` + `CLOUDFLARE_EMAIL`. Configured accounts name
//! their own variables instead.
//!
//! Secrets are held in [`Token`] (redacted `Debug`, no `Display`).

use std::fmt;

use super::AccountSpec;
use crate::sources::lookup::{Lookup, Token};

pub const TOKEN_VARS: [&str; 2] = ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"];
pub const KEY_VAR: &str = "CLOUDFLARE_API_KEY";
pub const EMAIL_VAR: &str = "CLOUDFLARE_EMAIL";
/// Limits the default account to one Cloudflare account, as Wrangler does.
pub const ACCOUNT_ID_VAR: &str = "CLOUDFLARE_ACCOUNT_ID";

/// How requests authenticate.
#[derive(Clone)]
pub enum Auth {
    /// An API token (`Authorization: Bearer`), the way Cloudflare recommends.
    Token(Token),
    /// The legacy global API key with its account email (`X-Auth-Key`, `X-Auth-Email`).
    Key { key: Token, email: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Auth::Token(<redacted>)"),
            Auth::Key { .. } => f.write_str("Auth::Key(<redacted>)"),
        }
    }
}

/// Where the credential came from, for messages ("the token from $CF_API_TOKEN").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    TokenEnv(String),
    KeyEnv { key: String, email: String },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::TokenEnv(var) => write!(f, "the API token in ${var}"),
            CredentialSource::KeyEnv { key, email } => {
                write!(f, "the global API key in ${key} (with ${email})")
            }
        }
    }
}

impl CredentialSource {
    /// What to do when Cloudflare rejects the credential.
    pub fn fix(&self) -> String {
        match self {
            CredentialSource::TokenEnv(var) => format!(
                "Create a read-only token at https://dash.cloudflare.com/profile/api-tokens \
                 (template \"Read all resources\") and `export {var}=<token>`; an account-owned \
                 token also needs its account id (`account_id` in the config, or CLOUDFLARE_ACCOUNT_ID)"
            ),
            CredentialSource::KeyEnv { key, email } => format!(
                "Check ${key} (My Profile → API Tokens → Global API Key) and that ${email} is \
                 the email of that Cloudflare user; better, use an API token in $CLOUDFLARE_API_TOKEN"
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Credential {
    pub auth: Auth,
    pub source: CredentialSource,
    /// Only this Cloudflare account (from the config or `CLOUDFLARE_ACCOUNT_ID`).
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "no Cloudflare credentials for account `{account}`: {missing} not set (see its entry in [[cloudflare.accounts]])"
    )]
    MissingNamed { account: String, missing: String },
    #[error(
        "no Cloudflare credentials found: set CLOUDFLARE_API_TOKEN to an API token \
         (create one at https://dash.cloudflare.com/profile/api-tokens, template \"Read all resources\"), \
         or CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL{hint}"
    )]
    MissingDefault { hint: String },
}

/// Reads one variable, ignoring blank values.
fn env(lookup: &Lookup, name: &str) -> Option<String> {
    (lookup.env)(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Whether anything Cloudflare-related is set up: accounts in the config, or one of the
/// variables Cloudflare's tools read. Without any, a fetch of every source skips Cloudflare
/// instead of failing.
pub fn is_configured(accounts: &[AccountSpec], lookup: &Lookup) -> bool {
    !accounts.is_empty()
        || TOKEN_VARS
            .iter()
            .chain([KEY_VAR, EMAIL_VAR].iter())
            .any(|v| env(lookup, v).is_some())
}

/// Resolves one account's credential.
pub fn resolve(spec: &AccountSpec, lookup: &Lookup) -> Result<Credential, CredentialError> {
    let named_missing = |missing: Vec<&str>| CredentialError::MissingNamed {
        account: spec.name.clone(),
        missing: missing
            .iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(" and "),
    };
    if let Some(var) = &spec.token_env {
        let token = env(lookup, var).ok_or_else(|| named_missing(vec![var]))?;
        return Ok(Credential {
            auth: Auth::Token(Token::new(token)),
            source: CredentialSource::TokenEnv(var.clone()),
            account_id: spec.account_id.clone(),
        });
    }
    if let (Some(key_var), Some(email_var)) = (&spec.api_key_env, &spec.email_env) {
        let (key, email) = (env(lookup, key_var), env(lookup, email_var));
        let missing: Vec<&str> = [(key_var, &key), (email_var, &email)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        return match (key, email) {
            (Some(key), Some(email)) => Ok(Credential {
                auth: Auth::Key {
                    key: Token::new(key),
                    email,
                },
                source: CredentialSource::KeyEnv {
                    key: key_var.clone(),
                    email: email_var.clone(),
                },
                account_id: spec.account_id.clone(),
            }),
            _ => Err(named_missing(missing)),
        };
    }
    default(spec, lookup)
}

/// The default chain, for an account that names no variables.
fn default(spec: &AccountSpec, lookup: &Lookup) -> Result<Credential, CredentialError> {
    let account_id = spec
        .account_id
        .clone()
        .or_else(|| env(lookup, ACCOUNT_ID_VAR));
    for var in TOKEN_VARS {
        if let Some(token) = env(lookup, var) {
            return Ok(Credential {
                auth: Auth::Token(Token::new(token)),
                source: CredentialSource::TokenEnv(var.to_string()),
                account_id,
            });
        }
    }
    match (env(lookup, KEY_VAR), env(lookup, EMAIL_VAR)) {
        (Some(key), Some(email)) => Ok(Credential {
            auth: Auth::Key {
                key: Token::new(key),
                email,
            },
            source: CredentialSource::KeyEnv {
                key: KEY_VAR.into(),
                email: EMAIL_VAR.into(),
            },
            account_id,
        }),
        (Some(_), None) => Err(CredentialError::MissingDefault {
            hint: " (CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not)".into(),
        }),
        (None, Some(_)) => Err(CredentialError::MissingDefault {
            hint: " (CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not)".into(),
        }),
        (None, None) => Err(CredentialError::MissingDefault {
            hint: String::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> Lookup {
        Lookup::from_vars(pairs)
    }

    fn spec() -> AccountSpec {
        AccountSpec {
            name: "default".into(),
            ..AccountSpec::default()
        }
    }

    fn token(c: &Credential) -> &str {
        match &c.auth {
            Auth::Token(t) => t.expose(),
            Auth::Key { .. } => panic!("not a token"),
        }
    }

    #[test]
    fn the_default_chain_in_order() {
        let l = lookup(&[
            ("CLOUDFLARE_API_TOKEN", " first\n"),
            ("CF_API_TOKEN", "second"),
            ("CLOUDFLARE_API_KEY", "k"),
            ("CLOUDFLARE_EMAIL", "ops@acmepay.com"),
            ("CLOUDFLARE_ACCOUNT_ID", "acc1"),
        ]);
        let c = resolve(&spec(), &l).unwrap();
        assert_eq!(token(&c), "first");
        assert_eq!(c.account_id.as_deref(), Some("acc1"));
        let l = lookup(&[("CF_API_TOKEN", "second"), ("CLOUDFLARE_API_KEY", "k")]);
        assert_eq!(token(&resolve(&spec(), &l).unwrap()), "second");
        let l = lookup(&[("CLOUDFLARE_API_KEY", "k"), ("CLOUDFLARE_EMAIL", "e@x")]);
        let c = resolve(&spec(), &l).unwrap();
        assert!(
            matches!(&c.auth, Auth::Key { key, email } if key.expose() == "k" && email == "e@x")
        );
        assert_eq!(
            c.source.to_string(),
            "the global API key in $CLOUDFLARE_API_KEY (with $CLOUDFLARE_EMAIL)"
        );
    }

    #[test]
    fn missing_credentials_say_what_to_set() {
        let err = resolve(&spec(), &lookup(&[])).unwrap_err().to_string();
        assert!(err.contains("set CLOUDFLARE_API_TOKEN"), "{err}");
        assert!(
            err.contains("dash.cloudflare.com/profile/api-tokens"),
            "{err}"
        );
        let err = resolve(&spec(), &lookup(&[("CLOUDFLARE_API_KEY", "k")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("CLOUDFLARE_EMAIL is not"), "{err}");
        let named = AccountSpec {
            name: "prod".into(),
            api_key_env: Some("PROD_KEY".into()),
            email_env: Some("PROD_EMAIL".into()),
            ..AccountSpec::default()
        };
        let err = resolve(&named, &lookup(&[("PROD_KEY", "k")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("account `prod`: $PROD_EMAIL not set"), "{err}");
    }

    #[test]
    fn a_named_variable_is_the_only_place_looked_at() {
        let named = AccountSpec {
            name: "prod".into(),
            token_env: Some("CF_TOKEN_PROD".into()),
            ..AccountSpec::default()
        };
        let l = lookup(&[
            ("CLOUDFLARE_API_TOKEN", "default"),
            ("CLOUDFLARE_ACCOUNT_ID", "a"),
        ]);
        let err = resolve(&named, &l).unwrap_err().to_string();
        assert!(err.contains("$CF_TOKEN_PROD not set"), "{err}");
        let l = lookup(&[("CF_TOKEN_PROD", "p"), ("CLOUDFLARE_ACCOUNT_ID", "a")]);
        let c = resolve(&named, &l).unwrap();
        assert_eq!(token(&c), "p");
        assert_eq!(
            c.account_id, None,
            "CLOUDFLARE_ACCOUNT_ID is for the default account"
        );
    }

    #[test]
    fn configured_means_accounts_or_a_variable() {
        assert!(!is_configured(&[], &lookup(&[("HEROKU_API_KEY", "x")])));
        assert!(is_configured(&[], &lookup(&[("CF_API_TOKEN", "x")])));
        assert!(is_configured(&[spec()], &lookup(&[])));
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let c = resolve(&spec(), &lookup(&[("CLOUDFLARE_API_TOKEN", "cf-secret-1")])).unwrap();
        assert!(!format!("{c:?}").contains("cf-secret-1"));
        let l = lookup(&[
            ("CLOUDFLARE_API_KEY", "cf-key-2"),
            ("CLOUDFLARE_EMAIL", "e@x"),
        ]);
        assert!(!format!("{:?}", resolve(&spec(), &l).unwrap()).contains("cf-key-2"));
    }
}
