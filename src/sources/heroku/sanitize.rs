//! An imported Heroku resource cut down to what a fetch keeps.
//!
//! Attributes keep Heroku's own field names, so an imported resource's attributes can be
//! read as the API object they came from and mapped again by the fetch's own [`Mapper`]:
//! the same allowlists, the same drain and buildpack URL clean-up, config vars as names
//! only. Nothing here lists fields of its own, so import and fetch cannot drift apart.

use serde_json::Value;
use std::collections::BTreeMap;

use super::attrs::{Obj, buildpack_ref, sanitise_url, str_at};
use super::mapping::Mapper;
use crate::model::{Kind, Resource};

/// Replaces `r`'s attributes with those the fetch's mapper keeps of them, and its name and
/// tags with what a fetch gives. An object the mapper would not map at all (its key field
/// is missing) keeps no attributes.
pub fn resource(r: &mut Resource) {
    let obj: Obj = std::mem::take(&mut r.attrs).into_iter().collect();
    let m = Mapper {
        email: r.scope.account.clone(),
        at: r.fetched_at,
    };
    let scope = r.scope.clone();
    // The app only shapes the mapped resource's id and parent, which are not taken.
    let app = "app";
    let mapped = match r.kind {
        Kind::HerokuAccount => Some(m.account(&obj)),
        Kind::Team => m.team(&obj),
        Kind::Space => m.space(&obj),
        Kind::App => m.app(&obj),
        Kind::Formation => {
            let states = obj
                .get("dyno_states")
                .cloned()
                .and_then(|v| serde_json::from_value::<BTreeMap<String, u64>>(v).ok())
                .unwrap_or_default();
            let by_type = str_at(&obj, "type")
                .map(|t| BTreeMap::from([(t.to_string(), states)]))
                .unwrap_or_default();
            m.formation(app, &scope, &obj, &by_type)
        }
        Kind::ConfigVars => Some(m.config_vars(app, &scope, names(obj.get("names")))),
        Kind::Domain => m.domain(app, &scope, &obj).map(|(r, _)| r),
        Kind::SniEndpoint => m.sni_endpoint(app, &scope, &obj),
        Kind::LogDrain => m.log_drain(app, &scope, &obj).map(|(r, _)| r),
        // The owner only shapes the id and parent, which are not taken.
        Kind::TelemetryDrain => m.telemetry_drain("app", app, &scope, &obj),
        Kind::DynoSize => m.dyno_size(&obj),
        Kind::Buildpack => m.buildpack(app, &scope, &obj),
        Kind::Release => m.release(app, &scope, &obj),
        Kind::Addon => m.addon(scope.clone(), &obj).map(|mut a| {
            // The API gives the names of the vars an add-on sets; never their values.
            if let Some(v) = a.attrs.get_mut("config_vars") {
                *v = Value::from(names(Some(v)));
            }
            a
        }),
        Kind::AddonAttachment => m.attachment(scope.clone(), &obj).map(|(r, _)| r),
        Kind::Pipeline => m.pipeline(scope.team.as_deref(), &obj),
        Kind::PipelineCoupling => {
            let pipeline = str_at(&obj, "pipeline.name")
                .or_else(|| r.parent.as_ref().and_then(|p| last_part(p.as_str())))
                .unwrap_or_default()
                .to_string();
            let app_name = str_at(&obj, "app.name")
                .or_else(|| last_part(r.id.as_str()))
                .unwrap_or_default()
                .to_string();
            m.coupling(scope.team.as_deref(), &pipeline, &app_name, &obj)
                .map(|(r, _)| r)
        }
        _ => None,
    };
    let mapped_name = mapped.as_ref().map(|x| x.name.clone());
    r.attrs = mapped.map(|x| x.attrs).unwrap_or_default();
    match r.kind {
        // A fetch names a drain by its cleaned URL, a buildpack by its cleaned reference.
        Kind::LogDrain => {
            if let Some(url) = mapped_name.filter(|_| r.attrs.contains_key("url")) {
                r.name = url;
            } else if r.name.contains("://") || r.name.contains('@') {
                r.name = sanitise_url(&r.name);
            }
        }
        // A fetch names a telemetry drain by its cleaned endpoint.
        Kind::TelemetryDrain => {
            r.name = match (mapped_name, r.attrs.contains_key("exporter")) {
                (Some(endpoint), true) => endpoint,
                _ => sanitise_url(&r.name),
            }
        }
        Kind::Buildpack => r.name = buildpack_ref(&r.name),
        _ => {}
    }
    // Heroku has no tags; a fetch never sets any.
    r.tags.clear();
}

