//! The resource model: pure data shared by sources, the cache, analysis and views.
//!
//! Nothing here does I/O. Every type is serde-serializable; the JSON shape is the one
//! `ferry list --format json` prints and `ferry snapshot export` writes.

mod http_cache;
mod kind;
mod snapshot;

pub use http_cache::CachedResponse;
pub use kind::{Kind, UnknownKind};
pub use snapshot::{SNAPSHOT_FORMAT_VERSION, SnapshotFile, SourceSnapshot};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Declares [`Provider`] from one table: variant, stable name (ids, serde, `--source`) and
/// display title. What fetches a provider is its entry in `crate::sources::registry`.
macro_rules! providers {
    ($( $variant:ident => ($name:literal, $title:literal) ),+ $(,)?) => {
        /// The estates Ferry inventories.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            clap::ValueEnum,
        )]
        pub enum Provider {
            $( #[serde(rename = $name)] #[value(name = $name)] $variant, )+
        }

        impl Provider {
            /// How many providers there are.
            pub const COUNT: usize = [$($name),+].len();
            pub const ALL: [Provider; Provider::COUNT] = [$(Provider::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Provider::$variant => $name,)+ }
            }

            /// Display title, as in the pane headers.
            pub fn title(self) -> &'static str {
                match self { $(Provider::$variant => $title,)+ }
            }
        }
    };
}

