//! The status bar: each source's count, how old its data is and whether it is whole, the
//! data's origin, and the `?` hint. At any width the most useful form that fits is drawn:
//! words give way to glyphs, long labels to short ones, each source's age to the oldest
//! one, and only then is the line cut (with an ellipsis); `? help` always stays.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{TOAST_SECS, truncate};
use crate::model::Provider;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

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

/// A name that fits five sources into 80 columns; the others are short already.
fn short_title(p: Provider) -> &'static str {
    match p {
        Provider::Cloudflare => "CF",
        Provider::Semaphore => "Sem",
        other => other.title(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ages {
    /// "45m ago" after each source.
    Long,
    /// "45m" after each source.
    Short,
    /// One "oldest 45m" for all of them.
    Oldest,
    None,
}

/// How much the status bar says about each source; tried in order, the first that fits wins.
#[derive(Clone, Copy)]
struct Detail {
    short_labels: bool,
    ages: Ages,
    /// "⚠ partial" rather than "⚠".
    words: bool,
}

const DETAILS: [Detail; 6] = [
    Detail {
        short_labels: false,
        ages: Ages::Long,
        words: true,
    },
    Detail {
        short_labels: false,
        ages: Ages::Short,
        words: true,
    },
    Detail {
        short_labels: true,
        ages: Ages::Short,
        words: true,
    },
    Detail {
        short_labels: true,
        ages: Ages::Short,
        words: false,
    },
    Detail {
        short_labels: true,
        ages: Ages::Oldest,
        words: false,
    },
    Detail {
        short_labels: true,
        ages: Ages::None,
        words: false,
    },
];

/// What is wrong with a source's data, if anything: a glyph and a word or two.
/// The pane's title and the gaps view's data section say it whole.
fn flag(state: &AppState, provider: Provider, theme: &Theme) -> Option<(&'static str, Style)> {
    let pane = state.panes.iter().find(|p| p.provider == provider);
    if pane.is_some_and(|p| p.fetch.running) {
        return Some(("↻ refreshing", theme.key()));
    }
    if pane.is_some_and(|p| p.fetch.error.is_some()) {
        return Some(("✗ refresh failed", theme.error()));
    }
    let data = state.gap.data.iter().find(|d| d.source == provider)?;
    data.taken_at?; // never fetched: "no data" says it
    if data.stands_in {
        // The last fetch saved nothing: what is shown is older than its age suggests.
        return Some(("✗ last fetch failed", theme.error()));
    }
    if !data.complete() {
        return Some(("⚠ partial", theme.warn()));
    }
    (data.stale_resources > 0).then(|| ("⚠ stale", theme.warn()))
}

/// The sources shown: the first three always, later ones once they have data (their
/// tab says 0 otherwise).
fn shown(state: &AppState) -> impl Iterator<Item = Provider> + '_ {
    Provider::ALL
        .iter()
        .enumerate()
        .filter(|&(i, p)| i < 3 || state.inventory.snapshot_of(*p).is_some())
        .map(|(_, p)| *p)
}

/// Each source's label, count, age and flag, then the origin, at one level of detail.
fn source_spans<'a>(state: &AppState, theme: &Theme, detail: Detail) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut oldest: Option<DateTime<Utc>> = None;
    for (i, provider) in shown(state).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        let label = if detail.short_labels {
            short_title(provider)
        } else {
            provider.title()
        };
        spans.push(Span::styled(label, bold));
        let Some(snapshot) = state.inventory.snapshot_of(provider) else {
            spans.push(Span::styled(" no data", theme.warn()));
            continue;
        };
        spans.push(Span::raw(format!(" {}", state.inventory.count(provider))));
        oldest = Some(oldest.map_or(snapshot.taken_at, |o| o.min(snapshot.taken_at)));
        let age = short_age(snapshot.taken_at, state.now);
        match detail.ages {
            Ages::Long if age != "now" => spans.push(Span::raw(format!(" · {age} ago"))),
            Ages::Long | Ages::Short => spans.push(Span::raw(format!(" · {age}"))),
            Ages::Oldest | Ages::None => {}
        }
        if let Some((text, style)) = flag(state, provider, theme) {
            let text = if detail.words {
                text
            } else {
                text.split(' ').next().unwrap_or(text)
            };
            spans.push(Span::styled(format!(" {text}"), style));
        }
    }
    if let (Ages::Oldest, Some(t)) = (detail.ages, oldest) {
        spans.push(Span::styled(" │ ", theme.dim()));
        spans.push(Span::raw(format!("oldest {}", short_age(t, state.now))));
    }
    spans.push(Span::styled(format!(" │ {}", state.origin), theme.dim()));
    if state.analysis_pending {
        spans.push(Span::styled(" │ analysing…", theme.warn()));
    }
    spans
}

/// `? help  q quit`, or only `? help` when the sources need the room (q is in the help).
fn keys_hint<'a>(theme: &Theme, with_quit: bool) -> Line<'a> {
    let mut spans = vec![Span::styled("?", theme.key()), Span::raw(" help")];
    if with_quit {
        spans.push(Span::raw("  "));
        spans.push(Span::styled("q", theme.key()));
        spans.push(Span::raw(" quit"));
    }
    Line::from(spans)
}

/// The status line's two halves for `width` columns: the sources (cut with an ellipsis
/// only when even the shortest form does not fit) and the keys hint.
pub(super) fn status_lines<'a>(
    state: &AppState,
    theme: &Theme,
    width: usize,
) -> (Line<'a>, Line<'a>) {
    for with_quit in [true, false] {
        let right = keys_hint(theme, with_quit);
        // One column between the halves, so they never touch.
        let room = width.saturating_sub(right.width() + 1);
        for detail in DETAILS {
            let left = Line::from(source_spans(state, theme, detail));
            if left.width() <= room {
                return (left, right);
            }
        }
    }
    let right = keys_hint(theme, false);
    let room = width.saturating_sub(right.width() + 1);
    let shortest = Line::from(source_spans(state, theme, DETAILS[DETAILS.len() - 1]));
    (truncate(shortest, room), right)
}

pub(super) fn draw_status(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if let Some(toast) = &state.toast
        && (toast.error || (state.now - toast.at).num_seconds() < TOAST_SECS)
    {
        let style = if toast.error {
            theme.error()
        } else {
            theme.ok()
        };
        let width = area.width as usize;
        let line = Line::styled(format!(" {}", toast.text), style);
        // Cut to fit: say where the whole text is (the hint goes too on a tiny terminal).
        let hint = Span::styled(" :messages", theme.key());
        let line = if line.width() > width && width > 2 * hint.width() {
            let mut cut = truncate(line, width - hint.width());
            cut.spans.push(hint);
            cut
        } else {
            truncate(line, width)
        };
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let (left, right) = status_lines(state, theme, area.width as usize);
    let right_width = right.width() as u16;
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}
