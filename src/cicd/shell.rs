//! Just enough shell to read a CI job's commands: line continuations, quotes, `&&` / `||`
//! / `;` / `|` chains, leading `X=v` assignments and common wrappers (`sudo`, `env`,
//! `retry`, `bash -c "…"`). Not a shell: nothing is expanded except `$NAME` / `${NAME}`
//! from literal values the same job assigned, so a name is never guessed.

use std::collections::HashMap;

/// A job's commands as one list of lines: an entry ending in `\` continues on the next
/// entry, and `\`-newline inside an entry joins its lines (both as the shell would).
pub fn join_continuations(commands: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for c in commands {
        // As the shell does: a backslash-newline inside one entry is removed outright.
        let joined = c.replace("\\\r\n", "").replace("\\\n", "");
        let line = match pending.take() {
            Some(mut p) => {
                p.push(' ');
                p.push_str(joined.trim_start());
                p
            }
            None => joined,
        };
        let trimmed = line.trim_end();
        if let Some(head) = trimmed.strip_suffix('\\')
            && !head.ends_with('\\')
        {
            pending = Some(head.to_string());
        } else {
            out.push(line);
        }
    }
    out.extend(pending);
    out
}

/// The simple commands of one line, each as its words (quotes removed). Operators split
/// commands; a `#` starting a word begins a comment.
pub fn simple_commands(line: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let flush_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(&n) = chars.peek()
                                && matches!(n, '"' | '\\' | '$' | '`')
                            {
                                word.push(n);
                                chars.next();
                            } else {
                                word.push('\\');
                            }
                        }
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            '#' if !in_word => break,
            ';' | '&' | '|' | '\n' | '(' | ')' => {
                flush_word(&mut word, &mut in_word, &mut words);
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            c if c.is_whitespace() => flush_word(&mut word, &mut in_word, &mut words),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush_word(&mut word, &mut in_word, &mut words);
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// `NAME=value`, when `word` is an assignment.
pub fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() || first == '_')
        .then_some(())
        .filter(|_| chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(|_| (name, value))
}

/// Variables a job assigned, with the literal value when it is one (the fetcher redacts
/// values to `…`; a redacted or computed value stays unknown).
#[derive(Debug, Default, Clone)]
pub struct Vars {
    known: HashMap<String, Option<String>>,
}

impl Vars {
    pub fn set(&mut self, name: &str, value: &str) {
        let literal = !value.is_empty()
            && !value.contains('…')
            && !value.contains('$')
            && !value.contains('`')
            && !value.contains('*');
        self.known
            .insert(name.to_string(), literal.then(|| value.to_string()));
    }

    /// `word` with every `$NAME` / `${NAME}` replaced by its literal value; `Err(word)`
    /// (unchanged) when one of them has none.
    pub fn expand(&self, word: &str) -> Result<String, String> {
        if !word.contains('$') {
            return Ok(word.to_string());
        }
        let mut out = String::new();
        let mut rest = word;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(end) => (&braced[..end], &braced[end + 1..]),
                    None => return Err(word.to_string()),
                }
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            match self.known.get(name).cloned().flatten() {
                Some(v) if !name.is_empty() => out.push_str(&v),
                _ => return Err(word.to_string()),
            }
            rest = tail;
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Drops wrappers that run the real command (`sudo`, `env X=1`, `time`, `retry -t 3`,
/// `nohup`, `exec`, `command`) and leading assignments (recorded in `vars` only when the
/// whole command is assignments, as the shell keeps only those). Returns the real command.
pub fn unwrap<'a>(mut words: &'a [String], vars: &mut Vars) -> &'a [String] {
    loop {
        let Some(first) = words.first() else {
            return words;
        };
        if first == "export" || first == "declare" || first == "local" || first == "readonly" {
            for w in &words[1..] {
                if let Some((n, v)) = assignment(w) {
                    vars.set(n, v);
                }
            }
            return &[];
        }
        if assignment(first).is_some() {
            let n = words.iter().take_while(|w| assignment(w).is_some()).count();
            if n == words.len() {
                for w in words {
                    if let Some((name, v)) = assignment(w) {
                        vars.set(name, v);
                    }
                }
                return &[];
            }
            words = &words[n..];
            continue;
        }
        match first.as_str() {
            "sudo" | "time" | "nohup" | "exec" | "command" | "env" => {
                let mut i = 1;
                while i < words.len()
                    && (words[i].starts_with('-') || assignment(&words[i]).is_some())
                {
                    i += 1;
                }
                words = &words[i..];
            }
            "retry" => {
                // Semaphore's `retry [-t N] [-s N] cmd`.
                let mut i = 1;
                while i < words.len() && words[i].starts_with('-') {
                    let takes_value = !words[i].contains('=');
                    i += if takes_value { 2 } else { 1 };
                }
                words = &words[i.min(words.len())..];
            }
            _ => return words,
        }
    }
}

