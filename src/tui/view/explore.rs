//! The explore view: three provider panes and the details panel.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::details::draw_details;
use super::truncate;
use std::collections::{HashMap, HashSet};

use crate::gap::Status;
use crate::inventory::Inventory;
use crate::model::ResourceId;
use crate::tui::state::{AppState, Focus, PaneState};
use crate::tui::summary::summary;
use crate::tui::theme::Theme;
use crate::tui::tree::NodeKind;

/// What a pane row needs besides the pane: the inventory, statuses, highlighted ids.
pub(super) struct RowContext<'a> {
    pub inv: &'a Inventory,
    pub status: &'a HashMap<ResourceId, Status>,
    /// Added or changed by the last refresh.
    pub changed: &'a HashMap<ResourceId, crate::tui::filter::Change>,
    pub linked: &'a HashSet<&'a ResourceId>,
    /// What each source's data lacks (failed, unavailable, stale), from the analysis.
    pub data: &'a [crate::coverage::SourceData],
    /// Which AWS resources an IaC state manages.
    pub iac: &'a crate::iac::IacIndex,
    /// The data is the bundled demo (an empty pane does not suggest `ferry demo` then).
    pub demo: bool,
    /// The selected resource: its own row does not count what is linked to it beneath.
    pub selected: Option<&'a ResourceId>,
}

/// The explore view: three panes side by side, details below.
pub(super) fn draw_explore(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let details_height = if state.details_zoom {
        // Panes keep a few rows so the selection stays in sight.
        area.height.saturating_sub(5).max(6)
    } else {
        (area.height * 35 / 100).clamp(6, 14)
    };
    let [panes_area, details_area] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(details_height)]).areas(area);
    let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(panes_area);
    // Three columns at any width: Heroku, Cloudflare, then every further source (AWS,
    // Semaphore, IaC) as tabs of the third column, the one shown following the focus.
    let shown = shown_panes(state);
    // Everything linked to the selection lights up in the other panes.
    let selected = state.selected_resource().map(|r| r.id.clone());
    let linked_ids: Vec<ResourceId> = selected
        .as_ref()
        .map(|id| linked_ids(state, id))
        .unwrap_or_default();
    let linked: HashSet<&ResourceId> = linked_ids.iter().collect();
    let ctx = RowContext {
        inv: &state.inventory,
        status: &state.filter_facts.status,
        changed: &state.filter_facts.changed,
        linked: &linked,
        data: &state.gap.data,
        iac: &state.filter_facts.iac,
        demo: state.origin == "demo",
        selected: selected.as_ref(),
    };
    state.hitboxes.panes = vec![Rect::default(); state.panes.len()];
    let mut tabs: Vec<(String, bool)> = (TABBED..state.panes.len())
        .map(|p| {
            let provider = state.panes[p].provider;
            // A linked resource in a tab not shown still says so (◆).
            let linked_here = linked
                .iter()
                .any(|id| id.as_str().starts_with(&format!("{}:", provider.as_str())));
            let mark = if linked_here && p != shown[TABBED] {
                " ◆"
            } else {
                ""
            };
            (
                format!("{} ({}){mark}", provider.title(), ctx.inv.count(provider)),
                p == shown[TABBED],
            )
        })
        .collect();
    // Too narrow for every tab: the shown one, and how many others Tab reaches (+2).
    let room = columns
        .get(TABBED)
        .map_or(0, |r| r.width as usize)
        .saturating_sub(6);
    let wide: usize = tabs.iter().map(|(l, _)| l.chars().count() + 3).sum();
    if wide > room && tabs.len() > 1 {
        let others = tabs.len() - 1;
        // The mark of a hidden tab holding linked resources stays, on the count.
        let hidden_linked = tabs.iter().any(|(l, a)| !a && l.ends_with(" ◆"));
        let mark = if hidden_linked { " ◆" } else { "" };
        tabs = tabs
            .into_iter()
            .filter(|(_, active)| *active)
            .map(|(l, a)| (format!("{l} +{others}{mark}"), a))
            .collect();
    }
    for (column, rect) in columns.iter().enumerate() {
        let Some(&i) = shown.get(column) else { break };
        let focused = state.focused == Focus::Pane(i);
        let column_tabs =
            (column == TABBED && state.panes.len() > TABBED + 1).then_some(tabs.as_slice());
        draw_pane(
            frame,
            *rect,
            &mut state.panes[i],
            &ctx,
            (focused, state.tick, column_tabs),
            theme,
        );
        state.hitboxes.panes[i] = *rect;
    }
    state.hitboxes.details = details_area;
    state.page_height = panes_area.height.saturating_sub(2) as usize;
    if state.details_of != selected {
        state.details_scroll = 0;
        state.details_of = selected;
    }
    draw_details(frame, details_area, state, theme);
}

/// The first pane that shares the third column with the panes after it.
pub(crate) const TABBED: usize = 2;

