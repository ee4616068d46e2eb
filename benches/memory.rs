//! Peak heap while loading 100,000 resources from the cache and while analysing 2,000 apps
//! in 100,000 resources, measured with a counting allocator (precise, unlike process RSS,
//! which includes building the synthetic data). Prints the figures; run with
//! `cargo bench --bench memory`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`; measure only under
    // `cargo bench`, where a release build makes the figures mean something.
    if !std::env::args().any(|a| a == "--bench") {
        println!("memory: skipped (measured only under `cargo bench`)");
        return;
    }
    let (_dir, path) = support::cache_with(100_000);
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let start = Instant::now();
    let store = ferry::store::Store::open(&path).unwrap();
    let inv = store.load_latest().unwrap();
    let elapsed = start.elapsed();
    let peak = PEAK.load(Relaxed) - before;
    let resident = CURRENT.load(Relaxed) - before;
    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!(
        "memory: loaded {} resources in {:.0} ms; peak heap during load {:.1} MiB, held after load {:.1} MiB",
        inv.resources.len(),
        elapsed.as_secs_f64() * 1000.0,
        mib(peak),
        mib(resident)
    );
    drop(inv);
    drop(store);

    let inv = ferry::inventory::Inventory::from_sources(&support::estate_with_apps(100_000, 2_000));
    let (rules, ledger) = (
        ferry::rules::Rules::default(),
        ferry::ledger::Ledger::default(),
    );
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let start = Instant::now();
    let report = ferry::commands::gaps::analyze_inventory(&inv, &ledger, &rules);
    let elapsed = start.elapsed();
    println!(
        "memory: analysed {} apps ({} items) in {} resources in {:.0} ms; peak extra heap {:.1} MiB",
        report.apps.len(),
        report.summary.items,
        inv.resources.len(),
        elapsed.as_secs_f64() * 1000.0,
        mib(PEAK.load(Relaxed) - before)
    );
}
