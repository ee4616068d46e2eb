//! The terminal UI: state, actions, one update function, drawing, keymap.
//!
//! Data flow: terminal events → keymap → [`Action`] → [`update`] → state → [`view::draw`].

pub mod action;
pub mod keymap;
pub mod state;
pub mod summary;
pub mod theme;
pub mod tree;
pub mod update;
pub mod view;

pub use action::Action;
pub use state::AppState;
pub use update::{Effect, update};

use chrono::Utc;
use crossterm::event::{self, Event};
use std::time::Duration;

use crate::commands::Context;
use crate::inventory::Inventory;
use keymap::{KeyPress, Resolution};

/// Feeds one key press through the keymap (handling sequences such as `g g`) and the update
/// function. Used by the run loop and by tests that drive the UI with keys.
pub fn handle_key(state: &mut AppState, key: KeyPress) -> Effect {
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
pub fn run(inventory: Inventory, _ctx: &Context, origin: &str) -> anyhow::Result<()> {
    let mut state = AppState::new(inventory, Utc::now(), origin);
    let theme = theme::Theme::from_env();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut state, &theme);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    theme: &theme::Theme,
) -> anyhow::Result<()> {
    loop {
        state.now = Utc::now();
        terminal.draw(|frame| view::draw(frame, state, theme))?;
        // Debug builds only: lets the end-to-end test prove a panic restores the terminal.
        if cfg!(debug_assertions) && std::env::var_os("FERRY_TEST_PANIC").is_some() {
            panic!("FERRY_TEST_PANIC was set");
        }
        // Wake at least every few seconds so ages in the status bar stay true.
        if !event::poll(Duration::from_secs(5))? {
            continue;
        }
        // Drain everything pending before drawing again.
        loop {
            if let Event::Key(ev) = event::read()?
                && let Some(key) = KeyPress::from_event(&ev)
                && handle_key(state, key) == Effect::Quit
            {
                return Ok(());
            }
            if !event::poll(Duration::ZERO)? {
                break;
            }
        }
    }
}
