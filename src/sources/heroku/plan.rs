//! Which apps get their details fetched, and in what order.
//!
//! The configured scope (teams, app-name patterns) limits the fetch. Within it, apps
//! whose details need a refresh come first (never fetched, left stale by the last fetch,
//! or changed since): production pipeline stages first, then the most recently changed.
//! Apps refreshed by the last fetch follow, oldest details first. So a fetch that stops
//! at the budget floor resumes on the next fetch where it stopped, and every app is
//! refreshed in turn.

use chrono::{DateTime, Utc};
use std::cmp::Reverse;

/// The configured limits. Empty lists mean "everything".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeFilter {
    /// Team names; personal apps are left out when this is set.
    pub teams: Vec<String>,
    /// App-name patterns: `*` matches any run of characters, `?` one character.
    pub apps: Vec<String>,
}

impl ScopeFilter {
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty() && self.apps.is_empty()
    }

    pub fn admits(&self, app: &str, team: Option<&str>) -> bool {
        let team_ok =
            self.teams.is_empty() || team.is_some_and(|t| self.teams.iter().any(|x| x == t));
        let app_ok = self.apps.is_empty() || self.apps.iter().any(|p| glob(p, app));
        team_ok && app_ok
    }

    pub fn admits_team(&self, team: &str) -> bool {
        self.teams.is_empty() || self.teams.iter().any(|t| t == team)
    }
}

pub use crate::sources::glob::glob;

/// What the planner knows about one app.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    /// The later of `updated_at` and `released_at`.
    pub changed_at: Option<DateTime<Utc>>,
    /// Coupled to a pipeline's production stage.
    pub production: bool,
    /// When the cached details were fetched, if there are any.
    pub details_at: Option<DateTime<Utc>>,
    /// The last fetch refreshed this app's details.
    pub details_fresh: bool,
}

impl Candidate {
    pub fn needs_refresh(&self) -> bool {
        match self.details_at {
            None => true,
            Some(at) => !self.details_fresh || self.changed_at.is_some_and(|c| c > at),
        }
    }
}

/// Orders candidates for fetching (see the module docs).
pub fn order(mut apps: Vec<Candidate>) -> Vec<Candidate> {
    apps.sort_by(|a, b| {
        let key = |c: &Candidate| {
            if c.needs_refresh() {
                (
                    0,
                    !c.production,
                    Reverse(c.changed_at),
                    None,
                    c.name.clone(),
                )
            } else {
                (1, false, Reverse(None), c.details_at, c.name.clone())
            }
        };
        key(a).cmp(&key(b))
    });
    apps
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap())
    }

    fn app(name: &str, changed: u32, production: bool, details: Option<(u32, bool)>) -> Candidate {
        Candidate {
            name: name.into(),
            changed_at: at(changed),
            production,
            details_at: details.and_then(|(d, _)| at(d)),
            details_fresh: details.is_some_and(|(_, f)| f),
        }
    }

    #[test]
    fn globs() {
        assert!(glob("acme-*", "acme-api"));
        assert!(glob("*-staging", "acme-api-staging"));
        assert!(glob("acme-?pi", "acme-api"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("acme-*", "other"));
        assert!(!glob("acme", "acme-api"));
        assert!(!glob("a*b", "axxbc"));
    }

    #[test]
    fn scope_limits_by_team_and_pattern() {
        let s = ScopeFilter {
            teams: vec!["acmepay".into()],
            apps: vec!["acme-*".into()],
        };
        assert!(s.admits("acme-api", Some("acmepay")));
        assert!(!s.admits("acme-api", None), "personal apps are out");
        assert!(!s.admits("other", Some("acmepay")));
        assert!(ScopeFilter::default().admits("anything", None));
    }

    #[test]
    fn stale_and_new_apps_first_production_then_recent_then_round_robin() {
        let ordered = order(vec![
            app("fresh-old", 1, true, Some((10, true))),
            app("fresh-older", 1, false, Some((9, true))),
            app("never", 5, false, None),
            app("prod-stale", 2, true, Some((3, false))),
            app("changed", 12, false, Some((10, true))),
        ]);
        let names: Vec<&str> = ordered.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["prod-stale", "changed", "never", "fresh-older", "fresh-old"]
        );
    }
}
