#!/usr/bin/env python3
"""Generate Ferry's demo estate: assets/demo/estate.json.

A fictional fintech, "Acme Pay", half-way through moving from Heroku (with
Cloudflare in front) to AWS. See README.md next to this file for the story.

Stdlib only and fully deterministic: ids are derived from labels with uuid5 /
hashes, and every timestamp is a literal. Running it twice gives the same bytes.

No secret values appear anywhere: Heroku config vars are names only, ECS
environment entries are `{"name": ...}` only, SSM parameters and Secrets
Manager secrets carry names and metadata only, and log drain URLs are reduced
to scheme + host + path. The checks at the bottom enforce this.

Usage: python3 assets/demo/generate.py
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

OUT = Path(__file__).resolve().parent / "estate.json"

EXPORTED_AT = "2026-11-20T09:00:00Z"
HEROKU_TAKEN_AT = "2026-11-20T08:55:00Z"
CLOUDFLARE_TAKEN_AT = "2026-11-20T08:56:00Z"
AWS_TAKEN_AT = "2026-11-20T08:58:00Z"

# --------------------------------------------------------------------------
# deterministic id helpers
# --------------------------------------------------------------------------

_NS = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f")


def huuid(label: str) -> str:
    """uuid-shaped id (Heroku ids, Cloudflare certificate packs, ACM certs)."""
    return str(uuid.uuid5(_NS, label))


def hex32(label: str) -> str:
    """32-hex id, Cloudflare style."""
    return hashlib.md5(("cf:" + label).encode()).hexdigest()


def hexn(label: str, n: int) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:n]


def alnum(label: str, n: int, alphabet: str) -> str:
    digest = hashlib.sha256(label.encode()).digest()
    out = []
    i = 0
    while len(out) < n:
        out.append(alphabet[digest[i % len(digest)] % len(alphabet)])
        i += 1
        if i % len(digest) == 0:
            digest = hashlib.sha256(digest).digest()
    return "".join(out)


LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def digits(label: str, n: int) -> str:
    return str(int(hashlib.sha256(label.encode()).hexdigest(), 16))[:n]


def sanitise_url(url: str) -> str:
    """Keep scheme, host (and port) and path; drop userinfo, query, fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


# --------------------------------------------------------------------------
# source builder
# --------------------------------------------------------------------------


class Source:
    def __init__(self, name: str, taken_at: str) -> None:
        self.name = name
        self.taken_at = taken_at
        self.resources: list[dict] = []
        self.links: list[dict] = []

    def add(self, id, kind, name, scope, attrs, parent=None, tags=None, fetched_at=None):
        self.resources.append(
            {
                "id": id,
                "provider": self.name,
                "kind": kind,
                "name": name,
                "parent": parent,
                "scope": scope,
                "attrs": attrs,
                "tags": tags or {},
                "fetched_at": fetched_at or self.taken_at,
            }
        )
        return id

    def link(self, frm: str, to: str, kind: str) -> None:
        self.links.append({"from": frm, "to": to, "kind": kind})

    def to_json(self) -> dict:
        return {
            "source": self.name,
            "taken_at": self.taken_at,
            "resources": self.resources,
            "links": self.links,
        }


# ==========================================================================
# Heroku
# ==========================================================================

HEROKU_EMAIL = "platform@acmepay.com"
TEAM = "acmepay"

# Custom-domain DNS targets Heroku handed out (domain.cname).
HEROKUDNS = {
    "api.acmepay.com": "vast-falcon-4t8kq2m9zx1bw7.herokudns.com",
    "staging-api.acmepay.com": "calm-badger-9d3xv6p1qk4ne2.herokudns.com",
    "admin.acmepay.com": "quiet-lynx-2m7rb5w9ty3ch8.herokudns.com",
    "www.acmepay.com": "bright-heron-6j1nq8c4vz2kd5.herokudns.com",
    "hooks.acmepay.com": "brisk-otter-8p5ks3x7mw1qf9.herokudns.com",
}
# The look-alike trap: a herokudns target that belongs to NO app in this estate
# (a vendor-hosted status page that happens to run on Heroku).
FOREIGN_HEROKUDNS = "lunar-walrus-3h6tz9b2rn5vx4.herokudns.com"

APPS = [
    {
        "name": "acme-api",
        "team": TEAM,
        "region": "eu",
        "created_at": "2019-03-12T10:41:07Z",
        "updated_at": "2026-11-18T16:02:44Z",
        "released_at": "2026-11-18T16:02:44Z",
        "acm": True,
        "bp_desc": "Ruby",
        "formation": [
            ("web", 3, "Standard-2X", "bundle exec puma -C config/puma.rb"),
            ("worker", 2, "Standard-1X", "bundle exec sidekiq -C config/sidekiq.yml"),
            ("release", 0, "Standard-1X", "bundle exec rails db:migrate"),
        ],
        "config_vars": [
            "DATABASE_URL", "REDIS_URL", "SECRET_KEY_BASE", "STRIPE_API_KEY",
            "STRIPE_WEBHOOK_SECRET", "SENTRY_DSN", "RAILS_ENV", "RAILS_LOG_TO_STDOUT",
            "RAILS_SERVE_STATIC_FILES", "WEB_CONCURRENCY", "LANG", "PLAID_CLIENT_ID",
            "PLAID_SECRET", "NEW_RELIC_LICENSE_KEY",
        ],
        "custom_domains": [("api.acmepay.com", "succeeded", "cert issued", None, None)],
        "buildpacks": [("heroku/nodejs", "heroku/nodejs"), ("heroku/ruby", "heroku/ruby")],
        "release": (412, "Deploy 3f9a1c2b", "2026-11-18T16:02:44Z"),
        "drains": ["syslog+tls://logs5.papertrailapp.com:41234"],
    },
    {
        "name": "acme-api-staging",
        "team": TEAM,
        "region": "eu",
        "created_at": "2019-03-12T11:05:51Z",
        "updated_at": "2026-11-19T14:27:09Z",
        "released_at": "2026-11-19T14:27:09Z",
        "acm": True,
        "bp_desc": "Ruby",
        "formation": [
            ("web", 1, "Standard-1X", "bundle exec puma -C config/puma.rb"),
        ],
        "config_vars": [
            "DATABASE_URL", "SECRET_KEY_BASE", "RAILS_ENV", "LANG", "STRIPE_API_KEY",
            "SENTRY_DSN",
        ],
        "custom_domains": [("staging-api.acmepay.com", "succeeded", "cert issued", None, None)],
        "buildpacks": [("heroku/nodejs", "heroku/nodejs"), ("heroku/ruby", "heroku/ruby")],
        "release": (598, "Deploy 7b2e4d91", "2026-11-19T14:27:09Z"),
        "drains": [],
    },
    {
        "name": "acme-admin",
        "team": TEAM,
        "region": "eu",
        "created_at": "2020-06-02T08:15:33Z",
        "updated_at": "2026-11-04T09:12:18Z",
        "released_at": "2026-10-21T13:48:02Z",
        "acm": True,
        "bp_desc": "Ruby",
        "formation": [
            ("web", 0, "Standard-1X", "bundle exec puma -C config/puma.rb"),
        ],
        "config_vars": [
            "DATABASE_URL", "SECRET_KEY_BASE", "RAILS_ENV", "LANG", "ADMIN_OAUTH_CLIENT_ID",
            "ADMIN_OAUTH_CLIENT_SECRET", "SENTRY_DSN",
        ],
        # Heroku ACM can no longer renew: DNS already points at the AWS ALB.
        "custom_domains": [(
            "admin.acmepay.com", "succeeded", "failing",
            "Domain's DNS record no longer points at Heroku", None,
        )],
        "buildpacks": [("heroku/nodejs", "heroku/nodejs"), ("heroku/ruby", "heroku/ruby")],
        "release": (187, "Deploy c41d0e7a", "2026-10-21T13:48:02Z"),
        "drains": [],
    },
    {
        "name": "acme-web",
        "team": TEAM,
        "region": "eu",
        "created_at": "2021-01-19T15:30:12Z",
        "updated_at": "2026-11-12T10:05:37Z",
        "released_at": "2026-11-12T10:05:37Z",
        "acm": True,
        "bp_desc": "Node.js",
        "formation": [
            ("web", 1, "Basic", "bin/start-nginx-solo"),
        ],
        "config_vars": ["NODE_ENV", "API_BASE_URL", "NPM_CONFIG_PRODUCTION"],
        "custom_domains": [(
            "www.acmepay.com", "succeeded", "failing",
            "Domain's DNS record no longer points at Heroku", None,
        )],
        "buildpacks": [
            ("heroku/nodejs", "heroku/nodejs"),
            ("heroku-community/nginx", "https://github.com/heroku/heroku-buildpack-nginx"),
        ],
        "release": (233, "Deploy 5e8f1a3c", "2026-11-12T10:05:37Z"),
        "drains": [],
    },
    {
        "name": "acme-jobs",
        "team": TEAM,
        "region": "eu",
        "created_at": "2020-02-27T09:02:45Z",
        "updated_at": "2026-11-17T11:44:20Z",
        "released_at": "2026-11-17T11:44:20Z",
        "acm": False,
        "bp_desc": "Ruby",
        "formation": [
            ("worker", 2, "Performance-M", "bundle exec sidekiq -C config/sidekiq.yml"),
            ("clock", 1, "Standard-1X", "bundle exec clockwork config/clock.rb"),
            # Scaled to 0 since the reconciliation rewrite; no ECS service: not_required.
            ("reconcile", 0, "Standard-1X", "bundle exec rake reconcile:watch"),
        ],
        "config_vars": [
            "REDIS_URL", "RAILS_ENV", "LANG", "SENTRY_DSN", "SIDEKIQ_CONCURRENCY",
            "MAILGUN_API_KEY", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_ENDPOINT",
            "R2_BUCKET",
        ],
        "custom_domains": [],
        "buildpacks": [("heroku/ruby", "heroku/ruby")],
        "release": (356, "Deploy 9a0b6c2d", "2026-11-17T11:44:20Z"),
        # real Datadog drain URLs carry ?dd-api-key=...; sanitise_url drops it
        "drains": ["https://http-intake.logs.datadoghq.eu/api/v2/logs"],
    },
    {
        "name": "acme-webhooks",
        "team": TEAM,
        "region": "us",
        "created_at": "2022-04-08T17:20:19Z",
        "updated_at": "2026-11-10T08:31:56Z",
        "released_at": "2026-11-10T08:31:56Z",
        "acm": False,
        "bp_desc": "Node.js",
        "formation": [
            ("web", 2, "Standard-1X", "node dist/server.js"),
        ],
        "config_vars": [
            "STRIPE_WEBHOOK_SECRET", "API_INTERNAL_URL", "SENTRY_DSN", "NODE_ENV",
            "WEBHOOK_SIGNING_SECRET",
        ],
        # manual certificate on an SNI endpoint, not ACM
        "custom_domains": [("hooks.acmepay.com", "succeeded", None, None, "brachiosaurus-28671")],
        "buildpacks": [("heroku/nodejs", "heroku/nodejs")],
        "release": (141, "Deploy 2d7c9e40", "2026-11-10T08:31:56Z"),
        "drains": [],
    },
    {
        "name": "acme-reports",
        "team": None,  # personal app of platform@acmepay.com
        "region": "us",
        "created_at": "2018-09-03T19:11:28Z",
        "updated_at": "2025-12-01T07:59:03Z",
        "released_at": "2025-06-14T12:03:40Z",
        "acm": False,
        "bp_desc": "Python",
        "formation": [
            ("worker", 1, "Performance-L", "python -m reports.worker"),
        ],
        "config_vars": [
            "DATABASE_URL", "LANG", "PYTHON_VERSION", "REPORTS_S3_BUCKET",
            "GOOGLE_SHEETS_CREDENTIALS",
        ],
        "custom_domains": [],
        "buildpacks": [("heroku/python", "heroku/python")],
        "release": (64, "Deploy 11f3ab88", "2025-06-14T12:03:40Z"),
        "drains": [],
    },
]

