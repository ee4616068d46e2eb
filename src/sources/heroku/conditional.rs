//! Conditional requests (`If-None-Match`) for the per-app endpoints, where nearly all of
//! a fetch's requests go.
//!
//! Every per-app response with an `ETag` is remembered with a sanitised copy of its body:
//! only the fields in [`super::fields`] (what the mapper keeps), log drain and buildpack
//! URLs without credentials, config var names without values. The next fetch sends the `ETag` back; a
//! `304 Not Modified` is answered from the copy, which parses to the same resources as the
//! full body would. The copies live in the cache next to the snapshots, so they hold
//! nothing a snapshot would not.

use chrono::{DateTime, Duration, Utc};
use serde::de::IgnoredAny;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::attrs::{Obj, pick, sanitise_buildpack, sanitise_url, str_at};
use super::fields::*;
use crate::model::CachedResponse;

/// Responses not confirmed for this long are forgotten (the app is probably gone).
const FORGET_AFTER_DAYS: i64 = 30;

/// Bump when [`sanitise`] changes in a way the field lists do not show (how URLs are
/// cleaned, say): copies made by the old rules are then dropped, not replayed.
const SANITISER_VERSION: u32 = 1;

/// The fingerprint of today's rules: the sanitiser version and every endpoint's fields.
pub fn rules() -> &'static str {
    static RULES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut text = format!("v{SANITISER_VERSION}");
        for (kind, fields) in ENDPOINTS {
            text.push_str(&format!(";{kind}={}", fields.unwrap_or(&[]).join(",")));
        }
        // FNV-1a: stable across builds and platforms (std's hasher is seeded).
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}")
    });
    &RULES
}

/// Every conditional endpoint, by progress label, with the fields kept of its objects
/// (`None`: config vars, whose names alone are kept).
const ENDPOINTS: [(&str, Option<&[&str]>); 8] = [
    ("formation", Some(FORMATION_FIELDS)),
    ("dynos", Some(DYNO_FIELDS)),
    ("config-vars", None),
    ("domains", Some(DOMAIN_FIELDS)),
    ("sni-endpoints", Some(SNI_ENDPOINT_FIELDS)),
    ("log-drains", Some(LOG_DRAIN_FIELDS)),
    ("buildpacks", Some(BUILDPACK_FIELDS)),
    ("releases", Some(RELEASE_FIELDS)),
];

fn endpoint(kind: &str) -> Option<Option<&'static [&'static str]>> {
    ENDPOINTS.iter().find(|(k, _)| *k == kind).map(|(_, f)| *f)
}

/// Whether requests of `kind` (the progress label) are made conditionally.
pub fn is_conditional(kind: &str) -> bool {
    endpoint(kind).is_some()
}

/// The body reduced to what Ferry keeps; `None` when it does not parse (then nothing is
/// remembered and the parse error surfaces from the normal path).
pub fn sanitise(kind: &str, body: &[u8]) -> Option<Vec<u8>> {
    let Some(fields) = endpoint(kind)? else {
        // Config vars: the names, each with `null` for its value.
        let vars: BTreeMap<String, IgnoredAny> = serde_json::from_slice(body).ok()?;
        let names: Obj = vars.into_keys().map(|k| (k, Value::Null)).collect();
        return serde_json::to_vec(&names).ok();
    };
    let items: Vec<Obj> = serde_json::from_slice(body).ok()?;
    let kept: Vec<Obj> = items
        .iter()
        .map(|item| {
            let mut out: Obj = pick(item, fields).into_iter().collect();
            if kind == "log-drains"
                && let Some(url) = str_at(item, "url")
            {
                out.insert("url".into(), Value::from(sanitise_url(url)));
            }
            if kind == "buildpacks" {
                sanitise_buildpack(out.get_mut("buildpack"));
            }
            out
        })
        .collect();
    serde_json::to_vec(&kept).ok()
}

/// The remembered responses of every account, shared by the accounts' clients.
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<HashMap<(String, String), CachedResponse>>,
}

impl ResponseCache {
    /// Starts from what the last fetch remembered, less copies made by other rules.
    pub fn new(responses: Vec<CachedResponse>) -> Self {
        let entries = responses
            .into_iter()
            .filter(|r| r.rules == rules())
            .map(|r| ((r.account.clone(), r.request.clone()), r))
            .collect();
        ResponseCache {
            entries: Mutex::new(entries),
        }
    }

