//! The gap pass on the demo estate: with IaC states, an item whose AWS counterpart is in no
//! state is at most partial ("created by hand"); the rule turns it off; without a state
//! nothing changes.

use std::path::Path;

use ferry::commands::demo::{DEMO_LEDGER, demo_file};
use ferry::gap::{GapReport, Status};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::Provider;
use ferry::rules::Rules;

fn analyze(with_iac: bool, rules: &Rules) -> GapReport {
    let sources: Vec<_> = demo_file()
        .unwrap()
        .sources
        .into_iter()
        .filter(|s| with_iac || s.source != Provider::Iac)
        .collect();
    let inv = Inventory::from_sources(&sources);
    let ledger = Ledger::parse(DEMO_LEDGER, Path::new("ledger.toml")).unwrap();
    ferry::commands::gaps::analyze_inventory(&inv, &ledger, rules)
}

fn by_hand(report: &GapReport) -> Vec<(String, Status)> {
    report
        .items()
        .filter(|i| i.reasons.iter().any(|r| r.starts_with("created by hand")))
        .map(|i| (format!("{}/{}", i.app, i.kind.as_str()), i.computed))
        .collect()
}

#[test]
fn an_unmanaged_counterpart_makes_a_ready_item_partial() {
    let report = analyze(true, &Rules::default());
    let hand = by_hand(&report);
    assert!(
        hand.contains(&("acme-ingest/process".to_string(), Status::Partial)),
        "{hand:?}"
    );
    assert!(hand.iter().all(|(_, s)| *s == Status::Partial), "{hand:?}");
    let iac = report.iac.as_ref().expect("the demo has IaC states");
    assert!(iac.coverage.overall.unmanaged > 0 && iac.coverage.overall.managed > 0);
    assert!(iac.coverage.overall.in_state_not_in_aws >= 2);
}

#[test]
fn the_rule_turns_it_off_and_without_a_state_nothing_changes() {
    let mut rules = Rules::default();
    rules.iac.unmanaged_is_partial = false;
    let off = analyze(true, &rules);
    assert!(by_hand(&off).is_empty());
    let without = analyze(false, &Rules::default());
    assert!(by_hand(&without).is_empty());
    assert!(without.iac.is_none());
    // The same items, the same statuses, as without the pass.
    let statuses = |r: &GapReport| {
        r.items()
            .map(|i| (i.id.clone(), i.computed))
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses(&off), statuses(&without));
    let on = analyze(true, &Rules::default());
    assert_ne!(
        statuses(&on),
        statuses(&without),
        "the pass changed something"
    );
}
