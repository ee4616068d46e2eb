//! The deploy classifier: each signal of the Semaphore reference (§3.2), chains,
//! continuations, variables, and what stays "not classified".

use ferry::cicd::{Name, Strength, Target, classify_job};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn targets(commands: &[&str]) -> Vec<Target> {
    classify_job(&s(commands), &[], &[])
        .steps
        .into_iter()
        .map(|st| st.target)
        .collect()
}

fn heroku(app: &str) -> Target {
    Target::HerokuApp {
        app: Some(Name::literal(app)),
    }
}

#[test]
fn heroku_git_remote_then_push() {
    let job = classify_job(
        &s(&[
            "checkout --use-cache",
            "heroku git:remote -a acme-api",
            "git push heroku -f $SEMAPHORE_GIT_BRANCH:main",
        ]),
        &[],
        &[],
    );
    assert_eq!(job.steps.len(), 1, "{job:?}");
    assert_eq!(job.steps[0].target, heroku("acme-api"));
    assert_eq!(job.steps[0].action, "git push");
    assert_eq!(job.steps[0].strength, Strength::Command);
    assert_eq!(
        job.steps[0].command,
        "git push heroku -f $SEMAPHORE_GIT_BRANCH:main"
    );
    assert!(job.not_classified.is_empty(), "{:?}", job.not_classified);
}

#[test]
fn heroku_git_urls_with_and_without_redacted_credentials() {
    assert_eq!(
        targets(&["git push https://git.heroku.com/acme-web.git HEAD:main"]),
        vec![heroku("acme-web")]
    );
    assert_eq!(
        targets(&["git push https://…@git.heroku.com/acme-web.git HEAD:main"]),
        vec![heroku("acme-web")]
    );
    assert_eq!(
        targets(&[
            "git remote add prod https://git.heroku.com/acme-worker.git",
            "git push prod main"
        ]),
        vec![heroku("acme-worker")]
    );
    // A push to GitHub is no deploy.
    let job = classify_job(&s(&["git push origin main"]), &[], &[]);
    assert!(job.steps.is_empty());
    assert_eq!(job.not_classified, s(&["git push origin main"]));
}

#[test]
fn heroku_container_cli_and_registry() {
    let job = classify_job(
        &s(&[
            "heroku container:login",
            "heroku container:push web worker -a acme-api",
            "heroku container:release web worker --app=acme-api",
            "docker push registry.heroku.com/acme-admin/web",
        ]),
        &[],
        &[],
    );
    let actions: Vec<&str> = job.steps.iter().map(|st| st.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["container:push", "container:release", "docker push"]
    );
    assert_eq!(job.steps[0].target, heroku("acme-api"));
    assert_eq!(job.steps[1].target, heroku("acme-api"));
    assert_eq!(job.steps[2].target, heroku("acme-admin"));
    assert!(job.not_classified.is_empty());
}

#[test]
fn heroku_run_is_its_own_action() {
    let job = classify_job(
        &s(&["heroku run -a acme-api -- bin/rake reports:nightly"]),
        &[],
        &[],
    );
    assert_eq!(job.steps[0].action, "run");
    assert_eq!(job.steps[0].target, heroku("acme-api"));
}

#[test]
fn heroku_env_and_secret_names_are_weaker_signals() {
    let job = classify_job(
        &s(&["./bin/deploy.sh"]),
        &s(&["HEROKU_APP_NAME", "RAILS_ENV"]),
        &[],
    );
    assert_eq!(job.steps.len(), 1);
    assert_eq!(job.steps[0].strength, Strength::Name);
    assert_eq!(
        job.steps[0].target,
        Target::HerokuApp {
            app: Some(Name::via("$HEROKU_APP_NAME"))
        }
    );
    assert_eq!(job.not_classified, s(&["./bin/deploy.sh"]));

    let job = classify_job(&s(&["make deploy"]), &[], &s(&["heroku-api-key"]));
    assert_eq!(job.steps[0].target, Target::HerokuApp { app: None });
    assert_eq!(job.steps[0].command, "secret heroku-api-key");

    // A command that names the app makes the names redundant.
    let job = classify_job(
        &s(&["git push https://git.heroku.com/acme-api.git"]),
        &s(&["HEROKU_APP_NAME"]),
        &s(&["heroku-api-key"]),
    );
    assert_eq!(job.steps.len(), 1);
    assert_eq!(job.steps[0].strength, Strength::Command);
}