/// The value of an option: `--name V`, `--name=V`, `-n V` or `-nV` (short names only with
/// one letter). The first occurrence wins.
pub fn option<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    for (i, a) in args.iter().enumerate() {
        for n in names {
            if a == n {
                return args.get(i + 1).map(String::as_str);
            }
            if let Some(v) = a.strip_prefix(n) {
                if let Some(v) = v.strip_prefix('=') {
                    return Some(v);
                }
                if n.len() == 2 && !n.starts_with("--") && !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// Positional arguments: words that are not options nor option values. `with_value`
/// lists the options that take a value.
pub fn positionals<'a>(args: &'a [String], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            skip = !a.contains('=') && with_value.contains(&a.as_str());
            continue;
        }
        out.push(a.as_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn continuations_join_across_entries_and_inside_one() {
        let cmds = s(&[
            "aws ecs update-service \\",
            "  --cluster prod \\",
            "  --service web",
            "echo a \\\n b",
        ]);
        assert_eq!(
            join_continuations(&cmds),
            s(&[
                "aws ecs update-service  --cluster prod  --service web",
                "echo a  b"
            ])
        );
    }

    #[test]
    fn chains_quotes_and_comments() {
        let cmds = simple_commands(
            r#"cd web && npm ci || exit 1; aws s3 sync "dist dir" 's3://b' | tee x # git push heroku"#,
        );
        assert_eq!(
            cmds,
            vec![
                s(&["cd", "web"]),
                s(&["npm", "ci"]),
                s(&["exit", "1"]),
                s(&["aws", "s3", "sync", "dist dir", "s3://b"]),
                s(&["tee", "x"]),
            ]
        );
    }

    #[test]
    fn assignments_and_wrappers() {
        let mut vars = Vars::default();
        let words = s(&["APP=acme-api"]);
        assert!(unwrap(&words, &mut vars).is_empty());
        let words = s(&["export", "CLUSTER=…"]);
        assert!(unwrap(&words, &mut vars).is_empty());
        let words = s(&["FOO=1", "sudo", "-E", "retry", "-t", "3", "heroku", "ps"]);
        assert_eq!(unwrap(&words, &mut vars), &s(&["heroku", "ps"])[..]);
        assert_eq!(vars.expand("$APP-web").unwrap(), "acme-api-web");
        assert_eq!(vars.expand("${APP}").unwrap(), "acme-api");
        assert_eq!(vars.expand("$CLUSTER").unwrap_err(), "$CLUSTER");
        assert_eq!(
            vars.expand("$FOO").unwrap_err(),
            "$FOO",
            "prefix assignments do not persist"
        );
    }

    #[test]
    fn options_in_every_spelling() {
        let args = s(&["--cluster=prod", "-a", "x", "--service", "web", "-rstaging"]);
        assert_eq!(option(&args, &["--cluster"]), Some("prod"));
        assert_eq!(option(&args, &["--service"]), Some("web"));
        assert_eq!(option(&args, &["-a", "--app"]), Some("x"));
        assert_eq!(option(&args, &["-r", "--remote"]), Some("staging"));
        assert_eq!(option(&args, &["--nope"]), None);
        assert_eq!(
            positionals(
                &s(&["sync", "--acl", "public-read", "dist", "s3://b"]),
                &["--acl"]
            ),
            vec!["sync", "dist", "s3://b"]
        );
    }
}
