//! What a failed location keeps: the states an earlier fetch read there, and their
//! resources, carried over marked `ferry_stale`; the failure itself on an `iac_state` with
//! `ferry_unavailable` (the contract the coverage and the gap analysis read).

use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

use super::mapping::{Found, state_id, state_resource};
use crate::model::{Kind, Resource, ResourceId, SourceSnapshot};
use crate::sources::STALE_ATTR;
use crate::sources::aws::error::PartError;

pub struct ListedView<'a> {
    pub configured: &'a str,
    pub found: &'a [Found],
    pub failure: Option<&'a PartError>,
}

pub struct Applied {
    pub outcome: Result<String, String>,
    pub notices: Vec<String>,
}

pub struct Carry<'a> {
    states: Vec<&'a Resource>,
    children: HashMap<&'a ResourceId, Vec<&'a Resource>>,
}

impl<'a> Carry<'a> {
    pub fn new(previous: Option<&'a SourceSnapshot>) -> Self {
        let mut states = Vec::new();
        let mut children: HashMap<&ResourceId, Vec<&Resource>> = HashMap::new();
        for r in previous.map(|p| p.resources.as_slice()).unwrap_or_default() {
            match (r.kind, &r.parent) {
                (Kind::IacState, _) => states.push(r),
                (Kind::IacResource, Some(p)) => children.entry(p).or_default().push(r),
                _ => {}
            }
        }
        Carry { states, children }
    }

    fn stale(r: &Resource) -> Resource {
        let mut r = r.clone();
        r.attrs.insert(STALE_ATTR.into(), true.into());
        r
    }

    /// The previous resources of `state`, stale.
    fn kept(&self, state: &ResourceId) -> Vec<Resource> {
        self.children
            .get(state)
            .map(|v| v.iter().map(|r| Self::stale(r)).collect())
            .unwrap_or_default()
    }

    pub fn apply(&self, l: ListedView<'_>, out: &mut Vec<Resource>, now: DateTime<Utc>) -> Applied {
        if let Some(e) = l.failure {
            let (why, failed) = match e {
                PartError::Unavailable(r) => (r.clone(), false),
                PartError::Failed(r) => (r.clone(), true),
            };
            let mut kept_states = Vec::new();
            let mut kept = Vec::new();
            for s in self
                .states
                .iter()
                .filter(|s| s.attr_str("configured") == Some(l.configured))
            {
                kept.extend(self.kept(&s.id));
                if s.id != state_id(l.configured) {
                    kept_states.push(Self::stale(s));
                }
            }
            let place = if l.configured.trim().starts_with("s3://") {
                let b = l.configured.trim().trim_start_matches("s3://");
                format!("s3://{}", b.split('/').next().unwrap_or(b))
            } else {
                "local".to_string()
            };
            let mut row = state_resource(
                l.configured,
                l.configured,
                &place,
                "failed",
                Some(why.clone()),
                now,
            );
            row.attrs.insert(
                "ferry_unavailable".into(),
                json!([{"kind": "iac_resource", "error": why, "kept_stale": kept.len(), "failed": failed}]),
            );
            out.push(row);
            out.extend(kept_states);
            let n = kept.len();
            out.extend(kept);
            let mut message = why;
            if n > 0 {
                message.push_str(&format!("; {n} resources from the last fetch kept (stale)"));
            }
            return Applied {
                outcome: Err(message),
                notices: Vec::new(),
            };
        }
        let mut notices = Vec::new();
        let mut faults = Vec::new();
        for f in l.found {
            if let Err(why) = &f.outcome {
                let id = state_id(&f.location);
                let kept = self.kept(&id);
                if let Some(row) = out.iter_mut().find(|r| r.id == id) {
                    row.attrs.insert(
                        "ferry_unavailable".into(),
                        json!([{"kind": "iac_resource", "error": why, "kept_stale": kept.len(), "failed": true}]),
                    );
                }
                out.extend(kept);
                faults.push(format!("{}: {why}", f.location));
            }
        }
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        let mut resources = 0u64;
        for r in out.iter().filter(|r| {
            r.kind == Kind::IacState
                && r.attr_str("configured") == Some(l.configured)
                && !r.attrs.contains_key(STALE_ATTR)
        }) {
            let status = r.attr_str("status").unwrap_or("");
            *by.entry(match status {
                "read" => "read",
                "encrypted" => "encrypted",
                "skipped" => "skipped",
                _ => "failed",
            })
            .or_default() += 1;
            resources += r
                .attrs
                .get("resources")
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            if status == "encrypted" {
                notices.push(format!(
                    "{}: {}",
                    r.attr_str("location").unwrap_or(&r.name),
                    r.attr_str("why").unwrap_or("encrypted")
                ));
            }
        }
        let mut summary = format!(
            "{} state(s) read, {resources} resources",
            by.get("read").copied().unwrap_or(0)
        );
        for k in ["encrypted", "skipped", "failed"] {
            if let Some(n) = by.get(k) {
                summary.push_str(&format!(", {n} {k}"));
            }
        }
        if by.is_empty() {
            summary = format!("no state files found at {}", l.configured);
        }
        let outcome = if faults.is_empty() {
            Ok(summary)
        } else {
            Err(format!(
                "{} of {} states failed ({}). Saved: {summary}",
                faults.len(),
                l.found.len(),
                faults.join("; ")
            ))
        };
        Applied { outcome, notices }
    }
}
