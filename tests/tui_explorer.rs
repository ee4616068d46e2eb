//! Issue 15 on the demo estate: reasons read whole, the ranked filter, the place kept,
//! actions that ask before losing things, mouse on tabs and markers, and the layout for
//! sources after AWS. Keys go through the real keymap and update function; screens are
//! drawn with ratatui's test backend.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
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

fn code(state: &mut AppState, code: KeyCode) -> Effect {
    handle_key(
        state,
        KeyPress::from_event(&KeyEvent::new(code, KeyModifiers::NONE)).unwrap(),
    )
}

fn press(state: &mut AppState, keys: &str) -> Effect {
    let mut effect = Effect::None;
    for c in keys.chars() {
        effect = code(
            state,
            match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                '\x1b' => KeyCode::Esc,
                '\x08' => KeyCode::Backspace,
                c => KeyCode::Char(c),
            },
        );
    }
    effect
}

fn selected_id(state: &AppState) -> String {
    state
        .selected_resource()
        .map(|r| r.id.to_string())
        .unwrap_or_default()
}

fn click(state: &mut AppState, column: u16, row: u16) {
    ferry::tui::mouse_event(
        state,
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
    );
}

/// Selects the gaps row of `id` (the gaps view must be shown).
fn select_gap_row(state: &mut AppState, id: &str) {
    let rows = ferry::tui::rows::gap_rows(state);
    let row = rows
        .iter()
        .position(|&(a, i)| state.gap.apps[a].items[i].id.as_str() == id)
        .unwrap_or_else(|| panic!("no gaps row {id}"));
    state.gaps_table.selected = row;
}

#[test]
fn the_gaps_view_reads_a_reason_whole_with_its_names_as_a_list() {
    let mut s = demo_state();
    press(&mut s, "2");
    select_gap_row(&mut s, "heroku:config_vars/acme-api");
    let small = screen(&mut s, 80, 24);
    // z zooms the gaps details (it no longer jumps to explore and another item).
    press(&mut s, "z");
    assert_eq!(s.view, View::Gaps);
    let zoomed = screen(&mut s, 80, 24);
    insta::assert_snapshot!("gaps_details_zoomed_80x24", zoomed);
    for name in ["PLAID_SECRET", "NEW_RELIC_LICENSE_KEY"] {
        assert!(
            zoomed
                .lines()
                .any(|l| l.trim_matches(['│', ' ', '"']) == name),
            "{name} on a line of its own:\n{zoomed}"
        );
    }
    assert!(zoomed.contains("missing in the task definitions' environment and secrets ("));
    assert!(small.contains("J/K scroll"));
    // J scrolls the panel: its first line goes out of view, K brings it back.
    let first = "│gap      partial";
    assert!(zoomed.contains(first), "{zoomed}");
    press(&mut s, "J");
    assert!(!screen(&mut s, 80, 24).contains(first));
    press(&mut s, "K");
    assert!(screen(&mut s, 80, 24).contains(first));
    // Another row starts at its top.
    press(&mut s, "Jj");
    screen(&mut s, 80, 24);
    assert_eq!(s.details_scroll, 0);
}

#[test]
fn how_each_match_was_made_and_the_ledger_note_show_in_the_gaps_view() {
    let mut s = demo_state();
    press(&mut s, "2");
    select_gap_row(&mut s, "heroku:formation/acme-api/worker");
    let text = screen(&mut s, 120, 40);
    assert!(
        text.contains("acme-api-worker (ecs_service) · by tag"),
        "{text}"
    );
    assert!(text.contains("the checks contradict the mark"), "{text}");
    assert!(text.contains("mark     migrated by"), "{text}");
    // The ledger's orphans are listed, not only counted.
    assert!(
        text.contains("ledger entries whose resource is gone"),
        "{text}"
    );
    assert!(
        text.contains("heroku:app/acme-legacy-admin (migrated"),
        "{text}"
    );
}

#[test]
fn the_explore_details_wrap_instead_of_cutting_the_reason() {
    let mut s = demo_state();
    assert!(s.reveal(&ResourceId::from_raw("heroku:config_vars/acme-api")));
    press(&mut s, "z");
    let text = screen(&mut s, 80, 24);
    assert!(
        text.contains("PLAID_SECRET") && text.contains("NEW_RELIC_LICENSE_KEY"),
        "{text}"
    );
    assert!(!text.contains("environment and secre…"), "{text}");
}

