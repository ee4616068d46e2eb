//! The graph tree on tiny crafted inventories: a shared add-on between two apps, edges
//! that lead back up the path, a diamond, and the connectors.

use chrono::{TimeZone, Utc};

use super::*;
use crate::inventory::Inventory;
use crate::model::{Link, Resource, Scope};

fn res(id: &str, kind: Kind, name: &str, parent: Option<&str>) -> Resource {
    Resource {
        id: ResourceId::from_raw(id),
        provider: kind.provider(),
        kind,
        name: name.into(),
        parent: parent.map(ResourceId::from_raw),
        scope: Scope::default(),
        attrs: Default::default(),
        tags: Default::default(),
        fetched_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
    }
}

fn link(from: &str, to: &str, kind: LinkKind) -> Link {
    Link {
        from: ResourceId::from_raw(from),
        to: ResourceId::from_raw(to),
        kind,
    }
}

fn state(resources: Vec<Resource>, links: Vec<Link>) -> AppState {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    AppState::new(Inventory::new(Vec::new(), resources, links), now, "test")
}

const A: &str = "heroku:app/a";
const B: &str = "heroku:app/b";
const PG: &str = "heroku:addon/pg";
const A_DB: &str = "heroku:addon_attachment/a/DATABASE";
const B_DB: &str = "heroku:addon_attachment/b/DATABASE";
const A_WEB: &str = "heroku:formation/a/web";
const B_WEB: &str = "heroku:formation/b/web";

/// Two apps sharing a Postgres add-on that app b owns and app a has attached.
fn shared_addon() -> AppState {
    state(
        vec![
            res(A, Kind::App, "a", None),
            res(B, Kind::App, "b", None),
            res(PG, Kind::Addon, "pg", Some(B)),
            res(A_DB, Kind::AddonAttachment, "DATABASE", Some(A)),
            res(B_DB, Kind::AddonAttachment, "DATABASE", Some(B)),
            res(A_WEB, Kind::Formation, "web", Some(A)),
            res(B_WEB, Kind::Formation, "web", Some(B)),
        ],
        vec![
            link(A_DB, PG, LinkKind::References),
            link(B_DB, PG, LinkKind::References),
            link(PG, A, LinkKind::AttachedTo),
            link(PG, B, LinkKind::AttachedTo),
        ],
    )
}

fn rows_of(s: &AppState, root: &str, opts: GraphOptions) -> Vec<GraphRow> {
    build(s, &ResourceId::from_raw(root), opts)
}

/// The ids on the path from the root down to row `i` (excluding it), from the depths.
fn ancestors(rows: &[GraphRow], i: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut want = rows[i].depth;
    for r in rows[..i].iter().rev() {
        if r.depth < want {
            out.push(r.id.as_str());
            want = r.depth;
        }
    }
    out
}

/// Rows as `prefix + id + marker`, for readable assertions.
fn lines(rows: &[GraphRow]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let mark = match r.mark {
                Mark::None => "",
                Mark::SeeAbove => " ^",
                Mark::SeeBelow => " v",
                Mark::OtherApp => " |",
            };
            format!("{}{}{mark}", r.prefix, r.id.as_str())
        })
        .collect()
}

#[test]
fn no_row_repeats_a_resource_on_its_own_path() {
    let s = shared_addon();
    for across in [false, true] {
        let opts = GraphOptions {
            depth: MAX_DEPTH,
            across_apps: across,
        };
        let rows = rows_of(&s, A, opts);
        for i in 0..rows.len() {
            assert!(
                !ancestors(&rows, i).contains(&rows[i].id.as_str()),
                "row {i} echoes an ancestor:\n{}",
                lines(&rows).join("\n")
            );
        }
    }
}

#[test]
fn another_app_behind_a_shared_addon_is_a_leaf_by_default() {
    let s = shared_addon();
    let rows = rows_of(&s, A, GraphOptions::default());
    let text = lines(&rows).join("\n");
    let b: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].id.as_str() == B)
        .collect();
    assert!(!b.is_empty(), "the other app is shown:\n{text}");
    for &i in &b {
        assert_eq!(rows[i].mark, Mark::OtherApp, "{text}");
        let next = rows.get(i + 1).map_or(0, |r| r.depth);
        assert!(next <= rows[i].depth, "nothing hangs under b:\n{text}");
    }
    for part in [B_DB, B_WEB] {
        assert!(
            rows.iter().all(|r| r.id.as_str() != part),
            "{part} is b's, not followed:\n{text}"
        );
    }
    // The shared add-on itself is a's business: shown and expanded once.
    let pg: Vec<&GraphRow> = rows.iter().filter(|r| r.id.as_str() == PG).collect();
    assert_eq!(
        pg.iter().filter(|r| r.mark == Mark::None).count(),
        1,
        "{text}"
    );
}

#[test]
fn following_across_apps_expands_the_other_app() {
    let s = shared_addon();
    let opts = GraphOptions {
        depth: 4,
        across_apps: true,
    };
    let rows = rows_of(&s, A, opts);
    let text = lines(&rows).join("\n");
    assert!(rows.iter().all(|r| r.mark != Mark::OtherApp), "{text}");
    for part in [B_DB, B_WEB] {
        assert!(
            rows.iter().any(|r| r.id.as_str() == part),
            "{part} reached:\n{text}"
        );
    }
}

#[test]
fn the_same_resource_is_listed_once_under_one_parent() {
    // Two links between the same pair (a reference and a counterpart) make one row.
    let s = state(
        vec![
            res("aws:svc", Kind::EcsService, "svc", None),
            res("aws:td", Kind::TaskDefinition, "td", None),
        ],
        vec![
            link("aws:svc", "aws:td", LinkKind::Runs),
            link("aws:td", "aws:svc", LinkKind::References),
        ],
    );
    let rows = rows_of(&s, "aws:svc", GraphOptions::default());
    assert_eq!(lines(&rows), ["aws:svc", "└─ aws:td"]);
    assert_eq!(rows[1].via, Some((LinkKind::Runs, true)));
}

