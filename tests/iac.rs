//! The IaC source over fixture folders (tests/fixtures/iac/make_fixtures.py): Terraform and
//! OpenTofu styles, pretty and compact JSON, modules, count and for_each, data sources, an
//! encrypted state, a lock file, empty objects, an older state without
//! sensitive_attributes, a backend cache, a copy of a state; and the matching of what it
//! read against an AWS snapshot holding every kind Ferry fetches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferry::iac::{IacIndex, IacReport, IacStatus};
use ferry::inventory::Inventory;
use ferry::model::{Kind, LinkKind, Provider, Resource, ResourceId, SourceSnapshot};
use ferry::rules::Rules;
use ferry::sources::iac::{IacOptions, fetch};
use ferry::sources::progress::discard;

const CANARY: &str = "FERRY-IAC-CANARY-9d1c";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iac")
}

fn states(sub: &str) -> String {
    fixtures()
        .join("states")
        .join(sub)
        .to_string_lossy()
        .into_owned()
}

async fn read(locations: &[String]) -> ferry::sources::iac::IacOutput {
    let opts = IacOptions {
        locations: locations.to_vec(),
        ..IacOptions::default()
    };
    fetch(&opts, None, discard()).await
}

fn by_location(snap: &SourceSnapshot) -> BTreeMap<String, &Resource> {
    let root = states("");
    snap.resources
        .iter()
        .filter(|r| r.kind == Kind::IacState)
        .map(|r| {
            let loc = r.attr_str("location").unwrap();
            (loc.strip_prefix(&root).unwrap_or(loc).to_string(), r)
        })
        .collect()
}

#[tokio::test]
async fn a_folder_of_states_is_classified_deduplicated_and_read_for_identifiers_only() {
    let out = read(&[states("")]).await;
    let snap = out.snapshot.expect("a snapshot");
    let rows = by_location(&snap);
    let status = |loc: &str| {
        let r = rows
            .get(loc)
            .unwrap_or_else(|| panic!("{loc} in {:?}", rows.keys()));
        (
            r.attr_str("status").unwrap().to_string(),
            r.attr_str("why").unwrap_or("").to_string(),
        )
    };
    assert_eq!(
        rows.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "legacy/terraform.tfstate",
            "odd/empty.tfstate",
            "odd/v011.tfstate",
            "odd/zero.tfstate",
            "opentofu/net/terraform.tfstate",
            "opentofu/secret/terraform.tfstate",
            "terraform/copy/terraform.tfstate",
            "terraform/live/app/terraform.tfstate",
        ],
        "no backend cache (.terraform/), no lock file"
    );
    assert_eq!(status("terraform/live/app/terraform.tfstate").0, "read");
    let (s, why) = status("terraform/copy/terraform.tfstate");
    assert_eq!(s, "skipped");
    assert!(
        why.contains("serial 40") && why.contains("serial 42"),
        "{why}"
    );
    let (s, why) = status("opentofu/secret/terraform.tfstate");
    assert_eq!(s, "encrypted");
    assert!(
        why.contains("tofu state pull") && why.contains("key_provider.pbkdf2.main"),
        "{why}"
    );
    assert_eq!(
        status("odd/empty.tfstate"),
        ("skipped".into(), "empty object".into())
    );
    assert_eq!(
        status("odd/zero.tfstate"),
        ("skipped".into(), "empty file".into())
    );
    assert!(status("odd/v011.tfstate").1.contains("upgrade"));
    assert_eq!(status("legacy/terraform.tfstate").0, "read");

    let app = rows["terraform/live/app/terraform.tfstate"];
    assert_eq!(app.attr_str("tool"), Some("terraform"));
    assert_eq!(app.attrs["serial"], 42);
    assert_eq!(
        app.attrs["data_sources"], 2,
        "data sources counted, never resources"
    );
    let net = rows["opentofu/net/terraform.tfstate"];
    assert_eq!(
        net.attr_str("tool"),
        Some("opentofu"),
        "compact JSON, per-instance provider"
    );

    let addresses: Vec<&str> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::IacResource)
        .map(|r| r.attr_str("address").unwrap())
        .collect();
    for a in [
        "module.orders_service.aws_ecs_service.this[0]",
        "aws_s3_bucket.assets[\"web\"]",
        "aws_cloudwatch_log_group.svc[1]",
        "module.jobs.aws_scheduler_schedule.nightly",
        "aws_cloudwatch_log_group.legacy",
    ] {
        assert!(addresses.contains(&a), "{a} in {addresses:?}");
    }
    assert!(
        !addresses.iter().any(|a| a.starts_with("data.")),
        "{addresses:?}"
    );
    // Read once: the copy's resources are not there twice.
    assert_eq!(
        addresses
            .iter()
            .filter(|a| **a == "aws_ecs_cluster.main")
            .count(),
        1
    );
    let text = serde_json::to_string(&snap).unwrap();
    assert!(!text.contains(CANARY), "a secret reached the snapshot");
    assert!(
        !text.contains("secret_key"),
        "the backend cache was not read"
    );
    assert!(
        out.locations[0].outcome.is_ok(),
        "{:?}",
        out.locations[0].outcome
    );
    assert!(
        out.locations[0]
            .notices
            .iter()
            .any(|n| n.contains("encrypted")),
        "{:?}",
        out.locations[0].notices
    );
}

