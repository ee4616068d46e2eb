//! The Ctrl-p command palette: every `:` command (and each of its fixed arguments, so
//! `theme light` is one Enter away), the key that runs it, fuzzy-filtered as you type with
//! the ranking of the `/` filter (rank.rs), the commands run before first.
//!
//! Entries are rebuilt from the command table, the keymap and the command history on each
//! call: there are a few dozen, so caching them would buy nothing and could go stale when
//! the history changes.

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::input::{self, COMMANDS};
use super::keymap::{KeyPress, Keymap};
use super::rank::{self, Needle, Scratch};
use super::state::{AppState, InputKind};
use super::update::Effect;

/// Commands that do nothing useful without an argument: Enter opens the `:` line with the
/// name typed, for the user to add it.
const NEEDS_ARGS: &[&str] = &["mark", "filter", "theme"];

/// Above every ranked entry: the query itself as a command line (`export csv out.csv`).
const TYPED: u8 = rank::EXACT + 1;

/// The palette while it is open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub query: String,
    /// Index into the filtered list.
    pub selected: usize,
    /// First row shown (the view keeps the selection in sight).
    pub offset: usize,
    /// Where the popup and its rows were drawn, for clicks and paging.
    pub popup: Rect,
    pub rows_area: Rect,
}

/// One line of the palette.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What is matched and run: `export`, `theme light`, or a line run before.
    pub name: String,
    /// The arguments the command takes (`FORMAT [PATH]`), empty for none or a full line.
    pub args: String,
    pub help: String,
    /// The key that does the same outside the palette, as the help writes it.
    pub key: Option<String>,
    pub needs_args: bool,
    /// Position in the command history, 0 the newest; `None` when never run.
    pub recent: Option<usize>,
}

/// An entry that matches the query: its score and which characters of its name matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub entry: Entry,
    pub score: u8,
    /// Character indices into `entry.name`, for highlighting.
    pub hits: Vec<usize>,
}

/// Ctrl-p: opens the palette with an empty query.
pub fn open(state: &mut AppState) {
    state.input = None;
    state.palette = Some(Palette::default());
}

/// The action bound to the same thing as a command, for the key column.
fn action_of(command: &str) -> Option<Action> {
    Some(match command {
        "fetch" => Action::RefreshAll,
        "export" => Action::Export,
        "mark" => Action::Mark,
        "unmark" => Action::Unmark,
        "filter" => Action::Filter,
        "explore" => Action::ViewExplore,
        "gaps" => Action::ViewGaps,
        "cutover" => Action::ViewCutover,
        "graph" => Action::ViewGraph,
        "help" => Action::ToggleHelp,
        "q" => Action::Quit,
        _ => return None,
    })
}

