//! What changed between two snapshots of one source: resources added, removed, and changed
//! (with the fields that differ). Pure: no I/O.
//!
//! Fetch times and Ferry's own `ferry_*` attributes (stale markers) are not changes of the
//! estate, so they are left out of the comparison.

use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Kind, Resource, ResourceId};

/// One resource as the diff names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: ResourceId,
    pub kind: Kind,
    pub name: String,
}

/// A resource present on both sides whose facts differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    #[serde(flatten)]
    pub entry: Entry,
    /// `name`, `parent`, `scope`, `tags`, or the attribute keys that differ.
    pub fields: Vec<String>,
    /// Each field's value before and after (`null` where it was or is absent).
    pub before: BTreeMap<String, Value>,
    pub after: BTreeMap<String, Value>,
}

impl Changed {
    /// `quantity 2 → 8`, one per field, values shortened for one line.
    pub fn describe(&self) -> Vec<String> {
        let null = Value::Null;
        self.fields
            .iter()
            .map(|f| {
                let (a, b) = (
                    self.before.get(f).unwrap_or(&null),
                    self.after.get(f).unwrap_or(&null),
                );
                format!("{f} {} → {}", short(a), short(b))
            })
            .collect()
    }
}

/// A value on one line: strings bare, everything else compact JSON, at most 40 characters.
pub fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(39).collect::<String>())
    } else {
        text
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    pub changed: Vec<Changed>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// `3 added, 1 removed, 2 changed`.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )
    }
}

/// Compares `old` with `new`. Each list is sorted by kind, then id.
pub fn diff(old: &[Resource], new: &[Resource]) -> Diff {
    let before: HashMap<&ResourceId, &Resource> = old.iter().map(|r| (&r.id, r)).collect();
    let after: HashMap<&ResourceId, &Resource> = new.iter().map(|r| (&r.id, r)).collect();
    let mut out = Diff::default();
    for r in new {
        match before.get(&r.id) {
            None => out.added.push(entry(r)),
            Some(was) => {
                let fields = changed_fields(was, r);
                if !fields.is_empty() {
                    let (before, after) = (facts(was, &fields), facts(r, &fields));
                    out.changed.push(Changed {
                        entry: entry(r),
                        fields,
                        before,
                        after,
                    });
                }
            }
        }
    }
    out.removed = old
        .iter()
        .filter(|r| !after.contains_key(&r.id))
        .map(entry)
        .collect();
    let key = |e: &Entry| (e.kind, e.id.clone());
    out.added.sort_by_key(key);
    out.removed.sort_by_key(key);
    out.changed.sort_by_key(|c| key(&c.entry));
    out.added.dedup();
    out.removed.dedup();
    out
}

fn entry(r: &Resource) -> Entry {
    Entry {
        id: r.id.clone(),
        kind: r.kind,
        name: r.name.clone(),
    }
}

/// The values of `fields` in `r`, by the names [`changed_fields`] gives them.
fn facts(r: &Resource, fields: &[String]) -> BTreeMap<String, Value> {
    fields
        .iter()
        .map(|f| {
            let v = match f.as_str() {
                "name" => Value::from(r.name.clone()),
                "parent" => r
                    .parent
                    .as_ref()
                    .map_or(Value::Null, |p| Value::from(p.to_string())),
                "scope" => serde_json::to_value(&r.scope).unwrap_or_default(),
                "tags" => serde_json::to_value(&r.tags).unwrap_or_default(),
                key => r.attrs.get(key).cloned().unwrap_or(Value::Null),
            };
            (f.clone(), v)
        })
        .collect()
}

fn changed_fields(a: &Resource, b: &Resource) -> Vec<String> {
    let mut fields = Vec::new();
    if a.name != b.name {
        fields.push("name".to_string());
    }
    if a.parent != b.parent {
        fields.push("parent".to_string());
    }
    if a.scope != b.scope {
        fields.push("scope".to_string());
    }
    if a.tags != b.tags {
        fields.push("tags".to_string());
    }
    let keys: BTreeSet<&String> = a
        .attrs
        .keys()
        .chain(b.attrs.keys())
        .filter(|k| !k.starts_with("ferry_"))
        .collect();
    fields.extend(
        keys.into_iter()
            .filter(|k| a.attrs.get(*k) != b.attrs.get(*k))
            .cloned(),
    );
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provider, Scope};
    use serde_json::json;

    fn res(id: &str, kind: Kind, attrs: serde_json::Value) -> Resource {
        Resource {
            id: ResourceId::from_raw(id),
            provider: Provider::Heroku,
            kind,
            name: id.rsplit('/').next().unwrap().into(),
            parent: None,
            scope: Scope::default(),
            attrs: serde_json::from_value(attrs).unwrap(),
            tags: Default::default(),
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn added_removed_and_changed_fields() {
        let old = vec![
            res(
                "heroku:app/a",
                Kind::App,
                json!({"stack": {"name": "heroku-22"}}),
            ),
            res(
                "heroku:formation/a/web",
                Kind::Formation,
                json!({"quantity": 2, "size": "Standard-1X"}),
            ),
            res(
                "heroku:formation/a/clock",
                Kind::Formation,
                json!({"quantity": 1}),
            ),
        ];
        let mut web = res(
            "heroku:formation/a/web",
            Kind::Formation,
            json!({"quantity": 4, "size": "Standard-1X", "ferry_stale": true}),
        );
        web.fetched_at = chrono::DateTime::UNIX_EPOCH;
        let new = vec![
            res(
                "heroku:app/a",
                Kind::App,
                json!({"stack": {"name": "heroku-22"}}),
            ),
            web,
            res(
                "heroku:formation/a/worker",
                Kind::Formation,
                json!({"quantity": 1}),
            ),
        ];
        let d = diff(&old, &new);
        let ids = |es: &[Entry]| es.iter().map(|e| e.id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&d.added), ["heroku:formation/a/worker"]);
        assert_eq!(ids(&d.removed), ["heroku:formation/a/clock"]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].entry.id.as_str(), "heroku:formation/a/web");
        assert_eq!(
            d.changed[0].fields,
            ["quantity"],
            "fetch times and ferry_ markers are not changes"
        );
        assert_eq!(d.summary(), "1 added, 1 removed, 1 changed");
        assert_eq!(d.changed[0].describe(), ["quantity 2 → 4"]);
    }

    #[test]
    fn identical_snapshots_have_no_diff() {
        let a = vec![res("heroku:app/a", Kind::App, json!({"x": 1}))];
        let mut b = a.clone();
        b[0].fetched_at = chrono::DateTime::UNIX_EPOCH;
        assert!(diff(&a, &b).is_empty());
        let mut c = a.clone();
        c[0].tags.insert("team".into(), "core".into());
        c[0].name = "renamed".into();
        assert_eq!(diff(&a, &c).changed[0].fields, ["name", "tags"]);
    }
}
