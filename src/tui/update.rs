//! The one update function: (state, action) → new state and an effect for the run loop.

use super::action::{Action, Msg};
use super::keymap::KeyPress;
use super::state::{AppState, Focus, InputKind, MarkForm, PaneState, Place, View};
use super::tree::NodeKind;
use crate::ledger::Decision;
use crate::model::{Provider, ResourceId};
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
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Open a URL in the browser.
    Open(String),
    /// Write the gap report.
    Export {
        format: crate::report::Format,
        path: std::path::PathBuf,
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

/// `u` and `:unmark`: asks before removing a mark (its note goes with it), and says so
/// when there is no mark to remove.
pub(crate) fn ask_unmark(state: &mut AppState) {
    let Some(id) = selected_item_id(state) else {
        state.toast("Select a Heroku app or one of its parts", true);
        return;
    };
    let Some(entry) = state.ledger.items.get(&id) else {
        state.toast("This item has no mark to remove", false);
        return;
    };
    let note = entry
        .note
        .as_deref()
        .map(|n| format!(" and its note \"{n}\""))
        .unwrap_or_default();
    let question = format!("Remove the mark {}{note} on {id}?", entry.status.as_str());
    state.confirm = Some(super::state::Confirm {
        question,
        effect: Effect::Unmark { id },
    });
}

/// Keys while a yes/no question is open: y or Enter does it, n or Esc does not.
pub fn confirm_key(state: &mut AppState, key: KeyPress) -> Effect {
    let Some(confirm) = state.confirm.take() else {
        return Effect::None;
    };
    match key.code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => return confirm.effect,
        KeyCode::Char('n' | 'N') | KeyCode::Esc => state.toast("Nothing changed", false),
        // Anything else leaves the question open.
        _ => state.confirm = Some(confirm),
    }
    Effect::None
}

/// Opens the mark form on the selected item, prefilled from the ledger.
fn open_mark_form(state: &mut AppState) {
    let Some(item) = selected_item_id(state).and_then(|id| state.item(&id)) else {
        state.toast("Select a Heroku app or one of its parts to mark it", true);
        return;
    };
    let (id, label) = (item.id.clone(), format!("{} · {}", item.app, item.name));
    let existing = state.ledger.items.get(&id);
    state.mark_form = Some(MarkForm {
        // A new mark claims the least: in progress, until the user says migrated.
        status: existing.map_or(Decision::InProgress, |e| e.status),
        note: existing.and_then(|e| e.note.clone()).unwrap_or_default(),
        id,
        label,
    });
}

pub fn update(state: &mut AppState, msg: impl Into<Msg>) -> Effect {
    match msg.into() {
        Msg::Action(action) => on_action(state, action),
        Msg::Fetch(event) => {
            super::refresh::on_fetch(state, event);
            Effect::None
        }
        Msg::Tick => {
            state.tick = state.tick.wrapping_add(1);
            Effect::None
        }
        Msg::Changes(found) => {
            super::refresh::startup_changes(state, found);
            Effect::None
        }
    }
}

