//! What the inventory could and could not read: per source, when its data was fetched,
//! which accounts and parts failed or were unavailable, and whether an older snapshot
//! stands in. The gap analysis asks it before it states a negative ("no ECS service
//! found"): a fact is only a fact if its data was fetched.
//!
//! Pure: it reads the inventory's snapshot metadata, the cache's record of the last fetch
//! of each source, and the marks sources leave on resources (`ferry_unavailable` on a
//! Cloudflare zone or account and on an AWS account, `ferry_details` on a Heroku app,
//! `ferry_stale` on anything carried over from an older fetch).

use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use serde_json::Value;

use crate::inventory::{AttemptOutcome, FetchAttempt, Inventory};
use crate::model::{Kind, Provider, Resource};

pub const UNAVAILABLE_ATTR: &str = "ferry_unavailable";
pub const STALE_ATTR: &str = "ferry_stale";
pub const DETAILS_ATTR: &str = "ferry_details";

/// One part of a source that was not read this time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartGap {
    pub kind: Kind,
    /// The account (AWS account id, Cloudflare account id) it belongs to.
    pub account: String,
    /// Where: `zone acme.com`, `account Acme`, `eu-west-1`, `global`.
    pub place: String,
    pub error: String,
    /// A fault (5xx, timeout, a body Ferry did not recognise) rather than "not permitted".
    pub failed: bool,
    /// Resources kept from an older fetch in its place.
    pub kept_stale: u64,
}

/// A Heroku app whose details (formation, config vars, domains, drains, …) are not
/// from the last fetch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDetails {
    pub app: String,
    /// `stale` (an older fetch's details) or `missing` (never fetched).
    pub state: String,
    pub fetched_at: Option<String>,
    /// Why the last fetch did not refresh them, when it tried and failed.
    pub error: Option<String>,
}

/// What Ferry knows about one source's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceData {
    pub source: Provider,
    /// When the snapshot in use was taken; `None`: the source was never fetched.
    pub taken_at: Option<DateTime<Utc>>,
    /// `fetch`, `import` or `file`.
    pub origin: Option<String>,
    /// The last fetch, when the cache recorded one.
    pub last_attempt: Option<FetchAttempt>,
    /// The last fetch saved nothing: the data is an older snapshot standing in.
    pub stands_in: bool,
    pub parts: Vec<PartGap>,
    pub apps: Vec<AppDetails>,
    /// Resources carried over from an older fetch (marked `ferry_stale`).
    pub stale_resources: usize,
    /// Every part read, by the newest fetch ([`SourceData::complete`]).
    pub complete: bool,
    /// The data section's line ([`SourceData::line`]).
    pub summary: String,
}

impl SourceData {
    /// A source no check needs unless the team uses it (CI/CD, IaC state), never fetched
    /// nor tried: nothing rests on it, so its absence does not make the data incomplete.
    /// (Heroku, Cloudflare and AWS are always needed: DNS and counterparts rest on them.)
    pub fn unused_optional(&self) -> bool {
        matches!(self.source, Provider::Semaphore | Provider::Iac)
            && self.taken_at.is_none()
            && self.last_attempt.is_none()
    }

    /// Every part was read, from the newest fetch (or the source is optional and unused).
    pub fn complete(&self) -> bool {
        if self.unused_optional() {
            return true;
        }
        self.taken_at.is_some()
            && !self.stands_in
            && self.failed_accounts().is_empty()
            && self.parts.is_empty()
            && self
                .apps
                .iter()
                .all(|a| a.error.is_none() && a.state != "missing")
    }

    /// Accounts the last fetch could not read (their data, if any, is carried over).
    pub fn failed_accounts(&self) -> &[String] {
        match &self.last_attempt {
            Some(a) if a.outcome == AttemptOutcome::Partial => &a.errors,
            _ => &[],
        }
    }

