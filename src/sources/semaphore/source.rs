//! The Semaphore source's registry entry: options from `[semaphore]`,
//! `FERRY_SEMAPHORE_API_URL` and the environment.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::credentials::{self, OrgSpec};
use super::{SemaphoreOptions, is_configured};
use crate::config::Config;
use crate::model::Provider;
use crate::sources::http::HttpSettings;
use crate::sources::lookup::Lookup;
use crate::sources::registry::{self, AccountSummary, Input, Prepared, Run, Source};

pub struct Semaphore;

struct Ready {
    opts: SemaphoreOptions,
    lookup: Lookup,
}

const NOT_CONFIGURED: &str = "no credentials configured (set SEMAPHORE_API_TOKEN and \
     SEMAPHORE_HOST, run `sem connect`, or add [[semaphore.orgs]] to the config; `ferry fetch \
     --source semaphore` says more)";

impl Source for Semaphore {
    fn provider(&self) -> Provider {
        Provider::Semaphore
    }

    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>> {
        let c = &config.semaphore;
        let opts = SemaphoreOptions {
            api_url: registry::api_url(lookup, "Semaphore", "semaphore", c.api_url.as_deref())?,
            orgs: c
                .orgs
                .iter()
                .map(|o| OrgSpec {
                    name: o.name.clone(),
                    token_env: o.token_env.clone(),
                    host: o.host.clone(),
                })
                .collect(),
            sem_yaml: credentials::default_sem_yaml(lookup),
            window_days: c.window_days,
            concurrency: c.concurrency,
            http: HttpSettings::from_config(
                c.request_timeout_secs,
                c.retry_base_delay_ms,
                c.retry_deadline_secs,
            ),
        };
        Ok(Arc::new(Ready {
            opts,
            lookup: lookup.clone(),
        }))
    }
}

impl Prepared for Ready {
    fn not_configured(&self) -> Option<String> {
        (!is_configured(&self.opts, &self.lookup)).then(|| NOT_CONFIGURED.to_string())
    }

    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run> {
        async move {
            let out = super::fetch(&self.opts, &self.lookup, input.previous, input.sink).await;
            Run {
                snapshot: out.snapshot,
                accounts: out
                    .orgs
                    .into_iter()
                    .map(|o| AccountSummary {
                        name: o.name,
                        outcome: o.outcome,
                        counts: o.counts,
                        notices: o.notices,
                    })
                    .collect(),
                requests: out.requests,
                responses: None,
            }
        }
        .boxed()
    }
}
