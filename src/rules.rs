//! Mapping rules (Heroku → AWS) as data: the defaults in `config/rules.toml` are compiled in,
//! and the user's `[rules]` table in ferry.toml overrides them key by key.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::model::Kind;

pub const DEFAULT_RULES: &str = include_str!("../config/rules.toml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// IaC coverage: unmanaged counterparts make items partial; the ignore list.
    #[serde(default)]
    pub iac: crate::iac::IacRules,
    pub tags: TagRules,
    pub addons: BTreeMap<String, Vec<Kind>>,
    /// Add-on services whose job the app itself does on AWS (no resource replaces them).
    pub replaced_addons: BTreeMap<String, Replacement>,
    pub names: NameRules,
    pub stages: BTreeMap<String, Vec<String>>,
    pub dyno_sizes: BTreeMap<String, TaskSize>,
}

/// What does an add-on's job on AWS when no AWS resource replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Replacement {
    /// The app's own logging (its log group, the ECS log configuration): the add-on's
    /// status follows the app's log drain item, or the log configuration without one.
    Logging,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRules {
    pub app: String,
    pub process: String,
    pub addon: String,
    pub env: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRules {
    pub strip_prefixes: Vec<String>,
    pub strip_suffixes: Vec<String>,
    pub similarity: f64,
}

/// A Fargate task size: cpu units and memory in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSize {
    pub cpu: u32,
    pub memory: u32,
}

