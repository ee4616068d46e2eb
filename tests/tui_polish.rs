//! Issue 15 points 4 and 10 on the demo estate: a collapsed node says it holds linked
//! resources, the status bar gives each source's age and whether its data is whole at
//! 120 columns and shortens (never losing `? help`) at 80, and the empty-cache hint is
//! not shown inside the demo. Screens are drawn with ratatui's test backend at the fixed
//! "now" below, so every age is stable.

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ferry::commands::demo::{DEMO_LEDGER, demo_file};
use ferry::inventory::{AttemptOutcome, FetchAttempt, Inventory};
use ferry::ledger::Ledger;
use ferry::model::{Provider, ResourceId, SnapshotFile};
use ferry::tui::keymap::KeyPress;
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, handle_key, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap()
}

fn state_of(inv: Inventory, origin: &str) -> AppState {
    let ledger = Ledger::parse(DEMO_LEDGER, Path::new("ledger.toml")).unwrap();
    AppState::new(inv, now(), origin).with_ledger(None, ledger, ferry::rules::Rules::default())
}

fn demo_state() -> AppState {
    state_of(
        Inventory::from_sources(&demo_file().unwrap().sources),
        "demo",
    )
}

fn screen(state: &mut AppState, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(f, state, &Theme::named("dark", false)))
        .unwrap();
    t.backend().to_string()
}

/// The screen's last line (the status bar), without the test backend's quotes.
fn status_line(screen: &str) -> String {
    screen.lines().last().unwrap().trim_matches('"').to_string()
}

fn press(state: &mut AppState, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        handle_key(
            state,
            KeyPress::from_event(&KeyEvent::new(code, KeyModifiers::NONE)).unwrap(),
        );
    }
}

fn pane_of(state: &AppState, provider: Provider) -> usize {
    state
        .panes
        .iter()
        .position(|p| p.provider == provider)
        .unwrap()
}

/// The line of `screen` on which `text` appears, for a readable failure.
fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text:?}:\n{screen}"))
}

#[test]
fn a_collapsed_node_marks_the_linked_resources_inside_it() {
    let mut s = demo_state();
    assert!(s.reveal(&ResourceId::from_raw("heroku:app/acme-api")));
    // Every AWS service group folded: what acme-api maps to is all out of sight.
    let aws = pane_of(&s, Provider::Aws);
    let pane = &mut s.panes[aws];
    let services: Vec<String> = pane
        .tree
        .nodes
        .iter()
        .filter(|n| n.depth == 2)
        .map(|n| n.key.clone())
        .collect();
    for key in &services {
        pane.expanded.remove(key);
    }
    pane.refresh_rows();
    let text = screen(&mut s, 120, 40);
    insta::assert_snapshot!("collapsed_nodes_mark_linked_120x40", text);
    // The app's processes (ECS services and task definitions) ...
    line_with(&text, "▸ ECS (14) ◆ 5 linked");
    // ... and its add-ons' counterparts: the Redis and Postgres add-ons.
    line_with(&text, "▸ ElastiCache (1) ◆ 1 linked");
    line_with(&text, "▸ RDS (1) ◆ 1 linked");
    // Nothing linked beneath: no mark.
    assert!(!text.contains("ECR (2) ◆"), "{text}");
    // The selected app does not count its own attachments as news.
    assert!(!text.contains("acme-api partial ◆"), "{text}");
    // The Semaphore tab, folded into "+2", still says it holds linked resources.
    line_with(&text, "AWS (60) +2 ◆");
    // The other panes too: the DNS record in its zone.
    line_with(&text, "▸ acmepay.com ◆ 1 linked");

    // Opened, the mark moves down to the collapsed cluster holding the services, and
    // the task definitions show as linked themselves.
    let ecs = services
        .iter()
        .find(|k| k.ends_with("eu-west-1/ECS"))
        .unwrap();
    s.panes[aws].expanded.insert(ecs.clone());
    s.panes[aws].refresh_rows();
    let text = screen(&mut s, 120, 40);
    assert!(!text.contains("ECS (14) ◆"), "{text}");
    line_with(&text, "▸ acme-prod ◆ 2 linked");
    line_with(&text, "◆ acme-api-web:14");

    // Narrow, the mark shortens rather than being cut.
    let narrow = screen(&mut s, 80, 24);
    line_with(&narrow, "▸ acme-prod ◆2");
}

#[test]
fn an_aws_counterpart_marks_the_collapsed_heroku_app_it_stands_in_for() {
    let mut s = demo_state();
    let web = "aws:arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-web";
    assert!(s.reveal(&ResourceId::from_raw(web)));
    let text = screen(&mut s, 120, 40);
    // The web process inside the (collapsed) app: expand acme-api to see it.
    line_with(&text, "▸ acme-api partial ◆ 1 linked");
    assert!(!text.contains("acme-admin cut_over ◆"), "{text}");
}

