//! `ferry list`: the cached resources as a table or JSON.

use std::io::Write;

use super::Context;
use crate::cli::{ListArgs, ListFormat};
use crate::model::Resource;
use crate::text::escape;

pub fn run(ctx: &Context, args: &ListArgs) -> anyhow::Result<()> {
    // Listing only reads: a read-only data dir still lists.
    let store = ctx.read_store()?;
    let inventory = store.load_latest()?;
    if inventory.resources.is_empty() {
        eprintln!(
            "The cache {} is empty. Import a snapshot with `ferry snapshot import FILE`, or try `ferry demo`.",
            store.path().display()
        );
    }
    let mut selected: Vec<&Resource> = inventory
        .resources
        .iter()
        .filter(|r| args.provider.is_none_or(|p| r.provider == p))
        .filter(|r| args.kind.is_none_or(|k| r.kind == k))
        .collect();
    selected.sort_by(|a, b| {
        (a.provider, a.kind, &a.name, &a.id).cmp(&(b.provider, b.kind, &b.name, &b.id))
    });

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &selected)?;
            writeln!(out)?;
        }
        ListFormat::Table => write_table(&mut out, &selected)?,
    }
    out.flush()?;
    Ok(())
}

fn write_table(out: &mut impl Write, rows: &[&Resource]) -> std::io::Result<()> {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            // Names, scopes and ids come from APIs and imported files: escaped, so a
            // control character cannot drive the terminal or spoof a row.
            [
                r.provider.to_string(),
                r.kind.to_string(),
                escape(&r.name).into_owned(),
                escape(&r.scope.display()).into_owned(),
                escape(r.id.as_str()).into_owned(),
            ]
        })
        .collect();
    let header = ["PROVIDER", "KIND", "NAME", "SCOPE", "ID"];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: [&str; 5]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            if i == 4 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, header)?;
    for row in &cells {
        line(out, [&row[0], &row[1], &row[2], &row[3], &row[4]])?;
    }
    Ok(())
}
