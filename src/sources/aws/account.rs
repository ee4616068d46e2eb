//! One account: identify it with STS, run every part (service × region, global services
//! once from us-east-1) concurrently under per-service limits, then put the pieces
//! together: stale carry-over for failed parts, task definitions only a schedule names,
//! tags from the tagging API and the resources only it reveals.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::Semaphore;

use super::error::{PartError, credentials_message, full_text};
use super::part::{Batch, Ctx, GLOBAL_CALL_REGION, GLOBAL_SCOPE, Place, Service};
use super::previous::Previous;
use super::sdk::{self, Clients, PartBreaker, RequestCounter};
use super::{AccountSpec, AwsOptions, services, tags};
use crate::model::{Kind, LinkKind, Provider, Resource, ResourceId, Scope};
use crate::sources::progress::Counters;

/// How one part went.
#[derive(Debug, Clone)]
pub struct PartOutcome {
    pub service: Service,
    pub place: Place,
    pub error: Option<PartError>,
    /// Resources of each kind carried over from the previous snapshot (failed parts only).
    pub kept: BTreeMap<Kind, usize>,
}

/// What an account produced.
#[derive(Debug, Default)]
pub struct AccountData {
    pub account_id: String,
    pub regions: Vec<String>,
    pub batch: Batch,
    pub parts: Vec<PartOutcome>,
    /// Resources carried over from the previous snapshot for failed parts.
    pub stale: usize,
}

pub struct AccountJob {
    pub spec: AccountSpec,
    pub opts: Arc<AwsOptions>,
    pub counter: RequestCounter,
    pub counters: Arc<Counters>,
    pub now: DateTime<Utc>,
}

impl AccountJob {
    /// Fails only when the account cannot be identified (credentials, region); part
    /// failures are in the returned outcomes.
    pub async fn run(self, previous: &Previous) -> Result<AccountData, String> {
        let profile = self.spec.profile.as_deref();
        self.counters.status("loading credentials");
        let sdk = sdk::load(&self.spec, &self.opts.sdk).await;
        let regions = if self.spec.regions.is_empty() {
            match sdk.region() {
                Some(r) => vec![r.to_string()],
                None => {
                    let who = profile
                        .map(|p| format!("profile `{p}`"))
                        .unwrap_or("the default profile".into());
                    return Err(format!(
                        "no region for {who}: list regions for this account in [aws] (`regions = [\"eu-west-1\"]`), \
                         set `region` in the profile, or set AWS_REGION"
                    ));
                }
            }
        } else {
            self.spec.regions.clone()
        };
        // Account-level calls (STS, task definitions schedules name) share one breaker per
        // region; every part gets clients with a breaker of its own (see `plan` below).
        let mut clients: HashMap<String, Clients> = HashMap::new();
        for r in regions
            .iter()
            .map(String::as_str)
            .chain([GLOBAL_CALL_REGION])
        {
            clients
                .entry(r.to_string())
                .or_insert_with(|| Clients::new(&sdk, r, &self.counter, &PartBreaker::default()));
        }
        let sts = &clients[&regions[0]].sts;
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| credentials_message(profile, &full_text(&e)))?;
        self.counters.record("sts", 1, 1, None);
        let account = identity.account().unwrap_or_default().to_string();

        let plan = self.plan(&regions);
        let limits = self.limits(&plan);
        self.counters
            .status(format!("{account}: 0/{} parts", plan.len()));
        let mut running: FuturesUnordered<_> = plan
            .iter()
            .cloned()
            .map(|(service, place)| {
                // Its own breaker: one service's outage stops that part's retries only.
                let breaker = PartBreaker::default();
                let ctx = self.ctx(&sdk, &breaker, &account, service, &place, &limits);
                async move {
                    let result = services::collect(service, &ctx).await;
                    let result = result.map_err(|e| gave_up(e, &breaker));
                    (service, place, result)
                }
            })
            .collect();
        let mut data = AccountData {
            account_id: account.clone(),
            regions: regions.clone(),
            ..AccountData::default()
        };
        let mut done = 0;
        while let Some((service, place, result)) = running.next().await {
            done += 1;
            self.counters
                .status(format!("{account}: {done}/{} parts", plan.len()));
            let error = match result {
                Ok(b) => {
                    data.batch.extend(b);
                    None
                }
                Err(e) => {
                    tracing::warn!(
                        "aws {account} {} in {}: {e}",
                        service.name(),
                        place.display()
                    );
                    Some(e)
                }
            };
            data.parts.push(PartOutcome {
                service,
                place,
                error,
                kept: BTreeMap::new(),
            });
        }
        drop(running);
        data.parts
            .sort_by(|a, b| (&a.place, a.service).cmp(&(&b.place, b.service)));

