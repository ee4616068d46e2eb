//! The one update function: (state, action) → new state and an effect for the run loop.

use super::action::Action;
use super::state::{AppState, PaneState};

/// What the run loop must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
}

pub fn update(state: &mut AppState, action: Action) -> Effect {
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
