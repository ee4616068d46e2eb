//! The explorer's views, filter, links and jumps on the demo estate: screen snapshots and
//! key sequences through the real keymap and update function.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ferry::commands::demo::{DEMO_LEDGER, demo_file};
use ferry::inventory::Inventory;
use ferry::ledger::Ledger;
use ferry::model::ResourceId;
use ferry::tui::keymap::KeyPress;
use ferry::tui::state::{Focus, View};
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, Effect, handle_key, perform, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;

fn demo_state() -> AppState {
    let file = demo_file().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    let ledger = Ledger::parse(DEMO_LEDGER, Path::new("ledger.toml")).unwrap();
    AppState::new(Inventory::from_sources(&file.sources), now, "demo").with_ledger(
        None,
        ledger,
        ferry::rules::Rules::default(),
    )
}

fn screen(state: &mut AppState, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(f, state, &Theme::named("dark", false)))
        .unwrap();
    t.backend().to_string()
}

fn key(code: KeyCode) -> KeyPress {
    KeyPress::from_event(&KeyEvent::new(code, KeyModifiers::NONE)).unwrap()
}

fn press(state: &mut AppState, keys: &str) -> Effect {
    let mut effect = Effect::None;
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\x1b' => KeyCode::Esc,
            '\x08' => KeyCode::Backspace,
            c => KeyCode::Char(c),
        };
        effect = handle_key(state, key(code));
    }
    effect
}

fn selected_id(state: &AppState) -> String {
    state
        .selected_resource()
        .map(|r| r.id.to_string())
        .unwrap_or_default()
}

#[test]
fn gaps_view() {
    let mut s = demo_state();
    press(&mut s, "2");
    assert_eq!(s.view, View::Gaps);
    insta::assert_snapshot!(screen(&mut s, 140, 40));
}

#[test]
fn cutover_view() {
    let mut s = demo_state();
    press(&mut s, "3");
    insta::assert_snapshot!(screen(&mut s, 140, 24));
}

#[test]
fn graph_view_of_an_app() {
    let mut s = demo_state();
    s.reveal(&ResourceId::from_raw("heroku:app/acme-admin"));
    press(&mut s, "4");
    assert_eq!(
        s.graph_root.as_ref().unwrap().as_str(),
        "heroku:app/acme-admin"
    );
    insta::assert_snapshot!(screen(&mut s, 120, 30));
}

/// The graph of acme-admin, as `4` opens it.
fn admin_graph() -> AppState {
    let mut s = demo_state();
    s.reveal(&ResourceId::from_raw("heroku:app/acme-admin"));
    press(&mut s, "4");
    s
}