#[tokio::test]
async fn globs_lock_files_and_a_missing_location_that_does_not_stop_the_others() {
    let out = read(&[
        format!("{}/**/terraform.tfstate*", states("terraform")),
        states("nowhere"),
    ])
    .await;
    let snap = out.snapshot.expect("the readable location is saved");
    let rows = by_location(&snap);
    assert_eq!(
        rows.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "nowhere",
            "terraform/copy/terraform.tfstate",
            "terraform/live/app/terraform.tfstate"
        ],
        "the .tflock matched the glob and was skipped"
    );
    let missing = rows["nowhere"];
    assert_eq!(missing.attr_str("status"), Some("failed"));
    let un = &missing.attrs["ferry_unavailable"][0];
    assert_eq!(un["kind"], "iac_resource");
    assert_eq!(un["failed"], false);
    assert!(
        un["error"].as_str().unwrap().contains("FERRY_IAC_STATES"),
        "{un}"
    );
    assert!(out.locations[0].outcome.is_ok());
    assert!(out.locations[1].outcome.is_err());
}

#[tokio::test]
async fn a_location_that_fails_later_keeps_its_resources_stale() {
    let dir = tempfile::tempdir().unwrap();
    let loc = dir.path().join("net");
    std::fs::create_dir_all(&loc).unwrap();
    std::fs::copy(
        fixtures().join("states/opentofu/net/terraform.tfstate"),
        loc.join("terraform.tfstate"),
    )
    .unwrap();
    let locations = vec![loc.to_string_lossy().into_owned(), states("legacy")];
    let first = read(&locations).await.snapshot.unwrap();
    let before = first
        .resources
        .iter()
        .filter(|r| r.kind == Kind::IacResource && r.attr_str("state").unwrap().contains("/net/"))
        .count();
    assert!(before > 5);
    std::fs::remove_dir_all(&loc).unwrap();
    let opts = IacOptions {
        locations,
        ..IacOptions::default()
    };
    let second = fetch(&opts, Some(&first), discard())
        .await
        .snapshot
        .unwrap();
    let failed = second
        .resources
        .iter()
        .find(|r| r.kind == Kind::IacState && r.attr_str("status") == Some("failed"))
        .unwrap();
    assert_eq!(failed.attrs["ferry_unavailable"][0]["kept_stale"], before);
    let stale = second
        .resources
        .iter()
        .filter(|r| r.kind == Kind::IacResource && r.attrs.get("ferry_stale") == Some(&true.into()))
        .count();
    assert_eq!(stale, before);
    assert!(
        second.resources.iter().any(|r| r.attr_str("address")
            == Some("aws_cloudwatch_log_group.legacy")
            && !r.attrs.contains_key("ferry_stale")),
        "the other location is read fresh"
    );
}

fn aws() -> SourceSnapshot {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("aws.json")).unwrap()).unwrap()
}

async fn matched() -> (Inventory, IacIndex) {
    let iac = read(&[
        states("terraform"),
        states("opentofu/net"),
        states("legacy"),
    ])
    .await
    .snapshot
    .unwrap();
    let inv = Inventory::from_sources(&[aws(), iac]);
    let ix = IacIndex::build(&inv, &Rules::default().iac);
    (inv, ix)
}

fn arn(svc: &str, res: &str) -> ResourceId {
    ResourceId::from_arn(&format!("arn:aws:{svc}:eu-west-1:111122223333:{res}"))
}

fn address(ix: &IacIndex, id: &ResourceId) -> String {
    match ix.status_of(id) {
        Some(IacStatus::Managed { address, via, .. }) => match via {
            Some(v) => format!("{address} (via {v})"),
            None => address.clone(),
        },
        other => panic!("{id}: {other:?}"),
    }
}

