//! Text entry: the `/` filter (applied as you type) and the `:` command line with
//! completion. Keys go here, not to the keymap, while a line is open.

use crossterm::event::{KeyCode, KeyModifiers};

use super::keymap::KeyPress;
use super::state::{AppState, Input, InputKind, View};
use super::update::Effect;
use crate::ledger::Decision;
use crate::model::Provider;
use crate::report::Format;

/// The commands `:` knows, with their arguments, for completion and the palette.
pub const COMMANDS: &[(&str, &[&str], &str)] = &[
    (
        "fetch",
        &["heroku", "cloudflare", "aws", "semaphore", "iac"],
        "fetch a source (all without one): fetch [SOURCE]",
    ),
    (
        "export",
        &["md", "csv", "json", "html"],
        "export the gap report: export FORMAT [PATH]",
    ),
    (
        "mark",
        &["migrated", "in_progress", "ignored"],
        "mark the selected item: mark STATUS [NOTE]",
    ),
    ("unmark", &[], "remove the selected item's mark"),
    ("filter", &[], "filter this view: filter QUERY"),
    (
        "theme",
        &["dark", "light"],
        "switch the colour theme: theme dark|light",
    ),
    ("explore", &[], "the three estates (1)"),
    ("gaps", &[], "every migration item (2)"),
    ("cutover", &[], "every hostname (3)"),
    ("graph", &[], "dependencies of the selection (4)"),
    ("help", &[], "show the keys"),
    ("messages", &[], "every message of this session, whole"),
    ("q", &[], "quit"),
];

/// Opens a text line; the filter starts from the current query.
pub fn open(state: &mut AppState, kind: InputKind, text: &str) {
    let mut input = Input {
        kind,
        text: text.to_string(),
        completions: Vec::new(),
        selected: kind == InputKind::Filter && !text.is_empty(),
        recalled: None,
    };
    if kind == InputKind::Command {
        input.completions = completions(&input.text);
    }
    state.input = Some(input);
}

/// Commands (or a command's arguments) that start with what is typed.
pub fn completions(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let typing_arg = text.ends_with(' ') || words.len() > 1;
    if !typing_arg {
        let prefix = words.first().copied().unwrap_or("");
        return COMMANDS
            .iter()
            .filter(|(c, _, _)| c.starts_with(prefix))
            .map(|(c, _, desc)| format!("{c:<8} {desc}"))
            .collect();
    }
    let Some((_, args, _)) = COMMANDS.iter().find(|(c, _, _)| *c == words[0]) else {
        return Vec::new();
    };
    let prefix = if text.ends_with(' ') {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    args.iter()
        .filter(|a| a.starts_with(prefix))
        .map(|a| format!("{} {a}", words[0]))
        .collect()
}

/// Completes what is typed: the whole word when one candidate fits, else as far as the
/// candidates agree.
fn complete(text: &str) -> Option<String> {
    let candidates = completions(text);
    let command_word = text.split_whitespace().count() <= 1 && !text.ends_with(' ');
    // Candidates as the full text they would make.
    let full: Vec<String> = candidates
        .iter()
        .filter_map(|c| {
            if command_word {
                c.split_whitespace().next().map(str::to_string)
            } else {
                Some(c.clone())
            }
        })
        .collect();
    match full.as_slice() {
        [] => None,
        [one] => Some(format!("{one} ")),
        many => {
            let first = &many[0];
            let common = (0..=first.len())
                .rev()
                .find(|&n| {
                    first.is_char_boundary(n) && many.iter().all(|c| c.starts_with(&first[..n]))
                })
                .unwrap_or(0);
            (common > text.len()).then(|| first[..common].to_string())
        }
    }
}

pub fn key(state: &mut AppState, key: KeyPress) -> Effect {
    let Some(input) = state.input.as_mut() else {
        return Effect::None;
    };
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    let kind = input.kind;
    if std::mem::take(&mut input.selected) {
        match key.code {
            // Typing replaces the selected text; Backspace removes all of it.
            KeyCode::Char(_) | KeyCode::Backspace if !ctrl => input.text.clear(),
            // An arrow (or End) keeps the old text to edit.
            KeyCode::Left | KeyCode::Right | KeyCode::End | KeyCode::Home => {
                return Effect::None;
            }
            _ => {}
        }
        if key.code == KeyCode::Backspace {
            set_filter(state, "");
            return Effect::None;
        }
    }
    let Some(input) = state.input.as_mut() else {
        return Effect::None;
    };
    match key.code {
        KeyCode::Esc => {
            state.input = None;
            if kind == InputKind::Filter {
                set_filter(state, "");
            }
            return Effect::None;
        }
        KeyCode::Enter => {
            let text = state.input.take().map(|i| i.text).unwrap_or_default();
            return match kind {
                InputKind::Filter => Effect::None, // already applied while typing
                InputKind::Command => {
                    let line = text.trim();
                    remember(state, line);
                    run(state, line)
                }
            };
        }
        KeyCode::Up | KeyCode::Down if kind == InputKind::Command => {
            let len = state.command_history.len();
            let at = match (key.code, input.recalled) {
                (_, _) if len == 0 => return Effect::None,
                (KeyCode::Up, None) => Some(len - 1),
                (KeyCode::Up, Some(i)) => Some(i.saturating_sub(1)),
                (_, None) => return Effect::None,
                (_, Some(i)) if i + 1 < len => Some(i + 1),
                // Past the newest: back to an empty line, as shells do.
                (_, Some(_)) => None,
            };
            input.recalled = at;
            input.text = at
                .map(|i| state.command_history[i].clone())
                .unwrap_or_default();
        }
        KeyCode::Tab if kind == InputKind::Command => {
            if let Some(done) = complete(&input.text) {
                input.text = done;
            }
        }
        KeyCode::Backspace => {
            input.text.pop();
        }
        KeyCode::Char('c') if ctrl => return Effect::Quit,
        KeyCode::Char('u') if ctrl => input.text.clear(),
        KeyCode::Char(c) if !ctrl => input.text.push(c),
        _ => return Effect::None,
    }
    let text = input.text.clone();
    match kind {
        InputKind::Filter => set_filter(state, &text),
        InputKind::Command => {
            if let Some(i) = state.input.as_mut() {
                i.completions = completions(&text);
            }
        }
    }
    Effect::None
}

/// Keeps a command line in the history, once, newest last: ↑ brings back the last command,
/// not a repeat, and the palette lists it first.
pub fn remember(state: &mut AppState, line: &str) {
    let line = line.trim();
    if !line.is_empty() {
        state.command_history.retain(|h| h != line);
        state.command_history.push(line.to_string());
    }
}

/// Applies a filter query to every view.
pub fn set_filter(state: &mut AppState, query: &str) {
    if state.filter.query == query {
        return;
    }
    state.filter = super::filter::Filter::parse(query);
    state.apply_filter();
}

/// `~` and `~/…` as the shell reads them (HOME); anything else as typed.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (path, home) {
        ("~", Some(home)) => home.into(),
        (p, Some(home)) if p.starts_with("~/") => std::path::Path::new(&home).join(&p[2..]),
        (p, _) => p.into(),
    }
}

