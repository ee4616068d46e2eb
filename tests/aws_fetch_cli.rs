//! `ferry fetch --source aws` as a user runs it: the real binary, a ferry.toml with
//! profiles and regions, shared AWS config files, and `AWS_ENDPOINT_URL` pointing the SDK
//! at moto_server. A per-service variable (`AWS_ENDPOINT_URL_KAFKA`) sends MSK to a mock
//! that denies access, the way an account without MSK permissions answers.

mod common;

use common::moto::{Estate, Moto};
use std::path::Path;
use std::process::{Command, Output};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Runs ferry with an isolated home, data dir and AWS config; `env` adds variables.
fn ferry(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("FERRY_CONFIG", dir.join("ferry.toml"))
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for k in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// MSK answering every call with AccessDeniedException (REST-JSON error shape).
async fn msk_denied() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-amzn-errortype", "AccessDeniedException")
                .set_body_raw(
                    r#"{"message":"User is not authorized to perform: kafka:ListClustersV2"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    server
}

fn config(dir: &Path, estate: &Estate, skip: &str, extra_toml: &str, extra_profiles: &str) {
    estate.profile_files(dir, "shop-prod", extra_profiles);
    std::fs::write(
        dir.join("ferry.toml"),
        format!(
            "[aws]\nmax_attempts = 2\nskip_services = [{skip}]\n\n\
             [[aws.accounts]]\nname = \"prod\"\nprofile = \"shop-prod\"\nregions = [\"eu-west-1\"]\n{extra_toml}"
        ),
    )
    .unwrap();
}

#[tokio::test]
async fn fetch_saves_the_estate_and_reports_a_denied_service() {
    let Some(moto) = Moto::get("fetch_saves_the_estate_and_reports_a_denied_service") else {
        return;
    };
    let estate = moto.seed(&["eu-west-1"], 0);
    let msk = msk_denied().await;
    let dir = tempfile::tempdir().unwrap();
    // moto has no DescribeServerlessCaches (answers 500).
    config(dir.path(), &estate, "\"elasticache_serverless\"", "", "");
    let (d, moto_url, msk_url) = (dir.path().to_path_buf(), moto.url.clone(), msk.uri());
    let env = move || {
        [
            ("AWS_ENDPOINT_URL", moto_url.clone()),
            ("AWS_ENDPOINT_URL_KAFKA", msk_url.clone()),
            ("FERRY_LOG", "trace".to_string()),
            // The SDK would then log whole task definitions; Ferry's log filter still must not.
            ("LOG_SENSITIVE_BODIES", "true".to_string()),
        ]
    };
    let out = tokio::task::spawn_blocking(move || {
        let env = env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ferry(&d, &["fetch", "--source", "aws"], &env)
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("AWS: ok"), "{stdout}");
    assert!(
        stdout.contains(&format!("prod: account {} in eu-west-1", estate.account)),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: MSK in eu-west-1 unavailable: ListClustersV2: AccessDeniedException: User is not authorized"),
        "{stdout}"
    );
    assert!(stdout.contains("ecs_service"), "per-kind counts: {stdout}");

    // The denied service is recorded on the account, as not permitted rather than failed.
    let accounts = ferry(
        dir.path(),
        &["list", "--kind", "aws_account", "--format", "json"],
        &[],
    );
    let accounts: serde_json::Value = serde_json::from_slice(&accounts.stdout).unwrap();
    let entries = accounts[0]["attrs"]["ferry_unavailable"]
        .as_array()
        .unwrap_or_else(|| panic!("no ferry_unavailable: {accounts}"));
    assert_eq!(entries.len(), 1, "{entries:?}");
    let msk = &entries[0];
    assert_eq!(msk["kind"], "msk_cluster");
    assert_eq!(msk["region"], "eu-west-1");
    assert_eq!(msk["failed"], false);
    assert_eq!(msk["kept_stale"], 0);
    assert!(
        msk["error"]
            .as_str()
            .unwrap()
            .contains("AccessDeniedException"),
        "{msk}"
    );

    let listed = ferry(
        dir.path(),
        &[
            "list",
            "--provider",
            "aws",
            "--kind",
            "ecs_service",
            "--format",
            "json",
        ],
        &[],
    );
    let services: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"web") && names.contains(&"worker"),
        "{names:?}"
    );

    // No value the seeding stored (parameters, secrets, environment) and no credential is
    // anywhere in the data dir: the cache, or the log written at trace level.
    let token = estate.json["credentials"]["aws_session_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut files = Vec::new();
    all_files(&dir.path().join("data"), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("cache.sqlite")),
        "{files:?}"
    );
    let mut logged = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for needle in ["FERRY-SECRET", token.as_str()] {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{needle} found in {}", f.display());
        }
        if f.to_string_lossy().contains("logs") {
            logged += bytes.len();
        }
    }
    assert!(logged > 0, "the trace log was written");
}

