//! Gap analysis of a synthetic estate: 2,000 apps in 100,000 resources. Target < 500 ms.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::rules::Rules;

fn analysis(c: &mut Criterion) {
    let inv = Inventory::from_sources(&support::estate_with_apps(100_000, 2_000));
    let rules = Rules::default();
    let ledger = Ledger::default();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("links_100k", |b| b.iter(|| ferry::links::derive(&inv)));
    let links = ferry::links::derive(&inv);
    group.bench_function("gap_2000_apps_100k", |b| {
        b.iter_with_large_drop(|| ferry::gap::analyze(&inv, &links, &rules, &ledger))
    });
    group.bench_function("links_and_gap_2000_apps_100k", |b| {
        b.iter_with_large_drop(|| ferry::commands::gaps::analyze_inventory(&inv, &ledger, &rules))
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
