//! `ferry fetch` as a user runs it: the real binary against wiremock Heroku and Cloudflare
//! APIs. Includes the secrets check: after two fetches (the second one conditional, trace
//! logging on), an export and a list, no config var value, credential-bearing URL part, private key or token is
//! anywhere in the data dir.

mod common;

use common::cloudflare_mock::{self, CloudflareMock};
use common::heroku_mock::{HerokuMock, Shared, TOKEN};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

/// Values the fixtures serve that must never be stored (see make_fixtures.py).
const SECRETS: &[&str] = &[
    "sk_live_FERRY_FAKE_SECRET_c0ffee",
    "FERRY-DB-PASSWORD",
    "FERRY-DRAIN-PASSWORD",
    "FERRY-DRAIN-KEY",
    "FERRY-ATTACHMENT-TOKEN",
    "FERRY-BUILDPACK-TOKEN",
    // A Fir telemetry drain's exporter: header value (an API key), URL password and query.
    "FERRY-OTEL-HEADER-CANARY-5e1f",
    "FERRY-OTEL-URL-PASSWORD",
    "FERRY-OTEL-QUERY",
    TOKEN,
];

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        // With the Fir overlay: its telemetry drains carry the exporter canaries.
        .respond_with(Shared(std::sync::Arc::new(HerokuMock::fir_fixtures())))
        .mount(&server)
        .await;
    server
}

/// Runs ferry with an isolated home and data dir; `env` adds variables.
async fn ferry(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("FERRY_CONFIG")
        .env_remove("HEROKU_API_KEY")
        .env_remove("HEROKU_API_TOKEN")
        .env_remove("FERRY_HEROKU_API_URL")
        .env_remove("FERRY_CLOUDFLARE_API_URL")
        .env_remove("FERRY_SEMAPHORE_API_URL")
        .env_remove("SEMAPHORE_API_TOKEN")
        .env_remove("SEMAPHORE_HOST")
        // `ferry fetch` without --source runs AWS too: keep it off any real or emulated
        // account and never let the SDK probe the instance metadata address.
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "CLOUDFLARE_API_TOKEN",
        "CF_API_TOKEN",
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_EMAIL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env_remove("CLOUDFLARE_ACCOUNT_ID");
    for k in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn fetch_saves_the_estate_and_no_secret_reaches_the_data_dir() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.uri();
    let env = [
        ("FERRY_HEROKU_API_URL", url.as_str()),
        ("HEROKU_API_KEY", TOKEN),
        ("FERRY_LOG", "trace"),
    ];
    let out = ferry(dir.path(), &["fetch", "--source", "heroku"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Heroku: ok"), "{stdout}");
    assert!(
        stdout.contains("platform@acmepay.com: 5 apps (5 fresh, 0 stale, 0 without details)"),
        "{stdout}"
    );
    assert!(stdout.contains("formation"), "per-kind counts: {stdout}");
    assert!(
        stderr.is_empty(),
        "no progress when stderr is not a terminal: {stderr}"
    );
    // A second fetch asks the per-app endpoints conditionally; the mock's bodies have not
    // changed, so they come back 304 and are answered from what the first fetch kept.
    let out = ferry(dir.path(), &["fetch", "--source", "heroku"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("5 apps (5 fresh, 0 stale, 0 without details)")
            && stdout.contains("40 requests unchanged since the last fetch (304)"),
        "{stdout}"
    );

    let data = dir.path().join("data");
    let export = data.join("export.json");
    let out = ferry(
        dir.path(),
        &["snapshot", "export", "-o", export.to_str().unwrap()],
        &env,
    )
    .await;
    assert!(out.status.success(), "{:?}", text(&out));
    let out = ferry(dir.path(), &["list", "--format", "json"], &env).await;
    assert!(out.status.success());
    std::fs::write(data.join("list.json"), &out.stdout).unwrap();

    let mut files = Vec::new();
    all_files(&data, &mut files);
    let mut scanned = 0;
    let mut saw_names = false;
    let mut saw_headers = false;
    let mut saw_trace = false;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        scanned += bytes.len();
        for secret in SECRETS {
            assert!(
                !contains(&bytes, secret),
                "{secret} found in {}",
                f.display()
            );
        }
        saw_names |= contains(&bytes, "STRIPE_API_KEY");
        saw_headers |= contains(&bytes, "x-environment");
        saw_trace |= f.to_string_lossy().contains("logs") && contains(&bytes, "/config-vars");
    }
    // The scan looked at real content: the cache holds the names, the log the requests.
    assert!(saw_names, "config var names are kept");
    assert!(saw_headers, "telemetry exporter header names are kept");
    assert!(saw_trace, "the log recorded the config-vars requests");
    assert!(files.iter().any(|f| f.ends_with("cache.sqlite")));
    assert!(scanned > 10_000, "{scanned} bytes scanned");
}

#[tokio::test]
async fn a_rejected_token_fails_with_what_to_run() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.uri();
    let env = [
        ("FERRY_HEROKU_API_URL", url.as_str()),
        ("HEROKU_API_KEY", "revoked"),
    ];
    let out = ferry(dir.path(), &["fetch"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stdout.contains("Heroku: FAILED"), "{stdout}");
    assert!(stdout.contains("HTTP 401 unauthorized"), "{stdout}");
    assert!(
        stdout.contains("export HEROKU_API_KEY=$(heroku auth:token)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Cloudflare: skipped (no credentials configured"),
        "{stdout}"
    );
    assert!(stderr.contains("fetch failed for Heroku"), "{stderr}");
}

#[tokio::test]
async fn the_netrc_token_is_used_and_a_missing_one_is_explained() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.uri();
    let env = [("FERRY_HEROKU_API_URL", url.as_str())];
    let out = ferry(dir.path(), &["fetch", "--source", "heroku"], &env).await;
    let (stdout, _) = text(&out);
    assert!(!out.status.success());
    assert!(stdout.contains("HEROKU_API_KEY is not set"), "{stdout}");
    assert!(stdout.contains("heroku login"), "{stdout}");

    std::fs::write(
        dir.path().join("home/.netrc"),
        format!("machine api.heroku.com\n  login platform@acmepay.com\n  password {TOKEN}\n"),
    )
    .unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "heroku"], &env).await;
    assert!(out.status.success(), "{:?}", text(&out));
}