#[test]
fn the_filter_ranks_names_searches_reasons_and_names_what_it_does_not_know() {
    let mut s = demo_state();
    // Scattered letters of an id never match: /redis finds Redis things only.
    press(&mut s, "/redis");
    let names: Vec<String> = s
        .panes
        .iter()
        .flat_map(|p| {
            let mask = p.mask.clone().unwrap();
            p.rows
                .iter()
                .filter_map(move |&n| match p.tree.nodes[n].kind {
                    ferry::tui::tree::NodeKind::Resource(i) if mask[i] > 0 => Some(i),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .map(|i| {
            let r = &s.inventory.resources[i];
            format!("{} {}", r.name, r.id).to_lowercase()
        })
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.contains("redis")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("security-headers")));
    press(&mut s, "\x1b");
    // The reason's names are searched: /PLAID finds the config vars item.
    press(&mut s, "2/PLAID\n");
    let rows = ferry::tui::rows::gap_rows(&s);
    let ids: Vec<&str> = rows
        .iter()
        .map(|&(a, i)| s.gap.apps[a].items[i].id.as_str())
        .collect();
    assert!(ids.contains(&"heroku:config_vars/acme-api"), "{ids:?}");
    // One match reads as one: "1 item in 1 app", not "1 items in 1 apps".
    assert_eq!(ids.len(), 2, "{ids:?}");
    let text = screen(&mut s, 120, 30);
    assert!(text.contains(" 1 item in 1 app "), "{text}");
    // kind: takes the gaps table's words; an unknown qualifier says so where one types.
    press(&mut s, "/kind:process");
    let rows = ferry::tui::rows::gap_rows(&s);
    assert!(
        rows.iter()
            .filter(|&&(_, i)| i > 0)
            .all(|&(a, i)| s.gap.apps[a].items[i].kind == ferry::gap::ItemKind::Process)
    );
    assert!(rows.len() > 3);
    code(&mut s, KeyCode::Esc);
    press(&mut s, "/status:bogus foo:bar");
    let text = screen(&mut s, 160, 30);
    let last = text.lines().last().unwrap();
    assert!(
        last.contains("unknown status `bogus`") && last.contains("unknown qualifier `foo:`"),
        "{last}"
    );
}

#[test]
fn esc_returns_to_the_same_item_with_the_same_expansions() {
    let mut s = demo_state();
    assert!(s.reveal(&ResourceId::from_raw("heroku:formation/acme-api/web")));
    press(&mut s, "1");
    let expanded = s.panes[0].expanded.clone();
    // A filter that hides the selection (nothing matches), then Esc.
    press(&mut s, "/zzzz-nothing");
    assert!(s.panes[0].rows.is_empty());
    press(&mut s, "\x1b");
    assert_eq!(selected_id(&s), "heroku:formation/acme-api/web");
    assert_eq!(s.panes[0].expanded, expanded);
    // A filter that moves the cursor to its best match, then Esc: back where we were.
    press(&mut s, "/acme-webhooks");
    assert_eq!(
        selected_id(&s),
        "heroku:app/acme-webhooks",
        "the best match first"
    );
    press(&mut s, "\n\x1b");
    assert_eq!(selected_id(&s), "heroku:formation/acme-api/web");
}

#[test]
fn each_view_keeps_its_own_filter_and_slash_reopens_with_it_selected() {
    let mut s = demo_state();
    press(&mut s, "/acme-web\n2/status:missing\n");
    assert_eq!(s.filter.query, "status:missing");
    press(&mut s, "1");
    assert_eq!(s.filter.query, "acme-web", "explore kept its own");
    press(&mut s, "2");
    assert_eq!(s.filter.query, "status:missing");
    // `/` opens with the old text selected: typing replaces it …
    press(&mut s, "/");
    assert!(s.input.as_ref().unwrap().selected);
    insta::assert_snapshot!(
        "filter_reopened_selected",
        screen(&mut s, 80, 24).lines().last().unwrap()
    );
    press(&mut s, "x");
    assert_eq!(s.input.as_ref().unwrap().text, "x");
    press(&mut s, "\x1b");
    // … and an arrow keeps it to edit.
    press(&mut s, "1/");
    code(&mut s, KeyCode::End);
    press(&mut s, "s");
    assert_eq!(s.input.as_ref().unwrap().text, "acme-webs");
}

#[test]
fn export_over_an_existing_file_asks_and_expands_the_home_folder() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("gaps.md");
    std::fs::write(&existing, "keep me").unwrap();
    let mut s = demo_state();
    let line = format!(":export md {}\n", existing.display());
    assert_eq!(press(&mut s, &line), Effect::None, "asks first");
    let question = s.confirm.as_ref().unwrap().question.clone();
    assert!(question.contains("exists. Overwrite it?"), "{question}");
    press(&mut s, "n");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    press(&mut s, &line);
    let effect = press(&mut s, "y");
    assert!(matches!(effect, Effect::Export { .. }));
    perform(&mut s, effect);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .contains("acme-api")
    );
    // `~/x` is the home folder's x, as in a shell.
    let home = std::env::var("HOME").unwrap();
    assert_eq!(
        ferry::tui::input::expand_home("~/r.md"),
        Path::new(&home).join("r.md")
    );
    assert_eq!(ferry::tui::input::expand_home("a/~b"), Path::new("a/~b"));
}

