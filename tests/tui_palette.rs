//! Issue 15 point 6: the Ctrl-p command palette on the demo estate. Keys go through the
//! real keymap and update function; screens are drawn with ratatui's test backend.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ferry::commands::demo::demo_file;
use ferry::inventory::Inventory;
use ferry::report::Format;
use ferry::tui::keymap::KeyPress;
use ferry::tui::palette;
use ferry::tui::state::{InputKind, View};
use ferry::tui::theme::Theme;
use ferry::tui::{AppState, Effect, handle_key, mouse_event, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn demo_state() -> AppState {
    let file = demo_file().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap();
    let mut state = AppState::new(Inventory::from_sources(&file.sources), now, "demo");
    state.theme = Theme::named("dark", false);
    state
}

fn draw(state: &mut AppState, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(f, state, theme)).unwrap();
    t
}

fn screen(state: &mut AppState, w: u16, h: u16) -> String {
    draw(state, w, h, &Theme::named("dark", false))
        .backend()
        .to_string()
}

/// The palette's popup alone, as drawn on a `w`×`h` screen: the views behind it are other
/// tests' business (and change with them).
fn popup(state: &mut AppState, w: u16, h: u16) -> String {
    let t = draw(state, w, h, &Theme::named("dark", false));
    let rect = state.palette.as_ref().expect("open").popup;
    let buf = t.backend().buffer();
    let mut out = format!(
        "{w}x{h} screen, popup at {},{} {}x{}\n",
        rect.x, rect.y, rect.width, rect.height
    );
    for y in rect.y..rect.bottom() {
        let line: String = (rect.x..rect.right())
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn code(state: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Effect {
    handle_key(
        state,
        KeyPress::from_event(&KeyEvent::new(code, mods)).unwrap(),
    )
}

fn ctrl(state: &mut AppState, c: char) -> Effect {
    code(state, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn press(state: &mut AppState, keys: &str) -> Effect {
    let mut effect = Effect::None;
    for c in keys.chars() {
        let k = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\x1b' => KeyCode::Esc,
            '\x08' => KeyCode::Backspace,
            c => KeyCode::Char(c),
        };
        effect = code(state, k, KeyModifiers::NONE);
    }
    effect
}

fn names(state: &AppState, query: &str) -> Vec<String> {
    palette::matches(state, query)
        .into_iter()
        .map(|m| m.entry.name)
        .collect()
}

#[test]
fn ctrl_p_opens_a_palette_not_the_command_line() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    assert!(s.palette.is_some(), "the palette is open");
    assert!(s.input.is_none(), "not the `:` line");
    let text = screen(&mut s, 120, 40);
    assert!(text.contains("Commands"), "{text}");
    // Every command of the table is listed with its help, and a key where one runs it.
    for (name, _, _) in ferry::tui::input::COMMANDS {
        assert!(names(&s, "").iter().any(|n| n == name), "{name} listed");
    }
    assert!(text.contains("every migration item (2)"), "{text}");
    let export = palette::matches(&s, "export").remove(0).entry;
    assert_eq!(
        export.key.as_deref(),
        Some("e"),
        "the keymap's key for export"
    );
    assert_eq!(export.args, "FORMAT [PATH]");
    press(&mut s, "\x1b");
    assert!(s.palette.is_none(), "Esc closes");
    assert_eq!(s.view, View::Explore, "and runs nothing");
}

#[test]
fn recent_commands_come_first_newest_first() {
    let mut s = demo_state();
    // One through the `:` line, one through the palette.
    press(&mut s, ":cutover\n");
    assert_eq!(s.view, View::Cutover);
    ctrl(&mut s, 'p');
    press(&mut s, "gaps\n");
    assert_eq!(s.view, View::Gaps);
    assert_eq!(s.command_history, vec!["cutover", "gaps"]);
    ctrl(&mut s, 'p');
    let listed = names(&s, "");
    assert_eq!(&listed[..2], ["gaps", "cutover"], "{listed:?}");
    assert_eq!(
        listed.iter().filter(|n| *n == "gaps").count(),
        1,
        "a recent command is not listed twice"
    );
    // When filtering, a recent command wins a tie: `c` is a prefix of `cutover` only
    // among the names, but with `cutover` run it leads the prefix matches anyway.
    assert_eq!(names(&s, "c")[0], "cutover");
    insta::assert_snapshot!(popup(&mut s, 100, 30));
}

#[test]
fn typing_filters_exact_prefix_substring_then_word_starts() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    press(&mut s, "exp");
    let found = names(&s, "exp");
    assert_eq!(found[0], "export", "{found:?}");
    assert_eq!(found[1], "explore", "{found:?}");
    insta::assert_snapshot!(popup(&mut s, 100, 30));
    // Word starts: `thl` is `th`eme `l`ight.
    assert_eq!(names(&s, "thl")[0], "theme light");
    // Exact before prefix: `fetch` before `fetch heroku`.
    assert_eq!(&names(&s, "fetch")[..2], ["fetch", "fetch heroku"]);
    // Scattered letters never match a name: `ct` is not `c`u`t`over.
    assert!(!names(&s, "ct").iter().any(|n| n == "cutover"));
    // The help is searched too, below any name: `quit` finds `q`.
    assert_eq!(names(&s, "quit")[0], "q");
    assert!(names(&s, "zzzz").is_empty());
    press(&mut s, "\x08\x08\x08zzzz");
    assert!(screen(&mut s, 100, 30).contains("no command matches \"zzzz\""));
}

#[test]
fn at_80x24_the_palette_fits_and_help_is_cut_with_an_ellipsis() {
    let mut s = demo_state();
    // A long line run before comes back first, cut to its column with an ellipsis.
    let long = ":export md ~/reports/migration/board-review/ferry-gaps-for-the-board.md\n";
    assert!(matches!(press(&mut s, long), Effect::Export { .. }));
    ctrl(&mut s, 'p');
    insta::assert_snapshot!(popup(&mut s, 80, 24));
    let text = screen(&mut s, 80, 24);
    assert!(
        text.contains("export md ~/reports/migration/boa…"),
        "cut: {text}"
    );
    // Narrower still, the help is cut with an ellipsis and the keys stay in their column.
    let narrow = screen(&mut s, 60, 20);
    let fetch = narrow
        .lines()
        .find(|l| l.contains(" fetch ") && l.contains("[SOURCE]"))
        .unwrap_or_else(|| panic!("{narrow}"));
    assert!(fetch.contains("fetch a source… R"), "{fetch}");
    assert!(text.contains("Esc close"), "the keys at the foot fit");
    // The last entry is reachable: End, and the screen shows it.
    code(&mut s, KeyCode::End, KeyModifiers::NONE);
    let last = names(&s, "").pop().unwrap();
    let text = screen(&mut s, 80, 24);
    assert!(text.contains(&last), "{last} shown after End:\n{text}");
}

#[test]
fn enter_runs_the_selected_command() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    press(&mut s, "theme light");
    let effect = press(&mut s, "\n");
    assert_eq!(effect, Effect::None);
    assert_eq!(s.theme.name, "light", "switched");
    assert!(s.palette.is_none(), "closed after running");
    assert_eq!(s.command_history, vec!["theme light"]);

    ctrl(&mut s, 'p');
    press(&mut s, "gaps\n");
    assert_eq!(s.view, View::Gaps);

    // A full command line typed into the palette runs as typed.
    ctrl(&mut s, 'p');
    press(&mut s, "export csv out.csv");
    assert_eq!(names(&s, "export csv out.csv")[0], "export csv out.csv");
    let effect = press(&mut s, "\n");
    assert_eq!(
        effect,
        Effect::Export {
            format: Format::Csv,
            path: "out.csv".into()
        }
    );

    // `q` quits through the palette as through `:`.
    ctrl(&mut s, 'p');
    assert_eq!(press(&mut s, "q\n"), Effect::Quit);
}

#[test]
fn arrows_ctrl_n_ctrl_p_and_pages_move_the_selection() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    let all = names(&s, "");
    code(&mut s, KeyCode::Down, KeyModifiers::NONE);
    ctrl(&mut s, 'n');
    ctrl(&mut s, 'n');
    code(&mut s, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(s.palette.as_ref().unwrap().selected, 2);
    ctrl(&mut s, 'p');
    assert_eq!(
        s.palette.as_ref().unwrap().selected,
        1,
        "Ctrl-p moves up while open"
    );
    code(&mut s, KeyCode::Up, KeyModifiers::NONE);
    code(&mut s, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(s.palette.as_ref().unwrap().selected, 0, "stops at the top");
    screen(&mut s, 100, 30); // the page is what the last draw showed
    code(&mut s, KeyCode::PageDown, KeyModifiers::NONE);
    let paged = s.palette.as_ref().unwrap().selected;
    assert!(paged > 5, "PgDn moves a page: {paged}");
    code(&mut s, KeyCode::PageUp, KeyModifiers::NONE);
    assert_eq!(s.palette.as_ref().unwrap().selected, 0);
    // Enter runs the entry under the cursor: the third one is `mark`, which needs args.
    ctrl(&mut s, 'n');
    ctrl(&mut s, 'n');
    assert_eq!(all[2], "mark");
    press(&mut s, "\n");
    let input = s.input.as_ref().expect("the `:` line");
    assert_eq!(input.text, "mark ");
}

#[test]
fn a_command_with_arguments_prefills_the_command_line() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    press(&mut s, "filter\n");
    assert!(s.palette.is_none());
    let input = s.input.as_ref().expect("the `:` line opened");
    assert_eq!(input.kind, InputKind::Command);
    assert_eq!(input.text, "filter ");
    // The user types the argument and Enter runs it, as on the `:` line.
    press(&mut s, "redis\n");
    assert_eq!(s.filter.query, "redis");
    assert_eq!(s.command_history, vec!["filter redis"]);
    // A line with its own arguments comes back as typed, first.
    ctrl(&mut s, 'p');
    assert_eq!(names(&s, "")[0], "filter redis");
    press(&mut s, "\x1b");
    // Tab puts any command on the `:` line to add arguments (a path for export).
    ctrl(&mut s, 'p');
    press(&mut s, "export\t");
    assert_eq!(s.input.as_ref().unwrap().text, "export ");
}

#[test]
fn a_click_on_a_row_runs_it_and_a_click_outside_closes() {
    let mut s = demo_state();
    ctrl(&mut s, 'p');
    press(&mut s, "cutover");
    screen(&mut s, 100, 30);
    let rows = s.palette.as_ref().unwrap().rows_area;
    let click = |column, row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    mouse_event(&mut s, click(rows.x + 4, rows.y));
    assert_eq!(s.view, View::Cutover, "the first row ran");
    assert!(s.palette.is_none());
    ctrl(&mut s, 'p');
    screen(&mut s, 100, 30);
    mouse_event(&mut s, click(0, 0));
    assert!(s.palette.is_none(), "closed");
    assert_eq!(s.view, View::Cutover, "nothing ran");
}

#[test]
fn both_themes_draw_the_palette_legibly() {
    for name in ["dark", "light"] {
        let mut s = demo_state();
        ctrl(&mut s, 'p');
        press(&mut s, "exp");
        let t = draw(&mut s, 100, 30, &Theme::named(name, true));
        let popup = s.palette.as_ref().unwrap().popup;
        let buf = t.backend().buffer();
        let mut lit = 0;
        for y in popup.y..popup.bottom() {
            for x in popup.x..popup.right() {
                let c = &buf[(x, y)];
                if name == "light" {
                    // ANSI colour 7 (and white) is nearly invisible on a light background.
                    assert!(
                        !matches!(c.fg, Color::Gray | Color::White),
                        "{name}: {:?} at {x},{y}",
                        c.fg
                    );
                }
                if c.modifier.contains(Modifier::BOLD) && c.symbol() != " " {
                    lit += 1;
                }
            }
        }
        // The matched letters (`exp` of export, explore, export md…) stand out.
        assert!(lit >= 9, "{name}: {lit} bold cells");
        let rows = s.palette.as_ref().unwrap().rows_area;
        let e = &buf[(rows.x + 3, rows.y)];
        assert_eq!(e.symbol(), "e");
        assert!(
            e.modifier.contains(Modifier::BOLD),
            "{name}: `e` of export lit"
        );
        assert!(
            e.modifier.contains(Modifier::REVERSED),
            "{name}: the selection shows without colour too"
        );
        let o = &buf[(rows.x + 6, rows.y)];
        assert_eq!(o.symbol(), "o");
        assert!(!o.modifier.contains(Modifier::BOLD), "{name}: `o` not lit");
    }
}

#[test]
fn the_key_column_follows_the_users_keys() {
    let mut s = demo_state();
    let mut keys = std::collections::BTreeMap::new();
    keys.insert(ferry::tui::Action::Export, vec!["Ctrl-e".to_string()]);
    s.keymap = ferry::tui::keymap::Keymap::with_overrides(&keys).unwrap();
    let export = palette::matches(&s, "export").remove(0).entry;
    assert_eq!(export.key.as_deref(), Some("Ctrl-e"));
    // A command no key runs has none.
    let theme = palette::matches(&s, "theme").remove(0).entry;
    assert_eq!((theme.name.as_str(), theme.key), ("theme", None));
}