# add-ons: (owning app, addon name, service, plan, config vars, created_at)
ADDONS = [
    ("acme-api", "postgresql-curved-48213", "heroku-postgresql", "heroku-postgresql:standard-0", ["DATABASE_URL"], "2019-03-12T10:52:19Z"),
    ("acme-api", "redis-rigid-31542", "heroku-redis", "heroku-redis:premium-0", ["REDIS_URL"], "2019-05-20T13:40:02Z"),
    ("acme-api-staging", "postgresql-sinuous-70251", "heroku-postgresql", "heroku-postgresql:essential-0", ["DATABASE_URL"], "2019-03-12T11:09:44Z"),
    ("acme-jobs", "scheduler-globular-22917", "scheduler", "scheduler:standard", [], "2020-02-27T09:10:31Z"),
    ("acme-jobs", "redis-tetrahedral-58306", "heroku-redis", "heroku-redis:mini", ["REDIS_URL"], "2020-02-27T09:12:05Z"),
    ("acme-reports", "postgresql-angular-13579", "heroku-postgresql", "heroku-postgresql:essential-1", ["DATABASE_URL"], "2018-09-03T19:20:55Z"),
]

# attachments: (using app, ATTACHMENT name, addon name)
ATTACHMENTS = [
    ("acme-api", "DATABASE", "postgresql-curved-48213"),
    ("acme-api", "REDIS", "redis-rigid-31542"),
    ("acme-admin", "DATABASE", "postgresql-curved-48213"),  # shared database
    ("acme-api-staging", "DATABASE", "postgresql-sinuous-70251"),
    ("acme-jobs", "SCHEDULER", "scheduler-globular-22917"),
    ("acme-jobs", "REDIS", "redis-tetrahedral-58306"),
    ("acme-reports", "DATABASE", "postgresql-angular-13579"),
]

PIPELINE = "acme-api"
COUPLINGS = [("acme-api", "production"), ("acme-api-staging", "staging")]


