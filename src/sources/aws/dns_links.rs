//! Links found by DNS name, across every account and region of the fetch: a Route 53
//! record to the load balancer or distribution it names (CNAME value or alias target), and
//! a CloudFront distribution to the load balancer its custom origin names.

use std::collections::HashMap;

use super::arn::dns_key;
use crate::model::{Kind, Link, LinkKind, Resource, ResourceId};

pub fn derive(resources: &[Resource]) -> Vec<Link> {
    let mut targets: HashMap<String, &ResourceId> = HashMap::new();
    for r in resources {
        let dns = match r.kind {
            Kind::LoadBalancer => r.attr_str("DNSName"),
            Kind::CloudfrontDistribution => r.attr_str("DomainName"),
            _ => None,
        };
        if let Some(d) = dns {
            targets.insert(dns_key(d), &r.id);
        }
    }
    let mut links = Vec::new();
    for r in resources {
        match r.kind {
            Kind::Route53Record => {
                let alias = r
                    .attrs
                    .get("AliasTarget")
                    .and_then(|a| a.get("DNSName"))
                    .and_then(|v| v.as_str());
                let values = r
                    .attrs
                    .get("ResourceRecords")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get("Value").and_then(|x| x.as_str()));
                for name in alias.into_iter().chain(values) {
                    if let Some(to) = targets.get(&dns_key(name)) {
                        links.push(link(&r.id, to, LinkKind::RoutesTo));
                    }
                }
            }
            Kind::CloudfrontDistribution => {
                let origins = r
                    .attrs
                    .get("Origins")
                    .and_then(|o| o.get("Items"))
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.get("DomainName").and_then(|d| d.as_str()));
                for domain in origins {
                    if let Some(to) = targets.get(&dns_key(domain)).filter(|to| **to != &r.id) {
                        links.push(link(&r.id, to, LinkKind::Origin));
                    }
                }
            }
            _ => {}
        }
    }
    links
}

fn link(from: &ResourceId, to: &ResourceId, kind: LinkKind) -> Link {
    Link {
        from: from.clone(),
        to: to.clone(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, Scope};
    use serde_json::json;

    fn res(kind: Kind, id: &str, attrs: serde_json::Value) -> Resource {
        Resource {
            id: ResourceId::from_raw(id),
            provider: Provider::Aws,
            kind,
            name: id.into(),
            parent: None,
            scope: Scope::default(),
            attrs: serde_json::from_value(attrs).unwrap(),
            tags: Default::default(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn records_and_origins_link_by_dns_name() {
        let rs = vec![
            res(
                Kind::LoadBalancer,
                "lb",
                json!({"DNSName": "shop-1.eu-west-1.elb.amazonaws.com"}),
            ),
            res(
                Kind::CloudfrontDistribution,
                "cf",
                json!({"DomainName": "d1.cloudfront.net",
                "Origins": {"Items": [{"DomainName": "shop-1.eu-west-1.elb.amazonaws.com"}]}}),
            ),
            res(
                Kind::Route53Record,
                "alias",
                json!({"AliasTarget": {"DNSName": "dualstack.SHOP-1.eu-west-1.elb.amazonaws.com."}}),
            ),
            res(
                Kind::Route53Record,
                "cname",
                json!({"ResourceRecords": [{"Value": "d1.cloudfront.net"}]}),
            ),
            res(
                Kind::Route53Record,
                "heroku",
                json!({"ResourceRecords": [{"Value": "x.herokudns.com"}]}),
            ),
        ];
        let got: Vec<(String, String, LinkKind)> = derive(&rs)
            .into_iter()
            .map(|l| (l.from.to_string(), l.to.to_string(), l.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("cf".into(), "lb".into(), LinkKind::Origin),
                ("alias".into(), "lb".into(), LinkKind::RoutesTo),
                ("cname".into(), "cf".into(), LinkKind::RoutesTo),
            ]
        );
    }
}
