//! The Cloudflare source's entry: options from `[cloudflare]` and the environment, and
//! its result as account summaries.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{AccountSummary, Input, Prepared, Run, Source};
use crate::config::{CloudflareConfig, Config};
use crate::model::{Provider, SourceSnapshot};
use crate::sources::EventSink;
use crate::sources::cloudflare::{self, AccountSpec, CloudflareOptions, QUOTA_WINDOW};
use crate::sources::http::HttpSettings;
use crate::sources::lookup::Lookup;

pub struct Cloudflare;

struct Ready {
    opts: CloudflareOptions,
    lookup: Lookup,
}

impl Source for Cloudflare {
    fn provider(&self) -> Provider {
        Provider::Cloudflare
    }

    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>> {
        Ok(Arc::new(Ready {
            opts: options(&config.cloudflare, lookup)?,
            lookup: lookup.clone(),
        }))
    }
}

impl Prepared for Ready {
    fn not_configured(&self) -> Option<String> {
        (!configured(&self.opts, &self.lookup)).then(|| NOT_CONFIGURED.to_string())
    }

    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run> {
        async move {
            let (snapshot, accounts, requests) =
                run(&self.opts, &self.lookup, input.previous, input.sink).await;
            Run {
                snapshot,
                accounts,
                requests,
                responses: None,
            }
        }
        .boxed()
    }
}

/// `FERRY_CLOUDFLARE_API_URL` wins over `cloudflare.api_url`.
fn options(c: &CloudflareConfig, lookup: &Lookup) -> anyhow::Result<CloudflareOptions> {
    Ok(CloudflareOptions {
        api_url: super::api_url(lookup, "Cloudflare", "cloudflare", c.api_url.as_deref())?
            .unwrap_or_else(|| CloudflareOptions::default().api_url),
        accounts: c
            .accounts
            .iter()
            .map(|a| AccountSpec {
                name: a.name.clone(),
                token_env: a.token_env.clone(),
                api_key_env: a.api_key_env.clone(),
                email_env: a.email_env.clone(),
                account_id: a.account_id.clone(),
            })
            .collect(),
        zones: c.zones.clone(),
        requests_per_window: c.requests_per_5min,
        window: QUOTA_WINDOW,
        server_reserve: cloudflare::SERVER_RESERVE,
        concurrency: c.concurrency,
        http: HttpSettings::from_config(
            c.request_timeout_secs,
            c.retry_base_delay_ms,
            c.retry_deadline_secs,
        ),
    })
}

/// Whether a fetch of every source should include Cloudflare: credentials are configured
/// or in the environment. Asked for by name, it always runs (and says what is missing).
fn configured(opts: &CloudflareOptions, lookup: &Lookup) -> bool {
    cloudflare::credentials::is_configured(&opts.accounts, lookup)
}

const NOT_CONFIGURED: &str = "no credentials configured (set CLOUDFLARE_API_TOKEN, or add \
     [[cloudflare.accounts]] to the config; `ferry fetch --source cloudflare` says more)";

/// Runs the source; returns its snapshot, account summaries and request count.
async fn run(
    opts: &CloudflareOptions,
    lookup: &Lookup,
    previous: Option<&SourceSnapshot>,
    sink: EventSink,
) -> (Option<SourceSnapshot>, Vec<AccountSummary>, u64) {
    let out = cloudflare::fetch(opts, lookup, previous, sink).await;
    let waited = out.waited;
    let accounts = out
        .accounts
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let mut notices: Vec<String> = Vec::new();
            if let Ok(stats) = &a.outcome {
                notices.extend(stats.unavailable.iter().cloned());
            }
            // One limiter serves every account: its wait is said once.
            if i == 0 && waited >= Duration::from_secs(1) {
                notices.push(format!(
                    "requests waited {:.0} s in total for the rate limit",
                    waited.as_secs_f64()
                ));
            }
            AccountSummary {
                name: a.name,
                outcome: a.outcome.and_then(|s| s.outcome()),
                counts: a.counts,
                notices,
            }
        })
        .collect();
    (out.snapshot, accounts, out.requests)
}
