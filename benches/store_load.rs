//! Time to load the newest snapshots of 100,000 resources from the SQLite cache.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use ferry::store::Store;

fn load(c: &mut Criterion) {
    let (_dir, path) = support::cache_with(100_000);
    let mut group = c.benchmark_group("store");
    group.sample_size(20);
    group.bench_function("open_and_load_latest_100k", |b| {
        // Dropping 100k resources is not part of loading; keep it out of the timing.
        b.iter_with_large_drop(|| {
            let store = Store::open(&path).unwrap();
            let inv = store.load_latest().unwrap();
            assert!(inv.resources.len() >= 99_000);
            inv
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