#[tokio::test]
async fn a_source_with_nothing_configured_is_an_error_when_asked_for() {
    // Nothing points at AWS here; asked for by name it runs, fails and says what to set.
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "aws"], &[]).await;
    let (stdout, _) = text(&out);
    assert!(!out.status.success());
    assert!(stdout.contains("AWS_REGION"), "{stdout}");
}

/// Values the Cloudflare fixtures serve that must never be stored.
const CF_SECRETS: &[&str] = &[
    "FERRY-FAKE-CF-PRIVATE-KEY",
    "FERRY-CF-ORIGIN-SECRET",
    cloudflare_mock::TOKEN,
];

#[tokio::test]
async fn fetch_of_every_source_saves_cloudflare_and_stores_no_cloudflare_secret() {
    let heroku = server().await;
    let (cf, _mock) = cloudflare_mock::serve(CloudflareMock::fixtures()).await;
    let dir = tempfile::tempdir().unwrap();
    let (heroku_url, cf_url) = (heroku.uri(), cf.uri());
    let env = [
        ("FERRY_HEROKU_API_URL", heroku_url.as_str()),
        ("HEROKU_API_KEY", TOKEN),
        ("FERRY_CLOUDFLARE_API_URL", cf_url.as_str()),
        ("CLOUDFLARE_API_TOKEN", cloudflare_mock::TOKEN),
        ("FERRY_LOG", "trace"),
    ];
    let out = ferry(dir.path(), &["fetch"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Heroku: ok"), "{stdout}");
    assert!(
        stdout.contains("Cloudflare: ok; 22 requests; saved 27 resources and 3 links"),
        "{stdout}"
    );
    assert!(
        stdout.contains("default: Acme Pay: 2 zones, 12 DNS records, 12 other resources"),
        "{stdout}"
    );
    assert!(stdout.contains("dns_record"), "per-kind counts: {stdout}");

    let out = ferry(
        dir.path(),
        &["list", "--provider", "cloudflare", "--format", "json"],
        &env,
    )
    .await;
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 27);
    let mut files = Vec::new();
    all_files(&dir.path().join("data"), &mut files);
    let mut saw_records = false;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for secret in CF_SECRETS {
            assert!(
                !contains(&bytes, secret),
                "{secret} found in {}",
                f.display()
            );
        }
        saw_records |= contains(&bytes, "shallow-tiger-1a2b3c.herokudns.com");
    }
    assert!(saw_records, "the scan looked at the stored records");
}