#[test]
fn marking_in_the_demo_says_the_mark_is_discarded_and_an_app_mark_covers_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo_state().with_ledger(
        Some(dir.path().join("ledger.toml")),
        Ledger::default(),
        ferry::rules::Rules::default(),
    );
    assert!(s.reveal(&ResourceId::from_raw("heroku:app/acme-jobs")));
    press(&mut s, "m");
    let form = screen(&mut s, 100, 30);
    assert!(
        form.contains("A mark on an app applies to each of its parts"),
        "{form}"
    );
    assert!(form.contains("Demo: marks are kept until you quit, then discarded."));
    assert!(
        form.contains("[in_progress]"),
        "a new mark claims the least: {form}"
    );
    let effect = press(&mut s, "\n");
    perform(&mut s, effect);
    let toast = s.toast.clone().unwrap().text;
    assert!(
        toast.contains("demo: marks are discarded when you quit"),
        "{toast}"
    );
}

#[test]
fn tabs_and_markers_are_clickable_and_a_click_on_the_details_keeps_focus() {
    let mut s = demo_state();
    screen(&mut s, 120, 40);
    let gaps = s.hitboxes.tabs[1];
    click(&mut s, gaps.x + 1, gaps.y);
    assert_eq!(s.view, View::Gaps);
    screen(&mut s, 120, 40);
    let explore = s.hitboxes.tabs[0];
    click(&mut s, explore.x + 1, explore.y);
    assert_eq!(s.view, View::Explore);
    screen(&mut s, 120, 40);
    // The ▸ of a collapsed app opens it; a second click closes it.
    let pane = s.hitboxes.panes[0];
    let row = s.panes[0]
        .rows
        .iter()
        .position(|&n| s.panes[0].tree.nodes[n].key == "heroku:app/acme-api")
        .unwrap();
    let depth = s.panes[0].tree.nodes[s.panes[0].rows[row]].depth;
    let (x, y) = (pane.x + 1 + 2 * depth, pane.y + 1 + row as u16);
    let before = s.panes[0].rows.len();
    click(&mut s, x, y);
    assert!(s.panes[0].expanded.contains("heroku:app/acme-api"));
    assert!(s.panes[0].rows.len() > before);
    click(&mut s, x, y);
    assert_eq!(s.panes[0].rows.len(), before);
    // A click on the details gives them the focus, shown by a thick border; keys act there.
    let details = s.hitboxes.details;
    click(&mut s, details.x + 2, details.y + 2);
    assert_eq!(s.focused, Focus::Links);
    let text = screen(&mut s, 120, 40);
    assert!(text.contains("┏"), "{text}");
    assert!(text.contains("J/K PgUp/PgDn scroll"), "{text}");
    code(&mut s, KeyCode::PageDown);
    assert_eq!(s.details_scroll, 5);
    press(&mut s, "\x1b");
    assert_eq!(s.focused, Focus::Pane(0));
}