#[test]
fn graph_view_of_an_app_at_80x24() {
    let mut s = admin_graph();
    let text = screen(&mut s, 80, 24);
    assert!(text.contains("dependencies of acme-admin"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn graph_view_one_level_deeper() {
    let mut s = admin_graph();
    let before = ferry::tui::graph::graph_rows(&s, s.graph_root.as_ref().unwrap()).len();
    press(&mut s, "+");
    assert_eq!(s.graph_opts.depth, 4);
    let after = ferry::tui::graph::graph_rows(&s, s.graph_root.as_ref().unwrap()).len();
    assert!(
        after > before,
        "a level deeper shows more: {before} → {after}"
    );
    let text = screen(&mut s, 120, 30);
    assert!(text.contains("4 levels"), "{text}");
    insta::assert_snapshot!(text);
    press(&mut s, "--");
    assert_eq!(s.graph_opts.depth, 2);
}

#[test]
fn graph_view_following_other_apps() {
    let mut s = admin_graph();
    let root = s.graph_root.clone().unwrap();
    let api = ResourceId::from_raw("heroku:app/acme-api");
    let rows = ferry::tui::graph::graph_rows(&s, &root);
    // By default acme-api (sharing the Postgres add-on) is a leaf: none of its own parts
    // show (the add-on it owns is acme-admin's business too, attached to both).
    let parts: Vec<ResourceId> = s
        .inventory
        .resources
        .iter()
        .filter(|x| x.parent.as_ref() == Some(&api) && x.kind != ferry::model::Kind::Addon)
        .map(|x| x.id.clone())
        .collect();
    let api_part =
        |rows: &[ferry::tui::graph::GraphRow]| rows.iter().any(|r| parts.contains(&r.id));
    assert!(rows.iter().any(|r| r.id == api));
    assert!(!api_part(&rows), "acme-api's parts are not followed");
    press(&mut s, "a");
    assert!(s.graph_opts.across_apps);
    let rows = ferry::tui::graph::graph_rows(&s, &root);
    assert!(api_part(&rows), "with a, acme-api is followed");
    insta::assert_snapshot!(screen(&mut s, 120, 30));
}

#[test]
fn graph_rows_keep_enter_backspace_clicks_and_the_cursor_through_depth_changes() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = admin_graph();
    let root = s.graph_root.clone().unwrap();
    let api = ResourceId::from_raw("heroku:app/acme-api");
    let rows = ferry::tui::graph::graph_rows(&s, &root);
    let at = rows
        .iter()
        .position(|r| r.id == api)
        .expect("acme-api is a row");
    for _ in 0..at {
        press(&mut s, "j");
    }
    assert_eq!(s.graph_table.selected, at);
    // `+` rebuilds the tree; the cursor stays on acme-api wherever it now is.
    press(&mut s, "+");
    let rows = ferry::tui::graph::graph_rows(&s, &root);
    assert_eq!(rows[s.graph_table.selected].id, api);
    press(&mut s, "-");
    // Enter shows the row in explore, Backspace comes back to it.
    press(&mut s, "\n");
    assert_eq!(s.view, View::Explore);
    assert_eq!(selected_id(&s), "heroku:app/acme-api");
    press(&mut s, "\x08");
    assert_eq!(s.view, View::Graph);
    assert_eq!(s.graph_table.selected, at);
    // A click selects the row under it (the graph has no header row).
    screen(&mut s, 120, 30);
    let table = s.hitboxes.table;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: table.x + 5,
        row: table.y + 2,
        modifiers: KeyModifiers::NONE,
    };
    ferry::tui::mouse_event(&mut s, click);
    assert_eq!(s.graph_table.selected, s.graph_table.offset + 2);
}

#[test]
fn filtered_explore_view() {
    let mut s = demo_state();
    press(&mut s, "/kind:dns_record heroku\n");
    assert!(
        s.input.is_none(),
        "Enter closes the line and keeps the filter"
    );
    assert_eq!(s.filter.query, "kind:dns_record heroku");
    insta::assert_snapshot!(screen(&mut s, 140, 30));
}

#[test]
fn views_fit_80x24() {
    let mut s = demo_state();
    for (key, title) in [
        ("1", "Heroku ("),
        ("2", "ITEM"),
        ("3", "HOSTNAME"),
        ("4", "dependencies"),
    ] {
        press(&mut s, key);
        let text = screen(&mut s, 80, 24);
        assert!(text.contains(title), "view {key} at 80×24:\n{text}");
    }
    press(&mut s, "2");
    insta::assert_snapshot!("gaps_80x24", screen(&mut s, 80, 24));
}

#[test]
fn the_filter_narrows_every_pane_as_you_type_and_esc_clears_it() {
    let mut s = demo_state();
    let all: usize = s.panes.iter().map(|p| p.rows.len()).sum();
    press(&mut s, "/status:missing");
    assert!(s.input.is_some());
    // The Heroku pane shows the missing items (and the parents that lead to them); every
    // resource the filter matched is a missing item.
    let pane = &s.panes[0];
    let mask = pane.mask.clone().expect("a filter is set");
    let matched: Vec<_> = pane
        .rows
        .iter()
        .filter_map(|&n| match pane.tree.nodes[n].kind {
            ferry::tui::tree::NodeKind::Resource(i) if mask[i] > 0 => {
                Some(s.inventory.resources[i].id.clone())
            }
            _ => None,
        })
        .map(|id| s.filter_facts.status.get(&id).copied())
        .collect();
    assert!(matched.len() >= 10, "{matched:?}");
    assert!(
        matched
            .iter()
            .all(|st| *st == Some(ferry::gap::Status::Missing)),
        "{matched:?}"
    );
    let parent_rows = pane.rows.len() - matched.len();
    assert!(parent_rows > 0, "ancestors are shown for context");
    assert!(s.panes[2].rows.is_empty(), "AWS has no items");
    // Negation and qualifiers combine.
    press(&mut s, "\x1b");
    assert!(s.filter.is_empty());
    assert_eq!(s.panes.iter().map(|p| p.rows.len()).sum::<usize>(), all);
    press(&mut s, "/provider:aws !kind:log_group\n");
    assert!(s.panes[0].rows.is_empty() && s.panes[1].rows.is_empty());
    assert!(!s.panes[2].rows.is_empty());
    // The gaps table has a filter of its own.
    press(&mut s, "\x1b2/app:acme-web\n");
    let rows = ferry::tui::rows::gap_rows(&s);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|&(a, _)| s.gap.apps[a].app == "acme-web"));
}