#[test]
fn variables_resolve_only_from_literal_assignments_in_the_job() {
    // A redacted value (the fetcher's `…`) stays a variable.
    assert_eq!(
        targets(&[
            "export HEROKU_APP_NAME=…",
            "heroku git:remote -a $HEROKU_APP_NAME",
            "git push heroku main"
        ]),
        vec![Target::HerokuApp {
            app: Some(Name::via("$HEROKU_APP_NAME"))
        }]
    );
    assert_eq!(
        targets(&[
            "CLUSTER=acme-prod",
            "aws ecs update-service --cluster ${CLUSTER} --service acme-api-web --force-new-deployment"
        ]),
        vec![Target::EcsService {
            cluster: Some(Name::literal("acme-prod")),
            service: Name::literal("acme-api-web"),
        }]
    );
    let t = targets(&["aws ecs update-service --cluster $CLUSTER --service $SERVICE"]);
    assert_eq!(
        t,
        vec![Target::EcsService {
            cluster: Some(Name::via("$CLUSTER")),
            service: Name::via("$SERVICE"),
        }]
    );
    assert_eq!(
        t[0].to_string(),
        "ECS service via $SERVICE in cluster via $CLUSTER"
    );
}

#[test]
fn ecs_signals() {
    assert_eq!(
        targets(&[
            "aws --region eu-west-1 ecs register-task-definition --family acme-api-web --cli-input-json file://td.json",
            "aws ecs run-task --cluster arn:aws:ecs:eu-west-1:123456789012:cluster/acme-prod --task-definition acme-api-release:9 --launch-type FARGATE",
            "aws ecs update-service --cluster acme-prod --service arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-web",
            "aws ecs wait services-stable --cluster acme-prod --services acme-api-web",
            "ecs-deploy -c acme-prod -n acme-api-worker -i 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-api:$SEMAPHORE_GIT_SHA",
            "ecs deploy acme-prod acme-admin-web --tag 1.2",
        ]),
        vec![
            Target::TaskDefinition {
                family: Name::literal("acme-api-web")
            },
            Target::EcsTask {
                cluster: Some(Name::literal("acme-prod")),
                family: Some(Name::literal("acme-api-release")),
            },
            Target::EcsService {
                cluster: Some(Name::literal("acme-prod")),
                service: Name::literal("acme-api-web"),
            },
            Target::EcsService {
                cluster: Some(Name::literal("acme-prod")),
                service: Name::literal("acme-api-worker"),
            },
            Target::EcsService {
                cluster: Some(Name::literal("acme-prod")),
                service: Name::literal("acme-admin-web"),
            },
        ]
    );
}

#[test]
fn ecr_s3_and_cloudfront() {
    let job = classify_job(
        &s(&[
            "aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "docker build -t 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-api:$SEMAPHORE_GIT_SHA .",
            "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-api:$SEMAPHORE_GIT_SHA",
            "aws s3 sync \"public\" \"s3://acmepay-web-prod\" --acl \"public-read\" --delete",
            "aws s3 cp build/index.html s3://acmepay-web-prod/index.html --cache-control no-cache",
            "aws s3 cp s3://acmepay-artifacts/config.json .",
            "aws cloudfront create-invalidation --distribution-id EDK1FC6RPM8A5J --paths '/*'",
        ]),
        &[],
        &[],
    );
    let t: Vec<&Target> = job.steps.iter().map(|st| &st.target).collect();
    assert_eq!(
        t,
        vec![
            &Target::EcrRepository {
                repository: Name::literal("acme-api"),
                registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(),
            },
            &Target::S3Bucket {
                bucket: Name::literal("acmepay-web-prod")
            },
            &Target::S3Bucket {
                bucket: Name::literal("acmepay-web-prod")
            },
            &Target::CloudfrontDistribution {
                id: Name::literal("EDK1FC6RPM8A5J")
            },
        ]
    );
    // Logins, builds and a download from S3 are known helpers, not "not classified".
    assert!(job.not_classified.is_empty(), "{:?}", job.not_classified);
}

