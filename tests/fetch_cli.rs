//! `ferry fetch` as a user runs it: the real binary against a wiremock Heroku API.
//! Includes the secrets check: after a fetch (trace logging on), an export and a list,
//! no config var value, credential-bearing URL part or token is anywhere in the data dir.

mod common;

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
    TOKEN,
];

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Shared(std::sync::Arc::new(HerokuMock::fixtures())))
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
        // `ferry fetch` without --source runs AWS too: keep it off any real or emulated
        // account and never let the SDK probe the instance metadata address.
        .env("AWS_EC2_METADATA_DISABLED", "true");
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
        stdout.contains("platform@acmepay.com: 4 apps (4 fresh, 0 stale, 0 without details)"),
        "{stdout}"
    );
    assert!(stdout.contains("formation"), "per-kind counts: {stdout}");
    assert!(
        stderr.is_empty(),
        "no progress when stderr is not a terminal: {stderr}"
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
        saw_trace |= f.to_string_lossy().contains("logs") && contains(&bytes, "/config-vars");
    }
    // The scan looked at real content: the cache holds the names, the log the requests.
    assert!(saw_names, "config var names are kept");
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
    assert!(stdout.contains("Cloudflare: skipped"), "{stdout}");
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
async fn a_source_not_built_yet_is_an_error_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "cloudflare"], &[]).await;
    let (stdout, _) = text(&out);
    assert!(!out.status.success());
    assert!(stdout.contains("not available yet"), "{stdout}");
}
