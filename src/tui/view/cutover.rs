//! The cutover view: every hostname, where it points now, where it should move, and whether
//! a certificate is ready there.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{cell, truncate};
use crate::gap::PointsTo;
use crate::tui::rows::cutover_rows;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

pub(super) fn draw_cutover(frame: &mut Frame, area: Rect, state: &mut AppState, theme: &Theme) {
    let rows = cutover_rows(state);
    // Targets outside the inventory still count for where the traffic goes.
    let on_heroku = rows
        .iter()
        .filter(|r| {
            matches!(
                r.points_to,
                PointsTo::Heroku { .. } | PointsTo::HerokuUnknown
            )
        })
        .count();
    let on_aws = rows
        .iter()
        .filter(|r| matches!(r.points_to, PointsTo::Aws { .. } | PointsTo::AwsUnknown))
        .count();
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border(true))
        .title(format!(
            " {} hostnames · {on_heroku} on Heroku · {on_aws} on AWS · Enter: show the record ",
            rows.len()
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height.saturating_sub(1) as usize;
    let len = rows.len();
    let w = inner.width as usize;
    let (c_host, c_now, c_px, c_cert) = ((w * 28 / 100).max(18), (w * 28 / 100).max(16), 9, 10);
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}{}{}",
            cell("HOSTNAME", c_host),
            cell("POINTS TO NOW", c_now),
            cell("PROXIED", c_px),
            cell("CERT", c_cert),
            "MOVE TO"
        ),
        theme.label(),
    )];
    let selected = state.cutover_table.selected.min(len.saturating_sub(1));
    let mut offset = state.cutover_table.offset;
    if selected < offset {
        offset = selected;
    } else if height > 0 && selected >= offset + height {
        offset = selected + 1 - height;
    }
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let now_style = match row.points_to {
            PointsTo::Heroku { .. } | PointsTo::HerokuUnknown => theme.warn(),
            PointsTo::Aws { .. } => theme.ok(),
            _ => theme.dim(),
        };
        let cert = match row.cert_ready {
            Some(true) => "ready",
            Some(false) => "missing",
            None => "",
        };
        let line = truncate(
            Line::from(vec![
                Span::raw(cell(&row.hostname, c_host)),
                Span::styled(cell(&row.points_to.label(), c_now), now_style),
                Span::raw(cell(
                    match row.proxied {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "",
                    },
                    c_px,
                )),
                Span::styled(
                    cell(cert, c_cert),
                    if row.cert_ready == Some(false) {
                        theme.error()
                    } else {
                        theme.ok()
                    },
                ),
                match &row.points_to {
                    // Traffic already goes to AWS: nothing left to move.
                    PointsTo::Aws { .. } if row.move_to.is_some() => {
                        Span::styled("(on AWS already)", theme.dim())
                    }
                    _ => Span::raw(row.move_to.clone().unwrap_or_default()),
                },
            ]),
            w,
        );
        lines.push(if i == selected {
            line.style(theme.selected(true))
        } else {
            line
        });
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            "No hostnames (or none match the filter).",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    state.cutover_table.selected = selected;
    state.cutover_table.offset = offset;
    state.hitboxes.table = inner;
    state.page_height = height;
}
