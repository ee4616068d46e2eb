//! The AWS source's entry: options from `[aws]` (names were checked when the config was
//! parsed), and whether anything points Ferry at AWS at all.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{AccountSummary, Input, Prepared, Run, Source};
use crate::config::{AwsConfig, Config};
use crate::model::Provider;
use crate::sources::aws::{self, AwsOptions};
use crate::sources::lookup::Lookup;

pub struct Aws;

struct Ready {
    opts: AwsOptions,
    lookup: Lookup,
}

const NOT_CONFIGURED: &str = "AWS is not configured (no [[aws.accounts]], no AWS_* credentials, profile or endpoint in the environment, no ~/.aws files); `ferry fetch --source aws` says what is missing";

impl Source for Aws {
    fn provider(&self) -> Provider {
        Provider::Aws
    }

    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>> {
        Ok(Arc::new(Ready {
            opts: options(&config.aws),
            lookup: lookup.clone(),
        }))
    }
}

fn options(a: &AwsConfig) -> AwsOptions {
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

impl Ready {
    /// Whether anything points Ferry at AWS: configured accounts, an endpoint, the SDK's
    /// own environment variables, or the AWS CLI's files. Without any, a fetch of every
    /// source leaves AWS out instead of failing a Heroku-only user.
    fn configured(&self) -> bool {
        if !self.opts.accounts.is_empty() || self.opts.sdk.endpoint_url.is_some() {
            return true;
        }
        let env = |name: &str| (self.lookup.env)(name).is_some_and(|v| !v.is_empty());
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
        let home = (self.lookup.env)("HOME").map(PathBuf::from);
        home.is_some_and(|h| h.join(".aws/config").exists() || h.join(".aws/credentials").exists())
    }
}

impl Prepared for Ready {
    fn not_configured(&self) -> Option<String> {
        (!self.configured()).then(|| NOT_CONFIGURED.to_string())
    }

    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run> {
        async move {
            let out = aws::fetch(&self.opts, input.previous, input.sink).await;
            Run {
                snapshot: out.snapshot,
                accounts: out
                    .accounts
                    .into_iter()
                    .map(|a| AccountSummary {
                        name: a.name,
                        outcome: a.outcome,
                        counts: a.counts,
                        notices: a.notices,
                    })
                    .collect(),
                requests: out.requests,
                responses: None,
            }
        }
        .boxed()
    }
}
