//! Heroku API objects → Ferry resources and links.
//!
//! Attributes are copied from an allowlist per kind, keeping Heroku's field names, so a
//! field Heroku adds later (or one that carries a credential, like an attachment's
//! `log_input_url`) never lands in the cache by accident. Nested objects keep only the
//! parts views need (`region.name`, not the region's id).

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

use super::attrs::{Obj, buildpack_ref, pick, rid, sanitise_buildpack, sanitise_url, str_at};
use super::fields::*;
use crate::model::{Attrs, Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope};

/// Builds resources for one account with one fetch time.
pub struct Mapper {
    pub email: String,
    pub at: DateTime<Utc>,
}

impl Mapper {
    pub fn scope(&self, team: Option<&str>) -> Scope {
        Scope {
            account: self.email.clone(),
            team: team.map(str::to_string),
            ..Scope::default()
        }
    }

    pub(super) fn resource(
        &self,
        id: ResourceId,
        kind: Kind,
        name: &str,
        parent: Option<ResourceId>,
        scope: Scope,
        attrs: Attrs,
    ) -> Resource {
        Resource {
            id,
            provider: Provider::Heroku,
            kind,
            name: name.to_string(),
            parent,
            scope,
            attrs,
            tags: BTreeMap::new(),
            fetched_at: self.at,
        }
    }

    pub fn account(&self, obj: &Obj) -> Resource {
        let attrs = pick(
            obj,
            &[
                "email",
                "id",
                "name",
                "created_at",
                "default_team.id",
                "default_team.name",
                "two_factor_authentication",
            ],
        );
        self.resource(
            rid("account", &[&self.email]),
            Kind::HerokuAccount,
            &self.email,
            None,
            self.scope(None),
            attrs,
        )
    }

