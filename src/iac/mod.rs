//! IaC coverage: which AWS resources a Terraform / OpenTofu state manages, which were made
//! by hand, and which a state remembers but AWS does not have.
//!
//! Pure: (inventory, rules) → [`IacIndex`]. The IaC source stores each managed state
//! instance as an `iac_resource` with its identifier attributes; the AWS source stores what
//! AWS has. Matching happens here, at analysis time, so a fresh AWS fetch and an older
//! state fetch (or the reverse) still meet. Keys per type are in [`keys`].

pub mod keys;
mod rows;

pub use rows::{IacCoverage, IacReport, ResourceRow, ServiceCoverage, StateRow};

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use crate::inventory::Inventory;
use crate::model::{Kind, Link, LinkKind, Provider, Resource, ResourceId};
use crate::sources::aws::arn::Arn;
use crate::sources::glob::glob;

/// `[iac]` in config/rules.toml (and `[rules.iac]` in ferry.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IacRules {
    /// When any state is configured, an item whose AWS counterpart no state manages is at
    /// most `partial` ("created by hand: import it into Terraform").
    pub unmanaged_is_partial: bool,
    /// Resources never counted as unmanaged, like `.driftignore`: a kind glob
    /// (`log_group`, `route53_*`) or an id glob (`aws:arn:aws:logs:*:log-group:/aws/*`).
    pub ignore: Vec<String>,
}

impl Default for IacRules {
    fn default() -> Self {
        IacRules {
            unmanaged_is_partial: true,
            ignore: Vec::new(),
        }
    }
}

/// Overrides from ferry.toml, key by key.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IacOverrides {
    pub unmanaged_is_partial: Option<bool>,
    pub ignore: Option<Vec<String>>,
}

impl IacRules {
    pub fn apply(&mut self, o: &IacOverrides) {
        if let Some(v) = o.unmanaged_is_partial {
            self.unmanaged_is_partial = v;
        }
        if let Some(v) = &o.ignore {
            self.ignore = v.clone();
        }
    }

    /// The first pattern that ignores `r`, if any.
    pub fn ignores(&self, r: &Resource) -> Option<&str> {
        self.ignore
            .iter()
            .find(|p| {
                if p.contains(':') {
                    glob(p, r.id.as_str())
                } else {
                    glob(p, r.kind.as_str())
                }
            })
            .map(String::as_str)
    }
}

/// Where an AWS resource stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum IacStatus {
    /// In a state: its address (`module.app.aws_lb.public[0]`) and the state's location.
    /// `via` names the resource whose state entry created this one (a replication group's
    /// cache cluster, an Aurora cluster's instance, an older task definition revision).
    Managed {
        address: String,
        state: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// In no state read: made by hand (or by a state Ferry was not given).
    Unmanaged,
    /// Matched by an ignore pattern.
    Ignored { pattern: String },
    /// Not in any state read, but some state could not be read (encrypted, failed).
    Unknown { why: String },
}

impl IacStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            IacStatus::Managed { .. } => "managed",
            IacStatus::Unmanaged => "unmanaged",
            IacStatus::Ignored { .. } => "ignored",
            IacStatus::Unknown { .. } => "unknown",
        }
    }
}

/// A state resource no AWS resource matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ghost {
    pub id: ResourceId,
    pub address: String,
    pub state: String,
    pub kind: Kind,
    pub why: String,
}

/// The IaC side of an inventory, built once.
#[derive(Debug, Default)]
pub struct IacIndex {
    /// Any state configured and fetched: without one, nothing is unmanaged.
    pub active: bool,
    statuses: HashMap<ResourceId, IacStatus>,
    /// AWS resources in inventory order, with their status.
    pub order: Vec<ResourceId>,
    pub ghosts: Vec<Ghost>,
    /// `manages` links: state address → AWS resource.
    pub links: Vec<Link>,
    /// The `iac_state` resources (every location read, skipped or failed).
    pub states: Vec<ResourceId>,
    /// Why some state could not be read (encrypted, failed), one line each.
    pub unreadable: Vec<String>,
}

/// The attributes the IaC source writes on an `iac_resource`.
fn obj<'a>(r: &'a Resource, key: &str) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    r.attrs.get(key).and_then(|v| v.as_object())
}

static EMPTY: std::sync::LazyLock<serde_json::Map<String, serde_json::Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