def build_heroku() -> Source:
    src = Source("heroku", HEROKU_TAKEN_AT)
    acct_id = huuid("heroku-account")
    team_id = huuid("heroku-team-acmepay")
    account_scope = {"account": HEROKU_EMAIL}
    team_scope = {"account": HEROKU_EMAIL, "team": TEAM}

    src.add(
        f"heroku:account/{HEROKU_EMAIL}", "heroku_account", HEROKU_EMAIL, account_scope,
        {
            "email": HEROKU_EMAIL,
            "id": acct_id,
            "name": "Acme Pay Platform",
            "created_at": "2018-08-30T12:00:41Z",
            "default_team": {"id": team_id, "name": TEAM},
            "two_factor_authentication": True,
        },
    )
    src.add(
        f"heroku:team/{TEAM}", "team", TEAM, team_scope,
        {
            "id": team_id,
            "name": TEAM,
            "role": "admin",
            "type": "team",
            "created_at": "2019-03-01T09:00:00Z",
            "membership_limit": 25,
        },
    )

    app_ids = {}
    app_by_name = {a["name"]: a for a in APPS}

    for a in APPS:
        name = a["name"]
        scope = dict(team_scope) if a["team"] else dict(account_scope)
        app_rid = f"heroku:app/{name}"
        app_ids[name] = huuid(f"app/{name}")
        src.add(
            app_rid, "app", name, scope,
            {
                "id": app_ids[name],
                "name": name,
                "region": {"name": a["region"]},
                "stack": {"name": "heroku-24"},
                "build_stack": {"name": "heroku-24"},
                "team": {"name": a["team"]} if a["team"] else None,
                "space": None,
                "owner": {"email": HEROKU_EMAIL},
                "web_url": f"https://{name}.herokuapp.com/",
                "git_url": f"https://git.heroku.com/{name}.git",
                "acm": a["acm"],
                "maintenance": False,
                "buildpack_provided_description": a["bp_desc"],
                "created_at": a["created_at"],
                "updated_at": a["updated_at"],
                "released_at": a["released_at"],
            },
        )

        # formation
        for ptype, qty, size, cmd in a["formation"]:
            src.add(
                f"heroku:formation/{name}/{ptype}", "formation", ptype, scope,
                {
                    "id": huuid(f"formation/{name}/{ptype}"),
                    "type": ptype,
                    "quantity": qty,
                    "size": size,
                    "dyno_size": {"name": size},
                    "command": cmd,
                    "app": {"name": name},
                    "created_at": a["created_at"],
                    "updated_at": a["updated_at"],
                    "dyno_states": {"up": qty} if qty else {},
                },
                parent=app_rid,
            )

        # config var names
        src.add(
            f"heroku:config_vars/{name}", "config_vars", "config vars", scope,
            {"names": sorted(a["config_vars"])}, parent=app_rid,
        )

        # domains: the default herokuapp.com one plus custom ones
        src.add(
            f"heroku:domain/{name}/{name}.herokuapp.com", "domain", f"{name}.herokuapp.com", scope,
            {
                "id": huuid(f"domain/{name}/{name}.herokuapp.com"),
                "hostname": f"{name}.herokuapp.com",
                "kind": "heroku",
                "cname": None,
                "status": "none",
                "acm_status": None,
                "acm_status_reason": None,
                "sni_endpoint": None,
                "app": {"name": name},
                "created_at": a["created_at"],
                "updated_at": a["created_at"],
            },
            parent=app_rid,
        )
        for host, status, acm_status, acm_reason, sni in a["custom_domains"]:
            dom_rid = f"heroku:domain/{name}/{host}"
            src.add(
                dom_rid, "domain", host, scope,
                {
                    "id": huuid(f"domain/{name}/{host}"),
                    "hostname": host,
                    "kind": "custom",
                    "cname": HEROKUDNS[host],
                    "status": status,
                    "acm_status": acm_status,
                    "acm_status_reason": acm_reason,
                    "sni_endpoint": {"name": sni} if sni else None,
                    "app": {"name": name},
                    "created_at": a["created_at"],
                    "updated_at": a["updated_at"],
                },
                parent=app_rid,
            )
            if sni:
                sni_rid = f"heroku:sni_endpoint/{name}/{sni}"
                src.add(
                    sni_rid, "sni_endpoint", sni, scope,
                    {
                        "id": huuid(f"sni/{name}/{sni}"),
                        "name": sni,
                        "display_name": "hooks-digicert-2026",
                        "app": {"name": name},
                        "domains": [huuid(f"domain/{name}/{host}")],
                        "ssl_cert": {
                            "cert_domains": [host],
                            "starts_at": "2025-12-10T00:00:00Z",
                            "expires_at": "2027-01-09T23:59:59Z",
                            "issuer": "/C=US/O=DigiCert Inc/CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1",
                            "subject": f"/CN={host}",
                            "self_signed?": False,
                            "ca_signed?": True,
                        },
                        "created_at": "2025-12-11T09:30:00Z",
                        "updated_at": "2025-12-11T09:30:00Z",
                    },
                    parent=app_rid,
                )
                src.link(dom_rid, sni_rid, "secured_by")

        # log drains
        for url in a["drains"]:
            token = "d." + huuid(f"drain/{name}/{url}")
            src.add(
                f"heroku:log_drain/{name}/{token}", "log_drain", sanitise_url(url), scope,
                {
                    "id": huuid(f"drain-id/{name}/{url}"),
                    "token": token,
                    "url": sanitise_url(url),
                    "addon": None,
                    "app": {"name": name},
                    "created_at": "2021-07-14T10:20:00Z",
                    "updated_at": "2021-07-14T10:20:00Z",
                },
                parent=app_rid,
            )

        # buildpacks
        for ordinal, (bp_name, bp_url) in enumerate(a["buildpacks"]):
            src.add(
                f"heroku:buildpack/{name}/{ordinal}", "buildpack", bp_name, scope,
                {"ordinal": ordinal, "buildpack": {"name": bp_name, "url": bp_url}},
                parent=app_rid,
            )

        # current release
        version, desc, rel_at = a["release"]
        plans = sorted(p for (owner, _n, _s, p, _c, _t) in ADDONS if owner == name)
        src.add(
            f"heroku:release/{name}/{version}", "release", f"v{version}", scope,
            {
                "id": huuid(f"release/{name}/{version}"),
                "version": version,
                "status": "succeeded",
                "current": True,
                "description": desc,
                "created_at": rel_at,
                "updated_at": rel_at,
                "addon_plan_names": plans,
                "user": {"email": HEROKU_EMAIL},
            },
            parent=app_rid,
        )

    # add-ons
    addon_owner = {}
    for owner, aname, service, plan, cvars, created in ADDONS:
        addon_owner[aname] = owner
        scope = {"account": HEROKU_EMAIL, "team": TEAM} if app_by_name[owner]["team"] else {"account": HEROKU_EMAIL}
        src.add(
            f"heroku:addon/{aname}", "addon", aname, scope,
            {
                "id": huuid(f"addon/{aname}"),
                "name": aname,
                "addon_service": {"name": service},
                "plan": {"name": plan},
                "state": "provisioned",
                "config_vars": cvars,
                "app": {"name": owner},
                "billing_entity": {"name": owner, "type": "app"},
                "created_at": created,
                "updated_at": created,
            },
            parent=f"heroku:app/{owner}",
        )

    # attachments + attached_to links (addon -> every using app, owner included)
    for app, att, aname in ATTACHMENTS:
        scope = {"account": HEROKU_EMAIL, "team": TEAM} if app_by_name[app]["team"] else {"account": HEROKU_EMAIL}
        att_rid = f"heroku:addon_attachment/{app}/{att}"
        src.add(
            att_rid, "addon_attachment", att, scope,
            {
                "id": huuid(f"attachment/{app}/{att}"),
                "name": att,
                "namespace": None,
                "addon": {"name": aname, "app": {"name": addon_owner[aname]}},
                "app": {"name": app},
                "created_at": app_by_name[app]["created_at"],
                "updated_at": app_by_name[app]["created_at"],
            },
            parent=f"heroku:app/{app}",
        )
        src.link(f"heroku:addon/{aname}", f"heroku:app/{app}", "attached_to")
        src.link(att_rid, f"heroku:addon/{aname}", "references")

    # pipeline + couplings
    pipe_rid = f"heroku:pipeline/{PIPELINE}"
    pipe_id = huuid(f"pipeline/{PIPELINE}")
    src.add(
        pipe_rid, "pipeline", PIPELINE, {"account": HEROKU_EMAIL, "team": TEAM},
        {
            "id": pipe_id,
            "name": PIPELINE,
            "owner": {"id": team_id, "type": "team"},
            "created_at": "2019-03-12T11:10:00Z",
            "updated_at": "2024-02-06T15:00:00Z",
        },
    )
    for app, stage in COUPLINGS:
        c_rid = f"heroku:pipeline_coupling/{app}"
        src.add(
            c_rid, "pipeline_coupling", f"{app} ({stage})", {"account": HEROKU_EMAIL, "team": TEAM},
            {
                "id": huuid(f"coupling/{app}"),
                "stage": stage,
                "app": {"id": app_ids[app], "name": app},
                "pipeline": {"id": pipe_id, "name": PIPELINE},
                "created_at": "2019-03-12T11:12:00Z",
                "updated_at": "2019-03-12T11:12:00Z",
            },
            parent=pipe_rid,
        )
        src.link(c_rid, f"heroku:app/{app}", "coupled_to")

    return src


# ==========================================================================
# AWS (built before Cloudflare because Cloudflare records point at AWS names)
# ==========================================================================

ACCOUNT = "123456789012"
EU = "eu-west-1"
US = "us-east-1"

ALB_NAME = "acme-prod-alb"
ALB_HEX = hexn("alb/acme-prod-alb", 16)
ALB_ARN = f"arn:aws:elasticloadbalancing:{EU}:{ACCOUNT}:loadbalancer/app/{ALB_NAME}/{ALB_HEX}"
ALB_DNS = f"{ALB_NAME}-{digits('alb-dns', 10)}.{EU}.elb.amazonaws.com"
ALB_ZONE = "Z32O12XQLNTSW2"  # canonical hosted zone of ALBs in eu-west-1
CF_DIST_ID = "E" + alnum("cloudfront-id", 13, UPPER)
CF_DOMAIN = "d" + alnum("cloudfront-domain", 13, LOWER) + ".cloudfront.net"
CF_ZONE = "Z2FDTNDATAQYW2"  # CloudFront's hosted zone id
VPC = "vpc-" + hexn("vpc/acme-prod", 17)
R53_ZONE_ID = "Z0" + alnum("r53/aws.acmepay.com", 19, UPPER)
R53_NAME_SERVERS = [
    "ns-1183.awsdns-19.org",
    "ns-1762.awsdns-28.co.uk",
    "ns-412.awsdns-51.com",
    "ns-761.awsdns-31.net",
]
ACM_VALIDATION_NAME = "_" + hexn("acm-validation-name", 32) + ".acmepay.com"
ACM_VALIDATION_TARGET = "_" + hexn("acm-validation-target", 32) + ".mzjtnpqgqs.acm-validations.aws"


