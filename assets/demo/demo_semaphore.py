"""Demo Semaphore organisation for issue 13 (the CI/CD gap), imported by generate.py.

Org `acmepay` (https://acmepay.semaphoreci.com), one project per story, each pipeline as
the fetcher keeps it: the newest run of each pipeline file, its jobs' commands (values
redacted), env var and secret names.

- `acme-api`: tests promote to `heroku.yml` (git push to Heroku) and to `aws.yml` (ECR
  push, the release task as `aws ecs run-task`, update-service of acme-api-web). Nothing
  rolls acme-api-worker: deploy **partial**.
- `acme-admin`: one job mixing both: pushes to Heroku and rolls acme-admin-web: **ready**
  (every counterpart has a path, Heroku still deployed).
- `acme-web`: builds the static front end, syncs it to acmepay-web-prod and invalidates the
  distribution; nothing to Heroku: **cut_over**.
- `acme-webhooks`: Heroku container deploy only: **missing**.
- `acme-jobs`: a Semaphore schedule (`nightly-reports`) whose pipeline runs
  `heroku run -a acme-jobs`: a periodic task still on Heroku.

`build(taken_at)` returns the Source.
"""

from __future__ import annotations

ORG = "acmepay"
SCOPE = {"account": ORG}
RUN_AT = "2026-11-19T16:40:12Z"
AGENT = {"type": "e1-standard-2", "os_image": "ubuntu2404"}
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def rid(kind: str, *parts: str) -> str:
    return f"semaphore:{kind}/" + "/".join(parts)


def job(name, commands, env=(), secrets=()):
    prologue = ["checkout --use-cache"]
    return {
        "name": name,
        "commands": prologue + list(commands),
        "env_names": list(env),
        "secret_names": list(secrets),
        "agent": dict(AGENT),
    }