#[test]
fn the_status_bar_gives_every_source_its_age_at_120_columns() {
    let mut s = demo_state();
    let wide = screen(&mut s, 120, 40);
    insta::assert_snapshot!("status_bar_120x40", wide);
    assert_eq!(
        status_line(&wide),
        "Heroku 103 · 45m │ Cloudflare 32 · 44m │ AWS 60 · 42m │ Semaphore 20 · 41m │ \
         IaC 52 · 42m │ demo          ? help  q quit"
    );
    // With room, the ages read in words.
    let roomy = status_line(&screen(&mut s, 160, 40));
    assert!(roomy.starts_with("Heroku 103 · 45m ago │ Cloudflare 32 · 44m ago"));
}

#[test]
fn at_80_columns_the_status_bar_shortens_and_keeps_help() {
    let mut s = demo_state();
    let narrow = screen(&mut s, 80, 24);
    insta::assert_snapshot!("status_bar_80x24", narrow);
    // Short labels and the oldest age for all five; nothing cut, `? help` kept.
    assert_eq!(
        status_line(&narrow),
        "Heroku 103 │ CF 32 │ AWS 60 │ Sem 20 │ IaC 52 │ oldest 45m │ demo ? help  q quit"
    );
    // Narrower still, `q quit` goes (it is in the help), then the line is cut with an
    // ellipsis: `? help` always stays.
    let tiny = status_line(&screen(&mut s, 50, 24));
    assert!(tiny.ends_with("… ? help"), "{tiny}");
    assert!(!tiny.contains("quit"));
}

#[test]
fn the_status_bar_says_which_source_is_partial_stale_or_failed() {
    let mut file: SnapshotFile = demo_file().unwrap();
    for source in &mut file.sources {
        match source.source {
            // A part AWS did not permit: the data is partial.
            Provider::Aws => {
                let account = source
                    .resources
                    .iter_mut()
                    .find(|r| r.kind.as_str() == "aws_account")
                    .unwrap();
                account.attrs.insert(
                    "ferry_unavailable".into(),
                    serde_json::json!([{"kind": "rds_instance", "region": "eu-west-1",
                        "error": "AccessDenied", "kept_stale": 1, "failed": false}]),
                );
            }
            // A resource carried over from an earlier fetch: the data is stale.
            Provider::Cloudflare => {
                source.resources[1]
                    .attrs
                    .insert("ferry_stale".into(), serde_json::Value::Bool(true));
            }
            _ => {}
        }
    }
    let mut inv = Inventory::from_sources(&file.sources);
    // Semaphore's last fetch, after its snapshot, saved nothing.
    inv.record_attempt(FetchAttempt {
        source: Provider::Semaphore,
        at: now() - Duration::minutes(5),
        outcome: AttemptOutcome::Failed,
        errors: vec!["semaphore org acmepay: 503 from /api/v1alpha/projects".into()],
    });
    let mut s = state_of(inv, "cache");
    // A refresh of Heroku from the TUI failed just now.
    let heroku = pane_of(&s, Provider::Heroku);
    s.panes[heroku].fetch.error = Some("heroku account platform: 401".into());

    let roomy = status_line(&screen(&mut s, 200, 40));
    for part in [
        "Heroku 103 · 45m ago ✗ refresh failed",
        "Cloudflare 32 · 44m ago ⚠ stale",
        "AWS 60 · 42m ago ⚠ partial",
        "Semaphore 20 · 41m ago ✗ last fetch failed",
        "IaC 52 · 42m ago │ cache",
    ] {
        assert!(roomy.contains(part), "{part:?} in {roomy}");
    }
    // At 120 the words shorten to glyphs or the labels shorten; the flags stay.
    let wide = status_line(&screen(&mut s, 120, 40));
    assert!(wide.contains("AWS 60 · 42m ⚠"), "{wide}");
    assert!(wide.contains("Heroku 103 · 45m ✗"), "{wide}");
    // At 80 they still show, on the short labels.
    let narrow = status_line(&screen(&mut s, 80, 24));
    for part in ["Heroku 103 ✗", "CF 32 ⚠", "AWS 60 ⚠", "Sem 20 ✗", "? help"] {
        assert!(narrow.contains(part), "{part:?} in {narrow}");
    }
    // A complete, fresh source carries no flag.
    assert!(!narrow.contains("IaC 52 ⚠") && !narrow.contains("IaC 52 ✗"));
}

