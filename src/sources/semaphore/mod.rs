//! The Semaphore CI/CD source: projects, the newest run of each pipeline file (its jobs'
//! commands redacted, names of env vars and secrets only), promotions, tasks, deployment
//! targets, secrets by name, notifications without their endpoints, agent types.
//!
//! Organisations are fetched concurrently; one that fails costs itself only.

pub mod api;
pub mod client;
pub mod credentials;
mod org;
mod previous;
mod project;
pub mod redact;
pub mod sanitize;
pub mod source;

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::Url;

use crate::model::{Provider, SourceSnapshot};
use crate::sources::http::{HttpClient, HttpSettings};
use crate::sources::lookup::Lookup;
use crate::sources::progress::Counters;
use crate::sources::{EventSink, KindCounts};
use credentials::OrgSpec;

#[derive(Debug, Clone)]
pub struct SemaphoreOptions {
    /// One base for every organisation (a proxy, a test server); `https://<host>` if unset.
    pub api_url: Option<Url>,
    pub orgs: Vec<OrgSpec>,
    /// `~/.sem.yaml`, read when neither orgs nor `SEMAPHORE_API_TOKEN` are set.
    pub sem_yaml: Option<PathBuf>,
    pub window_days: u32,
    pub concurrency: usize,
    pub http: HttpSettings,
}

impl Default for SemaphoreOptions {
    fn default() -> Self {
        SemaphoreOptions {
            api_url: None,
            orgs: Vec::new(),
            sem_yaml: None,
            window_days: 30,
            concurrency: 8,
            http: HttpSettings::default(),
        }
    }
}

pub struct OrgOutcome {
    pub name: String,
    pub outcome: Result<String, String>,
    pub counts: std::collections::BTreeMap<&'static str, KindCounts>,
    pub notices: Vec<String>,
}

pub struct SemaphoreFetch {
    pub snapshot: Option<SourceSnapshot>,
    pub orgs: Vec<OrgOutcome>,
    pub requests: u64,
}

/// Whether any organisation is configured or found (env, `~/.sem.yaml`).
pub fn is_configured(opts: &SemaphoreOptions, lookup: &Lookup) -> bool {
    !credentials::resolve(&opts.orgs, lookup, opts.sem_yaml.as_ref()).is_empty()
}

/// Fetches every organisation; `previous` (the newest stored snapshot) fills in what could
/// not be read, marked stale.
pub async fn fetch(
    opts: &SemaphoreOptions,
    lookup: &Lookup,
    previous: Option<&SourceSnapshot>,
    sink: EventSink,
) -> SemaphoreFetch {
    let now = chrono::Utc::now();
    let creds = credentials::resolve(&opts.orgs, lookup, opts.sem_yaml.as_ref());
    if creds.is_empty() {
        return SemaphoreFetch {
            snapshot: None,
            orgs: vec![OrgOutcome {
                name: "semaphore".into(),
                outcome: Err("no Semaphore credentials: set SEMAPHORE_API_TOKEN and \
                     SEMAPHORE_HOST, run `sem connect`, or add [[semaphore.orgs]] to the config"
                    .into()),
                counts: Default::default(),
                notices: Vec::new(),
            }],
            requests: 0,
        };
    }
    let http = match HttpClient::new(opts.http.clone()) {
        Ok(h) => h,
        Err(e) => {
            return SemaphoreFetch {
                snapshot: None,
                orgs: vec![OrgOutcome {
                    name: "semaphore".into(),
                    outcome: Err(e),
                    counts: Default::default(),
                    notices: Vec::new(),
                }],
                requests: 0,
            };
        }
    };
    let runs = creds.into_iter().map(|c| {
        let http = http.clone();
        let sink = sink.clone();
        async move {
            let counters = Arc::new(Counters::new(c.name.clone(), sink));
            let result = async {
                let token = c.token.clone()?;
                let base = match &opts.api_url {
                    Some(u) => u.clone(),
                    None => Url::parse(&format!("https://{}/", c.host)).map_err(|e| {
                        format!(
                            "Semaphore host `{}` (from {}) is not a host name: {e}",
                            c.host, c.from
                        )
                    })?,
                };
                let client = client::OrgClient::new(
                    &c.name,
                    &c.from,
                    base,
                    &token,
                    http,
                    opts.concurrency,
                    counters.clone(),
                )?;
                org::fetch(&client, &c.host, opts.window_days, opts.concurrency, now).await
            }
            .await;
            (c.name, result, counters.snapshot())
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let mut resources = Vec::new();
    let mut links = Vec::new();
    let mut orgs = Vec::new();
    for (name, result, counts) in results {
        match result {
            Ok(mut r) => {
                previous::unavailable_parts(previous, &name, &mut r.resources, &mut r.links);
                resources.extend(r.resources);
                links.extend(r.links);
                orgs.push(OrgOutcome {
                    name,
                    outcome: Ok(r.summary),
                    counts,
                    notices: r.notices,
                });
            }
            Err(e) => {
                let (kept, kept_links) = previous::failed_org(previous, &name);
                let mut notices = Vec::new();
                if !kept.is_empty() {
                    notices.push(format!(
                        "kept {} resource(s) from the last fetch, marked stale",
                        kept.len()
                    ));
                }
                resources.extend(kept);
                links.extend(kept_links);
                orgs.push(OrgOutcome {
                    name,
                    outcome: Err(e),
                    counts,
                    notices,
                });
            }
        }
    }
    // Nothing read at all: no snapshot, so the previous one stays in use.
    let any_ok = orgs.iter().any(|o| o.outcome.is_ok());
    let (resources, links) = crate::sources::dedupe(resources, links);
    SemaphoreFetch {
        snapshot: any_ok.then_some(SourceSnapshot {
            source: Provider::Semaphore,
            taken_at: now,
            resources,
            links,
        }),
        orgs,
        requests: http.requests(),
    }
}
