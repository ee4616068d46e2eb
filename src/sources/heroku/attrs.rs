//! Reading Heroku's JSON objects: dotted-path lookups, allowlisted copies, and the
//! clean-up of values that may carry credentials (log drain URLs).

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::model::{Attrs, Provider, ResourceId};

pub type Obj = Map<String, Value>;

/// `heroku:<kind>/<parts…>`.
pub fn rid(kind: &str, parts: &[&str]) -> ResourceId {
    ResourceId::new(Provider::Heroku, kind, parts)
}

/// A string at a dotted path (`app.name`).
pub fn str_at<'a>(obj: &'a Obj, path: &str) -> Option<&'a str> {
    let mut parts = path.split('.');
    let mut value = obj.get(parts.next()?)?;
    for p in parts {
        value = value.get(p)?;
    }
    value.as_str()
}

/// Copies the allowlisted fields. `a.b` copies only `b` of the object `a` (a null `a`
/// stays null); paths may go deeper (`addon.app.name`).
pub fn pick(obj: &Obj, fields: &[&str]) -> Attrs {
    let mut out = Map::new();
    for field in fields {
        copy_path(obj, &mut out, field);
    }
    out.into_iter().collect()
}

fn copy_path(from: &Obj, to: &mut Obj, path: &str) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let Some(value) = from.get(head) else {
        return;
    };
    match (rest, value) {
        (None, v) => {
            to.insert(head.to_string(), v.clone());
        }
        (Some(rest), Value::Object(inner)) => {
            let slot = to
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(slot) = slot {
                copy_path(inner, slot, rest);
            }
        }
        (Some(_), _) => {
            to.entry(head.to_string()).or_insert(Value::Null);
        }
    }
}

/// A log drain URL without credentials: scheme, host, port and path only (drain URLs
/// often carry an API key in the userinfo or the query).
pub fn sanitise_url(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(url) => {
            let mut out = format!("{}://", url.scheme());
            if let Some(host) = url.host_str() {
                out.push_str(host);
            }
            if let Some(port) = url.port() {
                out.push_str(&format!(":{port}"));
            }
            if url.path() != "/" {
                out.push_str(url.path());
            }
            out
        }
        // Not a URL Ferry can take apart: keep at most its scheme, never the rest.
        Err(_) => match raw.split_once("://") {
            Some((scheme, _))
                if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                format!("{scheme}://(unparseable)")
            }
            _ => "(unparseable URL)".into(),
        },
    }
}

/// A buildpack reference without credentials. Registry names (`heroku/ruby`) and plain
/// URLs are kept whole; a URL with a user, password or query (a private buildpack fetched
/// with a token) keeps scheme, host, port and path only.
pub fn buildpack_ref(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(url) if url.has_host() => {
            if url.username().is_empty() && url.password().is_none() && url.query().is_none() {
                raw.to_string()
            } else {
                sanitise_url(raw)
            }
        }
        // Not a URL with a host (`heroku/ruby`, or `user:token@host` read as a scheme):
        // anything with an `@` may carry a credential.
        _ if raw.contains('@') => "(unparseable URL)".into(),
        _ => raw.to_string(),
    }
}

/// Rewrites `buildpack.url` and `buildpack.name` of a buildpack installation (or its copy)
/// with [`buildpack_ref`]: outside the registry, Heroku gives the URL as the name too.
pub fn sanitise_buildpack(buildpack: Option<&mut Value>) {
    let Some(Value::Object(b)) = buildpack else {
        return;
    };
    for field in ["url", "name"] {
        if let Some(Value::String(v)) = b.get_mut(field) {
            *v = buildpack_ref(v);
        }
    }
}

/// Counts dyno states per process type: `{"web": {"up": 3, "crashed": 1}}`.
pub fn dyno_states(dynos: &[Obj]) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for d in dynos {
        if let (Some(t), Some(s)) = (str_at(d, "type"), str_at(d, "state")) {
            *out.entry(t.to_string())
                .or_default()
                .entry(s.to_string())
                .or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn buildpack_refs_lose_tokens_and_keep_names() {
        assert_eq!(buildpack_ref("heroku/ruby"), "heroku/ruby");
        assert_eq!(
            buildpack_ref("https://github.com/heroku/heroku-buildpack-ruby.git#v250"),
            "https://github.com/heroku/heroku-buildpack-ruby.git#v250"
        );
        assert_eq!(
            buildpack_ref("https://tok3n@github.com/acme/bp.git"),
            "https://github.com/acme/bp.git"
        );
        assert_eq!(
            buildpack_ref("https://u:p@example.com/bp.tgz?sig=abc"),
            "https://example.com/bp.tgz"
        );
        assert_eq!(buildpack_ref("user:tok3n@host"), "(unparseable URL)");
    }

    #[test]
    fn pick_keeps_only_allowlisted_paths() {
        let o = obj(json!({
            "name": "a", "secret": "x",
            "region": {"id": "r1", "name": "eu"},
            "space": null,
            "addon": {"name": "pg", "app": {"id": "1", "name": "owner"}}
        }));
        let attrs = pick(
            &o,
            &[
                "name",
                "region.name",
                "space.name",
                "addon.app.name",
                "missing",
            ],
        );
        assert_eq!(
            Value::Object(attrs.into_iter().collect()),
            json!({"name": "a", "region": {"name": "eu"}, "space": null, "addon": {"app": {"name": "owner"}}})
        );
    }

    #[test]
    fn drain_urls_lose_credentials_and_queries() {
        assert_eq!(
            sanitise_url(
                "https://user:pass@http-intake.logs.datadoghq.eu/api/v2/logs?dd-api-key=abc#x"
            ),
            "https://http-intake.logs.datadoghq.eu/api/v2/logs"
        );
        assert_eq!(
            sanitise_url("syslog+tls://logs5.papertrailapp.com:41234"),
            "syslog+tls://logs5.papertrailapp.com:41234"
        );
        assert_eq!(
            sanitise_url("https://token:t.abc@1.us.logplex.io/logs"),
            "https://1.us.logplex.io/logs"
        );
        let odd = sanitise_url("not a url with secret@host?key=1");
        assert!(!odd.contains("secret") && !odd.contains("key=1"), "{odd}");
    }

    #[test]
    fn dyno_states_are_counted_per_type() {
        let dynos = vec![
            obj(json!({"type": "web", "state": "up"})),
            obj(json!({"type": "web", "state": "up"})),
            obj(json!({"type": "web", "state": "crashed"})),
            obj(json!({"type": "worker", "state": "idle"})),
        ];
        let s = dyno_states(&dynos);
        assert_eq!(s["web"]["up"], 2);
        assert_eq!(s["web"]["crashed"], 1);
        assert_eq!(s["worker"]["idle"], 1);
    }
}