#[tokio::test]
async fn an_expired_sso_session_names_the_profile_and_the_other_account_is_saved() {
    let Some(moto) =
        Moto::get("an_expired_sso_session_names_the_profile_and_the_other_account_is_saved")
    else {
        return;
    };
    let estate = moto.seed(&["eu-west-1"], 0);
    let dir = tempfile::tempdir().unwrap();
    // An SSO profile whose cached token is missing (never logged in, or expired and gone).
    let sso = "[profile sso-dev]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n\
               sso_account_id = 210987654321\nsso_role_name = ReadOnly\nregion = eu-west-1\n";
    let account = "\n[[aws.accounts]]\nprofile = \"sso-dev\"\nregions = [\"eu-west-1\"]\n";
    // moto's MSK times carry no UTC offset, which the SDK rejects: MSK is skipped here.
    config(
        dir.path(),
        &estate,
        "\"elasticache_serverless\", \"msk\"",
        account,
        sso,
    );
    let url = moto.url.clone();
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        ferry(
            &d,
            &["fetch", "--source", "aws"],
            &[("AWS_ENDPOINT_URL", &url)],
        )
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("AWS: FAILED for 1 of 2 account(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sso-dev: FAILED: AWS profile `sso-dev`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Run `aws sso login --profile sso-dev`"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("prod: account {}", estate.account)),
        "{stdout}"
    );
    assert!(
        stdout.contains("saved"),
        "the other account's data is saved: {stdout}"
    );
    assert!(stderr.contains("fetch failed for AWS"), "{stderr}");
}

#[tokio::test]
async fn without_accounts_the_default_chain_and_its_region_are_used() {
    let Some(moto) = Moto::get("without_accounts_the_default_chain_and_its_region_are_used") else {
        return;
    };
    let estate = moto.seed(&["eu-central-1"], 0);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        "[aws]\nskip_services = [\"elasticache_serverless\", \"msk\"]\n",
    )
    .unwrap();
    let c = &estate.json["credentials"];
    let env: Vec<(String, String)> = [
        ("AWS_ENDPOINT_URL", moto.url.as_str()),
        (
            "AWS_ACCESS_KEY_ID",
            c["aws_access_key_id"].as_str().unwrap(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            c["aws_secret_access_key"].as_str().unwrap(),
        ),
        (
            "AWS_SESSION_TOKEN",
            c["aws_session_token"].as_str().unwrap(),
        ),
        ("AWS_REGION", "eu-central-1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        // `ferry` clears inherited AWS variables first; these are set after.
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ferry(&d, &["fetch", "--source", "aws"], &env)
    })
    .await
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "default: account {} in eu-central-1",
            estate.account
        )),
        "{stdout}"
    );
}

#[test]
fn missing_credentials_are_reported_as_such_not_as_an_imds_error() {
    // No moto needed: the fetch stops before any AWS request. The default chain ends with
    // the instance metadata service, here a port that refuses, as on a laptop.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        "[aws]\nendpoint_url = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let imds = format!("http://127.0.0.1:{port}");
    let out = ferry(
        dir.path(),
        &["fetch", "--source", "aws"],
        &[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds),
            ("AWS_REGION", "eu-west-1"),
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "default: FAILED: the default AWS credentials: no AWS credentials were found"
        ),
        "{stdout}\n{stderr}"
    );
    for fix in [
        "the standard chain",
        "`aws configure`",
        "AWS_PROFILE",
        "[[aws.accounts]]",
    ] {
        assert!(stdout.contains(fix), "{fix} in {stdout}");
    }
}
