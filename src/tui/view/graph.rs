//! The graph view: the dependency tree of the selection, several levels deep.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::truncate;
use crate::tui::graph::{GraphOptions, Mark, graph_rows};
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
    let name = state
        .inventory
        .get(&root)
        .map_or(root.as_str(), |r| r.name.as_str());
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border(true))
        .title(title(name, state.graph_opts, area.width as usize));
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
            let mut spans = vec![Span::styled(row.prefix.clone(), theme.dim())];
            if let Some((link, outgoing)) = row.via {
                // Outgoing reads "parent <link> child"; incoming "child <link> parent".
                let arrow = if outgoing { "" } else { "← " };
                spans.push(Span::styled(
                    format!("{arrow}{} ", link.as_str()),
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
            let note = match row.mark {
                Mark::None => None,
                Mark::SeeAbove => Some(" (see above)".to_string()),
                Mark::SeeBelow => Some(" (see below)".to_string()),
                Mark::OtherApp => Some(" · shared, not followed (a)".to_string()),
            };
            let note =
                note.or_else(|| (row.deeper > 0).then(|| format!(" · {} more (+)", row.deeper)));
            if let Some(note) = note {
                spans.push(Span::styled(note, theme.dim()));
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

/// The title, as long as fits: whose graph, how deep, whether other apps are followed,
/// and the keys that change them. At 80 columns the states give way to the keys, then
/// the root's name is cut.
fn title(name: &str, opts: GraphOptions, width: usize) -> String {
    let depth = match opts.depth {
        1 => "1 level".to_string(),
        n => format!("{n} levels"),
    };
    let (apps, key) = if opts.across_apps {
        ("following other apps (a)", "a: stop at other apps")
    } else {
        ("other apps not followed (a)", "a: follow other apps")
    };
    let fits = |s: &str| s.chars().count() + 2 <= width;
    let long =
        format!(" dependencies of {name} · {depth} · +/- depth · {apps} · Enter: show in explore ");
    if fits(&long) {
        return long;
    }
    let rest = format!(" · {depth} · +/- depth · {key} ");
    let mid = format!(" dependencies of {name}{rest}");
    if fits(&mid) {
        return mid;
    }
    let room = width.saturating_sub(rest.chars().count() + " dependencies of ".len() + 2);
    if room >= 8 {
        let cut: String = name.chars().take(room - 1).collect();
        return format!(" dependencies of {cut}…{rest}");
    }
    format!(" {name} · {depth} · +/- · a ")
}
