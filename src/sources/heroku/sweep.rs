//! The per-app sweep of one account: details fetched in priority order, a bounded number
//! of apps at a time, each paid by a reservation made just before it starts.
//!
//! One app's failure costs only that app its refresh (it keeps its previous details,
//! marked stale, with the cause); only errors that no other app could escape (a rejected
//! token) end the account. When many apps in a row fail with faults, the API is down
//! rather than one app broken: the sweep stops starting apps instead of spending every
//! remaining app's retry deadline.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tokio::task::JoinSet;

use super::client::HerokuClient;
use super::details::{self, AppDetails};
use super::error::HerokuError;
use super::mapping::Mapper;
use crate::sources::progress::Counters;

/// Why one app's refresh failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFailure {
    /// One line, without the account prefix (the app is already in the account).
    pub cause: String,
    /// A fault (5xx past retries, timeout, bad body) rather than a refusal (403, 404) or
    /// the budget floor; faults fail the fetch.
    pub fault: bool,
}

#[derive(Default)]
pub struct Sweep {
    pub done: HashMap<String, AppDetails>,
    pub failed: BTreeMap<String, AppFailure>,
    /// Non-fault failures, as full messages for the notes.
    pub warnings: Vec<String>,
    /// Why no more apps were started before the budget floor, if that happened.
    pub stopped: Option<String>,
}

/// Faulty apps in a row, without a success between, after which no more apps start.
fn breaker(concurrency: usize) -> usize {
    (2 * concurrency).max(8)
}

pub async fn run(
    client: &Arc<HerokuClient>,
    counters: &Counters,
    concurrency: usize,
    order: &[(String, Option<String>)],
    mapper: &Arc<Mapper>,
    fir: &HashSet<String>,
) -> Result<Sweep, HerokuError> {
    let mut sweep = Sweep::default();
    let mut tasks: JoinSet<(String, Result<AppDetails, HerokuError>)> = JoinSet::new();
    let total = order.len();
    let concurrency = concurrency.max(1);
    let mut finished = 0usize;
    let mut in_a_row = 0usize;
    let mut queue = order.iter().peekable();
    let mut stopped = false;
    loop {
        while !stopped && tasks.len() < concurrency {
            let Some((app, team)) = queue.peek() else {
                break;
            };
            // After a 429: wait it out and re-read the pool before deciding on the floor.
            client.settle().await;
            let is_fir = fir.contains(app);
            if !client
                .budget()
                .lock()
                .expect("budget lock")
                .try_reserve(details::requests_for(is_fir))
            {
                // Answers still to come may show tokens back (a refill, an uncharged
                // 304): wait for them before giving up on the rest.
                if tasks.is_empty() {
                    stopped = true;
                    counters.status(format!(
                        "budget floor reached after {finished} of {total} apps; the rest keep their previous details"
                    ));
                }
                break;
            }
            queue.next();
            let (client, mapper) = (client.clone(), mapper.clone());
            let (app, scope) = (app.clone(), mapper.scope(team.as_deref()));
            tasks.spawn(async move {
                let r = details::fetch(&client, &mapper, &app, &scope, is_fir).await;
                (app, r)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (app, result) = joined.map_err(|e| HerokuError::Setup {
            account: client.account().to_string(),
            message: format!("an app fetch task failed: {e}"),
        })?;
        finished += 1;
        match result {
            Ok(d) => {
                in_a_row = 0;
                sweep.done.insert(app, d);
            }
            Err(e) if e.ends_account() => {
                tasks.abort_all();
                return Err(e);
            }
            Err(e) => {
                tracing::warn!(app = %app, "{e}");
                let fault = e.is_fault();
                let cause = e.cause();
                if fault {
                    in_a_row += 1;
                } else {
                    sweep.warnings.push(e.to_string());
                }
                if fault && !stopped && in_a_row >= breaker(concurrency) {
                    stopped = true;
                    let why = format!(
                        "stopped starting apps after {in_a_row} in a row failed (the last: {cause})"
                    );
                    counters.status(why.clone());
                    sweep.stopped = Some(why);
                }
                sweep.failed.insert(app, AppFailure { cause, fault });
            }
        }
        counters.status(format!("app details {finished}/{total}"));
    }
    Ok(sweep)
}
