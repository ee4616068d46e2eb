//! The `:messages` overlay: every message of the session, newest first, wrapped. A toast in
//! the status bar is one line and is cut at the terminal's width; here it reads whole.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

pub(super) fn draw_messages(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let width = area.width.saturating_sub(4).clamp(20, 110).min(area.width);
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let lines: Vec<Line> = if state.messages.is_empty() {
        vec![Line::styled("No messages yet.", theme.dim())]
    } else {
        state
            .messages
            .iter()
            .rev()
            .map(|m| {
                let style = if m.error { theme.error() } else { theme.ok() };
                Line::from(vec![
                    Span::styled(format!("{} ", m.at.format("%H:%M:%S")), theme.dim()),
                    Span::styled(m.text.clone(), style),
                ])
            })
            .collect()
    };
    // Rows the wrapped text takes, so scrolling stops at the last one.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_width).max(1))
        .sum();
    // As tall as the messages need, up to the screen less a line above and below.
    let height = (rows as u16)
        .saturating_add(2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let popup = centered(area, width, height);
    let inner_height = popup.height.saturating_sub(2).max(1) as usize;
    let max_scroll = rows.saturating_sub(inner_height);
    state.messages_scroll = state.messages_scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " Messages · newest first · j/k scroll ({}-{} of {} rows) · Esc closes ",
            state.messages_scroll + 1,
            (state.messages_scroll + inner_height).min(rows),
            rows
        )
    } else {
        " Messages · newest first · Esc closes ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(title);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((state.messages_scroll as u16, 0)),
        popup,
    );
}
