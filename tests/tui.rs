//! The terminal UI on the demo estate: screen snapshots (insta + TestBackend) and key
//! sequences driven through the keymap and the update function.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ferry::commands::demo::demo_file;
use ferry::inventory::Inventory;
use ferry::model::Kind;
use ferry::tui::keymap::KeyPress;
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, Effect, handle_key, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_state() -> AppState {
    let file = demo_file().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    AppState::new(Inventory::from_sources(&file.sources), now, "demo")
}

fn render(state: &mut AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| view::draw(f, state, &Theme::from_env()))
        .unwrap();
    terminal
}

fn press(state: &mut AppState, keys: &str) -> Effect {
    let mut effect = Effect::None;
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        let key = KeyPress::from_event(&KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
        effect = handle_key(state, key);
    }
    effect
}

fn selected_name(state: &AppState) -> Option<String> {
    state.selected_resource().map(|r| r.name.clone())
}

#[test]
fn first_screen() {
    let mut state = demo_state();
    insta::assert_snapshot!(render(&mut state, 140, 40).backend());
}

#[test]
fn first_screen_at_80x24() {
    let mut state = demo_state();
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn help_overlay() {
    let mut state = demo_state();
    press(&mut state, "?");
    assert!(state.show_help);
    insta::assert_snapshot!(render(&mut state, 100, 30).backend());
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut state = demo_state();
    press(&mut state, "?");
    let screen = render(&mut state, 120, 40).backend().to_string();
    for (_, keys, desc) in state.keymap.help_rows() {
        assert!(screen.contains(desc), "help lacks `{desc}`");
        assert!(screen.contains(keys.as_str()), "help lacks keys `{keys}`");
    }
}

#[test]
fn expanded_app_with_details() {
    let mut state = demo_state();
    // Down to the first app, expand it, step onto its first part.
    while state
        .selected_resource()
        .is_none_or(|r| r.kind != Kind::App)
    {
        press(&mut state, "j");
    }
    press(&mut state, "\n");
    press(&mut state, "jj");
    insta::assert_snapshot!(render(&mut state, 140, 40).backend());
}

#[test]
fn j_k_gg_and_g_move_the_selection() {
    let mut state = demo_state();
    let rows = state.pane().rows.len();
    assert!(rows > 5);
    press(&mut state, "jjj");
    assert_eq!(state.pane().selected, 3);
    press(&mut state, "k");
    assert_eq!(state.pane().selected, 2);
    press(&mut state, "G");
    assert_eq!(state.pane().selected, rows - 1);
    press(&mut state, "j");
    assert_eq!(state.pane().selected, rows - 1, "stops at the bottom");
    press(&mut state, "gg");
    assert_eq!(state.pane().selected, 0);
    press(&mut state, "k");
    assert_eq!(state.pane().selected, 0, "stops at the top");
}

#[test]
fn a_lone_g_then_another_key_still_acts_on_that_key() {
    let mut state = demo_state();
    press(&mut state, "gj");
    assert_eq!(state.pane().selected, 1);
    assert!(state.pending.is_empty());
}

#[test]
fn enter_expands_an_app_and_h_goes_back_up_and_collapses() {
    let mut state = demo_state();
    while state
        .selected_resource()
        .is_none_or(|r| r.kind != Kind::App)
    {
        press(&mut state, "j");
    }
    let app = selected_name(&state).unwrap();
    let before = state.pane().rows.len();
    press(&mut state, "l");
    let after = state.pane().rows.len();
    assert!(
        after > before + 2,
        "expanding shows the app's parts ({before} → {after})"
    );
    // Step into a part: its parent chain leads back to the app.
    press(&mut state, "jj");
    let part = state
        .selected_resource()
        .expect("a part of the app")
        .clone();
    assert_eq!(
        part.parent.as_ref().map(|p| p.as_str().to_string()),
        Some(format!("heroku:app/{app}"))
    );
    // h: up to the kind group; h: collapse it; h: up to the app.
    press(&mut state, "h");
    assert!(
        state.selected_resource().is_none(),
        "on the part's kind group"
    );
    press(&mut state, "hh");
    assert_eq!(selected_name(&state).as_deref(), Some(app.as_str()));
    press(&mut state, "\x1b");
    assert_eq!(
        state.pane().rows.len(),
        before,
        "Esc collapses the app again"
    );
}

#[test]
fn tab_and_shift_tab_cycle_the_panes() {
    let mut state = demo_state();
    assert_eq!(state.focus, 0);
    press(&mut state, "\t");
    assert_eq!(state.focus, 1);
    press(&mut state, "\t\t");
    assert_eq!(state.focus, 0, "wraps around");
    let back = KeyPress::from_event(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)).unwrap();
    handle_key(&mut state, back);
    assert_eq!(state.focus, 2);
}

#[test]
fn help_is_modal_and_q_or_ctrl_c_quit() {
    let mut state = demo_state();
    press(&mut state, "?j");
    assert!(state.show_help);
    assert_eq!(
        state.pane().selected,
        0,
        "keys do not leak through the help overlay"
    );
    press(&mut state, "\x1b");
    assert!(!state.show_help);
    assert_eq!(press(&mut state, "q"), Effect::Quit);
    let ctrl_c =
        KeyPress::from_event(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
    assert_eq!(handle_key(&mut demo_state(), ctrl_c), Effect::Quit);
}

#[test]
fn every_pane_shows_its_providers_resources() {
    let mut state = demo_state();
    let screen = render(&mut state, 140, 40).backend().to_string();
    for title in ["Heroku (", "Cloudflare (", "AWS ("] {
        assert!(screen.contains(title), "missing pane {title}");
    }
    for (i, pane) in state.panes.iter().enumerate() {
        assert!(!pane.rows.is_empty(), "pane {i} is empty");
    }
}

#[test]
fn an_empty_cache_says_what_to_do() {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    let mut state = AppState::new(Inventory::default(), now, "cache");
    let screen = render(&mut state, 120, 30).backend().to_string();
    assert!(screen.contains("No Heroku data cached."), "{screen}");
    assert!(screen.contains("ferry demo"), "{screen}");
    assert!(screen.contains("no data"), "status bar says so: {screen}");
    press(&mut state, "jjGgg\n\x1bh\t");
}
