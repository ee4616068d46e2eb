//! SIGTERM, SIGINT and SIGHUP while the UI runs: the terminal is given back (raw mode off,
//! the alternate screen left, mouse reporting off) and folders registered here (the demo's
//! throw-away cache) are removed before Ferry exits with 128 + the signal's number, as a
//! shell expects. Without this a `kill`, a closed SSH session or a closed terminal tab left
//! the shell raw and the demo's temp folder behind.

use std::path::PathBuf;
use std::sync::Mutex;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

/// Folders to remove if a signal ends Ferry.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes `dir` (recursively) if a signal ends Ferry; a normal exit leaves it to its owner.
pub fn remove_on_signal(dir: PathBuf) {
    if let Ok(mut dirs) = CLEANUP.lock() {
        dirs.push(dir);
    }
}

/// Forgets `dir` (its owner removed it).
pub fn forget(dir: &std::path::Path) {
    if let Ok(mut dirs) = CLEANUP.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// Listens for the signals while the guard lives; dropping it (the UI ended) stops that.
pub struct Guard {
    handle: Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts listening. `mouse`: whether mouse reporting was turned on (and must go off).
pub fn install(mouse: bool) -> std::io::Result<Guard> {
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    let handle = signals.handle();
    let thread = std::thread::Builder::new()
        .name("ferry-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                tracing::warn!("signal {signal}: restoring the terminal and exiting");
                // Folders first: when the terminal is gone (SIGHUP), writing to it is what
                // might fail, and the folder must go all the same.
                let dirs = CLEANUP.lock().map(|d| d.clone()).unwrap_or_default();
                for dir in dirs {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                if mouse {
                    let _ = crossterm::execute!(
                        std::io::stdout(),
                        crossterm::event::DisableMouseCapture
                    );
                }
                ratatui::restore();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(Guard {
        handle,
        thread: Some(thread),
    })
}