impl IacIndex {
    /// Whether `id` (an AWS resource) is managed, unmanaged, ignored or unknown; `None` when
    /// no state is configured, or for resources coverage does not count (the account,
    /// tagged resources of types Ferry does not list).
    pub fn status_of(&self, id: &ResourceId) -> Option<&IacStatus> {
        self.statuses.get(id)
    }

    pub fn build(inv: &Inventory, rules: &IacRules) -> IacIndex {
        let mut ix = IacIndex::default();
        let iac: Vec<&Resource> = inv
            .resources
            .iter()
            .filter(|r| r.provider == Provider::Iac)
            .collect();
        ix.states = iac
            .iter()
            .filter(|r| r.kind == Kind::IacState)
            .map(|r| r.id.clone())
            .collect();
        if ix.states.is_empty() {
            return ix;
        }
        ix.active = true;
        for s in iac.iter().filter(|r| r.kind == Kind::IacState) {
            let status = s.attr_str("status").unwrap_or("");
            if matches!(status, "encrypted" | "failed") {
                let why = s.attr_str("why").unwrap_or(status);
                ix.unreadable.push(format!(
                    "{}: {why}",
                    s.attr_str("location").unwrap_or(&s.name)
                ));
            }
        }

        // Every AWS resource coverage counts, by each of its keys.
        let aws: Vec<&Resource> = inv
            .resources
            .iter()
            .filter(|r| r.provider == Provider::Aws && r.kind != Kind::AwsAccount)
            .collect();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in aws.iter().enumerate() {
            for k in keys::aws_keys(r) {
                by_key.entry(k).or_default().push(i);
            }
        }
        let accounts: HashSet<&str> = inv
            .resources
            .iter()
            .filter(|r| r.kind == Kind::AwsAccount)
            .map(|r| r.scope.account.as_str())
            .collect();

        // Claims: AWS index → (address, state, via).
        let mut claims: HashMap<usize, (String, String, Option<String>)> = HashMap::new();
        let mut families: HashMap<String, (String, String)> = HashMap::new();
        let mut members: Vec<(String, String, String)> = Vec::new();
        for r in iac.iter().filter(|r| r.kind == Kind::IacResource) {
            let ty = r.attr_str("tf_type").unwrap_or("");
            let address = r.attr_str("address").unwrap_or(&r.name).to_string();
            let state = r.attr_str("state").unwrap_or("").to_string();
            let ids = obj(r, "identifiers").unwrap_or(&EMPTY);
            let identity = obj(r, "identity").unwrap_or(&EMPTY);
            let mut found = None;
            for k in keys::state_keys(ty, ids, identity) {
                match by_key.get(&k).map(Vec::as_slice) {
                    Some([one]) => {
                        found = Some(*one);
                        break;
                    }
                    // A wildcard key naming several resources: ambiguous, try the next.
                    Some([first, ..]) if !k.contains(":*:") && !k.contains(":*") => {
                        found = Some(*first);
                        break;
                    }
                    _ => {}
                }
            }
            if let Some(f) = keys::state_family(ty, ids) {
                families
                    .entry(f)
                    .or_insert((address.clone(), state.clone()));
            }
            for list in ["member_clusters", "cluster_members"] {
                if let Some(arr) = ids.get(list).and_then(|v| v.as_array()) {
                    for m in arr.iter().filter_map(|v| v.as_str()) {
                        members.push((child_arn(ty, ids, m), address.clone(), state.clone()));
                    }
                }
            }
            match found {
                Some(i) => {
                    ix.links.push(Link {
                        from: r.id.clone(),
                        to: aws[i].id.clone(),
                        kind: LinkKind::Manages,
                    });
                    claims.entry(i).or_insert((address, state, None));
                }
                None => {
                    let Some(kind) = keys::kind_of_type(ty) else {
                        continue;
                    };
                    let account = ids
                        .get("arn")
                        .and_then(|v| v.as_str())
                        .and_then(Arn::parse)
                        .map(|a| a.account.to_string())
                        .or_else(|| {
                            identity
                                .get("account_id")
                                .and_then(|v| v.as_str())
                                .map(str::to_string)
                        });
                    let why = match account {
                        Some(a) if !a.is_empty() && !accounts.contains(a.as_str()) => format!(
                            "in state, not in AWS: account {a} is not in Ferry's AWS inventory"
                        ),
                        _ => {
                            "in state, not in AWS: deleted by hand, or in another account or region"
                                .into()
                        }
                    };
                    ix.ghosts.push(Ghost {
                        id: r.id.clone(),
                        address,
                        state,
                        kind,
                        why,
                    });
                }
            }
        }
        // Children of what a state created.
        for (arn, address, state) in members {
            if let Some([i]) = by_key.get(&format!("arn:{arn}")).map(Vec::as_slice) {
                claims
                    .entry(*i)
                    .or_insert((address.clone(), state, Some(address)));
            }
        }
        let claimed_ids: HashMap<&ResourceId, usize> =
            claims.keys().map(|i| (&aws[*i].id, *i)).collect();
        for (i, r) in aws.iter().enumerate() {
            if claims.contains_key(&i) {
                continue;
            }
            let parent = child_parent(r, &aws, &claimed_ids, &by_key)
                .map(|p| claims[&p].clone())
                .or_else(|| {
                    keys::aws_family(r)
                        .and_then(|f| families.get(&f).cloned())
                        .map(|(a, s)| (a, s, None))
                });
            if let Some((address, state, _)) = parent {
                claims.insert(i, (address.clone(), state, Some(address)));
            }
        }

        for (i, r) in aws.iter().enumerate() {
            let status = if let Some((address, state, via)) = claims.remove(&i) {
                IacStatus::Managed {
                    address,
                    state,
                    via,
                }
            } else if r.kind == Kind::TaggedResource {
                // Types Ferry does not list: only a match says something.
                continue;
            } else if let Some(p) = rules.ignores(r) {
                IacStatus::Ignored {
                    pattern: p.to_string(),
                }
            } else if !ix.unreadable.is_empty() {
                IacStatus::Unknown {
                    why: format!(
                        "not in the states read; unreadable: {}",
                        ix.unreadable.join("; ")
                    ),
                }
            } else {
                IacStatus::Unmanaged
            };
            ix.order.push(r.id.clone());
            ix.statuses.insert(r.id.clone(), status);
        }
        ix.ghosts.retain(|g| {
            !rules
                .ignore
                .iter()
                .any(|p| !p.contains(':') && glob(p, g.kind.as_str()))
        });
        ix
    }
}

