//! The Heroku source's entry: options from `[heroku]` and `FERRY_HEROKU_API_URL`, and its
//! result as account summaries. Heroku is always configured: it is what Ferry is for.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{AccountSummary, Input, Prepared, Run, Source};
use crate::config::Config;
use crate::model::Provider;
use crate::sources::heroku::{self, AccountSpec, HerokuOptions, ScopeFilter};
use crate::sources::http::HttpSettings;
use crate::sources::lookup::Lookup;

pub struct Heroku;

struct Ready {
    opts: HerokuOptions,
    lookup: Lookup,
}

impl Source for Heroku {
    fn provider(&self) -> Provider {
        Provider::Heroku
    }

    fn prepare(&self, config: &Config, lookup: &Lookup) -> anyhow::Result<Arc<dyn Prepared>> {
        let h = &config.heroku;
        let opts = HerokuOptions {
            api_url: super::api_url(lookup, "Heroku", "heroku", h.api_url.as_deref())?
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
        Ok(Arc::new(Ready {
            opts,
            lookup: lookup.clone(),
        }))
    }
}

impl Prepared for Ready {
    fn remembers_responses(&self) -> bool {
        true
    }

    fn fetch<'a>(&'a self, input: Input<'a>) -> BoxFuture<'a, Run> {
        async move {
            let out = heroku::fetch(
                &self.opts,
                &self.lookup,
                input.previous,
                input.remembered,
                input.sink,
            )
            .await;
            let accounts = out
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
            Run {
                snapshot: out.snapshot,
                accounts,
                requests: out.requests,
                responses: Some(out.responses),
            }
        }
        .boxed()
    }
}
