//! The gaps view: one row per migration item, grouped by app, with the summary on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{cell, truncate};
use crate::gap::ItemKind;
use crate::tui::rows::gap_rows;
use crate::tui::state::{AppState, GapSort};
use crate::tui::theme::Theme;

pub(super) fn draw_gaps(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    // The selected item in full below the table (z: the table's height too), so a
    // reason's names are read here, not only in a report.
    let details_height = if state.details_zoom {
        area.height.saturating_sub(7).max(6)
    } else {
        (area.height * 35 / 100).clamp(6, 14)
    };
    let [summary_area, table_area, details_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(details_height),
    ])
    .areas(area);
    let s = &state.gap.summary;
    let mut spans = if state.gap.apps.is_empty() {
        // Not "100 % migrated · 0 items": there is nothing to analyse yet.
        vec![Span::styled(
            " nothing to analyse: no Heroku apps in the cache (fetch with r / R, or ferry snapshot import)",
            theme.warn(),
        )]
    } else {
        vec![
            Span::styled(
                format!(
                    " {} migrated",
                    crate::gap::percent_label(s.percent_migrated)
                ),
                theme.group(),
            ),
            Span::raw(format!(
                " · {} ready to cut over · {} items ·",
                s.ready_to_cut_over, s.items
            )),
        ]
    };
    for (status, n) in &s.by_status {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!("{n} {status}"), theme.status(*status)));
    }
    // Narrow: "ready to cut over" repeats the `ready` count; its room goes to the statuses.
    if !state.gap.apps.is_empty() && Line::from(spans.clone()).width() > area.width as usize {
        spans[1] = Span::raw(format!(" · {} items:", s.items));
    }
    let sort = match state.gaps_sort {
        GapSort::Item => "item",
        GapSort::Kind => "kind",
        GapSort::Counterpart => "counterpart",
        GapSort::Status => "status",
    };
    let desc = if state.gaps_desc { " (descending)" } else { "" };
    // At 80 columns the long hint would be cut: a short one, the rest is in the help (?).
    let hint = if area.width >= 110 {
        format!(
            " sorted by {sort}{desc} within each app · s: sort by next column, S: reverse, Enter: show in explore, m: mark"
        )
    } else {
        format!(" by {sort}{desc} · s/S sort · Enter explore · m mark · z details · ? help")
    };
    let hint = Line::styled(hint, theme.dim());
    // Incomplete data outranks the key hints: statuses that rest on it read `unknown`.
    let gaps: Vec<String> = state.gap.data.iter().filter_map(|d| d.short()).collect();
    let hint = if gaps.is_empty() {
        hint
    } else {
        Line::styled(
            format!(
                " data incomplete: {} (unknown items say why)",
                gaps.join(" · ")
            ),
            theme.warn(),
        )
    };
    let width = area.width as usize;
    frame.render_widget(
        Paragraph::new(vec![
            truncate(Line::from(spans), width),
            truncate(hint, width),
        ]),
        summary_area,
    );

    let rows = gap_rows(state);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border(true))
        .title({
            // App rows head their items; they are not items themselves (as in the summary).
            let apps = rows.iter().filter(|&&(_, i)| i == 0).count();
            let items = rows.len() - apps;
            let s = |n: usize| if n == 1 { "" } else { "s" };
            format!(" {items} item{} in {apps} app{} ", s(items), s(apps))
        });
    let inner = block.inner(table_area);
    frame.render_widget(block, table_area);
    state.hitboxes.table = inner;
    let height = inner.height.saturating_sub(1) as usize;
    state.page_height = height;
    state.gaps_table.scroll_into_view(height, rows.len());
    let w = inner.width as usize;
    // Columns: item 30 %, kind 12, status 12, counterpart 25 %, reasons the rest.
    let (c_item, c_kind, c_status) = ((w * 30 / 100).max(16), 13, 12);
    let c_cp = (w * 25 / 100).max(12);
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}{}{}",
            cell("ITEM", c_item),
            cell("KIND", c_kind),
            cell("STATUS", c_status),
            cell("AWS COUNTERPART", c_cp),
            "REASONS"
        ),
        theme.label(),
    )];
    for (row, &(a, i)) in rows
        .iter()
        .enumerate()
        .skip(state.gaps_table.offset)
        .take(height)
    {
        let app = &state.gap.apps[a];
        let item = &app.items[i];
        let name = if item.kind == ItemKind::App {
            format!("▌{}", item.name)
        } else {
            format!("  {}", item.name)
        };
        let counterpart = item
            .counterparts
            .first()
            .map(|c| {
                let more = item.counterparts.len() - 1;
                if more > 0 {
                    format!("{} +{more}", c.name)
                } else {
                    c.name.clone()
                }
            })
            .unwrap_or_else(|| "—".into());
        let mut remarks: Vec<String> = item
            .contradictions
            .iter()
            .map(|c| format!("! {c}"))
            .collect();
        remarks.extend(item.reasons.iter().cloned());
        let name_style = if item.kind == ItemKind::App {
            theme.group()
        } else {
            Default::default()
        };
        let line = Line::from(vec![
            Span::styled(cell(&name, c_item), name_style),
            Span::raw(cell(item.kind.as_str(), c_kind)),
            Span::styled(
                cell(item.status.as_str(), c_status),
                theme.status(item.status),
            ),
            Span::raw(cell(&counterpart, c_cp)),
            Span::styled(
                remarks.join("; "),
                if item.contradictions.is_empty() {
                    theme.dim()
                } else {
                    theme.error()
                },
            ),
        ]);
        let line = truncate(line, w);
        lines.push(if row == state.gaps_table.selected {
            line.style(theme.selected(true))
        } else {
            line
        });
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            "No items match the filter (Esc clears it).",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let selected = rows
        .get(state.gaps_table.selected)
        .map(|&(a, i)| &state.gap.apps[a].items[i]);
    let id = selected.map(|item| item.id.clone());
    if state.details_of != id {
        state.details_scroll = 0;
        state.details_of = id;
    }
    draw_item_details(frame, details_area, state, selected, theme);
}

/// The selected item's details, wrapped and scrolled (J/K), and the ledger's orphans.
fn draw_item_details(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    item: Option<&crate::gap::Item>,
    theme: &Theme,
) {
    let title = item.map_or(" Details ".to_string(), |i| {
        format!(" {} · {} ", i.app, i.name)
    });
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(false))
        .title(title)
        .title_bottom(Line::styled(" J/K scroll · z full screen ", theme.dim()).right_aligned());
    let mut lines = item.map_or_else(Vec::new, |i| super::item::item_lines(i, state, theme));
    if !state.gap.orphans.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!(
                "{} ledger entries whose resource is gone (kept, never dropped):",
                state.gap.orphans.len()
            ),
            theme.label(),
        ));
        for id in &state.gap.orphans {
            let entry = state.ledger.items.get(id);
            let what = entry.map_or(String::new(), |e| {
                let note = e
                    .note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                format!(" ({}{note})", e.status.as_str())
            });
            lines.push(Line::styled(format!("  {id}{what}"), theme.dim()));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((state.details_scroll, 0)),
        area,
    );
}
