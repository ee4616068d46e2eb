//! The exported gap report: Markdown, CSV, JSON (versioned schema, see
//! docs/report-schema.md) and a self-contained HTML page. Pure: (report, meta) → text.

mod cicd;
mod csv;
mod html;
mod iac;
mod json;
mod markdown;

use chrono::{DateTime, Utc};

use crate::gap::{GapReport, Item, Status};
use crate::inventory::SnapshotMeta;

pub use json::REPORT_SCHEMA_VERSION;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Json,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// What the report says about its own making.
#[derive(Debug, Clone)]
pub struct ReportMeta {
    pub generated_at: DateTime<Utc>,
    /// The snapshot each source's data comes from.
    pub snapshots: Vec<SnapshotMeta>,
}

pub fn render(format: Format, report: &GapReport, meta: &ReportMeta) -> String {
    match format {
        Format::Md => markdown::render(report, meta),
        Format::Csv => csv::render(report),
        Format::Json => json::render(report, meta),
        Format::Html => html::render(report, meta),
    }
}

/// Counterparts as one line: `acme-api-web (tag)`.
pub(crate) fn counterparts_line(item: &Item) -> String {
    item.counterparts
        .iter()
        .map(|c| format!("{} ({})", c.name, via_label(&c.via)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn via_label(via: &crate::gap::MatchMethod) -> String {
    use crate::gap::MatchMethod::*;
    match via {
        Ledger => "ledger pin".into(),
        Tag => "tag".into(),
        Name => "name".into(),
        Similarity(s) => format!("similar name {s:.2}"),
        Derived => "derived".into(),
    }
}

/// Reasons, contradictions and the ledger note as one list of remarks.
pub(crate) fn remarks(item: &Item) -> Vec<String> {
    let mut out: Vec<String> = item
        .contradictions
        .iter()
        .map(|c| format!("CONTRADICTION: {c}"))
        .collect();
    out.extend(item.reasons.iter().cloned());
    if let Some(d) = &item.decision
        && let Some(note) = &d.note
    {
        out.push(format!(
            "note ({}, {}): {note}",
            d.by,
            d.at.format("%Y-%m-%d")
        ));
    }
    if item.decision.is_some() && item.computed != item.status {
        out.push(format!("checks say: {}", item.computed));
    }
    out
}

/// The "data" section: one line per source (when fetched, what failed or was
/// unavailable, whether an older snapshot stands in), so a reader knows what the
/// statuses rest on.
pub(crate) fn data_lines(report: &GapReport) -> Vec<String> {
    report.data.iter().map(|d| d.line()).collect()
}

/// Whether every source's data is complete and current.
pub(crate) fn data_complete(report: &GapReport) -> bool {
    report.data.iter().all(|d| d.complete())
}

/// The DNS table's "move to" cell: the AWS endpoint, or "done" when the hostname already
/// points at AWS (repeating the target as a move would read as work left).
pub(crate) fn move_to_cell(row: &crate::gap::DnsRow) -> String {
    match (&row.points_to, &row.move_to) {
        (crate::gap::PointsTo::Aws { .. }, Some(_)) => "done (on AWS)".into(),
        (_, m) => m.clone().unwrap_or_default(),
    }
}

pub(crate) fn status_counts(report: &GapReport) -> Vec<(Status, usize)> {
    Status::ALL
        .iter()
        .map(|s| (*s, report.summary.by_status.get(s).copied().unwrap_or(0)))
        .collect()
}

pub(crate) fn sources_line(meta: &ReportMeta) -> String {
    if meta.snapshots.is_empty() {
        return "no cached snapshots".into();
    }
    meta.snapshots
        .iter()
        .map(|s| {
            format!(
                "{} {} ({} resources)",
                s.source,
                s.taken_at.format("%Y-%m-%d %H:%M UTC"),
                s.resource_count
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "AWS only" section's lead: unknown with why (never "none" on unread data), none,
/// or how many are listed.
pub(crate) fn aws_only_lead(a: &crate::gap::AwsOnly) -> String {
    let partly = a.groups.iter().any(|g| g.unknown.is_some());
    match (&a.unknown, a.count) {
        (Some(why), n) => format!(
            "Unknown: {why}. Listed: {n} resource(s) that were read and that no Heroku item matched; more may exist."
        ),
        (None, 0) if !partly => {
            "None: every AWS resource of the kinds Ferry matches has a Heroku counterpart.".into()
        }
        (None, n) => format!(
            "{n} AWS resource(s) that no Heroku item matched, per kind, with why. Informational: they change no status.{}",
            if partly {
                " Some kinds were not fully read (below): more may exist."
            } else {
                ""
            }
        ),
    }
}

/// Groups worth a heading: with resources, or not fully read for a reason of their own
/// (the section's lead already says when a whole source was not read).
pub(crate) fn aws_only_groups(
    a: &crate::gap::AwsOnly,
) -> impl Iterator<Item = &crate::gap::AwsOnlyGroup> {
    a.groups
        .iter()
        .filter(move |g| !g.resources.is_empty() || (g.unknown.is_some() && g.unknown != a.unknown))
}

/// A group's note when it was not fully read (and the lead does not already say so).
pub(crate) fn aws_only_group_note(
    a: &crate::gap::AwsOnly,
    g: &crate::gap::AwsOnlyGroup,
) -> Option<String> {
    let why = g.unknown.as_ref().filter(|_| g.unknown != a.unknown)?;
    Some(if g.resources.is_empty() {
        format!("unknown: {why}")
    } else {
        format!("not fully read, more may exist: {why}")
    })
}

/// Where a resource is: `123456789012 eu-west-1`.
pub(crate) fn aws_only_place(r: &crate::gap::AwsOnlyResource) -> String {
    match &r.region {
        Some(region) => format!("{} {region}", r.account),
        None => r.account.clone(),
    }
}

/// Why nothing matched, and why that may be wrong.
pub(crate) fn aws_only_why(r: &crate::gap::AwsOnlyResource) -> String {
    match &r.uncertain {
        Some(u) => format!("{}; uncertain: {u}", r.why),
        None => r.why.clone(),
    }
}