/// The pane shown in each column: 0, 1, and for the third the focused pane when it is one
/// of the tabbed ones, else the tab last shown there.
pub(crate) fn shown_panes(state: &mut AppState) -> Vec<usize> {
    let n = state.panes.len();
    if state.focus >= TABBED {
        state.column_tab = state.focus;
    }
    state.column_tab = state
        .column_tab
        .clamp(TABBED.min(n.saturating_sub(1)), n.saturating_sub(1));
    let mut out: Vec<usize> = (0..n.min(TABBED)).collect();
    if n > TABBED {
        out.push(state.column_tab);
    }
    out
}

/// Ids linked to `id`: both ends of its links, and its gap counterparts (or the items it
/// is a counterpart of).
pub(crate) fn linked_ids(state: &AppState, id: &ResourceId) -> Vec<ResourceId> {
    let mut out: Vec<ResourceId> = state
        .links_of(id)
        .into_iter()
        .map(|(_, r)| r.id.clone())
        .collect();
    if let Some(item) = state.item(id) {
        out.extend(item.counterparts.iter().map(|c| c.id.clone()));
        // An app lights up the counterparts of all its parts (its add-ons' databases too).
        if item.kind == crate::gap::ItemKind::App
            && let Some(&(a, _)) = state.item_index.get(id)
        {
            for part in &state.gap.apps[a].items {
                out.extend(part.counterparts.iter().map(|c| c.id.clone()));
            }
        }
    }
    out.extend(state.counterpart_of.get(id).into_iter().flatten().cloned());
    out
}