    /// Why nothing of this source can be taken as fact, if so: one line for an item's
    /// reasons, the cause shortened (the data section has it whole).
    pub fn unknown(&self) -> Option<String> {
        self.explain(Some(100))
    }

    fn explain(&self, cause_chars: Option<usize>) -> Option<String> {
        let title = self.source.title();
        let attempt = self.last_attempt.as_ref();
        let failure = attempt
            .filter(|a| a.outcome == AttemptOutcome::Failed)
            .map(|a| {
                let why = a.errors.first().map(String::as_str).unwrap_or("no detail");
                let why = match cause_chars {
                    Some(n) if why.chars().count() > n => {
                        format!("{}…", why.chars().take(n).collect::<String>())
                    }
                    _ => why.to_string(),
                };
                format!(
                    "the fetch of {} failed: {why}",
                    a.at.format("%Y-%m-%d %H:%M UTC")
                )
            });
        match (self.taken_at, failure) {
            (None, Some(f)) => Some(format!("{title} not fetched ({f})")),
            (None, None) => Some(format!("{title} not fetched")),
            (Some(t), Some(f)) if self.stands_in => Some(format!(
                "{title} data is from {} ({f})",
                t.format("%Y-%m-%d %H:%M UTC")
            )),
            _ => None,
        }
    }

    /// A few words on what is missing, for a status line; `None` when complete.
    pub fn short(&self) -> Option<String> {
        if self.complete() {
            return None;
        }
        let title = self.source.title();
        if self.taken_at.is_none() {
            return Some(format!("{title} not fetched"));
        }
        if self.stands_in {
            return Some(format!("{title} last fetch failed, older data"));
        }
        let mut what = Vec::new();
        let failed = self.failed_accounts().len();
        if failed > 0 {
            what.push(format!("{failed} account(s) failed"));
        }
        let faults = self.parts.iter().filter(|p| p.failed).count();
        if faults > 0 {
            what.push(format!("{faults} part(s) failed"));
        }
        let refused = self.parts.len() - faults;
        if refused > 0 {
            what.push(format!("{refused} part(s) unavailable"));
        }
        let apps = self
            .apps
            .iter()
            .filter(|a| a.error.is_some() || a.state == "missing")
            .count();
        if apps > 0 {
            what.push(format!("{apps} app(s) without details"));
        }
        Some(format!("{title} {}", what.join(", ")))
    }

    /// One line for the "data" section of reports and `ferry gaps`.
    pub fn line(&self) -> String {
        let title = self.source.title();
        if self.unused_optional() {
            return format!(
                "{title}: not used (never configured nor fetched); no item rests on it"
            );
        }
        let Some(taken) = self.taken_at else {
            return self
                .unknown()
                .unwrap_or_else(|| format!("{title} not fetched"));
        };
        let mut out = format!(
            "{title}: {} from {}",
            self.origin.as_deref().unwrap_or("data"),
            taken.format("%Y-%m-%d %H:%M UTC")
        );
        if let Some(u) = self.explain(None) {
            out = format!("{title}: {u}; that older snapshot stands in");
        }
        let failed = self.failed_accounts();
        if !failed.is_empty() {
            out.push_str(&format!(
                "; {} account(s) failed: {}",
                failed.len(),
                failed.join("; ")
            ));
        }
        let (faults, refused): (Vec<&PartGap>, Vec<&PartGap>) =
            self.parts.iter().partition(|p| p.failed);
        if !faults.is_empty() {
            out.push_str(&format!(
                "; {} part(s) failed: {}",
                faults.len(),
                part_list(&faults)
            ));
        }
        if !refused.is_empty() {
            out.push_str(&format!(
                "; {} part(s) unavailable: {}",
                refused.len(),
                part_list(&refused)
            ));
        }
        let missing = self.apps.iter().filter(|a| a.state == "missing").count();
        let errored = self.apps.iter().filter(|a| a.error.is_some()).count();
        let stale = self.apps.iter().filter(|a| a.state == "stale").count();
        if missing + stale > 0 {
            out.push_str(&format!(
                "; app details: {missing} never fetched, {stale} from an older fetch ({errored} failed to refresh)"
            ));
        }
        if self.stale_resources > 0 {
            out.push_str(&format!(
                "; {} resource(s) carried over stale",
                self.stale_resources
            ));
        }
        if self.complete() {
            out.push_str("; complete");
        }
        out
    }
}

