//! One app's details: the endpoints Heroku only offers per app. Their first pages are
//! paid for by one reservation of [`REQUESTS_PER_APP`] tokens, made before the app starts.

use serde::de::IgnoredAny;
use std::collections::BTreeMap;

use super::attrs::{Obj, dyno_states};
use super::client::{HerokuClient, Paid};
use super::error::HerokuError;
use super::mapping::Mapper;
use super::range;
use crate::model::{Link, Resource, Scope};

/// Requests one app's details cost (first pages): formation, dynos, config vars, domains,
/// SNI endpoints, log drains, buildpacks, releases.
pub const REQUESTS_PER_APP: i64 = 8;

/// What one app's details cost: a Fir app's telemetry drains are one request more.
pub fn requests_for(fir: bool) -> i64 {
    REQUESTS_PER_APP + i64::from(fir)
}

/// Releases looked at to find the current one (the newest is current unless it failed).
const RELEASES_SCANNED: u32 = 10;

pub struct AppDetails {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
}

/// Fetches the details of `app`. All eight requests (nine for a Fir app: its telemetry
/// drains) are made (concurrently, under the client's bound) even when one fails, so the
/// reservation is always used up.
pub async fn fetch(
    client: &HerokuClient,
    mapper: &Mapper,
    app: &str,
    scope: &Scope,
    fir: bool,
) -> Result<AppDetails, HerokuError> {
    let paths: Vec<String> = [
        "formation",
        "dynos",
        "config-vars",
        "domains",
        "sni-endpoints",
        "log-drains",
        "buildpack-installations",
        "releases",
    ]
    .iter()
    .map(|tail| format!("/apps/{app}/{tail}"))
    .collect();
    let p = |i: usize| paths[i].as_str();
    let newest = range::newest("version", RELEASES_SCANNED);
    let telemetry = async {
        match fir {
            true => super::fir::app_drains(client, app).await,
            false => Ok(Vec::new()),
        }
    };
    let (formation, dynos, config, domains, sni, drains, buildpacks, releases, telemetry) = tokio::join!(
        client.list::<Obj>(p(0), "formation", Some("id"), Paid::Reserved),
        client.list::<Obj>(p(1), "dynos", Some("id"), Paid::Reserved),
        // Values are skipped by the deserializer (IgnoredAny): only names leave this line.
        client.get_value::<BTreeMap<String, IgnoredAny>>(p(2), "config-vars", Some(Paid::Reserved)),
        client.list::<Obj>(p(3), "domains", Some("id"), Paid::Reserved),
        client.list::<Obj>(p(4), "sni-endpoints", Some("id"), Paid::Reserved),
        client.list::<Obj>(p(5), "log-drains", Some("id"), Paid::Reserved),
        // Buildpack installations have no `id` to range over; the list is a handful.
        client.list::<Obj>(p(6), "buildpacks", None, Paid::Reserved),
        client.first_page::<Obj>(p(7), "releases", &newest, Paid::Reserved),
        telemetry,
    );
    let (formation, dynos, config, domains, sni, drains, buildpacks, releases, telemetry) = (
        formation?,
        dynos?,
        config?,
        domains?,
        sni?,
        drains?,
        buildpacks?,
        releases?,
        telemetry?,
    );

    let mut resources = Vec::new();
    let mut links = Vec::new();
    let states = dyno_states(&dynos);
    resources.extend(
        formation
            .iter()
            .filter_map(|f| mapper.formation(app, scope, f, &states)),
    );
    resources.push(mapper.config_vars(app, scope, config.into_keys().collect()));
    for d in &domains {
        if let Some((r, link)) = mapper.domain(app, scope, d) {
            resources.push(r);
            links.extend(link);
        }
    }
    resources.extend(
        sni.iter()
            .filter_map(|s| mapper.sni_endpoint(app, scope, s)),
    );
    for d in &drains {
        if let Some((r, link)) = mapper.log_drain(app, scope, d) {
            resources.push(r);
            links.extend(link);
        }
    }
    resources.extend(
        telemetry
            .iter()
            .filter_map(|d| mapper.telemetry_drain("app", app, scope, d)),
    );
    resources.extend(
        buildpacks
            .iter()
            .filter_map(|b| mapper.buildpack(app, scope, b)),
    );
    if let Some(current) = current_release(&releases) {
        resources.extend(mapper.release(app, scope, current));
    }
    Ok(AppDetails { resources, links })
}

/// The release marked `current`, else the newest that succeeded.
fn current_release(releases: &[Obj]) -> Option<&Obj> {
    let version = |r: &&Obj| r.get("version").and_then(|v| v.as_i64()).unwrap_or(0);
    releases
        .iter()
        .find(|r| r.get("current").and_then(|c| c.as_bool()) == Some(true))
        .or_else(|| {
            releases
                .iter()
                .filter(|r| r.get("status").and_then(|s| s.as_str()) == Some("succeeded"))
                .max_by_key(version)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn current_release_prefers_the_flag_then_the_newest_success() {
        let o = |v: serde_json::Value| v.as_object().unwrap().clone();
        let rs = vec![
            o(json!({"version": 12, "status": "failed", "current": false})),
            o(json!({"version": 11, "status": "succeeded", "current": true})),
        ];
        assert_eq!(current_release(&rs).unwrap()["version"], 11);
        let rs = vec![
            o(json!({"version": 12, "status": "failed"})),
            o(json!({"version": 10, "status": "succeeded"})),
            o(json!({"version": 11, "status": "succeeded"})),
        ];
        assert_eq!(current_release(&rs).unwrap()["version"], 11);
        assert!(current_release(&[]).is_none());
    }
}
