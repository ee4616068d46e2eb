//! The `/` filter: ranked text plus qualifiers, all of which must hold.
//!
//! `api web` (each word against the name, ranked exact > prefix > substring > word starts;
//! then the id and the item's reasons, counterparts and ledger note as substrings),
//! `provider:aws`, `kind:ecs_service` or a gap kind (`kind:process`), `status:missing`,
//! `app:acme-api`, `is:new` / `is:changed` (by the last refresh), and `!` before any term
//! to negate it (`!kind:dns_record`, `!staging`). Pure: parsing and matching, no terminal.

use std::collections::HashMap;

use super::rank::{self, Needle, Scratch};
use crate::gap::{GapReport, ItemKind, Status};
use crate::model::{Kind, Provider, Resource, ResourceId};

/// The qualifiers, for messages.
const QUALIFIERS: &str = "provider: kind: status: app: is:";

/// The gap kinds `kind:` takes, as the gaps table shows them.
const ITEM_KINDS: [ItemKind; 11] = [
    ItemKind::App,
    ItemKind::Process,
    ItemKind::Addon,
    ItemKind::Scheduler,
    ItemKind::Domain,
    ItemKind::ConfigVars,
    ItemKind::LogDrain,
    ItemKind::TelemetryDrain,
    ItemKind::PipelineStage,
    ItemKind::Deploy,
    ItemKind::PeriodicTask,
];

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Provider(Provider),
    /// A resource kind, a gap item kind, or a word that is both (`app`).
    Kind(Option<Kind>, Option<ItemKind>),
    Status(Status),
    App(String),
    /// `is:new` (only added) or `is:changed` (added or changed) by the last refresh.
    Changed {
        only_new: bool,
    },
    /// `is:managed` / `is:unmanaged`: in an IaC state or not (AWS resources only).
    Managed(bool),
    /// A qualifier or value Ferry does not know: matches nothing, and the input line says
    /// why instead of showing 0 items.
    Invalid(String),
    Text(Needle),
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
    /// The words to rank by (not negated): every one must match.
    words: Vec<Needle>,
    /// Problems to show the user (an unknown kind, say).
    pub problems: Vec<String>,
}

/// What the filter needs to know beyond the resource itself.
#[derive(Debug, Default)]
pub struct FilterFacts {
    /// Migration status of Heroku items.
    pub status: HashMap<ResourceId, Status>,
    /// The gap kind of each item (`process`, `config_vars`, …).
    pub item_kind: HashMap<ResourceId, ItemKind>,
    /// The Heroku app a resource belongs to or serves (items, their parts, counterparts).
    pub app: HashMap<ResourceId, String>,
    /// An item's reasons, contradictions, counterpart names and ledger note, one text, so
    /// `/PLAID` finds the item whose reason names `PLAID_SECRET`.
    pub notes: HashMap<ResourceId, String>,
    /// What the last refresh of each source added or changed (not from the analysis).
    pub changed: HashMap<ResourceId, Change>,
    /// Which AWS resources a Terraform / OpenTofu state manages (`is:managed`).
    pub iac: std::sync::Arc<crate::iac::IacIndex>,
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
            facts.item_kind.insert(item.id.clone(), item.kind);
            facts.app.insert(item.id.clone(), item.app.clone());
            let mut notes: Vec<&str> = item.reasons.iter().map(String::as_str).collect();
            notes.extend(item.contradictions.iter().map(String::as_str));
            for c in &item.counterparts {
                notes.push(&c.name);
                facts
                    .app
                    .entry(c.id.clone())
                    .or_insert_with(|| item.app.clone());
            }
            if let Some(note) = item.decision.as_ref().and_then(|d| d.note.as_deref()) {
                notes.push(note);
            }
            if !notes.is_empty() {
                facts.notes.insert(item.id.clone(), notes.join("\n"));
            }
        }
        facts
    }
}

