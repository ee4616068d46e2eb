//! Synthetic estates for benchmarks: realistic shapes, deterministic, any size.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use ferry::model::{Kind, Link, LinkKind, Provider, Resource, ResourceId, Scope, SourceSnapshot};
use serde_json::json;

/// Roughly `total` resources split 40/30/30 over Heroku, Cloudflare and AWS, each with the
/// handful of attributes a real fetch stores.
pub fn estate(total: usize) -> Vec<SourceSnapshot> {
    estate_with_apps(total, total * 4 / 10 / 8)
}

/// `total` resources of which `apps` Heroku apps (8 resources each), each with a tagged
/// ECS service, task definition and log group on AWS; the rest is filler.
pub fn estate_with_apps(total: usize, apps: usize) -> Vec<SourceSnapshot> {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 8, 55, 0).unwrap();
    let mut heroku = Vec::new();
    let mut links = Vec::new();
    for a in 0..apps {
        let app = format!("app-{a:05}");
        let app_id = ResourceId::new(Provider::Heroku, "app", &[&app]);
        let scope = Scope {
            account: "platform@example.com".into(),
            team: Some(format!("team-{}", a % 7)),
            ..Scope::default()
        };
        let mk = |id: ResourceId, kind, name: String, parent: Option<ResourceId>, attrs| Resource {
            id,
            provider: Provider::Heroku,
            kind,
            name,
            parent,
            scope: scope.clone(),
            attrs,
            tags: Default::default(),
            fetched_at: at,
        };
        heroku.push(mk(
            app_id.clone(),
            Kind::App,
            app.clone(),
            None,
            [
                (
                    "id".into(),
                    json!(format!("7f0c{a:08}-aaaa-bbbb-cccc-123456789012")),
                ),
                ("region".into(), json!({"name": "eu"})),
                ("stack".into(), json!({"name": "heroku-24"})),
                (
                    "web_url".into(),
                    json!(format!("https://{app}.herokuapp.com/")),
                ),
                ("updated_at".into(), json!("2026-10-01T10:00:00Z")),
            ]
            .into(),
        ));
        for (p, size) in [
            ("web", "Standard-2X"),
            ("worker", "Standard-1X"),
            ("release", "Basic"),
        ] {
            heroku.push(mk(
                ResourceId::new(Provider::Heroku, "formation", &[&app, p]),
                Kind::Formation,
                p.into(),
                Some(app_id.clone()),
                [
                    ("type".into(), json!(p)),
                    ("quantity".into(), json!(2)),
                    ("size".into(), json!(size)),
                    ("command".into(), json!(format!("bin/{p}"))),
                ]
                .into(),
            ));
        }
        let addon = format!("postgresql-{a:05}");
        let addon_id = ResourceId::new(Provider::Heroku, "addon", &[&addon]);
        heroku.push(mk(
            addon_id.clone(),
            Kind::Addon,
            addon,
            Some(app_id.clone()),
            [
                ("addon_service".into(), json!({"name": "heroku-postgresql"})),
                (
                    "plan".into(),
                    json!({"name": "heroku-postgresql:standard-0"}),
                ),
                ("config_vars".into(), json!(["DATABASE_URL"])),
                ("state".into(), json!("provisioned")),
            ]
            .into(),
        ));
        links.push(Link {
            from: addon_id,
            to: app_id.clone(),
            kind: LinkKind::AttachedTo,
        });
        heroku.push(mk(
            ResourceId::new(Provider::Heroku, "config_vars", &[&app]),
            Kind::ConfigVars,
            "config vars".into(),
            Some(app_id.clone()),
            [(
                "names".into(),
                json!([
                    "DATABASE_URL",
                    "REDIS_URL",
                    "SECRET_KEY_BASE",
                    "SENTRY_DSN",
                    "STRIPE_KEY"
                ]),
            )]
            .into(),
        ));
        for host in [format!("{app}.herokuapp.com"), format!("{app}.example.com")] {
            heroku.push(mk(
                ResourceId::new(Provider::Heroku, "domain", &[&app, &host]),
                Kind::Domain,
                host.clone(),
                Some(app_id.clone()),
                [
                    ("hostname".into(), json!(host)),
                    ("kind".into(), json!("custom")),
                    ("cname".into(), json!(format!("{app}-x1.herokudns.com"))),
                    ("acm_status".into(), json!("cert issued")),
                ]
                .into(),
            ));
        }
    }

    let mut cloudflare = Vec::new();
    let zones = 50;
    let per_zone = (total * 3 / 10 / zones).max(2);
    for z in 0..zones {
        let zone_id = format!("{z:032x}");
        let zone_name = format!("zone{z}.example.com");
        let zid = ResourceId::new(Provider::Cloudflare, "zone", &[&zone_id]);
        let scope = Scope {
            account: "0123456789abcdef0123456789abcdef".into(),
            zone: Some(zone_name.clone()),
            ..Scope::default()
        };
        cloudflare.push(Resource {
            id: zid.clone(),
            provider: Provider::Cloudflare,
            kind: Kind::Zone,
            name: zone_name.clone(),
            parent: None,
            scope: scope.clone(),
            attrs: [
                ("status".into(), json!("active")),
                ("plan".into(), json!({"name": "Enterprise"})),
            ]
            .into(),
            tags: Default::default(),
            fetched_at: at,
        });
        for r in 1..per_zone {
            let name = format!("host{r}.{zone_name}");
            cloudflare.push(Resource {
                id: ResourceId::new(
                    Provider::Cloudflare,
                    "dns_record",
                    &[&zone_id, &format!("{r:032x}")],
                ),
                provider: Provider::Cloudflare,
                kind: Kind::DnsRecord,
                name: name.clone(),
                parent: Some(zid.clone()),
                scope: scope.clone(),
                attrs: [
                    ("name".into(), json!(name)),
                    ("type".into(), json!("CNAME")),
                    (
                        "content".into(),
                        json!(format!("app-{:05}-x1.herokudns.com", r % 1000)),
                    ),
                    ("proxied".into(), json!(true)),
                    ("ttl".into(), json!(1)),
                    ("modified_on".into(), json!("2026-05-04T10:05:00.000000Z")),
                ]
                .into(),
                tags: Default::default(),
                fetched_at: at,
            });
        }
    }

    let mut aws = Vec::new();
    let scope_eu = Scope {
        account: "123456789012".into(),
        region: Some("eu-west-1".into()),
        ..Scope::default()
    };
    for a in 0..apps {
        let app = format!("app-{a:05}");
        let tags: std::collections::BTreeMap<String, String> = [
            ("heroku:app".to_string(), app.clone()),
            ("heroku:process".to_string(), "web".to_string()),
            ("env".to_string(), "production".to_string()),
        ]
        .into();
        let td = format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/{app}-web:1");
        let svc = format!("arn:aws:ecs:eu-west-1:123456789012:service/prod/{app}-web");
        let lg = format!("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/{app}");
        let mk = |arn: &str, kind, name: String, attrs| Resource {
            id: ResourceId::from_arn(arn),
            provider: Provider::Aws,
            kind,
            name,
            parent: None,
            scope: scope_eu.clone(),
            attrs,
            tags: tags.clone(),
            fetched_at: at,
        };
        aws.push(mk(&svc, Kind::EcsService, format!("{app}-web"), [
            ("serviceName".into(), json!(format!("{app}-web"))),
            ("taskDefinition".into(), json!(td)),
            ("desiredCount".into(), json!(2)),
            ("loadBalancers".into(), json!([{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1"}])),
        ].into()));
        aws.push(mk(&td, Kind::TaskDefinition, format!("{app}-web:1"), [
            ("family".into(), json!(format!("{app}-web"))),
            ("cpu".into(), json!("512")),
            ("memory".into(), json!("1024")),
            ("containerDefinitions".into(), json!([{
                "name": "web",
                "environment": [{"name": "DATABASE_URL"}, {"name": "REDIS_URL"}, {"name": "SENTRY_DSN"}],
                "secrets": [{"name": "SECRET_KEY_BASE", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/x"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": format!("/ecs/{app}")}}
            }])),
        ].into()));
        aws.push(mk(
            &lg,
            Kind::LogGroup,
            format!("/ecs/{app}"),
            [("logGroupName".into(), json!(format!("/ecs/{app}")))].into(),
        ));
    }
    let target = total.saturating_sub(heroku.len() + cloudflare.len() + aws.len());
    for i in 0..target {
        let region = if i % 2 == 0 { "eu-west-1" } else { "us-east-1" };
        let (kind, arn) = match i % 5 {
            0 => (
                Kind::EcsService,
                format!("arn:aws:ecs:{region}:123456789012:service/prod/svc-{i}"),
            ),
            1 => (
                Kind::TaskDefinition,
                format!("arn:aws:ecs:{region}:123456789012:task-definition/svc-{i}:3"),
            ),
            2 => (
                Kind::SsmParameter,
                format!("arn:aws:ssm:{region}:123456789012:parameter/prod/p{i}"),
            ),
            3 => (
                Kind::LogGroup,
                format!("arn:aws:logs:{region}:123456789012:log-group:/ecs/svc-{i}"),
            ),
            _ => (
                Kind::TargetGroup,
                format!(
                    "arn:aws:elasticloadbalancing:{region}:123456789012:targetgroup/tg-{i}/0123456789abcdef"
                ),
            ),
        };
        aws.push(Resource {
            id: ResourceId::from_arn(&arn),
            provider: Provider::Aws,
            kind,
            name: format!("res-{i}"),
            parent: None,
            scope: Scope {
                account: "123456789012".into(),
                region: Some(region.into()),
                ..Scope::default()
            },
            attrs: [
                ("arn".into(), json!(arn)),
                ("desiredCount".into(), json!(2)),
                ("cpu".into(), json!("512")),
                ("memory".into(), json!("1024")),
            ]
            .into(),
            tags: [
                ("heroku:app".into(), format!("app-{:05}", i % 1000)),
                ("env".into(), "prod".into()),
            ]
            .into(),
            fetched_at: at,
        });
    }

    vec![
        SourceSnapshot {
            source: Provider::Heroku,
            taken_at: at,
            resources: heroku,
            links,
        },
        SourceSnapshot {
            source: Provider::Cloudflare,
            taken_at: at,
            resources: cloudflare,
            links: vec![],
        },
        SourceSnapshot {
            source: Provider::Aws,
            taken_at: at,
            resources: aws,
            links: vec![],
        },
    ]
}

/// A cache in a temp dir holding `total` synthetic resources.
pub fn cache_with(total: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let mut store = ferry::store::Store::open(&path).unwrap();
    for snap in estate(total) {
        store
            .write_snapshot(&snap, ferry::store::Origin::Fetch, 5)
            .unwrap();
    }
    (dir, path)
}
