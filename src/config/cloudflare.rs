//! `[cloudflare]`: the Cloudflare source. Defaults fit one credential found the way
//! Cloudflare's tools find it (`CLOUDFLARE_API_TOKEN`, `CF_API_TOKEN`, or
//! `CLOUDFLARE_API_KEY` + `CLOUDFLARE_EMAIL`).

use serde::Deserialize;

/// Cloudflare's quota per user: more than this in 5 minutes locks the user out for five.
const QUOTA: usize = 1200;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CloudflareConfig {
    /// API base URL. `FERRY_CLOUDFLARE_API_URL` wins.
    pub api_url: Option<String>,
    /// Credentials to fetch, each naming the environment variables that hold it.
    pub accounts: Vec<CloudflareAccountConfig>,
    /// Only zones whose names match one of these patterns (`*`, `?`).
    pub zones: Vec<String>,
    /// Requests Ferry sends in any 5 minutes (retries included), at most 1,200.
    pub requests_per_5min: usize,
    /// Requests in flight per credential (twice as many zones are in progress).
    pub concurrency: usize,
    pub request_timeout_secs: u64,
    /// How long one request may keep being retried (5xx, 429, timeouts).
    pub retry_deadline_secs: u64,
    /// The first retry's delay; later ones double, with jitter.
    pub retry_base_delay_ms: u64,
}

impl Default for CloudflareConfig {
    fn default() -> Self {
        CloudflareConfig {
            api_url: None,
            accounts: Vec::new(),
            zones: Vec::new(),
            requests_per_5min: 800,
            concurrency: 8,
            request_timeout_secs: 30,
            retry_deadline_secs: 120,
            retry_base_delay_ms: 500,
        }
    }
}

/// `[[cloudflare.accounts]]`: either `token_env`, or `api_key_env` with `email_env`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudflareAccountConfig {
    /// A label for progress and messages.
    pub name: String,
    /// The environment variable holding an API token.
    pub token_env: Option<String>,
    /// The environment variables holding a global API key and its user's email.
    pub api_key_env: Option<String>,
    pub email_env: Option<String>,
    /// Only this Cloudflare account (32-hex id).
    pub account_id: Option<String>,
}

impl CloudflareConfig {
    pub fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.api_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("cloudflare.api_url `{url}` is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "cloudflare.api_url `{url}` must start with https:// (or http://)"
                ));
            }
        }
        if !(1..=QUOTA).contains(&self.requests_per_5min) {
            return Err(format!(
                "cloudflare.requests_per_5min must be between 1 and {QUOTA} (Cloudflare's quota; \
                 going over it locks the user out of the API for 5 minutes)"
            ));
        }
        if !(1..=32).contains(&self.concurrency) {
            return Err("cloudflare.concurrency must be between 1 and 32".into());
        }
        if self.request_timeout_secs == 0 {
            return Err("cloudflare.request_timeout_secs must be at least 1".into());
        }
        let mut names = std::collections::HashSet::new();
        for a in &self.accounts {
            if a.name.trim().is_empty() {
                return Err("every [[cloudflare.accounts]] needs a non-empty name".into());
            }
            if !names.insert(a.name.as_str()) {
                return Err(format!(
                    "cloudflare account name `{}` appears twice",
                    a.name
                ));
            }
            let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            let token = set(&a.token_env);
            let key = set(&a.api_key_env) && set(&a.email_env);
            let partial_key = set(&a.api_key_env) != set(&a.email_env);
            if token == key || partial_key {
                return Err(format!(
                    "cloudflare account `{}` needs either token_env, or api_key_env and email_env",
                    a.name
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/etc/ferry.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn accounts_filters_and_limits() {
        let c = parse(
            "[cloudflare]\napi_url = \"http://127.0.0.1:9/client/v4\"\nzones = [\"*.acmepay.com\"]\n\
             requests_per_5min = 600\n\
             [[cloudflare.accounts]]\nname = \"prod\"\ntoken_env = \"CF_TOKEN_PROD\"\naccount_id = \"abc\"\n\
             [[cloudflare.accounts]]\nname = \"legacy\"\napi_key_env = \"CF_KEY\"\nemail_env = \"CF_EMAIL\"\n",
        )
        .unwrap()
        .cloudflare;
        assert_eq!(c.requests_per_5min, 600);
        assert_eq!(c.zones, ["*.acmepay.com"]);
        assert_eq!(c.accounts[0].account_id.as_deref(), Some("abc"));
        assert_eq!(c.accounts[1].email_env.as_deref(), Some("CF_EMAIL"));
    }

    #[test]
    fn bad_values_name_the_key() {
        for (bad, why) in [
            (
                "[cloudflare]\nrequests_per_5min = 1300\n",
                "locks the user out",
            ),
            ("[cloudflare]\nconcurrency = 0\n", "concurrency"),
            ("[cloudflare]\napi_url = \"ftp://x\"\n", "api_url"),
            (
                "[[cloudflare.accounts]]\nname = \"a\"\n",
                "either token_env",
            ),
            (
                "[[cloudflare.accounts]]\nname = \"a\"\ntoken_env = \"T\"\napi_key_env = \"K\"\nemail_env = \"E\"\n",
                "either token_env",
            ),
            (
                "[[cloudflare.accounts]]\nname = \"a\"\napi_key_env = \"K\"\n",
                "email_env",
            ),
            (
                "[[cloudflare.accounts]]\nname = \"a\"\ntoken = \"T\"\n",
                "unknown field `token`",
            ),
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
