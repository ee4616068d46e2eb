//! The part of `~/.netrc` the Heroku CLI writes: `machine api.heroku.com … password TOKEN`.
//!
//! The format is whitespace-separated tokens: `machine NAME`, `default`, then `login`,
//! `password`, `account` values; `macdef NAME` starts a macro that runs to the next blank
//! line. `#` starts a comment to the end of the line.

/// The `password` of the entry for `machine`, falling back to a `default` entry.
pub fn password_for(text: &str, machine: &str) -> Option<String> {
    let mut current: Option<Entry> = None;
    let mut found: Option<String> = None;
    let mut default: Option<String> = None;
    let mut finish = |entry: Option<Entry>| {
        if let Some(e) = entry {
            match (e.machine.as_deref(), e.password) {
                (Some(m), Some(p)) if m == machine && found.is_none() => found = Some(p),
                (None, Some(p)) if default.is_none() => default = Some(p),
                _ => {}
            }
        }
    };
    let mut tokens = Tokens::new(text);
    while let Some(tok) = tokens.next() {
        match tok {
            "machine" => {
                finish(current.take());
                current = Some(Entry {
                    machine: tokens.next().map(str::to_string),
                    password: None,
                });
            }
            "default" => {
                finish(current.take());
                current = Some(Entry {
                    machine: None,
                    password: None,
                });
            }
            "password" => {
                let value = tokens.next().map(str::to_string);
                if let Some(e) = current.as_mut() {
                    e.password = value;
                }
            }
            "login" | "account" => {
                tokens.next();
            }
            "macdef" => {
                finish(current.take());
                tokens.skip_macro();
            }
            _ => {}
        }
    }
    finish(current.take());
    found.or(default)
}

struct Entry {
    /// `None` for the `default` entry.
    machine: Option<String>,
    password: Option<String>,
}

struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Tokens { rest: text }
    }

    fn next(&mut self) -> Option<&'a str> {
        loop {
            self.rest = self.rest.trim_start();
            if self.rest.starts_with('#') {
                let end = self.rest.find('\n').unwrap_or(self.rest.len());
                self.rest = &self.rest[end..];
                continue;
            }
            if self.rest.is_empty() {
                return None;
            }
            let end = self
                .rest
                .find(char::is_whitespace)
                .unwrap_or(self.rest.len());
            let (tok, rest) = self.rest.split_at(end);
            self.rest = rest;
            return Some(tok);
        }
    }

    /// Skips a `macdef` name and body (up to and including the next blank line).
    fn skip_macro(&mut self) {
        match self.rest.find("\n\n") {
            Some(i) => self.rest = &self.rest[i + 2..],
            None => self.rest = "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_heroku_cli_entry() {
        let text = "machine api.heroku.com\n  login me@example.com\n  password tok-123\nmachine git.heroku.com\n  login me@example.com\n  password tok-git\n";
        assert_eq!(
            password_for(text, "api.heroku.com").as_deref(),
            Some("tok-123")
        );
        assert_eq!(
            password_for(text, "git.heroku.com").as_deref(),
            Some("tok-git")
        );
        assert_eq!(password_for(text, "example.com"), None);
    }

    #[test]
    fn one_line_entries_comments_and_default() {
        let text = "# my tokens\nmachine github.com login x password gh\n\
                    machine api.heroku.com login me password hk # trailing\n\
                    default login anon password fallback\n";
        assert_eq!(password_for(text, "api.heroku.com").as_deref(), Some("hk"));
        assert_eq!(
            password_for(text, "unknown.example").as_deref(),
            Some("fallback")
        );
    }

    #[test]
    fn macros_are_skipped_and_entries_without_password_ignored() {
        let text = "macdef init\npassword not-this\nmachine api.heroku.com\n\n\
                    machine api.heroku.com login me\nmachine other password x\n";
        assert_eq!(password_for(text, "api.heroku.com"), None);
        let text = "machine api.heroku.com login me\nmachine api.heroku.com password second\n";
        assert_eq!(
            password_for(text, "api.heroku.com").as_deref(),
            Some("second")
        );
    }

    #[test]
    fn empty_and_truncated_files() {
        assert_eq!(password_for("", "api.heroku.com"), None);
        assert_eq!(
            password_for("machine api.heroku.com password", "api.heroku.com"),
            None
        );
    }
}
