//! `ferry snapshot import` passes through the fetch's allowlists and sanitisers, clamps a
//! date in the future, and reads at most a bounded size; the real binary throughout.

mod common;

use chrono::{Duration, Utc};
use ferry::commands::demo::demo_file;
use ferry::model::{Kind, Provider, Resource, SnapshotFile, SourceSnapshot};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PLANT: &str = "FERRY-PLANT";

fn ferry_cmd(data: &Path, args: &[&str]) -> Command {
    let home = data.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", data)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("FERRY_LOG", "trace")
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_IMPORT_MAX_MIB");
    cmd
}

fn ferry(data: &Path, args: &[&str]) -> Output {
    ferry_cmd(data, args).output().unwrap()
}

fn ok(out: Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.success(),
        "ferry failed: {}\n{stderr}",
        out.status
    );
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn write(dir: &Path, name: &str, file: &SnapshotFile) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(file).unwrap()).unwrap();
    path
}

fn find<'a>(snap: &'a mut SourceSnapshot, id: &str) -> &'a mut Resource {
    snap.resources
        .iter_mut()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is in the demo estate"))
}

fn first_of(snap: &mut SourceSnapshot, kind: Kind) -> &mut Resource {
    snap.resources
        .iter_mut()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("the demo estate has a {kind}"))
}

fn source(file: &mut SnapshotFile, p: Provider) -> &mut SourceSnapshot {
    file.sources.iter_mut().find(|s| s.source == p).unwrap()
}

/// The demo estate with secrets planted where an older tool or a hand edit might put
/// them: config var values, password/api_key/secret attributes, credentialed drain and
/// buildpack URLs (in the URL and in the name), an SSM value, container environment
/// values, a transform rule's header value, and tags on Heroku resources.
fn hostile_estate() -> SnapshotFile {
    let mut file = demo_file().unwrap();
    let h = source(&mut file, Provider::Heroku);
    let cv = first_of(h, Kind::ConfigVars);
    cv.attrs.insert(
        "values".into(),
        json!({"DATABASE_URL": format!("postgres://u:{PLANT}-cv@db.internal/acme")}),
    );
    cv.attrs.insert(
        "names".into(),
        json!(["DATABASE_URL", format!("SECRET_KEY={PLANT}-kv")]),
    );
    let app = first_of(h, Kind::App);
    app.attrs
        .insert("password".into(), json!(format!("{PLANT}-pw")));
    app.attrs
        .insert("api_key".into(), json!(format!("{PLANT}-ak")));
    app.attrs.insert(
        "region".into(),
        json!({"name": "eu", "secret": format!("{PLANT}-nested")}),
    );
    app.tags.insert("token".into(), format!("{PLANT}-tag"));
    let drain = first_of(h, Kind::LogDrain);
    let url = format!("https://user:{PLANT}-userinfo@logs.example.com/in?api_key={PLANT}-query");
    drain.attrs.insert("url".into(), json!(url));
    drain.name = url;
    let bp = first_of(h, Kind::Buildpack);
    let bp_url = format!("https://{PLANT}-bp@github.com/acme/private-bp.git");
    bp.attrs
        .insert("buildpack".into(), json!({"url": bp_url, "name": bp_url}));
    bp.name = bp_url;

    let cf = source(&mut file, Provider::Cloudflare);
    let zone = first_of(cf, Kind::Zone);
    zone.attrs
        .insert("secret".into(), json!(format!("{PLANT}-zone")));
    let rs = first_of(cf, Kind::Ruleset);
    rs.attrs.insert(
        "rules".into(),
        json!([{"id": "r1", "action": "rewrite", "expression": "true",
                "action_parameters": {"headers": {"X-Origin-Auth":
                    {"operation": "set", "value": format!("{PLANT}-header")}}}}]),
    );

    let aws = source(&mut file, Provider::Aws);
    let p = first_of(aws, Kind::SsmParameter);
    p.attrs
        .insert("Value".into(), json!(format!("{PLANT}-ssm")));
    let td = first_of(aws, Kind::TaskDefinition);
    if let Some(serde_json::Value::Array(cs)) = td.attrs.get_mut("containerDefinitions") {
        cs[0]["environment"] = json!([{"name": "STRIPE_KEY", "value": format!("{PLANT}-env")}]);
        cs[0]["command"] = json!(["--token", format!("{PLANT}-cmd")]);
    }
    file
}

/// Every file under `dir`, recursively, with the planted marker in it.
fn files_with_plant(dir: &Path) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(PLANT.len())
                .any(|w| w == PLANT.as_bytes())
            {
                hits.push(p);
            }
        }
    }
    hits
}