    pub fn team(&self, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "role",
                "type",
                "created_at",
                "membership_limit",
            ],
        );
        Some(self.resource(
            rid("team", &[name]),
            Kind::Team,
            name,
            None,
            self.scope(Some(name)),
            attrs,
        ))
    }

    pub fn space(&self, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "region.name",
                "team.name",
                "shield",
                "state",
                "cidr",
                "data_cidr",
                "generation.name",
                "created_at",
                "updated_at",
            ],
        );
        Some(self.resource(
            rid("space", &[name]),
            Kind::Space,
            name,
            None,
            self.scope(str_at(obj, "team.name")),
            attrs,
        ))
    }

    pub fn app(&self, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "region.name",
                "stack.name",
                "build_stack.name",
                "team.name",
                "space.name",
                "space.shield",
                "owner.email",
                "web_url",
                "git_url",
                "acm",
                "maintenance",
                "internal_routing",
                "buildpack_provided_description",
                "generation.name",
                "created_at",
                "updated_at",
                "released_at",
            ],
        );
        Some(self.resource(
            rid("app", &[name]),
            Kind::App,
            name,
            None,
            self.scope(str_at(obj, "team.name")),
            attrs,
        ))
    }

    pub fn formation(
        &self,
        app: &str,
        scope: &Scope,
        obj: &Obj,
        dyno_states: &BTreeMap<String, BTreeMap<String, u64>>,
    ) -> Option<Resource> {
        let ptype = str_at(obj, "type")?;
        let mut attrs = pick(obj, FORMATION_FIELDS);
        if !attrs.contains_key("size")
            && let Some(size) = str_at(obj, "dyno_size.name")
        {
            attrs.insert("size".into(), Value::from(size));
        }
        let states = dyno_states.get(ptype).cloned().unwrap_or_default();
        attrs.insert(
            "dyno_states".into(),
            serde_json::to_value(states).unwrap_or_default(),
        );
        Some(self.resource(
            rid("formation", &[app, ptype]),
            Kind::Formation,
            ptype,
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        ))
    }

    pub fn config_vars(&self, app: &str, scope: &Scope, mut names: Vec<String>) -> Resource {
        names.sort();
        let attrs: Attrs = [("names".to_string(), Value::from(names))].into();
        self.resource(
            rid("config_vars", &[app]),
            Kind::ConfigVars,
            "config vars",
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        )
    }

    pub fn domain(&self, app: &str, scope: &Scope, obj: &Obj) -> Option<(Resource, Option<Link>)> {
        let host = str_at(obj, "hostname")?;
        let attrs = pick(obj, DOMAIN_FIELDS);
        let id = rid("domain", &[app, host]);
        let link = str_at(obj, "sni_endpoint.name").map(|sni| Link {
            from: id.clone(),
            to: rid("sni_endpoint", &[app, sni]),
            kind: LinkKind::SecuredBy,
        });
        let r = self.resource(
            id,
            Kind::Domain,
            host,
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        );
        Some((r, link))
    }

    pub fn sni_endpoint(&self, app: &str, scope: &Scope, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let attrs = pick(obj, SNI_ENDPOINT_FIELDS);
        Some(self.resource(
            rid("sni_endpoint", &[app, name]),
            Kind::SniEndpoint,
            name,
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        ))
    }

    pub fn log_drain(
        &self,
        app: &str,
        scope: &Scope,
        obj: &Obj,
    ) -> Option<(Resource, Option<Link>)> {
        let key = str_at(obj, "token").or_else(|| str_at(obj, "id"))?;
        let url = str_at(obj, "url").map(sanitise_url).unwrap_or_default();
        let mut attrs = pick(obj, LOG_DRAIN_FIELDS);
        attrs.insert("url".into(), Value::from(url.clone()));
        let id = rid("log_drain", &[app, key]);
        let link = str_at(obj, "addon.name").map(|addon| Link {
            from: id.clone(),
            to: rid("addon", &[addon]),
            kind: LinkKind::References,
        });
        let r = self.resource(
            id,
            Kind::LogDrain,
            &url,
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        );
        Some((r, link))
    }

    pub fn buildpack(&self, app: &str, scope: &Scope, obj: &Obj) -> Option<Resource> {
        let ordinal = obj.get("ordinal")?.as_i64()?;
        let mut attrs = pick(obj, BUILDPACK_FIELDS);
        sanitise_buildpack(attrs.get_mut("buildpack"));
        let name = str_at(obj, "buildpack.name")
            .or_else(|| str_at(obj, "buildpack.url"))
            .map(buildpack_ref)
            .unwrap_or_else(|| "buildpack".into());
        Some(self.resource(
            rid("buildpack", &[app, &ordinal.to_string()]),
            Kind::Buildpack,
            &name,
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        ))
    }

    pub fn release(&self, app: &str, scope: &Scope, obj: &Obj) -> Option<Resource> {
        let version = obj.get("version")?.as_i64()?;
        let attrs = pick(obj, RELEASE_FIELDS);
        Some(self.resource(
            rid("release", &[app, &version.to_string()]),
            Kind::Release,
            &format!("v{version}"),
            Some(rid("app", &[app])),
            scope.clone(),
            attrs,
        ))
    }

    pub fn addon(&self, scope: Scope, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let owner = str_at(obj, "app.name");
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "addon_service.name",
                "plan.name",
                "state",
                "config_vars",
                "app.name",
                "billing_entity.name",
                "billing_entity.type",
                "created_at",
                "updated_at",
            ],
        );
        Some(self.resource(
            rid("addon", &[name]),
            Kind::Addon,
            name,
            owner.map(|o| rid("app", &[o])),
            scope,
            attrs,
        ))
    }

    /// An attachment plus its links: add-on attached_to the using app, attachment
    /// references the add-on.
    pub fn attachment(&self, scope: Scope, obj: &Obj) -> Option<(Resource, Vec<Link>)> {
        let name = str_at(obj, "name")?;
        let app = str_at(obj, "app.name")?;
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "namespace",
                "addon.name",
                "addon.app.name",
                "app.name",
                "created_at",
                "updated_at",
            ],
        );
        let id = rid("addon_attachment", &[app, name]);
        let mut links = Vec::new();
        if let Some(addon) = str_at(obj, "addon.name") {
            links.push(Link {
                from: rid("addon", &[addon]),
                to: rid("app", &[app]),
                kind: LinkKind::AttachedTo,
            });
            links.push(Link {
                from: id.clone(),
                to: rid("addon", &[addon]),
                kind: LinkKind::References,
            });
        }
        let r = self.resource(
            id,
            Kind::AddonAttachment,
            name,
            Some(rid("app", &[app])),
            scope,
            attrs,
        );
        Some((r, links))
    }

    pub fn pipeline(&self, team: Option<&str>, obj: &Obj) -> Option<Resource> {
        let name = str_at(obj, "name")?;
        let attrs = pick(
            obj,
            &[
                "id",
                "name",
                "owner.id",
                "owner.type",
                "generation.name",
                "created_at",
                "updated_at",
            ],
        );
        Some(self.resource(
            rid("pipeline", &[name]),
            Kind::Pipeline,
            name,
            None,
            self.scope(team),
            attrs,
        ))
    }

    /// A coupling, named by its app, under its pipeline; linked coupled_to the app.
    pub fn coupling(
        &self,
        team: Option<&str>,
        pipeline: &str,
        app: &str,
        obj: &Obj,
    ) -> Option<(Resource, Link)> {
        let stage = str_at(obj, "stage")?;
        let mut attrs = pick(
            obj,
            &[
                "id",
                "stage",
                "app.id",
                "pipeline.id",
                "created_at",
                "updated_at",
            ],
        );
        for (key, name) in [("app", app), ("pipeline", pipeline)] {
            if let Some(Value::Object(o)) = attrs.get_mut(key) {
                o.insert("name".into(), Value::from(name));
            }
        }
        let id = rid("pipeline_coupling", &[app]);
        let link = Link {
            from: id.clone(),
            to: rid("app", &[app]),
            kind: LinkKind::CoupledTo,
        };
        let r = self.resource(
            id,
            Kind::PipelineCoupling,
            &format!("{app} ({stage})"),
            Some(rid("pipeline", &[pipeline])),
            self.scope(team),
            attrs,
        );
        Some((r, link))
    }
}
