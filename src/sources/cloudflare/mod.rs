//! The Cloudflare source: every configured credential's accounts and zones through the
//! API v4, merged into one Cloudflare snapshot.
//!
//! One rate limiter serves the whole source: Cloudflare's quota (1,200 requests per
//! 5 minutes) is per user, and two configured tokens may belong to the same user. A
//! failing credential never stops the others; the accounts it covered keep their previous
//! data (marked stale). If no credential succeeds there is no snapshot.

mod account;
mod client;
pub mod credentials;
mod edge;
mod envelope;
mod error;
pub mod mapping;
mod parts;
pub mod previous;
pub mod sanitize;
mod stats;
mod zone;

pub use error::CloudflareError;
pub use parts::UNAVAILABLE_ATTR;
pub use stats::AccountStats;
pub use zone::{DNS_PER_PAGE, REQUESTS_PER_ACCOUNT, REQUESTS_PER_ZONE};

use chrono::Utc;
use reqwest::Url;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use crate::model::{Provider, SourceSnapshot};
use crate::sources::http::{HttpClient, HttpSettings};
use crate::sources::lookup::Lookup;
use crate::sources::progress::{Counters, EventSink, KindCounts, SourceEvent};
use crate::sources::ratelimit::RateLimiter;
use account::CredentialJob;
use client::CloudflareClient;
use mapping::Mapper;
use previous::Previous;

pub const DEFAULT_API_URL: &str = "https://api.cloudflare.com/client/v4";
/// Cloudflare's quota: 1,200 requests per 5 minutes per user.
pub const QUOTA: usize = 1200;
pub const QUOTA_WINDOW: Duration = Duration::from_secs(300);
/// Ferry's default share of the quota: a third stays for the dashboard, Terraform and CI
/// using the same user.
pub const DEFAULT_REQUESTS_PER_WINDOW: usize = 800;
/// When Cloudflare's own count (`Ratelimit` header) drops to this, Ferry waits for the
/// reset: other clients may be spending the same quota at the same moment.
pub const SERVER_RESERVE: i64 = 20;
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One configured credential. Without variables it uses the default chain
/// (`CLOUDFLARE_API_TOKEN`, `CF_API_TOKEN`, `CLOUDFLARE_API_KEY` + `CLOUDFLARE_EMAIL`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSpec {
    /// A label for progress and messages (`default` for the implicit account).
    pub name: String,
    pub token_env: Option<String>,
    pub api_key_env: Option<String>,
    pub email_env: Option<String>,
    /// Only this Cloudflare account.
    pub account_id: Option<String>,
}

/// Everything the Cloudflare source needs, resolved from the config and environment.
#[derive(Debug, Clone)]
pub struct CloudflareOptions {
    pub api_url: Url,
    /// Empty: the default account.
    pub accounts: Vec<AccountSpec>,
    /// Zone-name patterns (`*`, `?`); empty: every zone.
    pub zones: Vec<String>,
    /// At most this many requests per `window`, retries included.
    pub requests_per_window: usize,
    pub window: Duration,
    /// Wait for the reset when Cloudflare's own count (`Ratelimit`) is down to this.
    pub server_reserve: i64,
    /// Requests in flight per credential (twice as many zones are in progress).
    pub concurrency: usize,
    pub http: HttpSettings,
}

impl Default for CloudflareOptions {
    fn default() -> Self {
        CloudflareOptions {
            api_url: Url::parse(DEFAULT_API_URL).expect("valid default URL"),
            accounts: Vec::new(),
            zones: Vec::new(),
            requests_per_window: DEFAULT_REQUESTS_PER_WINDOW,
            window: QUOTA_WINDOW,
            server_reserve: SERVER_RESERVE,
            concurrency: DEFAULT_CONCURRENCY,
            http: HttpSettings::default(),
        }
    }
}

impl CloudflareOptions {
    /// The configured credentials, or the one default credential.
    pub fn specs(&self) -> Vec<AccountSpec> {
        if self.accounts.is_empty() {
            vec![AccountSpec {
                name: "default".into(),
                ..AccountSpec::default()
            }]
        } else {
            self.accounts.clone()
        }
    }
}

/// How one configured credential went.
#[derive(Debug, Clone)]
pub struct AccountReport {
    pub name: String,
    pub outcome: Result<AccountStats, String>,
    pub counts: BTreeMap<&'static str, KindCounts>,
}

/// What the Cloudflare source produced.
#[derive(Debug, Clone)]
pub struct CloudflareOutput {
    /// `None` when no credential succeeded: nothing new to store.
    pub snapshot: Option<SourceSnapshot>,
    pub accounts: Vec<AccountReport>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Time requests spent waiting for the rate limiter (summed over requests).
    pub waited: Duration,
}