/// The user's overrides: every table optional, every key optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleOverrides {
    pub iac: Option<crate::iac::IacOverrides>,
    pub tags: Option<TagOverrides>,
    pub addons: BTreeMap<String, Vec<Kind>>,
    pub replaced_addons: BTreeMap<String, Replacement>,
    pub names: Option<NameOverrides>,
    pub stages: BTreeMap<String, Vec<String>>,
    pub dyno_sizes: BTreeMap<String, TaskSize>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TagOverrides {
    pub app: Option<String>,
    pub process: Option<String>,
    pub addon: Option<String>,
    pub env: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NameOverrides {
    pub strip_prefixes: Option<Vec<String>>,
    pub strip_suffixes: Option<Vec<String>>,
    pub similarity: Option<f64>,
}

impl Default for Rules {
    fn default() -> Self {
        toml::from_str(DEFAULT_RULES).expect("config/rules.toml is valid (tested)")
    }
}

impl Rules {
    /// The defaults with the user's overrides applied.
    pub fn with_overrides(overrides: &RuleOverrides) -> Rules {
        let mut rules = Rules::default();
        if let Some(o) = &overrides.iac {
            rules.iac.apply(o);
        }
        if let Some(t) = &overrides.tags {
            let set = |slot: &mut String, v: &Option<String>| {
                if let Some(v) = v {
                    slot.clone_from(v)
                }
            };
            set(&mut rules.tags.app, &t.app);
            set(&mut rules.tags.process, &t.process);
            set(&mut rules.tags.addon, &t.addon);
            set(&mut rules.tags.env, &t.env);
        }
        // A service the user maps to AWS kinds is no longer "replaced", and the other way
        // round; in both tables at once, "replaced" wins (it is the more specific rule).
        for service in overrides.addons.keys() {
            rules.replaced_addons.remove(service);
        }
        rules.addons.extend(overrides.addons.clone());
        for service in overrides.replaced_addons.keys() {
            rules.addons.remove(service);
        }
        rules
            .replaced_addons
            .extend(overrides.replaced_addons.clone());
        rules.stages.extend(overrides.stages.clone());
        rules.dyno_sizes.extend(overrides.dyno_sizes.clone());
        if let Some(n) = &overrides.names {
            if let Some(p) = &n.strip_prefixes {
                rules.names.strip_prefixes.clone_from(p);
            }
            if let Some(s) = &n.strip_suffixes {
                rules.names.strip_suffixes.clone_from(s);
            }
            if let Some(s) = n.similarity {
                rules.names.similarity = s;
            }
        }
        rules
    }

    /// Lower-cases a name and strips one environment prefix and one suffix.
    pub fn normalize(&self, name: &str) -> String {
        let mut s = name.to_ascii_lowercase();
        if let Some(p) = self
            .names
            .strip_prefixes
            .iter()
            .find(|p| s.starts_with(p.as_str()))
        {
            s = s[p.len()..].to_string();
        }
        if let Some(x) = self
            .names
            .strip_suffixes
            .iter()
            .find(|x| s.ends_with(x.as_str()))
        {
            s.truncate(s.len() - x.len());
        }
        s.replace('_', "-")
    }

    /// The env tag values that stand for a pipeline stage (the stage name itself at least).
    pub fn stage_envs(&self, stage: &str) -> Vec<String> {
        let mut envs = self.stages.get(stage).cloned().unwrap_or_default();
        envs.push(stage.to_string());
        envs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_cover_the_common_add_ons() {
        let rules = Rules::default();
        assert_eq!(rules.tags.app, "heroku:app");
        assert_eq!(
            rules.addons["heroku-postgresql"],
            vec![Kind::RdsInstance, Kind::RdsCluster]
        );
        assert_eq!(
            rules.dyno_sizes["Standard-2X"],
            TaskSize {
                cpu: 512,
                memory: 1024
            }
        );
    }

    #[test]
    fn overrides_win_key_by_key_and_keep_the_rest() {
        let o: RuleOverrides = toml::from_str(
            "[tags]\napp = \"app\"\n[addons]\nbonsai = [\"tagged_resource\"]\n[dyno_sizes]\n\"Standard-2X\" = { cpu = 1024, memory = 2048 }\n",
        )
        .unwrap();
        let rules = Rules::with_overrides(&o);
        assert_eq!(rules.tags.app, "app");
        assert_eq!(
            rules.tags.process, "heroku:process",
            "untouched keys keep defaults"
        );
        assert_eq!(rules.addons["bonsai"], vec![Kind::TaggedResource]);
        assert!(rules.addons.contains_key("heroku-redis"));
        assert_eq!(rules.dyno_sizes["Standard-2X"].cpu, 1024);
        assert_eq!(rules.dyno_sizes["Basic"].cpu, 256);
    }

    #[test]
    fn logging_add_ons_are_replaced_by_the_apps_logging_and_overrides_move_them() {
        let rules = Rules::default();
        for s in ["papertrail", "logdna", "sumologic", "coralogix", "loggly"] {
            assert_eq!(
                rules.replaced_addons.get(s),
                Some(&Replacement::Logging),
                "{s}"
            );
        }
        let o: RuleOverrides = toml::from_str(
            "[addons]\npapertrail = [\"tagged_resource\"]\n[replaced_addons]\nacme-logs = \"logging\"\n",
        )
        .unwrap();
        let rules = Rules::with_overrides(&o);
        assert!(!rules.replaced_addons.contains_key("papertrail"));
        assert_eq!(rules.addons["papertrail"], vec![Kind::TaggedResource]);
        assert_eq!(rules.replaced_addons["acme-logs"], Replacement::Logging);
        assert!(rules.replaced_addons.contains_key("loggly"));
        let err =
            toml::from_str::<RuleOverrides>("[replaced_addons]\nx = \"cloudwatch\"\n").unwrap_err();
        assert!(err.to_string().contains("logging"), "{err}");
    }

    #[test]
    fn an_unknown_kind_in_overrides_is_an_error() {
        let err = toml::from_str::<RuleOverrides>("[addons]\nx = [\"rds\"]\n").unwrap_err();
        assert!(err.to_string().contains("rds"), "{err}");
    }

    #[test]
    fn normalize_strips_environment_affixes() {
        let rules = Rules::default();
        assert_eq!(rules.normalize("prod-acme-api-web"), "acme-api-web");
        assert_eq!(rules.normalize("Acme_API-web-production"), "acme-api-web");
        assert_eq!(
            rules.normalize("acme-webhook-receiver"),
            "acme-webhook-receiver"
        );
    }
}
