//! The `/` filter: fuzzy text plus qualifiers, all of which must hold.
//!
//! `api web` (fuzzy, against name and id), `provider:aws`, `kind:ecs_service`,
//! `status:missing`, `app:acme-api`, `is:new` / `is:changed` (by the last refresh), and
//! `!` before any term to negate it
//! (`!kind:dns_record`, `!staging`). Pure: parsing and matching, no terminal.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::HashMap;

use crate::gap::{GapReport, Status};
use crate::model::{Kind, Provider, Resource, ResourceId};

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Provider(Provider),
    Kind(Kind),
    Status(Status),
    App(String),
    /// `is:new` (only added) or `is:changed` (added or changed) by the last refresh.
    Changed {
        only_new: bool,
    },
    /// A qualifier with a value Ferry does not know: matches nothing, so the user sees the
    /// mistake instead of a silently ignored term.
    Invalid(String),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Clause {
    negated: bool,
    term: Term,
}

/// A parsed filter. The empty filter matches everything.
#[derive(Debug, Default)]
pub struct Filter {
    pub query: String,
    clauses: Vec<Clause>,
    /// Fuzzy text terms, as one nucleo pattern (AND of atoms).
    fuzzy: Option<Pattern>,
    /// Whether to fold accents in names (`cafe` finds `café`): only for an ASCII query,
    /// so a query with accents matches them exactly.
    normalize: bool,
    /// Problems to show the user (an unknown kind, say).
    pub problems: Vec<String>,
}

/// What the filter needs to know beyond the resource itself.
#[derive(Debug, Default)]
pub struct FilterFacts {
    /// Migration status of Heroku items.
    pub status: HashMap<ResourceId, Status>,
    /// The Heroku app a resource belongs to or serves (items, their parts, counterparts).
    pub app: HashMap<ResourceId, String>,
    /// What the last refresh of each source added or changed (not from the analysis).
    pub changed: HashMap<ResourceId, Change>,
}

/// How a resource differs from the source's previous snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added,
    /// With what differs, one line per field (`quantity 2 → 8`).
    Changed(Vec<String>),
}

impl Change {
    /// The tree's marker.
    pub fn glyph(&self) -> &'static str {
        match self {
            Change::Added => "+",
            Change::Changed(_) => "~",
        }
    }

    /// For the details panel: `added by the last fetch`, `quantity, size changed …`.
    pub fn describe(&self) -> String {
        match self {
            Change::Added => "added by the last fetch".into(),
            Change::Changed(fields) => format!("{} (by the last fetch)", fields.join("; ")),
        }
    }
}

impl FilterFacts {
    pub fn from_report(report: &GapReport) -> Self {
        let mut facts = FilterFacts::default();
        for item in report.items() {
            facts.status.insert(item.id.clone(), item.status);
            facts.app.insert(item.id.clone(), item.app.clone());
            for c in &item.counterparts {
                facts
                    .app
                    .entry(c.id.clone())
                    .or_insert_with(|| item.app.clone());
            }
        }
        facts
    }
}

impl Filter {
    pub fn parse(query: &str) -> Filter {
        let mut clauses = Vec::new();
        let mut fuzzy = Vec::new();
        let mut problems = Vec::new();
        for raw in query.split_whitespace() {
            let (negated, word) = match raw.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, raw),
            };
            if word.is_empty() {
                continue;
            }
            let term = match word.split_once(':') {
                Some(("provider", v)) => {
                    v.parse().map(Term::Provider).unwrap_or_else(|e: String| {
                        problems.push(e);
                        Term::Invalid(word.into())
                    })
                }
                Some(("kind", v)) => v.parse().map(Term::Kind).unwrap_or_else(|_| {
                    problems.push(format!("unknown kind `{v}`"));
                    Term::Invalid(word.into())
                }),
                Some(("status", v)) => match Status::ALL.iter().find(|s| s.as_str() == v) {
                    Some(s) => Term::Status(*s),
                    None => {
                        problems.push(format!("unknown status `{v}`"));
                        Term::Invalid(word.into())
                    }
                },
                Some(("app", v)) => Term::App(v.to_ascii_lowercase()),
                Some(("is", "new")) => Term::Changed { only_new: true },
                Some(("is", "changed")) => Term::Changed { only_new: false },
                Some(("is", v)) => {
                    problems.push(format!("unknown `is:{v}` (is:new or is:changed)"));
                    Term::Invalid(word.into())
                }
                _ => Term::Text(word.to_ascii_lowercase()),
            };
            if let (Term::Text(t), false) = (&term, negated) {
                fuzzy.push(t.clone());
            } else {
                clauses.push(Clause { negated, term });
            }
        }
        let normalize = fuzzy.iter().all(|w| w.is_ascii());
        let fuzzy = (!fuzzy.is_empty()).then(|| {
            Pattern::new(
                &fuzzy.join(" "),
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
            )
        });
        Filter {
            query: query.to_string(),
            clauses,
            fuzzy,
            normalize,
            problems,
        }
    }

    /// Whether the filter is fuzzy text only: then a longer query can only narrow the
    /// matches, and the previous matches are the only candidates.
    pub fn only_fuzzy(&self) -> bool {
        self.clauses.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty() && self.fuzzy.is_none()
    }

    /// Whether `r` passes every clause. `matcher` is reused across calls (it allocates).
    pub fn matches(
        &self,
        r: &Resource,
        facts: &FilterFacts,
        matcher: &mut Matcher,
        buf: &mut Vec<char>,
    ) -> bool {
        for clause in &self.clauses {
            let hit = match &clause.term {
                Term::Provider(p) => r.provider == *p,
                Term::Kind(k) => r.kind == *k,
                Term::Status(s) => facts.status.get(&r.id) == Some(s),
                Term::App(a) => {
                    facts
                        .app
                        .get(&r.id)
                        .is_some_and(|x| x.eq_ignore_ascii_case(a))
                        || r.tags
                            .get("heroku:app")
                            .is_some_and(|x| x.eq_ignore_ascii_case(a))
                }
                Term::Changed { only_new } => match facts.changed.get(&r.id) {
                    Some(Change::Added) => true,
                    Some(Change::Changed(_)) => !only_new,
                    None => false,
                },
                Term::Invalid(_) => false,
                Term::Text(t) => {
                    contains_ignore_case(&r.name, t) || contains_ignore_case(r.id.as_str(), t)
                }
            };
            if hit == clause.negated {
                return false;
            }
        }
        match &self.fuzzy {
            None => true,
            // The name or the id must match every fuzzy word (no allocation per resource).
            Some(p) => {
                matcher.config.normalize = self.normalize;
                fuzzy_hit(p, &r.name, matcher, buf) || fuzzy_hit(p, r.id.as_str(), matcher, buf)
            }
        }
    }
}