/// The ARN of a member a parent state entry names (a replication group's cache cluster, an
/// Aurora cluster's instance), in the parent's region and account.
fn child_arn(ty: &str, ids: &serde_json::Map<String, serde_json::Value>, member: &str) -> String {
    let arn = ids.get("arn").and_then(|v| v.as_str()).and_then(Arn::parse);
    let (p, r, a) = arn
        .map(|a| (a.partition, a.region, a.account))
        .unwrap_or(("aws", "*", "*"));
    match ty {
        "aws_rds_cluster" => format!("arn:{p}:rds:{r}:{a}:db:{member}"),
        _ => format!("arn:{p}:elasticache:{r}:{a}:cluster:{member}"),
    }
}

/// The claimed resource that created `r`, if one did: a cache cluster's replication group,
/// an Aurora instance's cluster, a default listener rule's listener, a zone's own NS/SOA.
fn child_parent(
    r: &Resource,
    aws: &[&Resource],
    claimed: &HashMap<&ResourceId, usize>,
    by_key: &HashMap<String, Vec<usize>>,
) -> Option<usize> {
    match r.kind {
        Kind::ElasticacheCluster => claimed.get(r.parent.as_ref()?).copied(),
        Kind::ListenerRule => {
            // Every listener has a default rule, made with it.
            (r.attrs.get("IsDefault") == Some(&true.into()))
                .then(|| claimed.get(r.parent.as_ref()?).copied())
                .flatten()
        }
        Kind::RdsInstance => {
            let cluster = r.attr_str("DBClusterIdentifier")?;
            let a = Arn::parse(r.id.as_str().strip_prefix("aws:")?)?;
            let key = format!(
                "arn:arn:{}:rds:{}:{}:cluster:{cluster}",
                a.partition, a.region, a.account
            );
            let i = *by_key.get(&key)?.first()?;
            claimed.contains_key(&aws[i].id).then_some(i)
        }
        Kind::Route53Record => {
            // A zone's apex NS and SOA come with the zone; a delegation's NS are someone's.
            if !matches!(r.attr_str("Type")?, "NS" | "SOA") {
                return None;
            }
            let zid = *claimed.get(r.parent.as_ref()?)?;
            let zone_name = keys::dns_name(aws[zid].attr_str("Name").unwrap_or(&aws[zid].name));
            (keys::dns_name(r.attr_str("Name")?) == zone_name).then_some(zid)
        }
        _ => None,
    }
}
