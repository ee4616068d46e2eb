//! `ferry diff` and `ferry snapshot list` on the real binary: what changed between two
//! snapshots of a source, as a table and as JSON, and clear errors for ids that do not fit.

mod common;

use ferry::commands::demo::demo_file;
use ferry::model::{Provider, ResourceId, SnapshotFile};
use std::path::Path;
use std::process::Output;

fn ferry(data: &Path, args: &[&str]) -> Output {
    common::ferry_in(data, args)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// How many sources the demo holds (one snapshot each when imported).
fn demo_sources() -> usize {
    demo_file().unwrap().sources.len()
}

/// The demo estate imported, then a later Heroku snapshot with one process scaled up,
/// one app added and one domain gone.
fn two_heroku_snapshots(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    let demo = demo_file().unwrap();
    let first = dir.join("first.json");
    std::fs::write(&first, serde_json::to_string(&demo).unwrap()).unwrap();
    let mut heroku = demo
        .sources
        .iter()
        .find(|s| s.source == Provider::Heroku)
        .unwrap()
        .clone();
    heroku.taken_at += chrono::Duration::hours(1);
    for r in &mut heroku.resources {
        if r.id.as_str() == "heroku:formation/acme-api/web" {
            r.attrs.insert("quantity".into(), serde_json::json!(6));
        }
    }
    let mut app = heroku
        .resources
        .iter()
        .find(|r| r.kind == ferry::model::Kind::App)
        .unwrap()
        .clone();
    app.id = ResourceId::from_raw("heroku:app/acme-ledger");
    app.name = "acme-ledger".into();
    heroku.resources.push(app);
    heroku
        .resources
        .retain(|r| r.id.as_str() != "heroku:domain/acme-api/api.acmepay.com");
    let second = dir.join("second.json");
    let file = SnapshotFile {
        sources: vec![heroku],
        ..demo
    };
    std::fs::write(&second, serde_json::to_string(&file).unwrap()).unwrap();
    for f in [&first, &second] {
        let out = ferry(&data, &["snapshot", "import", f.to_str().unwrap()]);
        assert!(out.status.success(), "{:?}", text(&out));
    }
    data
}

#[test]
fn diff_shows_what_changed_between_the_two_newest_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let data = two_heroku_snapshots(dir.path());

    let out = ferry(&data, &["snapshot", "list"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert_eq!(
        stdout.lines().count(),
        demo_sources() + 2,
        "a header, the demo's snapshots and the later Heroku one: {stdout}"
    );
    assert!(
        stdout.lines().nth(1).unwrap().contains("heroku"),
        "newest first: {stdout}"
    );

    let out = ferry(&data, &["diff"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("Heroku: snapshot 1 (") && stdout.contains("1 added, 1 removed, 1 changed"),
        "{stdout}"
    );
    assert!(stdout.contains("+ app"), "{stdout}");
    assert!(stdout.contains("heroku:app/acme-ledger"), "{stdout}");
    assert!(
        stdout.contains("heroku:domain/acme-api/api.acmepay.com"),
        "{stdout}"
    );
    assert!(
        stdout.contains("heroku:formation/acme-api/web  (quantity 3 → 6)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Cloudflare") && !stdout.contains("AWS"),
        "sources with one snapshot are not compared: {stdout}"
    );

    let out = ferry(&data, &["diff", "--source", "heroku", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v[0];
    assert_eq!(d["source"], "heroku");
    assert_eq!(
        (d["from"]["id"].as_i64(), d["to"]["id"].as_i64()),
        (Some(1), Some(demo_sources() as i64 + 1))
    );
    assert_eq!(d["added"][0]["id"], "heroku:app/acme-ledger");
    assert_eq!(d["removed"][0]["kind"], "domain");
    assert_eq!(d["changed"][0]["fields"], serde_json::json!(["quantity"]));
}

#[test]
fn diff_of_named_snapshots_checks_they_fit() {
    let dir = tempfile::tempdir().unwrap();
    let data = two_heroku_snapshots(dir.path());
    let newest = (demo_sources() + 1).to_string();
    let out = ferry(&data, &["diff", "--from", &newest, "--to", "1"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("1 added, 1 removed, 1 changed"),
        "backwards too: {stdout}"
    );
    assert!(stdout.contains("+ domain"), "{stdout}");

    let out = ferry(&data, &["diff", "--from", "1", "--to", "2"]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("snapshot 1 is of heroku and 2 of cloudflare"),
        "{stderr}"
    );
    let out = ferry(&data, &["diff", "--from", "42"]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("there is no snapshot 42"), "{stderr}");

    let empty = dir.path().join("empty");
    let out = ferry(&empty, &["diff"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(stdout.contains("Nothing to compare"), "{stdout}");
}

#[test]
fn newest_changes_compares_each_sources_two_newest_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let data = two_heroku_snapshots(dir.path());
    let store = ferry::store::Store::open(&data.join("cache.sqlite")).unwrap();
    let found = ferry::commands::diff::newest_changes(&store).unwrap();
    assert_eq!(found.len(), 1, "only Heroku has two snapshots");
    let (meta, diff) = &found[0];
    assert_eq!(
        (meta.source, meta.id),
        (Provider::Heroku, demo_sources() as i64 + 1)
    );
    assert_eq!(diff.summary(), "1 added, 1 removed, 1 changed");
}

#[test]
fn snapshots_order_by_when_they_were_taken_and_a_repeat_import_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // The later snapshot (taken an hour after the demo) is imported first, then the demo.
    let data = two_heroku_snapshots(dir.path());
    let reordered = dir.path().join("reordered");
    for (f, expect) in [
        ("second.json", "Imported 1 snapshot(s)"),
        ("first.json", "older than the cache's newest"),
    ] {
        let out = ferry(
            &reordered,
            &["snapshot", "import", dir.path().join(f).to_str().unwrap()],
        );
        let (_, stderr) = text(&out);
        assert!(
            out.status.success() && stderr.contains(expect),
            "{f}: {stderr}"
        );
    }
    // The newest *taken* is what the cache shows and what diff compares against.
    let out = ferry(&reordered, &["diff", "--source", "heroku"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains(
            "Heroku: snapshot 2 (2026-11-20 08:55 UTC, import) → 1 (2026-11-20 09:55 UTC, import)"
        ) && stdout.contains("+ app")
            && stdout.contains("heroku:app/acme-ledger"),
        "{stdout}"
    );

    // The same file again: nothing new is stored, and history is not pushed out.
    let again = ferry(
        &data,
        &[
            "snapshot",
            "import",
            dir.path().join("first.json").to_str().unwrap(),
        ],
    );
    let (_, stderr) = text(&again);
    assert!(again.status.success());
    assert!(
        stderr.contains("Imported 0 snapshot(s) (none new)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("already in the cache (snapshot 1): skipped"),
        "{stderr}"
    );
    let (list, _) = text(&ferry(&data, &["snapshot", "list"]));
    assert_eq!(list.lines().count(), demo_sources() + 2, "{list}");
}
