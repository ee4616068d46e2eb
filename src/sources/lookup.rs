//! What credential discovery may read, shared by the sources: the environment and the
//! user's `~/.netrc`, injected so tests never touch the real ones; and [`Token`], an API
//! token whose `Debug` is redacted and which has no `Display`, so it cannot end up in a log
//! line or an error message by accident.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// An API token. Read it only with [`Token::expose`] where the header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Self {
        Token(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Reads one environment variable.
pub type EnvFn = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What the resolver may read; injected so tests never touch the real environment or home.
#[derive(Clone)]
pub struct Lookup {
    pub env: EnvFn,
    /// `~/.netrc`, if a home directory is known.
    pub netrc: Option<PathBuf>,
}

impl Lookup {
    /// The process environment and the user's `~/.netrc`.
    pub fn from_process() -> Self {
        Lookup {
            env: Arc::new(|name| std::env::var(name).ok()),
            netrc: default_netrc(),
        }
    }

    /// An environment holding only `vars`, and no netrc: for tests and benchmarks, which
    /// must never read the real environment or home.
    pub fn from_vars(vars: &[(&str, &str)]) -> Self {
        let map: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Lookup {
            env: Arc::new(move |k| map.get(k).cloned()),
            netrc: None,
        }
    }
}

/// `~/.netrc` (`%USERPROFILE%\_netrc` on Windows, as the Heroku CLI uses).
pub fn default_netrc() -> Option<PathBuf> {
    let home = directories::BaseDirs::new()?.home_dir().to_path_buf();
    Some(if cfg!(windows) {
        home.join("_netrc")
    } else {
        home.join(".netrc")
    })
}
