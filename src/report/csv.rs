//! The CSV report: one row per migration item, for spreadsheets.

use crate::gap::GapReport;

const HEADER: [&str; 13] = [
    "app",
    "item_id",
    "kind",
    "name",
    "status",
    "computed_status",
    "counterparts",
    "counterpart_ids",
    "reasons",
    "contradictions",
    "note",
    "marked_by",
    "marked_at",
];

pub fn render(report: &GapReport) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("in-memory write");
    // Spreadsheets and `column`/`cat` show cells as they are: controls are escaped.
    let e = |s: &str| crate::text::escape(s).into_owned();
    for item in report.items() {
        let ids: Vec<&str> = item.counterparts.iter().map(|c| c.id.as_str()).collect();
        let decision = item.decision.as_ref();
        w.write_record([
            &e(&item.app),
            &e(item.id.as_str()),
            item.kind.as_str(),
            &e(&item.name),
            item.status.as_str(),
            item.computed.as_str(),
            &e(&super::counterparts_line(item)),
            &e(&ids.join(" ")),
            &e(&item.reasons.join("; ")),
            &e(&item.contradictions.join("; ")),
            &e(decision.and_then(|d| d.note.as_deref()).unwrap_or("")),
            &e(decision.map(|d| d.by.as_str()).unwrap_or("")),
            &decision.map(|d| d.at.to_rfc3339()).unwrap_or_default(),
        ])
        .expect("in-memory write");
    }
    // The CI/CD section as rows of kind `cicd`: one per deploy step.
    for row in super::cicd::csv_rows(report) {
        w.write_record(row.iter().map(|c| e(c)))
            .expect("in-memory write");
    }
    // The IaC section as rows of kind `iac` (per resource) and `iac_state` (per state).
    for row in super::iac::csv_rows(report) {
        w.write_record(row.iter().map(|c| e(c))).expect("in-memory write");
    }
    // The data section as rows of kind `data`, so the one table says what it rests on.
    for d in &report.data {
        let id = format!("data:{}", d.source.as_str());
        let state = if d.taken_at.is_none() {
            "not_fetched"
        } else if d.complete() {
            "complete"
        } else {
            "incomplete"
        };
        let mut row = vec![
            "",
            id.as_str(),
            "data",
            d.source.as_str(),
            state,
            state,
            "",
            "",
        ];
        let line = d.line();
        row.push(&line);
        row.extend(["", "", "", ""]);
        w.write_record(row).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush"))
        .expect("csv of UTF-8 input is UTF-8")
}
