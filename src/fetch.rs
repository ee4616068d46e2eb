//! Fetch orchestration: runs each requested source as its own task, streams progress
//! events over a channel, writes each source's snapshot to the cache as soon as that
//! source finishes, and reports how every source and account went.
//!
//! The `ferry fetch` command and the TUI both drive this; neither knows a provider's API.
//! A failing source or account never blocks the others, and what succeeded is saved.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

use crate::config::Config;
use crate::inventory::{AttemptOutcome, FetchAttempt, SnapshotMeta};
use crate::model::{CachedResponse, Provider, SourceSnapshot};
use crate::sources::aws::{self, AwsOptions};
use crate::sources::heroku::{self, AccountSpec, HerokuOptions, ScopeFilter};
use crate::sources::http::HttpSettings;
use crate::sources::lookup::Lookup;
use crate::sources::{KindCounts, SourceEvent};
use crate::store::{Origin, Store};

mod cloudflare;

/// Everything a fetch needs, resolved once from the config, the environment and paths.
#[derive(Clone)]
pub struct FetchSetup {
    pub heroku: HerokuOptions,
    pub cloudflare: crate::sources::cloudflare::CloudflareOptions,
    pub aws: AwsOptions,
    /// Where credentials are looked up (the process environment and `~/.netrc`).
    pub lookup: Lookup,
    pub cache: PathBuf,
    pub keep_snapshots: usize,
}

impl FetchSetup {
    /// Reads `[heroku]` and `[cloudflare]`, and `FERRY_HEROKU_API_URL` /
    /// `FERRY_CLOUDFLARE_API_URL` (which win over their `api_url`).
    pub fn from_config(config: &Config, cache: PathBuf) -> anyhow::Result<Self> {
        let lookup = Lookup::from_process();
        let h = &config.heroku;
        let heroku = HerokuOptions {
            api_url: api_url(&lookup, "Heroku", "heroku", h.api_url.as_deref())?
                .unwrap_or_else(|| HerokuOptions::default().api_url),
            accounts: h
                .accounts
                .iter()
                .map(|a| AccountSpec {
                    name: a.name.clone(),
                    token_env: Some(a.token_env.clone()),
                })
                .collect(),
            scope: ScopeFilter {
                teams: h.scope.teams.clone(),
                apps: h.scope.apps.clone(),
            },
            budget_floor: h.budget_floor,
            concurrency: h.concurrency,
            http: HttpSettings::from_config(
                h.request_timeout_secs,
                h.retry_base_delay_ms,
                h.retry_deadline_secs,
            ),
        };
        Ok(FetchSetup {
            heroku,
            cloudflare: cloudflare::options(&config.cloudflare, &lookup)?,
            aws: aws_options(&config.aws),
            lookup,
            cache,
            keep_snapshots: config.cache.keep_snapshots,
        })
    }
}

