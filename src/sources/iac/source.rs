//! The IaC source's registry entry: options from `[iac]` and `FERRY_IAC_STATES` (which
//! wins), S3 credentials from the `[[aws.accounts]]` entry `iac.aws_account` names.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::IacOptions;
use crate::config::Config;
use crate::model::Provider;
use crate::sources::aws::{AccountSpec, sdk};
use crate::sources::lookup::Lookup;
use crate::sources::registry::{AccountSummary, Input, Prepared, Run, Source};

pub struct Iac;

struct Ready {
    opts: IacOptions,
}

/// `FERRY_IAC_STATES`, comma-separated, wins over `iac.states`.
pub fn locations(config: &Config, lookup: &Lookup) -> Vec<String> {
    match (lookup.env)("FERRY_IAC_STATES").filter(|v| !v.trim().is_empty()) {
        Some(v) => v
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        None => config.iac.states.clone(),
    }
}

pub fn options(config: &Config, lookup: &Lookup) -> anyhow::Result<IacOptions> {
    let c = &config.iac;
    let a = &config.aws;
    let aws = match &c.aws_account {
        None => None,
        Some(name) => {
            let acc = a
                .accounts
                .iter()
                .find(|acc| acc.name.as_deref() == Some(name) || &acc.profile == name)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "iac.aws_account `{name}` names no [[aws.accounts]] entry (by name or profile)"
                    )
                })?;
            Some(AccountSpec {
                name: name.clone(),
                profile: Some(acc.profile.clone()),
                regions: acc.regions.clone(),
            })
        }
    };
    Ok(IacOptions {
        locations: locations(config, lookup),
        aws,
        sdk: sdk::SdkSettings {
            endpoint_url: a.endpoint_url.clone(),
            max_attempts: a.max_attempts,
            attempt_timeout: Duration::from_secs(a.request_timeout_secs),
            profile_files: None,
        },
        workspace_key_prefix: c.workspace_key_prefix.clone(),
        concurrency: c.concurrency,
        max_bytes: c.max_state_mib << 20,
        home: (lookup.env)("HOME").map(PathBuf::from),
    })
}

impl Source for Iac {
    fn provider(&self) -> Provider {
        Provider::Iac
    }

    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>> {
        Ok(Arc::new(Ready {
            opts: options(config, lookup)?,
        }))
    }
}

impl Prepared for Ready {
    fn not_configured(&self) -> Option<String> {
        self.opts.locations.is_empty().then(|| {
            "no IaC states configured ([iac] states in ferry.toml, or FERRY_IAC_STATES)".to_string()
        })
    }

    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run> {
        async move {
            // Asked for by name with nothing configured: say what to set.
            if let Some(why) = self.not_configured() {
                return Run {
                    accounts: vec![AccountSummary {
                        name: "iac".into(),
                        outcome: Err(why),
                        counts: Default::default(),
                        notices: Vec::new(),
                    }],
                    ..Run::default()
                };
            }
            let out = super::fetch(&self.opts, input.previous, input.sink).await;
            Run {
                snapshot: out.snapshot,
                accounts: out
                    .locations
                    .into_iter()
                    .map(|l| AccountSummary {
                        name: l.name,
                        outcome: l.outcome,
                        counts: l.counts,
                        notices: l.notices,
                    })
                    .collect(),
                requests: out.requests,
                responses: None,
            }
        }
        .boxed()
    }
}
