//! Drawing: reads the state, draws a frame. The only state it touches is scroll offsets
//! and the page height, which depend on the viewport size known only here.

mod cutover;
mod details;
pub(crate) mod explore;
mod gaps;
pub(crate) mod graph;
mod item;
mod messages;
mod palette;
mod popups;
mod status;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::state::{AppState, View};
use super::theme::Theme;

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
        status::draw_status(frame, status_area, state, theme);
    }
    if state.palette.is_some() {
        palette::draw_palette(frame, area, state, theme);
    }
    if state.show_help {
        popups::draw_help(frame, area, state, theme);
    }
    if state.show_messages {
        messages::draw_messages(frame, area, state, theme);
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

/// A pane's or panel's frame: thick when it has focus, as panes are.
fn framed<'a>(focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
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
