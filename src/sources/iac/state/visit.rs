//! The visitors under `resources`: resource objects, their instances, and the allowlisted
//! attribute maps. Values of keys not on the list go to `IgnoredAny`.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use super::{IdAttrs, IdValue, Instance, Opt, StateResource};
use crate::sources::iac::allow;

pub(super) struct ResourcesSeed;

impl<'de> DeserializeSeed<'de> for ResourcesSeed {
    type Value = Vec<StateResource>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourcesSeed {
    type Value = Vec<StateResource>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of resources")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element_seed(ResourceSeed)? {
            out.push(r);
        }
        Ok(out)
    }
}

struct ResourceSeed;

impl<'de> DeserializeSeed<'de> for ResourceSeed {
    type Value = StateResource;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed {
    type Value = StateResource;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut module = None;
        let mut mode = None;
        let mut ty: Option<String> = None;
        let mut name = None;
        let mut provider = None;
        let mut instances = None;
        // Whether the instances were read before `type` (then with the union list).
        let mut early = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "module" => module = map.next_value()?,
                "mode" => mode = map.next_value()?,
                "type" => ty = map.next_value()?,
                "name" => name = map.next_value()?,
                "provider" => provider = map.next_value()?,
                "instances" => {
                    let list = match ty.as_deref() {
                        Some(t) => allow::attributes(t),
                        None => {
                            early = true;
                            allow::UNION
                        }
                    };
                    instances = map.next_value_seed(Opt(InstancesSeed(list)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let ty = ty.ok_or_else(|| de::Error::missing_field("type"))?;
        let mut instances: Vec<Instance> = instances.unwrap_or_default();
        if early {
            // Cut the union down to this type's own list before anything leaves the parser.
            let own = allow::attributes(&ty);
            for i in &mut instances {
                i.attrs.retain(|k, _| own.contains(k));
                i.identity
                    .retain(|k, _| own.contains(k) || allow::IDENTITY.contains(k));
            }
        }
        Ok(StateResource {
            module,
            mode: mode.ok_or_else(|| de::Error::missing_field("mode"))?,
            name: name.ok_or_else(|| de::Error::missing_field("name"))?,
            ty,
            provider,
            instances,
        })
    }
}

struct InstancesSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for InstancesSeed {
    type Value = Vec<Instance>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for InstancesSeed {
    type Value = Vec<Instance>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of instances")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(i) = seq.next_element_seed(InstanceSeed(self.0))? {
            out.push(i);
        }
        Ok(out)
    }
}

struct InstanceSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for InstanceSeed {
    type Value = Instance;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for InstanceSeed {
    type Value = Instance;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an instance object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut i = Instance {
            index_key: None,
            deposed: None,
            tainted: false,
            attrs: IdAttrs::new(),
            identity: IdAttrs::new(),
            provider: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "index_key" => {
                    i.index_key = map.next_value::<Option<IndexKey>>()?.and_then(|k| k.0)
                }
                "deposed" => i.deposed = map.next_value()?,
                "status" => {
                    i.tainted = map.next_value::<Option<String>>()?.as_deref() == Some("tainted")
                }
                "provider" => i.provider = map.next_value()?,
                // The legacy flatmap has the same top-level keys ("member_clusters.#" and
                // "member_clusters.0" are not on the list, so lists come from `attributes`).
                "attributes" | "attributes_flat" => {
                    let kept = map.next_value_seed(Opt(AttrsSeed(self.0, &[])))?;
                    for (k, v) in kept.unwrap_or_default() {
                        i.attrs.entry(k).or_insert(v);
                    }
                }
                "identity" => {
                    i.identity = map
                        .next_value_seed(Opt(AttrsSeed(self.0, allow::IDENTITY)))?
                        .unwrap_or_default()
                }
                // sensitive_attributes, private, dependencies, schema versions…
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(i)
    }
}

/// An index key: a number (count) or a string (for_each); anything else is dropped.
struct IndexKey(Option<serde_json::Value>);

impl<'de> de::Deserialize<'de> for IndexKey {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IndexKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IndexKey, E> {
                Ok(IndexKey(Some(v.into())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IndexKey, E> {
                Ok(IndexKey(Some(v.into())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IndexKey, E> {
                Ok(IndexKey(Some(v.into())))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IndexKey, E> {
                Ok(IndexKey(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<IndexKey, E> {
                Ok(IndexKey(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<IndexKey, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IndexKey(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<IndexKey, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(IndexKey(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An attribute map: keys on either list are read as [`IdValue`]s, the rest skipped.
struct AttrsSeed(&'static [&'static str], &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for AttrsSeed {
    type Value = IdAttrs;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<IdAttrs, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AttrsSeed {
    type Value = IdAttrs;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdAttrs, A::Error> {
        let mut out = IdAttrs::new();
        while let Some(key) = map.next_key_seed(KeyIn(self.0, self.1))? {
            match key {
                Some(k) => {
                    if let Some(v) = map.next_value::<Option<Id>>()?.and_then(|v| v.0) {
                        out.insert(k, v);
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A key compared with the lists as it is read: an allowed key comes back as the list's own
/// `&'static str`, any other as `None`, without allocating.
struct KeyIn(&'static [&'static str], &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = Option<&'static str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIn {
    type Value = Option<&'static str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().chain(self.1).copied().find(|k| *k == v))
    }
}

/// An allowed attribute's value: strings, integers and lists of strings are kept; objects,
/// floats and booleans are skipped (no identifier is one).
struct Id(Option<IdValue>);

impl<'de> de::Deserialize<'de> for Id {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an identifier")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(Some(IdValue::Str(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(i64::try_from(v).ok().map(IdValue::Num)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(Some(IdValue::Num(v))))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Id, E> {
                Ok(Id(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Id, E> {
                Ok(Id(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Id, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = s.next_element::<Option<Id>>()? {
                    if let Some(Id(Some(IdValue::Str(v)))) = item {
                        list.push(v);
                    }
                }
                Ok(Id(Some(IdValue::List(list))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Id, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Id(None))
            }
        }
        d.deserialize_any(V)
    }
}
