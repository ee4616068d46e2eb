//! The zone-level and account-level requests: every list of one zone (or one account)
//! concurrently, under the client's concurrency bound, each mapped to resources.

use std::sync::Arc;

use super::client::CloudflareClient;
use super::envelope::Paging;
use super::error::CloudflareError;
use super::mapping::{Mapper, ZoneRef, rid};
use super::parts::Collected;
use crate::model::Kind;
use crate::sources::allowlist::{Obj, str_at};

/// The largest page each paged endpoint allows (2024 spec). DNS records allow up to
/// 5,000,000 per page; 5,000 keeps one body to a few MB while a zone with 12,000 records
/// still takes three requests.
pub const ZONES_PER_PAGE: u32 = 50;
pub const ACCOUNTS_PER_PAGE: u32 = 50;
pub const DNS_PER_PAGE: u32 = 5000;
pub const CUSTOM_HOSTNAMES_PER_PAGE: u32 = 50;
pub const R2_PER_PAGE: u32 = 1000;

/// Requests per zone when nothing pages and no ruleset needs its rules read.
pub const REQUESTS_PER_ZONE: u64 = 7;
/// Requests per account (Workers scripts, R2 buckets, load balancer pools).
pub const REQUESTS_PER_ACCOUNT: u64 = 3;

/// Everything of one zone.
pub async fn fetch_zone(
    client: Arc<CloudflareClient>,
    mapper: Arc<Mapper>,
    zone: ZoneRef,
) -> Result<Collected, CloudflareError> {
    let c = &client;
    let z = zone.id.as_str();
    let single = Paging::Single;
    // Bound first: `join!` needs the paths to outlive every request.
    let (dns_p, rules_p, sets_p) = (
        ["zones", z, "dns_records"],
        ["zones", z, "pagerules"],
        ["zones", z, "rulesets"],
    );
    let (routes_p, lbs_p) = (
        ["zones", z, "workers", "routes"],
        ["zones", z, "load_balancers"],
    );
    let (certs_p, hosts_p) = (
        ["zones", z, "ssl", "certificate_packs"],
        ["zones", z, "custom_hostnames"],
    );
    let dns_paging = Paging::Pages {
        per_page: DNS_PER_PAGE,
    };
    let hosts_paging = Paging::Pages {
        per_page: CUSTOM_HOSTNAMES_PER_PAGE,
    };
    let (dns, page_rules, rulesets, routes, lbs, certs, hostnames) = tokio::try_join!(
        soft(c.list(&dns_p, &[], dns_paging, "dns_record")),
        soft(c.list(&rules_p, &[], single, "page_rule")),
        soft(c.list(&sets_p, &[], single, "ruleset")),
        soft(c.list(&routes_p, &[], single, "worker_route")),
        soft(c.list(&lbs_p, &[], single, "cf_load_balancer")),
        // Every status, not only active: a pack pending validation matters in a migration.
        soft(c.list(&certs_p, &[("status", "all")], single, "certificate_pack")),
        soft(c.list(&hosts_p, &[], hosts_paging, "custom_hostname")),
    )?;
    let on = zone.rid();
    let label = format!("zone {}", zone.name);
    let m = &mapper;
    let mut out = Collected::default();
    if let Some(items) = out.part(Kind::DnsRecord, &on, &label, dns)? {
        let records = items.iter().filter_map(|o| m.dns_record(&zone, o));
        out.resources.extend(records);
    }
    if let Some(items) = out.part(Kind::PageRule, &on, &label, page_rules)? {
        out.resources
            .extend(items.iter().filter_map(|o| m.page_rule(&zone, o)));
    }
    if let Some(items) = out.part(Kind::Ruleset, &on, &label, rulesets)? {
        read_rulesets(c, m, &zone, &items, &mut out).await?;
    }
    if let Some(items) = out.part(Kind::WorkerRoute, &on, &label, routes)? {
        for (r, link) in items.iter().filter_map(|o| m.worker_route(&zone, o)) {
            out.resources.push(r);
            out.links.extend(link);
        }
    }
    if let Some(items) = out.part(Kind::CfLoadBalancer, &on, &label, lbs)? {
        for (r, links) in items.iter().filter_map(|o| m.load_balancer(&zone, o)) {
            out.resources.push(r);
            out.links.extend(links);
        }
    }
    if let Some(items) = out.part(Kind::CertificatePack, &on, &label, certs)? {
        out.resources
            .extend(items.iter().filter_map(|o| m.certificate_pack(&zone, o)));
    }
    if let Some(items) = out.part(Kind::CustomHostname, &on, &label, hostnames)? {
        out.resources
            .extend(items.iter().filter_map(|o| m.custom_hostname(&zone, o)));
    }
    Ok(out)
}