#[test]
fn n_and_upper_n_walk_the_matches() {
    let mut s = demo_state();
    press(&mut s, "/config vars\n");
    press(&mut s, "n");
    let first = selected_id(&s);
    assert!(first.starts_with("heroku:config_vars/"), "{first}");
    press(&mut s, "n");
    let second = selected_id(&s);
    assert!(second.starts_with("heroku:config_vars/") && second != first);
    press(&mut s, "N");
    assert_eq!(selected_id(&s), first);
}

#[test]
fn links_list_jumps_across_panes_and_backspace_returns() {
    let mut s = demo_state();
    // The Cloudflare record for api.acmepay.com routes to the Heroku app and its domain.
    let record = s
        .inventory
        .resources
        .iter()
        .find(|r| r.name == "api.acmepay.com" && r.kind == ferry::model::Kind::DnsRecord)
        .unwrap()
        .id
        .clone();
    assert!(s.reveal(&record));
    assert_eq!(s.focus, 1, "the record is in the Cloudflare pane");
    let screen_text = screen(&mut s, 140, 40);
    assert!(
        screen_text.contains("◆ acme-api"),
        "linked app lights up in the Heroku pane"
    );
    // L moves into the links list; pick the link to the app, Enter jumps.
    press(&mut s, "L");
    assert_eq!(s.focused, Focus::Links);
    let links = s.links_of(&record);
    let to_app = links
        .iter()
        .position(|(_, r)| r.id.as_str() == "heroku:app/acme-api")
        .expect("record → app link");
    for _ in 0..to_app {
        press(&mut s, "j");
    }
    press(&mut s, "\n");
    assert_eq!(selected_id(&s), "heroku:app/acme-api");
    assert_eq!(s.focus, 0);
    // Back along the history.
    press(&mut s, "\x08");
    assert_eq!(selected_id(&s), record.as_str());
    let ctrl_o =
        KeyPress::from_event(&KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL)).unwrap();
    assert_eq!(handle_key(&mut s, ctrl_o), Effect::None);
}

#[test]
fn enter_on_a_gap_row_shows_it_in_explore() {
    let mut s = demo_state();
    press(&mut s, "2jjj");
    let rows = ferry::tui::rows::gap_rows(&s);
    let (a, i) = rows[s.gaps_table.selected];
    let item = s.gap.apps[a].items[i].clone();
    press(&mut s, "\n");
    assert_eq!(s.view, View::Explore);
    // The counterpart when there is one (in the AWS pane), else the item itself.
    let expected = item
        .counterparts
        .first()
        .map_or(item.id.to_string(), |c| c.id.to_string());
    assert_eq!(selected_id(&s), expected);
}

#[test]
fn sorting_the_gaps_table_keeps_apps_together() {
    let mut s = demo_state();
    press(&mut s, "2ss"); // item → kind → status, the order of the columns
    assert_eq!(s.gaps_sort, ferry::tui::state::GapSort::Status);
    let rows = ferry::tui::rows::gap_rows(&s);
    let apps: Vec<usize> = rows.iter().map(|r| r.0).collect();
    let mut sorted = apps.clone();
    sorted.sort();
    assert_eq!(apps, sorted, "grouped by app");
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        assert_eq!(group[0].1, 0, "the app row first");
        let statuses: Vec<_> = group[1..]
            .iter()
            .map(|&(a, i)| s.gap.apps[a].items[i].status)
            .collect();
        assert!(statuses.is_sorted(), "{statuses:?}");
    }
}

