//! What one account or zone yielded, and the parts of it that could not be read.
//!
//! A token often lacks a permission (Workers, Load Balancing) or a product is not enabled
//! on a zone (custom hostnames need SSL for SaaS). Such a part is recorded as unavailable
//! and the rest of the fetch carries on. So is a part whose answer was not usable (invalid
//! JSON, a body not recognised, endless paging) or that kept failing (5xx or timeouts past
//! its retries), marked `failed`; a rate limit past the retry deadline or a rejected
//! credential ends the credential's fetch, since every other request would meet it too.

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
    /// A fault (the answer was not usable), not a refusal (a permission, a product).
    pub fn failed(&self) -> bool {
        !self.error.is_unavailable()
    }

    /// The entry in the zone's or account's `ferry_unavailable` attribute.
    pub fn attr(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "error": self.error.detail(),
            "kept_stale": self.kept,
            "failed": self.failed(),
        })
    }
}

/// `Workers` → `workers`, but `DNS records` and `R2 buckets` keep their capitals.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
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

/// One line per kind and reason for the fetch summary, with the permission that usually
/// grants access: a token without Workers access gives one line, not one per zone. A failed
/// part's line says what was wrong with the answer and claims no missing permission.
pub fn notes(unavailable: &[Unavailable]) -> Vec<String> {
    let mut groups: Vec<(Kind, String, Vec<&Unavailable>)> = Vec::new();
    for u in unavailable {
        let reason = u.error.reason();
        match groups
            .iter_mut()
            .find(|(k, r, _)| *k == u.kind && *r == reason)
        {
            Some((_, _, members)) => members.push(u),
            None => groups.push((u.kind, reason, vec![u])),
        }
    }
    groups
        .into_iter()
        .map(|(kind, reason, members)| {
            let what = lower_first(kind.label());
            let (place, detail) = match members.as_slice() {
                [one] => (one.label.clone(), one.error.detail()),
                many => {
                    let names: Vec<&str> = many.iter().take(3).map(|u| u.label.as_str()).collect();
                    let more = if many.len() > 3 { ", …" } else { "" };
                    (
                        format!("{} places ({}{more})", many.len(), names.join(", ")),
                        reason,
                    )
                }
            };
            let kept: usize = members.iter().map(|u| u.kept).sum();
            let kept = match kept {
                0 => String::new(),
                n => format!("; {n} kept from the previous fetch, marked stale"),
            };
            if members[0].failed() {
                format!("{place}: {what} failed ({detail}; not read this time){kept}")
            } else {
                format!(
                    "{place}: {what} unavailable ({detail}; the token probably needs {}){kept}",
                    permission(kind)
                )
            }
        })
        .collect()
}

/// Resources, links and unavailable parts collected from one zone or account.
#[derive(Debug, Default)]
pub struct Collected {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub unavailable: Vec<Unavailable>,
}

impl Collected {
    /// The value of a part's request, or `None` with the part recorded as unavailable
    /// (or failed, for an answer not usable). Other errors end the fetch.
    pub fn part<T>(
        &mut self,
        kind: Kind,
        on: &ResourceId,
        label: &str,
        result: Result<T, CloudflareError>,
    ) -> Result<Option<T>, CloudflareError> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(error) if error.is_part_error() => {
                tracing::warn!("{label}: {} not read: {error}", kind.as_str());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::http::HttpError;

    fn part(kind: Kind, zone: &str, status: u16) -> Unavailable {
        Unavailable {
            kind,
            on: ResourceId::from_raw(format!("cloudflare:zone/{zone}")),
            label: format!("zone {zone}"),
            error: CloudflareError::Http {
                account: "default".into(),
                error: Box::new(HttpError::Api {
                    endpoint: format!("GET /zones/{zone}/x"),
                    status,
                    id: Some("10000".into()),
                    message: "Authentication error".into(),
                }),
            },
            kept: 1,
        }
    }

    #[test]
    fn the_same_refusal_is_one_note_and_labels_keep_acronyms() {
        let notes = notes(&[
            part(Kind::DnsRecord, "a.com", 403),
            part(Kind::DnsRecord, "b.com", 403),
            part(Kind::DnsRecord, "c.com", 400),
            part(Kind::WorkerRoute, "a.com", 403),
        ]);
        assert_eq!(notes.len(), 3);
        assert_eq!(
            notes[0],
            "2 places (zone a.com, zone b.com): DNS records unavailable (HTTP 403 10000: \
             Authentication error; the token probably needs Zone DNS: Read); 2 kept from the \
             previous fetch, marked stale"
        );
        assert!(
            notes[1]
                .starts_with("zone c.com: DNS records unavailable (GET /zones/c.com/x: HTTP 400")
        );
        assert!(notes[2].starts_with("zone a.com: worker routes unavailable"));
    }

    #[test]
    fn a_failed_part_says_what_was_wrong_and_claims_no_permission() {
        let mut u = part(Kind::R2Bucket, "a1", 403);
        assert_eq!(u.attr()["failed"], false);
        u.error = CloudflareError::BadBody {
            account: "default".into(),
            endpoint: "GET /accounts/a1/r2/buckets".into(),
            page: 1,
            detail: "`result` is a string, where an array was expected".into(),
        };
        assert_eq!(
            u.attr(),
            json!({
                "kind": "r2_bucket",
                "error": "GET /accounts/a1/r2/buckets (page 1): the response body was not \
                          recognised: `result` is a string, where an array was expected",
                "kept_stale": 1,
                "failed": true,
            })
        );
        let note = &notes(&[u])[0];
        assert_eq!(
            note,
            "zone a1: R2 buckets failed (GET /accounts/a1/r2/buckets (page 1): the response \
             body was not recognised: `result` is a string, where an array was expected; not \
             read this time); 1 kept from the previous fetch, marked stale"
        );
        assert!(!note.contains("needs"), "{note}");
    }
}