fn on_action(state: &mut AppState, action: Action) -> Effect {
    // Errors stay until the next key; then they have been read.
    if state.toast.as_ref().is_some_and(|t| t.error) {
        state.toast = None;
    }
    if state.show_messages {
        // Modal like the help: Esc, q or Enter close it; Ctrl-c still quits.
        match action {
            Action::Back | Action::Quit | Action::ToggleHelp => state.show_messages = false,
            Action::Down => state.messages_scroll += 1,
            Action::Up => state.messages_scroll = state.messages_scroll.saturating_sub(1),
            Action::PageDown => state.messages_scroll += state.page_height.max(2) / 2,
            Action::PageUp => {
                state.messages_scroll = state
                    .messages_scroll
                    .saturating_sub(state.page_height.max(2) / 2)
            }
            Action::Top => state.messages_scroll = 0,
            Action::Bottom => state.messages_scroll = usize::MAX / 2,
            _ => {}
        }
        return Effect::None;
    }
    if state.show_help {
        // The help overlay is modal: it closes on Esc or `?`; quitting still works.
        // When it is too narrow for columns it is one scrolling column (the view clamps).
        let page = state.page_height.max(2) / 2;
        match action {
            // `q` closes the help like other overlays; Ctrl-c still quits from anywhere.
            Action::Back | Action::ToggleHelp | Action::Quit => {
                state.show_help = false;
                state.help_scroll = 0;
            }
            Action::Down => state.help_scroll += 1,
            Action::Up => state.help_scroll = state.help_scroll.saturating_sub(1),
            Action::PageDown => state.help_scroll += page,
            Action::PageUp => state.help_scroll = state.help_scroll.saturating_sub(page),
            Action::Top => state.help_scroll = 0,
            Action::Bottom => state.help_scroll = usize::MAX / 2,
            _ => {}
        }
        return Effect::None;
    }
    match action {
        Action::Quit => return Effect::Quit,
        Action::ToggleHelp => state.show_help = true,
        // The explore and gaps views each have a details panel; z zooms the one shown.
        Action::ZoomDetails if matches!(state.view, View::Explore | View::Gaps) => {
            state.details_zoom = !state.details_zoom;
        }
        Action::ZoomDetails => {
            state.toast("z zooms the details of explore (1) and gaps (2)", false)
        }
        Action::ScrollDetailsDown => state.details_scroll = state.details_scroll.saturating_add(1),
        Action::ScrollDetailsUp => state.details_scroll = state.details_scroll.saturating_sub(1),
        Action::ViewExplore => state.set_view(View::Explore),
        Action::ViewGaps => state.set_view(View::Gaps),
        Action::ViewCutover => state.set_view(View::Cutover),
        Action::ViewGraph => show_graph(state),
        Action::Filter => {
            let query = state.filter.query.clone();
            super::input::open(state, InputKind::Filter, &query);
        }
        Action::Command => super::input::open(state, InputKind::Command, ""),
        Action::Palette => super::palette::open(state),
        Action::Export => {
            super::input::open(state, InputKind::Command, "export md ferry-gaps.md");
        }
        Action::Mark => open_mark_form(state),
        Action::Unmark => ask_unmark(state),
        Action::Refresh => {
            let which = match state.view {
                View::Explore => Some(state.pane().provider),
                _ => None,
            };
            return super::refresh::refresh(state, which);
        }
        Action::RefreshAll => return super::refresh::refresh(state, None),
        Action::CopyId | Action::CopyJson => {
            let Some(r) = selection(state).and_then(|id| state.inventory.get(&id)) else {
                state.toast("Nothing selected to copy", true);
                return Effect::None;
            };
            let text = if action == Action::CopyId {
                r.id.to_string()
            } else {
                serde_json::to_string_pretty(r).expect("resources serialize")
            };
            return Effect::Copy(text);
        }
        Action::OpenConsole => {
            let Some(r) = selection(state).and_then(|id| state.inventory.get(&id)) else {
                state.toast("Nothing selected to open", true);
                return Effect::None;
            };
            match super::console::url(r) {
                Some(url) => return Effect::Open(url),
                None => state.toast(format!("No console page known for {}", r.kind), true),
            }
        }
        Action::JumpBack => match state.history.pop() {
            Some(Place::Resource(id)) => {
                if !state.reveal(&id) {
                    state.toast(format!("{id} is no longer in the inventory"), true);
                }
            }
            Some(Place::Row(view, row)) => {
                state.set_view(view);
                match view {
                    View::Gaps => state.gaps_table.selected = row,
                    View::Cutover => state.cutover_table.selected = row,
                    View::Graph => state.graph_table.selected = row,
                    View::Explore => {}
                }
            }
            None => state.toast("No earlier position to go back to", false),
        },
        Action::SortNext if state.view == View::Gaps => {
            state.gaps_sort = state.gaps_sort.next();
            state.gaps_table.selected = 0;
        }
        Action::SortReverse if state.view == View::Gaps => {
            state.gaps_desc = !state.gaps_desc;
            state.gaps_table.selected = 0;
        }
        Action::SortNext | Action::SortReverse => {
            state.toast("s / S sort the gaps view (2)", false);
        }
        Action::NextMatch | Action::PrevMatch => next_match(state, action == Action::NextMatch),
        Action::Back if !state.filter.is_empty() => super::input::set_filter(state, ""),
        Action::GraphDeeper | Action::GraphShallower | Action::GraphAcrossApps => {
            super::graph::on_action(state, action)
        }
        _ => match state.view {
            View::Explore => explore_action(state, action),
            _ => table_action(state, action),
        },
    }
    Effect::None
}