/// Which of `resources` pass `filter`. With `previous` (the matches of a query this one
/// extends), only those are checked again. Large estates are split across threads, each
/// with its own matcher: a cold query over 100,000 resources stays within a frame.
pub fn mask(
    filter: &Filter,
    facts: &FilterFacts,
    resources: &[Resource],
    previous: Option<&[bool]>,
) -> Vec<bool> {
    const PER_THREAD: usize = 16_384;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(resources.len().div_ceil(PER_THREAD))
        .max(1);
    mask_on(filter, facts, resources, previous, threads)
}

/// [`mask`] on `threads` threads.
fn mask_on(
    filter: &Filter,
    facts: &FilterFacts,
    resources: &[Resource],
    previous: Option<&[bool]>,
    threads: usize,
) -> Vec<bool> {
    let check = |rs: &[Resource], was: Option<&[bool]>| -> Vec<bool> {
        let (mut matcher, mut buf) = (new_matcher(), Vec::new());
        rs.iter()
            .enumerate()
            .map(|(i, r)| {
                was.is_none_or(|w| w[i]) && filter.matches(r, facts, &mut matcher, &mut buf)
            })
            .collect()
    };
    if threads <= 1 || resources.is_empty() {
        return check(resources, previous);
    }
    let chunk = resources.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = resources
            .chunks(chunk)
            .enumerate()
            .map(|(n, rs)| {
                let was = previous.map(|p| &p[n * chunk..n * chunk + rs.len()]);
                scope.spawn(move || check(rs, was))
            })
            .collect();
        let mut out = Vec::with_capacity(resources.len());
        for part in parts {
            out.extend(part.join().expect("filter thread panicked"));
        }
        out
    })
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

/// Whether every word of `pattern` is a subsequence of `text`. A filter only needs yes or
/// no, so the greedy O(n) match is enough (it finds a match whenever one exists); the
/// optimal, scoring one costs several times more on a big estate.
fn fuzzy_hit(pattern: &Pattern, text: &str, matcher: &mut Matcher, buf: &mut Vec<char>) -> bool {
    let hay = Utf32Str::new(text, buf);
    pattern.atoms.iter().all(|atom| {
        matcher
            .fuzzy_match_greedy(hay, atom.needle_text())
            .is_some()
    })
}

