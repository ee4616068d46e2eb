"""Demo additions for issue 12, points 4 and 5 (imported by generate.py).

- AWS only: ECS service `acme-ledger-sync` (eu-west-1, cluster acme-prod) was made on AWS
  for a new job; no Heroku app is named like it and it carries no `heroku:app` tag.
- Names only on AWS: the acme-api worker's task definition sets SIDEKIQ_CONCURRENCY, which
  Heroku does not have (the web task definition already sets PORT).
- Replaced add-on: acme-api's `papertrail` add-on created its Papertrail log drain; the
  app's logs now go to the log group /ecs/acme-api, so the add-on follows that drain item.

`extend_heroku_tables` runs before the Heroku source is built (it adds to the add-on and
attachment tables); `apply_heroku` / `apply_aws` run on the built sources.
"""

from __future__ import annotations

PAPERTRAIL = "papertrail-tapered-60418"
PAPERTRAIL_DRAIN_HOST = "logs5.papertrailapp.com"


def extend_heroku_tables(addons: list, attachments: list) -> None:
    addons.append(
        ("acme-api", PAPERTRAIL, "papertrail", "papertrail:choklad", [], "2021-07-14T10:19:40Z")
    )
    attachments.append(("acme-api", "PAPERTRAIL", PAPERTRAIL))


def apply_heroku(heroku) -> None:
    # The drain the add-on created names it (Heroku's log-drain `addon`).
    drains = [
        r for r in heroku.resources
        if r["kind"] == "log_drain" and PAPERTRAIL_DRAIN_HOST in r["attrs"]["url"]
    ]
    assert len(drains) == 1, "acme-api's Papertrail drain"
    drains[0]["attrs"]["addon"] = {"name": PAPERTRAIL}


def apply_aws(aws, arn, tags_for, account: str, region: str) -> None:
    by_name = {(r["kind"], r["name"]): r for r in aws.resources}

    # SIDEKIQ_CONCURRENCY is set on AWS only (informational on acme-api's config vars).
    worker_td = by_name[("task_definition", "acme-api-worker:14")]
    worker_td["attrs"]["containerDefinitions"][0]["environment"].append(
        {"name": "SIDEKIQ_CONCURRENCY"}
    )

    # An ECS service no Heroku item matches: made on AWS for a new job.
    scope = {"account": account, "region": region}
    cluster = arn("ecs", region, "cluster/acme-prod")
    family = "acme-ledger-sync"
    td = arn("ecs", region, f"task-definition/{family}:2")
    log_group = arn("logs", region, f"log-group:/ecs/{family}")
    svc = arn("ecs", region, f"service/acme-prod/{family}")
    repo_uri = f"{account}.dkr.ecr.{region}.amazonaws.com/acme-api"
    t = tags_for(extra={"owner": "payments"})
    aws.add(
        "aws:" + log_group, "log_group", f"/ecs/{family}", scope,
        {
            "logGroupName": f"/ecs/{family}",
            "arn": log_group + ":*",
            "logGroupArn": log_group,
            "retentionInDays": 14,
            "storedBytes": 88_104_512,
            "creationTime": 1761904800000,
            "logGroupClass": "STANDARD",
        },
        tags=t,
    )
    aws.add(
        "aws:" + td, "task_definition", f"{family}:2", scope,
        {
            "family": family,
            "revision": 2,
            "taskDefinitionArn": td,
            "status": "ACTIVE",
            "cpu": "256",
            "memory": "512",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "executionRoleArn": f"arn:aws:iam::{account}:role/acme-ecs-task-execution",
            "taskRoleArn": f"arn:aws:iam::{account}:role/{family}-task",
            "registeredAt": "2026-11-03T09:12:00Z",
            "containerDefinitions": [{
                "name": "sync",
                "image": f"{repo_uri}:ledger-0.4.1",
                "essential": True,
                "portMappings": [],
                "environment": [{"name": "RAILS_ENV"}, {"name": "LEDGER_BATCH_SIZE"}],
                "secrets": [],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": f"/ecs/{family}",
                        "awslogs-region": region,
                        "awslogs-stream-prefix": "sync",
                    },
                },
            }],
        },
        tags=t,
    )
    aws.link("aws:" + td, "aws:" + log_group, "logs_to")
    aws.add(
        "aws:" + svc, "ecs_service", family, scope,
        {
            "serviceName": family,
            "serviceArn": svc,
            "clusterArn": cluster,
            "taskDefinition": td,
            "desiredCount": 1,
            "runningCount": 1,
            "pendingCount": 0,
            "launchType": "FARGATE",
            "platformVersion": "LATEST",
            "status": "ACTIVE",
            "schedulingStrategy": "REPLICA",
            "loadBalancers": [],
            "createdAt": "2026-11-03T09:30:00Z",
        },
        parent="aws:" + cluster,
        tags=t,
    )
    aws.link("aws:" + svc, "aws:" + td, "runs")
    counts = by_name[("ecs_cluster", "acme-prod")]["attrs"]
    counts["activeServicesCount"] += 1
    counts["runningTasksCount"] += 1
