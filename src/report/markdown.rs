//! The Markdown report: readable in a terminal, a pull request or a wiki.

use std::fmt::Write;

use super::{
    ReportMeta, counterparts_line, data_complete, data_lines, remarks, sources_line, status_counts,
};
use crate::gap::{DnsRow, GapReport, percent_label};

/// Table cells: no pipes or line breaks, and no control characters (a Markdown file is
/// often read with `cat` or in a terminal pager).
fn cell(s: &str) -> String {
    crate::text::escape(&s.replace('\n', " ")).replace('|', "\\|")
}

pub fn render(report: &GapReport, meta: &ReportMeta) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# Ferry gap report\n");
    let _ = writeln!(
        w,
        "Generated {} from {}.\n",
        meta.generated_at.format("%Y-%m-%d %H:%M UTC"),
        sources_line(meta)
    );
    let _ = writeln!(w, "## Data\n");
    if !data_complete(report) {
        let _ = writeln!(
            w,
            "Some data was not read: checks that need it say `unknown`, never `missing`.\n"
        );
    }
    for line in data_lines(report) {
        let _ = writeln!(w, "- {}", cell(&line));
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "## Summary\n");
    let _ = writeln!(
        w,
        "**{} migrated**: {} items; cut over or marked migrated, ignored and not required items not counted. **{} ready to cut over** (checks pass, traffic not moved yet).\n",
        percent_label(report.summary.percent_migrated),
        report.summary.items,
        report.summary.ready_to_cut_over
    );
    let _ = writeln!(w, "| Status | Items |\n|---|---:|");
    for (status, n) in status_counts(report) {
        let _ = writeln!(w, "| {status} | {n} |");
    }
    let _ = writeln!(
        w,
        "\n| App | Status | % migrated | Items |\n|---|---|---:|---:|"
    );
    for app in &report.apps {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} |",
            cell(&app.app),
            app.status,
            percent_label(app.percent_migrated).trim_end_matches(" %"),
            app.items.len() - 1
        );
    }
    for app in &report.apps {
        let _ = writeln!(w, "\n## {} — {}\n", app.app, app.status);
        if let Some(team) = &app.team {
            let generation = app
                .generation
                .as_deref()
                .map(|g| format!(" · generation `{g}`"))
                .unwrap_or_default();
            let _ = writeln!(w, "Team `{team}` · `{}`{generation}\n", app.id);
        }
        let _ = writeln!(
            w,
            "| Item | Kind | AWS counterpart | Status | Reasons and notes |\n|---|---|---|---|---|"
        );
        for item in &app.items {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                cell(&item.name),
                item.kind.as_str(),
                cell(&counterparts_line(item)),
                item.status,
                cell(&remarks(item).join("; "))
            );
        }
    }
    super::cicd::markdown(report, w, cell);
    super::iac::markdown(report, w, cell);
    let _ = writeln!(w, "\n## DNS cutover\n");
    let _ = writeln!(
        w,
        "| Hostname | DNS | Type | Points to now | Proxied | Move to | Certificate |\n|---|---|---|---|---|---|---|"
    );
    for row in &report.dns {
        let _ = writeln!(w, "{}", dns_row(row));
    }
    aws_only(w, report);
    let _ = writeln!(w, "\n## Ledger\n");
    // The ledger's own entries; a part that inherits its app's decision shows it in its row.
    let decided: Vec<_> = report
        .items()
        .filter(|i| i.decision.is_some() && !i.decision_inherited)
        .collect();
    if decided.is_empty() {
        let _ = writeln!(w, "No decisions recorded yet (`ferry mark`).");
    }
    for item in decided {
        let d = item.decision.as_ref().expect("filtered");
        let _ = writeln!(
            w,
            "- `{}` **{}** by {} on {}{}",
            item.id,
            d.status.as_str(),
            d.by,
            d.at.format("%Y-%m-%d"),
            d.note
                .as_ref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        );
    }
    if !report.orphans.is_empty() {
        let _ = writeln!(
            w,
            "\nLedger entries for resources no longer in the inventory (kept):\n"
        );
        for id in &report.orphans {
            let _ = writeln!(w, "- `{id}`");
        }
    }
    // Every name and note quotes the estate: escape controls once, for the whole file.
    crate::text::escape_lines(&out)
}

fn dns_row(row: &DnsRow) -> String {
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    format!(
        "| {} | {} | {} | {} | {} | {} | {} |",
        cell(&row.hostname),
        row.dns,
        row.record_type,
        cell(&row.points_to.label()),
        yes_no(row.proxied),
        cell(&super::move_to_cell(row)),
        match row.cert_ready {
            Some(true) => "ready",
            Some(false) => "missing",
            None => "",
        }
    )
}

fn aws_only(w: &mut String, report: &GapReport) {
    let a = &report.aws_only;
    let _ = writeln!(w, "\n## AWS only\n");
    let _ = writeln!(w, "{}", cell(&super::aws_only_lead(a)));
    for g in super::aws_only_groups(a) {
        let _ = writeln!(w, "\n### {} ({})\n", g.label, g.resources.len());
        if let Some(note) = super::aws_only_group_note(a, g) {
            let _ = writeln!(w, "_{}_\n", cell(&note));
        }
        if g.resources.is_empty() {
            continue;
        }
        let _ = writeln!(
            w,
            "| Resource | Account / region | Why no Heroku item matched |\n|---|---|---|"
        );
        for r in &g.resources {
            let _ = writeln!(
                w,
                "| {} | {} | {} |",
                cell(&r.name),
                cell(&super::aws_only_place(r)),
                cell(&super::aws_only_why(r))
            );
        }
    }
}
