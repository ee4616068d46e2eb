//! Dependency links derived from an inventory, across providers: DNS records to the exact
//! Heroku domain or AWS endpoint they point at, CloudFront to its origins, ECS services to
//! target groups and load balancers, task definitions to the parameters, secrets and log
//! groups they use, add-ons to the apps that attach them.
//!
//! Pure: (inventory) → links. Links the sources already recorded are kept; derived ones are
//! added once (deduplicated).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde_json::Value;

use crate::inventory::Inventory;
use crate::model::{Kind, Link, LinkKind, Provider, Resource, ResourceId};

/// A DNS name in comparable form: lower case, no trailing dot, no `dualstack.` prefix
/// (Route 53 aliases to ALBs carry it).
pub fn dns_key(name: &str) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    n.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(n)
}

/// Where a DNS name points, as far as this inventory can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A Heroku app's domain, by its exact herokudns target (or `<app>.herokuapp.com`).
    HerokuDomain(ResourceId),
    HerokuApp(ResourceId),
    /// A `*.herokudns.com` / `*.herokuapp.com` name that belongs to no app in the inventory.
    HerokuUnknown,
    Aws(ResourceId),
    /// A well-known AWS suffix with no matching resource in the inventory.
    AwsUnknown,
    Elsewhere,
}

/// Lookup tables from DNS names to the resources that answer them.
pub struct DnsIndex {
    heroku_targets: HashMap<String, ResourceId>,
    heroku_apps: HashMap<String, ResourceId>,
    aws_names: HashMap<String, ResourceId>,
}

impl DnsIndex {
    pub fn new(inv: &Inventory) -> Self {
        let mut heroku_targets = HashMap::new();
        let mut heroku_apps = HashMap::new();
        let mut aws_names = HashMap::new();
        for r in &inv.resources {
            match r.kind {
                Kind::Domain => {
                    if let Some(cname) = r.attr_str("cname") {
                        heroku_targets.insert(dns_key(cname), r.id.clone());
                    }
                }
                Kind::App => {
                    heroku_apps.insert(
                        format!("{}.herokuapp.com", r.name.to_ascii_lowercase()),
                        r.id.clone(),
                    );
                }
                Kind::LoadBalancer => {
                    if let Some(n) = r.attr_str("DNSName") {
                        aws_names.insert(dns_key(n), r.id.clone());
                    }
                }
                Kind::CloudfrontDistribution => {
                    if let Some(n) = r.attr_str("DomainName") {
                        aws_names.insert(dns_key(n), r.id.clone());
                    }
                }
                Kind::S3Bucket => {
                    let bucket = r.attr_str("Name").unwrap_or(&r.name).to_ascii_lowercase();
                    let region = r.attr_str("BucketRegion").unwrap_or("us-east-1");
                    for host in [
                        format!("{bucket}.s3.amazonaws.com"),
                        format!("{bucket}.s3.{region}.amazonaws.com"),
                        format!("{bucket}.s3-website-{region}.amazonaws.com"),
                        format!("{bucket}.s3-website.{region}.amazonaws.com"),
                    ] {
                        aws_names.insert(host, r.id.clone());
                    }
                }
                _ => {}
            }
        }
        DnsIndex {
            heroku_targets,
            heroku_apps,
            aws_names,
        }
    }

    pub fn resolve(&self, target: &str) -> Target {
        let key = dns_key(target);
        if let Some(id) = self.heroku_targets.get(&key) {
            return Target::HerokuDomain(id.clone());
        }
        if let Some(id) = self.heroku_apps.get(&key) {
            return Target::HerokuApp(id.clone());
        }
        if let Some(id) = self.aws_names.get(&key) {
            return Target::Aws(id.clone());
        }
        if key.ends_with(".herokudns.com") || key.ends_with(".herokuapp.com") {
            Target::HerokuUnknown
        } else if key.ends_with(".elb.amazonaws.com")
            || key.ends_with(".cloudfront.net")
            || key.ends_with(".amazonaws.com")
        {
            Target::AwsUnknown
        } else {
            Target::Elsewhere
        }
    }
}

