//! Custom domains: the ALB host rule or CloudFront alias answering for them, and the
//! certificate presented there.

use serde_json::Value;

use super::index::Index;
use super::items::{AppFacts, counterpart, hostname, new_item, pinned, settle};
use super::{Counterpart, Item, ItemKind, MatchMethod, Status};
use crate::links::Target;
use crate::model::{Kind, LinkKind, Resource, ResourceId};

/// `*.example.com` covers `api.example.com` (one label), as TLS and ALB host rules do.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (
        pattern.trim_end_matches('.').to_ascii_lowercase(),
        host.to_ascii_lowercase(),
    );
    match p.strip_prefix("*.") {
        Some(suffix) => h
            .strip_suffix(suffix)
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => p == h,
    }
}

/// Whether one of the endpoints serving `host` (listener rules via their listener,
/// distributions directly) presents an issued certificate that covers it.
pub fn served_with_cert(ix: &Index, counterparts: &[Counterpart], host: &str) -> bool {
    counterparts
        .iter()
        .filter_map(|c| ix.get(&c.id))
        .flat_map(|r| match r.kind {
            Kind::ListenerRule => r
                .parent
                .as_ref()
                .and_then(|l| ix.get(l))
                .into_iter()
                .collect(),
            _ => vec![r],
        })
        .flat_map(|endpoint| ix.linked(&endpoint.id, LinkKind::SecuredBy))
        .any(|cert| cert_covers(cert, host))
}

fn cert_covers(cert: &Resource, host: &str) -> bool {
    let mut names: Vec<&str> = cert
        .attrs
        .get("SubjectAlternativeNames")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    names.extend(cert.attr_str("DomainName"));
    cert.attr_str("Status") == Some("ISSUED") && names.iter().any(|n| host_matches(n, host))
}

pub(super) fn domain_item(
    ix: &Index,
    facts: &AppFacts,
    d: &Resource,
    pin: Option<(ResourceId, Option<&Resource>)>,
) -> Item {
    let host = hostname(d).to_string();
    let mut item = new_item(facts, d, ItemKind::Domain, host.clone());
    // What answers for the hostname on AWS.
    if !pinned(&mut item, pin) {
        for endpoint in ix.endpoints_for(&host) {
            item.counterparts
                .push(counterpart(endpoint, MatchMethod::Name));
        }
    }
    let mut blocking = false;
    if item.counterparts.is_empty() {
        item.reasons.push(format!(
            "no ALB listener rule or CloudFront alias answers for {host}"
        ));
    } else if !served_with_cert(ix, &item.counterparts, &host) {
        item.reasons.push(format!(
            "no issued ACM certificate covering {host} where it is served"
        ));
        blocking = true;
    }
    let moved = !blocking && dns_at_counterpart(ix, &item.counterparts, &host);
    if moved {
        item.reasons.push(format!(
            "DNS for {host} points at its AWS endpoint: traffic is on AWS"
        ));
    }
    if facts.domains_at_heroku.contains(&host) {
        if item.counterparts.is_empty() {
            item.reasons.push("DNS still points at Heroku".into());
        } else {
            item.reasons
                .push("DNS still points at Heroku: switch the record to AWS to cut over".into());
        }
    } else if ix.dns_targets(&host).is_empty() {
        item.reasons.push(match ix.coverage.dns_unknown(&host) {
            Some(why) => format!("DNS for {host} unknown: {why}"),
            None => format!("no DNS record for {host} in Cloudflare or Route 53"),
        });
    }
    settle(&mut item, facts, blocking);
    // The domain's own status follows its traffic: DNS at the counterpart is cut over for
    // this hostname, whatever the app's other domains and dynos still do.
    if moved && item.computed == Status::Ready {
        item.computed = Status::CutOver;
        item.status = Status::CutOver;
    }
    item
}

/// Whether every DNS record for `host` resolves to an endpoint serving it on AWS: the load
/// balancer of a counterpart listener rule, or a counterpart distribution.
fn dns_at_counterpart(ix: &Index, counterparts: &[Counterpart], host: &str) -> bool {
    let endpoints: Vec<&ResourceId> = counterparts
        .iter()
        .filter_map(|c| ix.get(&c.id))
        .filter_map(|r| match r.kind {
            Kind::ListenerRule => r
                .parent
                .as_ref()
                .and_then(|l| ix.get(l))
                .and_then(|l| l.attr_str("LoadBalancerArn"))
                .and_then(|lb| ix.get(&ResourceId::from_arn(lb)))
                .map(|lb| &lb.id),
            _ => Some(&r.id),
        })
        .collect();
    let targets = ix.dns_targets(host);
    !targets.is_empty()
        && targets
            .iter()
            .all(|(_, _, t)| matches!(t, Target::Aws(id) if endpoints.contains(&id)))
}