impl CloudflareOutput {
    pub fn succeeded(&self) -> bool {
        self.accounts.iter().all(|a| a.outcome.is_ok())
    }
}

/// Fetches every configured credential concurrently and merges them into one snapshot.
/// `previous` is the newest cached Cloudflare snapshot, for stale carry-over.
pub async fn fetch(
    opts: &CloudflareOptions,
    lookup: &Lookup,
    previous: Option<&SourceSnapshot>,
    sink: EventSink,
) -> CloudflareOutput {
    let now = Utc::now();
    let specs = opts.specs();
    let counters: Vec<Arc<Counters>> = specs
        .iter()
        .map(|s| Arc::new(Counters::new(s.name.clone(), sink.clone())))
        .collect();
    let limiter = Arc::new(limiter(opts, &specs, sink.clone()));
    let mut reports: Vec<Option<AccountReport>> = vec![None; specs.len()];
    let http = match HttpClient::new(opts.http.clone()) {
        Ok(h) => h,
        Err(message) => {
            let accounts = specs
                .iter()
                .map(|s| AccountReport {
                    name: s.name.clone(),
                    outcome: Err(message.clone()),
                    counts: BTreeMap::new(),
                })
                .collect();
            return CloudflareOutput {
                snapshot: None,
                accounts,
                requests: 0,
                waited: Duration::ZERO,
            };
        }
    };
    let previous = Arc::new(Previous::new(previous));
    let mapper = Arc::new(Mapper { at: now });
    let mut tasks = tokio::task::JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let c = counters[i].clone();
        let job = credentials::resolve(spec, lookup)
            .map_err(|error| CloudflareError::Credentials {
                account: spec.name.clone(),
                error,
            })
            .and_then(|cred| {
                let client = CloudflareClient::new(
                    http.clone(),
                    opts.api_url.clone(),
                    &spec.name,
                    &cred,
                    limiter.clone(),
                    opts.concurrency,
                    c.clone(),
                )?;
                Ok(CredentialJob::new(
                    Arc::new(client),
                    mapper.clone(),
                    &cred.auth,
                    cred.account_id.clone(),
                    opts.zones.clone(),
                    opts.concurrency,
                ))
            });
        let previous = previous.clone();
        tasks.spawn(async move {
            let result = match job {
                Ok(job) => job.run(previous).await,
                Err(e) => Err(e),
            };
            (i, result)
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => tracing::error!("cloudflare credential task failed: {e}"),
        }
    }
    // Merge in config order so the first credential wins when two see the same zone.
    results.sort_by_key(|r| r.0);
    let (mut resources, mut links) = (Vec::new(), Vec::new());
    let mut fetched: HashSet<String> = HashSet::new();
    for (i, result) in results {
        let outcome = match result {
            Ok(data) => {
                fetched.extend(data.stats.account_ids.iter().cloned());
                resources.extend(data.resources);
                links.extend(data.links);
                counters[i].status("done");
                Ok(data.stats)
            }
            Err(e) => {
                tracing::warn!("{e}");
                counters[i].status(format!("failed: {e}"));
                Err(e.to_string())
            }
        };
        reports[i] = Some(AccountReport {
            name: specs[i].name.clone(),
            outcome,
            counts: counters[i].snapshot(),
        });
    }
    let accounts: Vec<AccountReport> = reports.into_iter().flatten().collect();
    let any_ok = accounts.iter().any(|a| a.outcome.is_ok());
    if any_ok && accounts.iter().any(|a| a.outcome.is_err()) {
        let (rs, ls) = previous.carry_accounts_except(&fetched);
        resources.extend(rs);
        links.extend(ls);
    }
    let snapshot = any_ok.then(|| {
        let (resources, links) = crate::sources::dedupe(resources, links);
        SourceSnapshot {
            source: Provider::Cloudflare,
            taken_at: now,
            resources,
            links,
        }
    });
    CloudflareOutput {
        snapshot,
        accounts,
        requests: http.requests(),
        waited: limiter.waited(),
    }
}

/// The source-wide limiter; a long wait is shown on every account's progress line.
fn limiter(opts: &CloudflareOptions, specs: &[AccountSpec], sink: EventSink) -> RateLimiter {
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let limiter = RateLimiter::new(opts.requests_per_window, opts.window, opts.server_reserve);
    limiter.with_notice(Box::new(move |wait, why| {
        for account in &names {
            sink(SourceEvent::Status {
                account: account.clone(),
                message: format!(
                    "waiting {} s for Cloudflare's rate limit: {why}",
                    wait.as_secs().max(1)
                ),
            });
        }
    }))
}
