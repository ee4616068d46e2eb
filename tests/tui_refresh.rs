//! Background refresh in the TUI: `r` / `R` start fetches, progress shows in the pane
//! title, results replace the pane's data keeping selection and expansion, a failure shows
//! in the title and keeps the last good data. Driven through `update` with fetch events.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ferry::commands::demo::demo_file;
use ferry::fetch::{AccountSummary, FetchEvent, SourceReport};
use ferry::inventory::{Inventory, SnapshotMeta};
use ferry::model::{Kind, Provider, SourceSnapshot};
use ferry::sources::SourceEvent;
use ferry::tui::keymap::KeyPress;
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, Effect, Msg, handle_key, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::sync::Arc;

fn state(refresh: bool) -> AppState {
    let file = demo_file().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    let mut s = AppState::new(Inventory::from_sources(&file.sources), now, "cache");
    s.refresh_enabled = refresh;
    s
}

fn heroku_snapshot() -> SourceSnapshot {
    demo_file()
        .unwrap()
        .sources
        .into_iter()
        .find(|s| s.source == Provider::Heroku)
        .unwrap()
}

fn press(state: &mut AppState, c: char) -> Effect {
    let key = KeyPress::from_event(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
    handle_key(state, key)
}

fn screen(state: &mut AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(140, 40)).unwrap();
    t.draw(|f| view::draw(f, state, &Theme::from_env()))
        .unwrap();
    t.backend().to_string()
}

fn finished(snapshot: Option<SourceSnapshot>, error: Option<&str>) -> Msg {
    let stored = snapshot.map(|s| {
        let meta = SnapshotMeta {
            id: 99,
            source: s.source,
            taken_at: s.taken_at,
            origin: "fetch".into(),
            resource_count: s.resources.len(),
        };
        (meta, Arc::new(s))
    });
    Msg::Fetch(FetchEvent::Finished(Box::new(SourceReport {
        source: Provider::Heroku,
        accounts: vec![AccountSummary {
            name: "default".into(),
            outcome: match error {
                Some(e) => Err(e.to_string()),
                None => Ok("ok".into()),
            },
            counts: BTreeMap::new(),
            notices: vec![],
        }],
        error: None,
        stored,
        requests: 41,
        skipped: false,
    })))
}

fn progress(message: &str) -> Msg {
    Msg::Fetch(FetchEvent::Progress {
        source: Provider::Heroku,
        event: SourceEvent::Status {
            account: "default".into(),
            message: message.into(),
        },
    })
}

#[test]
fn r_refreshes_the_focused_source_and_r_upper_everything() {
    let mut s = state(true);
    assert_eq!(press(&mut s, 'r'), Effect::Fetch(Some(Provider::Heroku)));
    assert!(s.panes[0].fetch.running);
    assert_eq!(press(&mut s, 'r'), Effect::None, "one fetch at a time");
    assert!(s.toast.as_ref().unwrap().text.contains("already running"));

    let mut s = state(true);
    assert_eq!(press(&mut s, 'R'), Effect::Fetch(None));
    assert!(s.panes[0].fetch.running);
    assert!(
        s.panes[1].fetch.running && s.panes[2].fetch.running,
        "every source"
    );

    let mut s = state(true);
    let tab = KeyPress::from_event(&KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)).unwrap();
    handle_key(&mut s, tab);
    assert_eq!(
        press(&mut s, 'r'),
        Effect::Fetch(Some(Provider::Cloudflare))
    );
    let mut s = state(true);
    handle_key(&mut s, tab);
    handle_key(&mut s, tab);
    assert_eq!(press(&mut s, 'r'), Effect::Fetch(Some(Provider::Aws)));
}

#[test]
fn the_demo_does_not_refresh() {
    let mut s = state(false);
    assert_eq!(press(&mut s, 'r'), Effect::None);
    assert!(screen(&mut s).contains("refresh is off"));
}

