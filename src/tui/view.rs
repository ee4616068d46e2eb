//! Drawing: reads the state, draws a frame. The only state it touches is each pane's
//! scroll offset, which depends on the viewport size known only here.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::state::{AppState, PaneState};
use super::summary::{summary, value_line};
use super::theme::Theme;
use super::tree::NodeKind;
use crate::inventory::Inventory;
use crate::ledger::Decision;
use crate::model::{Provider, Resource};

pub fn draw(frame: &mut Frame, state: &mut AppState, theme: &Theme) {
    let area = frame.area();
    let details_height = (area.height * 35 / 100).clamp(6, 14);
    let [panes_area, details_area, status_area] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(details_height),
        Constraint::Length(1),
    ])
    .areas(area);

    let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(panes_area);
    for (i, rect) in columns.iter().enumerate() {
        let focused = i == state.focus;
        draw_pane(
            frame,
            *rect,
            &mut state.panes[i],
            &state.inventory,
            (focused, state.tick),
            theme,
        );
    }
    state.page_height = panes_area.height.saturating_sub(2) as usize;
    draw_details(frame, details_area, state, theme);
    draw_status(frame, status_area, state, theme);
    if state.show_help {
        draw_help(frame, area, state, theme);
    }
    if state.mark_form.is_some() {
        draw_mark_form(frame, area, state, theme);
    }
}

/// Seconds an info toast stays visible.
pub const TOAST_SECS: i64 = 5;

fn draw_mark_form(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(form) = &state.mark_form else { return };
    let width = 72.min(area.width);
    let height = 9.min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut status_spans = vec![Span::styled("status  ", theme.label())];
    for d in [Decision::Migrated, Decision::InProgress, Decision::Ignored] {
        // Brackets as well as reverse video, so the choice shows without colour too.
        let text = if d == form.status {
            format!("[{}]", d.as_str())
        } else {
            format!(" {} ", d.as_str())
        };
        if d == form.status {
            status_spans.push(Span::styled(
                text,
                Style::new().add_modifier(Modifier::REVERSED),
            ));
        } else {
            status_spans.push(Span::raw(text));
        }
        status_spans.push(Span::raw(" "));
    }
    let note_width = (width as usize).saturating_sub(12);
    let note: String = {
        let chars: Vec<char> = form.note.chars().collect();
        let start = chars.len().saturating_sub(note_width);
        chars[start..].iter().collect()
    };
    let lines = vec![
        truncate(
            Line::styled(form.label.clone(), theme.group()),
            width as usize - 2,
        ),
        Line::styled(form.id.to_string(), theme.dim()),
        Line::from(""),
        Line::from(status_spans),
        Line::from(vec![
            Span::styled("note    ", theme.label()),
            Span::raw(note),
            Span::styled("▏", theme.key()),
        ]),
        Line::from(""),
        Line::styled(
            "Tab/↑/↓ status · type a note · Enter save · Esc cancel",
            theme.dim(),
        ),
    ];
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Mark item ");
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn draw_pane(
    frame: &mut Frame,
    area: Rect,
    pane: &mut PaneState,
    inv: &Inventory,
    (focused, tick): (bool, u64),
    theme: &Theme,
) {
    let title = pane_title(pane, inv, focused, tick, theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if pane.rows.is_empty() {
        let msg = vec![
            Line::from(format!("No {} data cached.", pane.provider.title())),
            Line::from(""),
            Line::styled("Try `ferry demo`, or", theme.dim()),
            Line::styled("`ferry snapshot import FILE`.", theme.dim()),
        ];
        frame.render_widget(Paragraph::new(msg), inner);
        return;
    }

    let height = inner.height as usize;
    pane.scroll_into_view(height);
    let width = inner.width as usize;
    let lines: Vec<Line> = pane
        .rows
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(height)
        .map(|(row, &node)| {
            let line = tree_line(pane, node, inv, theme, width);
            if row == pane.selected {
                line.style(theme.selected(focused))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `Heroku (75)`, then a spinner and the fetch's progress, or the last fetch's error.
fn pane_title<'a>(
    pane: &PaneState,
    inv: &Inventory,
    focused: bool,
    tick: u64,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![Span::styled(
        format!(" {} ({}) ", pane.provider.title(), inv.count(pane.provider)),
        theme.border(focused),
    )];
    if pane.fetch.running {
        let frame = SPINNER[(tick % SPINNER.len() as u64) as usize];
        // Most useful first: the title is cut at the pane's width.
        let budget = pane
            .fetch
            .budget
            .map(|b| format!(" · budget {b}"))
            .unwrap_or_default();
        spans.push(Span::styled(
            format!(
                "{frame} {}{budget} · {} req ",
                pane.fetch.progress, pane.fetch.requests
            ),
            theme.key(),
        ));
    } else if let Some(err) = &pane.fetch.error {
        spans.push(Span::styled(format!("✗ {err} "), theme.warn()));
    }
    Line::from(spans)
}

fn tree_line<'a>(
    pane: &PaneState,
    node: usize,
    inv: &'a Inventory,
    theme: &Theme,
    width: usize,
) -> Line<'a> {
    let n = &pane.tree.nodes[node];
    let marker = if n.children.is_empty() {
        "  "
    } else if pane.expanded.contains(&n.key) {
        "▾ "
    } else {
        "▸ "
    };
    let indent = "  ".repeat(n.depth as usize);
    let mut spans = vec![Span::raw(indent), Span::styled(marker, theme.dim())];
    match &n.kind {
        NodeKind::Group { label } => {
            spans.push(Span::styled(label.clone(), theme.group()));
            spans.push(Span::styled(
                format!(" ({})", pane.tree.label_count(node)),
                theme.dim(),
            ));
        }
        NodeKind::Resource(i) => {
            let r = &inv.resources[*i];
            spans.push(Span::raw(r.name.clone()));
            let hint = summary(r);
            if !hint.is_empty() {
                spans.push(Span::styled(format!("  {hint}"), theme.dim()));
            }
        }
    }
    truncate(Line::from(spans), width)
}

/// Cuts a line to `width` characters, marking the cut with an ellipsis.
fn truncate(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width || width == 0 {
        return line;
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        if left == 0 {
            break;
        }
        let text: String = span.content.chars().take(left).collect();
        left -= text.chars().count();
        spans.push(Span::styled(text, span.style));
    }
    spans.push(Span::raw("…"));
    Line::from(spans).style(line.style)
}

fn draw_details(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let pane = state.pane();
    // The pane title only has room for the start of a fetch error; the whole message
    // (with what to run) goes above the details of the focused pane.
    let area = match &pane.fetch.error {
        Some(err) if area.height > 6 => {
            let [top, rest] =
                Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
            let text = Paragraph::new(Line::styled(
                format!("Last fetch failed: {err}"),
                theme.warn(),
            ))
            .wrap(ratatui::widgets::Wrap { trim: true });
            frame.render_widget(text, top);
            rest
        }
        _ => area,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(false));
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
            let block = block.title(format!(" {} · {} ", r.name, r.kind.as_str()));
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let (meta, attrs) = (meta_lines(r, state, theme), attr_lines(r, theme));
            if inner.width >= 100 {
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                        .spacing(1)
                        .areas(inner);
                frame.render_widget(Paragraph::new(fit(meta, left.width)), left);
                frame.render_widget(Paragraph::new(fit(attrs, right.width)), right);
            } else {
                let mut all = meta;
                all.extend(attrs);
                frame.render_widget(Paragraph::new(fit(all, inner.width)), inner);
            }
        }
    }
}

fn fit(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'_>> {
    lines
        .into_iter()
        .map(|l| truncate(l, width as usize))
        .collect()
}

fn field<'a>(name: &'a str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{name:<9}"), theme.label()),
        Span::raw(value),
    ])
}

