//! The AWS source: every configured account (a profile and its regions), fetched
//! concurrently through the official AWS SDK for Rust, merged into one AWS snapshot.
//!
//! Within an account each *part* (a service in a region; CloudFront, Route 53 and S3 once
//! from us-east-1) runs on its own: a part that is not permitted or not enabled is
//! reported and skipped; a part that fails keeps its previous data, marked stale, and
//! makes the fetch exit non-zero. An account whose credentials fail keeps its previous
//! data too, while the other accounts carry on.

mod account;
pub mod arn;
mod dns_links;
pub mod error;
mod part;
mod previous;
pub mod sanitize;
pub mod sdk;
pub mod services;
mod tags;

pub use part::{Batch, Ctx, Service};

use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use crate::model::{Provider, SourceSnapshot};
use crate::sources::progress::{Counters, EventSink, KindCounts};
use account::{AccountData, AccountJob};
use error::PartError;
use previous::Previous;
use sdk::{RequestCounter, SdkSettings};

/// Requests in flight per service and region unless `[aws.concurrency]` says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 6;

/// One account to fetch: a profile (or the default credential chain) and its regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// A label for progress and messages.
    pub name: String,
    /// `None`: the standard chain (environment, `AWS_PROFILE` or `default`, SSO, roles…).
    pub profile: Option<String>,
    /// Empty: the profile's own region.
    pub regions: Vec<String>,
}

/// Everything the AWS source needs, resolved from `[aws]`.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// Empty: the default profile in its region.
    pub accounts: Vec<AccountSpec>,
    pub sdk: SdkSettings,
    /// Requests in flight per service and region, by service; others get `default_concurrency`.
    pub concurrency: BTreeMap<Service, usize>,
    pub default_concurrency: usize,
    /// Services not to call at all.
    pub skip: BTreeSet<Service>,
}

impl AwsOptions {
    pub fn concurrency_of(&self, s: Service) -> usize {
        let d = if self.default_concurrency == 0 {
            DEFAULT_CONCURRENCY
        } else {
            self.default_concurrency
        };
        self.concurrency.get(&s).copied().unwrap_or(d).max(1)
    }
}

/// How one account went.
#[derive(Debug, Clone)]
pub struct AccountReport {
    pub name: String,
    /// A one-line summary, or what failed (credentials, or parts that failed).
    pub outcome: Result<String, String>,
    pub counts: BTreeMap<&'static str, KindCounts>,
    /// Parts that were unavailable (not permitted, not enabled), and other hints.
    pub notices: Vec<String>,
}

/// What the AWS source produced.
#[derive(Debug, Clone)]
pub struct AwsOutput {
    /// `None` when no account could be read: nothing new to store.
    pub snapshot: Option<SourceSnapshot>,
    pub accounts: Vec<AccountReport>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
}

