//! `[semaphore]`: the Semaphore CI/CD source. Defaults fit one organisation found the way
//! Semaphore's own tools find it (`SEMAPHORE_API_TOKEN` + `SEMAPHORE_HOST`, else the
//! active context of `~/.sem.yaml`).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SemaphoreConfig {
    /// API base URL for every organisation (a proxy, a test server); default
    /// `https://<host>`. `FERRY_SEMAPHORE_API_URL` wins.
    pub api_url: Option<String>,
    /// Organisations to fetch, each naming the environment variable that holds its token.
    pub orgs: Vec<SemaphoreOrgConfig>,
    /// How far back workflows and pipelines are read, in days.
    pub window_days: u32,
    /// Requests in flight per organisation.
    pub concurrency: usize,
    pub request_timeout_secs: u64,
    /// How long one request may keep being retried (5xx, 429, timeouts).
    pub retry_deadline_secs: u64,
    /// The first retry's delay; later ones double, with jitter.
    pub retry_base_delay_ms: u64,
}

impl Default for SemaphoreConfig {
    fn default() -> Self {
        SemaphoreConfig {
            api_url: None,
            orgs: Vec::new(),
            window_days: 30,
            concurrency: 8,
            request_timeout_secs: 30,
            retry_deadline_secs: 120,
            retry_base_delay_ms: 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SemaphoreOrgConfig {
    /// The organisation name (`acmepay` for https://acmepay.semaphoreci.com).
    pub name: String,
    /// The environment variable that holds this organisation's API token.
    pub token_env: String,
    /// The server, for Community Edition or a custom domain; default
    /// `<name>.semaphoreci.com`.
    #[serde(default)]
    pub host: Option<String>,
}

impl SemaphoreConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.api_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("semaphore.api_url `{url}` is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "semaphore.api_url `{url}` must start with https:// (or http://)"
                ));
            }
        }
        if !(1..=64).contains(&self.concurrency) {
            return Err("semaphore.concurrency must be between 1 and 64".into());
        }
        if !(1..=365).contains(&self.window_days) {
            return Err("semaphore.window_days must be between 1 and 365".into());
        }
        if self.request_timeout_secs == 0 {
            return Err("semaphore.request_timeout_secs must be at least 1".into());
        }
        let mut names = std::collections::HashSet::new();
        for o in &self.orgs {
            if o.name.trim().is_empty() || o.token_env.trim().is_empty() {
                return Err("every [[semaphore.orgs]] needs a non-empty name and token_env".into());
            }
            if !names.insert(o.name.as_str()) {
                return Err(format!("semaphore org `{}` appears twice", o.name));
            }
        }
        Ok(())
    }
}
