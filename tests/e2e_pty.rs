//! End to end: the real `ferry demo` in a pseudo-terminal, driven by keys, read back
//! through a terminal emulator (vt100), as a user would see it.

mod common;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Session {
    parser: vt100::Parser,
    raw: Vec<u8>,
    rx: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    /// Kept open: the terminal's settings (raw or not) are read through it.
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    /// Reads output until `pred` holds for the screen, or fails after a generous timeout
    /// (a slow CI machine is not a failure; a screen that never appears is).
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if pred(&self.parser.screen().contents()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; screen:\n{}",
                self.parser.screen().contents()
            );
            if let Ok(bytes) = self.rx.recv_timeout(left.min(Duration::from_millis(200))) {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read the key on its own, so a lone Esc is not glued to the next key.
        std::thread::sleep(Duration::from_millis(150));
    }

    fn drain(&mut self) {
        while let Ok(bytes) = self.rx.try_recv() {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }
}

/// Starts `ferry demo` in a 110×30 pseudo-terminal with an isolated home and data dir.
fn start_demo(
    dir: &std::path::Path,
    extra_env: &[(&str, &str)],
) -> (Session, Box<dyn portable_pty::Child + Send + Sync>) {
    start(dir, &["demo"], extra_env)
}

/// Starts `ferry ARGS` in a 110×30 pseudo-terminal with an isolated home and data dir,
/// working in `dir`.
fn start(
    dir: &std::path::Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> (Session, Box<dyn portable_pty::Child + Send + Sync>) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 110,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(common::ferry_bin());
    cmd.args(args);
    cmd.cwd(dir);
    cmd.env("FERRY_DATA_DIR", dir.join("data"));
    cmd.env("HOME", dir);
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("FERRY_CONFIG");
    cmd.env_remove("FERRY_TEST_PANIC");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let mut reader = pty.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let session = Session {
        parser: vt100::Parser::new(
            std::num::NonZero::new(30).unwrap(),
            std::num::NonZero::new(110).unwrap(),
            0,
        ),
        raw: Vec::new(),
        rx,
        writer: pty.master.take_writer().unwrap(),
        master: pty.master,
    };
    (session, child)
}

/// `ferry snapshot import FILE` into the data dir `start` uses.
fn import(dir: &std::path::Path, file: &std::path::Path) {
    let status = std::process::Command::new(common::ferry_bin())
        .args(["snapshot", "import", file.to_str().unwrap()])
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("FERRY_CONFIG")
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(child: &mut Box<dyn portable_pty::Child + Send + Sync>) -> portable_pty::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "ferry did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn demo_opens_moves_expands_shows_help_and_quits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, mut child) = start_demo(dir.path(), &[]);

    s.wait_for("the three panes", |screen| {
        screen.contains("Heroku (") && screen.contains("Cloudflare (") && screen.contains("AWS (")
    });
    s.wait_for("the demo apps", |screen| screen.contains("acme-api"));

    // Move down to the first app and expand it: its process types appear.
    s.send("jjjj");
    s.wait_for("acme-admin selected", |screen| {
        screen.contains("acme-admin · app")
    });
    s.send("\r");
    s.wait_for("the app's parts", |screen| screen.contains("Process types"));

    // Next pane, then help.
    s.send("\t");
    s.send("?");
    s.wait_for("the help overlay", |screen| {
        screen.contains("Help") && screen.contains("next pane") && screen.contains("quit")
    });
    s.send("\x1b");
    s.wait_for("help closed", |screen| {
        !screen.contains("show or hide this help")
    });

    s.send("q");
    let status = wait_exit(&mut child);
    std::thread::sleep(Duration::from_millis(200));
    s.drain();
    assert!(status.success(), "exit status {status:?}");
    let raw = String::from_utf8_lossy(&s.raw);
    assert!(raw.contains("\x1b[?1049h"), "entered the alternate screen");
    assert!(
        raw.contains("\x1b[?1049l"),
        "left the alternate screen on quit"
    );
    // The demo never creates a cache in the user's data dir.
    assert!(!dir.path().join("data/cache.sqlite").exists());
}

#[test]
fn a_panic_restores_the_terminal_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, mut child) = start_demo(dir.path(), &[("FERRY_TEST_PANIC", "1")]);
    let status = wait_exit(&mut child);
    std::thread::sleep(Duration::from_millis(200));
    s.drain();
    assert!(!status.success(), "a panic is a failure exit");
    let raw = String::from_utf8_lossy(&s.raw);
    let entered = raw
        .find("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = raw
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen after the panic");
    assert!(left > entered);
    // The panic message is printed on the restored (main) screen, after leaving.
    let message = raw
        .rfind("FERRY_TEST_PANIC was set")
        .expect("panic message shown");
    assert!(
        message > left,
        "message printed after the terminal was restored"
    );
    let logs = dir.path().join("data/logs");
    let log = std::fs::read_dir(&logs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(log).unwrap();
    assert!(
        text.contains("panic") && text.contains("FERRY_TEST_PANIC"),
        "{text}"
    );
}

#[test]
fn filter_mark_export_and_quit_on_the_cache_then_check_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.json");
    std::fs::write(&demo, ferry::commands::demo::DEMO_ESTATE).unwrap();
    import(dir.path(), &demo);

    let (mut s, mut child) = start(dir.path(), &[], &[]);
    s.wait_for("the panes", |screen| screen.contains("Heroku ("));
    // Filter to the process types (the best match is selected), mark it with a note.
    s.send("/kind:formation acme-api web");
    s.wait_for("the filter line", |screen| {
        screen.contains("/kind:formation acme-api web")
    });
    s.send("\r");
    s.wait_for("web selected", |screen| screen.contains("web · formation"));
    s.send("m");
    // A new mark starts at in_progress.
    s.wait_for("the mark form", |screen| screen.contains("Mark item"));
    for c in "CHG-77".chars() {
        s.send(&c.to_string());
    }
    s.send("\r");
    s.wait_for("the toast", |screen| screen.contains("in_progress"));
    // Export the report through e (prefilled command line) with another file name.
    s.send("e");
    s.wait_for("the export line", |screen| {
        screen.contains(":export md ferry-gaps.md")
    });
    s.send("\x15"); // Ctrl-u clears the line
    for c in "export html report.html".chars() {
        s.send(&c.to_string());
    }
    s.send("\r");
    s.wait_for("where it was written", |screen| {
        screen.contains("report.html")
    });
    s.send("q");
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");

    let ledger = ferry::ledger::Ledger::load(&dir.path().join("data/ledger.toml")).unwrap();
    let entry = &ledger.items[&ferry::model::ResourceId::from_raw("heroku:formation/acme-api/web")];
    assert_eq!(entry.status, ferry::ledger::Decision::InProgress);
    assert_eq!(entry.note.as_deref(), Some("CHG-77"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("CHG-77"),
        "the report carries the new mark's note"
    );
    assert!(html.contains("<!DOCTYPE html>"));
}

#[test]
fn on_the_cache_the_ui_marks_what_the_last_fetch_changed() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ferry::commands::demo::demo_file().unwrap();
    let first = dir.path().join("first.json");
    std::fs::write(&first, serde_json::to_string(&demo).unwrap()).unwrap();
    import(dir.path(), &first);
    // A later Heroku snapshot in which acme-api's web process was scaled up.
    let mut heroku = demo
        .sources
        .iter()
        .find(|s| s.source == ferry::model::Provider::Heroku)
        .unwrap()
        .clone();
    heroku.taken_at += chrono::Duration::hours(1);
    for r in &mut heroku.resources {
        if r.id.as_str() == "heroku:formation/acme-api/web" {
            r.attrs.insert("quantity".into(), serde_json::json!(8));
        }
    }
    let second = dir.path().join("second.json");
    let file = ferry::model::SnapshotFile {
        sources: vec![heroku],
        ..demo
    };
    std::fs::write(&second, serde_json::to_string(&file).unwrap()).unwrap();
    import(dir.path(), &second);

    let (mut s, mut child) = start(dir.path(), &[], &[]);
    s.wait_for("the change toast", |screen| {
        screen.contains("Since the previous snapshot: Heroku 0 added, 0 removed, 1 changed")
    });
    s.send("/is:changed\r");
    s.wait_for("the changed process, marked", |screen| {
        screen.contains("~ web ready  8 × Standar")
    });
    s.send("q");
    assert!(wait_exit(&mut child).success());
}