/// Movement and tree keys in the explore view (panes, or the links list).
fn explore_action(state: &mut AppState, action: Action) {
    let page = (state.page_height / 2).max(1) as isize;
    if state.focused == Focus::Links {
        let id = state.selected_resource().map(|r| r.id.clone());
        let count = id.as_ref().map_or(0, |id| state.links_of(id).len());
        match action {
            Action::Down => {
                state.link_cursor = (state.link_cursor + 1).min(count.saturating_sub(1))
            }
            Action::Up => state.link_cursor = state.link_cursor.saturating_sub(1),
            Action::Top => state.link_cursor = 0,
            Action::Bottom => state.link_cursor = count.saturating_sub(1),
            Action::Expand => {
                let target = id.and_then(|id| {
                    state
                        .links_of(&id)
                        .get(state.link_cursor)
                        .map(|(_, r)| r.id.clone())
                });
                if let Some(target) = target {
                    state.jump_to(&target);
                }
            }
            Action::Back | Action::Collapse | Action::FocusLinks => {
                state.focused = Focus::Pane(state.focus)
            }
            // With focus, the page keys scroll the details (long reasons, attributes).
            Action::PageDown => state.details_scroll = state.details_scroll.saturating_add(5),
            Action::PageUp => state.details_scroll = state.details_scroll.saturating_sub(5),
            Action::NextPane => focus_pane(state, (state.focus + 1) % state.panes.len()),
            Action::PrevPane => focus_pane(
                state,
                (state.focus + state.panes.len() - 1) % state.panes.len(),
            ),
            _ => {}
        }
        return;
    }
    match action {
        Action::FocusLinks => {
            state.focused = Focus::Links;
            state.link_cursor = 0;
            return;
        }
        Action::NextPane => focus_pane(state, (state.focus + 1) % state.panes.len()),
        Action::PrevPane => focus_pane(
            state,
            (state.focus + state.panes.len() - 1) % state.panes.len(),
        ),
        Action::Up => move_by(state.pane_mut(), -1),
        Action::Down => move_by(state.pane_mut(), 1),
        Action::PageUp => move_by(state.pane_mut(), -page),
        Action::PageDown => move_by(state.pane_mut(), page),
        Action::Top => state.pane_mut().selected = 0,
        Action::Bottom => {
            let pane = state.pane_mut();
            pane.selected = pane.rows.len().saturating_sub(1);
        }
        Action::Expand => expand(state.pane_mut()),
        Action::Collapse | Action::Back => collapse(state.pane_mut()),
        _ => {}
    }
    // Moving under a filter means "this one": clearing the filter keeps it.
    if matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Expand
            | Action::Collapse
    ) {
        let pane = state.pane_mut();
        pane.moved |= pane.mask.is_some();
    }
    state.link_cursor = 0;
}

fn focus_pane(state: &mut AppState, pane: usize) {
    state.focus = pane;
    state.focused = Focus::Pane(pane);
}

/// Movement in the gaps, cutover and graph tables; Enter shows the row in explore.
fn table_action(state: &mut AppState, action: Action) {
    let len = match state.view {
        View::Gaps => super::rows::gap_rows(state).len(),
        View::Cutover => super::rows::cutover_rows(state).len(),
        View::Graph => state
            .graph_root
            .as_ref()
            .map_or(0, |root| super::graph::graph_rows(state, root).len()),
        View::Explore => return,
    };
    let page = (state.page_height / 2).max(1) as isize;
    let table = match state.view {
        View::Gaps => &mut state.gaps_table,
        View::Cutover => &mut state.cutover_table,
        _ => &mut state.graph_table,
    };
    match action {
        Action::Down => table.move_by(1, len),
        Action::Up => table.move_by(-1, len),
        Action::PageDown => table.move_by(page, len),
        Action::PageUp => table.move_by(-page, len),
        Action::Top => table.selected = 0,
        Action::Bottom => table.selected = len.saturating_sub(1),
        Action::Expand => {
            // A gap row with a counterpart goes to it in the AWS pane (Backspace returns);
            // its Heroku item lights up there as linked.
            let target = selection(state).map(|id| {
                let counterpart = (state.view == View::Gaps)
                    .then(|| state.item(&id).and_then(|i| i.counterparts.first()))
                    .flatten()
                    .map(|c| c.id.clone())
                    .filter(|c| state.inventory.get(c).is_some());
                counterpart.unwrap_or(id)
            });
            if let Some(id) = target
                && !state.jump_to(&id)
            {
                state.toast(format!("{id} is not in the inventory"), true);
            }
        }
        Action::Back | Action::Collapse => state.set_view(View::Explore),
        _ => {}
    }
}

