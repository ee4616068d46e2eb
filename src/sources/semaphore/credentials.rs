//! Which organisations to fetch and with which token, found the way Semaphore's tools find
//! them: configured orgs (each naming its token's environment variable), else
//! `SEMAPHORE_API_TOKEN` + `SEMAPHORE_HOST` (what `sem-ai` reads), else the active context
//! of `~/.sem.yaml` (the `sem` CLI's file). Tokens are [`Token`]s: never displayed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::sources::lookup::{Lookup, Token};

/// One organisation as configured (`[[semaphore.orgs]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    pub name: String,
    pub token_env: String,
    /// `<name>.semaphoreci.com` when not set.
    pub host: Option<String>,
}

/// One organisation with its credential, or why it has none.
#[derive(Debug, Clone)]
pub struct OrgCredential {
    pub name: String,
    pub host: String,
    /// Where the token came from, for messages (`SEMAPHORE_ACME_TOKEN`, `~/.sem.yaml`).
    pub from: String,
    pub token: Result<Token, String>,
}

/// The organisations to fetch. Empty when nothing is configured or found.
pub fn resolve(
    orgs: &[OrgSpec],
    lookup: &Lookup,
    sem_yaml: Option<&PathBuf>,
) -> Vec<OrgCredential> {
    let env = |name: &str| (lookup.env)(name).filter(|v| !v.trim().is_empty());
    if !orgs.is_empty() {
        return orgs
            .iter()
            .map(|o| OrgCredential {
                name: o.name.clone(),
                host: o
                    .host
                    .clone()
                    .unwrap_or_else(|| format!("{}.semaphoreci.com", o.name)),
                from: o.token_env.clone(),
                token: env(&o.token_env)
                    .map(|t| Token::new(t.trim()))
                    .ok_or_else(|| {
                        format!(
                            "no token for Semaphore organisation `{}`: the environment variable {} \
                         (semaphore.orgs token_env) is not set",
                            o.name, o.token_env
                        )
                    }),
            })
            .collect();
    }
    if let Some(token) = env("SEMAPHORE_API_TOKEN") {
        let Some(host) = env("SEMAPHORE_HOST") else {
            return vec![OrgCredential {
                name: "semaphore".into(),
                host: String::new(),
                from: "SEMAPHORE_API_TOKEN".into(),
                token: Err(
                    "SEMAPHORE_API_TOKEN is set but SEMAPHORE_HOST is not (set it to \
                            <org>.semaphoreci.com, or add [[semaphore.orgs]] to the config)"
                        .into(),
                ),
            }];
        };
        let host = bare_host(&host);
        return vec![OrgCredential {
            name: org_of(&host),
            host,
            from: "SEMAPHORE_API_TOKEN".into(),
            token: Ok(Token::new(token.trim())),
        }];
    }
    let Some(path) = sem_yaml else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let map = parse_yaml_scalars(&text);
    let Some(ctx) = map.get("active-context") else {
        return Vec::new();
    };
    let (Some(host), token) = (
        map.get(&format!("contexts.{ctx}.host")),
        map.get(&format!("contexts.{ctx}.auth.token")),
    ) else {
        return Vec::new();
    };
    let host = bare_host(host);
    vec![OrgCredential {
        name: org_of(&host),
        host,
        from: format!("{} (context {ctx})", path.display()),
        token: token
            .filter(|t| !t.is_empty())
            .map(|t| Token::new(t.clone()))
            .ok_or_else(|| {
                format!(
                    "{} has no contexts.{ctx}.auth.token (run `sem connect`, or set \
                     SEMAPHORE_API_TOKEN)",
                    path.display()
                )
            }),
    }]
}

/// `~/.sem.yaml`, if a home directory is known (`HOME` in the lookup first, so tests
/// can point it elsewhere).
pub fn default_sem_yaml(lookup: &Lookup) -> Option<PathBuf> {
    let home = (lookup.env)("HOME")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))?;
    Some(home.join(".sem.yaml"))
}

/// `https://acme.semaphoreci.com/` → `acme.semaphoreci.com`.
fn bare_host(h: &str) -> String {
    let h = h.trim();
    let h = h
        .strip_prefix("https://")
        .or_else(|| h.strip_prefix("http://"))
        .unwrap_or(h);
    h.trim_end_matches('/').to_string()
}

/// The organisation a host serves: its first label (`acme` of `acme.semaphoreci.com`).
pub fn org_of(host: &str) -> String {
    host.split(['.', ':']).next().unwrap_or(host).to_string()
}

/// The scalars of a small block-style YAML file as dotted paths (`contexts.x.auth.token`).
/// Enough for `~/.sem.yaml` (maps of maps of strings); lists and flow style are skipped.
fn parse_yaml_scalars(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for line in text.lines() {
        let content = line.trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let key = unquote(key.trim());
        let value = value.split(" #").next().unwrap_or_default().trim();
        let path: Vec<&str> = stack
            .iter()
            .map(|(_, k)| k.as_str())
            .chain([key.as_str()])
            .collect();
        if value.is_empty() {
            stack.push((indent, key.clone()));
        } else {
            out.insert(path.join("."), unquote(value));
        }
    }
    out
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_orgs_win_and_name_their_variable() {
        let lookup = Lookup::from_vars(&[("ACME_SEM", "t1"), ("SEMAPHORE_API_TOKEN", "x")]);
        let orgs = [
            OrgSpec {
                name: "acme".into(),
                token_env: "ACME_SEM".into(),
                host: None,
            },
            OrgSpec {
                name: "beta".into(),
                token_env: "BETA_SEM".into(),
                host: Some("ci.beta.example".into()),
            },
        ];
        let got = resolve(&orgs, &lookup, None);
        assert_eq!(got[0].host, "acme.semaphoreci.com");
        assert_eq!(got[0].token.as_ref().unwrap().expose(), "t1");
        assert_eq!(got[1].host, "ci.beta.example");
        let err = got[1].token.as_ref().unwrap_err();
        assert!(err.contains("`beta`") && err.contains("BETA_SEM"), "{err}");
    }

    #[test]
    fn the_environment_then_the_sem_yaml_active_context() {
        let lookup = Lookup::from_vars(&[
            ("SEMAPHORE_API_TOKEN", "tok"),
            ("SEMAPHORE_HOST", "https://acmepay.semaphoreci.com/"),
        ]);
        let got = resolve(&[], &lookup, None);
        assert_eq!(
            (got[0].name.as_str(), got[0].host.as_str()),
            ("acmepay", "acmepay.semaphoreci.com")
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".sem.yaml");
        std::fs::write(
            &path,
            "active-context: beta_semaphoreci_com\ncontexts:\n  acme_semaphoreci_com:\n    host: acme.semaphoreci.com\n    auth:\n      token: old\n  beta_semaphoreci_com:\n    host: beta.semaphoreci.com\n    auth:\n      token: \"fromfile\"\neditor: vim\n",
        )
        .unwrap();
        let got = resolve(&[], &Lookup::from_vars(&[]), Some(&path));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "beta");
        assert_eq!(got[0].token.as_ref().unwrap().expose(), "fromfile");
        assert!(resolve(&[], &Lookup::from_vars(&[]), None).is_empty());
    }
}