def build(source_cls, taken_at: str):
    src = source_cls("semaphore", taken_at)
    org_id = src.add(
        rid("semaphore_org", ORG), "semaphore_org", ORG, SCOPE,
        {"host": "acmepay.semaphoreci.com", "projects_visible": 5, "token_scope": "all"},
    )
    projects = {}
    for i, (name, desc) in enumerate([
        ("acme-api", "Payments API (Rails)"),
        ("acme-admin", "Back-office"),
        ("acme-web", "Marketing site (static export)"),
        ("acme-webhooks", "Webhook fan-out"),
        ("acme-jobs", "Batch jobs"),
    ]):
        pid = src.add(
            rid("semaphore_project", ORG, name), "semaphore_project", name, SCOPE,
            {
                "id": f"5e0c1a2b-0000-4000-8000-00000000000{i}",
                "name": name,
                "description": desc,
                "repository": {
                    "url": f"git@github.com:acmepay/{name}.git",
                    "owner": "acmepay",
                    "name": name,
                    "provider": "github",
                },
                "pipeline_file": ".semaphore/semaphore.yml",
            },
            parent=org_id,
        )
        projects[name] = pid

    def pipeline(project, yml, name, blocks, n, promoted_from=None):
        attrs = {
            "project": project,
            "yml_file": yml,
            "name": name,
            "run": {
                "ppl_id": f"9a1b2c3d-0000-4000-8000-0000000000{n:02d}",
                "wf_id": f"8f1e2d3c-0000-4000-8000-0000000000{n:02d}",
                "created_at": RUN_AT,
                "branch": "main",
                "result": "PASSED",
                "state": "DONE",
            },
            "blocks": [{"name": b, "jobs": jobs} for b, jobs in blocks],
        }
        if promoted_from:
            attrs["promoted_from"] = promoted_from
        pid = src.add(
            rid("semaphore_pipeline", ORG, project, yml), "semaphore_pipeline", yml, SCOPE,
            attrs, parent=projects[project],
        )
        return pid

    def promotion(project, name, target, pipeline_id, triggered_by="dana@acmepay.com"):
        from_yml = ".semaphore/semaphore.yml"
        pr = src.add(
            rid("semaphore_promotion", ORG, project, from_yml, name), "semaphore_promotion",
            name, SCOPE,
            {
                "project": project, "name": name, "from_yml_file": from_yml,
                "target_yml_file": target, "last_triggered_at": RUN_AT,
                "triggered_by": triggered_by, "auto": False,
            },
            parent=projects[project],
        )
        src.link(pr, pipeline_id, "references")

    # acme-api: partial (worker not deployed on AWS).
    pipeline("acme-api", ".semaphore/semaphore.yml", "CI", [
        ("Test", [job("RSpec", ["bundle install --deployment", "bundle exec rspec"])]),
    ], 1)
    heroku = pipeline("acme-api", ".semaphore/heroku.yml", "Heroku deployment", [
        ("Deploy", [job("Push code", [
            "heroku git:remote -a acme-api",
            "git push heroku -f $SEMAPHORE_GIT_BRANCH:main",
        ], env=["HEROKU_APP_NAME"], secrets=["heroku-http"])]),
    ], 2, promoted_from=".semaphore/semaphore.yml")
    promotion("acme-api", "Deploy to Heroku", ".semaphore/heroku.yml", heroku)
    aws = pipeline("acme-api", ".semaphore/aws.yml", "AWS deployment", [
        ("Image", [job("Build and push", [
            f"aws ecr get-login-password | docker login --username AWS --password-stdin {ECR}",
            f"docker build -t {ECR}/acme-api:$SEMAPHORE_GIT_SHA .",
            f"docker push {ECR}/acme-api:$SEMAPHORE_GIT_SHA",
        ], secrets=["aws-deploy"])]),
        ("Deploy", [job("Migrate and roll", [
            "aws ecs run-task --cluster acme-prod --task-definition acme-api-release "
            "--launch-type FARGATE --network-configuration file://ecs/network.json",
            "aws ecs update-service \\",
            "  --cluster acme-prod --service acme-api-web --force-new-deployment",
            "aws ecs wait services-stable --cluster acme-prod --services acme-api-web",
        ], env=["AWS_DEFAULT_REGION"], secrets=["aws-deploy"])]),
    ], 3, promoted_from=".semaphore/semaphore.yml")
    promotion("acme-api", "Deploy to AWS", ".semaphore/aws.yml", aws)

    # acme-admin: ready (one job deploys Heroku and AWS; dual-run during the migration).
    pipeline("acme-admin", ".semaphore/semaphore.yml", "CI and deploy", [
        ("Deploy", [job("Heroku and ECS", [
            "git push https://…@git.heroku.com/acme-admin.git HEAD:main",
            f"docker push {ECR}/acme-admin:$SEMAPHORE_GIT_SHA",
            "aws ecs update-service --cluster acme-prod --service acme-admin-web --force-new-deployment",
        ], secrets=["heroku-api-key", "aws-deploy"])]),
    ], 4)

    # acme-web: cut_over (static front end on S3 + CloudFront only).
    pipeline("acme-web", ".semaphore/semaphore.yml", "Build and publish", [
        ("Publish", [job("S3 and CloudFront", [
            "npm ci && npm run build",
            "aws s3 sync \"build\" \"s3://acmepay-web-prod\" --delete --acl \"private\"",
            "aws cloudfront create-invalidation --distribution-id EDK1FC6RPM8A5J --paths '/*'",
        ], secrets=["aws-website"])]),
    ], 5)

    # acme-webhooks: missing (Heroku container deploy only).
    pipeline("acme-webhooks", ".semaphore/semaphore.yml", "Container deploy", [
        ("Deploy", [job("Heroku container", [
            "heroku container:login",
            "heroku container:push web -a acme-webhooks",
            "heroku container:release web -a acme-webhooks",
        ], env=["HEROKU_API_KEY"])]),
    ], 6)

    # acme-jobs: a schedule still running a one-off dyno on Heroku.
    pipeline("acme-jobs", ".semaphore/nightly.yml", "Nightly reports", [
        ("Run", [job("Reports", [
            "heroku run --exit-code -a acme-jobs -- bin/rake reports:nightly",
        ], env=["HEROKU_API_KEY"])]),
    ], 7)
    task = src.add(
        rid("semaphore_task", ORG, "acme-jobs", "nightly-reports"), "semaphore_task",
        "nightly-reports", SCOPE,
        {
            "project": "acme-jobs", "name": "nightly-reports", "at": "15 2 * * *",
            "branch": "main", "pipeline_file": ".semaphore/nightly.yml",
            "paused": False, "recurring": True,
        },
        parent=projects["acme-jobs"],
    )

    for name, scope, project, envs, files in [
        ("heroku-http", "project", "acme-api", [], ["/home/semaphore/.netrc"]),
        ("aws-deploy", "org", None, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], []),
        ("aws-website", "org", None, [], ["/home/semaphore/.aws/credentials"]),
        ("heroku-api-key", "org", None, ["HEROKU_API_KEY"], []),
    ]:
        attrs = {"name": name, "scope": scope, "env_var_names": envs, "file_paths": files,
                 "from": "api"}
        if project:
            attrs["project"] = project
        parent = projects[project] if project else org_id
        sid = src.add(
            rid("semaphore_secret", ORG, project or "_org", name), "semaphore_secret", name,
            SCOPE, attrs, parent=parent,
        )
    return src
