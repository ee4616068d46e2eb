//! The AWS CLI's deploy commands: ECS, S3, CloudFront.

use super::{Ctx, Name, Target, shell};

/// `family`, `family:7`, or a task-definition ARN → the family.
pub(super) fn task_family(n: Name) -> Name {
    n.map(|v| {
        let v = v.rsplit_once("task-definition/").map_or(v, |(_, f)| f);
        v.split(':').next().unwrap_or(v).to_string()
    })
}

/// A cluster or service given by ARN → its name.
pub(super) fn last_segment(n: Name) -> Name {
    n.map(|v| v.rsplit('/').next().unwrap_or(v).to_string())
}

pub(super) fn s3_bucket(ctx: &Ctx, word: &str) -> Option<Name> {
    let rest = word.strip_prefix("s3://")?;
    let bucket = rest.split('/').next().unwrap_or(rest);
    Some(ctx.name(bucket))
}

pub(super) fn aws(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
    let globals = [
        "--region",
        "--profile",
        "--output",
        "--endpoint-url",
        "--query",
    ];
    let pos = shell::positionals(args, &globals);
    let (Some(service), Some(op)) = (pos.first().copied(), pos.get(1).copied()) else {
        return false;
    };
    let opt = |names: &[&str]| shell::option(args, names);
    let cluster = opt(&["--cluster"]).map(|c| last_segment(ctx.name(c)));
    match (service, op) {
        ("ecs", "update-service") | ("ecs", "deploy") => {
            let Some(s) = opt(&["--service"]) else {
                return false;
            };
            push(
                Target::EcsService {
                    cluster,
                    service: last_segment(ctx.name(s)),
                },
                op,
            );
        }
        ("ecs", "run-task") | ("ecs", "start-task") => {
            let family = opt(&["--task-definition"]).map(|f| task_family(ctx.name(f)));
            push(Target::EcsTask { cluster, family }, op);
        }
        ("ecs", "register-task-definition") => {
            let family = match (opt(&["--family"]), opt(&["--cli-input-json"])) {
                (Some(f), _) => ctx.name(f),
                (None, Some(file)) => Name::via(format!("the family in {file}")),
                (None, None) => Name::via("an unnamed family"),
            };
            push(Target::TaskDefinition { family }, op);
        }
        ("ecs", _) | ("ecr", _) | ("sts", _) | ("sso", _) | ("configure", _) => {}
        ("s3", "sync" | "cp" | "mv") => {
            let values = [
                "--acl",
                "--exclude",
                "--include",
                "--cache-control",
                "--content-type",
            ];
            let mut with_value: Vec<&str> = globals.to_vec();
            with_value.extend(values);
            let pos = shell::positionals(args, &with_value);
            // The last path is the destination: a copy from S3 to disk deploys nothing.
            match pos.last().and_then(|d| s3_bucket(ctx, d)) {
                Some(bucket) if pos.len() >= 4 => push(Target::S3Bucket { bucket }, op),
                _ => return true,
            }
        }
        ("s3", "rm") => match pos.iter().find_map(|p| s3_bucket(ctx, p)) {
            Some(bucket) => push(Target::S3Bucket { bucket }, op),
            None => return false,
        },
        ("s3api", "put-object") => match opt(&["--bucket"]) {
            Some(b) => push(
                Target::S3Bucket {
                    bucket: ctx.name(b),
                },
                op,
            ),
            None => return false,
        },
        ("cloudfront", "create-invalidation") => match opt(&["--distribution-id"]) {
            Some(id) => push(Target::CloudfrontDistribution { id: ctx.name(id) }, op),
            None => return false,
        },
        _ => return false,
    }
    true
}
