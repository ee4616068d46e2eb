//! Read states → `iac_state` and `iac_resource` resources; copies of one state (same
//! lineage) are read once, from the copy with the highest serial.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

use super::state::{Classified, State};
use crate::model::{Attrs, Kind, Provider, Resource, ResourceId, Scope};

/// One state location's outcome, before de-duplication.
#[derive(Debug, Clone)]
pub struct Found {
    /// `s3://bucket/key` or the local path.
    pub location: String,
    /// The configured entry it came from (for carry-over when that entry fails later).
    pub configured: String,
    /// `s3://bucket` or `local`.
    pub place: String,
    pub outcome: Result<Classified, String>,
}

pub fn state_id(location: &str) -> ResourceId {
    ResourceId::new(Provider::Iac, "state", &[location])
}

fn resource_id(lineage: &str, address: &str, deposed: Option<&str>) -> ResourceId {
    match deposed {
        Some(d) => ResourceId::new(Provider::Iac, "resource", &[lineage, address, "deposed", d]),
        None => ResourceId::new(Provider::Iac, "resource", &[lineage, address]),
    }
}

fn base(id: ResourceId, kind: Kind, name: &str, place: &str, now: DateTime<Utc>) -> Resource {
    Resource {
        id,
        provider: Provider::Iac,
        kind,
        name: name.to_string(),
        parent: None,
        scope: Scope {
            account: place.to_string(),
            ..Scope::default()
        },
        attrs: Attrs::new(),
        tags: Default::default(),
        fetched_at: now,
    }
}

/// The `iac_state` of a location, with its status and why.
pub fn state_resource(
    location: &str,
    configured: &str,
    place: &str,
    status: &str,
    why: Option<String>,
    now: DateTime<Utc>,
) -> Resource {
    let mut r = base(state_id(location), Kind::IacState, location, place, now);
    r.attrs.insert("location".into(), location.into());
    r.attrs.insert("configured".into(), configured.into());
    r.attrs.insert("status".into(), status.into());
    if let Some(w) = why {
        r.attrs.insert("why".into(), w.into());
    }
    r
}

/// Every found location as resources. Read states sharing a lineage are copies: the
/// highest serial is read, the others are `skipped` and say which copy was read.
pub fn resources(found: &[Found], now: DateTime<Utc>) -> Vec<Resource> {
    let mut best: HashMap<&str, (u64, &str)> = HashMap::new();
    for f in found {
        if let Ok(Classified::State(s)) = &f.outcome
            && !s.lineage.is_empty()
        {
            let e = best.entry(&s.lineage).or_insert((s.serial, &f.location));
            if s.serial > e.0 {
                *e = (s.serial, &f.location);
            }
        }
    }
    let mut out = Vec::new();
    for f in found {
        let mk = |status: &str, why: Option<String>| {
            state_resource(&f.location, &f.configured, &f.place, status, why, now)
        };
        match &f.outcome {
            Err(why) => out.push(mk("failed", Some(why.clone()))),
            Ok(Classified::Skipped(why)) => out.push(mk("skipped", Some(why.clone()))),
            Ok(Classified::Encrypted {
                lineage,
                serial,
                key_providers,
            }) => {
                let mut why =
                    "encrypted OpenTofu state: export a decrypted copy with `tofu state pull`"
                        .to_string();
                if !key_providers.is_empty() {
                    why.push_str(&format!(" (key provider: {})", key_providers.join(", ")));
                }
                let mut r = mk("encrypted", Some(why));
                if let Some(l) = lineage {
                    r.attrs.insert("lineage".into(), l.as_str().into());
                }
                if let Some(s) = serial {
                    r.attrs.insert("serial".into(), (*s).into());
                }
                out.push(r);
            }
            Ok(Classified::State(s)) => {
                if let Some((serial, loc)) = best.get(s.lineage.as_str())
                    && *loc != f.location
                {
                    let mut r = mk(
                        "skipped",
                        Some(format!(
                            "a copy of state {} (serial {}); serial {serial} was read from {loc}",
                            s.lineage, s.serial
                        )),
                    );
                    r.attrs.insert("lineage".into(), s.lineage.as_str().into());
                    r.attrs.insert("serial".into(), s.serial.into());
                    r.attrs.insert("superseded_by".into(), (*loc).into());
                    out.push(r);
                    continue;
                }
                read_state(f, s, now, &mut out);
            }
        }
    }
    out
}

fn read_state(f: &Found, s: &State, now: DateTime<Utc>, out: &mut Vec<Resource>) {
    let mut st = state_resource(&f.location, &f.configured, &f.place, "read", None, now);
    // A state without lineage (hand-made) is keyed by where it was found.
    let lineage = if s.lineage.is_empty() {
        f.location.as_str()
    } else {
        s.lineage.as_str()
    };
    st.attrs.insert("lineage".into(), s.lineage.as_str().into());
    st.attrs.insert("serial".into(), s.serial.into());
    if let Some(v) = &s.terraform_version {
        st.attrs
            .insert("terraform_version".into(), v.as_str().into());
    }
    st.attrs.insert("tool".into(), s.tool().into());
    let (mut managed, mut data) = (0u64, 0u64);
    let mut children = Vec::new();
    for res in &s.resources {
        if res.mode != "managed" {
            // Data sources only read what exists: never "managed".
            data += res.instances.len() as u64;
            continue;
        }
        for inst in &res.instances {
            managed += 1;
            let address = res.address(inst);
            let id = resource_id(lineage, &address, inst.deposed.as_deref());
            let mut r = base(id, Kind::IacResource, &address, &f.place, now);
            r.parent = Some(st.id.clone());
            let a = &mut r.attrs;
            a.insert("address".into(), address.clone().into());
            a.insert("tf_type".into(), res.ty.as_str().into());
            if let Some(m) = res.module.as_deref().filter(|m| !m.is_empty()) {
                a.insert("module".into(), m.into());
            }
            if let Some(k) = &inst.index_key {
                a.insert("index_key".into(), k.clone());
            }
            if let Some(d) = &inst.deposed {
                a.insert("deposed".into(), d.as_str().into());
            }
            if inst.tainted {
                a.insert("tainted".into(), true.into());
            }
            a.insert("state".into(), f.location.as_str().into());
            a.insert("lineage".into(), s.lineage.as_str().into());
            let obj = |m: &super::state::IdAttrs| -> Value {
                Value::Object(
                    m.iter()
                        .map(|(k, v)| (k.to_string(), v.to_json()))
                        .collect(),
                )
            };
            a.insert("identifiers".into(), obj(&inst.attrs));
            if !inst.identity.is_empty() {
                a.insert("identity".into(), obj(&inst.identity));
            }
            children.push(r);
        }
    }
    st.attrs.insert("resources".into(), json!(managed));
    st.attrs.insert("data_sources".into(), json!(data));
    out.push(st);
    out.extend(children);
}
