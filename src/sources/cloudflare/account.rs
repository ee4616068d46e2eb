//! Fetching everything one credential can see: verify it, list its accounts and zones,
//! then every account's and zone's parts with bounded concurrency, and assemble one set
//! of resources with unavailable parts marked (and their previous data kept, stale).

use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tokio::task::JoinSet;

use super::client::CloudflareClient;
use super::credentials::Auth;
use super::envelope::Paging;
use super::error::CloudflareError;
use super::mapping::{Mapper, ZoneRef};
use super::parts::{self, Collected, UNAVAILABLE_ATTR, Unavailable};
use super::previous::Previous;
use super::stats::AccountStats;
use super::zone::{self, ACCOUNTS_PER_PAGE, ZONES_PER_PAGE};
use crate::model::{Kind, Link, Resource, ResourceId};
use crate::sources::allowlist::{Obj, str_at};
use crate::sources::glob::glob;
use crate::sources::http::HttpError;

pub struct CredentialData {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub stats: AccountStats,
}

pub struct CredentialJob {
    pub client: Arc<CloudflareClient>,
    pub mapper: Arc<Mapper>,
    pub auth_is_token: bool,
    /// Only this Cloudflare account.
    pub account_id: Option<String>,
    /// Zone-name patterns (`*`, `?`); empty: every zone.
    pub zones: Vec<String>,
    /// Requests in flight (zones and accounts fetched at once: twice that).
    pub concurrency: usize,
}

impl CredentialJob {
    pub fn new(
        client: Arc<CloudflareClient>,
        mapper: Arc<Mapper>,
        auth: &Auth,
        account_id: Option<String>,
        zones: Vec<String>,
        concurrency: usize,
    ) -> Self {
        CredentialJob {
            client,
            mapper,
            auth_is_token: matches!(auth, Auth::Token(_)),
            account_id,
            zones,
            concurrency,
        }
    }

    pub async fn run(self, previous: Arc<Previous>) -> Result<CredentialData, CloudflareError> {
        let c = &self.client;
        c.counters().status("verifying the credential");
        self.verify().await?;
        c.counters().status("listing accounts and zones");
        let zone_query: Vec<(&str, &str)> = self
            .account_id
            .as_deref()
            .map(|a| ("account.id", a))
            .into_iter()
            .collect();
        let (accounts, zones) = tokio::try_join!(
            zone::soft(c.list(
                &["accounts"],
                &[],
                Paging::Pages {
                    per_page: ACCOUNTS_PER_PAGE
                },
                "cf_account"
            )),
            zone::soft(c.list(
                &["zones"],
                &zone_query,
                Paging::Pages {
                    per_page: ZONES_PER_PAGE
                },
                "zone"
            )),
        )?;
        // Zones are the heart of the inventory: without them the fetch has failed (and
        // the failed-credential carry-over keeps the last good data). Only a refusal gets
        // the permission hint; an answer not recognised says so itself.
        let zones = zones.map_err(|e| match e.is_unavailable() {
            true => CloudflareError::Setup {
                account: c.account().to_string(),
                message: format!(
                    "{}. {} cannot list zones: it needs Zone: Read (and DNS: Read) on the zones to inventory",
                    e.detail(),
                    c.source()
                ),
            },
            false => e,
        })?;
        let mut stats = AccountStats::default();
        let mut zone_list: Vec<(ZoneRef, Resource)> = Vec::new();
        for obj in &zones {
            let Some((z, r)) = self.mapper.zone(obj) else {
                continue;
            };
            if self.account_id.as_ref().is_some_and(|a| *a != z.account_id) {
                continue;
            }
            if !self.zones.is_empty() && !self.zones.iter().any(|p| glob(p, &z.name)) {
                stats.zones_filtered_out += 1;
                continue;
            }
            zone_list.push((z, r));
        }
        let mut out = Collected::default();
        let mut account_list = self.accounts(accounts, &zones, &mut out)?;
        if account_list.is_empty() {
            return Err(CloudflareError::Setup {
                account: c.account().to_string(),
                message: format!(
                    "{} sees no Cloudflare account and no zone{}. Give the token read access \
                     to the zones (Zone: Read, DNS: Read) or the account",
                    c.source(),
                    self.account_id
                        .as_ref()
                        .map(|a| format!(" in account {a}"))
                        .unwrap_or_default()
                ),
            });
        }
        out.extend(self.parts(&account_list, &zone_list).await?);

        let mut zone_resources: Vec<Resource> = zone_list.into_iter().map(|(_, r)| r).collect();
        // What this fetch did read wins over anything carried from the last one (a ruleset
        // listed without its rules, an account named from its zones).
        let fresh: HashSet<ResourceId> = account_list
            .iter()
            .chain(&zone_resources)
            .chain(&out.resources)
            .map(|r| r.id.clone())
            .collect();
        // One entry per kind and zone or account (several rulesets may fail on one zone).
        let mut seen = HashSet::new();
        out.unavailable
            .retain(|u| seen.insert((u.on.clone(), u.kind)));
        for u in &mut out.unavailable {
            let (rs, ls) = previous.carry_part(&u.on, u.kind);
            let rs: Vec<Resource> = rs.into_iter().filter(|r| !fresh.contains(&r.id)).collect();
            u.kept = rs.len();
            out.resources.extend(rs);
            out.links.extend(ls);
        }
        mark(&mut account_list, &out.unavailable);
        mark(&mut zone_resources, &out.unavailable);
        stats.accounts = account_list.iter().map(|r| r.name.clone()).collect();
        stats.account_ids = account_list
            .iter()
            .map(|r| r.scope.account.clone())
            .collect();
        stats.zones = zone_resources.len();
        stats.count(&out.resources);
        stats.failed_parts = out.unavailable.iter().filter(|u| u.failed()).count();
        stats.unavailable_parts = out.unavailable.len() - stats.failed_parts;
        stats.unavailable = parts::notes(&out.unavailable);
        let mut resources = account_list;
        resources.extend(zone_resources);
        resources.extend(out.resources);
        Ok(CredentialData {
            resources,
            links: out.links,
            stats,
        })
    }