pub(super) fn draw_pane(
    frame: &mut Frame,
    area: Rect,
    pane: &mut PaneState,
    ctx: &RowContext<'_>,
    (focused, tick, tabs): (bool, u64, Option<&[(String, bool)]>),
    theme: &Theme,
) {
    let inv = ctx.inv;
    let gap = ctx
        .data
        .iter()
        .find(|d| d.source == pane.provider)
        .and_then(|d| {
            d.short().or_else(|| {
                // Complete, but some resources are carried over from an older fetch.
                (d.stale_resources > 0)
                    .then(|| format!("{} kept from an earlier fetch", d.stale_resources))
            })
        });
    // What precedes the fetch status in the title: the tabs, or the name and count.
    let lead: usize = match tabs {
        Some(tabs) => {
            1 + tabs
                .iter()
                .map(|(l, _)| l.chars().count() + 3)
                .sum::<usize>()
        }
        None => format!(" {} ({}) ", pane.provider.title(), inv.count(pane.provider))
            .chars()
            .count(),
    };
    let room = (area.width as usize).saturating_sub(2 + lead);
    let mut title = pane_title(pane, inv, (focused, tick, room), theme, gap);
    if let Some(tabs) = tabs {
        // The column's tabs replace the count; the shown one is highlighted.
        let mut spans = vec![Span::raw(" ")];
        for (i, (label, active)) in tabs.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled("│", theme.dim()));
            }
            let style = if *active {
                theme.selected(focused)
            } else {
                theme.dim()
            };
            spans.push(Span::styled(format!(" {label} "), style));
        }
        spans.push(Span::raw(" "));
        spans.extend(title.spans.into_iter().skip(1));
        title = Line::from(spans);
    }
    // A title longer than the pane (a fetch's progress, an error) ends in an ellipsis
    // rather than at the border; the details panel gives a fetch error whole.
    let title = fit_title(title, area.width.saturating_sub(2) as usize);
    let block = super::framed(focused, theme).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if pane.rows.is_empty() && pane.mask.is_some() {
        let msg = Line::styled(
            "Nothing here matches the filter (Esc clears it).",
            theme.dim(),
        );
        frame.render_widget(Paragraph::new(msg), inner);
        return;
    }
    if pane.rows.is_empty() {
        let title = pane.provider.title();
        // Inside the demo, "try the demo" would send the user where they already are.
        let msg = if ctx.demo {
            vec![Line::from(format!("No {title} data in the demo estate."))]
        } else {
            vec![
                Line::from(format!("No {title} data cached.")),
                Line::from(""),
                Line::styled("Try `ferry demo`, or", theme.dim()),
                Line::styled("`ferry snapshot import FILE`.", theme.dim()),
            ]
        };
        frame.render_widget(Paragraph::new(msg), inner);
        return;
    }

    let height = inner.height as usize;
    pane.scroll_into_view(height);
    let width = inner.width as usize;
    // Where the linked resources of this pane sit, so a collapsed node holding some says so.
    // (Other providers' resources have no node in this tree.)
    let holding = pane
        .tree
        .holding(ctx.linked.iter().filter_map(|id| inv.position(id)));
    let lines: Vec<Line> = pane
        .rows
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(height)
        .map(|(row, &node)| {
            let own = ctx
                .selected
                .is_some_and(|id| pane.tree.nodes[node].key == id.as_str());
            let inside = if own {
                0 // its own attachments and parts, linked to it: no news
            } else {
                holding.get(&node).copied().unwrap_or(0)
            };
            let line = tree_line(pane, (node, inside), ctx, theme, width);
            if row == pane.selected {
                line.style(theme.selected(focused))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `truncate` for a border title: a trailing space that alone does not fit is dropped
/// rather than turned into an ellipsis.
fn fit_title(mut title: Line<'_>, width: usize) -> Line<'_> {
    if title.width() > width
        && let Some(last) = title.spans.last_mut()
    {
        last.content = last.content.trim_end().to_string().into();
    }
    truncate(title, width)
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `Heroku (75)`, then a spinner and the fetch's progress, or the last fetch's error;
/// `room` is the width left for the part after the count.
pub(super) fn pane_title<'a>(
    pane: &PaneState,
    inv: &Inventory,
    (focused, tick, room): (bool, u64, usize),
    theme: &Theme,
    data_gap: Option<String>,
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
        let progress = format!("{frame} {}", pane.fetch.progress);
        // Whole parts only: the request count goes first, then the budget; what is still
        // too long is cut with an ellipsis.
        let text = [
            format!("{progress}{budget} · {} req ", pane.fetch.requests),
            format!("{progress}{budget} "),
            format!("{progress} "),
        ]
        .into_iter()
        .find(|t| t.trim_end().chars().count() <= room)
        .unwrap_or_else(|| format!("{progress} "));
        spans.push(Span::styled(text, theme.key()));
    } else if let Some(err) = &pane.fetch.error {
        spans.push(Span::styled(format!("✗ {err} "), theme.warn()));
    } else if pane.fetch.skipped.is_some() {
        spans.push(Span::styled(
            "– not refreshed: not configured ",
            theme.warn(),
        ));
    } else if let Some(gap) = data_gap {
        // Incomplete data is visible where it is shown, not only in the gaps view.
        let title = pane.provider.title();
        let gap = gap.strip_prefix(title).unwrap_or(&gap).trim_start();
        spans.push(Span::styled(format!("⚠ {gap} "), theme.warn()));
    }
    Line::from(spans)
}

/// One row of a pane; `inside` counts the linked resources beneath `node`, marked on the
/// row while the node is collapsed (that is where to expand to see them).
pub(super) fn tree_line<'a>(
    pane: &PaneState,
    (node, inside): (usize, usize),
    ctx: &RowContext<'a>,
    theme: &Theme,
    width: usize,
) -> Line<'a> {
    let inv = ctx.inv;
    let n = &pane.tree.nodes[node];
    let open = pane.mask.is_some() || pane.expanded.contains(&n.key);
    let marker = if n.children.is_empty() {
        "  "
    } else if open {
        "▾ "
    } else {
        "▸ "
    };
    let holds_linked = inside > 0 && !n.children.is_empty() && !open;
    let indent = "  ".repeat(n.depth as usize);
    let mut spans = vec![Span::raw(indent), Span::styled(marker, theme.dim())];
    match &n.kind {
        NodeKind::Group { label } => {
            spans.push(Span::styled(label.clone(), theme.group()));
            spans.push(Span::styled(
                format!(" ({})", pane.tree.label_count(node)),
                theme.dim(),
            ));
            if holds_linked {
                spans.push(linked_mark(&spans, inside, theme, width));
            }
        }
        NodeKind::Resource(i) => {
            let r = &inv.resources[*i];
            if let Some(change) = ctx.changed.get(&r.id) {
                spans.push(Span::styled(format!("{} ", change.glyph()), theme.key()));
            }
            if let Some(prefix) = crate::tui::summary::row_prefix(r) {
                spans.push(Span::styled(format!("{prefix} "), theme.label()));
            }
            if ctx.linked.contains(&r.id) {
                spans.push(Span::styled(format!("◆ {}", r.name), theme.linked()));
            } else {
                spans.push(Span::raw(r.name.clone()));
            }
            if let Some(status) = ctx.status.get(&r.id) {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(status.as_str(), theme.status(*status)));
            }
            // Made by hand, in no Terraform / OpenTofu state (only once a state was read).
            if ctx.iac.active
                && matches!(
                    ctx.iac.status_of(&r.id),
                    Some(crate::iac::IacStatus::Unmanaged)
                )
            {
                spans.push(Span::styled(" unmanaged", theme.warn()));
            }
            if holds_linked {
                spans.push(linked_mark(&spans, inside, theme, width));
            }
            let hint = summary(r);
            if !hint.is_empty() {
                spans.push(Span::styled(format!("  {hint}"), theme.dim()));
            }
        }
    }
    truncate(Line::from(spans), width)
}

/// " ◆ 3 linked" after a collapsed node, or " ◆3" when the long form would be cut.
fn linked_mark<'a>(before: &[Span<'_>], count: usize, theme: &Theme, width: usize) -> Span<'a> {
    let used: usize = before.iter().map(Span::width).sum();
    let long = format!(" ◆ {count} linked");
    let text = if used + long.chars().count() <= width {
        long
    } else {
        format!(" ◆{count}")
    };
    Span::styled(text, theme.linked())
}