#[test]
fn command_line_switches_views_exports_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo_state();
    press(&mut s, ":gaps\n");
    assert_eq!(s.view, View::Gaps);
    let path = dir.path().join("r.html");
    let effect = press(&mut s, &format!(":export html {}\n", path.display()));
    assert!(matches!(effect, Effect::Export { .. }));
    perform(&mut s, effect);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("Ferry gap report"));
    assert!(s.toast.as_ref().unwrap().text.contains("r.html"));
    press(&mut s, ":frobnicate\n");
    assert!(s.toast.as_ref().unwrap().error);
    assert_eq!(press(&mut s, ":q\n"), Effect::Quit);
}

#[test]
fn e_asks_for_format_and_path_and_y_copies_the_id() {
    let mut s = demo_state();
    press(&mut s, "e");
    assert_eq!(s.input.as_ref().unwrap().text, "export md ferry-gaps.md");
    press(&mut s, "\x1b");
    s.reveal(&ResourceId::from_raw("heroku:app/acme-api"));
    assert_eq!(
        press(&mut s, "y"),
        Effect::Copy("heroku:app/acme-api".into())
    );
    match press(&mut s, "Y") {
        Effect::Copy(json) => assert!(json.contains("\"kind\": \"app\"")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        press(&mut s, "o"),
        Effect::Open("https://dashboard.heroku.com/apps/acme-api".into())
    );
}

#[test]
fn theme_switches_and_no_color_draws_plain() {
    let mut s = demo_state();
    press(&mut s, ":theme light\n");
    assert_eq!(s.theme.name, "light");
    let plain = Theme::named("dark", false);
    assert!(!plain.has_color());
}

#[test]
fn mouse_click_selects_and_focuses_and_wheel_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = demo_state();
    screen(&mut s, 120, 40); // lays out the hitboxes
    let aws = s.hitboxes.panes[2];
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: aws.x + 3,
        row: aws.y + 4,
        modifiers: KeyModifiers::NONE,
    };
    ferry::tui::mouse_event(&mut s, click);
    assert_eq!(s.focus, 2);
    assert_eq!(s.panes[2].selected, 3);
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        ..click
    };
    ferry::tui::mouse_event(&mut s, wheel);
    assert_eq!(s.panes[2].selected, 6);
}

#[test]
fn clearing_the_filter_keeps_the_item_it_found_selected() {
    let mut s = demo_state();
    press(&mut s, "/kind:formation acme-api web\n");
    // The best match is selected as the filter applies; n then N is a move back to it.
    assert_eq!(selected_id(&s), "heroku:formation/acme-api/web");
    press(&mut s, "nN");
    assert_eq!(selected_id(&s), "heroku:formation/acme-api/web");
    // Esc clears the filter; the process stays selected (its groups open), so `m`
    // marks what the user found, not whatever row comes first.
    press(&mut s, "\x1b");
    assert!(s.filter.is_empty());
    assert_eq!(selected_id(&s), "heroku:formation/acme-api/web");
}

#[test]
fn a_filtered_gaps_table_keeps_each_part_under_its_own_app() {
    let mut s = demo_state();
    press(&mut s, "2");
    press(&mut s, "/status:missing\n");
    let rows = ferry::tui::rows::gap_rows(&s);
    assert!(rows.len() > 3, "the demo has missing items");
    let mut heading: Option<usize> = None;
    for &(a, i) in &rows {
        if i == 0 {
            heading = Some(a);
        } else {
            assert_eq!(
                heading,
                Some(a),
                "{} sits under another app's heading",
                s.gap.apps[a].items[i].id
            );
        }
    }
}