#[test]
fn the_demo_estate_passes_the_sanitisers_unchanged() {
    let demo = demo_file().unwrap();
    for snap in &demo.sources {
        let mut copy = snap.clone();
        let dropped = ferry::sources::sanitize::snapshot(&mut copy);
        assert!(
            dropped.is_empty(),
            "{}: {}",
            snap.source,
            dropped.describe()
        );
        for (a, b) in snap.resources.iter().zip(&copy.resources) {
            assert_eq!(a, b, "{}", a.id);
        }
        assert_eq!(&copy, snap);
    }
}

#[test]
fn a_hostile_import_keeps_no_secret_in_the_cache_exports_lists_logs_or_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "hostile.json", &hostile_estate());
    let (_, stderr) = ok(ferry(
        &data,
        &["snapshot", "import", file.to_str().unwrap()],
    ));
    assert!(!stderr.contains(PLANT), "{stderr}");
    // Counts, per source and kind, never the values.
    assert!(stderr.contains("heroku in "), "{stderr}");
    assert!(
        stderr.contains("dropped what a fetch never keeps"),
        "{stderr}"
    );
    assert!(stderr.contains("config_vars 1"), "{stderr}");
    assert!(stderr.contains("log_drain 1"), "{stderr}");
    assert!(stderr.contains("ssm_parameter 1"), "{stderr}");

    let mut outputs = Vec::new();
    let export = dir.path().join("export.json");
    ok(ferry(
        &data,
        &["snapshot", "export", "-o", export.to_str().unwrap()],
    ));
    outputs.push((
        "export".to_string(),
        std::fs::read_to_string(&export).unwrap(),
    ));
    for format in ["md", "csv", "json", "html"] {
        let (out, _) = ok(ferry(&data, &["report", "--format", format]));
        outputs.push((format!("report {format}"), out));
    }
    for args in [&["list"][..], &["list", "--format", "json"], &["gaps"]] {
        let out = ferry(&data, args);
        outputs.push((args.join(" "), String::from_utf8_lossy(&out.stdout).into()));
    }
    for (what, text) in &outputs {
        assert!(!text.contains(PLANT), "{what} carries a planted secret");
    }
    // The drains are still there, without their credentials.
    let (report, _) = ok(ferry(&data, &["report", "--format", "md"]));
    assert!(report.contains("https://logs.example.com/in"), "{report}");
    let hits = files_with_plant(&data);
    assert!(hits.is_empty(), "planted secrets in {hits:?}");

    // The export is what a fetch would have stored: importing it again drops nothing.
    let again = tempfile::tempdir().unwrap();
    let (_, stderr) = ok(ferry(
        &again.path().join("data"),
        &["snapshot", "import", export.to_str().unwrap()],
    ));
    assert!(!stderr.contains("dropped"), "{stderr}");
}

#[test]
fn a_snapshot_dated_in_the_future_is_clamped_and_later_snapshots_stay_newest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = demo_file().unwrap();
    let mut future = demo.clone();
    future.sources.retain(|s| s.source == Provider::Heroku);
    future.sources[0].taken_at = "2099-01-01T00:00:00Z".parse().unwrap();
    let path = write(dir.path(), "from-2099.json", &future);
    let before = Utc::now();
    let (_, stderr) = ok(ferry(
        &data,
        &["snapshot", "import", path.to_str().unwrap()],
    ));
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(
        stderr.contains("from-2099.json"),
        "names the file: {stderr}"
    );
    assert!(stderr.contains("heroku"), "names the source: {stderr}");
    assert!(stderr.contains("2099-01-01"), "{stderr}");
    assert!(stderr.contains("in the future"), "{stderr}");

    let (list, _) = ok(ferry(&data, &["snapshot", "list", "--format", "json"]));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let taken: chrono::DateTime<Utc> = list[0]["taken_at"].as_str().unwrap().parse().unwrap();
    assert!(
        taken >= before - Duration::seconds(5) && taken <= Utc::now(),
        "{taken}"
    );

    // A later snapshot (a fetch made after the import) is the newest and is shown.
    let mut later = future.clone();
    later.sources[0].taken_at = Utc::now() + Duration::seconds(2);
    let app = first_of(&mut later.sources[0], Kind::App);
    app.name = "renamed-by-the-later-fetch".into();
    let path = write(dir.path(), "later.json", &later);
    ok(ferry(
        &data,
        &["snapshot", "import", path.to_str().unwrap()],
    ));
    let (list, _) = ok(ferry(&data, &["list", "--kind", "app"]));
    assert!(list.contains("renamed-by-the-later-fetch"), "{list}");
}