#[tokio::test]
async fn every_aws_kind_ferry_fetches_matches_its_state_entry() {
    let (inv, ix) = matched().await;
    let zone = "aws:arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ";
    let record =
        |s: &str| ResourceId::from_raw(format!("aws:route53_record/Z0123456789ABCDEFGHIJ/{s}"));
    let cases: Vec<(ResourceId, &str)> = vec![
        (arn("ecs", "cluster/main"), "aws_ecs_cluster.main"),
        (
            arn("ecs", "service/main/orders-api"),
            "module.orders_service.aws_ecs_service.this[0]",
        ),
        (
            arn("ecs", "task-definition/orders-web:7"),
            "module.orders_service.aws_ecs_task_definition.web",
        ),
        (
            arn(
                "elasticloadbalancing",
                "loadbalancer/app/orders-public/50dc6c495c0c9188",
            ),
            "aws_lb.public",
        ),
        (
            arn(
                "elasticloadbalancing",
                "listener/app/orders-public/50dc6c495c0c9188/f0e1",
            ),
            "aws_alb_listener.https",
        ),
        (
            arn(
                "elasticloadbalancing",
                "listener-rule/app/orders-public/50dc6c495c0c9188/f0e1/r1",
            ),
            "aws_lb_listener_rule.api",
        ),
        (
            arn("elasticloadbalancing", "targetgroup/orders-web/81d7"),
            "aws_lb_target_group.web",
        ),
        (arn("rds", "db:orders-db"), "aws_db_instance.orders"),
        (arn("rds", "cluster:analytics"), "aws_rds_cluster.analytics"),
        (
            arn("rds", "db:analytics-1"),
            "aws_rds_cluster_instance.analytics_1",
        ),
        (
            arn("elasticache", "replicationgroup:orders-redis"),
            "aws_elasticache_replication_group.redis",
        ),
        (
            arn("elasticache", "cluster:legacy-memcached"),
            "aws_elasticache_cluster.legacy",
        ),
        (
            arn("elasticache", "serverlesscache:sessions"),
            "aws_elasticache_serverless_cache.sessions",
        ),
        (
            arn("kafka", "cluster/events/6f1c"),
            "aws_msk_cluster.events",
        ),
        (
            ResourceId::from_arn("arn:aws:s3:::acme-web-assets"),
            "aws_s3_bucket.assets[\"web\"]",
        ),
        (
            ResourceId::from_arn("arn:aws:cloudfront::111122223333:distribution/EDK1FC6RPM8A5J"),
            "aws_cloudfront_distribution.web",
        ),
        (
            ResourceId::from_arn("arn:aws:acm:us-east-1:111122223333:certificate/3a2b"),
            "aws_acm_certificate.web",
        ),
        (ResourceId::from_raw(zone), "aws_route53_zone.main"),
        (
            record("www.example.com/A"),
            "aws_route53_record.app[\"www\"]",
        ),
        (
            record("*.example.com/A"),
            "aws_route53_record.app[\"wild\"]",
        ),
        (
            record("eu.example.com/CNAME/blue"),
            "aws_route53_record.app[\"eu\"]",
        ),
        (
            arn("ssm", "parameter/orders/prod/db_password"),
            "aws_ssm_parameter.db_password",
        ),
        (
            arn("ssm", "parameter/orders/prod/feature_flags"),
            "aws_ssm_parameter.plain",
        ),
        (
            arn("secretsmanager", "secret:orders/prod/stripe-AbCdEf"),
            "aws_secretsmanager_secret.stripe",
        ),
        (
            arn("logs", "log-group:/ecs/orders-api"),
            "aws_cloudwatch_log_group.svc[0]",
        ),
        (
            arn("logs", "log-group:/legacy/app"),
            "aws_cloudwatch_log_group.legacy",
        ),
        (
            arn("scheduler", "schedule/default/nightly"),
            "module.jobs.aws_scheduler_schedule.nightly",
        ),
        (
            arn("events", "rule/cleanup"),
            "aws_cloudwatch_event_rule.cleanup",
        ),
        (
            arn("ecr", "repository/orders-api"),
            "aws_ecr_repository.api",
        ),
        (arn("sqs", "jobs"), "aws_sqs_queue.jobs"),
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for (id, want) in &cases {
        assert_eq!(address(&ix, id), *want, "{id}");
        kinds.insert(
            inv.get(id)
                .unwrap_or_else(|| panic!("{id} in aws.json"))
                .kind,
        );
        let linked = ix
            .links
            .iter()
            .any(|l| &l.to == id && l.kind == LinkKind::Manages);
        assert!(linked, "manages link to {id}");
    }
    for kind in Kind::ALL
        .iter()
        .filter(|k| k.provider() == Provider::Aws && **k != Kind::AwsAccount)
    {
        assert!(kinds.contains(kind), "no matching test for {kind}");
    }
}

#[tokio::test]
async fn what_other_resources_create_is_not_unmanaged_noise() {
    let (_, ix) = matched().await;
    let cases = [
        (
            arn("ecs", "task-definition/orders-web:6"),
            "module.orders_service.aws_ecs_task_definition.web (via module.orders_service.aws_ecs_task_definition.web)",
        ),
        (
            arn("elasticache", "cluster:orders-redis-001"),
            "aws_elasticache_replication_group.redis (via aws_elasticache_replication_group.redis)",
        ),
        (
            arn("rds", "db:analytics-2"),
            "aws_rds_cluster.analytics (via aws_rds_cluster.analytics)",
        ),
        (
            arn("rds", "db:analytics-3"),
            "aws_rds_cluster.analytics (via aws_rds_cluster.analytics)",
        ),
        (
            arn(
                "elasticloadbalancing",
                "listener-rule/app/orders-public/50dc6c495c0c9188/f0e1/default",
            ),
            "aws_alb_listener.https (via aws_alb_listener.https)",
        ),
        (
            ResourceId::from_raw("aws:route53_record/Z0123456789ABCDEFGHIJ/example.com/NS"),
            "aws_route53_zone.main (via aws_route53_zone.main)",
        ),
        (
            ResourceId::from_raw("aws:route53_record/Z0123456789ABCDEFGHIJ/example.com/SOA"),
            "aws_route53_zone.main (via aws_route53_zone.main)",
        ),
    ];
    for (id, want) in cases {
        assert_eq!(address(&ix, &id), want, "{id}");
    }
}

#[tokio::test]
async fn unmanaged_ignored_in_state_only_and_coverage() {
    let (inv, ix) = matched().await;
    for id in [
        arn("ecs", "service/main/hand-worker"),
        arn("ecs", "task-definition/worker:1"),
        arn("ssm", "parameter/orders/prod/by_hand"),
        ResourceId::from_arn("arn:aws:s3:::acme-logs-by-hand"),
        arn(
            "elasticloadbalancing",
            "listener-rule/app/orders-public/50dc6c495c0c9188/f0e1/r2",
        ),
        ResourceId::from_raw("aws:route53_record/Z0123456789ABCDEFGHIJ/api.example.com/CNAME"),
        ResourceId::from_raw("aws:route53_record/Z0123456789ABCDEFGHIJ/team.example.com/NS"),
    ] {
        assert_eq!(ix.status_of(&id), Some(&IacStatus::Unmanaged), "{id}");
    }
    assert!(matches!(
        ix.status_of(&arn("logs", "log-group:/aws/lambda/thumbnails")),
        Some(IacStatus::Ignored { .. })
    ));
    assert_eq!(
        ix.status_of(&arn("sns", "alerts")),
        None,
        "an unmatched tagged resource is not counted"
    );
    assert_eq!(
        ix.status_of(&ResourceId::from_raw("aws:account/111122223333")),
        None
    );
    let ghosts: BTreeMap<&str, &str> = ix
        .ghosts
        .iter()
        .map(|g| (g.address.as_str(), g.why.as_str()))
        .collect();
    assert_eq!(ghosts.len(), 2, "{ghosts:?}");
    assert!(ghosts["aws_ecs_service.ghost"].contains("deleted by hand"));
    assert!(
        ghosts["aws_ssm_parameter.elsewhere"]
            .contains("account 999988887777 is not in Ferry's AWS inventory")
    );

    let report = IacReport::new(&ix, &inv).unwrap();
    let c = &report.coverage.overall;
    assert_eq!(
        (c.managed, c.unmanaged, c.in_state_not_in_aws, c.ignored),
        (39, 7, 2, 1)
    );
    assert_eq!(c.percent, Some(84.8), "39 of 46");
    let ecs = &report.coverage.by_service["ECS"];
    assert_eq!(
        (ecs.managed, ecs.unmanaged, ecs.in_state_not_in_aws),
        (4, 2, 1)
    );
    assert!(
        report
            .summary_line()
            .starts_with("IaC: 39 managed, 7 unmanaged (84.8 % managed), 2 in state not in AWS"),
        "{}",
        report.summary_line()
    );
}

#[tokio::test]
async fn an_unreadable_state_makes_the_rest_unknown_not_unmanaged() {
    let iac = read(&[states("terraform"), states("opentofu")])
        .await
        .snapshot
        .unwrap();
    let inv = Inventory::from_sources(&[aws(), iac]);
    let ix = IacIndex::build(&inv, &Rules::default().iac);
    match ix.status_of(&arn("ecs", "service/main/hand-worker")) {
        Some(IacStatus::Unknown { why }) => assert!(why.contains("encrypted"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ix.status_of(&arn("ecs", "cluster/main")),
        Some(IacStatus::Managed { .. })
    ));
}

#[tokio::test]
async fn no_state_configured_means_no_statuses() {
    let inv = Inventory::from_sources(&[aws()]);
    let ix = IacIndex::build(&inv, &Rules::default().iac);
    assert!(!ix.active);
    assert_eq!(ix.status_of(&arn("ecs", "cluster/main")), None);
    assert!(IacReport::new(&ix, &inv).is_none());
}