#[test]
fn sources_after_aws_are_tabs_of_the_third_column() {
    let mut s = demo_state();
    let wide = screen(&mut s, 120, 40);
    let n = s.panes.len();
    if n <= 3 {
        return; // no fourth source in this build: nothing to lay out
    }
    // Where the column has room, every tab is named; else the shown one and a count.
    let roomy = screen(&mut s, 180, 40);
    let first = roomy.lines().nth(1).unwrap();
    assert!(
        first.contains("AWS (") && first.contains(s.panes[3].provider.title()),
        "{first}"
    );
    assert!(wide.lines().nth(1).unwrap().contains("AWS ("));
    // Heroku and Cloudflare keep their width: three columns at any number of sources.
    assert_eq!(s.hitboxes.panes.iter().filter(|r| r.width > 0).count(), 3);
    // Tab reaches the fourth source; the third column shows it.
    for _ in 0..3 {
        press(&mut s, "\t");
    }
    assert_eq!(s.focus, 3);
    screen(&mut s, 120, 40);
    assert!(s.hitboxes.panes[3].width > 0 && s.hitboxes.panes[2].width == 0);
    // At 80 columns the column names the shown tab and how many others there are.
    let narrow = screen(&mut s, 80, 24);
    assert!(
        narrow
            .lines()
            .nth(1)
            .unwrap()
            .contains(&format!(" +{} ", n - 3)),
        "{narrow}"
    );
}

#[test]
fn enter_on_a_gap_row_goes_to_its_counterpart_and_backspace_returns() {
    let mut s = demo_state();
    press(&mut s, "2");
    select_gap_row(&mut s, "heroku:formation/acme-api/web");
    let row = s.gaps_table.selected;
    press(&mut s, "\n");
    assert_eq!(s.view, View::Explore);
    let r = s.selected_resource().unwrap();
    assert_eq!(r.provider, ferry::model::Provider::Aws);
    assert_eq!(r.name, "acme-api-web");
    // The Heroku process is what this counterpart stands in for (it lights up as linked).
    let id = r.id.clone();
    assert!(
        s.counterpart_of[&id]
            .iter()
            .any(|i| i.as_str() == "heroku:formation/acme-api/web")
    );
    press(&mut s, "\x08");
    assert_eq!(s.view, View::Gaps);
    assert_eq!(s.gaps_table.selected, row);
}

#[test]
fn an_app_lights_up_its_add_ons_counterparts_too() {
    let mut s = demo_state();
    assert!(s.reveal(&ResourceId::from_raw("heroku:app/acme-api")));
    let text = screen(&mut s, 200, 60);
    assert!(text.contains("◆ acme-prod-redis"), "{text}");
}

#[test]
fn the_chosen_theme_is_remembered_in_the_data_dir_and_light_muted_text_is_dark_grey() {
    let dir = tempfile::tempdir().unwrap();
    let file = ferry::tui::prefs::path(dir.path());
    let mut s = demo_state();
    s.prefs_path = Some(file.clone());
    assert_eq!(ferry::tui::prefs::theme(&file), None, "nothing chosen yet");
    press(&mut s, ":theme light\n");
    assert_eq!(s.theme.name, "light");
    assert!(s.toast.as_ref().unwrap().text.contains("(remembered)"));
    assert_eq!(ferry::tui::prefs::theme(&file).as_deref(), Some("light"));
    // A file that does not parse costs only the remembered choice.
    std::fs::write(&file, "theme = [").unwrap();
    assert_eq!(ferry::tui::prefs::theme(&file), None);
    // Borders, counts and hints are not ANSI colour 7 on a light background.
    let dim = Theme::named("light", true).dim();
    assert_ne!(dim.fg, Some(ratatui::style::Color::Gray));
    assert_ne!(
        Theme::named("light", true).border(false).fg,
        Some(ratatui::style::Color::Gray)
    );
}