#[test]
fn an_endless_or_oversized_input_is_refused_naming_the_file_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    // /dev/zero is not JSON: refused at the first bytes, not read until memory runs out.
    let out = ferry(&data, &["snapshot", "import", "/dev/zero"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("/dev/zero") && err.contains("not a Ferry snapshot"),
        "{err}"
    );

    // A regular file over the limit is refused by its size alone.
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(3 * 1024 * 1024)
        .unwrap();
    let out = ferry_cmd(&data, &["snapshot", "import", big.to_str().unwrap()])
        .env("FERRY_IMPORT_MAX_MIB", "2")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("big.json") && err.contains("2 MiB"), "{err}");
    assert!(
        err.contains("FERRY_IMPORT_MAX_MIB"),
        "names the setting: {err}"
    );

    // A FIFO that never ends, and looks like JSON: read up to the limit, then refused.
    let fifo = dir.path().join("endless.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            let _ = w.write_all(b"{\"ferry_snapshot\": 1, \"sources\": [");
            let spaces = vec![b' '; 64 * 1024];
            // Until the reader goes away (the write then fails with a broken pipe).
            while w.write_all(&spaces).is_ok() {}
        })
    };
    let out = ferry_cmd(&data, &["snapshot", "import", fifo.to_str().unwrap()])
        .env("FERRY_IMPORT_MAX_MIB", "1")
        .output()
        .unwrap();
    writer.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("endless.json") && err.contains("1 MiB"),
        "{err}"
    );
}

/// Names planted with terminal controls: ESC sequences, an OSC title, BEL, NUL, a bidi
/// override, newlines and a carriage return.
const NASTY: &[&str] = &[
    "esc\x1b[2J\x1b[31mred",
    "osc\x1b]0;pwned\x07title",
    "nul\0byte",
    "bidi\u{202E}txt.exe",
    "isolate\u{2066}x\u{2069}",
    "row\nheroku  app  fake-row",
    "cr\roverwrite",
    "c1\u{9b}31m",
];

fn assert_no_raw_controls(what: &str, text: &str) {
    for line in text.lines() {
        if let Some(c) = line.chars().find(|c| ferry::text::is_unsafe(*c)) {
            panic!("{what}: raw {c:?} in {line:?}");
        }
    }
}

#[test]
fn text_outputs_escape_control_characters_from_imported_names() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut file = demo_file().unwrap();
    let h = source(&mut file, Provider::Heroku);
    let apps: Vec<String> = h
        .resources
        .iter()
        .filter(|r| r.kind == Kind::App)
        .map(|r| r.id.to_string())
        .collect();
    for (id, nasty) in apps.iter().zip(NASTY) {
        let app = find(h, id);
        app.name = nasty.to_string();
    }
    let path = write(dir.path(), "nasty.json", &file);
    ok(ferry(
        &data,
        &["snapshot", "import", path.to_str().unwrap()],
    ));

    let (list, _) = ok(ferry(&data, &["list"]));
    assert_no_raw_controls("ferry list", &list);
    let resources = file.resource_count();
    assert_eq!(list.lines().count(), resources + 1, "no spoofed rows");
    assert!(list.contains("esc\\x1b[2J"), "{list}");
    assert!(list.contains("bidi\\u{202e}txt.exe"), "{list}");
    assert!(list.contains("row\\nheroku"), "{list}");

    // A second snapshot whose ids carry the same characters, for diff and snapshot list.
    let mut second = file.clone();
    second.sources.retain(|s| s.source == Provider::Heroku);
    let h = &mut second.sources[0];
    h.taken_at += Duration::hours(1);
    let template = h
        .resources
        .iter()
        .find(|r| r.kind == Kind::App)
        .unwrap()
        .clone();
    for (i, nasty) in NASTY.iter().enumerate() {
        let mut r = template.clone();
        r.id = ferry::model::ResourceId::from_raw(format!("heroku:app/{i}{nasty}"));
        r.name = nasty.to_string();
        h.resources.push(r);
    }
    let path = write(dir.path(), "nasty-2.json", &second);
    ok(ferry(
        &data,
        &["snapshot", "import", path.to_str().unwrap()],
    ));
    for args in [
        &["list"][..],
        &["diff"],
        &["snapshot", "list"],
        &["gaps"],
        &["gaps", "--ids"],
    ] {
        let out = ferry(&data, args);
        assert_no_raw_controls(&args.join(" "), &String::from_utf8_lossy(&out.stdout));
        assert_no_raw_controls(&args.join(" "), &String::from_utf8_lossy(&out.stderr));
    }

    // Mark and unmark echo the id they were given, and errors their cause.
    let nasty_id = format!("heroku:app/0{}", NASTY[0]);
    for args in [
        &["mark", &nasty_id, "--status", "migrated", "--force"][..],
        &["unmark", &nasty_id],
        &[
            "mark",
            "heroku:app/\x1b]0;x\x07nope",
            "--status",
            "migrated",
        ],
    ] {
        let out = ferry(&data, args);
        assert_no_raw_controls(&args.join(" "), &String::from_utf8_lossy(&out.stderr));
    }
}
