//! Mouse: a click selects and focuses, the wheel scrolls (where the pointer is).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::state::{AppState, Focus, View};
use super::update::Effect;

fn inside(rect: Rect, ev: &MouseEvent) -> bool {
    rect.contains(Position::new(ev.column, ev.row))
}

pub fn handle(state: &mut AppState, ev: MouseEvent) -> Effect {
    if state.palette.is_some() {
        return super::palette::mouse(state, ev);
    }
    if state.show_help || state.show_messages || state.mark_form.is_some() || state.input.is_some()
    {
        return Effect::None;
    }
    let step: isize = match ev.kind {
        MouseEventKind::ScrollDown => 3,
        MouseEventKind::ScrollUp => -3,
        MouseEventKind::Down(MouseButton::Left) => 0,
        _ => return Effect::None,
    };
    // A click on a view tab switches to it.
    if step == 0
        && let Some(i) = (0..View::ALL.len()).find(|&i| inside(state.hitboxes.tabs[i], &ev))
    {
        let view = View::ALL[i];
        if view == View::Graph {
            super::update::show_graph(state);
        } else {
            state.set_view(view);
        }
        return Effect::None;
    }
    match state.view {
        View::Explore => {
            let hit =
                (0..state.hitboxes.panes.len()).find(|&i| inside(state.hitboxes.panes[i], &ev));
            let Some(p) = hit else {
                // The details panel takes the focus (J/K, PgUp/PgDn scroll it, Esc returns).
                if inside(state.hitboxes.details, &ev) {
                    match step {
                        0 => state.focused = Focus::Links,
                        s if s > 0 => state.details_scroll = state.details_scroll.saturating_add(3),
                        _ => state.details_scroll = state.details_scroll.saturating_sub(3),
                    }
                }
                return Effect::None;
            };
            state.focus = p;
            state.focused = Focus::Pane(p);
            state.link_cursor = 0;
            let top = state.hitboxes.panes[p].y + 1; // below the border
            let pane = &mut state.panes[p];
            if pane.rows.is_empty() {
                return Effect::None;
            }
            let last = pane.rows.len() - 1;
            if step == 0 {
                if ev.row >= top {
                    let row = pane.offset + (ev.row - top) as usize;
                    if row <= last {
                        pane.selected = row;
                        pane.moved |= pane.mask.is_some();
                        // A click on the ▸ / ▾ marker opens or closes the node.
                        let node = &pane.tree.nodes[pane.rows[row]];
                        let marker = state.hitboxes.panes[p].x + 1 + 2 * node.depth;
                        let on_marker = (marker..marker + 2).contains(&ev.column);
                        if on_marker && !node.children.is_empty() && pane.mask.is_none() {
                            let key = node.key.clone();
                            if !pane.expanded.remove(&key) {
                                pane.expanded.insert(key);
                            }
                            pane.refresh_rows();
                        }
                    }
                }
            } else {
                pane.selected = pane.selected.saturating_add_signed(step).min(last);
            }
        }
        View::Gaps | View::Cutover | View::Graph => {
            let rect = state.hitboxes.table;
            if !inside(rect, &ev) {
                return Effect::None;
            }
            // The gaps and cutover tables have a header row; the graph does not.
            let header = u16::from(state.view != View::Graph);
            let len = match state.view {
                View::Gaps => super::rows::gap_rows(state).len(),
                View::Cutover => super::rows::cutover_rows(state).len(),
                _ => state
                    .graph_root
                    .as_ref()
                    .map_or(0, |r| super::graph::graph_rows(state, r).len()),
            };
            let table = match state.view {
                View::Gaps => &mut state.gaps_table,
                View::Cutover => &mut state.cutover_table,
                _ => &mut state.graph_table,
            };
            if step == 0 {
                if ev.row >= rect.y + header {
                    let row = table.offset + (ev.row - rect.y - header) as usize;
                    if row < len {
                        table.selected = row;
                    }
                }
            } else {
                table.move_by(step, len);
            }
        }
    }
    Effect::None
}