#[test]
fn graph_with_a_group_selected_says_whose_graph_it_still_is() {
    let mut s = demo_state();
    while s
        .selected_resource()
        .is_none_or(|r| r.kind != ferry::model::Kind::App)
    {
        press(&mut s, "j");
    }
    let app = s.selected_resource().unwrap().name.clone();
    press(&mut s, "4");
    press(&mut s, "1");
    press(&mut s, "gg");
    assert!(s.selected_resource().is_none(), "the top row is a group");
    press(&mut s, "4");
    let toast = s.toast.as_ref().expect("a toast").text.clone();
    assert!(
        toast.contains(&format!("Still the graph of {app}")),
        "{toast}"
    );
}

#[test]
fn z_gives_the_details_the_panes_height_and_back() {
    let mut s = demo_state();
    while s.selected_resource().is_none() {
        press(&mut s, "j");
    }
    let small = screen(&mut s, 80, 24);
    press(&mut s, "z");
    assert!(s.details_zoom);
    let zoomed = screen(&mut s, 80, 24);
    let shown = |text: &str| text.lines().filter(|l| l.contains("│")).count();
    assert!(
        zoomed.contains("created_at") && !small.contains("created_at"),
        "the attributes come into view:\n{zoomed}"
    );
    assert!(shown(&zoomed) >= shown(&small));
    press(&mut s, "z");
    assert!(!s.details_zoom);
    assert_eq!(screen(&mut s, 80, 24), small);
}

#[test]
fn backspace_after_a_jump_from_the_gaps_table_returns_to_its_row() {
    let mut s = demo_state();
    press(&mut s, "2");
    press(&mut s, "jjj");
    let row = s.gaps_table.selected;
    press(&mut s, "\n");
    assert_eq!(
        s.view,
        ferry::tui::state::View::Explore,
        "Enter jumps to the resource"
    );
    press(&mut s, "\x08");
    assert_eq!(s.view, ferry::tui::state::View::Gaps);
    assert_eq!(s.gaps_table.selected, row);
}

#[test]
fn dns_records_lead_with_their_type_so_records_of_one_name_tell_apart() {
    let mut s = demo_state();
    let mx = s
        .inventory
        .resources
        .iter()
        .find(|r| r.kind == ferry::model::Kind::DnsRecord && r.attr_str("type") == Some("MX"))
        .expect("the demo has an MX record")
        .id
        .clone();
    assert!(s.reveal(&mx));
    let text = screen(&mut s, 140, 40);
    assert!(text.contains("MX acmepay.com"), "{text}");
    assert!(text.contains("TXT acmepay.com"), "{text}");
}

#[test]
fn n_moves_on_to_the_next_pane_with_a_match() {
    let mut s = demo_state();
    press(&mut s, "/kind:ecs_service\n");
    assert_eq!(s.focus, 0, "the Heroku pane has no ECS services");
    press(&mut s, "n");
    assert_eq!(s.focus, 2, "on to the AWS pane");
    assert_eq!(
        s.selected_resource().map(|r| r.kind),
        Some(ferry::model::Kind::EcsService)
    );
    press(&mut s, "/kind:nope_kind\n");
    press(&mut s, "n");
    let toast = s.toast.as_ref().unwrap().text.clone();
    assert!(toast.contains("No match"), "{toast}");
}

#[test]
fn data_that_was_not_read_is_flagged_in_the_pane_title_and_the_gaps_view() {
    let file = demo_file().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    // AWS was never fetched: nothing on AWS can be called missing.
    let sources: Vec<_> = file
        .sources
        .into_iter()
        .filter(|s| s.source != ferry::model::Provider::Aws)
        .collect();
    let mut state = AppState::new(Inventory::from_sources(&sources), now, "demo").with_ledger(
        None,
        Ledger::default(),
        ferry::rules::Rules::default(),
    );
    let explore = screen(&mut state, 120, 30);
    assert!(explore.contains("AWS (0) +2  ⚠ not fetched"), "{explore}");
    press(&mut state, "2");
    let gaps = screen(&mut state, 120, 30);
    assert!(gaps.contains("data incomplete: AWS not fetched"), "{gaps}");
    assert!(gaps.contains("unknown: AWS not fetched"), "{gaps}");
    assert!(
        !gaps.contains(" missing "),
        "nothing is missing for want of data: {gaps}"
    );
}
