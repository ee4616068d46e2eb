//! The one update function: (state, action) → new state and an effect for the run loop.

use super::action::{Action, Msg};
use super::state::{AppState, PaneState};
use crate::fetch::{self, FetchEvent, SourceReport};
use crate::inventory::SnapshotMeta;
use crate::model::{Provider, SourceSnapshot};
use crate::sources::SourceEvent;

/// What the run loop must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Start a background fetch of one source, or of every source (`None`).
    Fetch(Option<Provider>),
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
    if action != Action::Refresh && action != Action::RefreshAll {
        state.notice = None;
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
        state.notice = Some(format!(
            "refresh is off for the {} estate; run `ferry` to work on your own cache",
            state.origin
        ));
        return Effect::None;
    }
    let targets: Vec<Provider> = match which {
        Some(p) if !fetch::available(p) => {
            state.notice = Some(format!(
                "fetching from {} is not available yet in this version of Ferry",
                p.title()
            ));
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
        state.notice = Some("a fetch is already running".into());
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
    state.notice = None;
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
