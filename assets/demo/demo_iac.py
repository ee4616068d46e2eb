"""Issue 14: the demo's IaC source. AcmePay builds AWS with Terragrunt: one state per unit
under s3://acme-terraform-state/live/ (network, data, ecs). What the states hold is derived
from the AWS estate, so ids always agree; the story is in what is left out and added:

- hand-made (unmanaged): the whole us-east-1 edge (cluster acme-edge and the webhook
  receiver service, clicked together during the cut-over of webhooks), the quick
  acme-ingest-worker service and its task definition, the SSM parameter
  /acme/prod/shared/LOG_LEVEL added in the console, the nightly replay schedule, and the
  state bucket itself (Terragrunt created it);
- in state, not in AWS: a canary service and an old feature-flag parameter deleted by hand;
- an older copy of the ecs unit's state (a backup prefix) that is read once, by lineage.

Only identifier attributes appear, as the IaC source stores them; no values."""

from __future__ import annotations

BUCKET = "acme-terraform-state"
PREFIX = f"s3://{BUCKET}/live/"
TAKEN_AT = "2026-11-20T08:58:00Z"

# (kind, name) of AWS resources nobody put in code.
HAND_MADE = {
    ("ecs_cluster", "acme-edge"),
    ("ecs_service", "acme-webhook-receiver"),
    ("task_definition", "acme-webhook-receiver:3"),
    ("log_group", "/ecs/acme-webhook-receiver"),
    ("ecr_repository", "acme-webhook-receiver"),
    ("secret", "acme/edge/webhooks"),
    ("ssm_parameter", "/acme/edge/webhooks/SENTRY_DSN"),
    ("ecs_service", "acme-ingest-worker"),
    ("task_definition", "acme-ingest-worker:3"),
    ("ssm_parameter", "/acme/prod/shared/LOG_LEVEL"),
    ("schedule", "acme-webhook-replay-nightly"),
    ("s3_bucket", "acme-terraform-state"),
}

# Which Terragrunt unit manages each kind, and its Terraform type.
UNITS = {
    "network": ["route53_zone", "route53_record", "acm_certificate", "cloudfront_distribution",
                "load_balancer", "listener", "target_group", "listener_rule"],
    "data": ["rds_instance", "elasticache_replication_group", "s3_bucket", "secret", "ssm_parameter"],
    "ecs": ["ecs_cluster", "ecs_service", "task_definition", "ecr_repository", "log_group"],
}
TYPES = {
    "route53_zone": "aws_route53_zone", "route53_record": "aws_route53_record",
    "acm_certificate": "aws_acm_certificate", "cloudfront_distribution": "aws_cloudfront_distribution",
    "load_balancer": "aws_lb", "listener": "aws_lb_listener", "target_group": "aws_lb_target_group",
    "listener_rule": "aws_lb_listener_rule", "rds_instance": "aws_db_instance",
    "elasticache_replication_group": "aws_elasticache_replication_group", "s3_bucket": "aws_s3_bucket",
    "secret": "aws_secretsmanager_secret", "ssm_parameter": "aws_ssm_parameter",
    "ecs_cluster": "aws_ecs_cluster", "ecs_service": "aws_ecs_service",
    "task_definition": "aws_ecs_task_definition", "ecr_repository": "aws_ecr_repository",
    "log_group": "aws_cloudwatch_log_group",
}
LINEAGES = {
    "network": "3f9c1d2e-0a4b-4c55-9e11-6b7a8c9d0e01",
    "data": "3f9c1d2e-0a4b-4c55-9e11-6b7a8c9d0e02",
    "ecs": "3f9c1d2e-0a4b-4c55-9e11-6b7a8c9d0e03",
}
SERIALS = {"network": 57, "data": 31, "ecs": 212}


def tf_name(s: str) -> str:
    s = s.lower().replace("*", "wildcard")
    out = "_".join(filter(None, "".join(c if c.isalnum() else " " for c in s).split()))
    if not out or out[0].isdigit():
        out = "r_" + out
    return out


