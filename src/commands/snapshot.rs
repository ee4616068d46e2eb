//! `ferry snapshot export|import`: the whole inventory as one portable JSON file.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::Path;

use super::Context;
use crate::model::{SNAPSHOT_FORMAT_VERSION, SnapshotFile, SourceSnapshot};
use crate::sources::sanitize;
use crate::store::{Origin, Store};

pub fn export(ctx: &Context, output: &Path) -> anyhow::Result<()> {
    let store = ctx.read_store()?;
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

/// The most an import reads by default. The largest real estates export to tens of MiB;
/// a bound keeps a wrong path (`/dev/zero`, a FIFO, a disk image) from eating the memory.
pub const DEFAULT_IMPORT_LIMIT_MIB: u64 = 512;
/// Raises (or, in tests, lowers) that bound.
pub const IMPORT_LIMIT_ENV: &str = "FERRY_IMPORT_MAX_MIB";

/// A snapshot taken this far ahead of the clock is clock skew, not the future.
const FUTURE_TOLERANCE: chrono::Duration = chrono::Duration::minutes(5);

fn import_limit() -> anyhow::Result<u64> {
    match std::env::var(IMPORT_LIMIT_ENV) {
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => anyhow::bail!(
                "{IMPORT_LIMIT_ENV}={v:?} is not a size in MiB; set it to a whole number such as {DEFAULT_IMPORT_LIMIT_MIB}, or unset it"
            ),
        },
        Err(_) => Ok(DEFAULT_IMPORT_LIMIT_MIB),
    }
}

/// Reads and checks a snapshot file; errors name the file (and the line for bad JSON).
/// Reads at most the import limit, and stops at the first bytes when they cannot begin a
/// JSON object (so `/dev/zero` is refused at once rather than read to the limit).
pub fn read_file(path: &Path) -> anyhow::Result<SnapshotFile> {
    let shown = crate::text::escape(&path.display().to_string()).into_owned();
    let limit_mib = import_limit()?;
    let limit = limit_mib.saturating_mul(1024 * 1024);
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read snapshot file {shown}"))?;
    let too_big = || {
        anyhow::anyhow!(
            "snapshot file {shown} is larger than the import limit of {limit_mib} MiB: is it a Ferry snapshot? (a larger one can be imported with {IMPORT_LIMIT_ENV}=<MiB>)"
        )
    };
    let size_hint = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if size_hint.is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(size_hint.unwrap_or(0).min(limit) as usize);
    let mut reader = std::io::Read::take(file, limit + 1);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut opened = false;
    loop {
        let n = std::io::Read::read(&mut reader, &mut chunk)
            .with_context(|| format!("cannot read snapshot file {shown}"))?;
        if n == 0 {
            break;
        }
        let start = bytes.len();
        bytes.extend_from_slice(&chunk[..n]);
        if !opened && let Some(&first) = bytes[start..].iter().find(|b| !b.is_ascii_whitespace()) {
            if first != b'{' {
                break; // from_json below says what a snapshot file should be
            }
            opened = true;
        }
        if bytes.len() as u64 > limit {
            return Err(too_big());
        }
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "snapshot file {shown}: not UTF-8 text (invalid byte at offset {}); a Ferry snapshot is JSON",
            e.utf8_error().valid_up_to()
        )
    })?;
    SnapshotFile::from_json(&text).with_context(|| format!("snapshot file {shown}"))
}

/// Makes an imported snapshot safe to store, as a fetch would have made it: a date in the
/// future is clamped to now (it would stay "newest" and hide every later fetch), and every
/// resource is cut down to what a fetch of its kind keeps. Returns the warnings and notes
/// to print (counts, never values).
pub fn prepare(snap: &mut SourceSnapshot, now: DateTime<Utc>, origin: &str) -> Vec<String> {
    let mut notes = Vec::new();
    if snap.taken_at > now + FUTURE_TOLERANCE {
        notes.push(format!(
            "warning: {} in {origin} is dated {}, in the future: stored as taken now ({})",
            snap.source,
            snap.taken_at.format("%Y-%m-%d %H:%M UTC"),
            now.format("%Y-%m-%d %H:%M UTC")
        ));
        snap.taken_at = now;
    }
    let mut future_resources = 0;
    for r in &mut snap.resources {
        if r.fetched_at > snap.taken_at + FUTURE_TOLERANCE {
            r.fetched_at = snap.taken_at;
            future_resources += 1;
        }
    }
    if future_resources > 0 {
        notes.push(format!(
            "warning: {} in {origin}: {future_resources} resource(s) fetched after the snapshot was taken: dated as the snapshot",
            snap.source
        ));
    }
    let dropped = sanitize::snapshot(snap);
    if !dropped.is_empty() {
        notes.push(format!(
            "{} in {origin}: dropped what a fetch never keeps: {}",
            snap.source,
            dropped.describe()
        ));
    }
    notes
}

/// Stores every source of `file` as a new snapshot; returns a one-line summary.
/// Each source first goes through [`prepare`] (the allowlists and sanitisers of a fetch).
/// A snapshot already in the cache (same source, same moment, same size: the same file
/// imported twice) is skipped, so repeats never push real history out of the kept ones.
/// One older than the source's newest is kept as history and said so.
pub fn import_into(
    store: &mut Store,
    file: &SnapshotFile,
    keep: usize,
    origin: &str,
) -> anyhow::Result<String> {
    let mut parts = Vec::new();
    let mut notes = Vec::new();
    let mut imported = 0;
    let now = Utc::now();
    for snap in &file.sources {
        let mut snap = snap.clone();
        notes.extend(prepare(&mut snap, now, origin));
        let snap = &snap;
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
    let shown = crate::text::escape(&path.display().to_string()).into_owned();
    let summary = import_into(&mut store, &file, ctx.config.cache.keep_snapshots, &shown)?;
    tracing::info!(file = %shown, "{summary}");
    eprintln!("{summary}");
    Ok(())
}