#[test]
fn with_a_state_read_unmanaged_aws_resources_are_marked_and_filtered() {
    let mut file = demo_file().unwrap();
    file.sources
        .retain(|s| s.source != ferry::model::Provider::Iac);
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    // One state read, managing nothing: every counted AWS resource is unmanaged.
    let state: ferry::model::Resource = serde_json::from_value(serde_json::json!({
        "id": "iac:iac_state/s3/acme-tf/prod",
        "provider": "iac",
        "kind": "iac_state",
        "name": "prod",
        "scope": {"account": "s3://acme-tf"},
        "attrs": {"status": "read", "location": "s3://acme-tf/prod/terraform.tfstate"},
        "fetched_at": "2026-11-20T09:00:00Z"
    }))
    .unwrap();
    file.sources.push(ferry::model::SourceSnapshot {
        source: ferry::model::Provider::Iac,
        taken_at: now,
        resources: vec![state],
        links: Vec::new(),
    });
    let mut s = AppState::new(Inventory::from_sources(&file.sources), now, "demo");
    assert!(s.filter_facts.iac.active);
    let service = ResourceId::from_raw(
        s.inventory
            .resources
            .iter()
            .find(|r| r.kind == ferry::model::Kind::EcsService)
            .unwrap()
            .id
            .to_string(),
    );
    assert!(s.reveal(&service));
    let text = screen(&mut s, 200, 50);
    assert!(text.contains(" unmanaged"), "the AWS pane marks it: {text}");
    assert!(
        text.contains("unmanaged: in no Terraform / OpenTofu state"),
        "{text}"
    );
    press(&mut s, "/is:unmanaged\n");
    assert!(s.filter.problems.is_empty());
    assert!(s.panes[2].rows.iter().any(|&n| matches!(
        s.panes[2].tree.nodes[n].kind,
        ferry::tui::tree::NodeKind::Resource(i) if s.inventory.resources[i].id == service
    )));
    assert!(
        s.panes[0].rows.is_empty(),
        "Heroku resources are not counted"
    );
    press(&mut s, "\x1b/is:managed\n");
    assert!(s.panes[2].rows.is_empty(), "nothing is in the state");
}

#[test]
fn made_up_items_deploy_and_periodic_task_are_found_by_the_filter() {
    // A deploy item and a periodic task have no inventory resource; the filter still
    // finds them by kind and by app, as the gaps table lists them.
    let mut s = demo_state();
    press(&mut s, "2");
    press(&mut s, "/kind:deploy\n");
    let rows = ferry::tui::rows::gap_rows(&s);
    let deploys: Vec<&str> = rows
        .iter()
        .filter(|&&(_, i)| i > 0)
        .map(|&(a, i)| s.gap.apps[a].items[i].id.as_str())
        .collect();
    assert!(deploys.contains(&"heroku:deploy/acme-api"), "{deploys:?}");
    assert!(
        deploys.iter().all(|id| id.starts_with("heroku:deploy/")),
        "{deploys:?}"
    );
    code(&mut s, KeyCode::Esc);
    press(&mut s, "/app:acme-jobs kind:periodic_task\n");
    let rows = ferry::tui::rows::gap_rows(&s);
    assert!(
        rows.iter()
            .any(|&(a, i)| i > 0
                && s.gap.apps[a].items[i].kind == ferry::gap::ItemKind::PeriodicTask),
        "the nightly schedule still on Heroku is listed"
    );
}

#[test]
fn the_command_line_recalls_earlier_commands_with_up_and_down() {
    let mut s = demo_state();
    press(&mut s, ":theme light\n");
    press(&mut s, ":gaps\n");
    press(&mut s, ":theme light\n");
    press(&mut s, ":");
    let line = |s: &AppState| s.input.as_ref().unwrap().text.clone();
    code(&mut s, KeyCode::Up);
    assert_eq!(line(&s), "theme light", "the newest first");
    code(&mut s, KeyCode::Up);
    assert_eq!(
        line(&s),
        "gaps",
        "a repeat is kept once, at its latest place"
    );
    code(&mut s, KeyCode::Up);
    assert_eq!(line(&s), "gaps", "the oldest stays");
    code(&mut s, KeyCode::Down);
    assert_eq!(line(&s), "theme light");
    code(&mut s, KeyCode::Down);
    assert_eq!(line(&s), "", "past the newest: an empty line");
    // A recalled line runs like a typed one.
    code(&mut s, KeyCode::Up);
    code(&mut s, KeyCode::Up);
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.view, ferry::tui::state::View::Gaps);
}
