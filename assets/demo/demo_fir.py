"""Demo additions for issue 12, point 3 (dyno sizes) and point 8 (Fir), imported by generate.py.

- Dyno sizes: the account's `GET /dyno-sizes` list (memory in GB), Fir sizes included, as
  `heroku_dyno_size` resources under the account. `dyno-2c-4gb` is in no rules table: the
  size check knows it from this list only.
- Fir: space `acme-fir-eu` (generation fir) runs two Fir apps. The space has a telemetry
  drain for `logs`, which applies to both apps.
  - `acme-notify` (worker, dyno-2c-4gb ×2) has an app drain for `traces` and `metrics`; its ECS
    service runs an AWS Distro for OpenTelemetry collector sidecar next to awslogs: ready.
  - `acme-ingest` (worker, dyno-1c-2gb ×1) has an app drain for `traces` and `logs`; its ECS
    service has awslogs only, so its traces are not exported: partial.
- Every Cedar app now says `generation: cedar`, as the API does.

`apply_heroku` / `apply_aws` run on the built sources.
"""

from __future__ import annotations

import hashlib
import uuid

EMAIL = "platform@acmepay.com"
TEAM = "acmepay"
SPACE = "acme-fir-eu"
CREATED = "2026-09-15T10:00:00Z"
UPDATED = "2026-11-17T12:30:00Z"

# name, memory GB, dedicated, generation
SIZES = [
    ("Eco", 0.5, False, "cedar"),
    ("Basic", 0.5, False, "cedar"),
    ("Standard-1X", 0.5, False, "cedar"),
    ("Standard-2X", 1, False, "cedar"),
    ("Performance-M", 2.5, True, "cedar"),
    ("Performance-L", 14, True, "cedar"),
    ("Private-S", 1, True, "cedar"),
    ("Private-M", 2.5, True, "cedar"),
    ("Private-L", 14, True, "cedar"),
    ("dyno-1c-0.5gb", 0.5, False, "fir"),
    ("dyno-1c-2gb", 2, False, "fir"),
    ("dyno-2c-4gb", 4, False, "fir"),
    ("dyno-4c-16gb", 16, True, "fir"),
]

# app, process, quantity, size, command, own drain signals, drain endpoint
FIR_APPS = [
    ("acme-notify", "worker", 2, "dyno-2c-4gb", "node dist/worker.js", ["traces", "metrics"],
     "https://otlp.eu01.nr-data.net:4318"),
    ("acme-ingest", "worker", 1, "dyno-1c-2gb", "python -m ingest.worker", ["traces", "logs"],
     "https://api.honeycomb.io"),
]


def huuid(label: str) -> str:
    return str(uuid.UUID(hashlib.sha256(f"fir/{label}".encode()).hexdigest()[:32], version=4))


