//! Overlays: help (generated from the keymap) and the mark form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::truncate;
use crate::ledger::Decision;
use crate::tui::state::{AppState, InputKind};
use crate::tui::theme::Theme;

/// A help section: its title and (keys, description) rows.
type HelpSection<'a> = (&'a str, Vec<(String, &'a str)>);

pub(super) fn draw_help(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    // Sections, packed into as many columns as the height needs.
    let mut sections: Vec<HelpSection> = Vec::new();
    for (sec, keys, desc) in state.keymap.help_rows() {
        match sections.last_mut() {
            Some((name, rows)) if *name == sec => rows.push((keys, desc)),
            _ => sections.push((sec, vec![(keys, desc)])),
        }
    }
    let inner_height = area.height.saturating_sub(2).max(1) as usize;
    let mut columns: Vec<Vec<HelpSection>> = vec![Vec::new()];
    let mut used = 0;
    for section in &sections {
        let needed = section.1.len() + 1 + usize::from(used > 0);
        if used > 0 && used + needed > inner_height {
            columns.push(Vec::new());
            used = 0;
        }
        used += section.1.len() + 1 + usize::from(used > 0);
        columns
            .last_mut()
            .expect("never empty")
            .push(section.clone());
    }
    let mut rendered: Vec<Vec<Line>> = columns.iter().map(|c| help_column(c, theme)).collect();
    let mut widths: Vec<u16> = rendered.iter().map(|l| column_width(l)).collect();
    let mut title = " Help · Esc, q or ? closes ".to_string();
    // Too narrow for the columns side by side: one column that scrolls, so no description
    // is cut short.
    if widths.iter().sum::<u16>() + 2 > area.width && rendered.len() > 1 {
        let all = help_column(&sections, theme);
        let width = column_width(&all);
        let max_scroll = all.len().saturating_sub(inner_height);
        state.help_scroll = state.help_scroll.min(max_scroll);
        if max_scroll > 0 {
            title = format!(
                " Help · j/k scroll ({}-{} of {}) · Esc, q or ? closes ",
                state.help_scroll + 1,
                (state.help_scroll + inner_height).min(all.len()),
                all.len()
            );
        }
        let shown: Vec<Line> = all
            .into_iter()
            .skip(state.help_scroll)
            .take(inner_height)
            .collect();
        widths = vec![width.max(title.chars().count() as u16)];
        rendered = vec![shown];
    }
    let tallest = rendered.iter().map(Vec::len).max().unwrap_or(0);
    let popup = super::centered(area, widths.iter().sum::<u16>() + 2, tallest as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(title);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let constraints: Vec<ratatui::layout::Constraint> = widths
        .iter()
        .map(|w| ratatui::layout::Constraint::Length(*w))
        .collect();
    let areas = ratatui::layout::Layout::horizontal(constraints).split(inner);
    for (col, rect) in rendered.into_iter().zip(areas.iter()) {
        let lines: Vec<Line> = col
            .into_iter()
            .map(|l| truncate(l, rect.width as usize))
            .collect();
        frame.render_widget(Paragraph::new(lines), *rect);
    }
}

/// One column of help: each section's name, then its keys and what they do.
fn help_column<'a>(sections: &[HelpSection], theme: &Theme) -> Vec<Line<'a>> {
    let key_width = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(4)
        + 1;
    let mut lines = Vec::new();
    for (i, (name, rows)) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::from(""));
        }
        lines.push(Line::styled(name.to_string(), theme.group()));
        for (keys, desc) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}"), theme.key()),
                Span::raw(desc.to_string()),
            ]));
        }
    }
    lines
}

fn column_width(lines: &[Line]) -> u16 {
    lines.iter().map(|l| l.width()).max().unwrap_or(10) as u16 + 2
}

/// The `/` filter or `:` command line, in place of the status bar, with completions above.
pub(super) fn draw_input(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(input) = &state.input else { return };
    let prompt = match input.kind {
        InputKind::Filter => "/",
        InputKind::Command => ":",
    };
    let text = if input.selected {
        // Selected: the next key replaces it (reverse video shows that without colour).
        Span::styled(
            input.text.clone(),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    } else {
        Span::raw(input.text.clone())
    };
    let mut spans = vec![
        Span::styled(prompt, theme.key()),
        text,
        Span::styled("▏", theme.key()),
    ];
    // What the filter did not understand, where the user is typing.
    if input.kind == InputKind::Filter {
        for p in &state.filter.problems {
            spans.push(Span::styled(format!("  {p}"), theme.error()));
        }
    }
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(truncate(line, area.width as usize)), area);
    if input.completions.is_empty() {
        return;
    }
    let shown = input.completions.len().min(10) as u16;
    let width = input
        .completions
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(10)
        .min(area.width as usize - 2) as u16
        + 2;
    let rect = Rect {
        x: area.x,
        y: area.y.saturating_sub(shown + 2),
        width,
        height: shown + 2,
    };
    let lines: Vec<Line> = input
        .completions
        .iter()
        .take(10)
        .map(|c| Line::raw(c.clone()))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(false))
        .title(" Tab completes ");
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

pub(super) fn draw_mark_form(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(form) = &state.mark_form else { return };
    let width = 72.min(area.width);
    let mut notes = Vec::new();
    if form.id.as_str().starts_with("heroku:app/") {
        notes.push("A mark on an app applies to each of its parts without its own mark.");
    }
    if state.origin == "demo" {
        notes.push("Demo: marks are kept until you quit, then discarded.");
    }
    let height = (9 + notes.len() as u16).min(area.height);
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
    let mut lines = lines;
    lines.extend(notes.into_iter().map(|n| Line::styled(n, theme.warn())));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Mark item ");
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// A yes/no question (removing a mark, overwriting a report), over everything.
pub(super) fn draw_confirm(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(confirm) = &state.confirm else {
        return;
    };
    let width = 64.min(area.width);
    let lines = vec![
        Line::raw(confirm.question.clone()),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw("/Enter yes · "),
            Span::styled("n", theme.key()),
            Span::raw("/Esc no"),
        ]),
    ];
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let question_rows = confirm.question.chars().count().div_ceil(inner_width) as u16;
    let popup = super::centered(area, width, question_rows + 4);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(" Confirm ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        popup,
    );
}
