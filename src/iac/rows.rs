//! The report's `iac` section: coverage overall and per AWS service, one row per AWS
//! resource and per state resource AWS does not have, one row per state location.

use serde::Serialize;
use std::collections::BTreeMap;

use super::{IacIndex, IacStatus};
use crate::inventory::Inventory;
use crate::model::ResourceId;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceCoverage {
    pub managed: usize,
    pub unmanaged: usize,
    pub in_state_not_in_aws: usize,
    pub ignored: usize,
    pub unknown: usize,
    /// managed ÷ (managed + unmanaged), in percent; `None` when neither counts.
    pub percent: Option<f64>,
}

impl ServiceCoverage {
    fn finish(&mut self) {
        let total = self.managed + self.unmanaged;
        self.percent = (total > 0).then(|| {
            let p = self.managed as f64 * 100.0 / total as f64;
            (p * 10.0).round() / 10.0
        });
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IacCoverage {
    #[serde(flatten)]
    pub overall: ServiceCoverage,
    /// Keyed by the AWS service ("ECS", "S3", "Route 53").
    pub by_service: BTreeMap<String, ServiceCoverage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceRow {
    pub id: ResourceId,
    /// `managed`, `unmanaged`, `in_state_not_in_aws`, `ignored` or `unknown`.
    pub status: &'static str,
    pub address: Option<String>,
    pub state: Option<String>,
    /// The resource whose state entry created this one; the ignore pattern; why unknown;
    /// why a state resource was not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateRow {
    pub location: String,
    /// `read`, `encrypted`, `skipped` or `failed`.
    pub status: String,
    pub why: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    pub resources: u64,
}

/// The `iac` section; `None` in a report when no state is configured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IacReport {
    pub coverage: IacCoverage,
    pub resources: Vec<ResourceRow>,
    pub states: Vec<StateRow>,
}

impl IacReport {
    pub fn new(ix: &IacIndex, inv: &Inventory) -> Option<IacReport> {
        if !ix.active {
            return None;
        }
        let mut cov = IacCoverage::default();
        let mut resources = Vec::new();
        for id in &ix.order {
            let (Some(status), Some(r)) = (ix.status_of(id), inv.get(id)) else {
                continue;
            };
            let svc = cov
                .by_service
                .entry(r.kind.service().to_string())
                .or_default();
            let (address, state, note) = match status {
                IacStatus::Managed {
                    address,
                    state,
                    via,
                } => {
                    svc.managed += 1;
                    cov.overall.managed += 1;
                    (
                        Some(address.clone()),
                        Some(state.clone()),
                        via.as_ref().map(|v| format!("created by {v}")),
                    )
                }
                IacStatus::Unmanaged => {
                    svc.unmanaged += 1;
                    cov.overall.unmanaged += 1;
                    (None, None, None)
                }
                IacStatus::Ignored { pattern } => {
                    svc.ignored += 1;
                    cov.overall.ignored += 1;
                    (None, None, Some(format!("ignored by `{pattern}`")))
                }
                IacStatus::Unknown { why } => {
                    svc.unknown += 1;
                    cov.overall.unknown += 1;
                    (None, None, Some(why.clone()))
                }
            };
            resources.push(ResourceRow {
                id: id.clone(),
                status: status.as_str(),
                address,
                state,
                note,
            });
        }
        for g in &ix.ghosts {
            let svc = cov
                .by_service
                .entry(g.kind.service().to_string())
                .or_default();
            svc.in_state_not_in_aws += 1;
            cov.overall.in_state_not_in_aws += 1;
            resources.push(ResourceRow {
                id: g.id.clone(),
                status: "in_state_not_in_aws",
                address: Some(g.address.clone()),
                state: Some(g.state.clone()),
                note: Some(g.why.clone()),
            });
        }
        cov.overall.finish();
        cov.by_service
            .values_mut()
            .for_each(ServiceCoverage::finish);
        let states = ix
            .states
            .iter()
            .filter_map(|id| inv.get(id))
            .map(|s| StateRow {
                location: s.attr_str("location").unwrap_or(&s.name).to_string(),
                status: s.attr_str("status").unwrap_or("read").to_string(),
                why: s.attr_str("why").map(str::to_string),
                lineage: s.attr_str("lineage").map(str::to_string),
                serial: s.attrs.get("serial").and_then(|v| v.as_u64()),
                tool: s.attr_str("tool").map(str::to_string),
                resources: s
                    .attrs
                    .get("resources")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
            })
            .collect();
        Some(IacReport {
            coverage: cov,
            resources,
            states,
        })
    }

    /// `IaC: 41 managed, 3 unmanaged (93.2 %), 1 in state not in AWS; 5 states read, 1 encrypted`.
    pub fn summary_line(&self) -> String {
        let c = &self.coverage.overall;
        let pct = c
            .percent
            .map(|p| format!(" ({p:.1} % managed)"))
            .unwrap_or_default();
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.states {
            *by.entry(s.status.as_str()).or_default() += 1;
        }
        let states: Vec<String> = by.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let mut line = format!(
            "IaC: {} managed, {} unmanaged{pct}, {} in state not in AWS",
            c.managed, c.unmanaged, c.in_state_not_in_aws
        );
        if c.unknown > 0 {
            line.push_str(&format!(", {} unknown", c.unknown));
        }
        line.push_str(&format!("; states: {}", states.join(", ")));
        line
    }
}
