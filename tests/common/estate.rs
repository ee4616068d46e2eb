//! Building blocks for the small estates the gap tests craft in code.

use ferry::gap::{GapReport, Item};
use ferry::model::{Resource, ResourceId};
use serde_json::{Value, json};

/// When every crafted resource was fetched.
pub const AT: &str = "2026-11-20T08:00:00Z";

/// A resource from its JSON, with no parent, no tags and fetched at `AT` unless given.
pub fn resource(mut v: Value) -> Resource {
    let o = v.as_object_mut().expect("a resource is a JSON object");
    o.entry("parent").or_insert(Value::Null);
    o.entry("tags").or_insert(json!({}));
    o.entry("fetched_at").or_insert(json!(AT));
    serde_json::from_value(v).unwrap()
}

/// The report's item with this id; the test fails naming it when there is none.
pub fn item<'a>(r: &'a GapReport, id: &str) -> &'a Item {
    r.item(&ResourceId::from_raw(id.to_string()))
        .unwrap_or_else(|| panic!("no item {id}"))
}
