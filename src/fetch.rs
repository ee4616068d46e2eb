//! Fetch orchestration: runs each requested source as its own task, streams progress
//! events over a channel, writes each source's snapshot to the cache as soon as that
//! source finishes, and reports how every source and account went.
//!
//! The `ferry fetch` command and the TUI both drive this; neither knows a provider's API.
//! A failing source or account never blocks the others, and what succeeded is saved.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

use crate::config::Config;
use crate::inventory::{AttemptOutcome, FetchAttempt, SnapshotMeta};
use crate::model::{CachedResponse, Provider, SourceSnapshot};
use crate::sources::SourceEvent;
use crate::sources::lookup::Lookup;
use crate::sources::registry::{self, Input, Prepared};
use crate::store::{Origin, Store};

pub use crate::sources::registry::{AccountSummary, api_url};

/// Everything a fetch needs, resolved once from the config, the environment and paths:
/// each registered source with its options ready.
#[derive(Clone)]
pub struct FetchSetup {
    pub sources: BTreeMap<Provider, Arc<dyn Prepared>>,
    /// Where credentials are looked up (the process environment and `~/.netrc`).
    pub lookup: Lookup,
    pub cache: PathBuf,
    pub keep_snapshots: usize,
}

impl FetchSetup {
    /// Every registered source's options from the config and the process environment
    /// (`FERRY_<SOURCE>_API_URL` wins over `<source>.api_url`).
    pub fn from_config(config: &Config, cache: PathBuf) -> anyhow::Result<Self> {
        Self::with_lookup(config, cache, Lookup::from_process())
    }

    /// As [`FetchSetup::from_config`], reading credentials through `lookup`.
    pub fn with_lookup(config: &Config, cache: PathBuf, lookup: Lookup) -> anyhow::Result<Self> {
        let mut sources = BTreeMap::new();
        for source in registry::SOURCES {
            sources.insert(source.provider(), source.prepare(config, &lookup)?);
        }
        Ok(FetchSetup {
            sources,
            lookup,
            cache,
            keep_snapshots: config.cache.keep_snapshots,
        })
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

/// The sources `ferry fetch` knows: those in the registry.
pub fn available(source: Provider) -> bool {
    registry::source(source).is_some()
}

/// Why a source with nothing configured is left out of a fetch of every source (asked
/// for by name, it runs and fails saying what is missing).
fn not_configured(setup: &FetchSetup, source: Provider) -> Option<String> {
    setup.sources.get(&source)?.not_configured()
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
        registry::SOURCES.iter().map(|s| s.provider()).collect()
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
                error: Some(why),
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
    let Some(prepared) = setup.sources.get(&source) else {
        report.error = Some(format!(
            "fetching from {} is not available yet in this version of Ferry",
            source.title()
        ));
        return report;
    };
    // A cache that cannot give its remembered responses only costs full requests.
    let remembered = if prepared.remembers_responses() {
        load_responses(setup, source).unwrap_or_else(|e| {
            tracing::warn!("conditional requests off for this fetch: {e}");
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let run = prepared
        .fetch(Input {
            previous: previous.as_ref(),
            remembered,
            sink,
        })
        .await;
    report.requests = run.requests;
    report.accounts = run.accounts;
    let (snapshot, responses) = (run.snapshot, run.responses);
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
