//! `deploys` links: a Semaphore pipeline or promotion → the Heroku app, ECS service, task
//! definition, S3 bucket, CloudFront distribution or ECR repository it deploys, when the
//! inventory has it (by name or id; an ECS service by cluster and service name).

use serde_json::Value;
use std::collections::HashMap;

use super::{Cicd, Target};
use crate::inventory::Inventory;
use crate::model::{Kind, Link, LinkKind, Resource, ResourceId};

/// Inventory lookups by the names deploy commands use.
pub struct Resolver<'a> {
    apps: HashMap<&'a str, &'a Resource>,
    /// service name → (cluster name, service).
    services: HashMap<&'a str, Vec<(&'a str, &'a Resource)>>,
    /// family → its newest revision in the inventory.
    families: HashMap<&'a str, (i64, &'a Resource)>,
    repositories: HashMap<&'a str, Vec<&'a Resource>>,
    buckets: HashMap<&'a str, &'a Resource>,
    distributions: HashMap<&'a str, &'a Resource>,
}

fn after_slash(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

impl<'a> Resolver<'a> {
    pub fn new(inv: &'a Inventory) -> Self {
        let mut r = Resolver {
            apps: HashMap::new(),
            services: HashMap::new(),
            families: HashMap::new(),
            repositories: HashMap::new(),
            buckets: HashMap::new(),
            distributions: HashMap::new(),
        };
        for res in &inv.resources {
            match res.kind {
                Kind::App => {
                    r.apps.insert(res.name.as_str(), res);
                }
                Kind::EcsService => {
                    let name = res.attr_str("serviceName").unwrap_or(&res.name);
                    let cluster = res.attr_str("clusterArn").map(after_slash).unwrap_or("");
                    r.services.entry(name).or_default().push((cluster, res));
                }
                Kind::TaskDefinition => {
                    let Some(family) = res.attr_str("family") else {
                        continue;
                    };
                    let rev = res
                        .attrs
                        .get("revision")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    let e = r.families.entry(family).or_insert((rev, res));
                    if rev > e.0 {
                        *e = (rev, res);
                    }
                }
                Kind::EcrRepository => {
                    let name = res.attr_str("repositoryName").unwrap_or(&res.name);
                    r.repositories.entry(name).or_default().push(res);
                }
                Kind::S3Bucket => {
                    r.buckets
                        .insert(res.attr_str("Name").unwrap_or(&res.name), res);
                }
                Kind::CloudfrontDistribution => {
                    r.distributions
                        .insert(res.attr_str("Id").unwrap_or(&res.name), res);
                }
                _ => {}
            }
        }
        r
    }

    /// The inventory resources a step's target names; literal names only (a name behind
    /// a variable resolves to nothing rather than to a guess).
    pub fn resolve(&self, t: &Target) -> Vec<ResourceId> {
        let ids = |v: Vec<&Resource>| v.into_iter().map(|r| r.id.clone()).collect();
        match t {
            Target::HerokuApp { app } => ids(app
                .as_ref()
                .and_then(|a| a.get())
                .and_then(|a| self.apps.get(a))
                .into_iter()
                .copied()
                .collect()),
            Target::EcsService { cluster, service } => {
                let Some(service) = service.get() else {
                    return Vec::new();
                };
                let candidates = self.services.get(service).cloned().unwrap_or_default();
                match cluster {
                    Some(c) => match c.get() {
                        Some(c) => ids(candidates
                            .into_iter()
                            .filter(|(cl, _)| *cl == c)
                            .map(|(_, r)| r)
                            .collect()),
                        // The cluster is behind a variable: only an unambiguous name counts.
                        None if candidates.len() == 1 => ids(vec![candidates[0].1]),
                        None => Vec::new(),
                    },
                    None if candidates.len() == 1 => ids(vec![candidates[0].1]),
                    None => Vec::new(),
                }
            }
            Target::EcsTask { family, .. } => ids(family
                .as_ref()
                .and_then(|f| f.get())
                .and_then(|f| self.families.get(f))
                .map(|(_, r)| *r)
                .into_iter()
                .collect()),
            Target::TaskDefinition { family } => ids(family
                .get()
                .and_then(|f| self.families.get(f))
                .map(|(_, r)| *r)
                .into_iter()
                .collect()),
            Target::EcrRepository {
                repository,
                registry,
            } => {
                let account = registry.split('.').next().unwrap_or("");
                ids(repository
                    .get()
                    .and_then(|n| self.repositories.get(n))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|r| r.attr_str("registryId").is_none_or(|id| id == account))
                    .collect())
            }
            Target::S3Bucket { bucket } => ids(bucket
                .get()
                .and_then(|b| self.buckets.get(b))
                .into_iter()
                .copied()
                .collect()),
            Target::CloudfrontDistribution { id } => ids(id
                .get()
                .and_then(|d| self.distributions.get(d))
                .into_iter()
                .copied()
                .collect()),
            Target::Iac { .. } => Vec::new(),
        }
    }
}

/// The `deploys` links of every pipeline, and of every promotion (to what its target
/// pipeline deploys).
pub fn derive(inv: &Inventory) -> Vec<Link> {
    let cicd = Cicd::of(inv);
    links_of(&cicd)
}

pub fn links_of(cicd: &Cicd) -> Vec<Link> {
    let mut out = Vec::new();
    for p in &cicd.pipelines {
        for d in &p.deploys {
            for to in &d.resolved {
                out.push(Link {
                    from: p.id.clone(),
                    to: to.clone(),
                    kind: LinkKind::Deploys,
                });
                for promo in &p.promoted_by {
                    out.push(Link {
                        from: promo.clone(),
                        to: to.clone(),
                        kind: LinkKind::Deploys,
                    });
                }
            }
        }
    }
    out
}