    /// Checks the credential before anything else, so a bad one gets one clear message.
    async fn verify(&self) -> Result<(), CloudflareError> {
        let c = &self.client;
        if !self.auth_is_token {
            // A global key has nothing to verify but the user it belongs to.
            return c
                .get(&["user"], "verify")
                .await
                .map(|_| ())
                .map_err(|e| self.rejected(e));
        }
        let mut result = c.get(&["user", "tokens", "verify"], "verify").await;
        // Account-owned tokens verify under their account.
        if let (Err(CloudflareError::Rejected { .. }), Some(account)) = (&result, &self.account_id)
        {
            result = c
                .get(&["accounts", account, "tokens", "verify"], "verify")
                .await;
        }
        let token = result.map_err(|e| self.rejected(e))?;
        match str_at(&token, "status") {
            Some("active") => Ok(()),
            other => Err(CloudflareError::Inactive {
                account: c.account().to_string(),
                source_: c.source().clone(),
                status: other.unwrap_or("of unknown status").to_string(),
            }),
        }
    }

    /// Any refusal of the verification call means the credential itself is wrong.
    fn rejected(&self, e: CloudflareError) -> CloudflareError {
        match e {
            CloudflareError::Http { error, .. } if matches!(*error, HttpError::Api { status, .. } if (400..500).contains(&status) && status != 429) => {
                CloudflareError::Rejected {
                    account: self.client.account().to_string(),
                    source_: self.client.source().clone(),
                    error,
                }
            }
            other => other,
        }
    }

