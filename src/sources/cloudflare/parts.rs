//! What one account or zone yielded, and the parts of it that could not be read.
//!
//! A token often lacks a permission (Workers, Load Balancing) or a product is not enabled
//! on a zone (custom hostnames need SSL for SaaS). Such a part is recorded as unavailable
//! and the rest of the fetch carries on; any other error ends the credential's fetch.

use serde_json::{Value, json};

use super::error::CloudflareError;
use crate::model::{Kind, Link, Resource, ResourceId};

/// Attribute on a zone or account: the parts that could not be read this time.
pub const UNAVAILABLE_ATTR: &str = "ferry_unavailable";

#[derive(Debug, Clone)]
pub struct Unavailable {
    pub kind: Kind,
    /// The zone or account the part belongs to.
    pub on: ResourceId,
    /// `zone acmepay.com`, `account Acme Pay`.
    pub label: String,
    pub error: CloudflareError,
    /// Resources kept from the previous snapshot in its place (marked stale).
    pub kept: usize,
}

impl Unavailable {
    /// One line for the fetch summary, with the permission that usually grants access.
    pub fn note(&self) -> String {
        let kept = match self.kept {
            0 => String::new(),
            n => format!("; {n} kept from the previous fetch, marked stale"),
        };
        format!(
            "{}: {} unavailable ({}; the token probably needs {}){kept}",
            self.label,
            self.kind.label().to_lowercase(),
            self.error.detail(),
            permission(self.kind)
        )
    }

    /// The entry in the zone's or account's `ferry_unavailable` attribute.
    pub fn attr(&self) -> Value {
        json!({"kind": self.kind.as_str(), "error": self.error.detail(), "kept_stale": self.kept})
    }
}

/// The API token permission (as the dashboard names it) each part needs.
fn permission(kind: Kind) -> &'static str {
    match kind {
        Kind::CfAccount => "Account Settings: Read",
        Kind::DnsRecord => "Zone DNS: Read",
        Kind::PageRule => "Zone Page Rules: Read",
        Kind::Ruleset => {
            "the Read permission of the rules in question (Zone WAF, Transform Rules, …)"
        }
        Kind::WorkerScript => "Account Workers Scripts: Read",
        Kind::WorkerRoute => "Zone Workers Routes: Read",
        Kind::R2Bucket => "Account Workers R2 Storage: Read (and R2 enabled on the account)",
        Kind::CfPool => "Account Load Balancing: Monitors and Pools: Read",
        Kind::CfLoadBalancer => "Zone Load Balancers: Read",
        Kind::CertificatePack | Kind::CustomHostname => {
            "Zone SSL and Certificates: Read (custom hostnames also need SSL for SaaS)"
        }
        _ => "more read permissions",
    }
}

/// Resources, links and unavailable parts collected from one zone or account.
#[derive(Debug, Default)]
pub struct Collected {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub unavailable: Vec<Unavailable>,
}

impl Collected {
    /// The value of a part's request, or `None` with the part recorded as unavailable.
    /// Errors that are not about access end the fetch.
    pub fn part<T>(
        &mut self,
        kind: Kind,
        on: &ResourceId,
        label: &str,
        result: Result<T, CloudflareError>,
    ) -> Result<Option<T>, CloudflareError> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(error) if error.is_unavailable() => {
                tracing::warn!("{label}: {} unavailable: {error}", kind.as_str());
                self.unavailable.push(Unavailable {
                    kind,
                    on: on.clone(),
                    label: label.to_string(),
                    error,
                    kept: 0,
                });
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub fn extend(&mut self, other: Collected) {
        self.resources.extend(other.resources);
        self.links.extend(other.links);
        self.unavailable.extend(other.unavailable);
    }
}
