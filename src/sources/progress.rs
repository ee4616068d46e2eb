//! Progress reporting from a source: cumulative counters per account and resource kind,
//! pushed to whoever listens (the `ferry fetch` progress display, the TUI).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::model::SourceSnapshot;

/// What a running source reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    /// Cumulative counters for one kind of one account, after a request completed.
    Kind {
        account: String,
        kind: &'static str,
        requests: u64,
        items: u64,
        /// The account's rate-limit budget left, where the provider has one.
        budget_left: Option<i64>,
    },
    /// A short status line for one account ("app details 212/500").
    Status { account: String, message: String },
    /// A provisional snapshot of the whole source, for views to show before the fetch
    /// ends (Heroku: every app as soon as the lists are in, with the previous details).
    /// Never stored; the final snapshot replaces it.
    Provisional(Arc<SourceSnapshot>),
}

/// Where a source sends its events. Cheap to clone, callable from any task.
pub type EventSink = Arc<dyn Fn(SourceEvent) + Send + Sync>;

/// Requests made and items found for one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub requests: u64,
    pub items: u64,
}

/// Per-kind counters of one account; every change is sent to the sink.
pub struct Counters {
    account: String,
    sink: EventSink,
    counts: Mutex<BTreeMap<&'static str, KindCounts>>,
}

impl Counters {
    pub fn new(account: impl Into<String>, sink: EventSink) -> Self {
        Counters {
            account: account.into(),
            sink,
            counts: Mutex::new(BTreeMap::new()),
        }
    }

    /// Adds one request and `items` found for `kind`, then reports the new totals.
    pub fn record(&self, kind: &'static str, requests: u64, items: u64, budget: Option<i64>) {
        let now = {
            let mut counts = self.counts.lock().expect("counters lock");
            let c = counts.entry(kind).or_default();
            c.requests += requests;
            c.items += items;
            *c
        };
        (self.sink)(SourceEvent::Kind {
            account: self.account.clone(),
            kind,
            requests: now.requests,
            items: now.items,
            budget_left: budget,
        });
    }

    pub fn status(&self, message: impl Into<String>) {
        (self.sink)(SourceEvent::Status {
            account: self.account.clone(),
            message: message.into(),
        });
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, KindCounts> {
        self.counts.lock().expect("counters lock").clone()
    }
}

/// A sink that drops everything (tests, benchmarks).
pub fn discard() -> EventSink {
    Arc::new(|_| {})
}
