//! Reading one state file: classify the blob (Terraform/OpenTofu v4 state, OpenTofu-encrypted
//! state, backend cache, pre-0.12 state, `show -json` output) and keep only identifiers.
//!
//! The parser is a set of serde visitors, not a `serde_json::Value`: `outputs`, and every
//! attribute not on the type's allowlist ([`super::allow`]), are skipped with `IgnoredAny`,
//! so a password or an SSM value is never copied into a `String`. Errors carry serde's line
//! and column only, never the text around them.

use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// An identifier value as kept: a string, a number (a task definition's revision), a list of
/// strings (a replication group's member clusters).
#[derive(Debug, Clone, PartialEq)]
pub enum IdValue {
    Str(String),
    Num(i64),
    List(Vec<String>),
}

impl IdValue {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            IdValue::Str(s) => s.clone().into(),
            IdValue::Num(n) => (*n).into(),
            IdValue::List(l) => l.clone().into(),
        }
    }
}

pub type IdAttrs = BTreeMap<&'static str, IdValue>;

/// One instance of a resource, as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// `None` without count / for_each; a number for count, a string for for_each.
    pub index_key: Option<serde_json::Value>,
    pub deposed: Option<String>,
    pub tainted: bool,
    pub attrs: IdAttrs,
    pub identity: IdAttrs,
    /// OpenTofu writes the provider per instance when providers use for_each.
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StateResource {
    pub module: Option<String>,
    pub mode: String,
    pub ty: String,
    pub name: String,
    pub provider: Option<String>,
    pub instances: Vec<Instance>,
}

impl StateResource {
    /// `module.app["eu"].aws_lb.public[0]`, `data.aws_iam_policy_document.x`.
    pub fn address(&self, instance: &Instance) -> String {
        let mut a = String::new();
        if let Some(m) = self.module.as_deref().filter(|m| !m.is_empty()) {
            a.push_str(m);
            a.push('.');
        }
        if self.mode == "data" {
            a.push_str("data.");
        }
        a.push_str(&self.ty);
        a.push('.');
        a.push_str(&self.name);
        match &instance.index_key {
            Some(serde_json::Value::Number(n)) => a.push_str(&format!("[{n}]")),
            Some(serde_json::Value::String(s)) => {
                a.push_str(&format!("[{}]", serde_json::Value::String(s.clone())))
            }
            _ => {}
        }
        a
    }
}

/// A readable v4 state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub version: u64,
    pub terraform_version: Option<String>,
    pub serial: u64,
    pub lineage: String,
    pub resources: Vec<StateResource>,
}

impl State {
    /// `opentofu` when a provider comes from the OpenTofu registry (its `terraform_version`
    /// holds the OpenTofu version), else `terraform`.
    pub fn tool(&self) -> &'static str {
        let tofu = self.resources.iter().any(|r| {
            r.provider
                .iter()
                .chain(r.instances.iter().filter_map(|i| i.provider.as_ref()))
                .any(|p| p.contains("registry.opentofu.org"))
        });
        if tofu { "opentofu" } else { "terraform" }
    }
}

/// What a blob turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified {
    State(State),
    /// OpenTofu client-side encryption: only lineage, serial and the key providers' names
    /// are readable.
    Encrypted {
        lineage: Option<String>,
        serial: Option<u64>,
        key_providers: Vec<String>,
    },
    /// Not a state to read (backend cache, empty object, older format…); `why` says what
    /// to do.
    Skipped(String),
}

/// Classifies and reads `bytes`. An `Err` is a one-line cause without file content.
pub fn read(bytes: &[u8]) -> Result<Classified, String> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Classified::Skipped("empty file".into()));
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    let root = de
        .deserialize_map(RootVisitor)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => format!("not a Terraform state: {e}"),
            _ => format!("not JSON: {e}"),
        })?;
    root.classify()
}