#[test]
fn progress_shows_in_the_title_while_the_panes_stay_usable() {
    let mut s = state(true);
    press(&mut s, 'r');
    update(&mut s, progress("app details 3/7"));
    for budget in [4100, 4090] {
        update(
            &mut s,
            Msg::Fetch(FetchEvent::Progress {
                source: Provider::Heroku,
                event: SourceEvent::Kind {
                    account: "default".into(),
                    kind: "formation",
                    requests: 1,
                    items: 2,
                    budget_left: Some(budget),
                },
            }),
        );
    }
    assert_eq!(s.panes[0].fetch.requests, 2);
    assert_eq!(s.panes[0].fetch.budget, Some(4090));
    update(&mut s, Msg::Tick);
    press(&mut s, 'j');
    assert_eq!(s.pane().selected, 1, "keys still move the selection");
    let text = screen(&mut s);
    assert!(text.contains("⠙ app details 3/7 · budget 4090"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn results_replace_the_data_and_keep_selection_and_expansion() {
    let mut s = state(true);
    // Expand acme-api and select its second part.
    while s
        .selected_resource()
        .is_none_or(|r| r.name != "acme-api" || r.kind != Kind::App)
    {
        press(&mut s, 'j');
    }
    press(&mut s, 'l');
    press(&mut s, 'j');
    press(&mut s, 'j');
    let selected = s.selected_resource().unwrap().id.clone();
    let before = s.pane().rows.len();
    press(&mut s, 'r');

    // The new snapshot lost an app that sorts before acme-api, so every row shifts.
    let mut snap = heroku_snapshot();
    snap.resources
        .retain(|r| !r.id.as_str().contains("acme-admin"));
    snap.links
        .retain(|l| !l.from.as_str().contains("acme-admin"));
    update(&mut s, finished(Some(snap), None));
    assert!(!s.panes[0].fetch.running);
    assert_eq!(
        s.selected_resource().unwrap().id,
        selected,
        "same node selected"
    );
    assert!(s.pane().expanded.contains("heroku:app/acme-api"));
    assert_eq!(s.pane().rows.len(), before - 1, "acme-admin's row is gone");
    assert_eq!(s.inventory.snapshot_of(Provider::Heroku).unwrap().id, 99);
    assert!(
        s.inventory
            .get(&ferry::model::ResourceId::from_raw("heroku:app/acme-admin"))
            .is_none()
    );
    // Other panes were rebuilt against the new inventory and still show their data.
    assert!(screen(&mut s).contains("acmepay.com"));
}

#[test]
fn a_failed_fetch_shows_its_error_and_keeps_the_data() {
    let mut s = state(true);
    let count = s.inventory.count(Provider::Heroku);
    press(&mut s, 'r');
    update(
        &mut s,
        finished(
            None,
            Some("Heroku account `default`: GET /account: HTTP 401 unauthorized"),
        ),
    );
    assert!(!s.panes[0].fetch.running);
    assert_eq!(s.inventory.count(Provider::Heroku), count);
    let text = screen(&mut s);
    assert!(text.contains("✗ Heroku account `default`"), "{text}");
    assert!(
        text.contains("Last fetch failed: Heroku account `default`: GET /account: HTTP 401"),
        "the whole message shows above the details: {text}"
    );
    insta::assert_snapshot!("failed_source", text);
    // A later success clears it.
    press(&mut s, 'r');
    update(&mut s, finished(Some(heroku_snapshot()), None));
    assert!(s.panes[0].fetch.error.is_none());
}

fn provisional(snap: SourceSnapshot) -> Msg {
    Msg::Fetch(FetchEvent::Progress {
        source: Provider::Heroku,
        event: SourceEvent::Provisional(Arc::new(snap)),
    })
}

#[test]
fn provisional_data_fills_the_pane_and_a_failure_puts_the_last_good_data_back() {
    let mut s = state(true);
    let good = s.inventory.count(Provider::Heroku);
    press(&mut s, 'r');
    let mut partial = heroku_snapshot();
    partial
        .resources
        .retain(|r| r.kind == Kind::App || r.kind == Kind::Team);
    partial.links.clear();
    let shown = partial.resources.len();
    update(&mut s, provisional(partial));
    assert_eq!(
        s.inventory.count(Provider::Heroku),
        shown,
        "the pane fills while fetching"
    );
    assert!(s.panes[0].fetch.running);
    assert!(screen(&mut s).contains(&format!("Heroku ({shown})")));
    update(
        &mut s,
        finished(None, Some("GET /apps/acme-api/formation: server error 503")),
    );
    assert_eq!(
        s.inventory.count(Provider::Heroku),
        good,
        "last good data is back"
    );
    assert_eq!(
        s.inventory.snapshot_of(Provider::Heroku).unwrap().origin,
        "file"
    );
}

#[test]
fn provisional_data_is_replaced_by_the_stored_snapshot() {
    let mut s = state(true);
    press(&mut s, 'r');
    let mut partial = heroku_snapshot();
    partial.resources.truncate(3);
    partial.links.clear();
    update(&mut s, provisional(partial));
    let full = heroku_snapshot();
    let count = full.resources.len();
    update(&mut s, finished(Some(full), None));
    assert_eq!(s.inventory.count(Provider::Heroku), count);
    assert_eq!(s.inventory.snapshot_of(Provider::Heroku).unwrap().id, 99);
    assert!(s.panes[0].fetch.backup.is_none());
}

#[test]
fn a_refresh_says_what_changed_and_is_changed_filters_to_it() {
    let mut s = state(true);
    assert_eq!(press(&mut s, 'r'), Effect::Fetch(Some(Provider::Heroku)));
    let mut snap = heroku_snapshot();
    // One process scaled up, one app added, one domain gone.
    let web = snap
        .resources
        .iter_mut()
        .find(|r| r.id.as_str() == "heroku:formation/acme-api/web")
        .unwrap();
    web.attrs.insert("quantity".into(), serde_json::json!(9));
    let mut app = snap
        .resources
        .iter()
        .find(|r| r.kind == Kind::App)
        .unwrap()
        .clone();
    app.id = ferry::model::ResourceId::from_raw("heroku:app/acme-new");
    app.name = "acme-new".into();
    snap.resources.push(app);
    let gone = snap
        .resources
        .iter()
        .position(|r| r.kind == Kind::Domain)
        .unwrap();
    snap.resources.remove(gone);
    update(&mut s, finished(Some(snap), None));
    let toast = s.toast.as_ref().expect("a toast").text.clone();
    assert!(
        toast.contains("Heroku: 1 added, 1 removed, 1 changed since the previous snapshot"),
        "{toast}"
    );

    ferry::tui::input::set_filter(&mut s, "is:changed");
    let shown: Vec<String> = s.panes[0]
        .rows
        .iter()
        .filter_map(|&n| match &s.panes[0].tree.nodes[n].kind {
            ferry::tui::tree::NodeKind::Resource(i) => {
                Some(s.inventory.resources[*i].id.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        shown,
        [
            "heroku:app/acme-api", // the changed process's parent, for context
            "heroku:formation/acme-api/web",
            "heroku:app/acme-new"
        ],
        "only what the refresh added or changed"
    );
    let text = screen(&mut s);
    assert!(
        text.contains("+ acme-new") && text.contains("~ web"),
        "{text}"
    );
    assert!(
        s.panes[1].rows.is_empty() && s.panes[2].rows.is_empty(),
        "nothing changed in the sources not refreshed"
    );
}

#[test]
fn startup_changes_mark_what_the_last_fetch_changed_unless_a_refresh_replaced_it() {
    use ferry::diff::{Changed, Diff, Entry};
    let mut s = state(true);
    let meta = s.inventory.snapshot_of(Provider::Heroku).unwrap().clone();
    let web = s
        .inventory
        .resources
        .iter()
        .find(|r| r.id.as_str() == "heroku:formation/acme-api/web")
        .unwrap();
    let diff = Diff {
        added: vec![],
        removed: vec![],
        changed: vec![Changed {
            entry: Entry {
                id: web.id.clone(),
                kind: web.kind,
                name: web.name.clone(),
            },
            fields: vec!["quantity".into()],
            before: [("quantity".to_string(), serde_json::json!(3))].into(),
            after: [("quantity".to_string(), serde_json::json!(5))].into(),
        }],
    };
    let mut stale = meta.clone();
    stale.id += 1000;
    stale.source = Provider::Heroku;
    // A result for a snapshot the pane no longer shows is dropped.
    update(&mut s, Msg::Changes(vec![(stale, diff.clone())]));
    assert!(s.filter_facts.changed.is_empty() && s.toast.is_none());

    update(&mut s, Msg::Changes(vec![(meta, diff)]));
    let toast = s.toast.as_ref().unwrap().text.clone();
    assert_eq!(
        toast,
        "Since the previous snapshot: Heroku 0 added, 0 removed, 1 changed · /is:changed shows them"
    );
    ferry::tui::input::set_filter(&mut s, "is:changed");
    let text = screen(&mut s);
    assert!(text.contains("~ web"), "{text}");
    assert!(s.reveal(&ferry::model::ResourceId::from_raw(
        "heroku:formation/acme-api/web"
    )));
    let text = screen(&mut s);
    assert!(
        text.contains("quantity 3 → 5 (by the last fetch)"),
        "the details say what changed: {text}"
    );
}
