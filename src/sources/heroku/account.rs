//! Fetching one Heroku account: the account-wide lists in full, then per-app details in
//! priority order until the budget floor, then one set of resources with the previous
//! snapshot's details kept for the apps not refreshed.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::attrs::{Obj, rid, str_at};
use super::budget::{RateBudget, fetches_needed};
use super::client::{HerokuClient, Paid};
use super::details::{self, REQUESTS_PER_APP};
use super::error::HerokuError;
use super::fir::{self, Part};
use super::mapping::Mapper;
use super::plan::{self, Candidate, ScopeFilter};
use super::previous::{DETAILS_ATTR, Previous, details_attr};
pub use super::stats::{AccountStats, AppCounts};
use super::sweep::{self, AppFailure};

/// Requests the account-wide lists cost at least (one page each), so a fetch that cannot
/// afford them above the floor does not start.
const LIST_REQUESTS: i64 = 9;
use crate::model::{Link, LinkKind, Resource, ResourceId};
use crate::sources::progress::Counters;

pub struct AccountData {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub stats: AccountStats,
}

pub struct AccountJob {
    pub client: Arc<HerokuClient>,
    pub counters: Arc<Counters>,
    pub scope: ScopeFilter,
    pub floor: i64,
    pub concurrency: usize,
    pub now: DateTime<Utc>,
    pub on_lists: OnLists,
}

/// The lists with what the scope lets through, as one borrow for assembling.
struct Scoped<'a> {
    lists: &'a Lists,
    mapper: &'a Mapper,
    in_scope: &'a HashSet<String>,
    team_of: &'a HashMap<String, Option<String>>,
    /// `/dyno-sizes`, read or carried over.
    sizes: &'a Part,
    /// Fir spaces' telemetry drains, by space name.
    space_drains: &'a HashMap<String, Part>,
}

/// Called once the account-wide lists are in, with the account's provisional resources
/// and links (every app, previous details): lets views fill before the details arrive.
pub type OnLists = Arc<dyn Fn(&str, Vec<Resource>, Vec<Link>) + Send + Sync>;

/// The account-wide lists, as Heroku returned them.
struct Lists {
    account: Obj,
    teams: Vec<Obj>,
    apps: Vec<Obj>,
    addons: Vec<Obj>,
    attachments: Vec<Obj>,
    pipelines: Vec<Obj>,
    couplings: Vec<Obj>,
    spaces: Vec<Obj>,
    /// Taken once the mapper exists (see `run`).
    dyno_sizes: Option<Result<Vec<Obj>, HerokuError>>,
    warnings: Vec<String>,
}

impl Lists {
    /// App name → its team (`None` for personal apps).
    fn team_of(&self) -> HashMap<String, Option<String>> {
        self.apps
            .iter()
            .filter_map(|a| {
                let team = str_at(a, "team.name").map(str::to_string);
                Some((str_at(a, "name")?.to_string(), team))
            })
            .collect()
    }
}

impl AccountJob {
    pub async fn run(self, previous: Arc<Previous>) -> Result<AccountData, HerokuError> {
        let remaining = self.client.rate_limit_remaining().await?;
        let start = RateBudget::new(remaining, self.floor).with_slack(self.concurrency as i64);
        if remaining - LIST_REQUESTS < self.floor {
            return Err(HerokuError::BelowFloor {
                account: self.client_account(),
                left: remaining,
                floor: self.floor,
                minutes: start.minutes_until(64).unwrap_or(60),
            });
        }
        *self.client.budget().lock().expect("budget lock") = start;
        self.counters.status("account-wide lists");
        let mut lists = self.lists().await?;
        let email = str_at(&lists.account, "email")
            .unwrap_or("unknown")
            .to_string();
        let mapper = Arc::new(Mapper {
            email: email.clone(),
            at: self.now,
        });
        let team_of = lists.team_of();
        let in_scope: HashSet<String> = team_of
            .iter()
            .filter(|(app, team)| self.scope.admits(app, team.as_deref()))
            .map(|(app, _)| app.clone())
            .collect();
        let order = self.plan(&lists, &in_scope, &team_of, &previous);
        let sizes = fir::dyno_sizes(
            lists.dyno_sizes.take().unwrap_or(Ok(Vec::new())),
            &mapper,
            &previous,
        );
        let space_drains = self
            .space_drains(&lists, &mapper, &in_scope, &previous)
            .await?;
        lists.warnings.extend(sizes.warning.clone());
        lists
            .warnings
            .extend(space_drains.values().filter_map(|p| p.warning.clone()));
        let fir_apps: HashSet<String> = lists
            .apps
            .iter()
            .filter(|a| fir::is_fir(a))
            .filter_map(|a| str_at(a, "name").map(str::to_string))
            .collect();
        // Show the account-wide picture at once (every app, details from the last fetch),
        // then the final one when the details are in.
        let view = Scoped {
            lists: &lists,
            mapper: &mapper,
            in_scope: &in_scope,
            team_of: &team_of,
            sizes: &sizes,
            space_drains: &space_drains,
        };
        let (early, _) = self.assemble(&view, HashMap::new(), &BTreeMap::new(), &previous);
        (self.on_lists)(&email, early.resources, early.links);
        self.counters.status("app details");
        let sweep = sweep::run(
            &self.client,
            &self.counters,
            self.concurrency,
            &order,
            &mapper,
            &fir_apps,
        )
        .await?;
        let (out, apps) = self.assemble(&view, sweep.done, &sweep.failed, &previous);

        let budget = self.client.budget().lock().expect("budget lock").clone();
        let rest = apps.stale + apps.missing;
        let stats = AccountStats {
            email,
            rest_in_minutes: budget.minutes_until(rest as i64 * REQUESTS_PER_APP),
            fetches_for_rest: fetches_needed(rest, REQUESTS_PER_APP, self.floor),
            budget_left: budget.left(),
            budget_floor: self.floor,
            not_modified: self.client.not_modified(),
            apps,
            warnings: lists.warnings.into_iter().chain(sweep.warnings).collect(),
            failed: sweep
                .failed
                .into_iter()
                .filter(|(_, f)| f.fault)
                .map(|(app, f)| (app, f.cause))
                .collect(),
            stopped: sweep.stopped,
        };
        Ok(AccountData {
            resources: out.resources,
            links: out.links,
            stats,
        })
    }

