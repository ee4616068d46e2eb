//! Lookup tables built once per analysis, so each check is a map lookup rather than a scan
//! of the whole inventory.

use foldhash::{HashMap, HashMapExt};
use serde_json::Value;

use crate::coverage::Coverage;
use crate::inventory::Inventory;
use crate::links::{DnsIndex, Target, record_target};
use crate::model::{Kind, Link, LinkKind, Provider, Resource, ResourceId};
use crate::rules::Rules;

pub struct Index<'a> {
    pub inv: &'a Inventory,
    /// What was and was not read: negatives are only stated where the data was fetched.
    pub coverage: Coverage,
    /// Which AWS resources an IaC state manages (inactive without a state).
    pub iac: crate::iac::IacIndex,
    pub dns: DnsIndex,
    /// Heroku apps, sorted by name.
    pub apps: Vec<&'a Resource>,
    /// Heroku resources by their parent.
    pub children: HashMap<&'a ResourceId, Vec<&'a Resource>>,
    /// AWS resources by the value of the app tag.
    pub by_app_tag: HashMap<&'a str, Vec<&'a Resource>>,
    /// AWS resources by kind.
    pub aws_by_kind: HashMap<Kind, Vec<&'a Resource>>,
    /// AWS resources by normalized name (affixes stripped), for the name rules.
    pub by_norm_name: HashMap<String, Vec<&'a Resource>>,
    /// ECS services and task definitions without an app tag, with their normalized names:
    /// the only candidates for look-alike matching (usually few, so matching stays fast).
    pub untagged: HashMap<Kind, Vec<(&'a Resource, String)>>,
    /// AWS resources by the value of the add-on tag.
    pub by_addon_tag: HashMap<&'a str, Vec<&'a Resource>>,
    /// Listener rules (by host-header value) and CloudFront distributions (by alias), keyed
    /// by lower-case host; wildcard patterns (`*.example.com`) are kept apart.
    pub endpoints_by_host: HashMap<String, Vec<&'a Resource>>,
    pub wildcard_endpoints: Vec<(String, &'a Resource)>,
    /// DNS records (Cloudflare and Route 53) by hostname, with their target.
    pub records_by_host: HashMap<String, Vec<(&'a Resource, String)>>,
    /// Links by their `from` end.
    pub links_from: HashMap<&'a ResourceId, Vec<&'a Link>>,
    /// Add-on attachments by add-on name: (using app, attachment name).
    pub attachments: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
    /// Pipeline couplings by app name.
    pub couplings: HashMap<&'a str, &'a Resource>,
    /// Names the name rules give each app's processes (`<app>-<process>`, and `<app>` for
    /// web) → the app. A resource with such a name belongs to that app, so it is never a
    /// look-alike match for another.
    pub rule_names: HashMap<String, &'a str>,
}

/// The `name` of a nested object attribute: `{"app": {"name": "x"}}` → "x".
pub fn nested_name<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    r.attrs.get(key)?.get("name")?.as_str()
}

/// The name AWS gives a resource, for name matching.
pub fn aws_name(r: &Resource) -> &str {
    for key in [
        "serviceName",
        "family",
        "DBInstanceIdentifier",
        "ReplicationGroupId",
        "Name",
        "logGroupName",
    ] {
        if let Some(v) = r.attr_str(key) {
            return v;
        }
    }
    &r.name
}

/// The hostnames a listener rule (host-header condition) or distribution (aliases) answers.
fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn endpoint_hosts(r: &Resource) -> Vec<&str> {
    match r.kind {
        Kind::ListenerRule => r
            .attrs
            .get("Conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|c| c.get("Field").and_then(Value::as_str) == Some("host-header"))
            .flat_map(|c| {
                let mut v = strings(c.get("Values"));
                v.extend(strings(
                    c.get("HostHeaderConfig").and_then(|h| h.get("Values")),
                ));
                v
            })
            .collect(),
        Kind::CloudfrontDistribution => {
            strings(r.attrs.get("Aliases").and_then(|a| a.get("Items")))
        }
        _ => Vec::new(),
    }
}

impl<'a> Index<'a> {
    pub fn new(inv: &'a Inventory, links: &'a [Link], rules: &Rules) -> Self {
        let mut ix = Index {
            inv,
            coverage: Coverage::of(inv),
            iac: crate::iac::IacIndex::build(inv, &rules.iac),
            dns: DnsIndex::new(inv),
            apps: Vec::new(),
            children: HashMap::new(),
            by_app_tag: HashMap::new(),
            aws_by_kind: HashMap::new(),
            by_norm_name: HashMap::new(),
            records_by_host: HashMap::new(),
            links_from: HashMap::new(),
            attachments: HashMap::new(),
            couplings: HashMap::new(),
            rule_names: HashMap::new(),
            untagged: HashMap::new(),
            by_addon_tag: HashMap::new(),
            endpoints_by_host: HashMap::new(),
            wildcard_endpoints: Vec::new(),
        };
        for r in &inv.resources {
            match r.provider {
                Provider::Heroku => {
                    if let Some(p) = &r.parent {
                        ix.children.entry(p).or_default().push(r);
                    }
                    match r.kind {
                        Kind::App => ix.apps.push(r),
                        Kind::AddonAttachment => {
                            if let (Some(addon), Some(app)) = (
                                r.attrs
                                    .get("addon")
                                    .and_then(|a| a.get("name"))
                                    .and_then(Value::as_str),
                                nested_name(r, "app"),
                            ) {
                                let name = r.attr_str("name").unwrap_or(&r.name);
                                ix.attachments.entry(addon).or_default().push((app, name));
                            }
                        }
                        Kind::PipelineCoupling => {
                            if let Some(app) = nested_name(r, "app") {
                                ix.couplings.insert(app, r);
                            }
                        }
                        _ => {}
                    }
                }
                Provider::Aws => {
                    if let Some(app) = r.tags.get(&rules.tags.app) {
                        ix.by_app_tag.entry(app.as_str()).or_default().push(r);
                    }
                    ix.aws_by_kind.entry(r.kind).or_default().push(r);
                    let norm = rules.normalize(aws_name(r));
                    if matches!(r.kind, Kind::EcsService | Kind::TaskDefinition)
                        && !r.tags.contains_key(&rules.tags.app)
                    {
                        ix.untagged
                            .entry(r.kind)
                            .or_default()
                            .push((r, norm.clone()));
                    }
                    ix.by_norm_name.entry(norm).or_default().push(r);
                    if let Some(addon) = r.tags.get(&rules.tags.addon) {
                        ix.by_addon_tag.entry(addon.as_str()).or_default().push(r);
                    }
                    for host in endpoint_hosts(r) {
                        let host = host.trim_end_matches('.').to_ascii_lowercase();
                        if host.starts_with("*.") {
                            ix.wildcard_endpoints.push((host, r));
                        } else {
                            ix.endpoints_by_host.entry(host).or_default().push(r);
                        }
                    }
                    if let Some((host, target)) = record_target(r) {
                        ix.records_by_host
                            .entry(host)
                            .or_default()
                            .push((r, target));
                    }
                }
                Provider::Cloudflare => {
                    if let Some((host, target)) = record_target(r) {
                        ix.records_by_host
                            .entry(host)
                            .or_default()
                            .push((r, target));
                    }
                }
                // CI/CD resources name no host or tag the matching indexes need.
                Provider::Semaphore | Provider::Iac => {}
            }
        }
        ix.apps.sort_by(|a, b| a.name.cmp(&b.name));
        for app in &ix.apps {
            ix.rule_names.insert(app.name.clone(), &app.name);
            for f in ix.children.get(&app.id).into_iter().flatten() {
                if f.kind == Kind::Formation {
                    let process = f.attr_str("type").unwrap_or(&f.name);
                    ix.rule_names
                        .insert(format!("{}-{process}", app.name), &app.name);
                }
            }
        }
        for l in links {
            ix.links_from.entry(&l.from).or_default().push(l);
        }
        ix
    }

    pub fn get(&self, id: &ResourceId) -> Option<&'a Resource> {
        self.inv.get(id)
    }

    pub fn parts(&self, app: &Resource, kind: Kind) -> Vec<&'a Resource> {
        let mut v: Vec<&Resource> = self
            .children
            .get(&app.id)
            .map(|c| c.iter().copied().filter(|r| r.kind == kind).collect())
            .unwrap_or_default();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Listener rules and distributions answering for `host`, exact names first.
    pub fn endpoints_for(&self, host: &str) -> Vec<&'a Resource> {
        let host = host.to_ascii_lowercase();
        let mut out: Vec<&Resource> = self
            .endpoints_by_host
            .get(&host)
            .cloned()
            .unwrap_or_default();
        for (pattern, r) in &self.wildcard_endpoints {
            if super::domains::host_matches(pattern, &host) && !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
        out
    }

    pub fn aws_of_kind(&self, kind: Kind) -> &[&'a Resource] {
        self.aws_by_kind
            .get(&kind)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Resources a link of `kind` leads to from `from`.
    pub fn linked(&self, from: &ResourceId, kind: LinkKind) -> Vec<&'a Resource> {
        self.links_from
            .get(from)
            .into_iter()
            .flatten()
            .filter(|l| l.kind == kind)
            .filter_map(|l| self.inv.get(&l.to))
            .collect()
    }

    /// Where the DNS records for `host` point (one entry per record).
    pub fn dns_targets(&self, host: &str) -> Vec<(&'a Resource, String, Target)> {
        self.records_by_host
            .get(&crate::links::dns_key(host))
            .into_iter()
            .flatten()
            .map(|(r, t)| (*r, t.clone(), self.dns.resolve(t)))
            .collect()
    }
}
