//! The graph view on 100,000 resources: building the tree of one app (as every key and
//! frame in the view does) at the default depth, at the deepest with other apps followed,
//! and one keystroke plus frame. Target: keystroke and frame under 16 ms.

mod support;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use ferry::inventory::Inventory;
use ferry::model::ResourceId;
use ferry::tui::graph::{GraphOptions, MAX_DEPTH, build};
use ferry::tui::keymap::KeyPress;
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, handle_key, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn graph(c: &mut Criterion) {
    let inventory = Inventory::from_sources(&support::estate(100_000));
    let mut state = AppState::new(inventory, Utc::now(), "bench");
    let root = ResourceId::from_raw("heroku:app/app-00000");
    assert!(
        state.inventory.get(&root).is_some(),
        "the estate has app-00000"
    );
    let mut group = c.benchmark_group("graph_100k");
    group.sample_size(20);
    group.bench_function("tree_default_depth", |b| {
        b.iter(|| build(&state, &root, GraphOptions::default()))
    });
    let deepest = GraphOptions {
        depth: MAX_DEPTH,
        across_apps: true,
    };
    println!(
        "rows: {} at the default depth, {} at {MAX_DEPTH} levels across apps",
        build(&state, &root, GraphOptions::default()).len(),
        build(&state, &root, deepest).len()
    );
    group.bench_function("tree_deepest_across_apps", |b| {
        b.iter(|| build(&state, &root, deepest))
    });
    // In the view: `j` moves the cursor (the tree is rebuilt to know its length), then a
    // frame draws it again.
    state.reveal(&root);
    handle_key(&mut state, KeyPress::ch('4'));
    let theme = Theme::named("dark", true);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut down = false;
    group.bench_function("keystroke_and_frame", |b| {
        b.iter(|| {
            down = !down;
            handle_key(&mut state, KeyPress::ch(if down { 'j' } else { 'k' }));
            terminal
                .draw(|f| view::draw(f, &mut state, &theme))
                .unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, graph);
criterion_main!(benches);