    /// Everything of this account, with `refreshed` details where there are some and the
    /// previous snapshot's elsewhere (with the cause for apps in `failed`).
    fn assemble(
        &self,
        v: &Scoped<'_>,
        refreshed: HashMap<String, details::AppDetails>,
        failed: &BTreeMap<String, AppFailure>,
        previous: &Previous,
    ) -> (Assembly, AppCounts) {
        let mut out = Assembly::default();
        let mut account = v.mapper.account(&v.lists.account);
        mark_unavailable(&mut account, v.sizes);
        out.push(account);
        out.extend(v.sizes.resources.iter().cloned());
        out.links.extend(v.sizes.links.iter().cloned());
        for t in v.lists.teams.iter().filter_map(|t| v.mapper.team(t)) {
            if self.scope.admits_team(&t.name) {
                out.push(t);
            }
        }
        for mut space in v.lists.spaces.iter().filter_map(|s| v.mapper.space(s)) {
            let team = space.scope.team.as_deref();
            if team.is_none_or(|t| self.scope.admits_team(t)) {
                if let Some(drains) = v.space_drains.get(&space.name) {
                    mark_unavailable(&mut space, drains);
                    out.extend(drains.resources.iter().cloned());
                    out.links.extend(drains.links.iter().cloned());
                }
                out.push(space);
            }
        }
        let mut apps = self.apps(v, refreshed, failed, previous, &mut out);
        apps.out_of_scope = v.team_of.len() - v.in_scope.len();
        self.addons(v.lists, v.mapper, v.in_scope, v.team_of, &mut out);
        self.pipelines(v.lists, v.mapper, v.in_scope, &mut out);
        (out, apps)
    }

    /// The apps in scope, each with its fresh details or the previous snapshot's (stale),
    /// and `ferry_details` saying which (and why, when this fetch's refresh failed).
    fn apps(
        &self,
        v: &Scoped<'_>,
        mut refreshed: HashMap<String, details::AppDetails>,
        failed: &BTreeMap<String, AppFailure>,
        previous: &Previous,
        out: &mut Assembly,
    ) -> AppCounts {
        let (lists, mapper, in_scope) = (v.lists, v.mapper, v.in_scope);
        let mut counts = AppCounts {
            total: in_scope.len(),
            ..AppCounts::default()
        };
        for obj in &lists.apps {
            let Some(mut app) = mapper.app(obj).filter(|a| in_scope.contains(&a.name)) else {
                continue;
            };
            if let Some(space) = str_at(obj, "space.name") {
                out.link(&app.id, &rid("space", &[space]), LinkKind::References);
            }
            let (state, at) = match refreshed.remove(&app.name) {
                Some(d) => {
                    counts.fresh += 1;
                    out.extend(d.resources);
                    out.links.extend(d.links);
                    ("fresh", Some(self.now))
                }
                None => {
                    let at = previous.app(&app.name).and_then(|p| p.details_at);
                    let (rs, ls) = previous.carry_app(&app.name);
                    out.extend(rs);
                    out.links.extend(ls);
                    if at.is_some() {
                        counts.stale += 1;
                        ("stale", at)
                    } else {
                        counts.missing += 1;
                        ("missing", None)
                    }
                }
            };
            let error = failed.get(&app.name).map(|f| f.cause.as_str());
            app.attrs
                .insert(DETAILS_ATTR.into(), details_attr(state, at, error));
            out.push(app);
        }
        counts
    }

