//! A full AWS fetch against moto_server seeded with about 2,000 resources in two regions:
//! wall time and request count, beside the AWS CLI listing the same ECS services, task
//! definitions and load balancers (what a user would otherwise script), and the ratio.
//! Then the fault case: the same fetch with a service that answers every call with a 500
//! (moto has no DescribeServerlessCaches), which must cost a few seconds at most, not the
//! default 8 attempts' worth of backoff.
//!
//! Needs the seeded emulator: run `scripts/bench-aws`, which starts moto, seeds it and then
//! runs `cargo bench --bench aws_fetch`. Plain `cargo bench` / `cargo test` skip it.

use ferry::model::Kind;
use ferry::sources::aws::sdk::SdkSettings;
use ferry::sources::aws::{self, AccountSpec, AwsOptions, Service};
use ferry::sources::progress::discard;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn main() {
    let seed = std::env::var("FERRY_BENCH_AWS_SEED").ok();
    let (Some(seed), true) = (seed, std::env::args().any(|a| a == "--bench")) else {
        println!("aws_fetch: skipped (run scripts/bench-aws, which seeds moto_server first)");
        return;
    };
    let url = std::env::var("FERRY_TEST_MOTO_URL").expect("FERRY_TEST_MOTO_URL");
    let cli = std::env::var("FERRY_TEST_AWS_CLI").expect("FERRY_TEST_AWS_CLI");
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(seed).unwrap()).unwrap();
    let regions: Vec<String> = seed["regions"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let creds = &seed["credentials"];
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = (dir.path().join("config"), dir.path().join("credentials"));
    std::fs::write(&config, "[profile bench]\nregion = eu-west-1\n").unwrap();
    std::fs::write(
        &credentials,
        format!(
            "[bench]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            creds["aws_access_key_id"].as_str().unwrap(),
            creds["aws_secret_access_key"].as_str().unwrap(),
            creds["aws_session_token"].as_str().unwrap()
        ),
    )
    .unwrap();
    let opts = AwsOptions {
        accounts: vec![AccountSpec {
            name: "bench".into(),
            profile: Some("bench".into()),
            regions: regions.clone(),
        }],
        sdk: SdkSettings {
            endpoint_url: Some(url.clone()),
            // The default: throttling would get all 8; a repeating 5xx gets 3 per part.
            max_attempts: 8,
            attempt_timeout: Duration::from_secs(60),
            profile_files: Some((config, credentials)),
        },
        // moto cannot serve these (see tests/aws_moto.rs).
        skip: BTreeSet::from([Service::ElasticacheServerless, Service::Msk]),
        ..AwsOptions::default()
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut times = Vec::new();
    let mut summary = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = runtime.block_on(aws::fetch(&opts, None, discard()));
        times.push(t.elapsed());
        assert!(
            out.accounts[0].outcome.is_ok(),
            "{:?}",
            out.accounts[0].outcome
        );
        summary = Some(out);
    }
    let out = summary.unwrap();
    let snap = out.snapshot.unwrap();
    let count = |k: Kind| snap.resources.iter().filter(|r| r.kind == k).count();
    let ferry = median(&mut times);
    println!(
        "ferry: full fetch of {} resources and {} links in {} regions (+ global): median {:.2?} of {RUNS} ({:.2?}..{:.2?}), {} requests",
        snap.resources.len(),
        snap.links.len(),
        regions.len(),
        ferry,
        times[0],
        times[times.len() - 1],
        out.requests
    );
    println!(
        "       of which {} ECS services, {} task definitions, {} load balancers",
        count(Kind::EcsService),
        count(Kind::TaskDefinition),
        count(Kind::LoadBalancer)
    );

    // The fault case: ElastiCache Serverless fails in both regions (moto answers 500).
    let mut faulty = opts.clone();
    faulty.skip.remove(&Service::ElasticacheServerless);
    let mut fault_times = Vec::new();
    let mut fault_out = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = runtime.block_on(aws::fetch(&faulty, None, discard()));
        fault_times.push(t.elapsed());
        let err = out.accounts[0].outcome.as_ref().unwrap_err();
        assert!(
            err.starts_with(&format!("{} part(s) failed", regions.len())),
            "only the serverless parts fail: {err}"
        );
        fault_out = Some(out);
    }
    let fault_out = fault_out.unwrap();
    let fault = median(&mut fault_times);
    println!(
        "ferry, one service failing with 500 in every region: median {:.2?} of {RUNS} ({:.2?}..{:.2?}), {} requests ({} more); costs {:.2} s over the clean fetch",
        fault,
        fault_times[0],
        fault_times[fault_times.len() - 1],
        fault_out.requests,
        fault_out.requests.saturating_sub(out.requests),
        fault.as_secs_f64() - ferry.as_secs_f64()
    );

    // The AWS CLI listing the same ECS services, task definitions and load balancers.
    let aws = |region: &str, args: &[&str]| -> Value {
        let out = Command::new(&cli)
            .args(args)
            .args([
                "--region",
                region,
                "--endpoint-url",
                &url,
                "--output",
                "json",
            ])
            .env(
                "AWS_ACCESS_KEY_ID",
                creds["aws_access_key_id"].as_str().unwrap(),
            )
            .env(
                "AWS_SECRET_ACCESS_KEY",
                creds["aws_secret_access_key"].as_str().unwrap(),
            )
            .env(
                "AWS_SESSION_TOKEN",
                creds["aws_session_token"].as_str().unwrap(),
            )
            .env_remove("AWS_PROFILE")
            .output()
            .expect("run the AWS CLI");
        assert!(
            out.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mut cli_times = Vec::new();
    let mut listed = (0, 0, 0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        listed = (0, 0, 0, 0);
        for r in &regions {
            let clusters = aws(r, &["ecs", "list-clusters"]);
            listed.3 += 1;
            for c in clusters["clusterArns"].as_array().unwrap() {
                let s = aws(
                    r,
                    &["ecs", "list-services", "--cluster", c.as_str().unwrap()],
                );
                listed.0 += s["serviceArns"].as_array().unwrap().len();
                listed.3 += 1;
            }
            let td = aws(r, &["ecs", "list-task-definitions", "--status", "ACTIVE"]);
            listed.1 += td["taskDefinitionArns"].as_array().unwrap().len();
            let lb = aws(r, &["elbv2", "describe-load-balancers"]);
            listed.2 += lb["LoadBalancers"].as_array().unwrap().len();
            listed.3 += 2;
        }
        cli_times.push(t.elapsed());
    }
    let cli_median = median(&mut cli_times);
    println!(
        "aws cli: {} services, {} task definitions, {} load balancers in {} invocations: median {:.2?} of 3",
        listed.0, listed.1, listed.2, listed.3, cli_median
    );
    println!(
        "ratio: the AWS CLI listing three kinds takes {:.1}x the time of Ferry's full fetch of every kind",
        cli_median.as_secs_f64() / ferry.as_secs_f64()
    );
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
