//! The terminal UI: state, actions, one update function, drawing, keymap.
//!
//! Data flow: terminal events → keymap → [`Action`] → [`update`] → state → [`view::draw`].

pub mod action;
pub mod console;
mod effects;
pub mod filter;
mod filtering;
pub mod graph;
pub mod input;
pub mod keymap;
mod mouse;
pub mod palette;
mod pane;
pub mod prefs;
pub mod rank;
mod refresh;
pub mod rows;
pub mod signals;
pub mod state;
pub mod summary;
pub mod theme;
pub mod tree;
pub mod update;
pub mod view;

pub use action::{Action, Msg};
pub use effects::perform;
pub use mouse::handle as mouse_event;
pub use state::AppState;
pub use update::{Effect, update};

use chrono::Utc;
use crossterm::event::{self, Event};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::commands::Context;
use crate::fetch::{self, FetchEvent, FetchSetup, SourceReport};
use crate::inventory::Inventory;
use crate::ledger::Ledger;
use crate::model::Provider;
use keymap::{KeyPress, Resolution};

/// Feeds one key press through the keymap (handling sequences such as `g g`) and the update
/// function. Used by the run loop and by tests that drive the UI with keys.
pub fn handle_key(state: &mut AppState, key: KeyPress) -> Effect {
    // Ctrl-c quits from anywhere, whatever the keymap says and whatever is open.
    if key.code == crossterm::event::KeyCode::Char('c')
        && key.mods.contains(crossterm::event::KeyModifiers::CONTROL)
    {
        return Effect::Quit;
    }
    if state.confirm.is_some() {
        return update::confirm_key(state, key);
    }
    if state.mark_form.is_some() {
        return update::form_key(state, key);
    }
    if state.palette.is_some() {
        return palette::key(state, key);
    }
    if state.input.is_some() {
        return input::key(state, key);
    }
    match state.keymap.resolve(&state.pending, key) {
        Resolution::Action(action) => {
            state.pending.clear();
            update(state, action)
        }
        Resolution::Pending => {
            state.pending.push(key);
            Effect::None
        }
        Resolution::None => {
            // An unfinished sequence followed by an unrelated key: retry the key alone.
            let retry = !state.pending.is_empty();
            state.pending.clear();
            if retry {
                handle_key(state, key)
            } else {
                Effect::None
            }
        }
    }
}

/// Runs the UI until the user quits. The terminal is restored on every exit path, also on
/// a panic (ratatui's init installs a hook that restores before the panic is printed).
pub fn run(inventory: Inventory, ctx: &Context, origin: &str) -> anyhow::Result<()> {
    let ledger_path = ctx.ledger_path();
    // A ledger that does not parse is reported before the terminal is taken over.
    let ledger = Ledger::load(&ledger_path)?;
    let mut state = AppState::unanalyzed(inventory, Utc::now(), origin).with_ledger(
        Some(ledger_path),
        ledger,
        ctx.rules(),
    );
    // Only the user's own cache is refreshed; the demo's is a throw-away copy.
    state.refresh_enabled = origin == "cache";
    // The theme chosen last (`:theme`, kept in the data dir) wins over the config's default.
    let prefs = prefs::path(&ctx.data.root);
    let theme_name = prefs::theme(&prefs).unwrap_or_else(|| ctx.config.ui.theme.clone());
    state.theme = theme::configured(&theme_name);
    state.prefs_path = Some(prefs);
    state.keymap = keymap_from_config(&ctx.config.keys)?;
    let mut fetcher = Fetcher::new(ctx);
    // What the last fetch changed is worked out in the background: the first frame does
    // not wait for older snapshots to load.
    let changes = state
        .refresh_enabled
        .then(|| scan_changes(ctx.data.cache()));
    let mouse = ctx.config.ui.mouse;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        previous(info);
    }));
    // Before the terminal is taken over, so a signal at any moment after gives it back.
    let _signals = signals::install(mouse)?;
    let mut terminal = ratatui::try_init()?;
    if mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    let result = event_loop(&mut terminal, &mut state, &mut fetcher, changes);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
    result
}

/// The keymap with the config's `[keys]`; a bad entry is an error before the UI starts.
pub fn keymap_from_config(
    keys: &std::collections::BTreeMap<String, Vec<String>>,
) -> anyhow::Result<keymap::Keymap> {
    let mut overrides = std::collections::BTreeMap::new();
    for (name, list) in keys {
        let action: Action = serde_json::from_value(serde_json::Value::String(name.clone()))
            .map_err(|_| {
                anyhow::anyhow!(
                    "config [keys]: unknown action `{name}`; config/keymap.toml lists every action"
                )
            })?;
        overrides.insert(action, list.clone());
    }
    keymap::Keymap::with_overrides(&overrides).map_err(|e| anyhow::anyhow!("config {e}"))
}