/// A source's API base URL: `FERRY_<SOURCE>_API_URL` wins over `<source>.api_url`; `None`
/// when neither is set (the source's default). A value that is not a URL names both places.
pub(crate) fn api_url(
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

/// `[aws]` as the AWS source's options (names were checked when the config was parsed).
fn aws_options(a: &crate::config::AwsConfig) -> AwsOptions {
    let service = |name: &str| aws::Service::ALL.iter().copied().find(|s| s.name() == name);
    AwsOptions {
        accounts: a
            .accounts
            .iter()
            .map(|acc| aws::AccountSpec {
                name: acc.name.clone().unwrap_or_else(|| acc.profile.clone()),
                profile: Some(acc.profile.clone()),
                regions: acc.regions.clone(),
            })
            .collect(),
        sdk: aws::sdk::SdkSettings {
            endpoint_url: a.endpoint_url.clone(),
            max_attempts: a.max_attempts,
            attempt_timeout: Duration::from_secs(a.request_timeout_secs),
            profile_files: None,
        },
        concurrency: a
            .concurrency
            .iter()
            .filter_map(|(k, v)| Some((service(k)?, *v)))
            .collect(),
        default_concurrency: a
            .concurrency
            .get("default")
            .copied()
            .unwrap_or(aws::DEFAULT_CONCURRENCY),
        skip: a.skip_services.iter().filter_map(|s| service(s)).collect(),
    }
}

/// What a running fetch reports.
#[derive(Debug, Clone)]
pub enum FetchEvent {
    /// Progress from one source.
    Progress {
        source: Provider,
        event: SourceEvent,
    },
    /// A source finished; its snapshot (if any) is already in the cache.
    Finished(Box<SourceReport>),
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

/// How one source went.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub source: Provider,
    pub accounts: Vec<AccountSummary>,
    /// A failure of the source as a whole (not available, the cache write failed); with
    /// `skipped`, why the source was skipped.
    pub error: Option<String>,
    /// The snapshot written, with its cache metadata.
    pub stored: Option<(SnapshotMeta, Arc<SourceSnapshot>)>,
    pub requests: u64,
    /// Not asked for and not available yet: neither a success nor a failure.
    pub skipped: bool,
}

impl SourceReport {
    pub fn succeeded(&self) -> bool {
        self.skipped || (self.error.is_none() && self.accounts.iter().all(|a| a.outcome.is_ok()))
    }
}

const AWS_NOT_CONFIGURED: &str = "AWS is not configured (no [[aws.accounts]], no AWS_* credentials, profile or endpoint in the environment, no ~/.aws files); `ferry fetch --source aws` says what is missing";

/// Whether anything points Ferry at AWS: configured accounts, an endpoint, the SDK's own
/// environment variables, or the AWS CLI's files. Without any, a fetch of every source
/// leaves AWS out instead of failing a Heroku-only user.
fn aws_configured(setup: &FetchSetup) -> bool {
    if !setup.aws.accounts.is_empty() || setup.aws.sdk.endpoint_url.is_some() {
        return true;
    }
    let env = |name: &str| (setup.lookup.env)(name).is_some_and(|v| !v.is_empty());
    let vars = [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ];
    if vars.iter().any(|v| env(v)) {
        return true;
    }
    let home = (setup.lookup.env)("HOME").map(PathBuf::from);
    home.is_some_and(|h| h.join(".aws/config").exists() || h.join(".aws/credentials").exists())
}

/// The sources `ferry fetch` knows.
pub fn available(source: Provider) -> bool {
    matches!(
        source,
        Provider::Heroku | Provider::Cloudflare | Provider::Aws
    )
}

/// Why a source with nothing configured is left out of a fetch of every source (asked
/// for by name, it runs and fails saying what is missing). Heroku is always configured:
/// it is what Ferry is for.
fn not_configured(setup: &FetchSetup, source: Provider) -> Option<&'static str> {
    match source {
        Provider::Cloudflare if !cloudflare::configured(&setup.cloudflare, &setup.lookup) => {
            Some(cloudflare::NOT_CONFIGURED)
        }
        Provider::Aws if !aws_configured(setup) => Some(AWS_NOT_CONFIGURED),
        _ => None,
    }
}