/// The hostname a DNS record answers for and the name it points at, if it points at a name.
pub fn record_target(r: &Resource) -> Option<(String, String)> {
    match r.kind {
        Kind::DnsRecord => {
            let ty = r.attr_str("type")?;
            if !matches!(ty, "CNAME" | "A" | "AAAA") {
                return None;
            }
            Some((
                dns_key(r.attr_str("name").unwrap_or(&r.name)),
                r.attr_str("content")?.to_string(),
            ))
        }
        Kind::Route53Record => {
            let name = dns_key(r.attr_str("Name").unwrap_or(&r.name));
            if let Some(alias) = r
                .attrs
                .get("AliasTarget")
                .and_then(|a| a.get("DNSName"))
                .and_then(Value::as_str)
            {
                return Some((name, alias.to_string()));
            }
            let ty = r.attr_str("Type")?;
            if ty != "CNAME" {
                return None;
            }
            let value = r
                .attrs
                .get("ResourceRecords")?
                .get(0)?
                .get("Value")?
                .as_str()?;
            Some((name, value.to_string()))
        }
        _ => None,
    }
}

fn arn_id(v: Option<&Value>) -> Option<ResourceId> {
    v.and_then(Value::as_str)
        .filter(|s| s.starts_with("arn:"))
        .map(ResourceId::from_arn)
}

/// Strips a Secrets Manager JSON-key suffix (`…:secret:name-AbCdEf:key::`) to the secret's ARN.
fn secret_arn(value_from: &str) -> String {
    let parts: Vec<&str> = value_from.split(':').collect();
    if parts.len() > 7 && parts[2] == "secretsmanager" {
        parts[..7].join(":")
    } else {
        value_from.to_string()
    }
}