/// The resource the current view's cursor is on.
pub(crate) fn selection(state: &AppState) -> Option<ResourceId> {
    match state.view {
        View::Explore => match state.focused {
            Focus::Links => {
                let id = state.selected_resource()?.id.clone();
                state
                    .links_of(&id)
                    .get(state.link_cursor)
                    .map(|(_, r)| r.id.clone())
            }
            Focus::Pane(_) => state.selected_resource().map(|r| r.id.clone()),
        },
        View::Gaps => {
            let rows = super::rows::gap_rows(state);
            let &(a, i) = rows.get(state.gaps_table.selected)?;
            Some(state.gap.apps[a].items[i].id.clone())
        }
        View::Cutover => {
            let rows = super::rows::cutover_rows(state);
            let row = rows.get(state.cutover_table.selected)?;
            row.record.clone().or_else(|| {
                row.app
                    .as_ref()
                    .map(|a| ResourceId::from_raw(format!("heroku:app/{a}")))
            })
        }
        View::Graph => {
            let root = state.graph_root.as_ref()?;
            let rows = super::graph::graph_rows(state, root);
            rows.get(state.graph_table.selected).map(|r| r.id.clone())
        }
    }
}

/// The migration item the cursor is on (in any view), if the selection is one.
pub(crate) fn selected_item_id(state: &AppState) -> Option<ResourceId> {
    selection(state).filter(|id| state.item_index.contains_key(id))
}

/// Opens the graph view on the current selection.
pub(crate) fn show_graph(state: &mut AppState) {
    match (selection(state), &state.graph_root) {
        (Some(id), _) => {
            if state.graph_root.as_ref() != Some(&id) {
                state.graph_table = Default::default();
            }
            state.graph_root = Some(id);
        }
        // A group is selected: say whose graph this still is.
        (None, Some(root)) => {
            let name = state
                .inventory
                .get(root)
                .map_or_else(|| root.to_string(), |r| r.name.clone());
            state.toast(
                format!("Still the graph of {name}: select a resource to see its own"),
                false,
            );
        }
        (None, None) => {}
    }
    state.set_view(View::Graph);
}

/// `n` / `N`: the next or previous matching resource in the focused pane (explore), or
/// the next row of the filtered tables.
fn next_match(state: &mut AppState, forward: bool) {
    if state.filter.is_empty() {
        state.toast("No filter: press / to set one", false);
        return;
    }
    if state.view != View::Explore {
        table_action(state, if forward { Action::Down } else { Action::Up });
        return;
    }
    let pane = &mut state.panes[state.focus];
    let Some(mask) = pane.mask.clone() else {
        return;
    };
    let is_match = |row: usize| matches!(pane.tree.nodes[pane.rows[row]].kind, NodeKind::Resource(i) if mask[i] > 0);
    let n = pane.rows.len();
    let found = (1..=n)
        .map(|step| {
            if forward {
                (pane.selected + step) % n
            } else {
                (pane.selected + n - step % n) % n
            }
        })
        .find(|&row| is_match(row));
    if let Some(row) = found {
        pane.selected = row;
        pane.moved = true;
        return;
    }
    // Nothing here: the next pane (in the direction of travel) that has a match.
    let count = state.panes.len();
    for step in 1..count {
        let p = if forward {
            (state.focus + step) % count
        } else {
            (state.focus + count - step) % count
        };
        let other = &state.panes[p];
        let rows: Vec<usize> = (0..other.rows.len())
            .filter(|&row| {
                matches!(other.tree.nodes[other.rows[row]].kind,
                    NodeKind::Resource(i) if mask.get(i).is_some_and(|&s| s > 0))
            })
            .collect();
        let pick = if forward { rows.first() } else { rows.last() };
        if let Some(&row) = pick {
            focus_pane(state, p);
            state.panes[p].selected = row;
            state.panes[p].moved = true;
            return;
        }
    }
    state.toast("No match in any pane", false);
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
