//! Reading and matching 200 states holding 20,000 resources (pretty-printed JSON, each
//! instance with the secret-bearing attributes a real state has, which the parser skips)
//! against an AWS inventory of the same size (90 % of it in some state). Target: well
//! under a second for the whole step.

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

use ferry::iac::{IacIndex, IacRules};
use ferry::inventory::Inventory;
use ferry::model::{Kind, Provider, Resource, ResourceId, Scope, SourceSnapshot};
use ferry::sources::iac::mapping::{Found, resources};
use ferry::sources::iac::state;

const STATES: usize = 200;
const PER_STATE: usize = 100;

fn arn(i: usize, j: usize) -> (Kind, String, &'static str, serde_json::Value) {
    let n = format!("s{i}-r{j}");
    match j % 4 {
        0 => (
            Kind::SsmParameter,
            format!("arn:aws:ssm:eu-west-1:111122223333:parameter/app/{n}"),
            "aws_ssm_parameter",
            json!({"arn": format!("arn:aws:ssm:eu-west-1:111122223333:parameter/app/{n}"), "name": format!("/app/{n}"),
                   "value": "a-secret-value-that-is-skipped", "insecure_value": null, "type": "SecureString", "version": 3}),
        ),
        1 => (
            Kind::LogGroup,
            format!("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/{n}"),
            "aws_cloudwatch_log_group",
            json!({"arn": format!("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/{n}"), "name": format!("/ecs/{n}"),
                   "retention_in_days": 30, "tags": {"team": "platform"}, "kms_key_id": ""}),
        ),
        2 => (
            Kind::EcsService,
            format!("arn:aws:ecs:eu-west-1:111122223333:service/main/{n}"),
            "aws_ecs_service",
            json!({"arn": format!("arn:aws:ecs:eu-west-1:111122223333:service/main/{n}"), "id": format!("arn:aws:ecs:eu-west-1:111122223333:service/main/{n}"),
                   "name": n, "cluster": "arn:aws:ecs:eu-west-1:111122223333:cluster/main", "desired_count": 2,
                   "load_balancer": [{"container_name": "web", "container_port": 8080, "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1"}],
                   "network_configuration": [{"subnets": ["subnet-1", "subnet-2"], "security_groups": ["sg-1"], "assign_public_ip": false}]}),
        ),
        _ => (
            Kind::TaskDefinition,
            format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{n}:3"),
            "aws_ecs_task_definition",
            json!({"arn": format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{n}:3"), "family": n, "revision": 3,
                   "container_definitions": "[{\"name\":\"web\",\"environment\":[{\"name\":\"K\",\"value\":\"skipped\"}]}]",
                   "cpu": "256", "memory": "512"}),
        ),
    }
}

fn states() -> Vec<Vec<u8>> {
    (0..STATES)
        .map(|i| {
            let resources: Vec<_> = (0..PER_STATE)
                .map(|j| {
                    let (_, _, ty, attrs) = arn(i, j);
                    json!({"module": format!("module.m{}", j % 7), "mode": "managed", "type": ty, "name": format!("r{j}"),
                           "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                           "instances": [{"index_key": j, "schema_version": 0, "attributes": attrs,
                                          "sensitive_attributes": [[{"type": "get_attr", "value": "value"}]],
                                          "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ==", "dependencies": ["aws_ecs_cluster.main"]}]})
                })
                .collect();
            let doc = json!({"version": 4, "terraform_version": "1.12.2", "serial": 7, "lineage": format!("lineage-{i}"),
                             "outputs": {"db": {"value": "skipped", "type": "string", "sensitive": true}},
                             "resources": resources, "check_results": null});
            serde_json::to_vec_pretty(&doc).unwrap()
        })
        .collect()
}

