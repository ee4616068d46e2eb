//! `ferry.toml`: the user's configuration. Every key is documented in
//! `config/ferry.example.toml`; an unknown key or a wrong type is an error that names the
//! file, the key and the line.

use serde::Deserialize;
use std::path::{Path, PathBuf};

mod cloudflare;
pub use cloudflare::{CloudflareAccountConfig, CloudflareConfig};
mod semaphore;
pub use semaphore::{SemaphoreConfig, SemaphoreOrgConfig};
mod iac;
pub use iac::IacConfig;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folder for the cache, the ledger and the logs. `--data-dir` / `FERRY_DATA_DIR` win.
    pub data_dir: Option<PathBuf>,
    pub cache: CacheConfig,
    pub log: LogConfig,
    pub heroku: HerokuConfig,
    pub aws: AwsConfig,
    pub cloudflare: CloudflareConfig,
    pub semaphore: SemaphoreConfig,
    pub iac: IacConfig,
    pub ledger: LedgerConfig,
    pub ui: UiConfig,
    /// Key overrides: action name → keys (see config/keymap.toml).
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    /// Overrides of the mapping rules in config/rules.toml, key by key.
    pub rules: crate::rules::RuleOverrides,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// `dark` or `light`.
    pub theme: String,
    /// Click to select and focus, wheel to scroll. Off keeps the terminal's own text selection.
    pub mouse: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: "dark".into(),
            mouse: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    /// Where the ledger lives; default `ledger.toml` in the data dir. Point it into your
    /// infrastructure repository to commit the team's decisions with the code.
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// How many snapshots to keep per source (at least 1), so changes can be compared.
    pub keep_snapshots: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig { keep_snapshots: 5 }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `error`, `warn`, `info`, `debug` or `trace`, or a tracing filter such as
    /// `ferry=debug`. `FERRY_LOG` wins.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
        }
    }
}

/// `[heroku]`: the Heroku source. Defaults fit one account found the way the Heroku CLI
/// finds it (`HEROKU_API_KEY`, then `~/.netrc`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HerokuConfig {
    /// Platform API base URL. `FERRY_HEROKU_API_URL` wins.
    pub api_url: Option<String>,
    /// Accounts to fetch, each with the environment variable holding its token.
    pub accounts: Vec<HerokuAccountConfig>,
    pub scope: HerokuScopeConfig,
    /// Rate-limit tokens a fetch always leaves in the account's pool.
    pub budget_floor: i64,
    /// Requests in flight per account.
    pub concurrency: usize,
    pub request_timeout_secs: u64,
    /// How long one request may keep being retried (5xx, 429, timeouts).
    pub retry_deadline_secs: u64,
    /// The first retry's delay; later ones double, with jitter.
    pub retry_base_delay_ms: u64,
}

impl Default for HerokuConfig {
    fn default() -> Self {
        HerokuConfig {
            api_url: None,
            accounts: Vec::new(),
            scope: HerokuScopeConfig::default(),
            budget_floor: 1500,
            concurrency: 8,
            request_timeout_secs: 30,
            retry_deadline_secs: 120,
            retry_base_delay_ms: 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HerokuAccountConfig {
    /// A label for progress and messages.
    pub name: String,
    /// The environment variable that holds this account's API token.
    pub token_env: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HerokuScopeConfig {
    /// Only apps of these teams (personal apps are left out when set).
    pub teams: Vec<String>,
    /// Only apps whose names match one of these patterns (`*`, `?`).
    pub apps: Vec<String>,
}

impl HerokuConfig {
    fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.api_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("heroku.api_url `{url}` is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "heroku.api_url `{url}` must start with https:// (or http://)"
                ));
            }
        }
        if !(1..=64).contains(&self.concurrency) {
            return Err("heroku.concurrency must be between 1 and 64".into());
        }
        if !(0..4500).contains(&self.budget_floor) {
            return Err(
                "heroku.budget_floor must be between 0 and 4499 (the pool holds 4,500 tokens)"
                    .into(),
            );
        }
        if self.request_timeout_secs == 0 {
            return Err("heroku.request_timeout_secs must be at least 1".into());
        }
        let mut names = std::collections::HashSet::new();
        for a in &self.accounts {
            if a.name.trim().is_empty() || a.token_env.trim().is_empty() {
                return Err(
                    "every [[heroku.accounts]] needs a non-empty name and token_env".into(),
                );
            }
            if !names.insert(a.name.as_str()) {
                return Err(format!("heroku account name `{}` appears twice", a.name));
            }
        }
        Ok(())
    }
}