#[test]
fn an_empty_pane_suggests_the_demo_only_outside_it() {
    // Only Heroku data: the Cloudflare pane is empty.
    let file = demo_file().unwrap();
    let heroku: Vec<_> = file
        .sources
        .into_iter()
        .filter(|s| s.source == Provider::Heroku)
        .collect();
    let mut cached = state_of(Inventory::from_sources(&heroku), "cache");
    let text = screen(&mut cached, 120, 40);
    assert!(text.contains("No Cloudflare data cached."), "{text}");
    assert!(text.contains("Try `ferry demo`, or"));

    let mut demo = state_of(Inventory::from_sources(&heroku), "demo");
    let text = screen(&mut demo, 120, 40);
    assert!(!text.contains("ferry demo"), "{text}");
    assert!(text.contains("No Cloudflare data in the demo estate."));
}

#[test]
fn the_marks_follow_the_selection() {
    // The focused pane's selection is what the others light up for: Tab to Cloudflare,
    // whose selected row is a group, and nothing is linked any more.
    let mut s = demo_state();
    assert!(s.reveal(&ResourceId::from_raw("heroku:app/acme-api")));
    let before = screen(&mut s, 120, 40);
    line_with(&before, "▸ acme-prod ◆");
    press(&mut s, "\t");
    let after = screen(&mut s, 120, 40);
    assert!(!after.contains("acme-prod ◆"), "{after}");
}

#[test]
fn at_80_columns_the_gaps_summary_gives_its_room_to_the_statuses() {
    let mut s = demo_state();
    press(&mut s, "2");
    let wide = screen(&mut s, 200, 30);
    let line = wide.lines().nth(1).unwrap();
    assert!(
        line.contains("· 13 ready to cut over · 52 items · 18 missing"),
        "{line}"
    );
    // Narrow, the phrase repeating the `ready` count goes; what is still too long ends
    // in an ellipsis.
    let narrow = screen(&mut s, 80, 24);
    let line = narrow.lines().nth(1).unwrap();
    assert!(
        line.contains("52 items: 18 missing 9 partial 13 ready"),
        "{line}"
    );
    assert!(!line.contains("ready to cut over"));
    assert!(line.trim_end_matches([' ', '"']).ends_with('…'), "{line}");
}

#[test]
fn a_fetch_s_progress_in_a_narrow_pane_title_drops_whole_parts_then_ends_in_an_ellipsis() {
    let mut s = demo_state();
    let fetch = &mut s.panes[0].fetch;
    fetch.running = true;
    fetch.progress = "app details 3/7".into();
    fetch.budget = Some(4090);
    fetch.requests = 2;
    // Wide: everything.
    let wide = screen(&mut s, 200, 40);
    line_with(&wide, "app details 3/7 · budget 4090 · 2 req");
    // 140 columns: the request count goes whole, not half of it.
    let mid = screen(&mut s, 140, 40);
    let title = line_with(&mid, "app details 3/7 · budget 4090");
    assert!(!title.contains("· 2") && !title.contains("req"), "{title}");
    // 80 columns: the progress is cut, and says so.
    let narrow = screen(&mut s, 80, 24);
    let title = narrow.lines().nth(1).unwrap();
    assert!(
        title.contains("Heroku (103) ⠋ app de") && title.contains("…┓"),
        "{title}"
    );
}

/// Point 10: a message too long for the status bar is cut with an ellipsis and says where
/// to read it whole; `:messages` shows every message of the session, newest first, wrapped.
#[test]
fn a_cut_message_points_to_messages_which_shows_it_whole() {
    let mut s = demo_state();
    s.toast("First message, short.", false);
    let long = "Could not export to /home/ops/reports/migration/board-review/2026-12/ferry-gaps.md: \
                permission denied (the folder is read-only; choose another path with export md PATH)";
    s.toast(long, true);
    let text = screen(&mut s, 80, 24);
    let last = status_line(&text);
    assert!(last.contains('…') && last.ends_with(":messages"), "{last}");
    assert!(!text.contains("choose another path"), "{text}");

    press(&mut s, ":messages");
    handle_key(
        &mut s,
        KeyPress::from_event(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)).unwrap(),
    );
    assert!(s.show_messages);
    let text = screen(&mut s, 80, 24);
    insta::assert_snapshot!("messages_overlay_80x24", text);
    // The whole text is there, wrapped over the popup's lines.
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("choose another path with export md PATH)"),
        "{text}"
    );
    // Newest first.
    let newest = text.find("Could not export").unwrap();
    let oldest = text.find("First message, short.").unwrap();
    assert!(newest < oldest, "{text}");
    // Esc closes it; the keys work again.
    handle_key(
        &mut s,
        KeyPress::from_event(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)).unwrap(),
    );
    assert!(!s.show_messages);
    press(&mut s, "2");
    assert_eq!(s.view, ferry::tui::state::View::Gaps);
}
