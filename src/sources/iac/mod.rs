//! The IaC source: Terraform / OpenTofu / Terragrunt states from local files, directories,
//! globs and S3 prefixes, read for identifiers only (see `allow` and `state`).
//!
//! Each configured location is read on its own: one that fails is reported on its
//! `iac_state` (`ferry_unavailable`, with what an earlier fetch read there carried over
//! stale) and the others carry on. Matching against AWS happens at analysis time
//! (`crate::iac`), so this source depends on `model` only.

pub mod allow;
pub mod local;
pub mod mapping;
pub mod s3;
pub mod sanitize;
pub mod source;
pub mod state;

mod carry;

use chrono::Utc;
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::{Provider, SourceSnapshot};
use crate::sources::aws::error::PartError;
use crate::sources::aws::{AccountSpec, sdk};
use crate::sources::progress::Counters;
use crate::sources::{EventSink, KindCounts};
use mapping::Found;

#[derive(Debug, Clone)]
pub struct IacOptions {
    /// Local paths, globs and `s3://` locations, as configured.
    pub locations: Vec<String>,
    /// The AWS account whose credentials read S3 (`None`: the default chain).
    pub aws: Option<AccountSpec>,
    pub sdk: sdk::SdkSettings,
    /// The S3 backend's `workspace_key_prefix` (`env:`).
    pub workspace_key_prefix: String,
    pub concurrency: usize,
    pub max_bytes: u64,
    pub home: Option<PathBuf>,
}

impl Default for IacOptions {
    fn default() -> Self {
        IacOptions {
            locations: Vec::new(),
            aws: None,
            sdk: sdk::SdkSettings::default(),
            workspace_key_prefix: "env:".into(),
            concurrency: 8,
            max_bytes: 256 << 20,
            home: None,
        }
    }
}

/// How one configured location went.
#[derive(Debug, Clone)]
pub struct LocationReport {
    pub name: String,
    pub outcome: Result<String, String>,
    pub counts: BTreeMap<&'static str, KindCounts>,
    pub notices: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct IacOutput {
    pub snapshot: Option<SourceSnapshot>,
    pub locations: Vec<LocationReport>,
    pub requests: u64,
}

/// What reading one configured location gave: the files found (each read or not), or the
/// reason none could be listed.
struct Listed {
    configured: String,
    found: Vec<Found>,
    failure: Option<PartError>,
    requests: u64,
}

pub async fn fetch(
    opts: &IacOptions,
    previous: Option<&SourceSnapshot>,
    sink: EventSink,
) -> IacOutput {
    let now = Utc::now();
    let s3_client = if opts.locations.iter().any(|l| l.trim().starts_with("s3://")) {
        Some(Arc::new(s3_client(opts).await))
    } else {
        None
    };
    let jobs = opts.locations.iter().map(|loc| {
        let counters = Arc::new(Counters::new(loc.clone(), sink.clone()));
        let client = s3_client.clone();
        async move {
            let listed = match s3::S3Location::parse(loc) {
                Some(s3loc) => {
                    let client = client.expect("built when a location is on S3");
                    read_s3(opts, loc, &s3loc, &client, &counters).await
                }
                None if loc.trim().starts_with("s3://") => Listed {
                    configured: loc.clone(),
                    found: Vec::new(),
                    failure: Some(PartError::Unavailable(format!(
                        "`{loc}` names no bucket (iac.states or FERRY_IAC_STATES: s3://bucket/prefix/)"
                    ))),
                    requests: 0,
                },
                None => read_local(opts, loc, &counters).await,
            };
            (listed, counters)
        }
    });
    let results: Vec<(Listed, Arc<Counters>)> = futures_util::future::join_all(jobs).await;

    let found: Vec<Found> = results.iter().flat_map(|(l, _)| l.found.clone()).collect();
    let mut resources = mapping::resources(&found, now);
    let carry = carry::Carry::new(previous);
    let mut reports = Vec::new();
    let mut requests = 0;
    let mut any_listed = false;
    for (listed, counters) in &results {
        requests += listed.requests;
        let report = carry.apply(listed_view(listed), &mut resources, now);
        any_listed |= listed.failure.is_none();
        reports.push(LocationReport {
            name: listed.configured.clone(),
            outcome: report.outcome,
            counts: counters.snapshot(),
            notices: report.notices,
        });
    }
    let (resources, links) = crate::sources::dedupe(resources, Vec::new());
    let snapshot = any_listed.then_some(SourceSnapshot {
        source: Provider::Iac,
        taken_at: now,
        resources,
        links,
    });
    IacOutput {
        snapshot,
        locations: reports,
        requests,
    }
}

fn listed_view(l: &Listed) -> carry::ListedView<'_> {
    carry::ListedView {
        configured: &l.configured,
        found: &l.found,
        failure: l.failure.as_ref(),
    }
}