def arn(service: str, region: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


def tags_for(app=None, process=None, env="production", team="platform", extra=None):
    t = {}
    if app:
        t["heroku:app"] = app
    if process:
        t["heroku:process"] = process
    t["env"] = env
    t["team"] = team
    t["managed-by"] = "terraform"
    if extra:
        t.update(extra)
    return t


def secret_arn(region: str, name: str) -> str:
    return arn("secretsmanager", region, f"secret:{name}-{alnum('secret/' + name, 6, MIXED)}")


def build_aws() -> Source:
    src = Source("aws", AWS_TAKEN_AT)
    s_acct = {"account": ACCOUNT}
    s_eu = {"account": ACCOUNT, "region": EU}
    s_us = {"account": ACCOUNT, "region": US}
    s_gl = {"account": ACCOUNT, "region": "global"}

    def rid(a: str) -> str:
        return "aws:" + a

    src.add(
        f"aws:account/{ACCOUNT}", "aws_account", "acmepay-prod", s_acct,
        {"Account": ACCOUNT, "AccountAliases": ["acmepay-prod"]},
    )

    # ---------------- ACM ----------------
    acm_eu = arn("acm", EU, "certificate/" + huuid("acm/eu/wildcard"))
    acm_us = arn("acm", US, "certificate/" + huuid("acm/us/cloudfront"))
    cf_arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/{CF_DIST_ID}"
    src.add(
        rid(acm_eu), "acm_certificate", "*.acmepay.com", s_eu,
        {
            "CertificateArn": acm_eu,
            "DomainName": "*.acmepay.com",
            "SubjectAlternativeNames": ["*.acmepay.com", "acmepay.com"],
            "Status": "ISSUED",
            "Type": "AMAZON_ISSUED",
            "KeyAlgorithm": "RSA_2048",
            "InUseBy": [ALB_ARN],
            "IssuedAt": "2026-05-04T10:12:00Z",
            "NotBefore": "2026-05-04T00:00:00Z",
            "NotAfter": "2027-06-02T23:59:59Z",
            "RenewalEligibility": "ELIGIBLE",
            "DomainValidationOptions": [{
                "DomainName": "*.acmepay.com",
                "ValidationMethod": "DNS",
                "ValidationStatus": "SUCCESS",
                "ResourceRecord": {"Name": ACM_VALIDATION_NAME + ".", "Type": "CNAME"},
            }],
        },
        tags=tags_for(),
    )
    src.add(
        rid(acm_us), "acm_certificate", "acmepay.com", s_us,
        {
            "CertificateArn": acm_us,
            "DomainName": "acmepay.com",
            "SubjectAlternativeNames": ["acmepay.com", "www.acmepay.com"],
            "Status": "ISSUED",
            "Type": "AMAZON_ISSUED",
            "KeyAlgorithm": "RSA_2048",
            "InUseBy": [cf_arn],
            "IssuedAt": "2026-08-11T09:40:00Z",
            "NotBefore": "2026-08-11T00:00:00Z",
            "NotAfter": "2027-09-09T23:59:59Z",
            "RenewalEligibility": "ELIGIBLE",
        },
        tags=tags_for(app="acme-web"),
    )

    # ---------------- ECR ----------------
    ecr = {}
    for region, scope, repo, t in [
        (EU, s_eu, "acme-api", tags_for(app="acme-api")),
        (EU, s_eu, "acme-admin", tags_for(app="acme-admin")),
        (US, s_us, "acme-webhook-receiver", None),  # untagged
    ]:
        a = arn("ecr", region, f"repository/{repo}")
        uri = f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{repo}"
        ecr[repo] = (a, uri)
        src.add(
            rid(a), "ecr_repository", repo, scope,
            {
                "repositoryName": repo,
                "repositoryArn": a,
                "repositoryUri": uri,
                "registryId": ACCOUNT,
                "imageTagMutability": "IMMUTABLE",
                "imageScanningConfiguration": {"scanOnPush": True},
                "createdAt": "2026-04-22T10:00:00Z" if region == EU else "2026-09-30T14:00:00Z",
            },
            tags=t,
        )

    # ---------------- SSM parameters ----------------
    ssm = {}
    for region, scope, name, ptype, modified, version, t in [
        (EU, s_eu, "/acme/prod/api/REDIS_URL", "SecureString", "2026-09-02T11:20:00Z", 3, tags_for(app="acme-api")),
        (EU, s_eu, "/acme/prod/api/SENTRY_DSN", "SecureString", "2026-05-12T08:45:00Z", 1, tags_for(app="acme-api")),
        (EU, s_eu, "/acme/prod/api/PLAID_CLIENT_ID", "String", "2026-05-12T08:46:00Z", 1, tags_for(app="acme-api")),
        (EU, s_eu, "/acme/prod/admin/ADMIN_OAUTH_CLIENT_ID", "String", "2026-07-30T13:05:00Z", 2, tags_for(app="acme-admin")),
        (EU, s_eu, "/acme/prod/admin/SENTRY_DSN", "SecureString", "2026-07-30T13:06:00Z", 1, tags_for(app="acme-admin")),
        (EU, s_eu, "/acme/prod/shared/LOG_LEVEL", "String", "2026-04-25T09:00:00Z", 1, tags_for()),
        (US, s_us, "/acme/edge/webhooks/SENTRY_DSN", "SecureString", "2026-10-01T10:00:00Z", 1, None),
    ]:
        a = arn("ssm", region, "parameter" + name)
        ssm[name] = a
        src.add(
            rid(a), "ssm_parameter", name, scope,
            {
                "Name": name,
                "ARN": a,
                "Type": ptype,
                "DataType": "text",
                "Tier": "Standard",
                "Version": version,
                "LastModifiedDate": modified,
                "LastModifiedUser": f"arn:aws:sts::{ACCOUNT}:assumed-role/terraform-apply/ci",
            },
            tags=t,
        )

    # ---------------- Secrets Manager ----------------
    secrets = {}
    for region, scope, name, desc, changed, t in [
        (EU, s_eu, "acme/prod/database-url", "Postgres connection URL for acme-prod-postgres", "2026-09-15T07:30:00Z", tags_for(app="acme-api")),
        (EU, s_eu, "acme/prod/api/secret-key-base", "Rails secret_key_base for acme-api", "2026-05-12T08:40:00Z", tags_for(app="acme-api")),
        (EU, s_eu, "acme/prod/stripe", "Stripe keys (JSON: api_key, webhook_secret)", "2026-08-19T16:10:00Z", tags_for(app="acme-api")),
        (EU, s_eu, "acme/prod/admin/secret-key-base", "Rails secret_key_base for acme-admin", "2026-07-30T13:00:00Z", tags_for(app="acme-admin")),
        (EU, s_eu, "acme/prod/admin/oauth", "Google OAuth client secret for the admin console", "2026-07-30T13:01:00Z", tags_for(app="acme-admin")),
        (US, s_us, "acme/edge/webhooks", "Webhook receiver secrets (JSON)", "2026-10-01T10:02:00Z", None),
    ]:
        a = secret_arn(region, name)
        secrets[name] = a
        src.add(
            rid(a), "secret", name, scope,
            {
                "Name": name,
                "ARN": a,
                "Description": desc,
                "KmsKeyId": "alias/aws/secretsmanager",
                "RotationEnabled": False,
                "CreatedDate": changed,
                "LastChangedDate": changed,
                "LastAccessedDate": "2026-11-20T00:00:00Z",
            },
            tags=t,
        )

    # ---------------- CloudWatch log groups ----------------
    logs = {}
    for region, scope, name, retention, stored, created, t in [
        (EU, s_eu, "/ecs/acme-api", 30, 18_734_220_115, 1745316000000, tags_for(app="acme-api")),
        (EU, s_eu, "/ecs/acme-admin", 30, 412_880_931, 1753866000000, tags_for(app="acme-admin")),
        (EU, s_eu, "/aws/rds/instance/acme-prod-postgres/postgresql", 14, 2_905_114_002, 1746021600000, tags_for(app="acme-api")),
        (US, s_us, "/ecs/acme-webhook-receiver", 7, 1_048_576, 1759312800000, None),
    ]:
        a = arn("logs", region, f"log-group:{name}")
        logs[name] = a
        src.add(
            rid(a), "log_group", name, scope,
            {
                "logGroupName": name,
                "arn": a + ":*",  # DescribeLogGroups' `arn` carries the :* suffix
                "logGroupArn": a,
                "retentionInDays": retention,
                "storedBytes": stored,
                "creationTime": created,
                "logGroupClass": "STANDARD",
            },
            tags=t,
        )

    # ---------------- S3 ----------------
    buckets = {}
    for name, region, created, t in [
        ("acmepay-web-prod", EU, "2026-08-10T12:00:00Z", tags_for(app="acme-web", process="web")),
        ("acme-prod-alb-logs", EU, "2026-04-22T10:05:00Z", tags_for()),
        ("acme-terraform-state", EU, "2026-04-01T08:00:00Z", None),  # untagged
    ]:
        a = f"arn:aws:s3:::{name}"
        buckets[name] = a
        src.add(
            rid(a), "s3_bucket", name, {"account": ACCOUNT, "region": region},
            {"Name": name, "BucketRegion": region, "CreationDate": created},
            tags=t,
        )

    # ---------------- RDS / ElastiCache (eu-west-1) ----------------
    rds_arn = arn("rds", EU, "db:acme-prod-postgres")
    src.add(
        rid(rds_arn), "rds_instance", "acme-prod-postgres", s_eu,
        {
            "DBInstanceIdentifier": "acme-prod-postgres",
            "DBInstanceArn": rds_arn,
            "Engine": "postgres",
            "EngineVersion": "16.4",
            "DBInstanceClass": "db.m6g.large",
            "DBInstanceStatus": "available",
            "Endpoint": {
                "Address": f"acme-prod-postgres.{alnum('rds-endpoint', 12, LOWER)}.{EU}.rds.amazonaws.com",
                "Port": 5432,
            },
            "MultiAZ": True,
            "AllocatedStorage": 100,
            "StorageType": "gp3",
            "StorageEncrypted": True,
            "PubliclyAccessible": False,
            "DBName": "acme_production",
            "InstanceCreateTime": "2026-04-30T14:02:00Z",
            "EnabledCloudwatchLogsExports": ["postgresql"],
            "BackupRetentionPeriod": 14,
        },
        tags=tags_for(app="acme-api", extra={"heroku:addon": "postgresql-curved-48213"}),
    )
    src.link(rid(rds_arn), rid(logs["/aws/rds/instance/acme-prod-postgres/postgresql"]), "logs_to")

    redis_arn = arn("elasticache", EU, "replicationgroup:acme-prod-redis")
    redis_host = alnum("redis-endpoint", 6, LOWER)
    src.add(
        rid(redis_arn), "elasticache_replication_group", "acme-prod-redis", s_eu,
        {
            "ReplicationGroupId": "acme-prod-redis",
            "ARN": redis_arn,
            "Description": "acme-api Sidekiq + cache (replaces heroku-redis premium-0)",
            "Status": "available",
            "CacheNodeType": "cache.t4g.medium",
            "Engine": "redis",
            "MemberClusters": ["acme-prod-redis-001", "acme-prod-redis-002"],
            "NodeGroups": [{
                "NodeGroupId": "0001",
                "Status": "available",
                "PrimaryEndpoint": {"Address": f"master.acme-prod-redis.{redis_host}.euw1.cache.amazonaws.com", "Port": 6379},
                "ReaderEndpoint": {"Address": f"replica.acme-prod-redis.{redis_host}.euw1.cache.amazonaws.com", "Port": 6379},
            }],
            "AutomaticFailover": "enabled",
            "MultiAZ": "enabled",
            "ClusterEnabled": False,
            "TransitEncryptionEnabled": True,
            "AtRestEncryptionEnabled": True,
            "ReplicationGroupCreateTime": "2026-05-02T09:15:00Z",
        },
        tags=tags_for(app="acme-api", extra={"heroku:addon": "redis-rigid-31542"}),
    )

    # ---------------- ECS clusters ----------------
    prod_cluster = arn("ecs", EU, "cluster/acme-prod")
    edge_cluster = arn("ecs", US, "cluster/acme-edge")
    src.add(
        rid(prod_cluster), "ecs_cluster", "acme-prod", s_eu,
        {
            "clusterName": "acme-prod",
            "clusterArn": prod_cluster,
            "status": "ACTIVE",
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "activeServicesCount": 3,
            "runningTasksCount": 6,
            "pendingTasksCount": 0,
        },
        tags=tags_for(),
    )
    src.add(
        rid(edge_cluster), "ecs_cluster", "acme-edge", s_us,
        {
            "clusterName": "acme-edge",
            "clusterArn": edge_cluster,
            "status": "ACTIVE",
            "capacityProviders": ["FARGATE"],
            "activeServicesCount": 1,
            "runningTasksCount": 0,
            "pendingTasksCount": 0,
        },
        tags=tags_for(),
    )

    # ---------------- task definitions ----------------
    exec_role = f"arn:aws:iam::{ACCOUNT}:role/acme-ecs-task-execution"

    def taskdef(region, scope, family, revision, cpu, memory, container, image_repo, image_tag,
                port, command, env_names, secret_refs, log_group, stream_prefix, registered, t):
        a = arn("ecs", region, f"task-definition/{family}:{revision}")
        repo_arn, repo_uri = ecr[image_repo]
        container_def = {
            "name": container,
            "image": f"{repo_uri}:{image_tag}",
            "essential": True,
            # No `command`: a fetch never keeps it (it may carry credentials inline), and
            # an import keeps only what a fetch would, so the demo must not rely on it.
            "portMappings": (
                [{"containerPort": port, "hostPort": port, "protocol": "tcp"}] if port else []
            ),
            "environment": [{"name": n} for n in env_names],
            "secrets": [{"name": n, "valueFrom": vf} for n, vf in secret_refs],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": log_group,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": stream_prefix,
                },
            },
        }
        src.add(
            rid(a), "task_definition", f"{family}:{revision}", scope,
            {
                "family": family,
                "revision": revision,
                "taskDefinitionArn": a,
                "status": "ACTIVE",
                "cpu": cpu,
                "memory": memory,
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "executionRoleArn": exec_role,
                "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{family}-task",
                "registeredAt": registered,
                "containerDefinitions": [container_def],
            },
            tags=t,
        )
        # links: reads (secrets), logs_to, references (ECR repo)
        seen = set()
        for _n, vf in secret_refs:
            target = resolve_value_from(vf, region)
            if target not in seen:
                seen.add(target)
                src.link(rid(a), rid(target), "reads")
        src.link(rid(a), rid(logs[log_group]), "logs_to")
        src.link(rid(a), rid(repo_arn), "references")
        return a

    def resolve_value_from(vf: str, region: str) -> str:
        """valueFrom -> ARN of the SSM parameter / secret it names."""
        if vf.startswith("arn:aws:secretsmanager:"):
            # arn:...:secret:<name>-<6>[:json-key:version-stage:version-id]
            parts = vf.split(":")
            return ":".join(parts[:7])
        if vf.startswith("arn:aws:ssm:"):
            return vf
        # bare parameter name (allowed when in the task's region)
        return arn("ssm", region, "parameter" + vf)

    stripe = secrets["acme/prod/stripe"]
    api_env = ["RAILS_ENV", "LANG", "RAILS_LOG_TO_STDOUT", "RAILS_SERVE_STATIC_FILES",
               "WEB_CONCURRENCY", "PORT"]
    api_secrets = [
        ("DATABASE_URL", secrets["acme/prod/database-url"]),
        ("REDIS_URL", ssm["/acme/prod/api/REDIS_URL"]),
        ("SECRET_KEY_BASE", secrets["acme/prod/api/secret-key-base"]),
        ("STRIPE_API_KEY", f"{stripe}:api_key::"),
        ("STRIPE_WEBHOOK_SECRET", f"{stripe}:webhook_secret::"),
        ("SENTRY_DSN", ssm["/acme/prod/api/SENTRY_DSN"]),
        ("PLAID_CLIENT_ID", "/acme/prod/api/PLAID_CLIENT_ID"),  # bare name form
    ]
    # NOT on AWS yet (the "partial" reasons): PLAID_SECRET, NEW_RELIC_LICENSE_KEY
    td_api_web = taskdef(
        EU, s_eu, "acme-api-web", 14, "1024", "2048", "web", "acme-api", "3f9a1c2b", 3000,
        ["bundle", "exec", "puma", "-C", "config/puma.rb"], api_env, api_secrets,
        "/ecs/acme-api", "web", "2026-11-18T16:20:11Z",
        tags_for(app="acme-api", process="web"),
    )
    td_api_worker = taskdef(
        EU, s_eu, "acme-api-worker", 14, "512", "1024", "worker", "acme-api", "3f9a1c2b", None,
        ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"],
        ["RAILS_ENV", "LANG", "RAILS_LOG_TO_STDOUT"],
        [s for s in api_secrets if s[0] in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY_BASE", "STRIPE_API_KEY", "SENTRY_DSN")],
        "/ecs/acme-api", "worker", "2026-11-18T16:20:14Z",
        tags_for(app="acme-api", process="worker"),
    )
    td_api_release = taskdef(
        EU, s_eu, "acme-api-release", 9, "512", "1024", "release", "acme-api", "3f9a1c2b", None,
        ["bundle", "exec", "rails", "db:migrate"],
        ["RAILS_ENV", "LANG"],
        [s for s in api_secrets if s[0] in ("DATABASE_URL", "SECRET_KEY_BASE")],
        "/ecs/acme-api", "release", "2026-11-18T16:20:17Z",
        tags_for(app="acme-api", process="release"),
    )
    td_admin = taskdef(
        EU, s_eu, "acme-admin-web", 6, "512", "1024", "web", "acme-admin", "c41d0e7a", 3000,
        ["bundle", "exec", "puma", "-C", "config/puma.rb"],
        ["RAILS_ENV", "LANG", "PORT"],
        [
            ("DATABASE_URL", secrets["acme/prod/database-url"]),
            ("SECRET_KEY_BASE", secrets["acme/prod/admin/secret-key-base"]),
            ("ADMIN_OAUTH_CLIENT_ID", ssm["/acme/prod/admin/ADMIN_OAUTH_CLIENT_ID"]),
            ("ADMIN_OAUTH_CLIENT_SECRET", secrets["acme/prod/admin/oauth"]),
            ("SENTRY_DSN", ssm["/acme/prod/admin/SENTRY_DSN"]),
        ],
        "/ecs/acme-admin", "web", "2026-10-21T14:02:50Z",
        tags_for(app="acme-admin", process="web"),
    )
    webhooks_secret = secrets["acme/edge/webhooks"]
    td_hooks = taskdef(
        US, s_us, "acme-webhook-receiver", 3, "256", "512", "receiver", "acme-webhook-receiver",
        "2d7c9e40", 8080, ["node", "dist/server.js"],
        ["NODE_ENV", "API_INTERNAL_URL", "PORT"],
        [
            ("STRIPE_WEBHOOK_SECRET", f"{webhooks_secret}:stripe_webhook_secret::"),
            ("SENTRY_DSN", ssm["/acme/edge/webhooks/SENTRY_DSN"]),
        ],
        "/ecs/acme-webhook-receiver", "receiver", "2026-10-02T09:41:00Z",
        None,  # untagged: only the name hints at acme-webhooks
    )

    # ---------------- ALB, target groups, listeners, rules ----------------
    src.add(
        rid(ALB_ARN), "load_balancer", ALB_NAME, s_eu,
        {
            "LoadBalancerArn": ALB_ARN,
            "LoadBalancerName": ALB_NAME,
            "DNSName": ALB_DNS,
            "CanonicalHostedZoneId": ALB_ZONE,
            "Type": "application",
            "Scheme": "internet-facing",
            "State": {"Code": "active"},
            "VpcId": VPC,
            "IpAddressType": "ipv4",
            "AvailabilityZones": [
                {"ZoneName": f"{EU}a", "SubnetId": "subnet-" + hexn("subnet-a", 17)},
                {"ZoneName": f"{EU}b", "SubnetId": "subnet-" + hexn("subnet-b", 17)},
                {"ZoneName": f"{EU}c", "SubnetId": "subnet-" + hexn("subnet-c", 17)},
            ],
            "SecurityGroups": ["sg-" + hexn("sg-alb", 17)],
            "CreatedTime": "2026-04-28T11:30:00Z",
        },
        tags=tags_for(),
    )
    src.link(rid(ALB_ARN), rid(buckets["acme-prod-alb-logs"]), "logs_to")

    tgs = {}
    for name, app, port, health in [
        ("acme-api-web", "acme-api", 3000, "/up"),
        ("acme-admin-web", "acme-admin", 3000, "/up"),
    ]:
        a = arn("elasticloadbalancing", EU, f"targetgroup/{name}/{hexn('tg/' + name, 16)}")
        tgs[name] = a
        src.add(
            rid(a), "target_group", name, s_eu,
            {
                "TargetGroupArn": a,
                "TargetGroupName": name,
                "Protocol": "HTTP",
                "Port": port,
                "VpcId": VPC,
                "TargetType": "ip",
                "HealthCheckProtocol": "HTTP",
                "HealthCheckPath": health,
                "HealthCheckIntervalSeconds": 15,
                "Matcher": {"HttpCode": "200"},
                "LoadBalancerArns": [ALB_ARN],
            },
            tags=tags_for(app=app, process="web"),
        )
        src.link(rid(a), rid(ALB_ARN), "references")

    l80 = arn("elasticloadbalancing", EU, f"listener/app/{ALB_NAME}/{ALB_HEX}/{hexn('listener-80', 16)}")
    l443_hex = hexn("listener-443", 16)
    l443 = arn("elasticloadbalancing", EU, f"listener/app/{ALB_NAME}/{ALB_HEX}/{l443_hex}")
    src.add(
        rid(l80), "listener", "HTTP:80", s_eu,
        {
            "ListenerArn": l80,
            "LoadBalancerArn": ALB_ARN,
            "Port": 80,
            "Protocol": "HTTP",
            "Certificates": [],
            "DefaultActions": [{
                "Type": "redirect",
                "Order": 1,
                "RedirectConfig": {
                    "Protocol": "HTTPS", "Port": "443", "Host": "#{host}",
                    "Path": "/#{path}", "Query": "#{query}", "StatusCode": "HTTP_301",
                },
            }],
        },
        parent=rid(ALB_ARN),
    )
    src.add(
        rid(l443), "listener", "HTTPS:443", s_eu,
        {
            "ListenerArn": l443,
            "LoadBalancerArn": ALB_ARN,
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "Certificates": [{"CertificateArn": acm_eu}],
            "DefaultActions": [{"Type": "forward", "Order": 1, "TargetGroupArn": tgs["acme-api-web"]}],
        },
        parent=rid(ALB_ARN),
    )
    src.link(rid(l443), rid(acm_eu), "secured_by")
    src.link(rid(l443), rid(tgs["acme-api-web"]), "forwards_to")

    for prio, host, tg in [(10, "api.acmepay.com", "acme-api-web"), (20, "admin.acmepay.com", "acme-admin-web")]:
        a = arn("elasticloadbalancing", EU,
                f"listener-rule/app/{ALB_NAME}/{ALB_HEX}/{l443_hex}/{hexn('rule/' + host, 16)}")
        src.add(
            rid(a), "listener_rule", f"{prio}: host {host}", s_eu,
            {
                "RuleArn": a,
                "Priority": str(prio),
                "IsDefault": False,
                "Conditions": [{"Field": "host-header", "Values": [host]}],
                "Actions": [{"Type": "forward", "Order": 1, "TargetGroupArn": tgs[tg]}],
            },
            parent=rid(l443),
        )
        src.link(rid(a), rid(tgs[tg]), "forwards_to")

    # ---------------- ECS services ----------------
    def service(region, scope, cluster, name, td, desired, running, lbs, created, t):
        a = arn("ecs", region, f"service/{cluster.rsplit('/', 1)[1]}/{name}")
        src.add(
            rid(a), "ecs_service", name, scope,
            {
                "serviceName": name,
                "serviceArn": a,
                "clusterArn": cluster,
                "taskDefinition": td,
                "desiredCount": desired,
                "runningCount": running,
                "pendingCount": 0,
                "launchType": "FARGATE",
                "platformVersion": "LATEST",
                "status": "ACTIVE",
                "schedulingStrategy": "REPLICA",
                "loadBalancers": [
                    {"targetGroupArn": tg, "containerName": c, "containerPort": p} for tg, c, p in lbs
                ],
                "createdAt": created,
            },
            parent=rid(cluster),
            tags=t,
        )
        src.link(rid(a), rid(td), "runs")
        for tg, _c, _p in lbs:
            src.link(rid(tg), rid(a), "serves")
        return a

    service(EU, s_eu, prod_cluster, "acme-api-web", td_api_web, 3, 3,
            [(tgs["acme-api-web"], "web", 3000)], "2026-05-14T10:00:00Z",
            tags_for(app="acme-api", process="web"))
    service(EU, s_eu, prod_cluster, "acme-api-worker", td_api_worker, 2, 2, [],
            "2026-05-14T10:05:00Z", tags_for(app="acme-api", process="worker"))
    service(EU, s_eu, prod_cluster, "acme-admin-web", td_admin, 1, 1,
            [(tgs["acme-admin-web"], "web", 3000)], "2026-07-30T14:00:00Z",
            tags_for(app="acme-admin", process="web"))
    service(US, s_us, edge_cluster, "acme-webhook-receiver", td_hooks, 0, 0, [],
            "2026-10-02T10:00:00Z", None)  # untagged, scaled to zero, too small

    # ---------------- EventBridge Scheduler (us-east-1) ----------------
    sched_arn = arn("scheduler", US, "schedule/default/acme-webhook-replay-nightly")
    src.add(
        rid(sched_arn), "schedule", "acme-webhook-replay-nightly", s_us,
        {
            "Name": "acme-webhook-replay-nightly",
            "GroupName": "default",
            "Arn": sched_arn,
            "Description": "Replays failed inbound webhooks every night",
            "ScheduleExpression": "cron(0 3 * * ? *)",
            "ScheduleExpressionTimezone": "UTC",
            "State": "ENABLED",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": edge_cluster,
                "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/acme-scheduler-run-task",
                "EcsParameters": {
                    "TaskDefinitionArn": td_hooks,
                    "TaskCount": 1,
                    "LaunchType": "FARGATE",
                },
            },
            "CreationDate": "2026-10-02T10:15:00Z",
            "LastModificationDate": "2026-10-02T10:15:00Z",
        },
    )
    src.link(rid(sched_arn), rid(td_hooks), "runs")

    # ---------------- CloudFront (global) ----------------
    src.add(
        rid(cf_arn), "cloudfront_distribution", CF_DIST_ID, s_gl,
        {
            "Id": CF_DIST_ID,
            "ARN": cf_arn,
            "DomainName": CF_DOMAIN,
            "Status": "Deployed",
            "Enabled": True,
            "Comment": "acme-web static front end",
            "Aliases": {"Quantity": 2, "Items": ["www.acmepay.com", "acmepay.com"]},
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "s3-acmepay-web-prod",
                "DomainName": f"acmepay-web-prod.s3.{EU}.amazonaws.com",
                "OriginPath": "",
                "OriginAccessControlId": "E" + alnum("oac", 13, UPPER),
            }]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3-acmepay-web-prod", "ViewerProtocolPolicy": "redirect-to-https"},
            "ViewerCertificate": {
                "ACMCertificateArn": acm_us,
                "SSLSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
            "PriceClass": "PriceClass_100",
            "HttpVersion": "http2and3",
            "LastModifiedTime": "2026-11-03T15:22:00Z",
        },
        tags=tags_for(app="acme-web", process="web"),
    )
    src.link(rid(cf_arn), rid(buckets["acmepay-web-prod"]), "origin")
    src.link(rid(cf_arn), rid(acm_us), "secured_by")

    # ---------------- Route 53 (global) ----------------
    r53_arn = f"arn:aws:route53:::hostedzone/{R53_ZONE_ID}"
    src.add(
        rid(r53_arn), "route53_zone", "aws.acmepay.com", s_gl,
        {
            "Id": f"/hostedzone/{R53_ZONE_ID}",
            "Name": "aws.acmepay.com.",
            "CallerReference": "terraform-20260428113000000000000001",
            "Config": {"Comment": "Origin names for the AWS side (delegated from Cloudflare)", "PrivateZone": False},
            "ResourceRecordSetCount": 4,
            "DelegationSet": {"NameServers": R53_NAME_SERVERS},
        },
        tags=tags_for(),
    )
    for host in ["api.aws.acmepay.com", "admin.aws.acmepay.com"]:
        r = f"aws:route53_record/{R53_ZONE_ID}/{host}/A"
        src.add(
            r, "route53_record", host, s_gl,
            {
                "Name": host + ".",
                "Type": "A",
                "AliasTarget": {
                    "HostedZoneId": ALB_ZONE,
                    "DNSName": f"dualstack.{ALB_DNS}.",
                    "EvaluateTargetHealth": True,
                },
            },
            parent=rid(r53_arn),
        )
        src.link(r, rid(ALB_ARN), "routes_to")

    return src