#[tokio::test]
async fn cloudflare_asked_for_without_credentials_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "cloudflare"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stdout.contains("Cloudflare: FAILED for 1 of 1 account(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("set CLOUDFLARE_API_TOKEN"), "{stdout}");
    assert!(stderr.contains("fetch failed for Cloudflare"), "{stderr}");
}

#[tokio::test]
async fn fetch_of_every_source_saves_semaphore_and_stores_no_semaphore_secret() {
    let heroku = server().await;
    let sem = common::semaphore_mock::serve().await;
    let dir = tempfile::tempdir().unwrap();
    let (heroku_url, sem_url) = (heroku.uri(), sem.uri());
    let env = [
        ("FERRY_HEROKU_API_URL", heroku_url.as_str()),
        ("HEROKU_API_KEY", TOKEN),
        ("FERRY_SEMAPHORE_API_URL", sem_url.as_str()),
        ("SEMAPHORE_API_TOKEN", common::semaphore_mock::TOKEN),
        ("SEMAPHORE_HOST", "acmepay.semaphoreci.com"),
        ("FERRY_LOG", "trace"),
    ];
    let out = ferry(dir.path(), &["fetch"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Heroku: ok"), "{stdout}");
    assert!(stdout.contains("Semaphore: ok"), "{stdout}");
    assert!(
        stdout.contains("acmepay: 2 project(s), 2 pipeline file(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("semaphore_pipeline"),
        "per-kind counts: {stdout}"
    );
    // Asked for alone, it runs alone.
    let out = ferry(dir.path(), &["fetch", "--source", "semaphore"], &env).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(!stdout.contains("Heroku"), "{stdout}");

    let data = dir.path().join("data");
    let out = ferry(
        dir.path(),
        &["list", "--provider", "semaphore", "--format", "json"],
        &env,
    )
    .await;
    assert!(out.status.success(), "{:?}", text(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().unwrap().len() > 10, "{list}");
    std::fs::write(data.join("list.json"), &out.stdout).unwrap();
    let export = data.join("export.json");
    let out = ferry(
        dir.path(),
        &["snapshot", "export", "-o", export.to_str().unwrap()],
        &env,
    )
    .await;
    assert!(out.status.success(), "{:?}", text(&out));

    let mut files = Vec::new();
    all_files(&data, &mut files);
    let mut saw_commands = false;
    let mut saw_trace = false;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for secret in [common::semaphore_mock::CANARY, "hooks.slack.com"] {
            assert!(
                !contains(&bytes, secret),
                "{secret} found in {}",
                f.display()
            );
        }
        saw_commands |= contains(&bytes, "aws ecs update-service --cluster prod");
        saw_trace |=
            f.to_string_lossy().contains("logs") && contains(&bytes, "/api/v1beta/secrets");
    }
    assert!(saw_commands, "the scan looked at the stored job commands");
    assert!(saw_trace, "the log recorded the secrets requests");
}