fn aws() -> SourceSnapshot {
    let now = Utc::now();
    let mut out = Vec::new();
    for i in 0..STATES {
        for j in 0..PER_STATE {
            // One in ten is made by hand (a name no state has).
            let (kind, a, _, _) = if j % 10 == 9 {
                arn(i + 10_000, j)
            } else {
                arn(i, j)
            };
            let name = a.rsplit(['/', ':']).next().unwrap().to_string();
            let mut attrs = ferry::model::Attrs::new();
            match kind {
                Kind::SsmParameter => {
                    attrs.insert("Name".into(), json!(a.split("parameter").nth(1).unwrap()));
                }
                Kind::LogGroup => {
                    attrs.insert(
                        "logGroupName".into(),
                        json!(a.split("log-group:").nth(1).unwrap()),
                    );
                }
                Kind::EcsService => {
                    attrs.insert("serviceArn".into(), json!(a));
                    attrs.insert(
                        "clusterArn".into(),
                        json!("arn:aws:ecs:eu-west-1:111122223333:cluster/main"),
                    );
                }
                _ => {}
            }
            out.push(Resource {
                id: ResourceId::from_arn(&a),
                provider: Provider::Aws,
                kind,
                name,
                parent: None,
                scope: Scope {
                    account: "111122223333".into(),
                    region: Some("eu-west-1".into()),
                    ..Scope::default()
                },
                attrs,
                tags: Default::default(),
                fetched_at: now,
            });
        }
    }
    SourceSnapshot {
        source: Provider::Aws,
        taken_at: now,
        resources: out,
        links: Vec::new(),
    }
}

fn read_and_match(blobs: &[Vec<u8>], aws: &SourceSnapshot) -> usize {
    let found: Vec<Found> = blobs
        .iter()
        .enumerate()
        .map(|(i, b)| Found {
            location: format!("s3://state/live/u{i}/terraform.tfstate"),
            configured: "s3://state/live/".into(),
            place: "s3://state".into(),
            outcome: state::read(b),
        })
        .collect();
    let iac = SourceSnapshot {
        source: Provider::Iac,
        taken_at: Utc::now(),
        resources: resources(&found, Utc::now()),
        links: Vec::new(),
    };
    let inv = Inventory::from_sources(&[aws.clone(), iac]);
    let ix = IacIndex::build(&inv, &IacRules::default());
    ix.links.len()
}

/// Where the time goes, once (printed with the bench's figures).
fn phases(blobs: &[Vec<u8>], aws: &SourceSnapshot) {
    let t = std::time::Instant::now();
    let found: Vec<Found> = blobs
        .iter()
        .map(|b| Found {
            location: "x".into(),
            configured: "x".into(),
            place: "x".into(),
            outcome: state::read(b),
        })
        .collect();
    let parse = t.elapsed();
    let t = std::time::Instant::now();
    let rs = resources(&found, Utc::now());
    let map = t.elapsed();
    let t = std::time::Instant::now();
    let iac = SourceSnapshot {
        source: Provider::Iac,
        taken_at: Utc::now(),
        resources: rs,
        links: Vec::new(),
    };
    let inv = Inventory::from_sources(&[aws.clone(), iac]);
    let load = t.elapsed();
    let t = std::time::Instant::now();
    let ix = IacIndex::build(&inv, &IacRules::default());
    let build = t.elapsed();
    eprintln!(
        "parse {parse:?}, resources {map:?}, inventory {load:?}, match {build:?} ({} links)",
        ix.links.len()
    );
}

fn bench(c: &mut Criterion) {
    let blobs = states();
    let aws = aws();
    let mb = blobs.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let managed = read_and_match(&blobs, &aws);
    phases(&blobs, &aws);
    eprintln!(
        "{STATES} states, {} resources, {mb:.1} MB of JSON; {managed} matched",
        STATES * PER_STATE
    );
    assert_eq!(managed, STATES * PER_STATE * 9 / 10);
    let mut g = c.benchmark_group("iac");
    g.sample_size(10);
    g.bench_function("parse 200 states", |b| {
        b.iter(|| {
            blobs
                .iter()
                .map(|x| state::read(x).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("read and match 200 states / 20k resources", |b| {
        b.iter(|| read_and_match(&blobs, &aws))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
