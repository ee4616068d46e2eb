//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use ferry::model::{Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope, SourceSnapshot};

/// A small Heroku snapshot: `apps` apps, each with a web formation linked to it.
pub fn heroku_snapshot(apps: usize, tag: &str) -> SourceSnapshot {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 8, 55, 0).unwrap();
    let scope = Scope {
        account: "platform@example.com".into(),
        team: Some("example".into()),
        ..Scope::default()
    };
    let mut resources = Vec::new();
    let mut links = Vec::new();
    for i in 0..apps {
        let app = format!("app-{i:03}");
        let app_id = ResourceId::new(Provider::Heroku, "app", &[&app]);
        resources.push(Resource {
            id: app_id.clone(),
            provider: Provider::Heroku,
            kind: Kind::App,
            name: app.clone(),
            parent: None,
            scope: scope.clone(),
            attrs: [(
                "stack".to_string(),
                serde_json::json!({"name": "heroku-24"}),
            )]
            .into(),
            tags: [("batch".to_string(), tag.to_string())].into(),
            fetched_at: at,
        });
        let web = ResourceId::new(Provider::Heroku, "formation", &[&app, "web"]);
        resources.push(Resource {
            id: web.clone(),
            provider: Provider::Heroku,
            kind: Kind::Formation,
            name: "web".into(),
            parent: Some(app_id.clone()),
            scope: scope.clone(),
            attrs: [
                ("quantity".to_string(), serde_json::json!(2)),
                ("size".to_string(), serde_json::json!("Standard-1X")),
            ]
            .into(),
            tags: Default::default(),
            fetched_at: at,
        });
        links.push(Link {
            from: web,
            to: app_id,
            kind: LinkKind::References,
        });
    }
    SourceSnapshot {
        source: Provider::Heroku,
        taken_at: at,
        resources,
        links,
    }
}

/// The path of the freshly built `ferry` binary.
pub fn ferry_bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_ferry"))
}
pub mod cloudflare_mock;
pub mod estate;
pub mod heroku_mock;
pub mod heroku_setup;
pub mod moto;
pub mod semaphore_mock;
pub mod shapes;

/// The real `ferry` binary with an isolated home, config dir and data dir `data`.
pub fn ferry_in(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    let home = data.join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::process::Command::new(ferry_bin())
        .args(args)
        .env("FERRY_DATA_DIR", data)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_LOG")
        .output()
        .unwrap()
}
