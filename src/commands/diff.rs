//! `ferry diff`: what changed in the estate between two snapshots of each source, and
//! `ferry snapshot list`: the snapshots the cache keeps.

use anyhow::{Context as _, bail};
use serde::Serialize;
use std::io::Write;

use super::Context;
use crate::cli::{DiffArgs, ListFormat};
use crate::diff::{Diff, diff};
use crate::inventory::SnapshotMeta;
use crate::model::Provider;
use crate::store::Store;
use crate::text::escape;

/// One source's comparison, as `--format json` prints it.
#[derive(Serialize)]
struct SourceDiff {
    source: Provider,
    from: SnapshotRef,
    to: SnapshotRef,
    #[serde(flatten)]
    diff: Diff,
}

#[derive(Serialize)]
struct SnapshotRef {
    id: i64,
    taken_at: chrono::DateTime<chrono::Utc>,
    origin: String,
}

impl From<&SnapshotMeta> for SnapshotRef {
    fn from(m: &SnapshotMeta) -> Self {
        SnapshotRef {
            id: m.id,
            taken_at: m.taken_at,
            origin: m.origin.clone(),
        }
    }
}

pub fn run(ctx: &Context, args: &DiffArgs) -> anyhow::Result<()> {
    let store = ctx.read_store()?;
    let pairs = pairs(&store, args)?;
    let mut diffs = Vec::new();
    for (from, to) in pairs {
        let load = |m: &SnapshotMeta| -> anyhow::Result<_> {
            store
                .load_snapshot(m.id)?
                .map(|(_, s)| s)
                .with_context(|| format!("snapshot {} disappeared from the cache", m.id))
        };
        let (old, new) = (load(&from)?, load(&to)?);
        diffs.push(SourceDiff {
            source: to.source,
            diff: diff(&old.resources, &new.resources),
            from: (&from).into(),
            to: (&to).into(),
        });
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &diffs)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            if diffs.is_empty() {
                writeln!(
                    out,
                    "Nothing to compare: each source needs two snapshots (fetch again, or see `ferry snapshot list`)."
                )?;
            }
            for d in &diffs {
                write_table(&mut out, d)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// What the newest snapshot of each source changed against the one before it. Loads one
/// source's pair at a time, so at most two snapshots of one source are in memory.
pub fn newest_changes(store: &Store) -> anyhow::Result<Vec<(SnapshotMeta, Diff)>> {
    let args = DiffArgs {
        source: None,
        from: None,
        to: None,
        format: ListFormat::Table,
    };
    let mut out = Vec::new();
    for (from, to) in pairs(store, &args)? {
        let (Some((_, old)), Some((_, new))) =
            (store.load_snapshot(from.id)?, store.load_snapshot(to.id)?)
        else {
            continue; // pruned by a fetch meanwhile
        };
        out.push((to, diff(&old.resources, &new.resources)));
    }
    Ok(out)
}

/// The (older, newer) snapshot pairs to compare.
fn pairs(store: &Store, args: &DiffArgs) -> anyhow::Result<Vec<(SnapshotMeta, SnapshotMeta)>> {
    let all = store.list_snapshots()?; // newest first
    let find = |id: i64| {
        all.iter().find(|m| m.id == id).cloned().with_context(|| {
            format!(
                "there is no snapshot {id} in {} (see `ferry snapshot list`)",
                store.path().display()
            )
        })
    };
    match (args.from, args.to) {
        (Some(from), to) => {
            let from = find(from)?;
            let to = match to {
                Some(id) => find(id)?,
                None => all
                    .iter()
                    .find(|m| m.source == from.source)
                    .cloned()
                    .expect("the source has at least `from`"),
            };
            if from.source != to.source {
                bail!(
                    "snapshot {} is of {} and {} of {}: compare two snapshots of one source",
                    from.id,
                    from.source,
                    to.id,
                    to.source
                );
            }
            Ok(vec![(from, to)])
        }
        (None, Some(_)) => bail!("--to needs --from"),
        (None, None) => Ok(Provider::ALL
            .into_iter()
            .filter(|p| args.source.is_none_or(|s| s == *p))
            .filter_map(|p| {
                let mut of = all.iter().filter(|m| m.source == p);
                let newest = of.next()?.clone();
                let before = of.next()?.clone();
                Some((before, newest))
            })
            .collect()),
    }
}

fn write_table(out: &mut impl Write, d: &SourceDiff) -> std::io::Result<()> {
    let when = |r: &SnapshotRef| r.taken_at.format("%Y-%m-%d %H:%M UTC").to_string();
    writeln!(
        out,
        "{}: snapshot {} ({}, {}) → {} ({}, {}): {}",
        d.source.title(),
        d.from.id,
        when(&d.from),
        escape(&d.from.origin),
        d.to.id,
        when(&d.to),
        escape(&d.to.origin),
        escape(&d.diff.summary())
    )?;
    let kind_width = d
        .diff
        .added
        .iter()
        .chain(&d.diff.removed)
        .chain(d.diff.changed.iter().map(|c| &c.entry))
        .map(|e| e.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for e in &d.diff.added {
        writeln!(
            out,
            "  + {:<kind_width$}  {}",
            e.kind.as_str(),
            escape(e.id.as_str())
        )?;
    }
    for e in &d.diff.removed {
        writeln!(
            out,
            "  - {:<kind_width$}  {}",
            e.kind.as_str(),
            escape(e.id.as_str())
        )?;
    }
    for c in &d.diff.changed {
        writeln!(
            out,
            "  ~ {:<kind_width$}  {}  ({})",
            c.entry.kind.as_str(),
            escape(c.entry.id.as_str()),
            escape(&c.describe().join("; "))
        )?;
    }
    Ok(())
}

/// `ferry snapshot list`: every kept snapshot, newest first.
pub fn list(ctx: &Context, format: ListFormat) -> anyhow::Result<()> {
    let store = ctx.read_store()?;
    let all = store.list_snapshots()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ListFormat::Json => {
            let refs: Vec<_> = all
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "id": m.id, "source": m.source, "taken_at": m.taken_at,
                        "origin": m.origin, "resources": m.resource_count,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &refs)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{:>4}  {:<10}  {:<20}  {:<6}  RESOURCES",
                "ID", "SOURCE", "TAKEN", "ORIGIN"
            )?;
            for m in &all {
                writeln!(
                    out,
                    "{:>4}  {:<10}  {:<20}  {:<6}  {}",
                    m.id,
                    m.source.as_str(),
                    m.taken_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    escape(&m.origin),
                    m.resource_count
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
