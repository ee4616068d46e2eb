//! The JSON report. Its schema is versioned (`ferry_report`) and documented in
//! docs/report-schema.md; bump the version on any incompatible change.

use serde::Serialize;

use super::ReportMeta;
use crate::gap::GapReport;
use crate::inventory::SnapshotMeta;

pub const REPORT_SCHEMA_VERSION: u32 = 3;

#[derive(Serialize)]
struct Document<'a> {
    ferry_report: u32,
    generated_at: String,
    snapshots: &'a [SnapshotMeta],
    #[serde(flatten)]
    report: &'a GapReport,
}

pub fn render(report: &GapReport, meta: &ReportMeta) -> String {
    let doc = Document {
        ferry_report: REPORT_SCHEMA_VERSION,
        generated_at: meta.generated_at.to_rfc3339(),
        snapshots: &meta.snapshots,
        report,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("report serializes");
    out.push('\n');
    out
}
