//! The ledger under real conditions: two processes marking at once, a process killed while
//! writing, a malformed file.

mod common;

use ferry::commands::demo::DEMO_ESTATE;
use ferry::ledger::{Decision, Entry, Ledger};
use ferry::model::ResourceId;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn ferry(data: &Path) -> Command {
    let mut cmd = Command::new(common::ferry_bin());
    cmd.env("FERRY_DATA_DIR", data)
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env_remove("FERRY_CONFIG")
        .stdout(Stdio::null());
    cmd
}

/// A data dir holding the demo estate; returns it and the ids of the demo's migration
/// items (what `ferry mark` accepts).
fn demo_data_dir() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    std::fs::write(&file, DEMO_ESTATE).unwrap();
    let status = ferry(dir.path())
        .args(["snapshot", "import", file.to_str().unwrap()])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let demo = ferry::commands::demo::demo_file().unwrap();
    let gap = ferry::commands::gaps::analyze_inventory(
        &ferry::inventory::Inventory::from_sources(&demo.sources),
        &Ledger::default(),
        &ferry::rules::Rules::with_overrides(&Default::default()),
    );
    let ids: Vec<String> = gap.items().map(|i| i.id.to_string()).collect();
    assert!(ids.len() > 24, "enough items to mark");
    (dir, ids)
}