def identifiers(r: dict) -> dict:
    a, arn = r["attrs"], r["id"].removeprefix("aws:")
    k = r["kind"]
    if k == "route53_zone":
        zid = a["Id"].rsplit("/", 1)[-1]
        return {"arn": arn, "id": zid, "zone_id": zid, "name": a["Name"].rstrip(".")}
    if k == "route53_record":
        zid = r["parent"].rsplit("/", 1)[-1]
        fqdn = a["Name"].rstrip(".")
        return {"zone_id": zid, "fqdn": fqdn, "name": fqdn.split(".")[0], "type": a["Type"]}
    if k == "s3_bucket":
        return {"arn": arn, "bucket": r["name"], "id": r["name"]}
    if k == "cloudfront_distribution":
        return {"arn": arn, "id": a["Id"]}
    if k == "ecs_service":
        return {"arn": arn, "id": arn, "name": r["name"], "cluster": a["clusterArn"]}
    if k == "task_definition":
        return {"arn": arn, "family": a["family"], "revision": a["revision"]}
    if k == "rds_instance":
        return {"arn": arn, "identifier": r["name"]}
    if k == "elasticache_replication_group":
        return {"arn": arn, "replication_group_id": r["name"], "member_clusters": a.get("MemberClusters", [])}
    if k in ("ssm_parameter", "log_group", "secret", "ecr_repository", "ecs_cluster"):
        return {"arn": arn, "name": r["name"]}
    return {"arn": arn, "id": arn}


def build(aws_json: dict, source_cls):
    """The `iac` source, from the AWS source's JSON (its `to_json()`)."""
    src = source_cls("iac", TAKEN_AT)
    scope = {"account": f"s3://{BUCKET}"}
    resources = [r for r in aws_json["resources"] if r["provider"] == "aws"]
    # Terraform keeps the newest revision of each family; older ones are the family's too.
    newest = {}
    for r in resources:
        if r["kind"] == "task_definition":
            fam, rev = r["attrs"]["family"], r["attrs"]["revision"]
            newest[fam] = max(newest.get(fam, 0), rev)
    units: dict[str, list] = {u: [] for u in UNITS}
    for r in resources:
        if (r["kind"], r["name"]) in HAND_MADE:
            continue
        if r["kind"] == "task_definition" and r["attrs"]["revision"] != newest[r["attrs"]["family"]]:
            continue
        if r["kind"] == "log_group" and r["name"].startswith("/aws/"):
            continue  # made by RDS itself (the rules ignore /aws/ log groups)
        unit = next((u for u, kinds in UNITS.items() if r["kind"] in kinds), None)
        if unit:
            units[unit].append(r)
    ghosts = {
        "ecs": [("aws_ecs_service", 'module.service["acme-api-canary"]', "this",
                 {"arn": "arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-canary",
                  "name": "acme-api-canary", "cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/acme-prod"})],
        "data": [("aws_ssm_parameter", None, "old_feature_flag",
                  {"arn": "arn:aws:ssm:eu-west-1:123456789012:parameter/acme/prod/api/OLD_FEATURE_FLAG",
                   "name": "/acme/prod/api/OLD_FEATURE_FLAG"})],
    }
    for unit, members in units.items():
        location = f"{PREFIX}prod/{unit}/terraform.tfstate"
        state_id = f"iac:state/{location}"
        lineage = LINEAGES[unit]
        entries = []
        for r in members:
            ty = TYPES[r["kind"]]
            if r["kind"] in ("ecs_service", "task_definition", "log_group") and unit == "ecs":
                # The service module, once per app process (for_each).
                key = r["name"].removeprefix("/ecs/").split(":")[0]
                module = f'module.service["{key}"]'
                entries.append((ty, module, "this", identifiers(r), None))
            elif r["kind"] == "route53_record":
                entries.append((ty, None, "app", identifiers(r), r["name"].split(".")[0]))
            else:
                entries.append((ty, None, tf_name(r["name"]), identifiers(r), None))
        for ty, module, name, ids in ghosts.get(unit, []):
            entries.append((ty, module, name, ids, None))
        for ty, module, name, ids, index in entries:
            address = (f"{module}." if module else "") + f"{ty}.{name}" + (f'["{index}"]' if index else "")
            attrs = {"address": address, "tf_type": ty, "state": location, "lineage": lineage, "identifiers": ids}
            if module:
                attrs["module"] = module
            if index:
                attrs["index_key"] = index
            src.add(f"iac:resource/{lineage}/{address}", "iac_resource", address, scope, attrs, parent=state_id)
        src.add(state_id, "iac_state", location, scope, {
            "location": location, "configured": PREFIX, "status": "read", "lineage": lineage,
            "serial": SERIALS[unit], "terraform_version": "1.12.2", "tool": "terraform",
            "resources": len(entries), "data_sources": 3,
        })
    backup = f"s3://{BUCKET}/backup/live/prod/ecs/terraform.tfstate"
    src.add(f"iac:state/{backup}", "iac_state", backup, scope, {
        "location": backup, "configured": f"s3://{BUCKET}/backup/", "status": "skipped",
        "why": f"a copy of state {LINEAGES['ecs']} (serial 198); serial {SERIALS['ecs']} was read from {PREFIX}prod/ecs/terraform.tfstate",
        "lineage": LINEAGES["ecs"], "serial": 198, "superseded_by": f"{PREFIX}prod/ecs/terraform.tfstate",
    })
    return src
