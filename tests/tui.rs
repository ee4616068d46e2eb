//! The terminal UI on the demo estate: screen snapshots (insta + TestBackend) and key
//! sequences driven through the keymap and the update function.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ferry::commands::demo::demo_file;
use ferry::inventory::Inventory;
use ferry::model::Kind;
use ferry::tui::keymap::KeyPress;
use ferry::tui::state::Focus;
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
fn narrow_help_is_one_column_that_scrolls_to_every_binding() {
    let mut state = demo_state();
    press(&mut state, "?");
    let first = render(&mut state, 80, 24).backend().to_string();
    assert!(first.contains("j/k scroll (1-22 of 47)"), "{first}");
    assert!(
        first.contains("expand; on a link or row: jump to it"),
        "descriptions are whole, not cut: {first}"
    );
    press(&mut state, "G");
    let last = render(&mut state, 80, 24).backend().to_string();
    assert!(
        last.contains("(26-47 of 47)") && last.contains("quit"),
        "{last}"
    );
    press(&mut state, "k");
    let up = render(&mut state, 80, 24).backend().to_string();
    assert!(up.contains("(25-46 of 47)"), "{up}");
    press(&mut state, "?");
    assert!(!state.show_help);
    press(&mut state, "?");
    let again = render(&mut state, 80, 24).backend().to_string();
    assert!(
        again.contains("(1-22 of 47)"),
        "reopens at the top: {again}"
    );
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
    for _ in 1..state.panes.len() {
        press(&mut state, "\t");
    }
    assert_eq!(state.focused, Focus::Pane(0), "wraps around");
    let back = KeyPress::from_event(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)).unwrap();
    handle_key(&mut state, back);
    let last = state.panes.len() - 1;
    assert_eq!(state.focus, last);
    press(&mut state, "L");
    assert_eq!(state.focused, Focus::Links, "L moves into the links list");
    press(&mut state, "\x1b");
    assert_eq!(state.focused, Focus::Pane(last));
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
    // `q` closes the help like other overlays, then quits.
    press(&mut state, "?");
    assert_eq!(press(&mut state, "q"), Effect::None);
    assert!(!state.show_help);
    assert_eq!(press(&mut state, "q"), Effect::Quit);
    // Ctrl-c quits from anywhere: the help, the filter line, the mark form.
    let ctrl_c =
        KeyPress::from_event(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
    assert_eq!(handle_key(&mut demo_state(), ctrl_c), Effect::Quit);
    let mut state = demo_state();
    press(&mut state, "?");
    assert_eq!(handle_key(&mut state, ctrl_c), Effect::Quit);
    let mut state = demo_state();
    press(&mut state, "/web");
    assert_eq!(handle_key(&mut state, ctrl_c), Effect::Quit);
}