/// The first key bound to `action` (the user's `[keys]` included).
fn key_of(keymap: &Keymap, action: Action) -> Option<String> {
    let binding = keymap.bindings.iter().find(|b| b.action == action)?;
    Some(
        binding
            .keys
            .iter()
            .map(KeyPress::label)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A command's help without its usage (`export the gap report: export FORMAT [PATH]`
/// → help `export the gap report`, arguments `FORMAT [PATH]`).
fn split_help(name: &str, help: &str) -> (String, String) {
    let usage = format!(": {name} ");
    match help.find(&usage) {
        Some(at) => (help[..at].to_string(), help[at + usage.len()..].to_string()),
        None => (help.to_string(), String::new()),
    }
}

/// What one fixed argument does, said for that argument.
fn variant_help(command: &str, arg: &str, help: &str) -> String {
    match command {
        "fetch" => format!("fetch the {arg} source again"),
        "export" => format!("export the gap report as {arg}"),
        "mark" => format!("mark the selected item {arg}"),
        "theme" => format!("switch to the {arg} theme"),
        _ => format!("{help}: {arg}"),
    }
}

/// Every entry in the order shown for an empty query: the commands run before, newest
/// first, then the commands in table order, then each with its fixed arguments.
pub fn entries(state: &AppState) -> Vec<Entry> {
    let mut base = Vec::new();
    let mut variants = Vec::new();
    for (name, args, help) in COMMANDS {
        let (short, usage) = split_help(name, help);
        base.push(Entry {
            name: name.to_string(),
            args: usage,
            help: short.clone(),
            key: action_of(name).and_then(|a| key_of(&state.keymap, a)),
            needs_args: NEEDS_ARGS.contains(name),
            recent: None,
        });
        for arg in *args {
            variants.push(Entry {
                name: format!("{name} {arg}"),
                args: String::new(),
                help: variant_help(name, arg, &short),
                key: None,
                needs_args: false,
                recent: None,
            });
        }
    }
    let mut all: Vec<Entry> = base.into_iter().chain(variants).collect();
    let mut recent = Vec::new();
    for (i, line) in state.command_history.iter().rev().enumerate() {
        if let Some(at) = all.iter().position(|e| e.name == *line) {
            let mut e = all.remove(at);
            e.recent = Some(i);
            recent.push(e);
            continue;
        }
        // A line with its own arguments (`export csv out.csv`) is offered again as typed;
        // lines that were not commands are not.
        let word = line.split_whitespace().next().unwrap_or("");
        let Some((name, _, help)) = COMMANDS.iter().find(|(c, _, _)| *c == word) else {
            continue;
        };
        recent.push(Entry {
            name: line.clone(),
            args: String::new(),
            help: split_help(name, help).0,
            key: None,
            needs_args: false,
            recent: Some(i),
        });
    }
    recent.into_iter().chain(all).collect()
}

/// How well `query` matches an entry: the whole query against the name, else each word
/// against the name or (lower) the help. 0 is no match.
fn score(entry: &Entry, query: &str, scratch: &mut Scratch) -> u8 {
    let whole = Needle::new(query).score_name(&entry.name, scratch);
    if whole > 0 {
        return whole;
    }
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.len() < 2 && Needle::new(query).within(&entry.help, scratch) {
        return rank::NOTES;
    }
    if words.len() < 2 {
        return 0;
    }
    let mut worst = u8::MAX;
    for w in words {
        let needle = Needle::new(w);
        let s = match needle.score_name(&entry.name, scratch) {
            0 if needle.within(&entry.help, scratch) => rank::NOTES,
            s => s,
        };
        worst = worst.min(s);
    }
    worst
}

/// The entries that match `query`, best first; ties go to the commands run most recently,
/// then to the table's order.
pub fn matches(state: &AppState, query: &str) -> Vec<Match> {
    let query = query.trim();
    let all = entries(state);
    if query.is_empty() {
        return all
            .into_iter()
            .map(|entry| Match {
                entry,
                score: rank::EXACT,
                hits: Vec::new(),
            })
            .collect();
    }
    let mut scratch = Scratch::default();
    let mut found: Vec<(usize, Match)> = all
        .into_iter()
        .enumerate()
        .filter_map(|(order, entry)| {
            let score = score(&entry, query, &mut scratch);
            (score > 0).then(|| {
                let hits = hits(&entry.name, query);
                (order, Match { entry, score, hits })
            })
        })
        .collect();
    // A command with arguments no entry has (`export csv out.csv`, `filter redis`) is
    // offered as typed, first, unless an entry already reads like it.
    let first = query.split_whitespace().next().unwrap_or("");
    let lowered = query.to_lowercase();
    let covered = found
        .iter()
        .any(|(_, m)| m.score >= rank::PREFIX && m.entry.name.to_lowercase().starts_with(&lowered));
    if query.contains(' ') && !covered && COMMANDS.iter().any(|(c, _, _)| *c == first) {
        let name = query.split_whitespace().collect::<Vec<_>>().join(" ");
        let hits = (0..name.chars().count()).collect();
        found.push((
            0,
            Match {
                entry: Entry {
                    name,
                    args: String::new(),
                    help: "run this command line".into(),
                    key: None,
                    needs_args: false,
                    recent: None,
                },
                score: TYPED,
                hits,
            },
        ));
    }
    found.sort_by_key(|(order, m)| {
        (
            std::cmp::Reverse(m.score),
            m.entry.recent.unwrap_or(usize::MAX),
            *order,
        )
    });
    found.into_iter().map(|(_, m)| m).collect()
}

/// Which characters of `name` the query matched: the whole query as a substring, else
/// each word as rank.rs matched it (substring, or chunks at word starts).
pub fn hits(name: &str, query: &str) -> Vec<usize> {
    let mut scratch = Scratch::default();
    let whole = Needle::new(query.trim());
    if whole.within(name, &mut scratch) {
        return whole.hits(name, &mut scratch);
    }
    let mut out: Vec<usize> = query
        .split_whitespace()
        .flat_map(|word| Needle::new(word).hits(name, &mut scratch))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn run(state: &mut AppState, entry: Entry) -> Effect {
    state.palette = None;
    if entry.needs_args {
        input::open(state, InputKind::Command, &format!("{} ", entry.name));
        return Effect::None;
    }
    input::remember(state, &entry.name);
    input::run(state, &entry.name)
}

/// Rows a page key moves: what the last draw showed.
fn page(palette: &Palette) -> isize {
    (palette.rows_area.height as isize).max(2) - 1
}

/// Keys while the palette is open: typing filters, ↑/↓ Ctrl-p/Ctrl-n PgUp/PgDn move,
/// Enter runs, Tab puts the command on the `:` line to add arguments, Esc closes.
pub fn key(state: &mut AppState, key: KeyPress) -> Effect {
    let Some(palette) = state.palette.as_mut() else {
        return Effect::None;
    };
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    let step = match key.code {
        KeyCode::Up => -1,
        KeyCode::Char('p' | 'k') if ctrl => -1,
        KeyCode::Down => 1,
        KeyCode::Char('n' | 'j') if ctrl => 1,
        KeyCode::PageUp => -page(palette),
        KeyCode::PageDown => page(palette),
        KeyCode::Home => isize::MIN / 2,
        KeyCode::End => isize::MAX / 2,
        _ => 0,
    };
    if step != 0 {
        let len = matches(state, &state.palette.as_ref().expect("open").query).len();
        let palette = state.palette.as_mut().expect("open");
        palette.selected = palette
            .selected
            .saturating_add_signed(step)
            .min(len.saturating_sub(1));
        return Effect::None;
    }
    match key.code {
        KeyCode::Esc => state.palette = None,
        KeyCode::Enter | KeyCode::Tab => {
            let query = palette.query.clone();
            let at = palette.selected;
            let Some(m) = matches(state, &query).into_iter().nth(at) else {
                return Effect::None;
            };
            if key.code == KeyCode::Tab {
                state.palette = None;
                input::open(state, InputKind::Command, &format!("{} ", m.entry.name));
                return Effect::None;
            }
            return run(state, m.entry);
        }
        KeyCode::Backspace => {
            palette.query.pop();
            palette.selected = 0;
        }
        KeyCode::Char('u') if ctrl => {
            palette.query.clear();
            palette.selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            palette.query.push(c);
            palette.selected = 0;
        }
        _ => {}
    }
    Effect::None
}

/// A click on a row runs it; the wheel moves the selection; a click outside closes.
pub fn mouse(state: &mut AppState, ev: MouseEvent) -> Effect {
    let Some(palette) = state.palette.as_ref() else {
        return Effect::None;
    };
    let at = Position::new(ev.column, ev.row);
    let step = match ev.kind {
        MouseEventKind::ScrollDown => 3,
        MouseEventKind::ScrollUp => -3,
        MouseEventKind::Down(MouseButton::Left) => 0,
        _ => return Effect::None,
    };
    let query = palette.query.clone();
    let mut found = matches(state, &query);
    let palette = state.palette.as_mut().expect("checked");
    if step != 0 {
        palette.selected = palette
            .selected
            .saturating_add_signed(step)
            .min(found.len().saturating_sub(1));
        return Effect::None;
    }
    if !palette.popup.contains(at) {
        state.palette = None;
        return Effect::None;
    }
    if !palette.rows_area.contains(at) {
        return Effect::None;
    }
    let row = palette.offset + (ev.row - palette.rows_area.y) as usize;
    if row >= found.len() {
        return Effect::None;
    }
    palette.selected = row;
    let entry = found.swap_remove(row).entry;
    run(state, entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_mark_substrings_and_word_starts_never_scattered_letters() {
        assert_eq!(hits("export md", "exp"), vec![0, 1, 2]);
        assert_eq!(hits("theme light", "th li"), vec![0, 1, 6, 7]);
        assert_eq!(hits("fetch cloudflare", "fecl"), vec![0, 1, 6, 7]);
        assert!(hits("cutover", "ct").is_empty(), "c…t is scattered");
    }

    #[test]
    fn usage_is_split_from_the_help() {
        assert_eq!(
            split_help("export", "export the gap report: export FORMAT [PATH]"),
            ("export the gap report".into(), "FORMAT [PATH]".into())
        );
        assert_eq!(
            split_help("unmark", "remove it"),
            ("remove it".into(), "".into())
        );
    }
}
