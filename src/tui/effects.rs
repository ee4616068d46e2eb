//! Carrying out effects: the I/O `update` asks for (ledger writes, the clipboard, the
//! browser, report files). Outcomes come back to the user as toasts.

use chrono::{SubsecRound, Utc};
use std::io::Write;

use super::state::AppState;
use super::update::Effect;
use crate::ledger::{Entry, Ledger, current_user};
use crate::model::ResourceId;

type LedgerChange = Box<dyn FnOnce(&mut Ledger)>;

/// Carries out an effect's I/O (ledger writes) and reports the outcome in the state.
/// Returns true when the app should quit.
pub fn perform(state: &mut AppState, effect: Effect) -> bool {
    let (id, change): (ResourceId, LedgerChange) = match effect {
        // Fetches are started by the run loop, which owns the fetcher.
        Effect::None | Effect::Fetch(_) => return false,
        Effect::Copy(text) => {
            copy(state, &text);
            return false;
        }
        Effect::Open(url) => {
            match open::that_detached(&url) {
                Ok(()) => state.toast(format!("Opened {url}"), false),
                Err(e) => state.toast(format!("Could not open a browser ({e}): {url}"), true),
            }
            return false;
        }
        Effect::Export { format, path } => {
            export(state, format, &path);
            return false;
        }
        Effect::Quit => return true,
        Effect::SaveMark { id, status, note } => {
            let entry = Entry {
                status,
                note,
                counterpart: state
                    .ledger
                    .items
                    .get(&id)
                    .and_then(|e| e.counterpart.clone()),
                by: current_user(),
                at: Utc::now().trunc_subsecs(0),
            };
            let key = id.clone();
            (
                id,
                Box::new(move |l: &mut Ledger| {
                    l.items.insert(key, entry);
                }),
            )
        }
        Effect::Unmark { id } => {
            let key = id.clone();
            (
                id,
                Box::new(move |l: &mut Ledger| {
                    l.items.remove(&key);
                }),
            )
        }
    };
    let Some(path) = state.ledger_path.clone() else {
        state.toast("No ledger file: marks cannot be saved here", true);
        return false;
    };
    match Ledger::update(&path, change) {
        Ok(ledger) => {
            state.ledger = ledger;
            state.reanalyze();
            let mut text = match state.ledger.items.get(&id) {
                Some(e) => format!("Marked {id} {}", e.status.as_str()),
                None => format!("Removed the mark on {id}"),
            };
            // The demo's ledger is a throw-away copy: say so every time, not after quitting.
            if state.origin == "demo" {
                text.push_str(" (demo: marks are discarded when you quit)");
            }
            let warning = state
                .gap
                .item(&id)
                .and_then(|i| i.contradictions.first().cloned());
            match warning {
                Some(w) => state.toast(format!("{text}; but {w}"), true),
                None => state.toast(text, false),
            }
        }
        Err(e) => state.toast(format!("Not saved: {e}"), true),
    }
    false
}

/// OSC 52 to the terminal: works locally, over SSH and in tmux (with `set-clipboard on`).
fn copy(state: &mut AppState, text: &str) {
    let mut out = std::io::stdout();
    let result = out
        .write_all(super::console::osc52(text).as_bytes())
        .and_then(|_| out.flush());
    match result {
        Ok(()) => {
            let lines = text.lines().count();
            let shown = if lines > 1 {
                format!("{lines} lines of JSON ({} bytes)", text.len())
            } else {
                text.to_string()
            };
            state.toast(format!("Copied {shown} to the clipboard (OSC 52)"), false)
        }
        Err(e) => state.toast(format!("Could not copy: {e}"), true),
    }
}

fn export(state: &mut AppState, format: crate::report::Format, path: &std::path::Path) {
    let meta = crate::report::ReportMeta {
        generated_at: Utc::now().trunc_subsecs(0),
        snapshots: state.inventory.snapshots.clone(),
    };
    let text = crate::report::render(format, &state.gap, &meta);
    match crate::commands::gaps::write_file(path, text.as_bytes()) {
        Ok(()) => {
            let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            state.toast(
                format!(
                    "Wrote the {} report to {}",
                    format.extension(),
                    shown.display()
                ),
                false,
            );
        }
        Err(e) => state.toast(format!("Export failed: {e:#}"), true),
    }
}