#[derive(Default)]
struct Root {
    version: Option<u64>,
    terraform_version: Option<String>,
    serial: Option<u64>,
    lineage: Option<String>,
    resources: Option<Vec<StateResource>>,
    encryption_version: Option<String>,
    key_providers: Vec<String>,
    backend: bool,
    modules: bool,
    show_json: bool,
    pulumi: bool,
    keys: usize,
}

impl Root {
    fn classify(self) -> Result<Classified, String> {
        if self
            .encryption_version
            .as_deref()
            .is_some_and(|v| !v.is_empty())
        {
            return Ok(Classified::Encrypted {
                lineage: self.lineage,
                serial: self.serial,
                key_providers: self.key_providers,
            });
        }
        if self.keys == 0 {
            return Ok(Classified::Skipped("empty object".into()));
        }
        if self.backend && self.resources.is_none() {
            return Ok(Classified::Skipped(
                "a backend cache (.terraform/terraform.tfstate), not a state".into(),
            ));
        }
        if self.show_json {
            return Ok(Classified::Skipped(
                "`terraform show -json` output: pass the raw state (`terraform state pull`)".into(),
            ));
        }
        if self.pulumi {
            return Ok(Classified::Skipped("a Pulumi state, not Terraform".into()));
        }
        match (self.version, self.resources) {
            (Some(4), Some(resources)) => Ok(Classified::State(State {
                version: 4,
                terraform_version: self.terraform_version,
                serial: self.serial.unwrap_or(0),
                lineage: self.lineage.unwrap_or_default(),
                resources,
            })),
            (Some(v), _) if v < 4 && self.modules => Ok(Classified::Skipped(format!(
                "state format version {v} (Terraform < 0.12): upgrade it with a current Terraform (`terraform state pull`)"
            ))),
            (Some(v), _) if v > 4 => Err(format!(
                "state format version {v} is newer than Ferry reads (4)"
            )),
            _ => Err("not a Terraform state: no `version: 4` with `resources`".into()),
        }
    }
}

struct RootVisitor;

impl<'de> Visitor<'de> for RootVisitor {
    type Value = Root;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a state object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
        let mut r = Root::default();
        while let Some(key) = map.next_key::<String>()? {
            r.keys += 1;
            match key.as_str() {
                "version" => r.version = map.next_value()?,
                "terraform_version" => r.terraform_version = map.next_value()?,
                "serial" => r.serial = map.next_value()?,
                "lineage" => r.lineage = map.next_value()?,
                "resources" => r.resources = map.next_value_seed(Opt(ResourcesSeed))?,
                "encryption_version" => r.encryption_version = map.next_value()?,
                "meta" => r.key_providers = map.next_value_seed(KeysOnly)?,
                "backend" => {
                    r.backend = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "modules" => {
                    r.modules = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "format_version" | "values" => {
                    r.show_json = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "deployment" | "checkpoint" => {
                    r.pulumi = true;
                    map.next_value::<IgnoredAny>()?;
                }
                // `outputs` (plaintext even when sensitive), `check_results`, and anything
                // newer: skipped unread.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(r)
    }
}

/// A seed that also accepts `null`.
struct Opt<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Opt<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<S>(S);
        impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for V<S> {
            type Value = Option<S::Value>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                self.0.deserialize(d).map(Some)
            }
        }
        d.deserialize_option(V(self.0))
    }
}

/// The keys of an object (OpenTofu's `meta`: key provider names), values skipped.
struct KeysOnly;

impl<'de> DeserializeSeed<'de> for KeysOnly {
    type Value = Vec<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        let map = Opt(MapKeys).deserialize(d)?;
        Ok(map.unwrap_or_default())
    }
}

struct MapKeys;

impl<'de> DeserializeSeed<'de> for MapKeys {
    type Value = Vec<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MapKeys {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
        let mut keys = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            map.next_value::<IgnoredAny>()?;
            keys.push(k);
        }
        Ok(keys)
    }
}

mod visit;
use visit::ResourcesSeed;

#[cfg(test)]
mod tests;