#[test]
fn two_processes_marking_at_once_lose_nothing() {
    let (dir, ids) = demo_data_dir();
    let ids: Vec<String> = ids.into_iter().take(24).collect();
    let (a, b): (Vec<_>, Vec<_>) = ids
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let run = |batch: Vec<(usize, String)>, data: PathBuf| {
        std::thread::spawn(move || {
            for (_, id) in batch {
                let out = ferry(&data)
                    .args([
                        "mark",
                        &id,
                        "--status",
                        "in_progress",
                        "--note",
                        "concurrent",
                    ])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let t1 = run(a, dir.path().to_path_buf());
    let t2 = run(b, dir.path().to_path_buf());
    t1.join().unwrap();
    t2.join().unwrap();
    let ledger = Ledger::load(&dir.path().join("ledger.toml")).unwrap();
    for id in &ids {
        assert!(
            ledger.items.contains_key(&ResourceId::from_raw(id.clone())),
            "lost the mark on {id}"
        );
    }
    assert_eq!(ledger.items.len(), ids.len());
}

#[cfg(unix)]
#[test]
fn a_kill_during_a_write_leaves_the_old_or_the_new_ledger() {
    let (dir, ids) = demo_data_dir();
    let path = dir.path().join("ledger.toml");
    // A big ledger makes each write take long enough for kills to land inside it.
    let entry = |note: &str| Entry {
        status: Decision::Ignored,
        note: Some(note.repeat(20)),
        counterpart: None,
        by: "test".into(),
        at: chrono::Utc::now(),
    };
    Ledger::update(&path, |l| {
        for n in 0..3000 {
            l.items.insert(
                ResourceId::from_raw(format!("heroku:app/filler-{n}")),
                entry("x"),
            );
        }
    })
    .unwrap();
    let mut kills = 0;
    for (round, id) in ids.iter().cycle().take(40).enumerate() {
        let mut child = ferry(dir.path())
            .args([
                "mark",
                id,
                "--status",
                "migrated",
                "--note",
                &format!("round {round}"),
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis((round as u64 * 7) % 45));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let ledger = Ledger::load(&path)
            .unwrap_or_else(|e| panic!("round {round}: ledger unreadable after a kill: {e}"));
        assert!(
            ledger.items.len() >= 3000,
            "round {round}: entries were lost"
        );
    }
    assert!(
        kills > 0,
        "no process was killed mid-run; the test proved nothing"
    );
    // The next write sweeps away the temp copies killed writes left behind.
    let id = ids[0].as_str();
    let out = ferry(dir.path())
        .args(["mark", id, "--status", "ignored"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_malformed_ledger_is_reported_with_its_line_and_kept() {
    let (dir, ids) = demo_data_dir();
    let path = dir.path().join("ledger.toml");
    let bad = "version = 1\n\n[items.\"heroku:app/acme-api\"]\nstatus = \"finished\"\n";
    std::fs::write(&path, bad).unwrap();
    let out = ferry(dir.path())
        .args(["mark", &ids[0], "--status", "migrated"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ledger.toml") && err.contains("line 4"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
}

#[test]
fn mark_and_unmark_round_trip_through_the_cli() {
    let (dir, _) = demo_data_dir();
    let id = "heroku:formation/acme-api/web";
    let out = ferry(dir.path())
        .args(["mark", id, "--status", "migrated", "--note", "CHG-1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("still run on Heroku"),
        "warns about the contradiction: {err}"
    );
    let ledger = Ledger::load(&dir.path().join("ledger.toml")).unwrap();
    let entry = &ledger.items[&ResourceId::from_raw(id)];
    assert_eq!(entry.status, Decision::Migrated);
    assert_eq!(entry.note.as_deref(), Some("CHG-1"));
    assert!(!entry.by.is_empty());

    let out = ferry(dir.path()).args(["unmark", id]).output().unwrap();
    assert!(out.status.success());
    let ledger = Ledger::load(&dir.path().join("ledger.toml")).unwrap();
    assert!(ledger.items.is_empty());
}

#[test]
fn marking_an_unknown_id_suggests_the_closest() {
    let (dir, _) = demo_data_dir();
    let out = ferry(dir.path())
        .args([
            "mark",
            "heroku:formation/acme-api/wbe",
            "--status",
            "migrated",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean heroku:formation/acme-api/web"),
        "{err}"
    );
    assert!(!dir.path().join("ledger.toml").exists(), "nothing written");
}

#[test]
fn gaps_fails_on_the_listed_statuses_for_ci() {
    let (dir, _) = demo_data_dir();
    let out = ferry(dir.path())
        .args(["gaps", "--fail-on", "missing,partial"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "the demo has missing items");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("APP"), "{table}");
    assert!(table.contains("acme-jobs") && table.contains("missing"));
    // The gate counts what the summary counts (parts, not the app rows summing them up).
    let summary = table
        .lines()
        .find(|l| l.contains(" items, ") && l.contains(" migrated"))
        .unwrap_or_else(|| panic!("no summary line: {table}"));
    let count = |status: &str| -> usize {
        summary
            .split(", ")
            .find_map(|part| part.trim().strip_suffix(&format!(" {status}")))
            .and_then(|n| n.rsplit(' ').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = count("missing") + count("partial");
    assert!(
        stderr.contains(&format!("{expected} item(s) are missing or partial")),
        "{summary}\n{stderr}"
    );

    let out = ferry(dir.path())
        .args([
            "gaps",
            "--app",
            "acme-admin",
            "--fail-on",
            "missing,partial",
        ])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "acme-admin is cut over");
    // The summary is acme-admin's own, not the estate's under its rows.
    let table = String::from_utf8_lossy(&out.stdout);
    let rows = table
        .lines()
        .filter(|l| l.starts_with("acme-admin "))
        .count();
    let summary = table
        .lines()
        .find(|l| l.starts_with("acme-admin: "))
        .unwrap_or_else(|| panic!("no summary for the app: {table}"));
    assert!(
        summary.starts_with(&format!("acme-admin: {} items, ", rows - 1)),
        "{summary}"
    );
    assert!(!summary.contains("missing"), "{summary}");
}

#[test]
fn mark_refuses_what_is_not_a_migration_item_and_gaps_ids_lists_them() {
    let (dir, ids) = demo_data_dir();
    let alb = "aws:arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/acme-prod-alb/b420bfc17aa4fe43";
    let out = ferry(dir.path())
        .args(["mark", alb, "--status", "migrated"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("is not a migration item"), "{stderr}");
    assert!(!dir.path().join("ledger.toml").exists(), "nothing written");

    let out = ferry(dir.path())
        .args(["gaps", "--ids"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.lines().next().unwrap().contains("ID"), "{table}");
    for id in ids.iter().take(5) {
        assert!(table.contains(id.as_str()), "{id} missing from:\n{table}");
    }
}

#[test]
fn a_gate_on_an_empty_cache_fails_instead_of_passing() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(dir.path())
        .args(["gaps", "--fail-on", "missing"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has no Heroku apps: nothing to check"),
        "{stderr}"
    );
    assert!(stderr.contains("ferry fetch --source heroku"), "{stderr}");
}

#[test]
fn report_writes_each_format_to_a_file() {
    let (dir, _) = demo_data_dir();
    for format in ["md", "csv", "json", "html"] {
        let path = dir.path().join(format!("gaps.{format}"));
        let out = ferry(dir.path())
            .args(["report", "--format", format, "-o", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("acme-api"), "{format} report lacks the apps");
    }
}