#[test]
fn a_diamond_expands_its_bottom_once() {
    //   top → left → bottom → leaf
    //   top → right → bottom
    let ids = ["aws:top", "aws:left", "aws:right", "aws:bottom", "aws:leaf"];
    let s = state(
        ids.iter()
            .map(|id| res(id, Kind::EcsService, id, None))
            .collect(),
        vec![
            link("aws:top", "aws:left", LinkKind::References),
            link("aws:top", "aws:right", LinkKind::References),
            link("aws:left", "aws:bottom", LinkKind::References),
            link("aws:right", "aws:bottom", LinkKind::References),
            link("aws:bottom", "aws:leaf", LinkKind::References),
        ],
    );
    let rows = rows_of(&s, "aws:top", GraphOptions::default());
    assert_eq!(
        lines(&rows),
        [
            "aws:top",
            "├─ aws:left",
            "│  └─ aws:bottom",
            "│     └─ aws:leaf",
            "└─ aws:right",
            "   └─ aws:bottom ^",
        ]
    );
}

#[test]
fn a_link_across_the_tree_is_drawn_once_at_its_later_end() {
    // top → mid → low, and top → low directly: low belongs one level under top (breadth
    // first, not two levels down under mid), and the mid–low link shows once, under low,
    // pointing up to mid.
    let s = state(
        ["aws:a-top", "aws:b-mid", "aws:c-low", "aws:d-leaf"]
            .iter()
            .map(|id| res(id, Kind::EcsService, id, None))
            .collect(),
        vec![
            link("aws:a-top", "aws:b-mid", LinkKind::Runs),
            link("aws:a-top", "aws:c-low", LinkKind::References),
            link("aws:b-mid", "aws:c-low", LinkKind::References),
            link("aws:c-low", "aws:d-leaf", LinkKind::References),
        ],
    );
    let rows = rows_of(&s, "aws:a-top", GraphOptions::default());
    assert_eq!(
        lines(&rows),
        [
            "aws:a-top",
            "├─ aws:b-mid",
            "└─ aws:c-low",
            "   ├─ aws:d-leaf",
            "   └─ aws:b-mid ^",
        ]
    );
}

#[test]
fn connectors_follow_last_and_middle_children() {
    let s = shared_addon();
    let rows = rows_of(&s, A, GraphOptions::default());
    assert_eq!(
        lines(&rows),
        [
            A,
            &format!("├─ {A_DB}"),
            &format!("├─ {A_WEB}"),
            &format!("└─ {PG}"),
            &format!("   ├─ {B} |"),
            &format!("   └─ {A_DB} ^"),
        ]
    );
    assert_eq!(rows[3].via, Some((LinkKind::AttachedTo, false)));
    // The attachment's link to the add-on is drawn once, under the add-on.
    assert_eq!(rows[5].via, Some((LinkKind::References, false)));
}

#[test]
fn the_depth_limit_counts_what_it_leaves_out() {
    let s = shared_addon();
    let one = GraphOptions {
        depth: 1,
        across_apps: false,
    };
    let rows = rows_of(&s, A, one);
    assert!(rows.iter().all(|r| r.depth <= 1));
    let db = rows.iter().find(|r| r.id.as_str() == A_DB).unwrap();
    assert_eq!(db.deeper, 1, "the add-on lies one level further");
    let web = rows.iter().find(|r| r.id.as_str() == A_WEB).unwrap();
    assert_eq!(web.deeper, 0);
    // Out of range asks are clamped, never an empty tree.
    let zero = GraphOptions {
        depth: 0,
        across_apps: false,
    };
    assert_eq!(rows_of(&s, A, zero), rows);
}

#[test]
fn plus_minus_and_a_change_the_options_within_bounds() {
    use crate::tui::action::Action;
    let mut s = shared_addon();
    s.graph_root = Some(ResourceId::from_raw(A));
    s.set_view(crate::tui::state::View::Graph);
    for _ in 0..20 {
        on_action(&mut s, Action::GraphDeeper);
    }
    assert_eq!(s.graph_opts.depth, MAX_DEPTH);
    for _ in 0..20 {
        on_action(&mut s, Action::GraphShallower);
    }
    assert_eq!(s.graph_opts.depth, 1);
    on_action(&mut s, Action::GraphAcrossApps);
    assert!(s.graph_opts.across_apps);
    // Elsewhere the keys say where they work and change nothing.
    s.set_view(crate::tui::state::View::Gaps);
    on_action(&mut s, Action::GraphDeeper);
    assert_eq!(s.graph_opts.depth, 1);
    assert!(s.toast.as_ref().unwrap().text.contains("graph view"));
}

#[test]
fn the_parts_of_an_app_follow_new_data() {
    let mut s = shared_addon();
    let ids = |s: &AppState| -> Vec<String> {
        rows_of(s, A, GraphOptions::default())
            .iter()
            .map(|r| r.id.as_str().to_string())
            .collect()
    };
    assert!(ids(&s).contains(&A_WEB.to_string()));
    // New data with another formation: the parts index built above is not reused.
    let mut resources = s.inventory.resources.clone();
    resources.push(res(
        "heroku:formation/a/worker",
        Kind::Formation,
        "worker",
        Some(A),
    ));
    let links = s.inventory.links.clone();
    s.inventory = Inventory::new(Vec::new(), resources, links);
    s.rebuild_panes();
    assert!(ids(&s).contains(&"heroku:formation/a/worker".to_string()));
}