/// Background fetches: a tokio runtime (made on the first refresh) runs them; their
/// events come back over a channel that the UI loop drains between key presses.
struct Fetcher<'a> {
    ctx: &'a Context,
    runtime: Option<tokio::runtime::Runtime>,
    tx: UnboundedSender<FetchEvent>,
    rx: UnboundedReceiver<FetchEvent>,
}

impl<'a> Fetcher<'a> {
    fn new(ctx: &'a Context) -> Self {
        let (tx, rx) = unbounded_channel();
        Fetcher {
            ctx,
            runtime: None,
            tx,
            rx,
        }
    }

    fn start(&mut self, which: Option<Provider>) {
        let Err(e) = self.try_start(which) else {
            return;
        };
        // Report the failure the way a fetch would, so the panes show it.
        let targets = match which {
            Some(p) => vec![p],
            None => Provider::ALL
                .into_iter()
                .filter(|&p| fetch::available(p))
                .collect(),
        };
        for source in targets {
            let _ = self.tx.send(FetchEvent::Finished(Box::new(SourceReport {
                source,
                accounts: Vec::new(),
                error: Some(format!("{e:#}")),
                stored: None,
                requests: 0,
                skipped: false,
            })));
        }
    }

    fn try_start(&mut self, which: Option<Provider>) -> anyhow::Result<()> {
        let setup = FetchSetup::from_config(&self.ctx.config, self.ctx.data.cache())?;
        if self.runtime.is_none() {
            self.runtime = Some(
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()?,
            );
        }
        let runtime = self.runtime.as_ref().expect("made above");
        let sources: Vec<Provider> = which.into_iter().collect();
        let tx = self.tx.clone();
        runtime.spawn(async move {
            fetch::run(&setup, &sources, tx).await;
        });
        Ok(())
    }

    fn drain(&mut self) -> Vec<FetchEvent> {
        let mut out = Vec::new();
        while let Ok(ev) = self.rx.try_recv() {
            out.push(ev);
        }
        out
    }
}

/// Compares each source's two newest snapshots on a thread; the UI loop picks up the
/// result. A cache that cannot be read for this only loses the markers (logged).
fn scan_changes(cache: std::path::PathBuf) -> std::sync::mpsc::Receiver<Msg> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let found = crate::store::Store::open(&cache)
            .map_err(anyhow::Error::from)
            .and_then(|store| crate::commands::diff::newest_changes(&store));
        match found {
            Ok(found) => {
                let _ = tx.send(Msg::Changes(found));
            }
            Err(e) => tracing::warn!("cannot compare the newest snapshots: {e:#}"),
        }
    });
    rx
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    fetcher: &mut Fetcher<'_>,
    mut changes: Option<std::sync::mpsc::Receiver<Msg>>,
) -> anyhow::Result<()> {
    loop {
        state.now = Utc::now();
        let theme = state.theme;
        terminal.draw(|frame| view::draw(frame, state, &theme))?;
        state.expire_toast();
        if state.analysis_pending {
            // After the first frame, so a big estate shows before its analysis is done.
            state.reanalyze();
            continue;
        }
        // Debug builds only: lets the end-to-end test prove a panic restores the terminal.
        if cfg!(debug_assertions) && std::env::var_os("FERRY_TEST_PANIC").is_some() {
            panic!("FERRY_TEST_PANIC was set");
        }
        // Wake at least every few seconds so ages in the status bar stay true, every
        // second while a toast waits to clear itself, and often while a fetch runs so its
        // progress and results show promptly.
        let wait = if state.fetching() || changes.is_some() {
            Duration::from_millis(100)
        } else if state.toast.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(5)
        };
        if event::poll(wait)? {
            // Drain every pending key before drawing again.
            loop {
                let effect = match event::read()? {
                    Event::Key(ev) => KeyPress::from_event(&ev).map(|key| handle_key(state, key)),
                    Event::Mouse(ev) => Some(mouse::handle(state, ev)),
                    _ => None,
                };
                if let Some(effect) = effect {
                    match effect {
                        Effect::Fetch(which) => fetcher.start(which),
                        effect => {
                            if perform(state, effect) {
                                return Ok(());
                            }
                        }
                    }
                }
                if !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        for ev in fetcher.drain() {
            update(state, Msg::Fetch(ev));
        }
        if let Some(rx) = &changes {
            match rx.try_recv() {
                Ok(msg) => {
                    update(state, msg);
                    changes = None;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => changes = None,
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
        }
        if state.fetching() {
            update(state, Msg::Tick);
        }
    }
}