# ==========================================================================
# Cloudflare
# ==========================================================================

CF_ACCOUNT = hex32("account/acme-pay")
ZONES = {
    "acmepay.com": hex32("zone/acmepay.com"),
    "acmepay.io": hex32("zone/acmepay.io"),
}


def build_cloudflare() -> Source:
    src = Source("cloudflare", CLOUDFLARE_TAKEN_AT)
    s_acct = {"account": CF_ACCOUNT}

    src.add(
        f"cloudflare:account/{CF_ACCOUNT}", "cf_account", "Acme Pay", s_acct,
        {
            "id": CF_ACCOUNT,
            "name": "Acme Pay",
            "type": "standard",
            "created_on": "2019-02-18T09:14:00.000000Z",
            "settings": {"enforce_twofactor": True},
        },
    )

    zone_meta = {
        "acmepay.com": ("Pro Website", ["dana.ns.cloudflare.com", "rob.ns.cloudflare.com"], "2019-02-18T09:20:11.000000Z"),
        "acmepay.io": ("Free Website", ["dana.ns.cloudflare.com", "rob.ns.cloudflare.com"], "2021-05-03T12:44:30.000000Z"),
    }
    for zname, zid in ZONES.items():
        plan, ns, created = zone_meta[zname]
        src.add(
            f"cloudflare:zone/{zid}", "zone", zname, {"account": CF_ACCOUNT, "zone": zname},
            {
                "id": zid,
                "name": zname,
                "status": "active",
                "paused": False,
                "type": "full",
                "plan": {"name": plan},
                "name_servers": ns,
                "account": {"id": CF_ACCOUNT, "name": "Acme Pay"},
                "created_on": created,
                "activated_on": created,
                "modified_on": "2026-11-03T15:30:00.000000Z",
            },
        )

    # (zone, name, type, content, proxied, ttl, comment, tags, created, modified, priority)
    com = "acmepay.com"
    io = "acmepay.io"
    records = [
        (com, "acmepay.com", "CNAME", CF_DOMAIN, True, 1, "apex, CNAME-flattened to CloudFront (acme-web)", ["owner:web"], "2019-02-18T09:25:00Z", "2026-11-03T15:30:00Z", None),
        (com, "www.acmepay.com", "CNAME", CF_DOMAIN, True, 1, "acme-web on CloudFront since 2026-11-03", ["owner:web"], "2021-01-19T15:40:00Z", "2026-11-03T15:30:00Z", None),
        (com, "api.acmepay.com", "CNAME", HEROKUDNS["api.acmepay.com"], True, 1, "acme-api (Heroku)", ["owner:platform"], "2019-03-12T11:00:00Z", "2024-06-11T10:00:00Z", None),
        (com, "staging-api.acmepay.com", "CNAME", HEROKUDNS["staging-api.acmepay.com"], True, 1, None, ["owner:platform"], "2019-03-12T11:15:00Z", "2024-06-11T10:00:00Z", None),
        (com, "admin.acmepay.com", "CNAME", ALB_DNS, True, 1, "cut over to AWS ALB 2026-11-04", ["owner:platform"], "2020-06-02T08:30:00Z", "2026-11-04T09:00:00Z", None),
        (com, "hooks.acmepay.com", "CNAME", HEROKUDNS["hooks.acmepay.com"], False, 300, "Stripe webhooks -> acme-webhooks", ["owner:payments"], "2022-04-08T17:40:00Z", "2025-12-11T09:35:00Z", None),
        # the trap: a herokudns target that is not any app's domain cname
        (com, "status.acmepay.com", "CNAME", FOREIGN_HEROKUDNS, False, 300, None, [], "2023-02-20T13:00:00Z", "2023-02-20T13:00:00Z", None),
        (com, "aws.acmepay.com", "NS", R53_NAME_SERVERS[0], False, 3600, "delegation to Route 53", ["owner:platform"], "2026-04-28T11:40:00Z", "2026-04-28T11:40:00Z", None),
        (com, "aws.acmepay.com", "NS", R53_NAME_SERVERS[1], False, 3600, "delegation to Route 53", ["owner:platform"], "2026-04-28T11:40:00Z", "2026-04-28T11:40:00Z", None),
        (com, ACM_VALIDATION_NAME, "CNAME", ACM_VALIDATION_TARGET, False, 300, "ACM DNS validation for *.acmepay.com", ["owner:platform"], "2026-05-04T10:05:00Z", "2026-05-04T10:05:00Z", None),
        (com, "acmepay.com", "MX", "aspmx.l.google.com", False, 3600, None, [], "2019-02-18T09:25:00Z", "2019-02-18T09:25:00Z", 1),
        (com, "acmepay.com", "MX", "alt1.aspmx.l.google.com", False, 3600, None, [], "2019-02-18T09:25:00Z", "2019-02-18T09:25:00Z", 5),
        (com, "acmepay.com", "TXT", "v=spf1 include:_spf.google.com include:mailgun.org ~all", False, 3600, "SPF", [], "2019-02-18T09:26:00Z", "2022-09-01T08:00:00Z", None),
        (com, "_dmarc.acmepay.com", "TXT", "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@acmepay.com", False, 3600, "DMARC", [], "2020-11-05T10:00:00Z", "2023-03-01T10:00:00Z", None),
        (com, "acmepay.com", "TXT", "google-site-verification=" + alnum("gsv", 43, MIXED), False, 3600, "Google Search Console verification", [], "2019-02-19T10:00:00Z", "2019-02-19T10:00:00Z", None),
        (com, "acmepay.com", "CAA", '0 issue "letsencrypt.org"', False, 3600, "Heroku ACM", [], "2021-03-01T09:00:00Z", "2021-03-01T09:00:00Z", None),
        (com, "acmepay.com", "CAA", '0 issue "amazon.com"', False, 3600, "AWS ACM", ["owner:platform"], "2026-05-04T09:55:00Z", "2026-05-04T09:55:00Z", None),
        (com, "acmepay.com", "CAA", '0 issue "pki.goog"', False, 3600, "Cloudflare Universal SSL", [], "2021-03-01T09:00:00Z", "2021-03-01T09:00:00Z", None),
        (io, "acmepay.io", "AAAA", "100::", True, 1, "redirect-only origin (page rule forwards to acmepay.com)", [], "2021-05-03T12:50:00Z", "2021-05-03T12:50:00Z", None),
        (io, "www.acmepay.io", "CNAME", "acmepay.io", True, 1, None, [], "2021-05-03T12:50:00Z", "2021-05-03T12:50:00Z", None),
        (io, "acmepay.io", "MX", ".", False, 3600, "null MX: no mail for acmepay.io", [], "2021-05-03T12:52:00Z", "2021-05-03T12:52:00Z", 0),
        (io, "acmepay.io", "TXT", "v=spf1 -all", False, 3600, None, [], "2021-05-03T12:52:00Z", "2021-05-03T12:52:00Z", None),
    ]
    for i, (zname, name, rtype, content, proxied, ttl, comment, tags, created, modified, prio) in enumerate(records):
        zid = ZONES[zname]
        rec_id = hex32(f"record/{zname}/{name}/{rtype}/{content}")
        attrs = {
            "id": rec_id,
            "name": name,
            "type": rtype,
            "content": content,
            "proxied": proxied,
            "proxiable": rtype in ("A", "AAAA", "CNAME"),
            "ttl": ttl,
            "comment": comment,
            "tags": tags,
            "zone_id": zid,
            "zone_name": zname,
            "created_on": created.replace("Z", ".000000Z"),
            "modified_on": modified.replace("Z", ".000000Z"),
        }
        if prio is not None:
            attrs["priority"] = prio
        src.add(
            f"cloudflare:dns_record/{zid}/{rec_id}", "dns_record", name,
            {"account": CF_ACCOUNT, "zone": zname}, attrs,
            parent=f"cloudflare:zone/{zid}",
            tags=dict(t.split(":", 1) for t in tags),
        )

    # page rule on acmepay.io: forward everything to acmepay.com.
    # Targets/actions are flattened (url_pattern, forwarding_url) so that no
    # attr key is called `value`.
    pr_id = hex32("pagerule/acmepay.io/forward")
    zid = ZONES[io]
    src.add(
        f"cloudflare:page_rule/{zid}/{pr_id}", "page_rule", "*acmepay.io/* -> https://acmepay.com/$2",
        {"account": CF_ACCOUNT, "zone": io},
        {
            "id": pr_id,
            "status": "active",
            "priority": 1,
            "url_pattern": "*acmepay.io/*",
            "actions": [{"id": "forwarding_url", "url": "https://acmepay.com/$2", "status_code": 301}],
            "created_on": "2021-05-03T12:55:00.000000Z",
            "modified_on": "2021-05-03T12:55:00.000000Z",
        },
        parent=f"cloudflare:zone/{zid}",
    )

    # WAF custom rules on acmepay.com (zone entry-point ruleset)
    zid = ZONES[com]
    rs_id = hex32("ruleset/acmepay.com/http_request_firewall_custom")
    src.add(
        f"cloudflare:ruleset/{zid}/{rs_id}", "ruleset", "default (http_request_firewall_custom)",
        {"account": CF_ACCOUNT, "zone": com},
        {
            "id": rs_id,
            "name": "default",
            "description": "Zone-level WAF custom rules",
            "kind": "zone",
            "phase": "http_request_firewall_custom",
            "version": "7",
            "last_updated": "2026-11-04T09:05:00.000000Z",
            "rules": [
                {
                    "id": hex32("rule/admin-office-only"),
                    "action": "block",
                    "description": "admin console only from office / VPN",
                    "expression": '(http.host eq "admin.acmepay.com" and not ip.src in $office_vpn)',
                    "enabled": True,
                },
                {
                    "id": hex32("rule/signup-challenge"),
                    "action": "managed_challenge",
                    "description": "challenge scripted signups",
                    "expression": '(http.host eq "api.acmepay.com" and http.request.uri.path eq "/v1/signup" and cf.threat_score gt 10)',
                    "enabled": True,
                },
            ],
        },
        parent=f"cloudflare:zone/{zid}",
    )

    # worker script + route
    ws_rid = f"cloudflare:worker_script/{CF_ACCOUNT}/security-headers"
    src.add(
        ws_rid, "worker_script", "security-headers", s_acct,
        {
            "id": "security-headers",
            "etag": hexn("worker-etag", 64),
            "created_on": "2023-06-07T08:00:00.000000Z",
            "modified_on": "2026-11-03T15:35:00.000000Z",
            "usage_model": "standard",
            "logpush": False,
            "compatibility_date": "2024-09-23",
        },
    )
    wr_id = hex32("route/www.acmepay.com/*")
    wr_rid = f"cloudflare:worker_route/{zid}/{wr_id}"
    src.add(
        wr_rid, "worker_route", "www.acmepay.com/*", {"account": CF_ACCOUNT, "zone": com},
        {"id": wr_id, "pattern": "www.acmepay.com/*", "script": "security-headers"},
        parent=f"cloudflare:zone/{zid}",
    )
    src.link(wr_rid, ws_rid, "routes_to")

    # R2
    src.add(
        f"cloudflare:r2_bucket/{CF_ACCOUNT}/acme-exports", "r2_bucket", "acme-exports", s_acct,
        {
            "name": "acme-exports",
            "creation_date": "2024-02-12T10:30:00.000Z",
            "location": "weur",
            "storage_class": "Standard",
        },
    )

    # certificate packs (Universal SSL)
    for zname, hosts in [("acmepay.com", ["acmepay.com", "*.acmepay.com"]), ("acmepay.io", ["acmepay.io", "*.acmepay.io"])]:
        zid = ZONES[zname]
        cp_id = huuid(f"certpack/{zname}")
        src.add(
            f"cloudflare:certificate_pack/{zid}/{cp_id}", "certificate_pack", f"universal: {', '.join(hosts)}",
            {"account": CF_ACCOUNT, "zone": zname},
            {
                "id": cp_id,
                "type": "universal",
                "hosts": hosts,
                "status": "active",
                "certificate_authority": "google",
                "validation_method": "txt",
                "validity_days": 90,
            },
            parent=f"cloudflare:zone/{zid}",
        )

    return src


