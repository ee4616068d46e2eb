//! Dyno sizes and Fir telemetry drains.
//!
//! `GET /dyno-sizes` is read once per account, so the process size check knows sizes
//! Heroku adds later (Fir sizes included) without a release of Ferry; each size becomes a
//! `heroku_dyno_size` resource under the account. A kind rather than an attribute on the
//! account: the "what was not read" contract (`ferry_unavailable`) names a part by its
//! kind, the sizes then show and diff like any other list, and the analysis looks them
//! up under the account as it looks up an app's parts.
//!
//! Telemetry drains (OpenTelemetry exporters) exist on Fir apps and spaces only: the
//! schema says "For Fir-generation apps only", so Cedar apps are not asked (one request
//! per app saved, and no error to explain). The Heroku CLI's `telemetry` commands read
//! `/apps/{app}/telemetry-drains` and `/spaces/{space}/telemetry-drains` with
//! `Accept: application/vnd.heroku+json; version=3.sdk` (heroku/cli,
//! packages/cli/src/commands/telemetry/index.ts); the client sends that variant for these
//! two endpoints (see `client::accept_for`). The exporter's headers carry API keys: only
//! their names are kept, and the endpoint loses userinfo and query like a log drain URL.

use serde_json::{Map, Value, json};

use super::attrs::{Obj, pick, rid, sanitise_url, str_at};
use super::client::{HerokuClient, Paid};
use super::error::HerokuError;
use super::fields::{DYNO_SIZE_FIELDS, TELEMETRY_DRAIN_FIELDS};
use super::mapping::Mapper;
use super::previous::Previous;
use crate::model::{Kind, Link, LinkKind, Resource, ResourceId, Scope};

/// Attribute on the resource holding a list that was not read (the shared contract).
pub const UNAVAILABLE_ATTR: &str = "ferry_unavailable";

/// The progress label (and request kind) of both telemetry drain endpoints.
pub const TELEMETRY_KIND: &str = "telemetry-drains";

/// Whether an app or space object (`/apps`, `/spaces`) is of the Fir generation. Objects
/// without `generation` (older API answers) are Cedar, the only generation then.
pub fn is_fir(obj: &Obj) -> bool {
    str_at(obj, "generation.name").is_some_and(|g| g.eq_ignore_ascii_case("fir"))
}

/// One account-wide list read on its own: its resources, or the previous snapshot's
/// (stale) and the `ferry_unavailable` entry saying why.
#[derive(Default)]
pub struct Part {
    pub resources: Vec<Resource>,
    pub links: Vec<Link>,
    pub unavailable: Option<Value>,
    /// The full message for the fetch's notes, when the list could not be read.
    pub warning: Option<String>,
}

impl Part {
    fn failed(kind: Kind, e: &HerokuError, carried: (Vec<Resource>, Vec<Link>)) -> Part {
        let (resources, links) = carried;
        Part {
            unavailable: Some(json!({
                "kind": kind.as_str(),
                "error": e.cause(),
                "kept_stale": resources.len(),
                // A refusal (403/404/422: not enabled, not permitted) is not a fault.
                "failed": e.is_fault(),
            })),
            warning: Some(e.to_string()),
            resources,
            links,
        }
    }
}

