//! The IaC section every format shows when some state is configured: coverage overall and
//! per AWS service, the states read (and why others were not), and the resources that are
//! not managed. JSON carries every row (`iac` in the schema); Markdown and HTML list what
//! needs work (unmanaged, in state but not in AWS, unknown) and count the rest.

use std::fmt::Write;

use crate::gap::GapReport;
use crate::iac::{IacReport, ResourceRow, ServiceCoverage};

fn pct(c: &ServiceCoverage) -> String {
    c.percent
        .map(|p| format!("{p:.1}"))
        .unwrap_or_else(|| "—".into())
}

fn open_rows(iac: &IacReport) -> impl Iterator<Item = &ResourceRow> {
    iac.resources
        .iter()
        .filter(|r| matches!(r.status, "unmanaged" | "in_state_not_in_aws" | "unknown"))
}

/// What a row's status means to the reader.
fn meaning(r: &ResourceRow) -> String {
    match r.status {
        "unmanaged" => "created by hand: import it into Terraform".into(),
        _ => r.note.clone().unwrap_or_default(),
    }
}

pub(crate) fn markdown(report: &GapReport, w: &mut String, cell: impl Fn(&str) -> String) {
    let Some(iac) = &report.iac else {
        return;
    };
    let _ = writeln!(w, "\n## Infrastructure as code\n");
    let _ = writeln!(w, "{}\n", cell(&iac.summary_line()));
    let _ = writeln!(
        w,
        "| Service | Managed | Unmanaged | In state, not in AWS | Ignored | Unknown | % managed |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    let all = std::iter::once(("All", &iac.coverage.overall));
    for (name, c) in all.chain(iac.coverage.by_service.iter().map(|(k, v)| (k.as_str(), v))) {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(name),
            c.managed,
            c.unmanaged,
            c.in_state_not_in_aws,
            c.ignored,
            c.unknown,
            pct(c)
        );
    }
    let _ = writeln!(w, "\n| State | Status | Why |\n|---|---|---|");
    for s in &iac.states {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            cell(&s.location),
            s.status,
            cell(s.why.as_deref().unwrap_or(""))
        );
    }
    let open: Vec<&ResourceRow> = open_rows(iac).collect();
    if !open.is_empty() {
        let _ = writeln!(
            w,
            "\n| Resource | Status | Address | State | Why |\n|---|---|---|---|---|"
        );
        for r in open {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                cell(r.id.as_str()),
                r.status,
                cell(r.address.as_deref().unwrap_or("")),
                cell(r.state.as_deref().unwrap_or("")),
                cell(&meaning(r))
            );
        }
    }
    let _ = writeln!(
        w,
        "\n{} managed resources are listed with their addresses in the JSON report.",
        iac.coverage.overall.managed
    );
}

/// CSV rows in the report's 13 columns: kind `iac` per resource (address in `name`, state
/// location in `counterparts`), kind `iac_state` per state location.
pub(crate) fn csv_rows(report: &GapReport) -> Vec<[String; 13]> {
    let Some(iac) = &report.iac else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for r in &iac.resources {
        let mut row: [String; 13] = Default::default();
        row[1] = r.id.to_string();
        row[2] = "iac".into();
        row[3] = r.address.clone().unwrap_or_default();
        row[4] = r.status.into();
        row[5] = r.status.into();
        row[6] = r.state.clone().unwrap_or_default();
        row[8] = meaning(r);
        rows.push(row);
    }
    for s in &iac.states {
        let mut row: [String; 13] = Default::default();
        row[1] = s.location.clone();
        row[2] = "iac_state".into();
        row[3] = s.lineage.clone().unwrap_or_default();
        row[4] = s.status.clone();
        row[5] = s.status.clone();
        row[8] = s.why.clone().unwrap_or_default();
        rows.push(row);
    }
    rows
}

pub(crate) fn html(report: &GapReport, w: &mut String, esc: impl Fn(&str) -> String) {
    let Some(iac) = &report.iac else {
        return;
    };
    let _ = writeln!(w, "<h2 id=\"iac\">Infrastructure as code</h2>");
    let _ = writeln!(w, "<p>{}</p>", esc(&iac.summary_line()));
    let _ = writeln!(
        w,
        "<table><tr><th>Service</th><th>Managed</th><th>Unmanaged</th><th>In state, not in AWS</th><th>Ignored</th><th>Unknown</th><th>% managed</th></tr>"
    );
    let all = std::iter::once(("All", &iac.coverage.overall));
    for (name, c) in all.chain(iac.coverage.by_service.iter().map(|(k, v)| (k.as_str(), v))) {
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            c.managed,
            c.unmanaged,
            c.in_state_not_in_aws,
            c.ignored,
            c.unknown,
            pct(c)
        );
    }
    let _ = writeln!(w, "</table>");
    let _ = writeln!(
        w,
        "<table><tr><th>State</th><th>Status</th><th>Why</th></tr>"
    );
    for s in &iac.states {
        let _ = writeln!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&s.location),
            esc(&s.status),
            esc(s.why.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(w, "</table>");
    let open: Vec<&ResourceRow> = open_rows(iac).collect();
    if !open.is_empty() {
        let _ = writeln!(
            w,
            "<table><tr><th>Resource</th><th>Status</th><th>Address</th><th>State</th><th>Why</th></tr>"
        );
        for r in open {
            let _ = writeln!(
                w,
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(r.id.as_str()),
                esc(r.status),
                esc(r.address.as_deref().unwrap_or("")),
                esc(r.state.as_deref().unwrap_or("")),
                esc(&meaning(r))
            );
        }
        let _ = writeln!(w, "</table>");
    }
}