# ==========================================================================
# checks
# ==========================================================================

LINK_KINDS = {
    "contains", "routes_to", "attached_to", "coupled_to", "runs", "serves", "forwards_to",
    "secured_by", "reads", "logs_to", "origin", "references",
}
RESOURCE_KEYS = {"id", "provider", "kind", "name", "parent", "scope", "attrs", "tags", "fetched_at"}
ID_PREFIX = {"heroku": "heroku:", "cloudflare": "cloudflare:", "aws": "aws:",
             "semaphore": "semaphore:", "iac": "iac:"}


def walk_keys(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k, f"{path}.{k}"
            yield from walk_keys(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk_keys(v, f"{path}[{i}]")


def check(doc: dict) -> None:
    assert doc["ferry_snapshot"] == 1
    # The three estates first; CI/CD (issue 13) and others after them.
    assert [s["source"] for s in doc["sources"]][:3] == ["heroku", "cloudflare", "aws"]
    all_ids = {}
    for s in doc["sources"]:
        for r in s["resources"]:
            assert set(r) == RESOURCE_KEYS, (r["id"], set(r) ^ RESOURCE_KEYS)
            assert r["id"] not in all_ids, f"duplicate id {r['id']}"
            all_ids[r["id"]] = r
            assert r["provider"] == s["source"], r["id"]
            assert r["id"].startswith(ID_PREFIX[r["provider"]]), r["id"]
            assert isinstance(r["name"], str) and r["name"], r["id"]
            assert isinstance(r["attrs"], dict) and isinstance(r["tags"], dict), r["id"]
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in r["tags"].items()), r["id"]
            assert "account" in r["scope"], r["id"]
            assert set(r["scope"]) <= {"account", "team", "zone", "region"}, r["id"]
            assert all(isinstance(v, str) and v for v in r["scope"].values()), r["id"]
            assert r["fetched_at"].startswith("2026-11-20T08:5"), r["id"]
            for key, path in walk_keys(r["attrs"]):
                assert key.lower() != "value", f"{r['id']}: attr key {path}"
            if r["provider"] == "aws":
                assert r["scope"]["account"].isdigit() and len(r["scope"]["account"]) == 12
    # parents and per-source links
    for s in doc["sources"]:
        ids_here = {r["id"] for r in s["resources"]}
        parents = {(r["id"], r["parent"]) for r in s["resources"] if r["parent"]}
        for r in s["resources"]:
            if r["parent"] is not None:
                assert r["parent"] in ids_here, f"{r['id']}: parent {r['parent']} missing"
        seen = set()
        for l in s["links"]:
            assert set(l) == {"from", "to", "kind"}, l
            assert l["kind"] in LINK_KINDS, l
            assert l["from"] in ids_here and l["to"] in ids_here, f"dangling/cross-source link {l}"
            assert l["from"] != l["to"], l
            key = (l["from"], l["to"], l["kind"])
            assert key not in seen, f"duplicate link {l}"
            seen.add(key)
            if l["kind"] == "contains":
                assert (l["to"], l["from"]) not in parents, f"link repeats parent {l}"
    # secrets rule
    for r in all_ids.values():
        if r["kind"] == "config_vars":
            assert all(isinstance(n, str) for n in r["attrs"]["names"])
            assert r["attrs"]["names"] == sorted(r["attrs"]["names"])
        if r["kind"] == "log_drain":
            url = r["attrs"]["url"]
            assert "@" not in url and "?" not in url and "#" not in url, url
        if r["kind"] == "task_definition":
            for c in r["attrs"]["containerDefinitions"]:
                assert all(set(e) == {"name"} for e in c["environment"]), r["id"]
                assert all(set(e) == {"name", "valueFrom"} for e in c["secrets"]), r["id"]
        if r["kind"] in ("ssm_parameter", "secret"):
            assert not {"Value", "SecretString", "SecretBinary"} & set(r["attrs"]), r["id"]
    assert len(all_ids) >= 140, len(all_ids)


def main() -> int:
    import demo_aws_only  # issue 12.4/12.5: AWS-only service, names only on AWS, Papertrail
    demo_aws_only.extend_heroku_tables(ADDONS, ATTACHMENTS)
    heroku = build_heroku()
    demo_aws_only.apply_heroku(heroku)
    import demo_fir  # issue 12.3/12.8: dyno sizes, Fir space and apps, telemetry drains
    demo_fir.apply_heroku(heroku)
    aws = build_aws()
    demo_aws_only.apply_aws(aws, arn, tags_for, ACCOUNT, EU)
    demo_fir.apply_aws(aws, arn, tags_for, ACCOUNT, EU)
    cloudflare = build_cloudflare()
    doc = {
        "ferry_snapshot": 1,
        "exported_at": EXPORTED_AT,
        "sources": [heroku.to_json(), cloudflare.to_json(), aws.to_json(),
                    __import__("demo_semaphore").build(Source, "2026-11-20T08:59:00Z").to_json(),  # issue 13
                    __import__("demo_iac").build(aws.to_json(), Source).to_json()],  # issue 14
    }
    check(doc)
    OUT.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    total = 0
    for s in doc["sources"]:
        kinds = Counter(r["kind"] for r in s["resources"])
        total += len(s["resources"])
        print(f"{s['source']}: {len(s['resources'])} resources, {len(s['links'])} links")
        for k, n in kinds.items():
            print(f"  {k:32} {n}")
    print(f"total: {total} resources -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
