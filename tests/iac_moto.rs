//! The IaC source against moto_server's S3 (the real AWS SDK, as tests/aws_moto.rs): a
//! bucket laid out the Terragrunt way (one state per unit under a prefix), a workspace
//! under `env:/`, a lock file, a folder marker, a zero-byte object, an encrypted state,
//! a key outside the prefix, and a second location whose bucket does not exist.

mod common;

use std::path::Path;
use std::time::Duration;

use common::moto::Moto;
use ferry::model::{Kind, SourceSnapshot};
use ferry::sources::aws::AccountSpec;
use ferry::sources::aws::sdk::{self, SdkSettings};
use ferry::sources::iac::{IacOptions, fetch};
use ferry::sources::progress::discard;

const CANARY: &str = "FERRY-IAC-CANARY-9d1c";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/iac/states")
            .join(path),
    )
    .unwrap()
}

#[tokio::test]
async fn a_terragrunt_bucket_is_read_unit_by_unit_with_workspaces() {
    let Some(moto) = Moto::get("a_terragrunt_bucket_is_read_unit_by_unit_with_workspaces") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = (dir.path().join("config"), dir.path().join("credentials"));
    std::fs::write(&config, "[profile iac]\nregion = us-east-1\n").unwrap();
    // moto accepts any key; a fresh random account per run keeps runs apart.
    let key = format!("AKIA{:012}", fastrand::u64(..1_000_000_000_000));
    std::fs::write(
        &credentials,
        format!("[iac]\naws_access_key_id = {key}\naws_secret_access_key = moto\n"),
    )
    .unwrap();
    let spec = AccountSpec {
        name: "iac".into(),
        profile: Some("iac".into()),
        regions: vec!["us-east-1".into()],
    };
    let settings = SdkSettings {
        endpoint_url: Some(moto.url.clone()),
        max_attempts: 1,
        attempt_timeout: Duration::from_secs(30),
        profile_files: Some((config, credentials)),
    };
    // Seed the bucket with the real SDK.
    let conf = sdk::load(&spec, &settings).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(true)
            .build(),
    );
    let bucket = format!("tf-state-{}", fastrand::u64(..u64::MAX));
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let objects: Vec<(&str, Vec<u8>)> = vec![
        ("live/", Vec::new()),
        (
            "live/app/terraform.tfstate",
            fixture("terraform/live/app/terraform.tfstate"),
        ),
        (
            "live/app/terraform.tfstate.tflock",
            b"{\"ID\":\"lock\"}".to_vec(),
        ),
        (
            "live/network/terraform.tfstate",
            fixture("opentofu/net/terraform.tfstate"),
        ),
        ("live/empty/terraform.tfstate", Vec::new()),
        (
            "live/secret/tofu.tfstate",
            fixture("opentofu/secret/terraform.tfstate"),
        ),
        (
            "live/app/terraform.tfstate.backup",
            fixture("terraform/copy/terraform.tfstate"),
        ),
        (
            "env:/staging/live/legacy/terraform.tfstate",
            fixture("legacy/terraform.tfstate"),
        ),
        (
            "other/terraform.tfstate",
            fixture("terraform/copy/terraform.tfstate"),
        ),
    ];
    for (key, body) in objects {
        s3.put_object()
            .bucket(&bucket)
            .key(key)
            .body(body.into())
            .send()
            .await
            .unwrap();
    }

    let opts = IacOptions {
        locations: vec![
            format!("s3://{bucket}/live/"),
            format!("s3://{bucket}-missing/live/"),
        ],
        aws: Some(spec),
        sdk: settings,
        ..IacOptions::default()
    };
    let out = fetch(&opts, None, discard()).await;
    let snap: SourceSnapshot = out.snapshot.expect("the readable bucket is saved");
    let mut rows: Vec<(String, String)> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::IacState)
        .map(|r| {
            (
                r.attr_str("location").unwrap().to_string(),
                r.attr_str("status").unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    let b = |k: &str| format!("s3://{bucket}/{k}");
    assert_eq!(
        rows,
        [
            (format!("s3://{bucket}-missing/live/"), "failed".to_string()),
            (
                b("env:/staging/live/legacy/terraform.tfstate"),
                "read".into()
            ),
            (b("live/app/terraform.tfstate"), "read".into()),
            (b("live/network/terraform.tfstate"), "read".into()),
            (b("live/secret/tofu.tfstate"), "encrypted".into()),
        ],
        "no lock file, folder marker, empty object, backup or key outside the prefix"
    );
    let failed = snap
        .resources
        .iter()
        .find(|r| r.attr_str("status") == Some("failed"))
        .unwrap();
    let un = &failed.attrs["ferry_unavailable"][0];
    assert!(un["error"].as_str().unwrap().contains("missing"), "{un}");
    assert!(
        out.locations[0].outcome.is_ok(),
        "{:?}",
        out.locations[0].outcome
    );
    assert!(out.locations[1].outcome.is_err());
    assert!(
        out.requests >= 5,
        "lists and gets are counted: {}",
        out.requests
    );
    let addresses: Vec<&str> = snap
        .resources
        .iter()
        .filter(|r| r.kind == Kind::IacResource)
        .filter_map(|r| r.attr_str("address"))
        .collect();
    assert!(addresses.contains(&"module.orders_service.aws_ecs_service.this[0]"));
    assert!(
        addresses.contains(&"aws_cloudwatch_log_group.legacy"),
        "the env:/staging workspace"
    );
    assert!(!serde_json::to_string(&snap).unwrap().contains(CANARY));
}
