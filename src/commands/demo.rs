//! `ferry demo`: the bundled demo estate in a throw-away cache, then the TUI.

use super::Context;
use crate::model::SnapshotFile;
use crate::store::Store;

/// The demo estate, compiled in so `ferry demo` works from any folder.
pub const DEMO_ESTATE: &str = include_str!("../../assets/demo/estate.json");

pub fn demo_file() -> anyhow::Result<SnapshotFile> {
    SnapshotFile::from_json(DEMO_ESTATE).map_err(|e| anyhow::anyhow!("bundled demo estate: {e}"))
}

pub fn run(ctx: &Context) -> anyhow::Result<()> {
    // The user's real cache is never opened: the demo lives in a temp dir removed on exit.
    let scratch = tempfile::Builder::new().prefix("ferry-demo-").tempdir()?;
    let mut store = Store::open(&scratch.path().join("cache.sqlite"))?;
    let summary = super::snapshot::import_into(&mut store, &demo_file()?, 1)?;
    tracing::info!("demo: {summary}");
    let inventory = store.load_latest()?;
    crate::tui::run(inventory, ctx, "demo")
}