/// Config var names from a list of names (or, from a file that carried `{name: value}`,
/// the keys only). A "name" holding `=` is a `NAME=value` pair and goes whole.
fn names(v: Option<&Value>) -> Vec<String> {
    let all: Vec<String> = match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    all.into_iter().filter(|n| !n.contains('=')).collect()
}

/// `heroku:pipeline/acme` → `acme`.
fn last_part(id: &str) -> Option<&str> {
    id.rsplit('/').next().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, ResourceId, Scope};
    use serde_json::json;

    fn res(kind: Kind, name: &str, attrs: Value) -> Resource {
        Resource {
            id: ResourceId::new(Provider::Heroku, kind.as_str(), &["acme-api", "1"]),
            provider: Provider::Heroku,
            kind,
            name: name.into(),
            parent: Some(ResourceId::new(Provider::Heroku, "app", &["acme-api"])),
            scope: Scope {
                account: "platform@acmepay.com".into(),
                ..Scope::default()
            },
            attrs: serde_json::from_value(attrs).unwrap(),
            tags: [("owner".to_string(), "x".to_string())].into(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn config_vars_keep_names_only() {
        let mut r = res(
            Kind::ConfigVars,
            "config vars",
            json!({"names": ["B", "A", "C=leak"], "values": {"A": "postgres://u:pw@h/db"},
                   "DATABASE_URL": "postgres://u:pw@h/db"}),
        );
        resource(&mut r);
        assert_eq!(
            serde_json::to_value(&r.attrs).unwrap(),
            json!({"names": ["A", "B"]})
        );
        assert!(r.tags.is_empty());
        let mut map = res(Kind::ConfigVars, "c", json!({"names": {"X": "v4lue"}}));
        resource(&mut map);
        assert_eq!(map.attrs["names"], json!(["X"]));
    }

    #[test]
    fn drains_lose_credentials_in_url_and_name() {
        let url = "https://user:pw@logs.example.com/in?api_key=k3y";
        let mut r = res(
            Kind::LogDrain,
            url,
            json!({"id": "d1", "token": "d.1", "url": url, "password": "pw"}),
        );
        resource(&mut r);
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("pw") && !text.contains("k3y"), "{text}");
        assert_eq!(r.name, "https://logs.example.com/in");
        assert_eq!(r.attrs["url"], "https://logs.example.com/in");
    }

    #[test]
    fn apps_keep_the_fetch_allowlist() {
        let mut r = res(
            Kind::App,
            "acme-api",
            json!({"name": "acme-api", "region": {"name": "eu", "secret": "s"},
                   "api_key": "k", "password": "p", "stack": {"name": "heroku-24"}}),
        );
        resource(&mut r);
        assert_eq!(
            serde_json::to_value(&r.attrs).unwrap(),
            json!({"name": "acme-api", "region": {"name": "eu"}, "stack": {"name": "heroku-24"}})
        );
    }

    #[test]
    fn buildpacks_lose_tokens() {
        let mut r = res(
            Kind::Buildpack,
            "https://tok3n@github.com/acme/bp.git",
            json!({"ordinal": 0, "buildpack": {"url": "https://tok3n@github.com/acme/bp.git",
                   "name": "https://tok3n@github.com/acme/bp.git"}}),
        );
        resource(&mut r);
        assert!(!serde_json::to_string(&r).unwrap().contains("tok3n"));
    }
}
