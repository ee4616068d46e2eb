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
        w.write_record(row.iter().map(|c| e(c)))
            .expect("in-memory write");
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
    aws_only(&mut w, report);
    String::from_utf8(w.into_inner().expect("in-memory flush"))
        .expect("csv of UTF-8 input is UTF-8")
}

/// The AWS-only section as rows of kind `aws_only`: one per resource (status `aws_only`,
/// the group in `counterparts`), and one `unknown` row per part not read.
fn aws_only(w: &mut ::csv::Writer<Vec<u8>>, report: &GapReport) {
    let e = |s: &str| crate::text::escape(s).into_owned();
    let a = &report.aws_only;
    let mut unknown_row = |id: String, label: &str, why: &str| {
        let mut row = vec![String::new(), id, "aws_only".into(), label.into()];
        row.extend([
            "unknown".into(),
            "unknown".into(),
            String::new(),
            String::new(),
        ]);
        row.push(e(why));
        row.extend(std::iter::repeat_n(String::new(), 4));
        w.write_record(row).expect("in-memory write");
    };
    if let Some(why) = &a.unknown {
        unknown_row("aws_only".into(), "AWS only", why);
    }
    for g in &a.groups {
        if let Some(why) = g.unknown.as_ref().filter(|_| g.unknown != a.unknown) {
            unknown_row(format!("aws_only:{}", g.kind.as_str()), &g.label, why);
        }
    }
    for g in &a.groups {
        for r in &g.resources {
            w.write_record([
                &e(r.app.as_deref().unwrap_or("")),
                &e(r.id.as_str()),
                "aws_only",
                &e(&r.name),
                "aws_only",
                "aws_only",
                &e(&g.label),
                "",
                &e(&super::aws_only_why(r)),
                "",
                "",
                "",
                "",
            ])
            .expect("in-memory write");
        }
    }
}
