//! The report's `iac` section in every format, from the fixture states matched against
//! the fixture AWS snapshot (tests/fixtures/iac).

use chrono::{TimeZone, Utc};
use std::path::Path;

use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::SourceSnapshot;
use ferry::report::{Format, ReportMeta, render};
use ferry::rules::Rules;
use ferry::sources::iac::{IacOptions, fetch};
use ferry::sources::progress::discard;

async fn report(format: Format, rules: &Rules) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iac");
    let states = ["terraform", "opentofu/net", "legacy", "odd"]
        .map(|s| dir.join("states").join(s).to_string_lossy().into_owned());
    let opts = IacOptions {
        locations: states.to_vec(),
        ..IacOptions::default()
    };
    let iac = fetch(&opts, None, discard()).await.snapshot.unwrap();
    let aws: SourceSnapshot =
        serde_json::from_str(&std::fs::read_to_string(dir.join("aws.json")).unwrap()).unwrap();
    let inv = Inventory::from_sources(&[aws, iac]);
    let ledger = Ledger::parse("", Path::new("ledger.toml")).unwrap();
    let gap = ferry::commands::gaps::analyze_inventory(&inv, &ledger, rules);
    let meta = ReportMeta {
        generated_at: Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
        snapshots: inv.snapshots.clone(),
    };
    render(format, &gap, &meta)
}

#[tokio::test]
async fn json_has_coverage_resources_and_states() {
    let text = report(Format::Json, &Rules::default()).await;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["ferry_report"], 3);
    let iac = &v["iac"];
    assert_eq!(iac["coverage"]["managed"], 39);
    assert_eq!(iac["coverage"]["unmanaged"], 7);
    assert_eq!(iac["coverage"]["percent"], 84.8);
    assert_eq!(iac["coverage"]["by_service"]["Route 53"]["managed"], 6);
    let rows = iac["resources"].as_array().unwrap();
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let svc = row("aws:arn:aws:ecs:eu-west-1:111122223333:service/main/orders-api");
    assert_eq!(svc["status"], "managed");
    assert_eq!(
        svc["address"],
        "module.orders_service.aws_ecs_service.this[0]"
    );
    assert!(
        svc["state"]
            .as_str()
            .unwrap()
            .ends_with("terraform/live/app/terraform.tfstate")
    );
    assert_eq!(
        row("aws:arn:aws:s3:::acme-logs-by-hand")["status"],
        "unmanaged"
    );
    let ghost = rows
        .iter()
        .find(|r| r["address"] == "aws_ecs_service.ghost")
        .unwrap();
    assert_eq!(ghost["status"], "in_state_not_in_aws");
    let states = iac["states"].as_array().unwrap();
    let status = |suffix: &str| {
        states
            .iter()
            .find(|s| s["location"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix}"))["status"]
            .clone()
    };
    assert_eq!(status("terraform/live/app/terraform.tfstate"), "read");
    assert_eq!(status("terraform/copy/terraform.tfstate"), "skipped");
    assert_eq!(status("odd/empty.tfstate"), "skipped");
    assert!(!text.contains("FERRY-IAC-CANARY"));
}

#[tokio::test]
async fn markdown_csv_and_html_show_the_section() {
    let md = report(Format::Md, &Rules::default()).await;
    assert!(md.contains("## Infrastructure as code"), "{md}");
    assert!(md.contains("IaC: 39 managed, 7 unmanaged (84.8 % managed), 2 in state not in AWS"));
    assert!(md.contains("| aws:arn:aws:s3:::acme-logs-by-hand | unmanaged |"));
    assert!(md.contains("created by hand: import it into Terraform"));
    let csv = report(Format::Csv, &Rules::default()).await;
    assert!(
        csv.lines()
            .any(|l| l.starts_with(",aws:arn:aws:s3:::acme-logs-by-hand,iac,,unmanaged")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",iac_state,") && l.contains("empty object"))
    );
    let html = report(Format::Html, &Rules::default()).await;
    assert!(html.contains("<h2 id=\"iac\">Infrastructure as code</h2>"));
    assert!(html.contains("aws_ecs_service.ghost"));
}