providers! {
    Heroku => ("heroku", "Heroku"),
    Cloudflare => ("cloudflare", "Cloudflare"),
    Aws => ("aws", "AWS"),
    Semaphore => ("semaphore", "Semaphore"),
    Iac => ("iac", "IaC"),
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown provider `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A stable, provider-qualified identifier: `heroku:app/acme-api`,
/// `cloudflare:dns_record/<zone>/<record>`, `aws:<arn>`.
///
/// Stable across fetches, so the ledger and snapshot diffs can key on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceId(String);

impl ResourceId {
    /// Builds `<provider>:<kind>/<part>/<part>…` for Heroku and Cloudflare resources.
    pub fn new(provider: Provider, kind: &str, parts: &[&str]) -> Self {
        let mut s = format!("{}:{}", provider.as_str(), kind);
        for p in parts {
            s.push('/');
            s.push_str(p);
        }
        ResourceId(s)
    }

    /// AWS resources are identified by their ARN: `aws:<arn>`.
    pub fn from_arn(arn: &str) -> Self {
        ResourceId(format!("aws:{arn}"))
    }

    /// Wraps an id string as read from a file or the cache; use [`ResourceId::provider`] to
    /// check it.
    pub fn from_raw(s: impl Into<String>) -> Self {
        ResourceId(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The provider named by the id's prefix, if it is one Ferry knows.
    pub fn provider(&self) -> Option<Provider> {
        let (prefix, _) = self.0.split_once(':')?;
        prefix.parse().ok()
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a resource lives: the account, plus the team (Heroku), zone (Cloudflare) or
/// region (AWS; `global` for CloudFront and Route 53).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Scope {
    /// A short human form: `acmepay`, `acmepay.com`, `123456789012/eu-west-1`.
    pub fn display(&self) -> String {
        let mut parts = vec![self.account.as_str()];
        for p in [&self.team, &self.zone, &self.region].into_iter().flatten() {
            parts.push(p);
        }
        parts.join("/")
    }
}

/// Attributes keep the provider's own field names; values never include secrets.
pub type Attrs = BTreeMap<String, serde_json::Value>;

/// One thing in one estate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: ResourceId,
    pub provider: Provider,
    pub kind: Kind,
    pub name: String,
    /// The resource that contains this one (app for a formation, zone for a record).
    pub parent: Option<ResourceId>,
    pub scope: Scope,
    #[serde(default)]
    pub attrs: Attrs,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub fetched_at: DateTime<Utc>,
}

impl Resource {
    /// A string attribute, if present.
    pub fn attr_str(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).and_then(|v| v.as_str())
    }
}

/// How two resources depend on each other. `parent` already means "contains"; links add
/// everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Contains,
    /// DNS record → the target its traffic goes to.
    RoutesTo,
    /// Add-on → each app that uses it.
    AttachedTo,
    /// Pipeline coupling → app.
    CoupledTo,
    /// ECS service or schedule → task definition.
    Runs,
    /// Target group → ECS service.
    Serves,
    /// Listener or listener rule → target group.
    ForwardsTo,
    /// Listener or distribution → certificate.
    SecuredBy,
    /// Task definition → SSM parameter / secret.
    Reads,
    /// Task definition → log group.
    LogsTo,
    /// CloudFront distribution → S3 bucket or load balancer.
    Origin,
    /// Heroku thing ↔ its AWS counterpart.
    Counterpart,
    /// Any other reference (target group → load balancer).
    References,
    /// CI/CD pipeline or promotion → the app, service, task definition, bucket,
    /// distribution or image repository it deploys.
    Deploys,
    /// IaC state address → the AWS resource it manages.
    Manages,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Contains => "contains",
            LinkKind::RoutesTo => "routes_to",
            LinkKind::AttachedTo => "attached_to",
            LinkKind::CoupledTo => "coupled_to",
            LinkKind::Runs => "runs",
            LinkKind::Serves => "serves",
            LinkKind::ForwardsTo => "forwards_to",
            LinkKind::SecuredBy => "secured_by",
            LinkKind::Reads => "reads",
            LinkKind::LogsTo => "logs_to",
            LinkKind::Origin => "origin",
            LinkKind::Counterpart => "counterpart",
            LinkKind::References => "references",
            LinkKind::Deploys => "deploys",
            LinkKind::Manages => "manages",
        }
    }
}

/// A directed dependency between two resources.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub from: ResourceId,
    pub to: ResourceId,
    pub kind: LinkKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Resource {
        let mut attrs = Attrs::new();
        attrs.insert("quantity".into(), serde_json::json!(3));
        attrs.insert("size".into(), serde_json::json!("Standard-2X"));
        Resource {
            id: ResourceId::new(Provider::Heroku, "formation", &["acme-api", "web"]),
            provider: Provider::Heroku,
            kind: Kind::Formation,
            name: "web".into(),
            parent: Some(ResourceId::new(Provider::Heroku, "app", &["acme-api"])),
            scope: Scope {
                account: "platform@acmepay.com".into(),
                team: Some("acmepay".into()),
                ..Scope::default()
            },
            attrs,
            tags: [("env".to_string(), "prod".to_string())].into(),
            fetched_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 55, 0).unwrap(),
        }
    }

    #[test]
    fn resource_serde_round_trip() {
        let r = sample();
        let json = serde_json::to_string(&r).unwrap();
        let back: Resource = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["id"], "heroku:formation/acme-api/web");
        assert_eq!(v["provider"], "heroku");
        assert_eq!(v["kind"], "formation");
        assert_eq!(v["parent"], "heroku:app/acme-api");
        assert_eq!(v["scope"]["team"], "acmepay");
        assert!(
            v["scope"].get("region").is_none(),
            "absent scope parts are omitted"
        );
    }

    #[test]
    fn link_serde_round_trip() {
        let l = Link {
            from: ResourceId::from_arn("arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/web"),
            to: ResourceId::from_arn("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"),
            kind: LinkKind::Runs,
        };
        let json = serde_json::to_string(&l).unwrap();
        assert!(json.contains("\"runs\""));
        assert_eq!(serde_json::from_str::<Link>(&json).unwrap(), l);
    }

    #[test]
    fn ids_carry_their_provider() {
        assert_eq!(
            ResourceId::from_arn("arn:aws:s3:::b").provider(),
            Some(Provider::Aws)
        );
        assert_eq!(
            ResourceId::new(Provider::Cloudflare, "zone", &["abc"]).as_str(),
            "cloudflare:zone/abc"
        );
        assert_eq!(ResourceId::from_raw("gcp:thing").provider(), None);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut v = serde_json::to_value(sample()).unwrap();
        v["colour"] = serde_json::json!("red");
        let err = serde_json::from_value::<Resource>(v)
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour"), "{err}");
    }
}