/// Every link: the sources' own plus the derived ones, without duplicates.
pub fn derive(inv: &Inventory) -> Vec<Link> {
    let dns = DnsIndex::new(inv);
    let mut seen: HashSet<(ResourceId, ResourceId, LinkKind)> = HashSet::new();
    let mut out = Vec::with_capacity(inv.links.len());
    let mut push = |from: ResourceId, to: ResourceId, kind: LinkKind| {
        if from != to && seen.insert((from.clone(), to.clone(), kind)) {
            out.push(Link { from, to, kind });
        }
    };
    for l in &inv.links {
        push(l.from.clone(), l.to.clone(), l.kind);
    }
    let exists = |id: &ResourceId| inv.get(id).is_some();
    // SSM parameters are referenced by bare name or ARN; index both.
    let mut ssm_by_name: HashMap<&str, &ResourceId> = HashMap::new();
    let mut log_groups: HashMap<&str, &ResourceId> = HashMap::new();
    for r in &inv.resources {
        match r.kind {
            Kind::SsmParameter => {
                if let Some(n) = r.attr_str("Name") {
                    ssm_by_name.insert(n, &r.id);
                    ssm_by_name.insert(n.trim_start_matches('/'), &r.id);
                }
            }
            Kind::LogGroup => {
                if let Some(n) = r.attr_str("logGroupName") {
                    log_groups.insert(n, &r.id);
                }
            }
            _ => {}
        }
    }

    for r in &inv.resources {
        match r.kind {
            Kind::DnsRecord | Kind::Route53Record => {
                let Some((_, target)) = record_target(r) else {
                    continue;
                };
                match dns.resolve(&target) {
                    Target::HerokuDomain(d) => {
                        if let Some(app) = inv.get(&d).and_then(|d| d.parent.clone()) {
                            push(r.id.clone(), app, LinkKind::RoutesTo);
                        }
                        push(r.id.clone(), d, LinkKind::RoutesTo);
                    }
                    Target::HerokuApp(a) | Target::Aws(a) => {
                        push(r.id.clone(), a, LinkKind::RoutesTo)
                    }
                    _ => {}
                }
            }
            Kind::CloudfrontDistribution => {
                let origins = r
                    .attrs
                    .get("Origins")
                    .and_then(|o| o.get("Items"))
                    .and_then(Value::as_array);
                for o in origins.into_iter().flatten() {
                    if let Some(name) = o.get("DomainName").and_then(Value::as_str)
                        && let Target::Aws(id) = dns.resolve(name)
                    {
                        push(r.id.clone(), id, LinkKind::Origin);
                    }
                }
                if let Some(cert) = arn_id(
                    r.attrs
                        .get("ViewerCertificate")
                        .and_then(|v| v.get("ACMCertificateArn")),
                ) {
                    push(r.id.clone(), cert, LinkKind::SecuredBy);
                }
            }
            Kind::EcsService => {
                if let Some(td) = arn_id(r.attrs.get("taskDefinition")) {
                    push(r.id.clone(), td, LinkKind::Runs);
                }
                for lb in r
                    .attrs
                    .get("loadBalancers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(tg) = arn_id(lb.get("targetGroupArn")) {
                        push(tg, r.id.clone(), LinkKind::Serves);
                    }
                }
            }
            Kind::TargetGroup => {
                for lb in r
                    .attrs
                    .get("LoadBalancerArns")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(lb) = arn_id(Some(lb)) {
                        push(r.id.clone(), lb, LinkKind::References);
                    }
                }
            }
            Kind::Listener | Kind::ListenerRule => {
                for c in r
                    .attrs
                    .get("Certificates")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(cert) = arn_id(c.get("CertificateArn")) {
                        push(r.id.clone(), cert, LinkKind::SecuredBy);
                    }
                }
                let actions = r
                    .attrs
                    .get("DefaultActions")
                    .or_else(|| r.attrs.get("Actions"));
                for a in actions.and_then(Value::as_array).into_iter().flatten() {
                    if let Some(tg) = arn_id(a.get("TargetGroupArn")) {
                        push(r.id.clone(), tg, LinkKind::ForwardsTo);
                    }
                }
            }
            Kind::TaskDefinition => {
                let containers = r
                    .attrs
                    .get("containerDefinitions")
                    .and_then(Value::as_array);
                for c in containers.into_iter().flatten() {
                    for s in c
                        .get("secrets")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let Some(from) = s.get("valueFrom").and_then(Value::as_str) else {
                            continue;
                        };
                        let target = if from.starts_with("arn:") {
                            Some(ResourceId::from_arn(&secret_arn(from)))
                        } else {
                            ssm_by_name.get(from).map(|id| (*id).clone())
                        };
                        if let Some(t) = target.filter(|t| exists(t)) {
                            push(r.id.clone(), t, LinkKind::Reads);
                        }
                    }
                    let group = c
                        .get("logConfiguration")
                        .and_then(|l| l.get("options"))
                        .and_then(|o| o.get("awslogs-group"))
                        .and_then(Value::as_str);
                    if let Some(id) = group.and_then(|g| log_groups.get(g)) {
                        push(r.id.clone(), (*id).clone(), LinkKind::LogsTo);
                    }
                }
            }
            Kind::AddonAttachment => {
                let addon = r
                    .attrs
                    .get("addon")
                    .and_then(|a| a.get("name"))
                    .and_then(Value::as_str);
                if let (Some(addon), Some(app)) = (addon, &r.parent) {
                    push(
                        ResourceId::new(Provider::Heroku, "addon", &[addon]),
                        app.clone(),
                        LinkKind::AttachedTo,
                    );
                }
            }
            _ => {}
        }
    }
    for l in crate::cicd::links::derive(inv) {
        push(l.from, l.to, l.kind);
    }
    // IaC state address → the AWS resource it manages (the matching is crate::iac's).
    for l in crate::iac::IacIndex::build(inv, &Default::default()).links {
        push(l.from, l.to, l.kind);
    }
    out.retain(|l| exists(&l.from) && exists(&l.to));
    out
}
