//! The Heroku source: every configured account, fetched concurrently through the Platform
//! API, merged into one Heroku snapshot.
//!
//! A failing account never stops the others; its previous data is kept (marked stale)
//! so the snapshot still shows it. If no account succeeds there is no snapshot, and the
//! cache's last good one stays the newest.

mod account;
pub mod attrs;
pub mod budget;
mod client;
mod conditional;
pub mod credentials;
mod details;
mod error;
pub mod fields;
mod fir;
pub mod mapping;
pub mod netrc;
mod paging;
pub mod plan;
pub mod previous;
pub mod range;
pub mod sanitize;
mod stats;
mod sweep;

pub use account::{AccountStats, AppCounts};
pub use details::REQUESTS_PER_APP;
pub use error::HerokuError;
pub use plan::ScopeFilter;

use chrono::{DateTime, Utc};
use reqwest::Url;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::model::{CachedResponse, Link, Provider, Resource, SourceSnapshot};
use crate::sources::http::{HttpClient, HttpSettings};
use crate::sources::progress::{Counters, EventSink, KindCounts, SourceEvent};
use account::AccountJob;
use client::HerokuClient;
use conditional::ResponseCache;
use credentials::Lookup;
use previous::Previous;

pub const DEFAULT_API_URL: &str = "https://api.heroku.com";
/// Default budget floor: a third of the pool stays for the account's other users.
pub const DEFAULT_BUDGET_FLOOR: i64 = 1500;
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One account to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// A label for messages and progress (`default` for the implicit account).
    pub name: String,
    /// The environment variable holding its token; `None` = `HEROKU_API_KEY`, then netrc.
    pub token_env: Option<String>,
}

/// Everything the Heroku source needs, resolved from the config and environment.
#[derive(Debug, Clone)]
pub struct HerokuOptions {
    pub api_url: Url,
    /// Empty: the default account.
    pub accounts: Vec<AccountSpec>,
    pub scope: ScopeFilter,
    pub budget_floor: i64,
    /// Requests in flight per account.
    pub concurrency: usize,
    pub http: HttpSettings,
}

impl Default for HerokuOptions {
    fn default() -> Self {
        HerokuOptions {
            api_url: Url::parse(DEFAULT_API_URL).expect("valid default URL"),
            accounts: Vec::new(),
            scope: ScopeFilter::default(),
            budget_floor: DEFAULT_BUDGET_FLOOR,
            concurrency: DEFAULT_CONCURRENCY,
            http: HttpSettings::default(),
        }
    }
}

/// How one account went.
#[derive(Debug, Clone)]
pub struct AccountReport {
    pub name: String,
    /// `Err` when the account failed, and also when it was fetched but some apps' details
    /// failed to refresh ([`AccountStats::failure`]): its data is saved all the same
    /// (`fetched`), but the fetch must not read as a full success (as an AWS account with
    /// failed parts).
    pub outcome: Result<AccountStats, String>,
    /// The account's figures whenever its data is in the snapshot, failed apps or not.
    pub fetched: Option<AccountStats>,
    /// Requests and items per kind (`apps`, `formation`, …).
    pub counts: BTreeMap<&'static str, KindCounts>,
    /// A hint from credential discovery (e.g. `HEROKU_API_TOKEN` set instead of `…_KEY`).
    pub notice: Option<String>,
}

/// What the Heroku source produced.
#[derive(Debug, Clone)]
pub struct HerokuOutput {
    /// `None` when no account succeeded: nothing new to store.
    pub snapshot: Option<SourceSnapshot>,
    pub accounts: Vec<AccountReport>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// The responses to remember for the next fetch's conditional requests.
    pub responses: Vec<CachedResponse>,
}

impl HerokuOutput {
    pub fn succeeded(&self) -> bool {
        self.accounts.iter().all(|a| a.outcome.is_ok())
    }
}