fn meta_lines<'a>(r: &'a Resource, state: &AppState, theme: &Theme) -> Vec<Line<'a>> {
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
    if r.tags.is_empty() {
        lines.push(field("tags", "—".into(), theme));
    } else {
        let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(field("tags", tags.join(", "), theme));
    }
    let links = state.inventory.links_of(&r.id).count();
    if links > 0 {
        lines.push(field("links", format!("{links}"), theme));
    }
    if let Some(item) = state.gap.item(&r.id) {
        let mut gap = item.status.to_string();
        if item.decision.is_some() && item.computed != item.status {
            gap.push_str(&format!(" (checks: {})", item.computed));
        }
        if let Some(c) = item.counterparts.first() {
            gap.push_str(&format!(" → {}", c.name));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:<9}", "gap"), theme.label()),
            Span::styled(gap, theme.status(item.status)),
        ]));
        for c in &item.contradictions {
            lines.push(Line::styled(format!("  ! {c}"), theme.error()));
        }
        for reason in &item.reasons {
            lines.push(Line::styled(format!("  · {reason}"), theme.dim()));
        }
        if let Some(d) = &item.decision {
            let note = d
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            lines.push(field(
                "mark",
                format!("{} by {}{note}", d.status.as_str(), d.by),
                theme,
            ));
        }
    }
    lines
}

fn attr_lines<'a>(r: &'a Resource, theme: &Theme) -> Vec<Line<'a>> {
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

/// "just now", "12 min ago", "5 h ago", "6 d ago".
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        i64::MIN..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=172_799 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

/// "now", "45m", "5h", "6d": for the status bar, where space is short.
fn short_age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..=59 => "now".into(),
        60..=3599 => format!("{}m", secs / 60),
        3600..=172_799 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

fn draw_status(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if let Some(toast) = &state.toast
        && (toast.error || (state.now - toast.at).num_seconds() < TOAST_SECS)
    {
        let style = if toast.error {
            theme.error()
        } else {
            theme.ok()
        };
        let line = Line::styled(format!(" {}", toast.text), style);
        frame.render_widget(Paragraph::new(truncate(line, area.width as usize)), area);
        return;
    }
    let mut spans = Vec::new();
    for (i, provider) in Provider::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        spans.push(Span::styled(
            provider.title(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        match state.inventory.snapshot_of(*provider) {
            Some(s) => {
                let mut age = short_age(s.taken_at, state.now);
                if area.width >= 100 && age != "now" {
                    age.push_str(" ago");
                }
                spans.push(Span::raw(format!(
                    " {} · {age}",
                    state.inventory.count(*provider)
                )))
            }
            None => spans.push(Span::styled(" no data", theme.warn())),
        }
    }
    spans.push(Span::styled(format!(" │ {}", state.origin), theme.dim()));
    let left = Line::from(spans);
    let right = Line::from(vec![
        Span::styled("?", theme.key()),
        Span::raw(" help  "),
        Span::styled("q", theme.key()),
        Span::raw(" quit "),
    ]);
    let right_width = right.width() as u16;
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(Paragraph::new(truncate(left, l.width as usize)), l);
    frame.render_widget(Paragraph::new(right), r);
}

fn draw_help(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let rows = state.keymap.help_rows();
    let mut lines = Vec::new();
    let mut section = "";
    for (sec, keys, desc) in &rows {
        if *sec != section {
            if !section.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::styled(*sec, theme.group()));
            section = sec;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<22}"), theme.key()),
            Span::raw(*desc),
        ]));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 64.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Help · Esc or ? closes ");
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