    pub fn get(&self, account: &str, request: &str) -> Option<CachedResponse> {
        let entries = self.entries.lock().expect("response cache lock");
        entries
            .get(&(account.to_string(), request.to_string()))
            .cloned()
    }

    /// Remembers a fresh response (replacing any older one).
    pub fn put(&self, response: CachedResponse) {
        let key = (response.account.clone(), response.request.clone());
        let mut entries = self.entries.lock().expect("response cache lock");
        entries.insert(key, response);
    }

    /// Notes that a remembered response was confirmed current by a 304.
    pub fn confirm(&self, account: &str, request: &str, at: DateTime<Utc>) {
        let mut entries = self.entries.lock().expect("response cache lock");
        if let Some(r) = entries.get_mut(&(account.to_string(), request.to_string())) {
            r.confirmed_at = at;
        }
    }

    /// Everything still worth keeping at `now`, in a stable order, for the store.
    pub fn to_responses(&self, now: DateTime<Utc>) -> Vec<CachedResponse> {
        let horizon = now - Duration::days(FORGET_AFTER_DAYS);
        let entries = self.entries.lock().expect("response cache lock");
        let mut out: Vec<CachedResponse> = entries
            .values()
            .filter(|r| r.confirmed_at >= horizon)
            .cloned()
            .collect();
        out.sort_by(|a, b| (&a.account, &a.request).cmp(&(&b.account, &b.request)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bytes(v: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn config_vars_keep_names_and_lose_every_value() {
        let body = bytes(json!({"DATABASE_URL": "postgres://u:hunter2@db/x", "PORT": "5000"}));
        let kept = sanitise("config-vars", &body).unwrap();
        let text = String::from_utf8(kept).unwrap();
        assert_eq!(text, r#"{"DATABASE_URL":null,"PORT":null}"#);
    }

    #[test]
    fn drains_lose_credentials_and_objects_lose_unlisted_fields() {
        let body = bytes(json!([{
            "id": "d1", "token": "d.abc",
            "url": "https://user:s3cret@logs.example.com/ingest?key=k3y",
            "addon": null, "app": {"id": "a1", "name": "api"},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "something_new": "kept nowhere"
        }]));
        let text = String::from_utf8(sanitise("log-drains", &body).unwrap()).unwrap();
        assert!(!text.contains("s3cret") && !text.contains("k3y"), "{text}");
        assert!(!text.contains("something_new"), "{text}");
        assert!(text.contains("https://logs.example.com/ingest"), "{text}");
        let dynos = bytes(json!([{"type": "run", "state": "up",
            "attach_url": "rendezvous://rendezvous.runtime.heroku.com:5000/secret"}]));
        let text = String::from_utf8(sanitise("dynos", &dynos).unwrap()).unwrap();
        assert_eq!(text, r#"[{"state":"up","type":"run"}]"#);
    }

    #[test]
    fn only_per_app_endpoints_are_conditional_and_bad_bodies_are_not_kept() {
        assert!(is_conditional("formation") && is_conditional("config-vars"));
        assert!(!is_conditional("apps") && !is_conditional("rate-limits"));
        assert_eq!(sanitise("formation", b"{not json"), None);
        assert_eq!(sanitise("apps", b"[]"), None);
    }

    #[test]
    fn old_responses_are_forgotten() {
        let now = Utc::now();
        let r = |request: &str, days: i64| CachedResponse {
            account: "a".into(),
            request: request.into(),
            etag: "\"e\"".into(),
            status: 200,
            next_range: None,
            body: b"[]".to_vec(),
            rules: rules().to_string(),
            confirmed_at: now - Duration::days(days),
        };
        let cache = ResponseCache::new(vec![r("GET /x", 1), r("GET /y", 45)]);
        cache.confirm("a", "GET /y", now);
        cache.put(r("GET /z", 40));
        let kept: Vec<String> = cache
            .to_responses(now)
            .into_iter()
            .map(|r| r.request)
            .collect();
        assert_eq!(kept, ["GET /x", "GET /y"]);

        let mut other_rules = r("GET /w", 1);
        other_rules.rules = "0000000000000000".into();
        let cache = ResponseCache::new(vec![other_rules]);
        assert!(
            cache.get("a", "GET /w").is_none(),
            "a copy made by other sanitising rules is never replayed"
        );
    }

    #[test]
    fn the_rules_fingerprint_covers_every_conditional_endpoint() {
        assert_eq!(rules().len(), 16);
        for (kind, _) in ENDPOINTS {
            assert!(is_conditional(kind), "{kind}");
        }
    }
}
