//! The Ctrl-p palette popup: the query on top, then one row per command (name with the
//! matched letters lit, arguments, help cut with an ellipsis, the key), keys at the foot.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::{cell, centered, truncate};
use crate::tui::palette::{self, Match};
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

/// Widest the popup gets: a palette is read at a glance, not across a wide screen.
const MAX_WIDTH: u16 = 100;
/// The name column never takes more than this (a long line from the history runs on
/// into the arguments' column, then is cut).
const MAX_NAME: usize = 20;
const MAX_ARGS: usize = 18;

pub(super) fn draw_palette(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let Some(query) = state.palette.as_ref().map(|p| p.query.clone()) else {
        return;
    };
    let found = palette::matches(state, &query);
    let total = palette::entries(state).len();
    let width = area.width.saturating_sub(2).min(MAX_WIDTH);
    // Borders, the query line and the rule under it; at least one row of results. The top
    // stays where the unfiltered list puts it, so the query line does not jump as you type.
    let room = area.height.saturating_sub(2);
    let height = (found.len().max(1) as u16 + 4).min(room);
    let full = centered(area, width, (total as u16 + 4).min(room));
    let popup = Rect { height, ..full };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Commands ")
        .title_bottom(
            Line::styled(
                " ↑/↓ select · Enter run · Tab edit · Esc close ",
                theme.dim(),
            )
            .right_aligned(),
        );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if inner.height == 0 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;

    let count = if query.trim().is_empty() {
        format!("{total} commands ")
    } else {
        format!("{} of {total} ", found.len())
    };
    let room = w.saturating_sub(count.chars().count() + 4);
    // The end of a long query stays visible: that is where the user types.
    let shown: String = {
        let chars: Vec<char> = query.chars().collect();
        chars[chars.len().saturating_sub(room)..].iter().collect()
    };
    let pad = w.saturating_sub(shown.chars().count() + 3 + count.chars().count());
    let query_line = Line::from(vec![
        Span::styled("> ", theme.key()),
        Span::raw(shown),
        Span::styled("▏", theme.key()),
        Span::raw(" ".repeat(pad)),
        Span::styled(count, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(query_line), Rect { height: 1, ..inner });
    if inner.height < 2 {
        return;
    }
    frame.render_widget(
        Paragraph::new(Line::styled("─".repeat(w), theme.border(false))),
        Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        },
    );
    let rows_area = Rect {
        y: inner.y + 2,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    let visible = rows_area.height as usize;
    let p = state.palette.as_mut().expect("checked above");
    p.popup = popup;
    p.rows_area = rows_area;
    p.selected = p.selected.min(found.len().saturating_sub(1));
    if p.selected < p.offset {
        p.offset = p.selected;
    } else if visible > 0 && p.selected >= p.offset + visible {
        p.offset = p.selected + 1 - visible;
    }
    p.offset = p.offset.min(found.len().saturating_sub(visible.max(1)));
    let (selected, offset) = (p.selected, p.offset);

    if found.is_empty() {
        let line = Line::styled(
            format!("  no command matches \"{}\"", query.trim()),
            theme.dim(),
        );
        frame.render_widget(Paragraph::new(truncate(line, w)), rows_area);
        return;
    }
    let widths = Widths::of(&found, w);
    let lines: Vec<Line> = found
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, m)| row(m, &widths, i == selected, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), rows_area);
}

/// Column widths, from every match (not only the visible ones, so columns do not move
/// while scrolling).
struct Widths {
    name: usize,
    args: usize,
    help: usize,
    key: usize,
}

impl Widths {
    /// Each width includes the gap after the column (`cell` keeps its last column free).
    fn of(found: &[Match], w: usize) -> Widths {
        let max = |f: &dyn Fn(&Match) -> usize| found.iter().map(f).max().unwrap_or(0);
        let name = (max(&|m| m.entry.name.chars().count()) + 2).min(MAX_NAME);
        let args = match max(&|m| m.entry.args.chars().count()) {
            0 => 0,
            n => (n + 2).min(MAX_ARGS),
        };
        let key = max(&|m| m.entry.key.as_deref().map_or(0, |k| k.chars().count()));
        // The gutter (recent marker) and a space at the end.
        let fixed = 3 + name + args + key + 1;
        Widths {
            name,
            args,
            help: w.saturating_sub(fixed).max(1),
            key,
        }
    }
}

fn row<'a>(m: &Match, w: &Widths, selected: bool, theme: &Theme) -> Line<'a> {
    // A pointer at the selection (the reverse video is lost in plain-text copies), and a
    // mark on commands run before, so "recent first" reads as such.
    let mut spans = vec![Span::styled(if selected { "›" } else { " " }, theme.key())];
    if m.entry.recent.is_some() {
        spans.push(Span::styled("↺ ", theme.dim()));
    } else {
        spans.push(Span::raw("  "));
    }
    // The name, the matched letters lit; cut like a cell when it is too long.
    // A row without arguments (a line run before, with its own) may use their column too.
    let name_width = if m.entry.args.is_empty() {
        w.name + w.args
    } else {
        w.name
    };
    let name = cell(&m.entry.name, name_width);
    let mut run = String::new();
    let mut lit = false;
    for (i, c) in name.chars().enumerate() {
        let hit = m.hits.contains(&i) && c != '…';
        if hit != lit && !run.is_empty() {
            spans.push(name_span(std::mem::take(&mut run), lit, theme));
        }
        lit = hit;
        run.push(c);
    }
    spans.push(name_span(run, lit, theme));
    if w.args > 0 && !m.entry.args.is_empty() {
        spans.push(Span::styled(cell(&m.entry.args, w.args), theme.label()));
    }
    spans.push(Span::styled(cell(&m.entry.help, w.help), theme.dim()));
    let key = m.entry.key.clone().unwrap_or_default();
    spans.push(Span::styled(format!("{key:>0$} ", w.key), theme.key()));
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected(true))
    } else {
        line
    }
}

fn name_span<'a>(text: String, lit: bool, theme: &Theme) -> Span<'a> {
    if lit {
        Span::styled(text, theme.key())
    } else {
        Span::raw(text)
    }
}
