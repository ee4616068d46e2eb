//! The source registry: the one table of every source Ferry can fetch.
//!
//! Adding a source is one folder under `src/sources/` (its API side, depending on `model`
//! only) with a `source.rs` implementing [`Source`] (the one file of a source that reads
//! `Config`), plus one line in [`SOURCES`]. `crate::fetch`, `ferry fetch --source`, the
//! TUI's refresh and the coverage all iterate this table; none of them names a provider.
//! (The provider's id prefix and title are its row in `model::Provider`'s table.)

use std::collections::BTreeMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::config::Config;
use crate::model::{CachedResponse, Provider, SourceSnapshot};
use crate::sources::lookup::Lookup;
use crate::sources::{EventSink, KindCounts};

mod aws;
mod cloudflare;
mod heroku;

/// Every source `ferry fetch` knows, in fetch and display order.
pub static SOURCES: &[&dyn Source] = &[
    &heroku::Heroku,
    &cloudflare::Cloudflare,
    &aws::Aws,
    &crate::sources::semaphore::source::Semaphore,
    &crate::sources::iac::source::Iac,
];

/// A source's entry, if Ferry can fetch it.
pub fn source(provider: Provider) -> Option<&'static dyn Source> {
    SOURCES.iter().copied().find(|s| s.provider() == provider)
}

/// One kind of estate Ferry can fetch.
pub trait Source: Sync {
    fn provider(&self) -> Provider;

    /// Options from the config and the environment (`FERRY_<SOURCE>_API_URL` and the like),
    /// resolved once per fetch. An error names the setting that fixes it.
    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>>;
}

/// A source with its options resolved, ready to fetch.
pub trait Prepared: Send + Sync {
    /// Why a fetch of every source leaves this one out (nothing configured or found in the
    /// environment); `None` when it is configured. Asked for by name, a source always runs
    /// and says what is missing.
    fn not_configured(&self) -> Option<String> {
        None
    }

    /// Whether the source answers conditional requests from remembered responses (they
    /// are loaded before and saved after its fetch).
    fn remembers_responses(&self) -> bool {
        false
    }

    /// Fetches the whole source. Never fails as a whole: what could not be read is in the
    /// accounts' outcomes and in the snapshot's `ferry_unavailable` attributes.
    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run>;
}

/// What a fetch starts from.
pub struct Input<'a> {
    /// The newest stored snapshot of this source, for stale carry-over.
    pub previous: Option<&'a SourceSnapshot>,
    /// Remembered responses (only for sources that [`Prepared::remembers_responses`]).
    pub remembered: Vec<CachedResponse>,
    pub sink: EventSink,
}

/// What a fetch found.
#[derive(Default)]
pub struct Run {
    pub snapshot: Option<SourceSnapshot>,
    pub accounts: Vec<AccountSummary>,
    pub requests: u64,
    /// Responses to remember for the next fetch's conditional requests.
    pub responses: Option<Vec<CachedResponse>>,
}

/// How one account of a source went.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    pub name: String,
    /// A one-line summary on success, the error otherwise.
    pub outcome: Result<String, String>,
    pub counts: BTreeMap<&'static str, KindCounts>,
    pub notices: Vec<String>,
}

/// A source's API base URL: `FERRY_<SOURCE>_API_URL` wins over `<source>.api_url`; `None`
/// when neither is set (the source's default). A value that is not a URL names both places.
pub fn api_url(
    lookup: &Lookup,
    title: &str,
    section: &str,
    configured: Option<&str>,
) -> anyhow::Result<Option<reqwest::Url>> {
    let var = format!("FERRY_{}_API_URL", section.to_ascii_uppercase());
    let from_env = (lookup.env)(&var).filter(|u| !u.trim().is_empty());
    let Some(raw) = from_env.as_deref().or(configured) else {
        return Ok(None);
    };
    reqwest::Url::parse(raw.trim()).map(Some).map_err(|e| {
        anyhow::anyhow!(
            "the {title} API URL `{raw}` ({var} or {section}.api_url) is not a URL: {e}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_provider_has_two_sources() {
        for p in Provider::ALL {
            let n = SOURCES.iter().filter(|s| s.provider() == p).count();
            assert!(n <= 1, "{p}");
        }
        assert!(source(Provider::Heroku).is_some());
    }

    #[test]
    fn the_api_url_comes_from_the_environment_then_the_config() {
        let none = Lookup::from_vars(&[]);
        assert_eq!(api_url(&none, "Heroku", "heroku", None).unwrap(), None);
        let configured = api_url(&none, "Heroku", "heroku", Some(" https://proxy.internal/ "));
        assert_eq!(
            configured.unwrap().unwrap().as_str(),
            "https://proxy.internal/"
        );
        let env = Lookup::from_vars(&[("FERRY_CLOUDFLARE_API_URL", "http://127.0.0.1:9/")]);
        let from_env = api_url(&env, "Cloudflare", "cloudflare", Some("https://ignored/"));
        assert_eq!(from_env.unwrap().unwrap().as_str(), "http://127.0.0.1:9/");
        let err = api_url(&none, "Heroku", "heroku", Some("not a url"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the Heroku API URL `not a url` (FERRY_HEROKU_API_URL or heroku.api_url) is not a URL"),
            "{err}"
        );
    }
}
