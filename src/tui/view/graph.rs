//! The graph view: the dependency tree of the selection, several levels deep.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::truncate;
use crate::tui::rows::{GRAPH_DEPTH, graph_rows};
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

pub(super) fn draw_graph(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let Some(root) = state.graph_root.clone() else {
        let msg = Line::styled(
            "Select a resource in the explore view (1), then press 4 to see what it depends on.",
            theme.dim(),
        );
        frame.render_widget(Paragraph::new(msg), area);
        return;
    };
    let rows = graph_rows(state, &root);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border(true))
        .title(format!(
            " dependencies of {}, {GRAPH_DEPTH} levels · Enter: show in explore ",
            state
                .inventory
                .get(&root)
                .map_or(root.as_str(), |r| r.name.as_str())
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    state.graph_table.scroll_into_view(height, rows.len());
    state.hitboxes.table = inner;
    state.page_height = height;
    let w = inner.width as usize;
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(state.graph_table.offset)
        .take(height)
        .map(|(i, row)| {
            let r = state.inventory.get(&row.id);
            let name = r.map_or(row.id.as_str(), |r| r.name.as_str());
            let kind = r.map_or("", |r| r.kind.as_str());
            let mut spans = vec![Span::raw("    ".repeat(row.depth.saturating_sub(1)))];
            if let Some((link, outgoing)) = row.via {
                let arrow = if outgoing { "└→" } else { "└←" };
                spans.push(Span::styled(
                    format!("{arrow} {} ", link.as_str()),
                    theme.dim(),
                ));
            }
            spans.push(Span::styled(
                name.to_string(),
                if row.depth == 0 {
                    theme.group()
                } else {
                    theme.linked()
                },
            ));
            spans.push(Span::styled(format!(" ({kind})"), theme.dim()));
            if let Some(status) = state.filter_facts.status.get(&row.id) {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(status.as_str(), theme.status(*status)));
            }
            if row.repeat {
                spans.push(Span::styled(" ↑ shown above", theme.dim()));
            }
            let line = truncate(Line::from(spans), w);
            if i == state.graph_table.selected {
                line.style(theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