async fn s3_client(opts: &IacOptions) -> aws_sdk_s3::Client {
    let spec = opts.aws.clone().unwrap_or(AccountSpec {
        name: "default".into(),
        profile: None,
        regions: Vec::new(),
    });
    let conf = sdk::load(&spec, &opts.sdk).await;
    // Behind an endpoint override (an emulator, a proxy) buckets cannot be virtual hosts.
    let path_style =
        conf.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
    let s3 = aws_sdk_s3::config::Builder::from(&conf)
        .force_path_style(path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

async fn read_s3(
    opts: &IacOptions,
    configured: &str,
    loc: &s3::S3Location,
    client: &aws_sdk_s3::Client,
    counters: &Counters,
) -> Listed {
    let mut requests = 0;
    let place = format!("s3://{}", loc.bucket);
    let objects = match s3::list(client, loc, &opts.workspace_key_prefix, &mut requests).await {
        Ok(o) => o,
        Err(e) => {
            counters.record("iac_state", requests, 0, None);
            let hint = match &e {
                PartError::Unavailable(_) => format!(
                    " (needs s3:ListBucket on {} and s3:GetObject; credentials from iac.aws_account)",
                    loc.bucket
                ),
                PartError::Failed(_) => String::new(),
            };
            let e = match e {
                PartError::Unavailable(r) => {
                    PartError::Unavailable(format!("{configured}: {r}{hint}"))
                }
                PartError::Failed(r) => PartError::Failed(format!("{configured}: {r}")),
            };
            return Listed {
                configured: configured.to_string(),
                found: Vec::new(),
                failure: Some(e),
                requests,
            };
        }
    };
    counters.record("iac_state", requests, 0, None);
    let reads = futures_util::stream::iter(objects)
        .map(|o| {
            let place = place.clone();
            async move {
                let location = format!("s3://{}/{}", loc.bucket, o.key);
                let outcome = if o.size as u64 > opts.max_bytes {
                    Ok(state::Classified::Skipped(format!(
                        "{} MiB, more than iac.max_state_mib",
                        o.size >> 20
                    )))
                } else {
                    match s3::get(client, &loc.bucket, &o.key).await {
                        Ok(bytes) => state::read(&bytes),
                        Err(e) => Err(e.reason().to_string()),
                    }
                };
                counters.record("iac_state", 1, 1, None);
                Found {
                    location,
                    configured: configured.to_string(),
                    place,
                    outcome,
                }
            }
        })
        .buffered(opts.concurrency.max(1))
        .collect::<Vec<_>>()
        .await;
    let n = reads.len() as u64;
    let resources: u64 = reads.iter().map(count_resources).sum();
    counters.record("iac_resource", 0, resources, None);
    Listed {
        configured: configured.to_string(),
        found: reads,
        failure: None,
        requests: requests + n,
    }
}

fn count_resources(f: &Found) -> u64 {
    match &f.outcome {
        Ok(state::Classified::State(s)) => s
            .resources
            .iter()
            .filter(|r| r.mode == "managed")
            .map(|r| r.instances.len() as u64)
            .sum(),
        _ => 0,
    }
}

async fn read_local(opts: &IacOptions, configured: &str, counters: &Counters) -> Listed {
    let pattern = local::expand_home(configured.trim(), opts.home.as_deref());
    let max = opts.max_bytes;
    let conf = configured.to_string();
    let joined = tokio::task::spawn_blocking(move || {
        let files = local::expand(&pattern)?;
        Ok::<_, String>(
            files
                .into_iter()
                .filter(|p| !p.to_string_lossy().ends_with(".tflock"))
                .map(|p| {
                    let location = p.to_string_lossy().into_owned();
                    let outcome = match std::fs::metadata(&p) {
                        Ok(m) if m.len() > max => Ok(state::Classified::Skipped(format!(
                            "{} MiB, more than iac.max_state_mib",
                            m.len() >> 20
                        ))),
                        _ => std::fs::read(&p)
                            .map_err(|e| format!("cannot read {location}: {e}"))
                            .and_then(|b| state::read(&b)),
                    };
                    Found {
                        location,
                        configured: conf.clone(),
                        place: "local".into(),
                        outcome,
                    }
                })
                .collect::<Vec<_>>(),
        )
    })
    .await;
    let listed = match joined {
        Ok(Ok(found)) => Listed {
            configured: configured.to_string(),
            found,
            failure: None,
            requests: 0,
        },
        Ok(Err(why)) => Listed {
            configured: configured.to_string(),
            found: Vec::new(),
            failure: Some(PartError::Unavailable(format!(
                "{why} (iac.states or FERRY_IAC_STATES)"
            ))),
            requests: 0,
        },
        Err(e) => Listed {
            configured: configured.to_string(),
            found: Vec::new(),
            failure: Some(PartError::Failed(format!(
                "{configured}: reading failed: {e}"
            ))),
            requests: 0,
        },
    };
    let resources: u64 = listed.found.iter().map(count_resources).sum();
    counters.record("iac_state", 0, listed.found.len() as u64, None);
    counters.record("iac_resource", 0, resources, None);
    listed
}