/// A matcher configured for paths and ids, ignoring case (the atoms' needles are lowered).
pub fn new_matcher() -> Matcher {
    let mut config = Config::DEFAULT.match_paths();
    config.ignore_case = true;
    config.normalize = true;
    Matcher::new(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scope;

    fn res(provider: Provider, kind: Kind, id: &str, name: &str) -> Resource {
        Resource {
            id: ResourceId::from_raw(id),
            provider,
            kind,
            name: name.into(),
            parent: None,
            scope: Scope::default(),
            attrs: Default::default(),
            tags: Default::default(),
            fetched_at: chrono::Utc::now(),
        }
    }

    fn check(query: &str, r: &Resource, facts: &FilterFacts) -> bool {
        let (mut m, mut buf) = (new_matcher(), Vec::new());
        Filter::parse(query).matches(r, facts, &mut m, &mut buf)
    }

    #[test]
    fn fuzzy_text_qualifiers_and_negation() {
        let web = res(
            Provider::Heroku,
            Kind::Formation,
            "heroku:formation/acme-api/web",
            "web",
        );
        let rec = res(
            Provider::Cloudflare,
            Kind::DnsRecord,
            "cloudflare:dns_record/z/1",
            "api.acmepay.com",
        );
        let mut facts = FilterFacts::default();
        facts.status.insert(web.id.clone(), Status::Partial);
        facts.app.insert(web.id.clone(), "acme-api".into());

        assert!(check("", &web, &facts));
        assert!(check("acmapi web", &web, &facts), "fuzzy over name and id");
        assert!(check("ACME", &web, &facts), "case is ignored");
        let upper = res(
            Provider::Aws,
            Kind::EcsService,
            "aws:x/API-Gateway",
            "API-Gateway",
        );
        assert!(check("apigw", &upper, &facts), "in the haystack too");
        assert!(!check("gwapi", &upper, &facts), "order matters");
        let cafe = res(Provider::Heroku, Kind::App, "heroku:app/café", "café");
        assert!(check("cafe", &cafe, &facts), "an ASCII query folds accents");
        assert!(
            check("café", &cafe, &facts),
            "a query with accents matches them"
        );
        assert!(!check("zzz", &web, &facts));
        assert!(check("provider:heroku", &web, &facts));
        assert!(!check("provider:heroku", &rec, &facts));
        assert!(check("kind:dns_record", &rec, &facts));
        assert!(check("!kind:dns_record", &web, &facts));
        assert!(!check("!kind:dns_record", &rec, &facts));
        assert!(check("status:partial", &web, &facts));
        assert!(
            !check("status:partial", &rec, &facts),
            "non-items have no status"
        );
        assert!(check("app:acme-api", &web, &facts));
        assert!(check("!staging", &web, &facts));
        assert!(!check("!acme", &web, &facts));
    }

    #[test]
    fn is_new_and_is_changed_follow_the_last_refresh() {
        let a = res(Provider::Aws, Kind::EcsService, "aws:ecs_service/x/a", "a");
        let b = res(Provider::Aws, Kind::EcsService, "aws:ecs_service/x/b", "b");
        let c = res(Provider::Aws, Kind::EcsService, "aws:ecs_service/x/c", "c");
        let mut facts = FilterFacts::default();
        facts.changed.insert(a.id.clone(), Change::Added);
        facts
            .changed
            .insert(b.id.clone(), Change::Changed(vec!["quantity".into()]));
        assert!(check("is:new", &a, &facts) && !check("is:new", &b, &facts));
        assert!(check("is:changed", &a, &facts) && check("is:changed", &b, &facts));
        assert!(!check("is:changed", &c, &facts) && check("!is:changed", &c, &facts));
        assert_eq!(
            Filter::parse("is:old").problems,
            vec!["unknown `is:old` (is:new or is:changed)"]
        );
    }

    #[test]
    fn the_threaded_mask_equals_one_check_per_resource() {
        let rs: Vec<Resource> = (0..50_000)
            .map(|i| {
                res(
                    Provider::Aws,
                    Kind::EcsService,
                    &format!("aws:ecs_service/c/svc-{i}"),
                    &format!("svc-{i}"),
                )
            })
            .collect();
        let facts = FilterFacts::default();
        let f = Filter::parse("svc-12");
        let m = mask(&f, &facts, &rs, None);
        // Uneven chunks (50,000 over 3 and 7 threads) give the same answer.
        assert_eq!(mask_on(&f, &facts, &rs, None, 3), m);
        assert_eq!(mask_on(&f, &facts, &rs, None, 7), m);
        let (mut mt, mut buf) = (new_matcher(), Vec::new());
        let one: Vec<bool> = rs
            .iter()
            .map(|r| f.matches(r, &facts, &mut mt, &mut buf))
            .collect();
        assert_eq!(m, one);
        assert!(m.iter().filter(|&&b| b).count() > 100);
        // Narrowing from the previous matches gives the same answer.
        let narrower = Filter::parse("svc-123");
        let fresh = mask(&narrower, &facts, &rs, None);
        assert_eq!(mask(&narrower, &facts, &rs, Some(&m)), fresh);
        assert_eq!(mask_on(&narrower, &facts, &rs, Some(&m), 3), fresh);
        assert_eq!(mask_on(&narrower, &facts, &rs, Some(&m), 1), fresh);
    }

    #[test]
    fn unknown_qualifier_values_match_nothing_and_say_why() {
        let f = Filter::parse("kind:dyno status:done");
        assert_eq!(
            f.problems,
            vec!["unknown kind `dyno`", "unknown status `done`"]
        );
        let web = res(
            Provider::Heroku,
            Kind::Formation,
            "heroku:formation/a/web",
            "web",
        );
        assert!(!check("kind:dyno", &web, &FilterFacts::default()));
    }
}
