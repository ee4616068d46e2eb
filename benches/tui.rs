//! The explorer with 100,000 resources: time to first frame from a warm cache (load,
//! analysis, trees, draw), one filter keystroke, and one frame. Targets: first frame under
//! 500 ms; keystroke and frame under 16 ms.

mod support;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use ferry::store::Store;
use ferry::tui::keymap::KeyPress;
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, handle_key, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(state: &mut AppState, terminal: &mut Terminal<TestBackend>) {
    let theme = Theme::named("dark", true);
    terminal.draw(|f| view::draw(f, state, &theme)).unwrap();
}

/// One keystroke into the open filter: a `3` typed, or erased the next time, so every
/// iteration changes the query.
fn type_or_erase(state: &mut AppState, flip: &mut bool) {
    *flip = !*flip;
    let key = if *flip {
        KeyPress::ch('3')
    } else {
        KeyPress::plain(crossterm::event::KeyCode::Backspace)
    };
    handle_key(state, key);
}

fn tui(c: &mut Criterion) {
    let (_dir, path) = support::cache_with(100_000);
    let mut group = c.benchmark_group("tui_100k");
    group.sample_size(10);
    group.bench_function("first_frame_from_warm_cache", |b| {
        b.iter_with_large_drop(|| {
            let inventory = Store::open(&path).unwrap().load_latest().unwrap();
            // As `ferry` does: the trees first, the analysis right after the first frame.
            let mut state = AppState::unanalyzed(inventory, Utc::now(), "cache");
            let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
            draw(&mut state, &mut terminal);
            state
        })
    });
    group.bench_function("analysis_after_first_frame", |b| {
        let inventory = Store::open(&path).unwrap().load_latest().unwrap();
        let mut state = AppState::unanalyzed(inventory, Utc::now(), "cache");
        b.iter(|| state.reanalyze())
    });

    let inventory = Store::open(&path).unwrap().load_latest().unwrap();
    let mut state = AppState::new(inventory, Utc::now(), "cache");
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    draw(&mut state, &mut terminal);
    group.bench_function("draw_one_frame", |b| {
        b.iter(|| draw(&mut state, &mut terminal))
    });

    // One keystroke into an open filter: the query grows by a character and every pane,
    // table and mask is recomputed. Alternate two queries so each iteration does the work.
    handle_key(&mut state, KeyPress::ch('/'));
    for c in "app-0012".chars() {
        handle_key(&mut state, KeyPress::ch(c));
    }
    let mut flip = false;
    group.bench_function("filter_keystroke", |b| {
        b.iter(|| type_or_erase(&mut state, &mut flip))
    });
    // The worst case: a query never typed before, over all 100,000 resources.
    let mut n = 0u32;
    group.bench_function("filter_cold_query", |b| {
        b.iter(|| {
            n += 1;
            ferry::tui::input::set_filter(&mut state, &format!("res-{}", n % 997));
            state.filter_cache.clear();
        })
    });
    ferry::tui::input::set_filter(&mut state, "app-0012");
    group.bench_function("filter_keystroke_and_frame", |b| {
        b.iter(|| {
            type_or_erase(&mut state, &mut flip);
            draw(&mut state, &mut terminal);
        })
    });
    group.finish();
}

criterion_group!(benches, tui);
criterion_main!(benches);