        for p in data
            .parts
            .iter_mut()
            .filter(|p| matches!(p.error, Some(PartError::Failed(_))))
        {
            let (rs, ls) = previous.carry_part(&account, p.service, &p.place);
            for r in &rs {
                *p.kept.entry(r.kind).or_default() += 1;
            }
            data.stale += rs.len();
            data.batch.resources.extend(rs);
            data.batch.links.extend(ls);
        }
        self.describe_named_task_definitions(&clients, &account, &limits, &mut data)
            .await;
        let covered = covered(&data.parts);
        tags::merge(&mut data.batch, &account, &covered, self.now);
        let account_resource = self.account_resource(&account, &regions, &data.parts);
        data.batch.resources.push(account_resource);
        Ok(data)
    }

    /// Every service in every region, the global ones once, and ACM in us-east-1 (where
    /// CloudFront's certificates live) even when us-east-1 is not a configured region.
    fn plan(&self, regions: &[String]) -> Vec<(Service, Place)> {
        let wanted = |s: &Service| !self.opts.skip.contains(s);
        let mut plan = Vec::new();
        for r in regions {
            for s in Service::ALL
                .iter()
                .filter(|s| !s.is_global())
                .filter(|s| wanted(s))
            {
                plan.push((*s, Place::Region(r.clone())));
            }
        }
        for s in Service::ALL
            .iter()
            .filter(|s| s.is_global())
            .filter(|s| wanted(s))
        {
            plan.push((*s, Place::Global));
        }
        let cloudfront = wanted(&Service::CloudFront);
        if cloudfront && wanted(&Service::Acm) && !regions.iter().any(|r| r == GLOBAL_CALL_REGION) {
            plan.push((Service::Acm, Place::Region(GLOBAL_CALL_REGION.into())));
        }
        plan
    }

    /// One semaphore per service and call region: AWS throttles per account and region.
    fn limits(&self, plan: &[(Service, Place)]) -> HashMap<(Service, String), Arc<Semaphore>> {
        plan.iter()
            .map(|(s, p)| {
                let region = match p {
                    Place::Region(r) => r.clone(),
                    Place::Global => GLOBAL_CALL_REGION.to_string(),
                };
                (
                    (*s, region),
                    Arc::new(Semaphore::new(self.opts.concurrency_of(*s))),
                )
            })
            .collect()
    }

    fn ctx(
        &self,
        sdk: &aws_config::SdkConfig,
        breaker: &PartBreaker,
        account: &str,
        service: Service,
        place: &Place,
        limits: &HashMap<(Service, String), Arc<Semaphore>>,
    ) -> Ctx {
        let (region, scope_region) = match place {
            Place::Region(r) => (r.clone(), r.clone()),
            Place::Global => (GLOBAL_CALL_REGION.to_string(), GLOBAL_SCOPE.to_string()),
        };
        Ctx {
            clients: Clients::new(sdk, &region, &self.counter, breaker),
            account: account.to_string(),
            limit: limits[&(service, region.clone())].clone(),
            region,
            scope_region,
            now: self.now,
            counters: self.counters.clone(),
            concurrency: self.opts.concurrency_of(service),
        }
    }

    /// Schedules and rules may run a revision no service runs and that is not its family's
    /// newest: describe those too, so the `runs` link has both ends. A reference without a
    /// revision means the family's newest, which is already there.
    async fn describe_named_task_definitions(
        &self,
        clients: &HashMap<String, Clients>,
        account: &str,
        limits: &HashMap<(Service, String), Arc<Semaphore>>,
        data: &mut AccountData,
    ) {
        let have: HashSet<&ResourceId> = data.batch.resources.iter().map(|r| &r.id).collect();
        let mut latest: HashMap<String, ResourceId> = HashMap::new();
        for r in data
            .batch
            .resources
            .iter()
            .filter(|r| r.kind == Kind::TaskDefinition)
        {
            if let Some(family) = r.attr_str("family") {
                let region = r.scope.region.clone().unwrap_or_default();
                latest.insert(format!("{region}/{family}"), r.id.clone());
            }
        }
        let mut missing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for link in data
            .batch
            .links
            .iter_mut()
            .filter(|l| l.kind == LinkKind::Runs)
        {
            let Some(arn) = link.to.as_str().strip_prefix("aws:") else {
                continue;
            };
            let Some(parsed) = super::arn::Arn::parse(arn) else {
                continue;
            };
            if parsed.service != "ecs" || have.contains(&link.to) {
                continue;
            }
            match services::ecs::family_revision(arn) {
                Some(_) => {
                    missing
                        .entry(parsed.region.to_string())
                        .or_default()
                        .insert(arn.to_string());
                }
                None => {
                    let family = parsed.resource.trim_start_matches("task-definition/");
                    if let Some(id) = latest.get(&format!("{}/{family}", parsed.region)) {
                        link.to = id.clone();
                    }
                }
            }
        }
        for (region, arns) in missing {
            let key = (Service::Ecs, region.clone());
            let (Some(c), Some(limit)) = (clients.get(&region), limits.get(&key)) else {
                continue;
            };
            let ctx = Ctx {
                clients: c.clone(),
                account: account.to_string(),
                region: region.clone(),
                scope_region: region.clone(),
                now: self.now,
                counters: self.counters.clone(),
                limit: limit.clone(),
                concurrency: self.opts.concurrency_of(Service::Ecs),
            };
            match services::ecs::describe_task_definitions(&ctx, arns.into_iter().collect()).await {
                Ok(b) => data.batch.extend(b),
                Err(e) => tracing::warn!(
                    "aws {account}: task definitions named by schedules in {region}: {e}"
                ),
            }
        }
    }

    fn account_resource(
        &self,
        account: &str,
        regions: &[String],
        parts: &[PartOutcome],
    ) -> Resource {
        let mut attrs = crate::model::Attrs::new();
        attrs.insert("Account".into(), account.into());
        attrs.insert(
            "Profile".into(),
            self.spec.profile.clone().unwrap_or("default".into()).into(),
        );
        attrs.insert("Regions".into(), regions.into());
        let unavailable = unavailable_entries(parts);
        if !unavailable.is_empty() {
            attrs.insert(UNAVAILABLE_ATTR.into(), unavailable.into());
        }
        Resource {
            id: ResourceId::from_raw(format!("aws:account/{account}")),
            provider: Provider::Aws,
            kind: Kind::AwsAccount,
            name: self.spec.name.clone(),
            parent: None,
            scope: Scope {
                account: account.to_string(),
                ..Scope::default()
            },
            attrs,
            tags: BTreeMap::new(),
            fetched_at: self.now,
        }
    }
}