/// The zone's own entry-point rulesets (kind `zone`: the rules the zone's users wrote, in
/// every phase), each read in full. Managed rulesets are Cloudflare's and are left out.
async fn read_rulesets(
    c: &CloudflareClient,
    m: &Mapper,
    zone: &ZoneRef,
    listed: &[Obj],
    out: &mut Collected,
) -> Result<(), CloudflareError> {
    let own: Vec<&Obj> = listed
        .iter()
        .filter(|r| str_at(r, "kind") == Some("zone"))
        .collect();
    let label = format!("zone {}", zone.name);
    // One after the other: a zone has a handful, and other zones keep the pipe full.
    for listed in own {
        let id = str_at(listed, "id").unwrap_or_default();
        let full = c.get(&["zones", &zone.id, "rulesets", id], "ruleset").await;
        // Without read access to one phase, the ruleset is still listed, without rules.
        let obj = out
            .part(Kind::Ruleset, &zone.rid(), &label, full)?
            .unwrap_or_else(|| listed.clone());
        out.resources.extend(m.ruleset(zone, &obj));
    }
    Ok(())
}

/// Everything of one account: Workers scripts, R2 buckets, load balancer pools.
pub async fn fetch_account(
    client: Arc<CloudflareClient>,
    mapper: Arc<Mapper>,
    account_id: String,
    label: String,
) -> Result<Collected, CloudflareError> {
    let c = &client;
    let a = account_id.as_str();
    let scripts_p = ["accounts", a, "workers", "scripts"];
    let buckets_p = ["accounts", a, "r2", "buckets"];
    let pools_p = ["accounts", a, "load_balancers", "pools"];
    let r2_paging = Paging::Cursor {
        per_page: R2_PER_PAGE,
    };
    let (scripts, buckets, pools) = tokio::try_join!(
        soft(c.list(&scripts_p, &[], Paging::Single, "worker_script")),
        // The live API wraps the list (`{"buckets": [...]}`); the 2024 spec has it bare.
        soft(c.list_in(&buckets_p, &[], r2_paging, "r2_bucket", Some("buckets"))),
        soft(c.list(&pools_p, &[], Paging::Single, "cf_pool")),
    )?;
    let on = rid("account", &[a]);
    let mut out = Collected::default();
    if let Some(items) = out.part(Kind::WorkerScript, &on, &label, scripts)? {
        out.resources
            .extend(items.iter().filter_map(|o| mapper.worker_script(a, o)));
    }
    if let Some(items) = out.part(Kind::R2Bucket, &on, &label, buckets)? {
        out.resources
            .extend(items.iter().filter_map(|o| mapper.r2_bucket(a, o)));
    }
    if let Some(items) = out.part(Kind::CfPool, &on, &label, pools)? {
        out.resources
            .extend(items.iter().filter_map(|o| mapper.pool(a, o)));
    }
    Ok(out)
}

/// Splits a request's errors for `try_join!`: an unavailable or failed part is a value
/// (recorded later, the other requests carry on); any other error ends the join at once, so
/// sibling requests do not sit out a long rate-limit pause for a fetch that has already
/// failed.
pub async fn soft<T>(
    request: impl std::future::Future<Output = Result<T, CloudflareError>>,
) -> Result<Result<T, CloudflareError>, CloudflareError> {
    match request.await {
        Err(e) if !e.is_part_error() => Err(e),
        other => Ok(other),
    }
}