    fn client_account(&self) -> String {
        self.client.account().to_string()
    }

    async fn lists(&self) -> Result<Lists, HerokuError> {
        let c = &self.client;
        let u = Paid::Unreserved;
        let (account, teams, apps, addons, attachments, pipelines, couplings, spaces, sizes) = tokio::join!(
            c.get_value::<Obj>("/account", "account", Some(u)),
            c.list::<Obj>("/teams", "teams", Some("id"), u),
            c.list::<Obj>("/apps", "apps", Some("id"), u),
            c.list::<Obj>("/addons", "addons", Some("id"), u),
            c.list::<Obj>("/addon-attachments", "addon-attachments", Some("id"), u),
            c.list::<Obj>("/pipelines", "pipelines", Some("id"), u),
            c.list::<Obj>("/pipeline-couplings", "pipeline-couplings", Some("id"), u),
            c.list::<Obj>("/spaces", "spaces", Some("id"), u),
            fir::fetch_dyno_sizes(c),
        );
        let mut warnings = Vec::new();
        // Teams and spaces are not available to every account; their absence is not an
        // error for an inventory.
        let mut optional = |r: Result<Vec<Obj>, HerokuError>| match r {
            Err(e) if !e.is_fatal() => {
                warnings.push(e.to_string());
                Ok(Vec::new())
            }
            other => other,
        };
        let teams = optional(teams)?;
        let spaces = optional(spaces)?;
        // Dyno sizes are a part that can fail alone (the size check then falls back to
        // the rules table, saying so); only an error that ends the account ends it here.
        let sizes = match sizes {
            Err(e) if e.ends_account() => return Err(e),
            other => other,
        };
        Ok(Lists {
            account: account?,
            teams,
            apps: apps?,
            addons: addons?,
            attachments: attachments?,
            pipelines: pipelines?,
            couplings: couplings?,
            spaces,
            dyno_sizes: Some(sizes),
            warnings,
        })
    }

    /// The telemetry drains of every Fir space in scope, the spaces concurrently (under
    /// the client's bound), each linked to the space's apps in scope.
    async fn space_drains(
        &self,
        lists: &Lists,
        mapper: &Mapper,
        in_scope: &HashSet<String>,
        previous: &Previous,
    ) -> Result<HashMap<String, Part>, HerokuError> {
        let spaces: Vec<(&str, Vec<&str>, crate::model::Scope)> = lists
            .spaces
            .iter()
            .filter(|s| fir::is_fir(s))
            .filter(|s| str_at(s, "team.name").is_none_or(|t| self.scope.admits_team(t)))
            .filter_map(|s| {
                let name = str_at(s, "name")?;
                let apps = lists
                    .apps
                    .iter()
                    .filter(|a| str_at(a, "space.name") == Some(name))
                    .filter_map(|a| str_at(a, "name"))
                    .filter(|a| in_scope.contains(*a))
                    .collect();
                Some((name, apps, mapper.scope(str_at(s, "team.name"))))
            })
            .collect();
        let parts = futures_util::future::join_all(spaces.iter().map(|(name, apps, scope)| {
            fir::space_drains(&self.client, mapper, name, scope, apps, previous)
        }))
        .await;
        let mut out = HashMap::new();
        for ((name, _, _), part) in spaces.iter().zip(parts) {
            out.insert(name.to_string(), part?);
        }
        Ok(out)
    }