/// `[aws]`: the AWS source. Defaults fit one account: the standard credential chain
/// (environment, `AWS_PROFILE` or the default profile, SSO, roles) in its own region.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AwsConfig {
    /// Accounts to fetch, each a profile and its regions.
    pub accounts: Vec<AwsAccountConfig>,
    /// One endpoint for every service (an emulator, a proxy). `AWS_ENDPOINT_URL` and the
    /// SDK's per-service variables (`AWS_ENDPOINT_URL_ECS`, …) work without it.
    pub endpoint_url: Option<String>,
    /// Attempts per request in adaptive retry mode (throttling, 5xx, timeouts).
    pub max_attempts: u32,
    pub request_timeout_secs: u64,
    /// Requests in flight per service and region: `default`, or a service name.
    pub concurrency: std::collections::BTreeMap<String, usize>,
    /// Services not to call at all (names as in `concurrency`).
    pub skip_services: Vec<String>,
}

impl Default for AwsConfig {
    fn default() -> Self {
        AwsConfig {
            accounts: Vec::new(),
            endpoint_url: None,
            max_attempts: 8,
            request_timeout_secs: 30,
            concurrency: std::collections::BTreeMap::new(),
            skip_services: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAccountConfig {
    /// A label for progress and messages; defaults to the profile.
    #[serde(default)]
    pub name: Option<String>,
    /// A profile in ~/.aws/config; its credentials come from that profile only.
    pub profile: String,
    /// Regions to fetch; empty means the profile's own region.
    #[serde(default)]
    pub regions: Vec<String>,
}

impl AwsConfig {
    fn validate(&self) -> Result<(), String> {
        use crate::sources::aws::Service;
        let known = || {
            Service::ALL
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let is_service = |n: &str| Service::ALL.iter().any(|s| s.name() == n);
        if let Some(url) = &self.endpoint_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("aws.endpoint_url `{url}` is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "aws.endpoint_url `{url}` must start with https:// (or http://)"
                ));
            }
        }
        if !(1..=20).contains(&self.max_attempts) {
            return Err("aws.max_attempts must be between 1 and 20".into());
        }
        if self.request_timeout_secs == 0 {
            return Err("aws.request_timeout_secs must be at least 1".into());
        }
        for (k, v) in &self.concurrency {
            if k != "default" && !is_service(k) {
                return Err(format!(
                    "aws.concurrency: unknown service `{k}` (expected default or one of: {})",
                    known()
                ));
            }
            if !(1..=64).contains(v) {
                return Err(format!("aws.concurrency.{k} must be between 1 and 64"));
            }
        }
        for s in &self.skip_services {
            if !is_service(s) {
                return Err(format!(
                    "aws.skip_services: unknown service `{s}` (expected one of: {})",
                    known()
                ));
            }
        }
        let mut names = std::collections::HashSet::new();
        for a in &self.accounts {
            if a.profile.trim().is_empty() {
                return Err("every [[aws.accounts]] needs a non-empty profile".into());
            }
            let name = a.name.as_deref().unwrap_or(&a.profile);
            if !names.insert(name.to_string()) {
                return Err(format!("aws account name `{name}` appears twice"));
            }
            for r in &a.regions {
                let ok = !r.is_empty()
                    && r.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !ok {
                    return Err(format!(
                        "aws account `{name}`: `{r}` is not a region name (like eu-west-1)"
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// Parses config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            // toml's message names the key and shows the line: "TOML parse error at line 3…"
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if !matches!(config.ui.theme.as_str(), "dark" | "light") {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "ui.theme is `{}`; use \"dark\" or \"light\"",
                    config.ui.theme
                ),
            });
        }
        if config.cache.keep_snapshots == 0 {
            return Err(invalid("cache.keep_snapshots must be at least 1".into()));
        }
        config.heroku.validate().map_err(invalid)?;
        config.cloudflare.validate().map_err(invalid)?;
        config.semaphore.validate().map_err(invalid)?;
        config.iac.validate().map_err(invalid)?;
        config.aws.validate().map_err(invalid)?;
        Ok(config)
    }

    /// Loads the config file. A missing file is fine when it is the default location
    /// (`required == false`); a file the user named explicitly must exist.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(Config::default())
            }
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/ferry.toml"))
    }

    #[test]
    fn empty_config_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn the_example_config_parses() {
        let text = include_str!("../config/ferry.example.toml");
        let config = parse(text).unwrap();
        assert_eq!(config.cache.keep_snapshots, 5);
        assert_eq!(config.heroku, HerokuConfig::default());
        assert_eq!(config.cloudflare, CloudflareConfig::default());
        assert_eq!(config.aws, AwsConfig::default());
    }

    #[test]
    fn aws_accounts_concurrency_and_skips() {
        let config = parse(
            "[aws]\nmax_attempts = 3\nskip_services = [\"msk\"]\n\
             [aws.concurrency]\ndefault = 4\necs = 10\n\
             [[aws.accounts]]\nprofile = \"acme-prod\"\nregions = [\"eu-west-1\", \"us-east-1\"]\n",
        )
        .unwrap();
        assert_eq!(config.aws.accounts[0].regions, ["eu-west-1", "us-east-1"]);
        assert_eq!(config.aws.concurrency["ecs"], 10);
        for (bad, why) in [
            ("[aws]\nmax_attempts = 0\n", "max_attempts"),
            (
                "[aws]\nskip_services = [\"ec2\"]\n",
                "unknown service `ec2`",
            ),
            ("[aws.concurrency]\necs = 0\n", "aws.concurrency.ecs"),
            ("[aws]\nendpoint_url = \"localhost:5000\"\n", "endpoint_url"),
            (
                "[[aws.accounts]]\nprofile = \"p\"\nregions = [\"EU West\"]\n",
                "not a region",
            ),
            (
                "[[aws.accounts]]\nprofile = \"p\"\n[[aws.accounts]]\nprofile = \"p\"\n",
                "twice",
            ),
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn heroku_accounts_scope_and_limits() {
        let config = parse(
            "[heroku]\napi_url = \"http://127.0.0.1:9/\"\nconcurrency = 4\n\
             [heroku.scope]\nteams = [\"acmepay\"]\napps = [\"acme-*\"]\n\
             [[heroku.accounts]]\nname = \"prod\"\ntoken_env = \"HEROKU_TOKEN_PROD\"\n",
        )
        .unwrap();
        assert_eq!(config.heroku.concurrency, 4);
        assert_eq!(config.heroku.scope.apps, ["acme-*"]);
        assert_eq!(config.heroku.accounts[0].token_env, "HEROKU_TOKEN_PROD");
        for (bad, why) in [
            ("[heroku]\nconcurrency = 0\n", "concurrency"),
            ("[heroku]\nbudget_floor = 5000\n", "budget_floor"),
            ("[heroku]\napi_url = \"ftp://x\"\n", "api_url"),
            ("[[heroku.accounts]]\nname = \"a\"\n", "token_env"),
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn unknown_key_names_the_key_file_and_line() {
        let err = parse("[cache]\nkeep_snapshots = 3\nkeep_snapshot = 4\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/etc/ferry.toml"), "{err}");
        assert!(err.contains("keep_snapshot"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key_and_line() {
        let err = parse("\n[log]\nlevel = 3\n").unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("level"), "{err}");
    }

    #[test]
    fn rule_overrides_are_checked_too() {
        let err = parse("[rules.addons]\nbonsai = [\"elasticsearch\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("elasticsearch"), "{err}");
        let ok = parse("[rules.tags]\napp = \"app\"\n[ledger]\npath = \"/infra/ledger.toml\"\n")
            .unwrap();
        assert_eq!(ok.rules.tags.unwrap().app.as_deref(), Some("app"));
    }

    #[test]
    fn zero_snapshots_is_refused() {
        let err = parse("[cache]\nkeep_snapshots = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("keep_snapshots must be at least 1"), "{err}");
    }

    #[test]
    fn missing_default_file_is_fine_but_missing_named_file_is_not() {
        let p = Path::new("/nonexistent/ferry.toml");
        assert_eq!(Config::load(p, false).unwrap(), Config::default());
        let err = Config::load(p, true).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/ferry.toml"), "{err}");
    }
}
