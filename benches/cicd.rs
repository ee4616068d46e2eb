//! The CI/CD pass on a large organisation: 500 projects × 4 pipeline files × 3 jobs of 12
//! commands (72,000 commands: continuations, chains, Heroku and AWS steps, build noise;
//! 30,000 deploy steps), resolved against 20,000 AWS resources. `links::derive` and the gap
//! analysis each run it once per analysis. Measured: about 220 ms (3 µs a command), so a
//! typical organisation of 50 projects costs a few milliseconds.

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

use ferry::cicd::Cicd;
use ferry::inventory::Inventory;
use ferry::model::{Kind, Provider, Resource, ResourceId, Scope, SourceSnapshot};

const PROJECTS: usize = 500;

fn res(
    provider: Provider,
    kind: Kind,
    id: ResourceId,
    name: &str,
    attrs: serde_json::Value,
) -> Resource {
    Resource {
        id,
        provider,
        kind,
        name: name.to_string(),
        parent: None,
        scope: Scope {
            account: "acme".into(),
            ..Scope::default()
        },
        attrs: serde_json::from_value(attrs).unwrap(),
        tags: Default::default(),
        fetched_at: Utc::now(),
    }
}

fn job(p: usize, f: usize, j: usize) -> serde_json::Value {
    let svc = format!("app{p}-web");
    json!({"name": format!("job{j}"), "env_names": ["HEROKU_APP_NAME", "RAILS_ENV"],
    "secret_names": ["aws-deploy"], "agent": {"type": "e1-standard-2"},
    "commands": [
        "checkout --use-cache", "cache restore", "bundle install --deployment --path vendor/bundle",
        "npm ci && npm run build || exit 1", "bundle exec rspec --format progress",
        format!("heroku git:remote -a app{p}"), "git push heroku -f $SEMAPHORE_GIT_BRANCH:main",
        format!("docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app{p}:$SEMAPHORE_GIT_SHA"),
        "aws ecs update-service \\", format!("  --cluster prod --service {svc} --force-new-deployment"),
        format!("aws s3 sync dist s3://app{p}-assets-{f} --delete"),
        format!("aws cloudfront create-invalidation --distribution-id E{p}X{j} --paths '/*'"),
    ]})
}

fn inventory() -> Inventory {
    let mut aws = Vec::new();
    for p in 0..PROJECTS * 10 {
        let name = format!("app{p}-web");
        let arn = format!("arn:aws:ecs:eu-west-1:123456789012:service/prod/{name}");
        aws.push(res(Provider::Aws, Kind::EcsService, ResourceId::from_arn(&arn), &name,
            json!({"serviceName": name, "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"})));
        let b = format!("app{p}-assets-0");
        aws.push(res(
            Provider::Aws,
            Kind::S3Bucket,
            ResourceId::from_arn(&format!("arn:aws:s3:::{b}")),
            &b,
            json!({"Name": b}),
        ));
        let family = format!("app{p}-web");
        let td = format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/{family}:3");
        aws.push(res(
            Provider::Aws,
            Kind::TaskDefinition,
            ResourceId::from_arn(&td),
            &family,
            json!({"family": family, "revision": 3}),
        ));
        let repo = format!("app{p}");
        aws.push(res(
            Provider::Aws,
            Kind::EcrRepository,
            ResourceId::from_arn(&format!(
                "arn:aws:ecr:eu-west-1:123456789012:repository/{repo}"
            )),
            &repo,
            json!({"repositoryName": repo, "registryId": "123456789012"}),
        ));
    }
    let mut sem = Vec::new();
    for p in 0..PROJECTS {
        for f in 0..4 {
            let file = format!(".semaphore/f{f}.yml");
            let project = format!("app{p}");
            sem.push(res(Provider::Semaphore, Kind::SemaphorePipeline,
                ResourceId::new(Provider::Semaphore, "semaphore_pipeline", &["acme", &project, &file]), &file,
                json!({"project": project, "yml_file": file, "name": file,
                       "run": {"created_at": "2026-11-19T10:00:00Z", "branch": "main", "result": "PASSED"},
                       "blocks": [{"name": "Deploy", "jobs": (0..3).map(|j| job(p, f, j)).collect::<Vec<_>>()}]})));
        }
    }
    let snap = |source, resources| SourceSnapshot {
        source,
        taken_at: Utc::now(),
        resources,
        links: vec![],
    };
    Inventory::from_sources(&[snap(Provider::Aws, aws), snap(Provider::Semaphore, sem)])
}

fn bench(c: &mut Criterion) {
    let inv = inventory();
    let cicd = Cicd::of(&inv);
    let steps: usize = cicd.pipelines.iter().map(|p| p.deploys.len()).sum();
    assert_eq!(steps, PROJECTS * 4 * 3 * 5, "every step classified");
    c.bench_function("cicd_500_projects_2000_pipelines", |b| {
        b.iter(|| Cicd::of(&inv))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