    fn plan(
        &self,
        lists: &Lists,
        in_scope: &HashSet<String>,
        team_of: &HashMap<String, Option<String>>,
        previous: &Previous,
    ) -> Vec<(String, Option<String>)> {
        let production: HashSet<&str> = lists
            .couplings
            .iter()
            .filter(|c| str_at(c, "stage") == Some("production"))
            .filter_map(|c| str_at(c, "app.id"))
            .collect();
        let time = |o: &Obj, k: &str| {
            str_at(o, k)
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        let candidates = lists
            .apps
            .iter()
            .filter_map(|a| {
                let name = str_at(a, "name")?;
                if !in_scope.contains(name) {
                    return None;
                }
                let prev = previous.app(name);
                Some(Candidate {
                    name: name.to_string(),
                    changed_at: time(a, "updated_at").max(time(a, "released_at")),
                    production: str_at(a, "id").is_some_and(|id| production.contains(id)),
                    details_at: prev.and_then(|p| p.details_at),
                    details_fresh: prev.is_some_and(|p| p.details_fresh),
                })
            })
            .collect();
        plan::order(candidates)
            .into_iter()
            .map(|c| {
                let team = team_of.get(&c.name).cloned().flatten();
                (c.name, team)
            })
            .collect()
    }

    fn addons(
        &self,
        lists: &Lists,
        mapper: &Mapper,
        in_scope: &HashSet<String>,
        team_of: &HashMap<String, Option<String>>,
        out: &mut Assembly,
    ) {
        let scope_for = |app: Option<&str>| {
            mapper.scope(
                app.and_then(|a| team_of.get(a).cloned().flatten())
                    .as_deref(),
            )
        };
        // An add-on is in scope if its owner is, or any app in scope uses it.
        let used: HashSet<&str> = lists
            .attachments
            .iter()
            .filter(|a| str_at(a, "app.name").is_some_and(|n| in_scope.contains(n)))
            .filter_map(|a| str_at(a, "addon.name"))
            .collect();
        for obj in &lists.addons {
            let owner = str_at(obj, "app.name");
            let name = str_at(obj, "name").unwrap_or_default();
            if owner.is_some_and(|o| in_scope.contains(o)) || used.contains(name) {
                out.extend(mapper.addon(scope_for(owner), obj));
            }
        }
        for obj in &lists.attachments {
            let app = str_at(obj, "app.name");
            if !app.is_some_and(|a| in_scope.contains(a)) {
                continue;
            }
            if let Some((r, links)) = mapper.attachment(scope_for(app), obj) {
                out.push(r);
                out.links.extend(links);
            }
        }
    }

    fn pipelines(
        &self,
        lists: &Lists,
        mapper: &Mapper,
        in_scope: &HashSet<String>,
        out: &mut Assembly,
    ) {
        let team_by_id: HashMap<&str, &str> = lists
            .teams
            .iter()
            .filter_map(|t| Some((str_at(t, "id")?, str_at(t, "name")?)))
            .collect();
        let app_by_id: HashMap<&str, &str> = lists
            .apps
            .iter()
            .filter_map(|a| Some((str_at(a, "id")?, str_at(a, "name")?)))
            .collect();
        let pipeline_by_id: HashMap<&str, &Obj> = lists
            .pipelines
            .iter()
            .filter_map(|p| Some((str_at(p, "id")?, p)))
            .collect();
        let team_of_pipeline = |p: &Obj| {
            (str_at(p, "owner.type") == Some("team"))
                .then(|| str_at(p, "owner.id").and_then(|id| team_by_id.get(id).copied()))
                .flatten()
        };
        let mut used: HashSet<&str> = HashSet::new();
        for c in &lists.couplings {
            let (Some(app), Some(pipe)) = (
                str_at(c, "app.id").and_then(|id| app_by_id.get(id).copied()),
                str_at(c, "pipeline.id").and_then(|id| pipeline_by_id.get(id).copied()),
            ) else {
                continue;
            };
            if !in_scope.contains(app) {
                continue;
            }
            let pname = str_at(pipe, "name").unwrap_or_default();
            if let Some((r, link)) = mapper.coupling(team_of_pipeline(pipe), pname, app, c) {
                used.insert(pname);
                out.push(r);
                out.links.push(link);
            }
        }
        for p in &lists.pipelines {
            let name = str_at(p, "name").unwrap_or_default();
            if self.scope.is_empty() || used.contains(name) {
                out.extend(mapper.pipeline(team_of_pipeline(p), p));
            }
        }
    }
}

/// Adds `part`'s `ferry_unavailable` entry (if it was not read) to `r`, the resource that
/// holds that part.
fn mark_unavailable(r: &mut Resource, part: &Part) {
    let Some(entry) = &part.unavailable else {
        return;
    };
    let list = r
        .attrs
        .entry(fir::UNAVAILABLE_ATTR.to_string())
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let serde_json::Value::Array(items) = list {
        items.push(entry.clone());
    }
}

/// Resources and links being collected for one account.
#[derive(Default)]
struct Assembly {
    resources: Vec<Resource>,
    links: Vec<Link>,
}

impl Assembly {
    fn push(&mut self, r: Resource) {
        self.resources.push(r);
    }
    fn extend(&mut self, rs: impl IntoIterator<Item = Resource>) {
        self.resources.extend(rs);
    }
    fn link(&mut self, from: &ResourceId, to: &ResourceId, kind: LinkKind) {
        self.links.push(Link {
            from: from.clone(),
            to: to.clone(),
            kind,
        });
    }
}
