//! Job commands with their secrets cut out, names kept.
//!
//! A job's commands are the only record of what a pipeline deploys (the API does not serve
//! the YAML), so they are kept, but they are shell: a value can sit in an assignment, in a
//! URL's userinfo, after a password flag or in an HTTP header. Those values become `…`;
//! the words the deploy classifier needs (app, cluster, service, bucket, distribution ids,
//! `-a APP`, `s3://BUCKET`) are left alone. Over-redacting a harmless value is the safe
//! side of the trade.

/// What replaces a removed value.
pub const MASK: &str = "…";

/// Flags whose next word (or `=value`) is a credential.
const SECRET_FLAGS: &[&str] = &[
    "-p",
    "--password",
    "--pass",
    "--token",
    "--api-key",
    "--apikey",
    "--secret",
    "--secret-key",
    "--access-key",
    "--client-secret",
    "--auth-token",
];

/// One command with every value that may be a secret replaced by [`MASK`].
pub fn command(cmd: &str) -> String {
    let words = split(cmd);
    let mut out = String::with_capacity(cmd.len());
    let mut mask_next = false;
    let mut mask_header_scheme = false;
    for piece in words {
        let Piece::Word(word) = piece else {
            if let Piece::Space(s) = piece {
                out.push_str(s);
            }
            continue;
        };
        if mask_next {
            mask_next = false;
            // `-H "Authorization:" Bearer xyz` (unquoted): the scheme word, then the value.
            if mask_header_scheme && is_auth_scheme(word) {
                out.push_str(word);
                mask_next = true;
                mask_header_scheme = false;
                continue;
            }
            mask_header_scheme = false;
            out.push_str(MASK);
            continue;
        }
        let lower = word.to_ascii_lowercase();
        if SECRET_FLAGS.contains(&lower.as_str()) {
            out.push_str(word);
            mask_next = true;
            continue;
        }
        if let Some((flag, _)) = word.split_once('=')
            && SECRET_FLAGS.contains(&flag.to_ascii_lowercase().as_str())
        {
            out.push_str(flag);
            out.push('=');
            out.push_str(MASK);
            continue;
        }
        let unquoted = lower.trim_matches(|c| c == '"' || c == '\'');
        if is_header_name(unquoted) && unquoted.ends_with(':') {
            out.push_str(word);
            mask_next = true;
            mask_header_scheme = true;
            continue;
        }
        out.push_str(&word_masked(word));
    }
    out
}

/// Every command of a list, redacted.
pub fn commands<'a>(cmds: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    cmds.into_iter().map(command).collect()
}

fn is_auth_scheme(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "bearer" | "token" | "basic"
    )
}

/// `authorization:` or an `x-…-token:` / `x-api-key:` header name (lower case).
fn is_header_name(h: &str) -> bool {
    let name = h.split(':').next().unwrap_or_default();
    name == "authorization"
        || name == "proxy-authorization"
        || (name.starts_with("x-")
            && (name.ends_with("-token") || name.ends_with("-key") || name.ends_with("-secret")))
}

/// One word: an assignment's value, URL userinfo and a quoted header's value masked.
fn word_masked(word: &str) -> String {
    let word = userinfo_masked(word);
    if let Some(masked) = header_masked(&word) {
        return masked;
    }
    assignment_masked(&word).unwrap_or(word)
}

/// `NAME=value…` → `NAME=…`, the value ending at an unquoted `;`, `|` or `&`.
fn assignment_masked(word: &str) -> Option<String> {
    let (name, rest) = word.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        || rest.is_empty()
    {
        return None;
    }
    let mut quote = None;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ';' | '|' | '&') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Some(format!("{name}={MASK}{}", &rest[end..]))
}

/// `"Authorization: Token abc"` (one quoted word) → `"Authorization: …"`.
fn header_masked(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let start = lower.find(|c| c != '"' && c != '\'').unwrap_or(0);
    let colon = lower[start..].find(':')? + start;
    if !is_header_name(&lower[start..=colon]) || colon + 1 >= word.len() {
        return None;
    }
    let tail = &word[colon + 1..];
    let closing: String = tail
        .chars()
        .rev()
        .take_while(|c| *c == '"' || *c == '\'')
        .collect();
    if tail
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .is_empty()
    {
        return None;
    }
    Some(format!("{} {MASK}{closing}", &word[..=colon]))
}

/// `scheme://user:pass@host` → `scheme://…@host`, wherever it sits in the word.
fn userinfo_masked(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(at) => {
                out.push_str(MASK);
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

enum Piece<'a> {
    Word(&'a str),
    Space(&'a str),
}

/// Words split at unquoted whitespace; the whitespace is kept so the command reads as it
/// was written.
fn split(cmd: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space = None::<bool>;
    let mut quote = None;
    for (i, c) in cmd.char_indices() {
        let space = quote.is_none() && c.is_whitespace();
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        if in_space.is_some_and(|s| s != space) {
            let text = &cmd[start..i];
            pieces.push(if in_space == Some(true) {
                Piece::Space(text)
            } else {
                Piece::Word(text)
            });
            start = i;
        }
        in_space = Some(space);
    }
    if start < cmd.len() {
        let text = &cmd[start..];
        pieces.push(if in_space == Some(true) {
            Piece::Space(text)
        } else {
            Piece::Word(text)
        });
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::command;

    #[test]
    fn assignment_values_are_masked_and_names_kept() {
        assert_eq!(command("export API_KEY=abc123"), "export API_KEY=…");
        assert_eq!(
            command("DATABASE_URL=\"postgres://u:p@h/db\" bundle exec rake"),
            "DATABASE_URL=… bundle exec rake"
        );
        assert_eq!(command("export A=1; export B=2"), "export A=…; export B=…");
        assert_eq!(command("export A=1;echo hi"), "export A=…;echo hi");
    }

    #[test]
    fn urls_flags_and_headers_lose_their_credentials() {
        assert_eq!(
            command("git push https://heroku:s3cr3t@git.heroku.com/acme-api.git HEAD:main"),
            "git push https://…@git.heroku.com/acme-api.git HEAD:main"
        );
        assert_eq!(
            command("docker login -u AWS -p hunter2 123.dkr.ecr.eu-west-1.amazonaws.com"),
            "docker login -u AWS -p … 123.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            command("tool --token=abc --api-key xyz"),
            "tool --token=… --api-key …"
        );
        assert_eq!(
            command("curl -H \"Authorization: Token abc\" https://x/"),
            "curl -H \"Authorization: …\" https://x/"
        );
        assert_eq!(
            command("curl -H 'X-Auth-Token: abc' https://x/"),
            "curl -H 'X-Auth-Token: …' https://x/"
        );
        assert_eq!(
            command("curl -H Authorization: Bearer abc https://x/"),
            "curl -H Authorization: Bearer … https://x/"
        );
    }

    #[test]
    fn names_the_classifier_needs_stay() {
        for cmd in [
            "heroku container:release web -a acme-api",
            "git push heroku -f $SEMAPHORE_GIT_BRANCH:master",
            "aws ecs update-service --cluster prod --service acme-api-web --force-new-deployment",
            "aws s3 sync public s3://acme-web-assets --delete",
            "aws cloudfront create-invalidation --distribution-id E2ABC --paths '/*'",
            "heroku git:remote --app acme-api",
        ] {
            assert_eq!(command(cmd), cmd);
        }
    }
}