/// Fetches every configured account concurrently and merges them into one snapshot.
/// `previous` is the newest cached Heroku snapshot, for stale carry-over and resuming;
/// `responses` what the last fetch remembered for conditional requests.
pub async fn fetch(
    opts: &HerokuOptions,
    lookup: &Lookup,
    previous: Option<&SourceSnapshot>,
    responses: Vec<CachedResponse>,
    sink: EventSink,
) -> HerokuOutput {
    let now = Utc::now();
    let cache = Arc::new(ResponseCache::new(responses));
    let previous = Arc::new(Previous::new(previous));
    let specs = if opts.accounts.is_empty() {
        vec![AccountSpec {
            name: "default".into(),
            token_env: None,
        }]
    } else {
        opts.accounts.clone()
    };
    let http = match HttpClient::new(opts.http.clone()) {
        Ok(h) => h,
        Err(message) => {
            return HerokuOutput {
                snapshot: None,
                accounts: specs
                    .iter()
                    .map(|s| AccountReport {
                        name: s.name.clone(),
                        outcome: Err(message.clone()),
                        fetched: None,
                        counts: BTreeMap::new(),
                        notice: None,
                    })
                    .collect(),
                requests: 0,
                responses: cache.to_responses(now),
            };
        }
    };
    // The base must end in `/` so joining `apps` keeps any path prefix (a proxy's).
    let mut base = opts.api_url.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }

    let partials = Arc::new(Partials {
        accounts: Mutex::new(BTreeMap::new()),
        previous: previous.clone(),
        sink: sink.clone(),
        taken_at: now,
    });
    let mut tasks = tokio::task::JoinSet::new();
    let mut reports: Vec<Option<AccountReport>> = vec![None; specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        let counters = Arc::new(Counters::new(spec.name.clone(), sink.clone()));
        let credential = credentials::resolve(&spec.name, spec.token_env.as_deref(), lookup);
        let credential = match credential {
            Ok(c) => c,
            Err(error) => {
                let err = HerokuError::Credentials {
                    account: spec.name.clone(),
                    error,
                };
                counters.status(format!("failed: {err}"));
                reports[i] = Some(report(spec, Err(err.to_string()), None, &counters, None));
                continue;
            }
        };
        let client = HerokuClient::new(
            http.clone(),
            base.clone(),
            &spec.name,
            &credential,
            opts.concurrency,
            counters.clone(),
            cache.clone(),
        );
        let on_lists: account::OnLists = {
            let partials = partials.clone();
            Arc::new(move |email: &str, resources, links| {
                partials.publish(i, email, resources, links)
            })
        };
        let job = client.map(|client| AccountJob {
            client: Arc::new(client),
            counters: counters.clone(),
            scope: opts.scope.clone(),
            floor: opts.budget_floor,
            concurrency: opts.concurrency,
            now,
            on_lists,
        });
        let previous = previous.clone();
        let notice = credential.warning.clone();
        tasks.spawn(async move {
            let result = match job {
                Ok(job) => job.run(previous).await,
                Err(e) => Err(e),
            };
            (i, result, counters, notice)
        });
    }

    let mut resources = Vec::new();
    let mut links = Vec::new();
    let mut fetched_accounts = HashSet::new();
    let mut any_ok = false;
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => tracing::error!("heroku account task failed: {e}"),
        }
    }
    // Merge in config order so the first account wins when two see the same app.
    results.sort_by_key(|r| r.0);
    for (i, result, counters, notice) in results {
        let spec = &specs[i];
        let (outcome, fetched) = match result {
            Ok(data) => {
                any_ok = true;
                fetched_accounts.insert(data.stats.email.clone());
                resources.extend(data.resources);
                links.extend(data.links);
                let outcome = match data.stats.failure() {
                    Some(failure) => {
                        counters.status(format!("done; {} app(s) failed", data.stats.failed.len()));
                        Err(failure)
                    }
                    None => {
                        counters.status("done");
                        Ok(data.stats.clone())
                    }
                };
                (outcome, Some(data.stats))
            }
            Err(e) => {
                tracing::warn!("{e}");
                counters.status(format!("failed: {e}"));
                (Err(e.to_string()), None)
            }
        };
        reports[i] = Some(report(spec, outcome, fetched, &counters, notice));
    }
    let accounts: Vec<AccountReport> = reports.into_iter().flatten().collect();
    // Accounts whose data is in (failed apps or not) are not carried over.
    let any_failed = accounts.iter().any(|a| a.fetched.is_none());
    if any_ok && any_failed {
        let (rs, ls) = previous.carry_accounts_except(&fetched_accounts);
        resources.extend(rs);
        links.extend(ls);
    }
    let snapshot = any_ok.then(|| {
        let (resources, links) = crate::sources::dedupe(resources, links);
        SourceSnapshot {
            source: Provider::Heroku,
            taken_at: now,
            resources,
            links,
        }
    });
    HerokuOutput {
        snapshot,
        accounts,
        requests: http.requests(),
        responses: cache.to_responses(Utc::now()),
    }
}

type AccountPart = (String, Vec<Resource>, Vec<Link>);

/// The accounts' provisional data, merged into one Heroku snapshot for the views each
/// time an account's lists arrive. Accounts not listed yet show their previous data.
struct Partials {
    /// Config index → (account email, resources, links).
    accounts: Mutex<BTreeMap<usize, AccountPart>>,
    previous: Arc<Previous>,
    sink: EventSink,
    taken_at: DateTime<Utc>,
}

impl Partials {
    fn publish(&self, index: usize, email: &str, resources: Vec<Resource>, links: Vec<Link>) {
        let mut accounts = self.accounts.lock().expect("partials lock");
        accounts.insert(index, (email.to_string(), resources, links));
        let mut all_resources = Vec::new();
        let mut all_links = Vec::new();
        let mut listed = HashSet::new();
        for (email, rs, ls) in accounts.values() {
            listed.insert(email.clone());
            all_resources.extend(rs.iter().cloned());
            all_links.extend(ls.iter().cloned());
        }
        drop(accounts);
        let (rs, ls) = self.previous.carry_accounts_except(&listed);
        all_resources.extend(rs);
        all_links.extend(ls);
        let (resources, links) = crate::sources::dedupe(all_resources, all_links);
        (self.sink)(SourceEvent::Provisional(Arc::new(SourceSnapshot {
            source: Provider::Heroku,
            taken_at: self.taken_at,
            resources,
            links,
        })));
    }
}

fn report(
    spec: &AccountSpec,
    outcome: Result<AccountStats, String>,
    fetched: Option<AccountStats>,
    counters: &Counters,
    notice: Option<String>,
) -> AccountReport {
    AccountReport {
        name: spec.name.clone(),
        outcome,
        fetched,
        counts: counters.snapshot(),
        notice,
    }
}
