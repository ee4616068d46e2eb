//! `ferry demo`: the bundled demo estate in a throw-away cache, then the TUI.

use super::Context;
use crate::model::SnapshotFile;
use crate::paths::DataDir;
use crate::store::Store;

/// The demo estate, compiled in so `ferry demo` works from any folder.
pub const DEMO_ESTATE: &str = include_str!("../../assets/demo/estate.json");
/// The demo's ledger: a few decisions, a contradiction and an orphan to show.
pub const DEMO_LEDGER: &str = include_str!("../../assets/demo/ledger.toml");

pub fn demo_file() -> anyhow::Result<SnapshotFile> {
    SnapshotFile::from_json(DEMO_ESTATE).map_err(|e| anyhow::anyhow!("bundled demo estate: {e}"))
}

pub fn run(ctx: &Context) -> anyhow::Result<()> {
    // The user's real cache is never opened: the demo lives in a temp dir removed on exit.
    let scratch = tempfile::Builder::new().prefix("ferry-demo-").tempdir()?;
    let mut store = Store::open(&scratch.path().join("cache.sqlite"))?;
    let summary = super::snapshot::import_into(&mut store, &demo_file()?, 1, "the demo estate")?;
    tracing::info!("demo: {summary}");
    let inventory = store.load_latest()?;
    std::fs::write(scratch.path().join("ledger.toml"), DEMO_LEDGER)?;
    // Marks made in the demo go to the scratch ledger, never to the user's.
    let mut config = ctx.config.clone();
    config.ledger.path = None;
    let demo_ctx = Context {
        data: DataDir::new(scratch.path().to_path_buf()),
        config,
        config_path: ctx.config_path.clone(),
    };
    // A signal that ends the UI removes the folder too (the TempDir's drop would not run).
    crate::tui::signals::remove_on_signal(scratch.path().to_path_buf());
    let result = crate::tui::run(inventory, &demo_ctx, "demo");
    // Removed before it is forgotten: a signal arriving as the UI ends (a closed terminal
    // sends SIGHUP while the UI sees its input end) must not exit before either happened.
    let path = scratch.path().to_path_buf();
    let _ = scratch.close();
    crate::tui::signals::forget(&path);
    result
}
