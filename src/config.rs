//! `ferry.toml`: the user's configuration. Every key is documented in
//! `config/ferry.example.toml`; an unknown key or a wrong type is an error that names the
//! file, the key and the line.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folder for the cache, the ledger and the logs. `--data-dir` / `FERRY_DATA_DIR` win.
    pub data_dir: Option<PathBuf>,
    pub cache: CacheConfig,
    pub log: LogConfig,
    pub ledger: LedgerConfig,
    /// Overrides of the mapping rules in config/rules.toml, key by key.
    pub rules: crate::rules::RuleOverrides,
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
        if config.cache.keep_snapshots == 0 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: "cache.keep_snapshots must be at least 1".into(),
            });
        }
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