fn part_list(parts: &[&PartGap]) -> String {
    let shown: Vec<String> = parts
        .iter()
        .take(4)
        .map(|p| format!("{} in {} ({})", p.kind.label(), p.place, p.error))
        .collect();
    let more = parts.len().saturating_sub(4);
    if more > 0 {
        format!("{}, and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The coverage of the whole inventory, with lookups the analysis uses per check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub sources: Vec<SourceData>,
    /// Part gaps by kind, for per-check lookups.
    #[serde(skip)]
    by_kind: HashMap<Kind, Vec<PartGap>>,
}

impl Coverage {
    pub fn of(inv: &Inventory) -> Coverage {
        let mut sources: Vec<SourceData> = Provider::ALL
            .iter()
            .map(|&p| {
                let meta = inv.snapshot_of(p);
                let attempt = inv.attempt_of(p).cloned();
                let taken_at = meta.map(|m| m.taken_at);
                // Nothing saved by a fetch that came after the snapshot in use.
                let stands_in = match (&attempt, taken_at) {
                    (Some(a), Some(t)) => a.outcome == AttemptOutcome::Failed && a.at > t,
                    _ => false,
                };
                SourceData {
                    source: p,
                    taken_at,
                    origin: meta.map(|m| m.origin.clone()),
                    last_attempt: attempt,
                    stands_in,
                    parts: Vec::new(),
                    apps: Vec::new(),
                    stale_resources: 0,
                    complete: false,
                    summary: String::new(),
                }
            })
            .collect();
        for r in &inv.resources {
            let Some(data) = sources.iter_mut().find(|s| s.source == r.provider) else {
                continue;
            };
            if r.attrs.get(STALE_ATTR).and_then(Value::as_bool) == Some(true) {
                data.stale_resources += 1;
            }
            if let Some(list) = r.attrs.get(UNAVAILABLE_ATTR).and_then(Value::as_array) {
                data.parts
                    .extend(list.iter().filter_map(|e| part_gap(r, e)));
            }
            if r.kind == Kind::App
                && let Some(d) = app_details(r)
            {
                data.apps.push(d);
            }
        }
        for d in &mut sources {
            d.complete = d.complete();
            d.summary = d.line();
        }
        let mut by_kind: HashMap<Kind, Vec<PartGap>> = HashMap::new();
        for p in sources.iter().flat_map(|s| &s.parts) {
            by_kind.entry(p.kind).or_default().push(p.clone());
        }
        Coverage { sources, by_kind }
    }

    pub fn source(&self, p: Provider) -> &SourceData {
        self.sources
            .iter()
            .find(|s| s.source == p)
            .expect("every provider has an entry")
    }

    /// Why a search of these kinds may have missed something: the source was not read,
    /// an account failed, or one of the kinds was not read somewhere. `None`: a search
    /// that found nothing found nothing.
    pub fn kinds_unknown(&self, kinds: &[Kind]) -> Option<String> {
        for k in kinds {
            let data = self.source(k.provider());
            if let Some(u) = data.unknown() {
                return Some(u);
            }
            if let Some(f) = data.failed_accounts().first() {
                return Some(format!("{} {f}", data.source.title()));
            }
            if let Some(p) = self.by_kind.get(k).and_then(|v| v.first()) {
                let what = if p.failed { "failed" } else { "unavailable" };
                return Some(format!(
                    "{} {} in {}: {} ({})",
                    data.source.title(),
                    p.kind.label(),
                    p.place,
                    what,
                    p.error
                ));
            }
        }
        None
    }

    /// Why a DNS search for `host` may have missed a record: Cloudflare or Route 53 not
    /// (fully) read. A Cloudflare gap counts only for the zone `host` is in.
    pub fn dns_unknown(&self, host: &str) -> Option<String> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let cf = self.source(Provider::Cloudflare);
        if let Some(u) = cf.unknown() {
            return Some(u);
        }
        if let Some(f) = cf.failed_accounts().first() {
            return Some(format!("Cloudflare {f}"));
        }
        let in_zone = |place: &str| {
            place.strip_prefix("zone ").is_some_and(|z| {
                let z = z.to_ascii_lowercase();
                host == z || host.ends_with(&format!(".{z}"))
            })
        };
        if let Some(p) = self
            .by_kind
            .get(&Kind::DnsRecord)
            .into_iter()
            .flatten()
            .find(|p| in_zone(&p.place))
        {
            return Some(format!(
                "Cloudflare DNS for {} not read: {}",
                p.place, p.error
            ));
        }
        self.kinds_unknown(&[Kind::Route53Record])
    }

    /// Why `r` (a counterpart, a DNS record) cannot be taken as current: it was carried
    /// over from an older fetch because its part failed.
    pub fn stale(&self, r: &Resource) -> Option<String> {
        if r.attrs.get(STALE_ATTR).and_then(Value::as_bool) != Some(true) {
            return None;
        }
        Some(format!(
            "{} `{}` is from the fetch of {} (not refreshed since)",
            r.kind.label().trim_end_matches('s'),
            r.name,
            r.fetched_at.format("%Y-%m-%d %H:%M UTC")
        ))
    }

    /// Why the details of Heroku app `app` cannot be taken as current: never fetched,
    /// a refresh that failed, its account carried over, or the whole source standing in.
    pub fn app_unknown(&self, app: &Resource) -> Option<String> {
        if let Some(u) = self.source(Provider::Heroku).unknown() {
            return Some(u);
        }
        if app.attrs.get(STALE_ATTR).and_then(Value::as_bool) == Some(true) {
            return Some(format!(
                "Heroku app {} is from the fetch of {} (its account failed since)",
                app.name,
                app.fetched_at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        let d = app_details(app)?;
        match (d.state.as_str(), &d.error) {
            ("missing", Some(e)) => Some(format!("Heroku details of {} not fetched: {e}", d.app)),
            ("missing", None) => Some(format!("Heroku details of {} not fetched yet", d.app)),
            (_, Some(e)) => Some(format!(
                "Heroku details of {} are from {} (the refresh failed: {e})",
                d.app,
                d.fetched_at.as_deref().unwrap_or("an older fetch")
            )),
            _ => None,
        }
    }
}

fn part_gap(on: &Resource, e: &Value) -> Option<PartGap> {
    let kind: Kind = e.get("kind")?.as_str()?.parse().ok()?;
    let place = match (on.kind, e.get("region").and_then(Value::as_str)) {
        (_, Some(region)) => region.to_string(),
        (Kind::Zone, _) => format!("zone {}", on.name),
        _ => format!("account {}", on.name),
    };
    Some(PartGap {
        kind,
        account: on.scope.account.clone(),
        place,
        error: e
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("no detail")
            .to_string(),
        failed: e.get("failed").and_then(Value::as_bool).unwrap_or(false),
        kept_stale: e.get("kept_stale").and_then(Value::as_u64).unwrap_or(0),
    })
}

/// The app's `ferry_details`, when they are not fresh.
fn app_details(app: &Resource) -> Option<AppDetails> {
    let d = app.attrs.get(DETAILS_ATTR)?;
    let state = d.get("state")?.as_str()?;
    if state == "fresh" {
        return None;
    }
    Some(AppDetails {
        app: app.name.clone(),
        state: state.to_string(),
        fetched_at: d
            .get("fetched_at")
            .and_then(Value::as_str)
            .map(str::to_string),
        error: d.get("error").and_then(Value::as_str).map(str::to_string),
    })
}