/// Header names as the schema allows them; anything else (a "name" that is really a
/// value pasted in) is dropped rather than kept.
fn header_name_ok(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The exporter's header names: the keys of `exporter.headers` (an API answer) or the
/// `exporter.header_names` a fetch stored (an import mapped again). Never a value.
fn header_names(obj: &Obj) -> Vec<String> {
    let exporter = obj.get("exporter").and_then(Value::as_object);
    let mut names: Vec<String> = match exporter {
        Some(e) => match (e.get("headers"), e.get("header_names")) {
            (Some(Value::Object(h)), _) => h.keys().cloned().collect(),
            (_, Some(Value::Array(n))) => n
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    names.retain(|n| header_name_ok(n));
    names.sort();
    names.dedup();
    names
}

impl Mapper {
    pub fn dyno_size(&self, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        Some(self.resource(
            rid("dyno_size", &[&self.email, name]),
            Kind::DynoSize,
            name,
            Some(rid("account", &[&self.email])),
            self.scope(None),
            pick(obj, DYNO_SIZE_FIELDS),
        ))
    }

    /// A telemetry drain of `owner` (`app` or `space`, by name), under that owner.
    pub fn telemetry_drain(
        &self,
        owner_kind: &str,
        owner: &str,
        scope: &Scope,
        obj: &Obj,
    ) -> Option<Resource> {
        let id = str_at(obj, "id")?;
        let endpoint = str_at(obj, "exporter.endpoint")
            .map(sanitise_url)
            .unwrap_or_default();
        let mut attrs = pick(obj, TELEMETRY_DRAIN_FIELDS);
        let signals: Vec<Value> = obj
            .get("signals")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(Value::from)
            .collect();
        attrs.insert("signals".into(), Value::Array(signals));
        let exporter = attrs
            .entry("exporter".to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !exporter.is_object() {
            *exporter = Value::Object(Map::new());
        }
        if let Value::Object(e) = exporter {
            e.insert("endpoint".into(), Value::from(endpoint.clone()));
            e.insert("header_names".into(), Value::from(header_names(obj)));
        }
        Some(self.resource(
            rid("telemetry_drain", &[owner, id]),
            Kind::TelemetryDrain,
            &endpoint,
            Some(rid(owner_kind, &[owner])),
            scope.clone(),
            attrs,
        ))
    }
}

/// The answer to `GET /dyno-sizes` as the account's sizes, or (when that one request
/// failed, short of an error that ends the account, which the caller has passed on) the
/// previous snapshot's, marked stale, with the cause.
pub fn dyno_sizes(
    answer: Result<Vec<Obj>, HerokuError>,
    mapper: &Mapper,
    previous: &Previous,
) -> Part {
    match answer {
        Ok(sizes) => Part {
            resources: sizes.iter().filter_map(|s| mapper.dyno_size(s)).collect(),
            ..Part::default()
        },
        Err(e) => {
            tracing::warn!("{e}");
            let account = rid("account", &[&mapper.email]);
            Part::failed(
                Kind::DynoSize,
                &e,
                previous.carry_children(&account, Kind::DynoSize),
            )
        }
    }
}

/// `GET /dyno-sizes`, unpaged: a few dozen sizes fit one default page (no `Range`
/// needed), and a `Next-Range` is still followed if Heroku ever sends one.
pub async fn fetch_dyno_sizes(client: &HerokuClient) -> Result<Vec<Obj>, HerokuError> {
    client
        .list::<Obj>("/dyno-sizes", "dyno-sizes", None, Paid::Unreserved)
        .await
}

/// A Fir space's telemetry drains, each linked to every app in the space (a space-level
/// drain receives the telemetry of all of them). A failure costs this space's drains
/// only: the previous ones are kept, stale, and the space says why.
pub async fn space_drains(
    client: &HerokuClient,
    mapper: &Mapper,
    space: &str,
    scope: &Scope,
    apps: &[&str],
    previous: &Previous,
) -> Result<Part, HerokuError> {
    let path = format!("/spaces/{space}/telemetry-drains");
    match client
        .list::<Obj>(&path, TELEMETRY_KIND, None, Paid::Unreserved)
        .await
    {
        Ok(drains) => {
            let mut part = Part::default();
            for d in &drains {
                if let Some(r) = mapper.telemetry_drain("space", space, scope, d) {
                    part.links.extend(apps_links(&r.id, apps));
                    part.resources.push(r);
                }
            }
            Ok(part)
        }
        Err(e) if e.ends_account() => Err(e),
        Err(e) => {
            tracing::warn!(space, "{e}");
            let id = rid("space", &[space]);
            Ok(Part::failed(
                Kind::TelemetryDrain,
                &e,
                previous.carry_children(&id, Kind::TelemetryDrain),
            ))
        }
    }
}

fn apps_links(drain: &ResourceId, apps: &[&str]) -> Vec<Link> {
    apps.iter()
        .map(|app| Link {
            from: drain.clone(),
            to: rid("app", &[app]),
            kind: LinkKind::AttachedTo,
        })
        .collect()
}

/// `GET /apps/{app}/telemetry-drains` for a Fir app (one reserved request).
pub async fn app_drains(client: &HerokuClient, app: &str) -> Result<Vec<Obj>, HerokuError> {
    let path = format!("/apps/{app}/telemetry-drains");
    client
        .list::<Obj>(&path, TELEMETRY_KIND, None, Paid::Reserved)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_drain_keeps_header_names_and_a_clean_endpoint_only() {
        let m = Mapper {
            email: "a@b.c".into(),
            at: Utc::now(),
        };
        let d = obj(json!({
            "id": "d1",
            "signals": ["traces", "logs", 7],
            "owner": {"id": "o1", "type": "app"},
            "exporter": {
                "type": "otlphttp",
                "endpoint": "https://user:pw@otel.example.com/v1?api_key=CANARY",
                "headers": {"x-api-key": "CANARY-KEY", "bad name": "x"}
            }
        }));
        let r = m
            .telemetry_drain("app", "acme", &m.scope(None), &d)
            .unwrap();
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("CANARY"), "{text}");
        assert!(!text.contains("pw"), "{text}");
        assert_eq!(r.name, "https://otel.example.com/v1");
        assert_eq!(r.attrs["exporter"]["header_names"], json!(["x-api-key"]));
        assert_eq!(r.attrs["signals"], json!(["traces", "logs"]));
        assert_eq!(r.parent.unwrap().as_str(), "heroku:app/acme");
        // Mapped again from its own attributes (an import): the same facts.
        let again = m
            .telemetry_drain("app", "acme", &m.scope(None), &obj(json!(r.attrs)))
            .unwrap();
        assert_eq!(again.attrs, r.attrs);
    }

    #[test]
    fn generation_decides_fir() {
        assert!(is_fir(&obj(json!({"generation": {"name": "fir"}}))));
        assert!(!is_fir(&obj(json!({"generation": {"name": "cedar"}}))));
        assert!(!is_fir(&obj(json!({"name": "old"}))));
    }
}
