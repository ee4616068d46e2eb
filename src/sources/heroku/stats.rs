//! What one account's fetch achieved, and the summary line users read.

/// How one account's apps fared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppCounts {
    /// Apps in scope.
    pub total: usize,
    /// Details refreshed by this fetch.
    pub fresh: usize,
    /// Details kept from an earlier snapshot.
    pub stale: usize,
    /// No details at all yet (never fetched).
    pub missing: usize,
    /// Apps left out by the configured scope.
    pub out_of_scope: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStats {
    pub email: String,
    pub apps: AppCounts,
    pub budget_left: i64,
    pub budget_floor: i64,
    /// Minutes until the pool allows the apps not refreshed, if one pool is enough.
    pub rest_in_minutes: Option<i64>,
    /// Fetches (at a full pool) the apps not refreshed need.
    pub fetches_for_rest: i64,
    /// Requests answered `304 Not Modified`: unchanged since the last fetch.
    pub not_modified: u64,
    /// Non-fatal problems (a 403 on one app's endpoint).
    pub warnings: Vec<String>,
    /// Apps whose refresh failed with a fault (5xx past retries, timeout, bad body), with
    /// the cause, in app order. They keep their previous details; the fetch is not a
    /// full success.
    pub failed: Vec<(String, String)>,
    /// Why the sweep stopped starting apps before the budget floor, if it did.
    pub stopped: Option<String>,
}

impl AccountStats {
    /// One line for the fetch summary: how many apps are fresh and stale, the budget, and
    /// when the budget allows the rest.
    pub fn summary(&self) -> String {
        let a = &self.apps;
        let mut s = format!(
            "{}: {} apps ({} fresh, {} stale, {} without details)",
            self.email, a.total, a.fresh, a.stale, a.missing
        );
        if a.out_of_scope > 0 {
            s.push_str(&format!(
                ", {} outside the configured scope",
                a.out_of_scope
            ));
        }
        s.push_str(&format!(
            "; budget {} left (floor {})",
            self.budget_left, self.budget_floor
        ));
        if self.not_modified > 0 {
            s.push_str(&format!(
                "; {} requests unchanged since the last fetch (304)",
                self.not_modified
            ));
        }
        let rest = a.stale + a.missing;
        if rest > 0 {
            match self.rest_in_minutes {
                Some(m) => s.push_str(&format!(
                    "; the budget allows the other {rest} apps in about {m} min (`ferry fetch` then carries on)"
                )),
                None => s.push_str(&format!(
                    "; the other {rest} apps need about {} more fetches, one per hour or so as the pool refills",
                    self.fetches_for_rest
                )),
            }
        }
        if !self.failed.is_empty() {
            s.push_str(&format!("; {} failed to refresh", self.failed.len()));
        }
        if !self.warnings.is_empty() {
            s.push_str(&format!("; {} warning(s)", self.warnings.len()));
        }
        s
    }

    /// When some apps failed: one line naming them and their causes, then what was saved
    /// (the summary) and the warnings, so the account reads as failed while its data is
    /// kept. `None` when every app that was tried came through.
    pub fn failure(&self) -> Option<String> {
        if self.failed.is_empty() && self.stopped.is_none() {
            return None;
        }
        let listed: Vec<String> = self
            .failed
            .iter()
            .take(LISTED)
            .map(|(app, cause)| format!("{app}: {cause}"))
            .collect();
        let mut s = format!(
            "{} of {} apps failed to refresh and keep their previous details, marked stale \
             (the cause is in each app's `ferry_details.error`): {}",
            self.failed.len(),
            self.apps.total,
            listed.join("; ")
        );
        if self.failed.len() > LISTED {
            s.push_str(&format!("; and {} more", self.failed.len() - LISTED));
        }
        if let Some(why) = &self.stopped {
            s.push_str(&format!("; {why}"));
        }
        s.push_str(&format!(". Saved: {}", self.summary()));
        if !self.warnings.is_empty() {
            s.push_str(&format!(". Warnings: {}", self.warnings.join("; ")));
        }
        Some(s)
    }
}

/// Failed apps named in the failure line; the rest are counted.
const LISTED: usize = 5;