pub async fn fetch(
    opts: &AwsOptions,
    previous: Option<&SourceSnapshot>,
    sink: EventSink,
) -> AwsOutput {
    let now = Utc::now();
    let previous = Arc::new(Previous::new(previous));
    let opts = Arc::new(opts.clone());
    let specs = if opts.accounts.is_empty() {
        vec![AccountSpec {
            name: "default".into(),
            profile: None,
            regions: Vec::new(),
        }]
    } else {
        opts.accounts.clone()
    };
    let counter = RequestCounter::default();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let counters = Arc::new(Counters::new(spec.name.clone(), sink.clone()));
        let job = AccountJob {
            spec: spec.clone(),
            opts: opts.clone(),
            counter: counter.clone(),
            counters: counters.clone(),
            now,
        };
        let previous = previous.clone();
        tasks.spawn(async move { (i, job.run(&previous).await, counters) });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => tracing::error!("aws account task failed: {e}"),
        }
        if results.len() < specs.len() {
            provisional(&results, &previous, now, &sink);
        }
    }
    // Merge in config order so the first profile wins when two reach the same account.
    results.sort_by_key(|r| r.0);
    let mut resources = Vec::new();
    let mut links = Vec::new();
    let mut seen_accounts = HashSet::new();
    let mut reports = Vec::new();
    let mut any_ok = false;
    for (i, result, counters) in results {
        let spec = &specs[i];
        let (outcome, notices) = match result {
            Ok(data) => {
                any_ok = true;
                let (outcome, notices) = summarize(&data);
                counters.status(if outcome.is_ok() {
                    "done"
                } else {
                    "done, with failures"
                });
                seen_accounts.insert(data.account_id.clone());
                resources.extend(data.batch.resources);
                links.extend(data.batch.links);
                (outcome, notices)
            }
            Err(message) => {
                tracing::warn!("aws account {}: {message}", spec.name);
                counters.status(format!("failed: {message}"));
                let mut notices = Vec::new();
                let profile = spec.profile.as_deref().unwrap_or("default");
                if let Some(acct) = previous
                    .account_of_profile(profile)
                    .filter(|a| !seen_accounts.contains(a))
                {
                    let (rs, ls) = previous.carry_account(&acct);
                    notices.push(format!(
                        "kept the previous data of account {acct} ({} resources, marked stale)",
                        rs.len()
                    ));
                    seen_accounts.insert(acct);
                    resources.extend(rs);
                    links.extend(ls);
                }
                (Err(message), notices)
            }
        };
        reports.push(AccountReport {
            name: spec.name.clone(),
            outcome,
            counts: counters.snapshot(),
            notices,
        });
    }
    let snapshot = any_ok.then(|| {
        links.extend(dns_links::derive(&resources));
        let (resources, links) = crate::sources::dedupe(resources, links);
        SourceSnapshot {
            source: Provider::Aws,
            taken_at: now,
            resources,
            links,
        }
    });
    AwsOutput {
        snapshot,
        accounts: reports,
        requests: counter.get(),
    }
}

/// While other accounts are still running, views get the accounts done so far plus the
/// previous data of the rest (marked stale). Never stored.
fn provisional(
    results: &[(usize, Result<AccountData, String>, Arc<Counters>)],
    previous: &Previous,
    now: chrono::DateTime<Utc>,
    sink: &EventSink,
) {
    let mut resources = Vec::new();
    let mut links = Vec::new();
    let mut done = HashSet::new();
    for data in results.iter().filter_map(|(_, r, _)| r.as_ref().ok()) {
        done.insert(data.account_id.clone());
        resources.extend(data.batch.resources.iter().cloned());
        links.extend(data.batch.links.iter().cloned());
    }
    for account in previous
        .accounts()
        .into_iter()
        .filter(|a| !done.contains(a))
    {
        let (rs, ls) = previous.carry_account(&account);
        resources.extend(rs);
        links.extend(ls);
    }
    links.extend(dns_links::derive(&resources));
    let (resources, links) = crate::sources::dedupe(resources, links);
    sink(crate::sources::SourceEvent::Provisional(Arc::new(
        SourceSnapshot {
            source: Provider::Aws,
            taken_at: now,
            resources,
            links,
        },
    )));
}

/// The account's summary line (or its failed parts) and notices for unavailable parts.
fn summarize(data: &AccountData) -> (Result<String, String>, Vec<String>) {
    let mut notices = Vec::new();
    let mut failed = Vec::new();
    for p in &data.parts {
        let where_ = format!("{} in {}", p.service.title(), p.place.display());
        match &p.error {
            Some(PartError::Unavailable(r)) => notices.push(format!("{where_} unavailable: {r}")),
            Some(PartError::Failed(r)) => failed.push(format!("{where_}: {r}")),
            None => {}
        }
    }
    let fresh = data.batch.resources.len() - data.stale;
    let line = format!(
        "account {} in {}: {fresh} resources from {} of {} parts",
        data.account_id,
        data.regions.join(", "),
        data.parts.iter().filter(|p| p.error.is_none()).count(),
        data.parts.len(),
    );
    if failed.is_empty() {
        (Ok(line), notices)
    } else {
        notices.insert(0, line);
        let stale = if data.stale > 0 {
            format!(
                "; kept {} previous resources of those parts, marked stale",
                data.stale
            )
        } else {
            String::new()
        };
        (
            Err(format!(
                "{} part(s) failed: {}{stale}",
                failed.len(),
                failed.join("; ")
            )),
            notices,
        )
    }
}