/// Runs a `:` command.
pub fn run(state: &mut AppState, line: &str) -> Effect {
    let mut words = line.split_whitespace();
    let Some(cmd) = words.next() else {
        return Effect::None;
    };
    let rest: Vec<&str> = words.collect();
    match cmd {
        "q" | "quit" => return Effect::Quit,
        "help" => state.show_help = true,
        "messages" => {
            state.show_messages = true;
            state.messages_scroll = 0;
        }
        "explore" => state.set_view(View::Explore),
        "gaps" => state.set_view(View::Gaps),
        "cutover" => state.set_view(View::Cutover),
        "graph" => super::update::show_graph(state),
        "filter" => set_filter(state, &rest.join(" ")),
        "theme" => match rest.first().copied() {
            Some(name @ ("dark" | "light")) => {
                state.theme = super::theme::Theme::named(name, state.theme.has_color());
                let kept = match &state.prefs_path {
                    Some(file) => match super::prefs::save_theme(file, name) {
                        Ok(()) => " (remembered)".to_string(),
                        Err(e) => format!(" (not remembered: {}: {e})", file.display()),
                    },
                    None => String::new(),
                };
                state.toast(format!("Switched to the {name} theme{kept}"), false);
            }
            _ => state.toast("theme dark or theme light", true),
        },
        "fetch" => {
            let which = match rest.first() {
                None => None,
                Some(p) => match p.parse::<Provider>() {
                    Ok(p) => Some(p),
                    Err(e) => {
                        state.toast(e, true);
                        return Effect::None;
                    }
                },
            };
            return super::refresh::refresh(state, which);
        }
        "export" => {
            let format = match rest.first().copied() {
                Some("md") | None => Format::Md,
                Some("csv") => Format::Csv,
                Some("json") => Format::Json,
                Some("html") => Format::Html,
                Some(other) => {
                    state.toast(
                        format!("unknown format `{other}`: md, csv, json or html"),
                        true,
                    );
                    return Effect::None;
                }
            };
            let path = rest
                .get(1)
                .map(|p| expand_home(p))
                .unwrap_or_else(|| format!("ferry-gaps.{}", format.extension()).into());
            let effect = Effect::Export {
                format,
                path: path.clone(),
            };
            // An existing report is replaced only when the user says so.
            if path.exists() {
                state.confirm = Some(super::state::Confirm {
                    question: format!("{} exists. Overwrite it?", path.display()),
                    effect,
                });
                return Effect::None;
            }
            return effect;
        }
        "mark" => {
            let status = match rest.first().copied() {
                Some("migrated") => Decision::Migrated,
                Some("in_progress" | "in-progress") => Decision::InProgress,
                Some("ignored") => Decision::Ignored,
                _ => {
                    state.toast("mark migrated|in_progress|ignored [note]", true);
                    return Effect::None;
                }
            };
            let Some(item) = super::update::selected_item_id(state) else {
                state.toast("Select a Heroku app or one of its parts to mark it", true);
                return Effect::None;
            };
            let note = rest[1..].join(" ");
            return Effect::SaveMark {
                id: item,
                status,
                note: (!note.is_empty()).then_some(note),
            };
        }
        "unmark" => super::update::ask_unmark(state),
        other => state.toast(
            format!("unknown command `{other}` (Ctrl-p lists them)"),
            true,
        ),
    }
    Effect::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_of_commands_and_arguments() {
        assert!(completions("").len() == COMMANDS.len());
        assert_eq!(complete("expo").as_deref(), Some("export "));
        assert_eq!(
            complete("exp"),
            None,
            "export and explore agree only on what is typed"
        );
        assert_eq!(complete("c").as_deref(), Some("cutover "));
        assert_eq!(
            completions("export "),
            vec!["export md", "export csv", "export json", "export html"]
        );
        assert_eq!(complete("export ht").as_deref(), Some("export html "));
        assert_eq!(complete("fetch c").as_deref(), Some("fetch cloudflare "));
        assert!(completions("zzz").is_empty());
    }
}