impl Filter {
    pub fn parse(query: &str) -> Filter {
        let mut clauses = Vec::new();
        let mut words = Vec::new();
        let mut problems = Vec::new();
        for raw in query.split_whitespace() {
            let (negated, word) = match raw.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, raw),
            };
            if word.is_empty() {
                continue;
            }
            let mut invalid = |why: String| {
                problems.push(why);
                Term::Invalid(word.into())
            };
            let term = match word.split_once(':') {
                Some(("provider", v)) => v
                    .parse()
                    .map(Term::Provider)
                    .unwrap_or_else(|e: String| invalid(e)),
                Some(("kind", v)) => {
                    let kind = v.parse::<Kind>().ok();
                    let item = ITEM_KINDS.iter().copied().find(|k| k.as_str() == v);
                    if kind.is_none() && item.is_none() {
                        invalid(format!("unknown kind `{v}`"))
                    } else {
                        Term::Kind(kind, item)
                    }
                }
                Some(("status", v)) => match Status::ALL.iter().find(|s| s.as_str() == v) {
                    Some(s) => Term::Status(*s),
                    // The statuses are in the help and the gaps view; the line stays short.
                    None => invalid(format!("unknown status `{v}`")),
                },
                Some(("app", v)) => Term::App(v.to_ascii_lowercase()),
                Some(("is", "new")) => Term::Changed { only_new: true },
                Some(("is", "changed")) => Term::Changed { only_new: false },
                Some(("is", "managed")) => Term::Managed(true),
                Some(("is", "unmanaged")) => Term::Managed(false),
                Some(("is", v)) => invalid(format!(
                    "unknown `is:{v}` (is:new, is:changed, is:managed, is:unmanaged)"
                )),
                // An id pasted whole (`heroku:app/acme-api`) is text, not a qualifier.
                Some((q, _)) if q.parse::<Provider>().is_ok() => Term::Text(Needle::new(word)),
                Some((q, _)) if !q.is_empty() && q.chars().all(|c| c.is_ascii_alphabetic()) => {
                    invalid(format!("unknown qualifier `{q}:` ({QUALIFIERS})"))
                }
                _ => Term::Text(Needle::new(word)),
            };
            match term {
                Term::Text(needle) if !negated => words.push(needle),
                term => clauses.push(Clause { negated, term }),
            }
        }
        Filter {
            query: query.to_string(),
            clauses,
            words,
            problems,
        }
    }

    /// Whether the filter is ranked words only: then a longer query can only narrow the
    /// matches, and the previous matches are the only candidates.
    pub fn only_fuzzy(&self) -> bool {
        self.clauses.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty() && self.words.is_empty()
    }

    /// Whether `r` passes every clause.
    pub fn matches(&self, r: &Resource, facts: &FilterFacts, scratch: &mut Scratch) -> bool {
        self.score(r, facts, scratch) > 0
    }

    /// How well `r` matches: 0 when a clause fails or a word is missing, else the lowest
    /// of its words' scores (a resource is as good as its weakest word), [`rank::EXACT`]
    /// when there are no words.
    pub fn score(&self, r: &Resource, facts: &FilterFacts, scratch: &mut Scratch) -> u8 {
        for clause in &self.clauses {
            let hit = match &clause.term {
                Term::Provider(p) => r.provider == *p,
                Term::Kind(k, item) => {
                    k.is_some_and(|k| r.kind == k)
                        || item.is_some_and(|ik| facts.item_kind.get(&r.id) == Some(&ik))
                }
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
                Term::Managed(managed) => facts
                    .iac
                    .status_of(&r.id)
                    .is_some_and(|s| s.as_str() == if *managed { "managed" } else { "unmanaged" }),
                Term::Invalid(_) => false,
                Term::Text(t) => word_score(t, r, facts, scratch) > 0,
            };
            if hit == clause.negated {
                return 0;
            }
        }
        let mut worst = rank::EXACT;
        for word in &self.words {
            worst = worst.min(word_score(word, r, facts, scratch));
            if worst == 0 {
                return 0;
            }
        }
        worst
    }
}

/// One word against one resource: its name (ranked), else its id, else its item's notes.
fn word_score(word: &Needle, r: &Resource, facts: &FilterFacts, scratch: &mut Scratch) -> u8 {
    let name = word.score_name(&r.name, scratch);
    if name > 0 {
        return name;
    }
    if word.within(r.id.as_str(), scratch) {
        return rank::ID;
    }
    if !facts.notes.is_empty()
        && facts
            .notes
            .get(&r.id)
            .is_some_and(|n| word.within(n, scratch))
    {
        return rank::NOTES;
    }
    0
}

