//! `ferry snapshot export|import`: the whole inventory as one portable JSON file.

use anyhow::Context as _;
use chrono::Utc;
use std::io::Write;
use std::path::Path;

use super::Context;
use crate::model::{SNAPSHOT_FORMAT_VERSION, SnapshotFile};
use crate::store::{Origin, Store};

pub fn export(ctx: &Context, output: &Path) -> anyhow::Result<()> {
    let store = ctx.open_store()?;
    let inventory = store.load_latest()?;
    let file = SnapshotFile {
        ferry_snapshot: SNAPSHOT_FORMAT_VERSION,
        exported_at: Utc::now(),
        sources: inventory.to_source_snapshots(),
    };
    if output == Path::new("-") {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &file)?;
        writeln!(out)?;
    } else {
        write_atomically(output, &file)?;
        eprintln!(
            "Exported {} resources from {} source(s) to {}",
            file.resource_count(),
            file.sources.len(),
            output.display()
        );
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, so a crash never leaves half a file.
fn write_atomically(path: &Path, file: &SnapshotFile) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        serde_json::to_writer_pretty(&mut w, file)?;
        writeln!(w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Reads and checks a snapshot file; errors name the file (and the line for bad JSON).
pub fn read_file(path: &Path) -> anyhow::Result<SnapshotFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read snapshot file {}", path.display()))?;
    SnapshotFile::from_json(&text).with_context(|| format!("snapshot file {}", path.display()))
}

/// Stores every source of `file` as a new snapshot; returns a one-line summary.
/// A snapshot already in the cache (same source, same moment, same size: the same file
/// imported twice) is skipped, so repeats never push real history out of the kept ones.
/// One older than the source's newest is kept as history and said so.
pub fn import_into(store: &mut Store, file: &SnapshotFile, keep: usize) -> anyhow::Result<String> {
    let mut parts = Vec::new();
    let mut notes = Vec::new();
    let mut imported = 0;
    for snap in &file.sources {
        let existing = store.list_snapshots()?;
        let of_source: Vec<_> = existing
            .iter()
            .filter(|m| m.source == snap.source)
            .collect();
        if let Some(same) = of_source
            .iter()
            .find(|m| m.taken_at == snap.taken_at && m.resource_count == snap.resources.len())
        {
            notes.push(format!(
                "{} from {} is already in the cache (snapshot {}): skipped",
                snap.source,
                snap.taken_at.format("%Y-%m-%d %H:%M UTC"),
                same.id
            ));
            continue;
        }
        if let Some(newest) = of_source.first().filter(|m| m.taken_at > snap.taken_at) {
            notes.push(format!(
                "{} from {} is older than the cache's newest ({}): kept as history, not shown",
                snap.source,
                snap.taken_at.format("%Y-%m-%d %H:%M UTC"),
                newest.taken_at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        store.write_snapshot(snap, Origin::Import, keep)?;
        imported += 1;
        parts.push(format!("{} {}", snap.source, snap.resources.len()));
    }
    let mut summary = format!(
        "Imported {imported} snapshot(s) ({}) into {}",
        if parts.is_empty() {
            "none new".to_string()
        } else {
            parts.join(", ")
        },
        store.path().display()
    );
    for n in notes {
        summary.push_str(&format!("\n  {n}"));
    }
    Ok(summary)
}

pub fn import(ctx: &Context, path: &Path) -> anyhow::Result<()> {
    let file = read_file(path)?;
    let mut store = ctx.open_store()?;
    let summary = import_into(&mut store, &file, ctx.config.cache.keep_snapshots)?;
    tracing::info!(file = %path.display(), "{summary}");
    eprintln!("{summary}");
    Ok(())
}
