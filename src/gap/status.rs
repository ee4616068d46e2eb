//! Item statuses and how they combine.

use serde::Serialize;

use super::Item;
use crate::ledger::Decision;

/// Computed statuses come first (worst to best), then the ledger's decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A check needs data Ferry could not read (a source, account or part failed, was
    /// unavailable, or is stale): neither missing nor ready can be said. See the reasons.
    Unknown,
    /// No AWS counterpart found.
    Missing,
    /// A counterpart exists but checks fail (see reasons).
    Partial,
    /// A counterpart exists and every check passes.
    Ready,
    /// Traffic moved: hostnames point at AWS and Heroku is scaled to zero.
    #[value(name = "cut_over", alias = "cut-over")]
    CutOver,
    /// Nothing to migrate: a process type Heroku runs no dynos for (a release phase, a
    /// process scaled to 0) needs no ECS service. Not counted in "% migrated".
    #[value(name = "not_required", alias = "not-required")]
    NotRequired,
    /// Ledger: the team is working on it.
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
    /// Ledger: the team says it is done.
    Migrated,
    /// Ledger: the team will not migrate it.
    Ignored,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Missing => "missing",
            Status::Partial => "partial",
            Status::Ready => "ready",
            Status::CutOver => "cut_over",
            Status::NotRequired => "not_required",
            Status::InProgress => "in_progress",
            Status::Migrated => "migrated",
            Status::Ignored => "ignored",
        }
    }

    pub const ALL: [Status; 9] = [
        Status::Unknown,
        Status::Missing,
        Status::Partial,
        Status::Ready,
        Status::CutOver,
        Status::NotRequired,
        Status::InProgress,
        Status::Migrated,
        Status::Ignored,
    ];

    /// Done for the "% migrated" figure.
    pub fn is_done(self) -> bool {
        matches!(self, Status::CutOver | Status::Migrated)
    }

    /// Needs no more work before cut-over.
    pub fn is_ready_or_better(self) -> bool {
        matches!(
            self,
            Status::Ready
                | Status::CutOver
                | Status::NotRequired
                | Status::Migrated
                | Status::Ignored
        )
    }

    /// Left out of "% migrated": the team will not migrate it, or there is nothing to.
    pub fn is_uncounted(self) -> bool {
        matches!(self, Status::Ignored | Status::NotRequired)
    }
}

impl From<Decision> for Status {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Migrated => Status::Migrated,
            Decision::InProgress => Status::InProgress,
            Decision::Ignored => Status::Ignored,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// (migrated + cut_over) ÷ (items − ignored − not required) × 100; `None` when nothing is
/// left to count (every item ignored, or no items), shown as "—" rather than a 100 % that
/// would read as done.
pub fn percent_migrated<'a>(items: impl Iterator<Item = &'a Item>) -> Option<f64> {
    let (mut done, mut total) = (0usize, 0usize);
    for item in items {
        if item.status.is_uncounted() {
            continue;
        }
        total += 1;
        if item.status.is_done() {
            done += 1;
        }
    }
    (total > 0).then(|| (done as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// "12.5 %", or "—" when there is nothing to count.
pub fn percent_label(p: Option<f64>) -> String {
    match p {
        Some(p) => format!("{p:.1} %"),
        None => "—".to_string(),
    }
}
