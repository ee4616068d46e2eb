//! Gap analysis: for every Heroku app and each of its parts, its AWS counterpart(s) or why
//! there is none, a status, and where each hostname's traffic goes today.
//!
//! A pure function of (inventory, links, rules, ledger): no I/O, no clock.

mod addons;
mod aws_only;
mod deploy;
mod dns;
mod domains;
mod drains;
mod iac;
mod index;
mod items;
mod processes;
mod sizes;
mod status;
mod unknown;

pub use aws_only::{AwsOnly, AwsOnlyGroup, AwsOnlyResource, group_label};
pub use deploy::{deploy_item_id, is_made_up_item_id};
pub use dns::{DnsRow, PointsTo};
pub use status::{Status, percent_label};

use serde::Serialize;
use std::collections::BTreeMap;

use crate::coverage::SourceData;
use crate::inventory::Inventory;
use crate::ledger::{Entry, Ledger};
use crate::model::{Kind, Link, ResourceId};
use crate::rules::Rules;

/// What part of an app an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    App,
    Process,
    Addon,
    Scheduler,
    Domain,
    ConfigVars,
    LogDrain,
    /// A Fir app's (or its space's) OpenTelemetry exporter.
    TelemetryDrain,
    PipelineStage,
    /// How the app is deployed: CI/CD pipelines to Heroku and to AWS.
    Deploy,
    /// A CI schedule (Semaphore task) that still runs a job on Heroku.
    PeriodicTask,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::App => "app",
            ItemKind::Process => "process",
            ItemKind::Addon => "addon",
            ItemKind::Scheduler => "scheduler",
            ItemKind::Domain => "domain",
            ItemKind::ConfigVars => "config_vars",
            ItemKind::LogDrain => "log_drain",
            ItemKind::TelemetryDrain => "telemetry_drain",
            ItemKind::PipelineStage => "pipeline_stage",
            ItemKind::Deploy => "deploy",
            ItemKind::PeriodicTask => "periodic_task",
        }
    }
}

/// How a counterpart was found, in the order Ferry tries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "method", content = "score")]
pub enum MatchMethod {
    /// The ledger pins it.
    Ledger,
    /// Its `heroku:app` / `heroku:process` / `heroku:addon` tags name this item.
    Tag,
    /// Its name follows the name rules (`<app>-<process>`, affixes stripped).
    Name,
    /// Its name looks like this item's (Jaro-Winkler score); confirm by hand.
    Similarity(f64),
    /// It follows from another counterpart (a service's task definition, a rule's listener).
    Derived,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterpart {
    pub id: ResourceId,
    pub kind: Kind,
    pub name: String,
    pub via: MatchMethod,
}

/// One thing to migrate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The Heroku resource this item stands for.
    pub id: ResourceId,
    pub app: String,
    pub kind: ItemKind,
    pub name: String,
    pub counterparts: Vec<Counterpart>,
    /// What the checks found, before the ledger.
    pub computed: Status,
    /// What the report shows: the ledger's decision when there is one, else `computed`.
    pub status: Status,
    pub reasons: Vec<String>,
    /// The ledger says one thing, the estate another.
    pub contradictions: Vec<String>,
    pub decision: Option<Entry>,
    /// The decision is the app's, applied to this part that has none of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decision_inherited: bool,
    /// Config vars items: names the counterpart task definitions set that Heroku does not
    /// (`PORT`, `SIDEKIQ_CONCURRENCY`). Informational: they do not change the status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only_on_aws: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppGap {
    pub app: String,
    pub id: ResourceId,
    pub team: Option<String>,
    /// The app's Heroku generation (`cedar`, `fir`) as the API gives it; `None` when the
    /// data has none (older snapshots).
    pub generation: Option<String>,
    /// The app-level item's status.
    pub status: Status,
    /// The app-level item first, then its parts.
    pub items: Vec<Item>,
    /// `None` (JSON null) when none of its items counts (all ignored or not required).
    pub percent_migrated: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Items (app-level items excluded) per status.
    pub by_status: BTreeMap<Status, usize>,
    pub items: usize,
    /// (migrated + cut_over) ÷ (items − ignored − not_required), in percent; `None` when
    /// nothing counts.
    pub percent_migrated: Option<f64>,
    /// Items whose checks pass but whose traffic has not moved (`ready`): work done on
    /// AWS, cut-over still to do. Never part of "% migrated".
    pub ready_to_cut_over: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GapReport {
    pub summary: Summary,
    pub apps: Vec<AppGap>,
    pub dns: Vec<DnsRow>,
    /// Ledger entries whose resource is not in the inventory (kept, never dropped).
    pub orphans: Vec<ResourceId>,
    /// Per source: when it was fetched, what failed or was unavailable, what stands in.
    pub data: Vec<SourceData>,
    /// AWS resources of the kinds the analysis matches that no Heroku item matched.
    pub aws_only: AwsOnly,
    /// IaC coverage; absent when no IaC state is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iac: Option<crate::iac::IacReport>,
    /// What each CI/CD pipeline and promotion deploys, and where (the CI/CD section).
    pub cicd: crate::cicd::Cicd,
}

impl GapReport {
    /// Every item, app-level ones included.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.apps.iter().flat_map(|a| a.items.iter())
    }

    pub fn item(&self, id: &ResourceId) -> Option<&Item> {
        self.items().find(|i| &i.id == id)
    }
}

/// The summary of some apps' items (app-level items are not counted: they sum up their
/// parts). `ferry gaps --app X` summarises X alone with it.
pub fn summarize<'a>(apps: impl IntoIterator<Item = &'a AppGap>) -> Summary {
    let mut by_status = BTreeMap::new();
    let mut items = 0;
    let mut parts = Vec::new();
    for app in apps {
        for item in app.items.iter().skip(1) {
            *by_status.entry(item.status).or_insert(0) += 1;
            items += 1;
            parts.push(item);
        }
    }
    Summary {
        ready_to_cut_over: by_status.get(&Status::Ready).copied().unwrap_or(0),
        by_status,
        items,
        percent_migrated: status::percent_migrated(parts.into_iter()),
    }
}

/// Runs the analysis. `links` should be [`crate::links::derive`] of the same inventory.
pub fn analyze(inv: &Inventory, links: &[Link], rules: &Rules, ledger: &Ledger) -> GapReport {
    let index = index::Index::new(inv, links, rules);
    let data = index.coverage.sources.clone();
    let cicd = crate::cicd::Cicd::of(inv);
    let mut apps = items::app_gaps(&index, rules, ledger, &cicd);
    let dns = dns::cutover_table(&index, &apps);
    let aws_only = aws_only::build(&index, rules, &apps);
    for app in &mut apps {
        app.percent_migrated = status::percent_migrated(app.items.iter().skip(1));
    }
    let summary = summarize(&apps);
    let iac = crate::iac::IacReport::new(&index.iac, inv);
    let orphans = ledger
        .orphans(|id| {
            inv.get(id).is_some() || apps.iter().any(|a| a.items.iter().any(|i| &i.id == id))
        })
        .into_iter()
        .cloned()
        .collect();
    GapReport {
        summary,
        apps,
        dns,
        orphans,
        data,
        aws_only,
        iac,
        cicd,
    }
}
