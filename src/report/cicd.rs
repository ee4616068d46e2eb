//! The CI/CD section every format shows: per Semaphore project, what each pipeline and
//! promotion deploys where, with the evidence (the job and command, from which run).

use std::fmt::Write;

use crate::cicd::Cicd;
use crate::gap::GapReport;
use crate::model::{Provider, ResourceId};

/// One deploy step as a report row.
pub(crate) struct Row {
    pub project: String,
    pub pipeline_id: ResourceId,
    /// `.semaphore/deploy.yml`, with "promoted by …" / "scheduled by …" when it is.
    pub pipeline: String,
    pub job: String,
    pub action: String,
    pub target: String,
    pub resolved: Vec<ResourceId>,
    pub command: String,
    pub evidence: String,
}

/// What the section says before its rows: whether Semaphore was read.
pub(crate) fn note(report: &GapReport) -> Option<String> {
    let data = report.data.iter().find(|d| d.source == Provider::Semaphore);
    match data {
        Some(d) if d.taken_at.is_none() && d.last_attempt.is_none() => Some(
            "Semaphore not fetched: deploy paths are not checked and apps have no deploy items \
             (add [semaphore] to ferry.toml and run `ferry fetch --source semaphore`)."
                .into(),
        ),
        Some(d) if !d.complete() => Some(format!(
            "Semaphore data is incomplete ({}): deploy items that rest on it say unknown.",
            d.short().unwrap_or_default()
        )),
        None => Some("Semaphore is not a source of this build.".into()),
        _ => None,
    }
}

/// Task ids end in the task's name (`semaphore:semaphore_task/<org>/<project>/<name>`).
fn task_names(ids: &[ResourceId]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            id.as_str()
                .rsplit('/')
                .next()
                .unwrap_or(id.as_str())
                .to_string()
        })
        .collect()
}

pub(crate) fn rows(cicd: &Cicd) -> Vec<Row> {
    let mut out = Vec::new();
    for p in &cicd.pipelines {
        let mut pipeline = p.yml_file.clone();
        let promos: Vec<&str> = cicd
            .promotions
            .iter()
            .filter(|pr| p.promoted_by.contains(&pr.id))
            .map(|pr| pr.name.as_str())
            .collect();
        if !promos.is_empty() {
            pipeline.push_str(&format!(" (promotion {})", promos.join(", ")));
        }
        if !p.tasks.is_empty() {
            pipeline.push_str(&format!(
                " (scheduled by task {})",
                task_names(&p.tasks).join(", ")
            ));
        }
        for d in &p.deploys {
            out.push(Row {
                project: p.project.clone(),
                pipeline_id: p.id.clone(),
                pipeline: pipeline.clone(),
                job: format!("{} / {}", d.block, d.job),
                action: d.step.action.clone(),
                target: d.step.target.to_string(),
                resolved: d.resolved.clone(),
                command: d.step.command.clone(),
                evidence: p.evidence.clone(),
            });
        }
    }
    out
}

/// "in the inventory" or "not in the inventory".
pub(crate) fn found(row: &Row) -> &'static str {
    if row.resolved.is_empty() {
        "not in the inventory"
    } else {
        "in the inventory"
    }
}

/// Pipelines without a deploy step and promotions whose target never ran: one line each.
pub(crate) fn quiet_lines(cicd: &Cicd) -> Vec<String> {
    let mut out = Vec::new();
    for p in cicd.pipelines.iter().filter(|p| p.deploys.is_empty()) {
        out.push(format!(
            "{} › {}: no deploy step ({} command(s) not classified; {})",
            p.project,
            p.yml_file,
            p.not_classified.len(),
            p.evidence
        ));
    }
    for pr in cicd.promotions.iter().filter(|pr| pr.target.is_none()) {
        out.push(format!(
            "{} › promotion {} from {}: its pipeline {} has no run in the window, so what it deploys is not known",
            pr.project,
            pr.name,
            pr.from_yml_file,
            pr.target_yml_file.as_deref().unwrap_or("(not named)")
        ));
    }
    out
}

/// The Markdown section.
pub(crate) fn markdown(report: &GapReport, w: &mut String, cell: impl Fn(&str) -> String) {
    let _ = writeln!(w, "\n## CI/CD\n");
    if let Some(n) = note(report) {
        let _ = writeln!(w, "{n}\n");
    }
    let rows = rows(&report.cicd);
    if !rows.is_empty() {
        let _ = writeln!(
            w,
            "| Project | Pipeline | Block / job | Step | Deploys to | Inventory | Command | Evidence |\n|---|---|---|---|---|---|---|---|"
        );
    }
    for r in &rows {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | `{}` | {} |",
            cell(&r.project),
            cell(&r.pipeline),
            cell(&r.job),
            cell(&r.action),
            cell(&r.target),
            found(r),
            cell(&r.command).replace('`', "'"),
            cell(&r.evidence)
        );
    }
    let quiet = quiet_lines(&report.cicd);
    if !quiet.is_empty() {
        let _ = writeln!(w);
    }
    for line in quiet {
        let _ = writeln!(w, "- {}", cell(&line));
    }
}

/// CSV rows (kind `cicd`) in the report's 13 columns.
pub(crate) fn csv_rows(report: &GapReport) -> Vec<[String; 13]> {
    rows(&report.cicd)
        .into_iter()
        .map(|r| {
            let ids: Vec<&str> = r.resolved.iter().map(|i| i.as_str()).collect();
            [
                String::new(),
                r.pipeline_id.as_str().to_string(),
                "cicd".into(),
                format!("{} › {}: {}", r.project, r.pipeline, r.job),
                String::new(),
                String::new(),
                r.target.clone(),
                ids.join(" "),
                format!("{}: {} ({})", r.action, r.command, r.evidence),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]
        })
        .collect()
}

/// The HTML section; `esc` escapes element text.
pub(crate) fn html(report: &GapReport, w: &mut String, esc: impl Fn(&str) -> String) {
    let _ = writeln!(w, "<h2 id=\"cicd\">CI/CD</h2>");
    if let Some(n) = note(report) {
        let _ = writeln!(w, "<p class=\"muted\">{}</p>", esc(&n));
    }
    let rows = rows(&report.cicd);
    if !rows.is_empty() {
        let _ = writeln!(
            w,
            "<table><tr><th>Project</th><th>Pipeline</th><th>Block / job</th><th>Step</th><th>Deploys to</th><th>Command</th><th>Evidence</th></tr>"
        );
        for r in &rows {
            let _ = writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}<br><span class=\"muted\">{}</span></td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&r.project),
                esc(&r.pipeline),
                esc(&r.job),
                esc(&r.action),
                esc(&r.target),
                found(r),
                esc(&r.command),
                esc(&r.evidence)
            );
        }
        let _ = writeln!(w, "</table>");
    }
    let quiet = quiet_lines(&report.cicd);
    if !quiet.is_empty() {
        let _ = writeln!(w, "<ul>");
        for line in quiet {
            let _ = writeln!(w, "<li>{}</li>", esc(&line));
        }
        let _ = writeln!(w, "</ul>");
    }
}
