//! The explore view's details panel: the selected resource's facts, its links (a list
//! the cursor can walk), its gap item and its attributes; wrapped and scrolled, never cut.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{age, field, fit};
use crate::model::Resource;
use crate::tui::state::{AppState, Focus};
use crate::tui::summary::value_line;
use crate::tui::theme::Theme;
use crate::tui::tree::NodeKind;

pub(super) fn draw_details(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let pane = state.pane();
    // The pane title only has room for the start of a fetch error; the whole message
    // (with what to run) goes above the details of the focused pane.
    let notice = match (&pane.fetch.error, &pane.fetch.skipped) {
        (Some(err), _) => Some(format!("Last fetch failed: {err}")),
        (None, Some(why)) => Some(format!("Not refreshed: {why}")),
        _ => None,
    };
    let area = match notice {
        Some(text) if area.height > 6 => {
            let [top, rest] =
                Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
            let text = Paragraph::new(Line::styled(text, theme.warn()))
                .wrap(ratatui::widgets::Wrap { trim: true });
            frame.render_widget(text, top);
            rest
        }
        _ => area,
    };
    // With focus (a click, or L) the panel's border is thick, as a pane's is.
    let focused = state.focused == Focus::Links;
    let block = super::framed(focused, theme);
    let Some(node) = pane.selected_node() else {
        frame.render_widget(block.title(" Details "), area);
        return;
    };
    let n = &pane.tree.nodes[node];
    match &n.kind {
        NodeKind::Group { label } => {
            let block = block.title(format!(" {label} "));
            let text = vec![
                Line::from(format!("{} resources beneath.", n.count)),
                Line::styled("Enter or l expands, h or Esc collapses.", theme.dim()),
            ];
            frame.render_widget(Paragraph::new(text).block(block), area);
        }
        NodeKind::Resource(i) => {
            let r = &state.inventory.resources[*i];
            let hint = if focused {
                " J/K PgUp/PgDn scroll · z full screen · Esc back "
            } else {
                " J/K scroll · z full screen "
            };
            let block = block
                .title(format!(" {} · {} ", r.name, r.kind.as_str()))
                .title_bottom(Line::styled(hint, theme.dim()).right_aligned());
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let (meta, attrs) = (meta_lines(r, state, theme), attr_lines(r, theme));
            let links = link_lines(r, state, theme, inner.height as usize);
            // Nothing is cut: long lines wrap, and J/K (PgUp/PgDn with focus) scroll.
            let scroll = (state.details_scroll, 0);
            let wrap = ratatui::widgets::Wrap { trim: false };
            if inner.width >= 100 {
                let [left, middle, right] = Layout::horizontal([
                    Constraint::Percentage(36),
                    Constraint::Percentage(30),
                    Constraint::Percentage(34),
                ])
                .spacing(1)
                .areas(inner);
                frame.render_widget(Paragraph::new(meta).wrap(wrap).scroll(scroll), left);
                frame.render_widget(Paragraph::new(fit(links, middle.width)), middle);
                frame.render_widget(Paragraph::new(attrs).wrap(wrap).scroll(scroll), right);
            } else {
                // Narrow: with the links focused they come first, so the cursor shows.
                let mut all = if state.focused == Focus::Links {
                    let mut v = links;
                    v.extend(meta);
                    v
                } else {
                    let mut v = meta;
                    v.extend(links);
                    v
                };
                all.extend(attrs);
                frame.render_widget(Paragraph::new(all).wrap(wrap).scroll(scroll), inner);
            }
        }
    }
}

/// The selected resource's links, one per line, with the cursor when the list has focus.
fn link_lines<'a>(r: &Resource, state: &AppState, theme: &Theme, height: usize) -> Vec<Line<'a>> {
    let links = state.links_of(&r.id);
    let focused = state.focused == Focus::Links;
    let title = if focused {
        format!("links ({}) · Enter jumps, Esc back", links.len())
    } else {
        format!("links ({}) · L to select", links.len())
    };
    let mut out = vec![Line::styled(title, theme.label())];
    if links.is_empty() {
        out.push(Line::styled("  none", theme.dim()));
        return out;
    }
    // Keep the cursor in view in a short panel.
    let room = height.saturating_sub(1).max(1);
    let skip = state.link_cursor.saturating_sub(room - 1);
    for (i, (l, other)) in links.iter().enumerate().skip(skip).take(room) {
        let arrow = if l.from == r.id { "→" } else { "←" };
        let text = format!(
            "{arrow} {} {} ({})",
            l.kind.as_str(),
            other.name,
            other.kind.as_str()
        );
        let line = Line::styled(text, theme.linked());
        out.push(if focused && i == state.link_cursor {
            line.style(theme.selected(true))
        } else {
            line
        });
    }
    out
}

pub(super) fn meta_lines<'a>(r: &'a Resource, state: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![
        field("id", r.id.to_string(), theme),
        field("scope", r.scope.display(), theme),
    ];
    if let Some(parent) = &r.parent {
        let name = state
            .inventory
            .get(parent)
            .map(|p| format!("{} ({})", p.name, p.kind))
            .unwrap_or_else(|| format!("{parent} (not in cache)"));
        lines.push(field("parent", name, theme));
    }
    let stale = if r.attrs.get("ferry_stale") == Some(&serde_json::Value::Bool(true)) {
        ", stale: kept from an earlier fetch"
    } else {
        ""
    };
    lines.push(field(
        "fetched",
        format!(
            "{} ({}{stale})",
            r.fetched_at.format("%Y-%m-%d %H:%M UTC"),
            age(r.fetched_at, state.now)
        ),
        theme,
    ));
    if let Some(change) = state.filter_facts.changed.get(&r.id) {
        lines.push(field("changes", change.describe(), theme));
    }
    let iac = &state.filter_facts.iac;
    match iac.status_of(&r.id).filter(|_| iac.active) {
        Some(crate::iac::IacStatus::Managed {
            address,
            state,
            via,
        }) => {
            let via = via
                .as_deref()
                .map(|v| format!(", created by {v}"))
                .unwrap_or_default();
            lines.push(field("iac", format!("{address} in {state}{via}"), theme));
        }
        Some(crate::iac::IacStatus::Unmanaged) => lines.push(field(
            "iac",
            "unmanaged: in no Terraform / OpenTofu state (import it)".into(),
            theme,
        )),
        Some(crate::iac::IacStatus::Unknown { why }) => {
            lines.push(field("iac", format!("unknown: {why}"), theme))
        }
        Some(crate::iac::IacStatus::Ignored { .. }) | None => {}
    }
    if r.tags.is_empty() {
        lines.push(field("tags", "—".into(), theme));
    } else {
        let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(field("tags", tags.join(", "), theme));
    }
    if let Some(item) = state.item(&r.id) {
        lines.extend(super::item::item_lines(item, state, theme));
    }
    lines
}

pub(super) fn attr_lines<'a>(r: &'a Resource, theme: &Theme) -> Vec<Line<'a>> {
    let width = r.attrs.keys().map(|k| k.len()).max().unwrap_or(0).min(24);
    r.attrs
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{k:<width$} "), theme.label()),
                Span::raw(value_line(v)),
            ])
        })
        .collect()
}