#[test]
fn every_pane_shows_its_providers_resources() {
    let mut state = demo_state();
    let screen = render(&mut state, 140, 40).backend().to_string();
    for title in ["Heroku (", "Cloudflare (", "AWS ("] {
        assert!(screen.contains(title), "missing pane {title}");
    }
    // Every source with data shows it (the demo has none for the sources after AWS).
    for (i, pane) in state.panes.iter().enumerate() {
        if state.inventory.count(pane.provider) > 0 {
            assert!(!pane.rows.is_empty(), "pane {i} is empty");
        }
    }
    assert!(state.panes[..3].iter().all(|p| !p.rows.is_empty()));
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

fn select_resource(state: &mut AppState, id: &str) {
    let pane = state.pane_mut();
    // Expand everything so the node is visible, then select it.
    let keys: Vec<String> = pane.tree.nodes.iter().map(|n| n.key.clone()).collect();
    pane.expanded.extend(keys);
    pane.refresh_rows();
    let node = pane
        .tree
        .nodes
        .iter()
        .position(|n| n.key == id)
        .unwrap_or_else(|| panic!("no node {id}"));
    pane.select_node(node);
    assert_eq!(state.selected_resource().unwrap().id.as_str(), id);
}

#[test]
fn m_opens_the_mark_form_and_enter_saves_to_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.toml");
    let mut state = demo_state().with_ledger(
        Some(path.clone()),
        ferry::ledger::Ledger::default(),
        ferry::rules::Rules::default(),
    );
    select_resource(&mut state, "heroku:formation/acme-api/web");
    press(&mut state, "m");
    assert!(state.mark_form.is_some());
    insta::assert_snapshot!("mark_form", render(&mut state, 100, 30).backend());
    // A new mark starts at in_progress (it claims the least); type a note; Enter saves.
    assert_eq!(
        state.mark_form.as_ref().unwrap().status,
        ferry::ledger::Decision::InProgress
    );
    press(&mut state, "CHG-42 window");
    let effect = press(&mut state, "\n");
    assert!(state.mark_form.is_none());
    assert!(!ferry::tui::perform(&mut state, effect));
    let ledger = ferry::ledger::Ledger::load(&path).unwrap();
    let entry = &ledger.items[&ferry::model::ResourceId::from_raw("heroku:formation/acme-api/web")];
    assert_eq!(entry.status, ferry::ledger::Decision::InProgress);
    assert_eq!(entry.note.as_deref(), Some("CHG-42 window"));
    // The analysis follows at once.
    assert_eq!(
        state.selected_item().unwrap().status,
        ferry::gap::Status::InProgress
    );
    assert!(
        state
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("in_progress"))
    );
    // u asks first (the note goes with the mark); n keeps it, y removes it.
    assert_eq!(press(&mut state, "u"), Effect::None);
    let question = state.confirm.as_ref().expect("u asks").question.clone();
    assert!(
        question.contains("in_progress") && question.contains("CHG-42 window"),
        "{question}"
    );
    insta::assert_snapshot!("unmark_confirm", render(&mut state, 100, 30).backend());
    assert_eq!(press(&mut state, "n"), Effect::None);
    assert!(state.confirm.is_none());
    assert_eq!(ferry::ledger::Ledger::load(&path).unwrap().items.len(), 1);
    press(&mut state, "u");
    let effect = press(&mut state, "y");
    assert!(matches!(effect, Effect::Unmark { .. }));
    ferry::tui::perform(&mut state, effect);
    assert!(ferry::ledger::Ledger::load(&path).unwrap().items.is_empty());
    // With no mark left, u and :unmark say so instead of "Removed the mark".
    assert_eq!(press(&mut state, "u"), Effect::None);
    assert!(state.confirm.is_none());
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("no mark to remove")
    );
    state.toast = None;
    assert_eq!(press(&mut state, ":unmark\n"), Effect::None);
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("no mark to remove")
    );
    assert_eq!(
        state.selected_item().unwrap().status,
        ferry::gap::Status::Ready
    );
}

#[test]
fn esc_cancels_the_mark_form_and_keys_do_not_leak() {
    let mut state = demo_state();
    select_resource(&mut state, "heroku:formation/acme-api/web");
    let selected = state.pane().selected;
    press(&mut state, "mjjq");
    assert!(
        state.mark_form.is_some(),
        "q types into the note, it does not quit"
    );
    assert_eq!(state.pane().selected, selected);
    assert_eq!(state.mark_form.as_ref().unwrap().note, "jjq");
    press(&mut state, "\x1b");
    assert!(state.mark_form.is_none());
}

#[test]
fn marking_a_non_item_explains_why() {
    let mut state = demo_state();
    press(&mut state, "\t");
    select_resource(
        &mut state,
        "cloudflare:zone/d6b5104f6c39784de8cfe297cc2a91ff",
    );
    press(&mut state, "m");
    assert!(state.mark_form.is_none());
    assert!(
        state
            .toast
            .as_ref()
            .is_some_and(|t| t.error && t.text.contains("Heroku app"))
    );
}

#[test]
fn a_contradicting_mark_warns_in_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = demo_state().with_ledger(
        Some(dir.path().join("ledger.toml")),
        ferry::ledger::Ledger::default(),
        ferry::rules::Rules::default(),
    );
    select_resource(&mut state, "heroku:formation/acme-api/web");
    press(&mut state, "m");
    // A new mark starts at in_progress; ↑ picks migrated.
    let up = KeyPress::from_event(&KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)).unwrap();
    handle_key(&mut state, up);
    let effect = press(&mut state, "\n");
    ferry::tui::perform(&mut state, effect);
    let toast = state.toast.clone().unwrap();
    assert!(
        toast.error && toast.text.contains("still run on Heroku"),
        "{toast:?}"
    );
    let screen = render(&mut state, 140, 40).backend().to_string();
    assert!(screen.contains("still run on Heroku"), "{screen}");
}