def apply_heroku(heroku) -> None:
    account_rid = f"heroku:account/{EMAIL}"
    for r in heroku.resources:
        if r["kind"] == "app":
            r["attrs"]["generation"] = {"name": "cedar"}
    for name, memory, dedicated, gen in SIZES:
        heroku.add(
            f"heroku:dyno_size/{EMAIL}/{name}", "heroku_dyno_size", name, {"account": EMAIL},
            {
                "id": huuid(f"size/{name}"),
                "name": name,
                "memory": memory,
                "compute": 1 if not dedicated else 2,
                "architecture": "amd64",
                "generation": {"name": gen},
                "dedicated": dedicated,
                "private_space_only": name.startswith("Private"),
            },
            parent=account_rid,
        )

    scope = {"account": EMAIL, "team": TEAM}
    space_rid = f"heroku:space/{SPACE}"
    heroku.add(
        space_rid, "space", SPACE, scope,
        {
            "id": huuid("space"),
            "name": SPACE,
            "region": {"name": "dublin"},
            "team": {"name": TEAM},
            "shield": False,
            "state": "allocated",
            "cidr": "10.0.0.0/16",
            "data_cidr": "172.23.0.0/20",
            "generation": {"name": "fir"},
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    )
    space_drain = f"heroku:telemetry_drain/{SPACE}/{huuid('drain/space')}"
    heroku.add(
        space_drain, "telemetry_drain", "https://logs.acmepay.example:4317", scope,
        drain_attrs("drain/space", "space", huuid("space"), ["logs"],
                    "otlp", "https://logs.acmepay.example:4317", ["authorization"]),
        parent=space_rid,
    )
    for app, process, qty, size, cmd, signals, endpoint in FIR_APPS:
        app_rid = f"heroku:app/{app}"
        app_id = huuid(f"app/{app}")
        heroku.add(
            app_rid, "app", app, scope,
            {
                "id": app_id,
                "name": app,
                "region": {"name": "dublin"},
                "stack": {"name": "heroku-24"},
                "build_stack": {"name": "heroku-24"},
                "team": {"name": TEAM},
                "space": {"name": SPACE, "shield": False},
                "owner": {"email": EMAIL},
                "web_url": f"https://{app}.herokuapp.com/",
                "git_url": f"https://git.heroku.com/{app}.git",
                "acm": False,
                "maintenance": False,
                "internal_routing": False,
                "buildpack_provided_description": None,
                "generation": {"name": "fir"},
                "created_at": CREATED,
                "updated_at": UPDATED,
                "released_at": UPDATED,
            },
        )
        heroku.link(space_drain, app_rid, "attached_to")
        heroku.add(
            f"heroku:formation/{app}/{process}", "formation", process, scope,
            {
                "id": huuid(f"formation/{app}"),
                "type": process,
                "quantity": qty,
                "size": size,
                "dyno_size": {"name": size},
                "command": cmd,
                "app": {"name": app},
                "created_at": CREATED,
                "updated_at": UPDATED,
                "dyno_states": {"up": qty},
            },
            parent=app_rid,
        )
        heroku.add(
            f"heroku:config_vars/{app}", "config_vars", "config vars", scope,
            {"names": ["LOG_LEVEL", env_name(app)]},
            parent=app_rid,
        )
        heroku.add(
            f"heroku:release/{app}/27", "release", "v27", scope,
            {
                "id": huuid(f"release/{app}"),
                "version": 27,
                "status": "succeeded",
                "current": True,
                "description": "Deploy 5c0ffee1",
                "created_at": UPDATED,
                "updated_at": UPDATED,
                "addon_plan_names": [],
                "user": {"email": EMAIL},
            },
            parent=app_rid,
        )
        host = endpoint.split("://", 1)[1]
        heroku.add(
            f"heroku:telemetry_drain/{app}/{huuid('drain/' + app)}", "telemetry_drain", endpoint,
            scope,
            drain_attrs("drain/" + app, "app", app_id, signals, "otlphttp", endpoint,
                        ["x-honeycomb-team"] if "honeycomb" in host else ["api-key"]),
            parent=app_rid,
        )


def env_name(app: str) -> str:
    return "NODE_ENV" if app == "acme-notify" else "PYTHONUNBUFFERED"


def drain_attrs(label, owner_type, owner_id, signals, exporter, endpoint, header_names):
    # As a fetch keeps it: the exporter's header NAMES only, never their values.
    return {
        "id": huuid(label),
        "signals": signals,
        "owner": {"id": owner_id, "type": owner_type},
        "exporter": {"type": exporter, "endpoint": endpoint, "header_names": header_names},
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def apply_aws(aws, arn, tags_for, account: str, region: str) -> None:
    scope = {"account": account, "region": region}
    cluster = arn("ecs", region, "cluster/acme-prod")
    by_name = {(r["kind"], r["name"]): r for r in aws.resources}
    for app, process, qty, size, cmd, signals, endpoint in FIR_APPS:
        family = f"{app}-{process}"
        td = arn("ecs", region, f"task-definition/{family}:3")
        log_group = arn("logs", region, f"log-group:/ecs/{app}")
        svc = arn("ecs", region, f"service/acme-prod/{family}")
        t = tags_for(app=app, process=process)
        aws.add(
            "aws:" + log_group, "log_group", f"/ecs/{app}", scope,
            {
                "logGroupName": f"/ecs/{app}",
                "arn": log_group + ":*",
                "logGroupArn": log_group,
                "retentionInDays": 30,
                "storedBytes": 12_582_912,
                "creationTime": 1762000000000,
                "logGroupClass": "STANDARD",
            },
            tags=t,
        )
        containers = [{
            "name": process,
            "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{app}:27",
            "essential": True,
            "portMappings": [],
            "environment": [{"name": "LOG_LEVEL"}, {"name": env_name(app)}],
            "secrets": [],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": f"/ecs/{app}", "awslogs-region": region,
                            "awslogs-stream-prefix": process},
            },
        }]
        if app == "acme-notify":
            # Traces and metrics leave through the ADOT collector sidecar.
            containers.append({
                "name": "aws-otel-collector",
                "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1",
                "essential": False,
                "portMappings": [],
                "environment": [],
                "secrets": [],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": f"/ecs/{app}", "awslogs-region": region,
                                "awslogs-stream-prefix": "otel"},
                },
            })
        aws.add(
            "aws:" + td, "task_definition", f"{family}:3", scope,
            {
                "family": family,
                "revision": 3,
                "taskDefinitionArn": td,
                "status": "ACTIVE",
                "cpu": "1024" if app == "acme-notify" else "512",
                "memory": "4096" if app == "acme-notify" else "2048",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "executionRoleArn": f"arn:aws:iam::{account}:role/acme-ecs-task-execution",
                "taskRoleArn": f"arn:aws:iam::{account}:role/{family}-task",
                "registeredAt": "2026-11-12T14:00:00Z",
                "containerDefinitions": containers,
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
                "desiredCount": qty,
                "runningCount": qty,
                "pendingCount": 0,
                "launchType": "FARGATE",
                "platformVersion": "LATEST",
                "status": "ACTIVE",
                "schedulingStrategy": "REPLICA",
                "loadBalancers": [],
                "createdAt": "2026-11-12T14:10:00Z",
            },
            parent="aws:" + cluster,
            tags=t,
        )
        aws.link("aws:" + svc, "aws:" + td, "runs")
        counts = by_name[("ecs_cluster", "acme-prod")]["attrs"]
        counts["activeServicesCount"] += 1
        counts["runningTasksCount"] += qty