/// The pseudo-terminal's line settings as text (`ICANON`, `ECHO` … when cooked).
fn local_flags(s: &Session) -> String {
    let termios = s.master.get_termios().expect("termios of the pty");
    format!("{:?}", termios.local_flags)
}

#[test]
fn sigterm_sigint_and_sighup_restore_the_terminal_and_remove_the_demo_folder() {
    for (name, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        let (mut s, mut child) = start_demo(dir.path(), &[("TMPDIR", tmp.to_str().unwrap())]);
        s.wait_for("the demo", |screen| screen.contains("acme-api"));
        let before = local_flags(&s);
        assert!(
            !before.contains("ICANON"),
            "raw while the UI runs: {before}"
        );
        let demo_dirs = || {
            std::fs::read_dir(&tmp)
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("ferry-demo-"))
                .count()
        };
        assert_eq!(demo_dirs(), 1, "the demo's throw-away cache");
        let pid = child.process_id().expect("pid").to_string();
        let sent = std::process::Command::new("kill")
            .args([format!("-{name}"), pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = wait_exit(&mut child);
        std::thread::sleep(Duration::from_millis(200));
        s.drain();
        assert_eq!(status.exit_code(), 128 + number, "SIG{name}: exit status");
        let raw = String::from_utf8_lossy(&s.raw);
        let entered = raw
            .find("\x1b[?1049h")
            .expect("entered the alternate screen");
        let left = raw
            .rfind("\x1b[?1049l")
            .unwrap_or_else(|| panic!("SIG{name}: left the alternate screen"));
        assert!(left > entered);
        let mouse_on = raw.find("\x1b[?1000h").expect("mouse reporting was on");
        let mouse_off = raw
            .rfind("\x1b[?1000l")
            .unwrap_or_else(|| panic!("SIG{name}: mouse reporting off"));
        assert!(mouse_off > mouse_on);
        let after = local_flags(&s);
        assert!(
            after.contains("ICANON") && after.contains("ECHO"),
            "SIG{name}: raw mode off: {after}"
        );
        assert_eq!(demo_dirs(), 0, "SIG{name}: the demo folder is removed");
    }
}

#[test]
fn ctrl_p_palette_filters_runs_and_lists_the_last_command_first() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, mut child) = start_demo(dir.path(), &[]);
    s.wait_for("the panes", |screen| screen.contains("Heroku ("));
    s.send("\x10"); // Ctrl-p
    s.wait_for("the palette", |screen| {
        screen.contains("Commands") && screen.contains("Esc close") && screen.contains("> ▏")
    });
    s.send("gaps");
    s.wait_for("the query", |screen| screen.contains("> gaps"));
    s.send("\r");
    s.wait_for("the gaps view", |screen| {
        screen.contains("AWS COUNTERPART") && !screen.contains("Esc close")
    });
    // Again: the command just run comes first, marked as recent; arrows and Enter run
    // another one, typed to a word-start match (`thl`: theme light).
    s.send("\x10");
    s.wait_for("gaps first", |screen| {
        screen
            .lines()
            .find(|l| l.contains('↺'))
            .is_some_and(|l| l.contains("gaps"))
    });
    s.send("thl");
    s.wait_for("theme light", |screen| screen.contains("theme light"));
    s.send("\r");
    s.wait_for("the theme switched", |screen| {
        screen.contains("Switched to the light theme")
    });
    s.send("q");
    let status = wait_exit(&mut child);
    assert!(status.success(), "exit status {status:?}");
}
