//! The HTML report: one self-contained file (inline CSS, no scripts, no network) a manager
//! can open in any browser.

use std::fmt::Write;

use super::{
    ReportMeta, counterparts_line, data_complete, data_lines, remarks, sources_line, status_counts,
};
use crate::gap::{GapReport, Status, percent_label};

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls and bidi overrides are shown, not obeyed (a reversed name can
            // disguise what a row says).
            c if crate::text::is_unsafe(c) => {
                // The visible escape is ASCII (`\x1b`, `\u{202e}`): nothing to encode.
                out.push_str(&crate::text::escape(c.encode_utf8(&mut [0; 4])))
            }
            c => out.push(c),
        }
    }
    out
}

fn badge(status: Status) -> String {
    format!("<span class=\"badge {0}\">{0}</span>", status.as_str())
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right}.muted{color:#59636e}.big{font-size:1.6rem;font-weight:600}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;font-weight:600;white-space:nowrap;color:#fff;background:#59636e}
.unknown{background:#9a6700}.missing{background:#cf222e}.partial{background:#bc4c00}.ready{background:#1a7f37}.cut_over{background:#0969da}
.not_required{background:#8c959f}.in_progress{background:#8250df}.migrated{background:#116329}.ignored{background:#6e7781}
.contradiction{color:#cf222e;font-weight:600}ul{margin:0;padding-left:1.1rem}code{font-size:12px}
@media print{body{margin:0}}";

pub fn render(report: &GapReport, meta: &ReportMeta) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Ferry gap report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(w, "<h1>Ferry gap report</h1>");
    let _ = writeln!(
        w,
        "<p class=\"muted\">Generated {} from {}.</p>",
        meta.generated_at.format("%Y-%m-%d %H:%M UTC"),
        esc(&sources_line(meta))
    );
    let _ = writeln!(w, "<h2>Data</h2>");
    if !data_complete(report) {
        let _ = writeln!(
            w,
            "<p class=\"contradiction\">Some data was not read: checks that need it say <code>unknown</code>, never <code>missing</code>.</p>"
        );
    }
    let _ = writeln!(w, "<ul>");
    for line in data_lines(report) {
        let _ = writeln!(w, "<li>{}</li>", esc(&line));
    }
    let _ = writeln!(w, "</ul>");
    let _ = writeln!(w, "<h2>Summary</h2>");
    let _ = writeln!(
        w,
        "<p><span class=\"big\">{} migrated</span> <span class=\"muted\">of {} items (cut over or marked migrated; ignored and not required items not counted)</span> · <strong>{} ready to cut over</strong> <span class=\"muted\">(checks pass, traffic not moved yet)</span></p>",
        percent_label(report.summary.percent_migrated),
        report.summary.items,
        report.summary.ready_to_cut_over
    );
    let _ = writeln!(w, "<table><tr><th>Status</th><th>Items</th></tr>");
    for (status, n) in status_counts(report) {
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td class=\"num\">{n}</td></tr>",
            badge(status)
        );
    }
    let _ = writeln!(w, "</table>");
    let _ = writeln!(
        w,
        "<table><tr><th>App</th><th>Status</th><th>% migrated</th><th>Items</th></tr>"
    );
    for app in &report.apps {
        let _ = writeln!(
            w,
            "<tr><td><a href=\"#app-{0}\">{0}</a></td><td>{1}</td><td class=\"num\">{2}</td><td class=\"num\">{3}</td></tr>",
            esc(&app.app),
            badge(app.status),
            percent_label(app.percent_migrated).trim_end_matches(" %"),
            app.items.len() - 1
        );
    }
    let _ = writeln!(w, "</table>");
    for app in &report.apps {
        let _ = writeln!(
            w,
            "<h2 id=\"app-{0}\">{0} {1}</h2>",
            esc(&app.app),
            badge(app.status)
        );
        let _ = writeln!(
            w,
            "<table><tr><th>Item</th><th>Kind</th><th>AWS counterpart</th><th>Status</th><th>Reasons and notes</th></tr>"
        );
        for item in &app.items {
            let notes: String = remarks(item)
                .iter()
                .map(|r| match r.strip_prefix("CONTRADICTION: ") {
                    Some(c) => format!("<li class=\"contradiction\">{}</li>", esc(c)),
                    None => format!("<li>{}</li>", esc(r)),
                })
                .collect();
            let _ = writeln!(
                w,
                "<tr><td>{}<br><code class=\"muted\">{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><ul>{notes}</ul></td></tr>",
                esc(&item.name),
                esc(item.id.as_str()),
                item.kind.as_str(),
                esc(&counterparts_line(item)),
                badge(item.status)
            );
        }
        let _ = writeln!(w, "</table>");
    }
    super::cicd::html(report, w, esc);
    super::iac::html(report, w, esc);
    let _ = writeln!(w, "<h2>DNS cutover</h2>");
    let _ = writeln!(
        w,
        "<table><tr><th>Hostname</th><th>DNS</th><th>Type</th><th>Points to now</th><th>Proxied</th><th>Move to</th><th>Certificate</th></tr>"
    );
    for row in &report.dns {
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&row.hostname),
            row.dns,
            esc(&row.record_type),
            esc(&row.points_to.label()),
            match row.proxied {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
            esc(&super::move_to_cell(row)),
            match row.cert_ready {
                Some(true) => "ready",
                Some(false) => "missing",
                None => "",
            }
        );
    }
    let _ = writeln!(w, "</table>");
    aws_only(w, report);
    if !report.orphans.is_empty() {
        let _ = writeln!(
            w,
            "<h2>Ledger orphans</h2><p>Entries for resources no longer in the inventory (kept):</p><ul>"
        );
        for id in &report.orphans {
            let _ = writeln!(w, "<li><code>{}</code></li>", esc(id.as_str()));
        }
        let _ = writeln!(w, "</ul>");
    }
    let _ = writeln!(w, "</body>\n</html>");
    out
}

fn aws_only(w: &mut String, report: &GapReport) {
    let a = &report.aws_only;
    let _ = writeln!(w, "<h2>AWS only</h2>");
    let _ = writeln!(w, "<p>{}</p>", esc(&super::aws_only_lead(a)));
    for g in super::aws_only_groups(a) {
        let _ = writeln!(
            w,
            "<h3>{} <span class=\"muted\">({})</span></h3>",
            esc(&g.label),
            g.resources.len()
        );
        if let Some(note) = super::aws_only_group_note(a, g) {
            let _ = writeln!(w, "<p class=\"muted\">{}</p>", esc(&note));
        }
        if g.resources.is_empty() {
            continue;
        }
        let _ = writeln!(
            w,
            "<table><tr><th>Resource</th><th>Account / region</th><th>Why no Heroku item matched</th></tr>"
        );
        for r in &g.resources {
            let _ = writeln!(
                w,
                "<tr><td>{}<br><code class=\"muted\">{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&r.name),
                esc(r.id.as_str()),
                esc(&super::aws_only_place(r)),
                esc(&super::aws_only_why(r))
            );
        }
        let _ = writeln!(w, "</table>");
    }
}