#[test]
fn infrastructure_as_code() {
    let job = classify_job(
        &s(&[
            "terraform -chdir=infra init",
            "terraform -chdir=infra plan -out plan.tfplan",
            "terraform -chdir=infra apply -auto-approve plan.tfplan",
            "tofu apply -auto-approve",
            "terragrunt run-all apply --terragrunt-non-interactive",
            "terragrunt run --all apply",
        ]),
        &[],
        &[],
    );
    let tools: Vec<String> = job
        .steps
        .iter()
        .map(|st| match &st.target {
            Target::Iac { tool } => format!("{tool} {}", st.action),
            other => panic!("not IaC: {other:?}"),
        })
        .collect();
    assert_eq!(
        tools,
        vec![
            "terraform apply",
            "tofu apply",
            "terragrunt apply",
            "terragrunt apply"
        ]
    );
    assert!(job.not_classified.is_empty());
}

#[test]
fn chains_continuations_wrappers_and_subshells() {
    let job = classify_job(
        &s(&[
            "npm ci && npm run build && aws s3 sync dist s3://acmepay-admin-prod --delete",
            "aws ecs update-service \\",
            "  --cluster acme-prod \\",
            "  --service acme-admin-web",
            "retry --times 3 --sleep 5 heroku container:release web -a acme-admin",
            "AWS_PAGER=… sudo -E aws cloudfront create-invalidation --distribution-id E2ADMIN --paths /index.html",
            "bash -c \"git push https://git.heroku.com/acme-admin.git HEAD:main\" || true",
        ]),
        &[],
        &[],
    );
    let shown: Vec<String> = job.steps.iter().map(|st| st.target.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "S3 bucket acmepay-admin-prod",
            "ECS service acme-admin-web in cluster acme-prod",
            "Heroku app acme-admin",
            "CloudFront distribution E2ADMIN",
            "Heroku app acme-admin",
        ]
    );
    // The continued command is recorded whole, on one line.
    assert_eq!(
        job.steps[1].command,
        "aws ecs update-service  --cluster acme-prod  --service acme-admin-web"
    );
    assert!(job.not_classified.is_empty(), "{:?}", job.not_classified);
}

#[test]
fn unknown_commands_are_not_classified_never_guessed() {
    let job = classify_job(
        &s(&[
            "bundle exec rake assets:precompile",
            "./scripts/deploy-prod.sh acme-api",
            "kubectl apply -f k8s/",
            "curl -X POST https://hooks.example.com/deploy -H 'Authorization: …'",
            "echo done",
        ]),
        &s(&["RAILS_ENV"]),
        &s(&["github-token"]),
    );
    assert!(job.steps.is_empty(), "{:?}", job.steps);
    assert_eq!(
        job.not_classified,
        s(&[
            "bundle exec rake assets:precompile",
            "./scripts/deploy-prod.sh acme-api",
            "kubectl apply -f k8s/",
            "curl -X POST https://hooks.example.com/deploy -H 'Authorization: …'",
        ])
    );
}

#[test]
fn a_job_mixing_heroku_and_aws_reports_both() {
    let job = classify_job(
        &s(&[
            "heroku git:remote -a acme-api",
            "git push heroku HEAD:main",
            "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-api:$SEMAPHORE_GIT_SHA",
            "aws ecs update-service --cluster acme-prod --service acme-api-web --force-new-deployment",
        ]),
        &[],
        &[],
    );
    assert_eq!(job.steps.len(), 3);
    assert!(job.steps[0].target.is_heroku());
    assert!(job.steps[1].target.is_aws());
    assert!(job.steps[2].target.is_aws());
}
