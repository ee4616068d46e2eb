//! The one update function: (state, action) → new state and an effect for the run loop.

use super::action::Action;
use super::keymap::KeyPress;
use super::state::{AppState, MarkForm, PaneState};
use crate::ledger::Decision;
use crate::model::ResourceId;
use crossterm::event::KeyCode;

/// What the run loop must do after an update: I/O stays out of `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Record a decision in the ledger file.
    SaveMark {
        id: ResourceId,
        status: Decision,
        note: Option<String>,
    },
    /// Remove a decision from the ledger file.
    Unmark {
        id: ResourceId,
    },
}

const DECISIONS: [Decision; 3] = [Decision::Migrated, Decision::InProgress, Decision::Ignored];

/// Keys while the mark form is open: typing edits the note, Tab / ↑ / ↓ change the status,
/// Enter saves, Esc cancels.
pub fn form_key(state: &mut AppState, key: KeyPress) -> Effect {
    let Some(form) = state.mark_form.as_mut() else {
        return Effect::None;
    };
    let cycle = |form: &mut MarkForm, step: usize| {
        let i = DECISIONS
            .iter()
            .position(|d| *d == form.status)
            .unwrap_or(0);
        form.status = DECISIONS[(i + step) % DECISIONS.len()];
    };
    let ctrl = key.mods.contains(crossterm::event::KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.mark_form = None,
        KeyCode::Enter => {
            let form = state.mark_form.take().expect("checked above");
            let note = form.note.trim().to_string();
            return Effect::SaveMark {
                id: form.id,
                status: form.status,
                note: (!note.is_empty()).then_some(note),
            };
        }
        KeyCode::Tab | KeyCode::Down => cycle(form, 1),
        KeyCode::BackTab | KeyCode::Up => cycle(form, DECISIONS.len() - 1),
        KeyCode::Backspace => {
            form.note.pop();
        }
        KeyCode::Char('c') if ctrl => return Effect::Quit,
        KeyCode::Char('u') if ctrl => form.note.clear(),
        KeyCode::Char(c) if !ctrl => form.note.push(c),
        _ => {}
    }
    Effect::None
}

/// Opens the mark form on the selected item, prefilled from the ledger.
fn open_mark_form(state: &mut AppState) {
    let Some(item) = state.selected_item() else {
        state.toast("Select a Heroku app or one of its parts to mark it", true);
        return;
    };
    let (id, label) = (item.id.clone(), format!("{} · {}", item.app, item.name));
    let existing = state.ledger.items.get(&id);
    state.mark_form = Some(MarkForm {
        status: existing.map_or(Decision::Migrated, |e| e.status),
        note: existing.and_then(|e| e.note.clone()).unwrap_or_default(),
        id,
        label,
    });
}

pub fn update(state: &mut AppState, action: Action) -> Effect {
    // Errors stay until the next key; then they have been read.
    if state.toast.as_ref().is_some_and(|t| t.error) {
        state.toast = None;
    }
    if state.show_help {
        // The help overlay is modal: it closes on Esc or `?`; quitting still works.
        match action {
            Action::Back | Action::ToggleHelp => state.show_help = false,
            Action::Quit => return Effect::Quit,
            _ => {}
        }
        return Effect::None;
    }
    let page = (state.page_height / 2).max(1);
    match action {
        Action::Quit => return Effect::Quit,
        Action::ToggleHelp => state.show_help = true,
        Action::NextPane => state.focus = (state.focus + 1) % state.panes.len(),
        Action::PrevPane => state.focus = (state.focus + state.panes.len() - 1) % state.panes.len(),
        Action::Up => move_by(state.pane_mut(), -1),
        Action::Down => move_by(state.pane_mut(), 1),
        Action::PageUp => move_by(state.pane_mut(), -(page as isize)),
        Action::PageDown => move_by(state.pane_mut(), page as isize),
        Action::Top => state.pane_mut().selected = 0,
        Action::Bottom => {
            let pane = state.pane_mut();
            pane.selected = pane.rows.len().saturating_sub(1);
        }
        Action::Mark => open_mark_form(state),
        Action::Unmark => match state.selected_item() {
            Some(item) if state.ledger.items.contains_key(&item.id) => {
                return Effect::Unmark {
                    id: item.id.clone(),
                };
            }
            Some(_) => state.toast("This item has no mark to remove", false),
            None => state.toast("Select a Heroku app or one of its parts", true),
        },
        Action::Expand => expand(state.pane_mut()),
        Action::Collapse | Action::Back => collapse(state.pane_mut()),
    }
    Effect::None
}

fn move_by(pane: &mut PaneState, delta: isize) {
    if pane.rows.is_empty() {
        return;
    }
    let last = pane.rows.len() - 1;
    pane.selected = pane.selected.saturating_add_signed(delta).min(last);
}

/// Expands the selected node; on an already expanded node, steps to its first child.
/// Expanding a resource also opens its kind groups, so one key shows its parts.
fn expand(pane: &mut PaneState) {
    let Some(node) = pane.selected_node() else {
        return;
    };
    let n = &pane.tree.nodes[node];
    if n.children.is_empty() {
        return;
    }
    if pane.expanded.contains(&n.key) {
        pane.selected += 1;
        return;
    }
    pane.expanded.insert(n.key.clone());
    if matches!(n.kind, super::tree::NodeKind::Resource(_)) {
        for &c in &n.children {
            pane.expanded.insert(pane.tree.nodes[c].key.clone());
        }
    }
    pane.refresh_rows();
}

/// Collapses the selected node; on a collapsed node or a leaf, goes to its parent.
fn collapse(pane: &mut PaneState) {
    let Some(node) = pane.selected_node() else {
        return;
    };
    let key = pane.tree.nodes[node].key.clone();
    if pane.expanded.remove(&key) {
        pane.refresh_rows();
        pane.select_node(node);
    } else if let Some(parent) = pane.tree.nodes[node].parent {
        pane.select_node(parent);
    }
}
