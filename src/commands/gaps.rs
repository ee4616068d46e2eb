//! `ferry report`, `ferry gaps`: the gap analysis from the cache, as a file or a table.

use anyhow::Context as _;
use chrono::Utc;
use std::io::Write;
use std::path::Path;

use super::Context;
use crate::gap::{GapReport, Status, percent_label};
use crate::inventory::Inventory;
use crate::ledger::Ledger;
use crate::report::{self, Format, ReportMeta};
use crate::rules::Rules;

/// Exit status of `ferry gaps` when an item has a `--fail-on` status (1 is an error).
pub const GATE_FAILED: u8 = 3;

/// Loads the cache, ledger and rules and runs the analysis.
pub fn analyze(ctx: &Context) -> anyhow::Result<(Inventory, GapReport)> {
    let inventory = ctx.read_store()?.load_latest()?;
    let ledger = Ledger::load(&ctx.ledger_path())?;
    let report = analyze_inventory(&inventory, &ledger, &ctx.rules());
    Ok((inventory, report))
}

pub fn analyze_inventory(inventory: &Inventory, ledger: &Ledger, rules: &Rules) -> GapReport {
    let links = crate::links::derive(inventory);
    crate::gap::analyze(inventory, &links, rules, ledger)
}

pub fn report(ctx: &Context, format: Format, output: Option<&Path>) -> anyhow::Result<()> {
    let (inventory, gap) = analyze(ctx)?;
    // A report of nothing would read "nothing missing": say there is nothing to analyse,
    // and fail, as `ferry gaps` does.
    if gap.apps.is_empty() {
        anyhow::bail!("{}", no_apps(ctx));
    }
    let meta = ReportMeta {
        generated_at: Utc::now(),
        snapshots: inventory.snapshots.clone(),
    };
    let text = report::render(format, &gap, &meta);
    match output {
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
        Some(path) if path == Path::new("-") => {
            std::io::stdout().lock().write_all(text.as_bytes())?
        }
        Some(path) => {
            write_file(path, text.as_bytes())?;
            eprintln!(
                "Wrote the {} report ({} apps, {} items, {} migrated) to {}",
                format.extension(),
                gap.apps.len(),
                gap.summary.items,
                percent_label(gap.summary.percent_migrated),
                path.display()
            );
        }
    }
    Ok(())
}

fn no_apps(ctx: &Context) -> String {
    format!(
        "The cache {} has no Heroku apps: nothing to check. Run `ferry fetch --source heroku`, or `ferry snapshot import FILE`.",
        ctx.data.cache().display()
    )
}

/// Writes through a temp file and a rename, so a reader never sees half a report.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.write_all(bytes)?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Prints the gap table; returns whether the gate failed.
pub fn gaps(
    ctx: &Context,
    fail_on: &[Status],
    app: Option<&str>,
    ids: bool,
) -> anyhow::Result<bool> {
    let (_, gap) = analyze(ctx)?;
    // An empty cache has nothing missing, but a CI gate on it proves nothing: fail.
    if gap.apps.is_empty() {
        anyhow::bail!("{}", no_apps(ctx));
    }
    if let Some(app) = app
        && !gap.apps.iter().any(|a| a.app == app)
    {
        anyhow::bail!("no Heroku app `{app}` in the cache");
    }
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut failing = 0;
    for (app_item, item) in gap
        .apps
        .iter()
        .flat_map(|a| a.items.iter().enumerate().map(|(i, item)| (i == 0, item)))
        .filter(|(_, i)| app.is_none_or(|a| i.app == a))
    {
        // App rows sum up their parts; the gate counts parts, as the summary does.
        if !app_item && fail_on.contains(&item.status) {
            failing += 1;
        }
        // Names and reasons quote the estate: escaped, so they cannot drive the terminal.
        let esc = |s: &str| crate::text::escape(s).into_owned();
        rows.push([
            esc(&item.app),
            item.kind.as_str().to_string(),
            if ids {
                esc(item.id.as_str())
            } else {
                esc(&item.name)
            },
            item.status.to_string(),
            esc(&report::counterparts_line(item)),
            esc(&report::remarks(item).join("; ")),
        ]);
    }
    let header = [
        "APP",
        "KIND",
        if ids { "ID" } else { "ITEM" },
        "STATUS",
        "AWS COUNTERPART",
        "REASONS",
    ];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row.iter()).take(5) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let line = |out: &mut dyn Write, cells: [&str; 6]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 5 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(&mut out, header)?;
    for r in &rows {
        line(&mut out, [&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]])?;
    }
    // With --app, the summary is that app's alone, not the estate's under its rows.
    let summary = crate::gap::summarize(
        gap.apps
            .iter()
            .filter(|a| app.is_none_or(|name| a.app == name)),
    );
    writeln!(
        out,
        "\n{}{} items, {} migrated, {} ready to cut over: {}",
        app.map(|a| format!("{a}: ")).unwrap_or_default(),
        summary.items,
        percent_label(summary.percent_migrated),
        summary.ready_to_cut_over,
        summary
            .by_status
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    // What exists only on AWS, estate-wide (a single app's view leaves it out).
    if app.is_none() {
        let a = &gap.aws_only;
        writeln!(
            out,
            "\nAWS only: {}",
            crate::text::escape(&report::aws_only_lead(a))
        )?;
        for g in report::aws_only_groups(a) {
            if let Some(note) = report::aws_only_group_note(a, g) {
                writeln!(out, "  {}: {}", g.label, crate::text::escape(&note))?;
            }
            for r in &g.resources {
                writeln!(
                    out,
                    "  {}: {} ({}): {}",
                    g.label,
                    crate::text::escape(&r.name),
                    report::aws_only_place(r),
                    crate::text::escape(&report::aws_only_why(r))
                )?;
            }
        }
    }
    // How much of AWS is in code, when some IaC state is configured.
    if let Some(iac) = &gap.iac {
        writeln!(out, "\n{}", crate::text::escape(&iac.summary_line()))?;
    }
    // What the statuses rest on: a gate that passes on unread data proves nothing.
    writeln!(out, "\nData:")?;
    for line in report::data_lines(&gap) {
        writeln!(out, "  {}", crate::text::escape(&line))?;
    }
    out.flush()?;
    drop(out);
    if failing > 0 {
        let names: Vec<&str> = fail_on.iter().map(|s| s.as_str()).collect();
        eprintln!("ferry gaps: {failing} item(s) are {}", names.join(" or "));
    }
    Ok(failing > 0)
}