    /// The accounts to fetch: listed ones, plus any a zone names that the list lacks (a
    /// zone-scoped token cannot list accounts; its zones still say whose they are).
    fn accounts(
        &self,
        listed: Result<Vec<Obj>, CloudflareError>,
        zones: &[Obj],
        out: &mut Collected,
    ) -> Result<Vec<Resource>, CloudflareError> {
        let m = &self.mapper;
        let wanted = |id: &str| self.account_id.as_ref().is_none_or(|a| a == id);
        let (listed, failure) = match listed {
            Ok(v) => (v, None),
            Err(e) if e.is_part_error() => (Vec::new(), Some(e)),
            Err(e) => return Err(e),
        };
        let mut accounts: BTreeMap<String, Resource> = listed
            .iter()
            .filter_map(|o| m.account(o))
            .filter(|r| wanted(&r.scope.account))
            .map(|r| (r.scope.account.clone(), r))
            .collect();
        for z in zones {
            if let Some(id) = str_at(z, "account.id").filter(|id| wanted(id)) {
                accounts
                    .entry(id.to_string())
                    .or_insert_with(|| m.account_stub(id, str_at(z, "account.name")));
            }
        }
        if let Some(error) = failure {
            for r in accounts.values() {
                out.unavailable.push(Unavailable {
                    kind: Kind::CfAccount,
                    on: r.id.clone(),
                    label: format!("account {}", r.name),
                    error: error.clone(),
                    kept: 0,
                });
            }
        }
        Ok(accounts.into_values().collect())
    }

    /// Every account's and zone's parts, `2 × concurrency` at a time.
    async fn parts(
        &self,
        accounts: &[Resource],
        zones: &[(ZoneRef, Resource)],
    ) -> Result<Collected, CloudflareError> {
        let tasks = accounts
            .iter()
            .map(|a| Task::Account {
                id: a.scope.account.clone(),
                label: format!("account {}", a.name),
            })
            .chain(zones.iter().map(|(z, _)| Task::Zone(z.clone())));
        let mut queue = tasks.collect::<Vec<_>>().into_iter().enumerate();
        let (total_zones, mut zones_done) = (zones.len(), 0);
        // Kept in task order, so a snapshot lists resources the same way every time.
        let mut results: Vec<Option<Collected>> = (0..queue.len()).map(|_| None).collect();
        let mut set: JoinSet<(usize, Done)> = JoinSet::new();
        loop {
            // Twice as many zones as requests in flight: the request bound keeps the load
            // in check, and a zone waiting on its last request does not leave slots idle.
            while set.len() < 2 * self.concurrency.max(1) {
                let Some((i, task)) = queue.next() else { break };
                let (c, m) = (self.client.clone(), self.mapper.clone());
                set.spawn(async move { (i, task.run(c, m).await) });
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            let (i, done) = joined.map_err(|e| CloudflareError::Setup {
                account: self.client.account().to_string(),
                message: format!("a fetch task failed: {e}"),
            })?;
            match done.result {
                Ok(collected) => results[i] = Some(collected),
                Err(e) => {
                    set.abort_all();
                    tracing::warn!("{}: {e}", done.label);
                    return Err(e);
                }
            }
            zones_done += usize::from(done.zone);
            // The rate-limit allowance is shown beside it (the `budget` of every count).
            self.client
                .counters()
                .status(format!("zones {zones_done}/{total_zones}"));
        }
        let mut out = Collected::default();
        for collected in results.into_iter().flatten() {
            out.extend(collected);
        }
        Ok(out)
    }
}

/// One account's or zone's fetch, run as its own task.
enum Task {
    Account { id: String, label: String },
    Zone(ZoneRef),
}

struct Done {
    zone: bool,
    label: String,
    result: Result<Collected, CloudflareError>,
}

impl Task {
    async fn run(self, c: Arc<CloudflareClient>, m: Arc<Mapper>) -> Done {
        match self {
            Task::Account { id, label } => Done {
                zone: false,
                result: zone::fetch_account(c, m, id, label.clone()).await,
                label,
            },
            Task::Zone(z) => Done {
                zone: true,
                label: format!("zone {}", z.name),
                result: zone::fetch_zone(c, m, z).await,
            },
        }
    }
}

/// Records each unavailable part on its zone or account (`ferry_unavailable`).
fn mark(resources: &mut [Resource], unavailable: &[Unavailable]) {
    let mut by_owner: BTreeMap<&ResourceId, Vec<Value>> = BTreeMap::new();
    for u in unavailable {
        by_owner.entry(&u.on).or_default().push(u.attr());
    }
    for r in resources {
        if let Some(list) = by_owner.remove(&r.id) {
            r.attrs.insert(UNAVAILABLE_ATTR.into(), Value::Array(list));
        }
    }
}