/// Each resource's score under `filter` (0: no match). With `previous` (the scores of a
/// query this one extends), only its matches are scored again. Large estates are split
/// across threads: a cold query over 100,000 resources stays within a frame.
pub fn mask(
    filter: &Filter,
    facts: &FilterFacts,
    resources: &[Resource],
    previous: Option<&[u8]>,
) -> Vec<u8> {
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
    previous: Option<&[u8]>,
    threads: usize,
) -> Vec<u8> {
    let check = |rs: &[Resource], was: Option<&[u8]>| -> Vec<u8> {
        let mut scratch = Scratch::default();
        rs.iter()
            .enumerate()
            .map(|(i, r)| {
                if was.is_some_and(|w| w[i] == 0) {
                    0
                } else {
                    filter.score(r, facts, &mut scratch)
                }
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
        Filter::parse(query).matches(r, facts, &mut Scratch::default())
    }

    fn score(query: &str, r: &Resource, facts: &FilterFacts) -> u8 {
        Filter::parse(query).score(r, facts, &mut Scratch::default())
    }

    #[test]
    fn ranked_text_qualifiers_and_negation() {
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
        assert!(check("acme-api web", &web, &facts), "id substring and name");
        assert!(
            !check("acmapi web", &web, &facts),
            "no fuzzy letters in the id"
        );
        assert!(check("ACME", &web, &facts), "case is ignored");
        let upper = res(
            Provider::Aws,
            Kind::EcsService,
            "aws:x/API-Gateway",
            "API-Gateway",
        );
        assert!(check("apigate", &upper, &facts), "word starts, either case");
        assert!(
            !check("apigw", &upper, &facts),
            "not letters scattered in a word"
        );
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
        assert!(
            check("heroku:formation/acme-api/web", &web, &facts),
            "a pasted id"
        );
    }

    #[test]
    fn the_name_outranks_the_id_and_scattered_letters_never_match() {
        let facts = FilterFacts::default();
        let redis = res(
            Provider::Aws,
            Kind::ElasticacheCluster,
            "aws:x/c1",
            "acme-redis",
        );
        let worker = res(
            Provider::Cloudflare,
            Kind::WorkerScript,
            "cloudflare:worker_script/acct/security-headers",
            "security-headers",
        );
        assert_eq!(score("redis", &redis, &facts), rank::SUBSTRING);
        assert_eq!(score("redis", &worker, &facts), 0);
        let exact = res(
            Provider::Heroku,
            Kind::App,
            "heroku:app/acme42-api",
            "acme42-api",
        );
        let other = res(
            Provider::Heroku,
            Kind::App,
            "heroku:app/acme24-api",
            "acme24-api",
        );
        assert_eq!(score("acme42-api", &exact, &facts), rank::EXACT);
        assert_eq!(score("acme42-api", &other, &facts), 0);
        let by_id = res(
            Provider::Aws,
            Kind::EcsService,
            "aws:ecs_service/acme/web-1",
            "svc",
        );
        assert_eq!(score("acme", &by_id, &facts), rank::ID);
        // A resource is as good as its weakest word.
        assert_eq!(score("acme42-api acme", &exact, &facts), rank::PREFIX);
    }

    #[test]
    fn reasons_counterparts_and_notes_are_searched() {
        let item = res(
            Provider::Heroku,
            Kind::ConfigVars,
            "heroku:config_vars/acme-api",
            "config vars",
        );
        let mut facts = FilterFacts::default();
        facts.notes.insert(
            item.id.clone(),
            "missing in the task definitions: PLAID_SECRET, STRIPE_KEY".into(),
        );
        assert_eq!(score("PLAID", &item, &facts), rank::NOTES);
        assert_eq!(score("plaid_secret", &item, &facts), rank::NOTES);
        assert!(!check("twilio", &item, &facts));
    }

    #[test]
    fn kind_takes_gap_kinds_and_unknown_qualifiers_say_so() {
        let web = res(
            Provider::Heroku,
            Kind::Formation,
            "heroku:formation/a/web",
            "web",
        );
        let mut facts = FilterFacts::default();
        facts.item_kind.insert(web.id.clone(), ItemKind::Process);
        assert!(check("kind:process", &web, &facts));
        assert!(check("kind:formation", &web, &facts));
        assert!(!check("kind:scheduler", &web, &facts));
        assert!(Filter::parse("kind:pipeline_stage").problems.is_empty());
        let f = Filter::parse("status:bogus foo:bar");
        assert_eq!(f.problems.len(), 2, "{:?}", f.problems);
        assert_eq!(f.problems[0], "unknown status `bogus`");
        assert!(f.problems[1].starts_with("unknown qualifier `foo:`"));
        assert!(!check("foo:bar", &web, &facts));
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
            vec!["unknown `is:old` (is:new, is:changed, is:managed, is:unmanaged)"]
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
        let mut scratch = Scratch::default();
        let one: Vec<u8> = rs
            .iter()
            .map(|r| f.score(r, &facts, &mut scratch))
            .collect();
        assert_eq!(m, one);
        assert!(m.iter().filter(|&&b| b > 0).count() > 100);
        assert_eq!(m[12], rank::EXACT);
        assert_eq!(m[120], rank::PREFIX);
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
        assert_eq!(f.problems.len(), 2);
        assert_eq!(f.problems[0], "unknown kind `dyno`");
        let web = res(
            Provider::Heroku,
            Kind::Formation,
            "heroku:formation/a/web",
            "web",
        );
        assert!(!check("kind:dyno", &web, &FilterFacts::default()));
    }
}
