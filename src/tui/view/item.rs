//! A gap item in full, for the details panels of the explore and gaps views: status,
//! how each counterpart was matched, every reason (a list of names shown as a list), the
//! contradictions and the ledger's mark with its note. Nothing is cut here: the panels
//! wrap and scroll.

use ratatui::text::{Line, Span};

use crate::gap::{Item, ItemKind, MatchMethod};
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

/// A reason naming at least this many things is shown as a list.
const LIST_FROM: usize = 2;

pub(super) fn item_lines(item: &Item, state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut gap = item.status.to_string();
    if item.decision.is_some() && item.computed != item.status {
        gap.push_str(&format!(" (checks: {})", item.computed));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{:<9}", "gap"), theme.label()),
        Span::styled(gap, theme.status(item.status)),
        Span::styled(format!("  {}", item.kind.as_str()), theme.dim()),
    ]));
    for c in &item.contradictions {
        lines.push(Line::styled(
            format!("  ! the checks contradict the mark: {c}"),
            theme.error(),
        ));
    }
    if item.counterparts.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<9}", "on AWS"), theme.label()),
            Span::styled("no counterpart found", theme.dim()),
        ]));
    }
    for (n, c) in item.counterparts.iter().enumerate() {
        let label = if n == 0 { "on AWS" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<9}"), theme.label()),
            Span::styled(format!("{} ({})", c.name, c.kind.as_str()), theme.linked()),
            Span::styled(format!(" · {}", matched_by(c.via)), theme.dim()),
        ]));
    }
    for reason in &item.reasons {
        lines.extend(reason_lines(reason, theme));
    }
    match &item.decision {
        Some(d) => {
            let whose = if item.decision_inherited {
                " (the app's mark)"
            } else {
                ""
            };
            lines.push(field(
                "mark",
                format!(
                    "{} by {} at {}{whose}",
                    d.status.as_str(),
                    d.by,
                    d.at.format("%Y-%m-%d")
                ),
                theme,
            ));
            if let Some(note) = &d.note {
                lines.push(field("note", note.clone(), theme));
            }
        }
        None => lines.push(Line::styled("no mark · m marks it", theme.dim())),
    }
    if item.kind == ItemKind::App {
        let parts = state
            .gap
            .apps
            .iter()
            .find(|a| a.id == item.id)
            .map_or(0, |a| a.items.len().saturating_sub(1));
        lines.push(Line::styled(
            format!("a mark here applies to this app's {parts} parts that have none of their own"),
            theme.dim(),
        ));
    }
    lines
}

/// How a match was made, as the CLI says it.
pub(super) fn matched_by(via: MatchMethod) -> String {
    match via {
        MatchMethod::Ledger => "pinned in the ledger".into(),
        MatchMethod::Tag => "by tag".into(),
        MatchMethod::Name => "by name".into(),
        MatchMethod::Similarity(s) => format!("name similarity {s:.2}: confirm or pin it"),
        MatchMethod::Derived => "derived from another match".into(),
    }
}

/// One reason; `…: A, B, C, D` (the names that are the point) becomes a heading and a
/// list, one name a line.
pub(super) fn reason_lines(reason: &str, theme: &Theme) -> Vec<Line<'static>> {
    if let Some((head, list)) = reason.rsplit_once(": ") {
        let names: Vec<&str> = list.split(", ").map(str::trim).collect();
        if names.len() >= LIST_FROM && names.iter().all(|n| !n.contains(' ')) {
            let mut out = vec![Line::styled(
                format!("  · {head} ({}):", names.len()),
                theme.warn(),
            )];
            out.extend(names.iter().map(|n| Line::raw(format!("      {n}"))));
            return out;
        }
    }
    vec![Line::styled(format!("  · {reason}"), theme.warn())]
}

fn field(name: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<9}"), theme.label()),
        Span::raw(value),
    ])
}
