//! The demo estate's gap report in every format, as insta snapshots, plus format checks.

use chrono::{TimeZone, Utc};
use ferry::commands::demo::{DEMO_LEDGER, demo_file};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::report::{Format, ReportMeta, render};
use ferry::rules::Rules;
use std::path::Path;

fn demo_report(format: Format) -> String {
    let inv = Inventory::from_sources(&demo_file().unwrap().sources);
    let ledger = Ledger::parse(DEMO_LEDGER, Path::new("ledger.toml")).unwrap();
    let gap = ferry::commands::gaps::analyze_inventory(&inv, &ledger, &Rules::default());
    let meta = ReportMeta {
        generated_at: Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
        snapshots: inv.snapshots.clone(),
    };
    render(format, &gap, &meta)
}

#[test]
fn markdown() {
    insta::assert_snapshot!(demo_report(Format::Md));
}

#[test]
fn csv() {
    insta::assert_snapshot!(demo_report(Format::Csv));
}

#[test]
fn json() {
    insta::assert_snapshot!(demo_report(Format::Json));
}

#[test]
fn html() {
    insta::assert_snapshot!(demo_report(Format::Html));
}

#[test]
fn json_has_the_documented_top_level_shape() {
    let v: serde_json::Value = serde_json::from_str(&demo_report(Format::Json)).unwrap();
    assert_eq!(v["ferry_report"], ferry::report::REPORT_SCHEMA_VERSION);
    for key in [
        "generated_at",
        "snapshots",
        "summary",
        "apps",
        "dns",
        "orphans",
        "data",
        "aws_only",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let item = &v["apps"][0]["items"][0];
    for key in [
        "id",
        "app",
        "kind",
        "name",
        "counterparts",
        "computed",
        "status",
        "reasons",
        "contradictions",
        "decision",
    ] {
        assert!(item.get(key).is_some(), "item lacks {key}: {item}");
    }
    assert_eq!(v["orphans"][0], "heroku:app/acme-legacy-admin");
}

#[test]
fn html_is_self_contained() {
    let html = demo_report(Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing that loads from elsewhere (drain URLs may appear as text, never as links).
    for forbidden in [
        "<script",
        " src=",
        "<link",
        "url(",
        "@import",
        "href=\"http",
        "<iframe",
    ] {
        assert!(
            !html.contains(forbidden),
            "HTML report contains `{forbidden}`"
        );
    }
    assert!(html.contains("<style>"), "styles are inline");
}

#[test]
fn csv_has_one_row_per_item() {
    let text = demo_report(Format::Csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let kinds: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    let inv = Inventory::from_sources(&demo_file().unwrap().sources);
    let gap = ferry::commands::gaps::analyze_inventory(&inv, &Ledger::default(), &Rules::default());
    // One `data` row per source saying what the items rest on, one `aws_only` row per AWS
    // resource no item matched, the other sections' rows (CI/CD, IaC) by their own kinds,
    // and one row per item.
    assert_eq!(count("data"), gap.data.len());
    assert!(gap.aws_only.count > 0);
    assert_eq!(count("aws_only"), gap.aws_only.count);
    let sections = ["data", "aws_only", "cicd", "iac", "iac_state"];
    let items = kinds
        .iter()
        .filter(|k| !sections.contains(&k.as_str()))
        .count();
    assert_eq!(items, gap.items().count());
}

#[test]
fn no_secret_values_reach_a_report() {
    // The demo holds names only; make sure no report invents a `value` field either.
    for format in [Format::Md, Format::Csv, Format::Json, Format::Html] {
        let text = demo_report(format);
        assert!(
            !text.contains("\"value\""),
            "{format:?} report has a value field"
        );
    }
}