/// Attribute on the `aws_account` resource: the kinds this fetch could not read, one entry
/// per kind and place (`{kind, region, error, failed, kept_stale}`), so the analysis can say
/// "unknown" rather than "missing" for them. Same name as Cloudflare's.
pub const UNAVAILABLE_ATTR: &str = "ferry_unavailable";

fn unavailable_entries(parts: &[PartOutcome]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for p in parts {
        let Some(error) = &p.error else { continue };
        for kind in p.service.kinds() {
            out.push(serde_json::json!({
                "kind": kind.as_str(),
                "region": p.place.display(),
                "error": error.reason(),
                "failed": matches!(error, PartError::Failed(_)),
                "kept_stale": p.kept.get(kind).copied().unwrap_or_default(),
            }));
        }
    }
    out
}

/// A failed part's cause, with how many attempts the breaker saw fail, so "HTTP 500" reads
/// as a repeated answer rather than a one-off.
fn gave_up(error: PartError, breaker: &PartBreaker) -> PartError {
    match (error, breaker.failed_attempts()) {
        (PartError::Failed(reason), n) if n > 0 => {
            PartError::Failed(format!("{reason} (gave up after {n} failed attempt(s))"))
        }
        (e, _) => e,
    }
}

/// The (service, scope region) pairs whose own listing succeeded: their inventory is
/// authoritative, so the tagging API adds tags there but no extra resources.
fn covered(parts: &[PartOutcome]) -> HashSet<(Service, String)> {
    parts
        .iter()
        .filter(|p| p.error.is_none())
        .map(|p| (p.service, p.place.display().to_string()))
        .collect()
}
