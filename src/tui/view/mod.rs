//! Drawing: reads the state, draws a frame. The only state it touches is scroll offsets
//! and the page height, which depend on the viewport size known only here.

mod cutover;
pub(crate) mod explore;
mod gaps;
pub(crate) mod graph;
mod item;
mod palette;
mod popups;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::state::{AppState, View};
use super::theme::Theme;
use crate::model::Provider;

pub fn draw(frame: &mut Frame, state: &mut AppState, theme: &Theme) {
    let area = frame.area();
    let [header_area, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header_area, state, theme);
    match state.view {
        View::Explore => explore::draw_explore(frame, body, state, theme),
        View::Gaps => gaps::draw_gaps(frame, body, state, theme),
        View::Cutover => cutover::draw_cutover(frame, body, state, theme),
        View::Graph => graph::draw_graph(frame, body, state, theme),
    }
    if state.input.is_some() {
        popups::draw_input(frame, status_area, state, theme);
    } else {
        draw_status(frame, status_area, state, theme);
    }
    if state.palette.is_some() {
        palette::draw_palette(frame, area, state, theme);
    }
    if state.show_help {
        popups::draw_help(frame, area, state, theme);
    }
    if state.mark_form.is_some() {
        popups::draw_mark_form(frame, area, state, theme);
    }
    if state.confirm.is_some() {
        popups::draw_confirm(frame, area, state, theme);
    }
}

/// The view tabs and the active filter.
fn draw_header(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let mut spans = Vec::new();
    let mut x = area.x;
    for (i, v) in View::ALL.iter().enumerate() {
        let text = format!(" {} {} ", i + 1, v.title());
        // Where each tab is, for clicks.
        let w = (text.chars().count() as u16).min(area.right().saturating_sub(x));
        state.hitboxes.tabs[i] = Rect::new(x, area.y, w, 1);
        x += w;
        if *v == state.view {
            spans.push(Span::styled(text, theme.selected(true)));
        } else {
            spans.push(Span::styled(text, theme.dim()));
        }
    }
    if !state.filter.is_empty() {
        spans.push(Span::styled("  / ", theme.key()));
        spans.push(Span::raw(state.filter.query.clone()));
        for p in &state.filter.problems {
            spans.push(Span::styled(format!("  ({p})"), theme.error()));
        }
    }
    frame.render_widget(
        Paragraph::new(truncate(Line::from(spans), area.width as usize)),
        area,
    );
}

/// A table cell: `s` cut to `n` columns (with an ellipsis) and padded to them.
pub(super) fn cell(s: &str, n: usize) -> String {
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    if s.chars().count() >= n {
        t.pop();
        t.push('…');
    }
    format!("{t:<n$}")
}

/// A rectangle of `width` × `height` centred in `area` (clipped to it).
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Seconds an info toast stays visible.
pub const TOAST_SECS: i64 = 5;

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

/// Each source's name, count and (with `ages`) snapshot age, for the status bar.
fn source_spans<'a>(state: &AppState, theme: &Theme, long: bool, ages: bool) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    // Sources after the first three show only once they have data (their tab says 0).
    let shown = Provider::ALL
        .iter()
        .enumerate()
        .filter(|&(i, p)| i < 3 || state.inventory.snapshot_of(*p).is_some());
    for (i, provider) in shown {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        spans.push(Span::styled(
            provider.title(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        match state.inventory.snapshot_of(*provider) {
            Some(s) => {
                let count = state.inventory.count(*provider);
                if !ages {
                    spans.push(Span::raw(format!(" {count}")));
                    continue;
                }
                let mut age = short_age(s.taken_at, state.now);
                if long && age != "now" {
                    age.push_str(" ago");
                }
                spans.push(Span::raw(format!(" {count} · {age}")))
            }
            None => spans.push(Span::styled(" no data", theme.warn())),
        }
    }
    spans
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
    // Ages ("11d") go first when the line would not fit: five sources at 80 columns.
    let mut spans = source_spans(state, theme, area.width >= 100, true);
    let room = (area.width as usize).saturating_sub(12 + state.origin.len() + 3);
    if Line::from(spans.clone()).width() > room {
        spans = source_spans(state, theme, false, false);
    }
    spans.push(Span::styled(format!(" │ {}", state.origin), theme.dim()));
    if state.analysis_pending {
        spans.push(Span::styled(" │ analysing…", theme.warn()));
    }
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
