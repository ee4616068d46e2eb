//! The one update function: (state, action) → new state and an effect for the run loop.

use super::action::{Action, Msg};
use super::keymap::KeyPress;
use super::state::{AppState, MarkForm, PaneState};
use crate::fetch::{self, FetchEvent, SourceReport};
use crate::inventory::SnapshotMeta;
use crate::ledger::Decision;
use crate::model::{Provider, ResourceId, SourceSnapshot};
use crate::sources::SourceEvent;
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
    /// Start a background fetch of one source, or of every source (`None`).
    Fetch(Option<Provider>),
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

pub fn update(state: &mut AppState, msg: impl Into<Msg>) -> Effect {
    match msg.into() {
        Msg::Action(action) => on_action(state, action),
        Msg::Fetch(event) => {
            on_fetch(state, event);
            Effect::None
        }
        Msg::Tick => {
            state.tick = state.tick.wrapping_add(1);
            Effect::None
        }
    }
}

fn on_action(state: &mut AppState, action: Action) -> Effect {
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
        Action::Refresh => return refresh(state, Some(state.pane().provider)),
        Action::RefreshAll => return refresh(state, None),
    }
    Effect::None
}

/// Marks the panes being fetched and asks the run loop to start the fetch. The panes
/// stay usable: data is replaced only when a source finishes.
fn refresh(state: &mut AppState, which: Option<Provider>) -> Effect {
    if !state.refresh_enabled {
        let text = format!(
            "refresh is off for the {} estate; run `ferry` to work on your own cache",
            state.origin
        );
        state.toast(text, false);
        return Effect::None;
    }
    let targets: Vec<Provider> = match which {
        Some(p) if !fetch::available(p) => {
            let text = format!(
                "fetching from {} is not available yet in this version of Ferry",
                p.title()
            );
            state.toast(text, false);
            return Effect::None;
        }
        Some(p) => vec![p],
        None => Provider::ALL
            .into_iter()
            .filter(|&p| fetch::available(p))
            .collect(),
    };
    if targets.iter().any(|&p| {
        state
            .panes
            .iter()
            .any(|pane| pane.provider == p && pane.fetch.running)
    }) {
        state.toast("a fetch is already running", false);
        return Effect::None;
    }
    for p in targets {
        if let Some(pane) = state.pane_of(p) {
            pane.fetch.running = true;
            pane.fetch.requests = 0;
            pane.fetch.budget = None;
            pane.fetch.progress = "starting".into();
        }
    }
    Effect::Fetch(which)
}

fn on_fetch(state: &mut AppState, event: FetchEvent) {
    match event {
        FetchEvent::Progress {
            source,
            event: SourceEvent::Provisional(snap),
        } => provisional(state, source, &snap),
        FetchEvent::Progress { source, event } => {
            let Some(pane) = state.pane_of(source) else {
                return;
            };
            match event {
                SourceEvent::Status { message, .. } => pane.fetch.progress = message,
                // Kind events carry cumulative counts per kind; one more answered request.
                SourceEvent::Kind { budget_left, .. } => {
                    pane.fetch.requests += 1;
                    if let Some(b) = budget_left {
                        pane.fetch.budget = Some(pane.fetch.budget.map_or(b, |old| old.min(b)));
                    }
                }
                SourceEvent::Provisional(_) => unreachable!("matched above"),
            }
        }
        FetchEvent::Finished(report) => finished(state, &report),
    }
}

/// Shows a running fetch's provisional data, remembering what it replaces.
fn provisional(state: &mut AppState, source: Provider, snap: &SourceSnapshot) {
    let before = state.inventory.source_snapshot(source);
    let Some(pane) = state.pane_of(source) else {
        return;
    };
    if pane.fetch.backup.is_none() {
        pane.fetch.backup = Some(before);
    }
    let meta = SnapshotMeta {
        id: 0,
        source,
        taken_at: snap.taken_at,
        origin: "fetching".into(),
        resource_count: snap.resources.len(),
    };
    state.inventory.replace_source(meta, snap);
    state.rebuild_panes();
}

fn finished(state: &mut AppState, report: &SourceReport) {
    let backup = state
        .pane_of(report.source)
        .and_then(|p| p.fetch.backup.take());
    match (&report.stored, backup) {
        (Some((meta, snap)), _) => state.inventory.replace_source(meta.clone(), snap),
        // Nothing stored: put back what the provisional data replaced.
        (None, Some(Some((meta, snap)))) => state.inventory.replace_source(meta, &snap),
        (None, Some(None)) => state.inventory.remove_source(report.source),
        (None, None) => {}
    }
    // Resource indices moved: every pane's tree is rebuilt, keeping its view.
    state.rebuild_panes();
    let Some(pane) = state.pane_of(report.source) else {
        return;
    };
    pane.fetch.running = false;
    pane.fetch.progress.clear();
    pane.fetch.error = if report.succeeded() {
        None
    } else {
        report
            .error
            .clone()
            .or_else(|| report.accounts.iter().find_map(|a| a.outcome.clone().err()))
    };
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
