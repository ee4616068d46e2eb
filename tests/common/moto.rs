//! The moto_server the test command started (scripts/moto.sh), and per-test estates in it.
//!
//! Every test seeds its own AWS account (a random 12-digit id; moto keeps accounts apart),
//! so tests share one server safely while cargo runs them in parallel, and a second run
//! against a long-lived server never collides with the first.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Moto {
    pub url: String,
    python: PathBuf,
}

impl Moto {
    /// The running emulator. Without one: a failure under CI or the test command
    /// (`FERRY_REQUIRE_MOTO`), a loud skip otherwise (a bare `cargo test` on a laptop).
    pub fn get(test: &str) -> Option<Moto> {
        match (
            std::env::var("FERRY_TEST_MOTO_URL"),
            std::env::var("FERRY_TEST_MOTO_PYTHON"),
        ) {
            (Ok(url), Ok(python)) if !url.is_empty() => Some(Moto {
                url,
                python: python.into(),
            }),
            _ if std::env::var_os("CI").is_some()
                || std::env::var_os("FERRY_REQUIRE_MOTO").is_some() =>
            {
                panic!(
                    "{test}: moto_server is not running; run the tests with ./scripts/test, which starts it"
                )
            }
            _ => {
                // Straight to the stream, past the test harness's capture, so the skip shows.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED {test}: no moto_server (FERRY_TEST_MOTO_URL unset); ./scripts/test runs it"
                );
                None
            }
        }
    }

    /// Seeds a fresh account with scripts/moto_seed.py and returns what it created.
    pub fn seed(&self, regions: &[&str], scale: usize) -> Estate {
        let account = format!("{}", fastrand::u64(100_000_000_000..1_000_000_000_000));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/moto_seed.py");
        let out = Command::new(&self.python)
            .arg(script)
            .args(["--endpoint", &self.url, "--account", &account])
            .args([
                "--regions",
                &regions.join(","),
                "--scale",
                &scale.to_string(),
            ])
            .output()
            .expect("run the seeding script");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value =
            serde_json::from_slice(&out.stdout).expect("the seeding script prints JSON");
        Estate { account, json }
    }
}

/// A seeded account: its id and the ARNs, names and credentials the seeding printed.
pub struct Estate {
    pub account: String,
    pub json: Value,
}

impl Estate {
    /// A value the seeding recorded for a region (`"alb"`, `"td_web"`, …).
    pub fn regional(&self, region: &str, key: &str) -> String {
        self.json["regions"][region][key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {region}"))
            .to_string()
    }

    pub fn global(&self, key: &str) -> String {
        self.json["global"][key]
            .as_str()
            .unwrap_or_else(|| panic!("no global {key}"))
            .to_string()
    }

    /// Writes shared config and credentials files with one profile for this account
    /// (plus `extra_config`), and returns their paths.
    pub fn profile_files(
        &self,
        dir: &Path,
        profile: &str,
        extra_config: &str,
    ) -> (PathBuf, PathBuf) {
        let c = &self.json["credentials"];
        let config = dir.join("config");
        let credentials = dir.join("credentials");
        std::fs::write(
            &config,
            format!("[profile {profile}]\nregion = eu-west-1\n{extra_config}"),
        )
        .unwrap();
        std::fs::write(
            &credentials,
            format!(
                "[{profile}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
                c["aws_access_key_id"].as_str().unwrap(),
                c["aws_secret_access_key"].as_str().unwrap(),
                c["aws_session_token"].as_str().unwrap(),
            ),
        )
        .unwrap();
        (config, credentials)
    }
}