/// Runs the fetch of `sources` (every source when empty) and returns one report per
/// source. Progress and each source's result are also sent on `events` as they happen.
pub async fn run(
    setup: &FetchSetup,
    sources: &[Provider],
    events: UnboundedSender<FetchEvent>,
) -> Vec<SourceReport> {
    let explicit = !sources.is_empty();
    let wanted: Vec<Provider> = if explicit {
        sources.to_vec()
    } else {
        Provider::ALL.to_vec()
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut reports = Vec::new();
    for source in wanted {
        if !available(source) {
            let report = SourceReport {
                source,
                accounts: Vec::new(),
                error: explicit.then(|| {
                    format!(
                        "fetching from {} is not available yet in this version of Ferry",
                        source.title()
                    )
                }),
                stored: None,
                requests: 0,
                skipped: !explicit,
            };
            let _ = events.send(FetchEvent::Finished(Box::new(report.clone())));
            reports.push(report);
            continue;
        }
        if let Some(why) = not_configured(setup, source).filter(|_| !explicit) {
            let report = SourceReport {
                source,
                accounts: Vec::new(),
                error: Some(why.to_string()),
                stored: None,
                requests: 0,
                skipped: true,
            };
            let _ = events.send(FetchEvent::Finished(Box::new(report.clone())));
            reports.push(report);
            continue;
        }
        let (setup, events) = (setup.clone(), events.clone());
        tasks.spawn(async move {
            let report = run_source(&setup, source, events.clone()).await;
            if let Some(attempt) = attempt(&report, chrono::Utc::now())
                && let Err(e) = record_attempt(&setup, &attempt)
            {
                tracing::warn!(
                    "could not record how the {} fetch went: {e}",
                    source.title()
                );
            }
            let _ = events.send(FetchEvent::Finished(Box::new(report.clone())));
            report
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(report) => reports.push(report),
            Err(e) => tracing::error!("fetch task failed: {e}"),
        }
    }
    reports.sort_by_key(|r| r.source);
    reports
}

async fn run_source(
    setup: &FetchSetup,
    source: Provider,
    events: UnboundedSender<FetchEvent>,
) -> SourceReport {
    let mut report = SourceReport {
        source,
        accounts: Vec::new(),
        error: None,
        stored: None,
        requests: 0,
        skipped: false,
    };
    let previous = match previous_snapshot(setup, source) {
        Ok(p) => p,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let sink: crate::sources::EventSink = Arc::new(move |event| {
        let _ = events.send(FetchEvent::Progress { source, event });
    });
    let mut responses = None;
    let snapshot = match source {
        Provider::Heroku => {
            // A cache that cannot give its remembered responses only costs full requests.
            let remembered = load_responses(setup, source).unwrap_or_else(|e| {
                tracing::warn!("conditional requests off for this fetch: {e}");
                Vec::new()
            });
            let out = heroku::fetch(
                &setup.heroku,
                &setup.lookup,
                previous.as_ref(),
                remembered,
                sink,
            )
            .await;
            report.requests = out.requests;
            responses = Some(out.responses);
            report.accounts = out
                .accounts
                .into_iter()
                .map(|a| {
                    let mut notices: Vec<String> = a.notice.into_iter().collect();
                    if let Ok(stats) = &a.outcome {
                        notices.extend(stats.warnings.iter().cloned());
                    }
                    AccountSummary {
                        name: a.name,
                        outcome: a.outcome.map(|s| s.summary()),
                        counts: a.counts,
                        notices,
                    }
                })
                .collect();
            out.snapshot
        }
        Provider::Cloudflare => {
            let (snapshot, accounts, requests) =
                cloudflare::run(&setup.cloudflare, &setup.lookup, previous.as_ref(), sink).await;
            report.requests = requests;
            report.accounts = accounts;
            snapshot
        }
        Provider::Aws => {
            let out = aws::fetch(&setup.aws, previous.as_ref(), sink).await;
            report.requests = out.requests;
            report.accounts = out
                .accounts
                .into_iter()
                .map(|a| AccountSummary {
                    name: a.name,
                    outcome: a.outcome,
                    counts: a.counts,
                    notices: a.notices,
                })
                .collect();
            out.snapshot
        }
    };
    if let Some(snap) = snapshot {
        match store_snapshot(setup, &snap) {
            Ok(meta) => report.stored = Some((meta, Arc::new(snap))),
            Err(e) => report.error = Some(format!("fetched, but could not save to the cache: {e}")),
        }
        // Saved even if the snapshot could not be: each copy stands on its own (a 304 is
        // answered from it, not from the snapshot).
        if let Some(responses) = responses
            && let Err(e) = save_responses(setup, source, &responses)
        {
            tracing::warn!("could not remember responses for conditional requests: {e}");
        }
    }
    report
}

/// How a finished fetch went, for the cache's `fetch_attempts` (`None` for a skipped source).
pub fn attempt(report: &SourceReport, at: chrono::DateTime<chrono::Utc>) -> Option<FetchAttempt> {
    if report.skipped {
        return None;
    }
    let mut errors: Vec<String> = report
        .accounts
        .iter()
        .filter_map(|a| {
            let e = a.outcome.as_ref().err()?;
            // Sources' errors usually name their account already.
            Some(if e.contains(&format!("`{}`", a.name)) {
                e.clone()
            } else {
                format!("account `{}`: {e}", a.name)
            })
        })
        .collect();
    errors.extend(report.error.clone());
    let outcome = match (&report.stored, errors.is_empty()) {
        (None, _) => AttemptOutcome::Failed,
        (Some(_), true) => AttemptOutcome::Ok,
        (Some(_), false) => AttemptOutcome::Partial,
    };
    Some(FetchAttempt {
        source: report.source,
        at,
        outcome,
        errors,
    })
}

fn record_attempt(setup: &FetchSetup, attempt: &FetchAttempt) -> Result<(), String> {
    let mut store = Store::open(&setup.cache).map_err(|e| e.to_string())?;
    store.record_attempt(attempt).map_err(|e| e.to_string())
}

fn load_responses(setup: &FetchSetup, source: Provider) -> Result<Vec<CachedResponse>, String> {
    let store = Store::open(&setup.cache).map_err(|e| e.to_string())?;
    store.load_responses(source).map_err(|e| e.to_string())
}

fn save_responses(
    setup: &FetchSetup,
    source: Provider,
    responses: &[CachedResponse],
) -> Result<(), String> {
    let mut store = Store::open(&setup.cache).map_err(|e| e.to_string())?;
    store
        .save_responses(source, responses)
        .map_err(|e| e.to_string())
}

/// The newest cached snapshot of `source`, for stale carry-over.
fn previous_snapshot(
    setup: &FetchSetup,
    source: Provider,
) -> Result<Option<SourceSnapshot>, String> {
    let store = Store::open(&setup.cache).map_err(|e| e.to_string())?;
    let inventory = store.load_latest().map_err(|e| e.to_string())?;
    Ok(inventory
        .to_source_snapshots()
        .into_iter()
        .find(|s| s.source == source))
}

fn store_snapshot(setup: &FetchSetup, snap: &SourceSnapshot) -> Result<SnapshotMeta, String> {
    let mut store = Store::open(&setup.cache).map_err(|e| e.to_string())?;
    let id = store
        .write_snapshot(snap, Origin::Fetch, setup.keep_snapshots)
        .map_err(|e| e.to_string())?;
    Ok(SnapshotMeta {
        id,
        source: snap.source,
        taken_at: snap.taken_at,
        origin: "fetch".into(),
        resource_count: snap.resources.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
