//! `ferry fetch`: fetch the configured sources into the cache, with live progress on
//! stderr (when it is a terminal) and a summary on stdout. Exits non-zero when any
//! requested source or account failed; what succeeded is saved all the same.

use crate::text::escape;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::Context;
use crate::fetch::{self, FetchEvent, FetchSetup, SourceReport};
use crate::model::Provider;
use crate::sources::{KindCounts, SourceEvent};

pub fn run(ctx: &Context, source: Option<Provider>) -> anyhow::Result<()> {
    ctx.data.ensure()?;
    let setup = FetchSetup::from_config(&ctx.config, ctx.data.cache())?;
    let sources: Vec<Provider> = source.into_iter().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut view = LiveProgress::new(std::io::stderr().is_terminal());
    let reports = runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut handle = tokio::spawn(async move { fetch::run(&setup, &sources, tx).await });
        loop {
            tokio::select! {
                Some(ev) = rx.recv() => view.on_event(ev),
                done = &mut handle => {
                    while let Ok(ev) = rx.try_recv() {
                        view.on_event(ev);
                    }
                    break done;
                }
            }
        }
    })?;
    view.clear();

    let mut out = std::io::stdout().lock();
    for report in &reports {
        write_report(&mut out, report)?;
    }
    out.flush()?;
    let failed: Vec<&str> = reports
        .iter()
        .filter(|r| !r.succeeded())
        .map(|r| r.source.title())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        let saved = if reports.iter().any(|r| r.stored.is_some()) {
            "what succeeded was saved"
        } else {
            "nothing was saved"
        };
        anyhow::bail!(
            "fetch failed for {} (see above); {saved}",
            failed.join(", ")
        )
    }
}

fn write_report(out: &mut impl Write, r: &SourceReport) -> std::io::Result<()> {
    let title = r.source.title();
    if r.skipped {
        let why = r.error.as_deref().unwrap_or("not available yet");
        return writeln!(out, "{title}: skipped ({})", escape(why));
    }
    let failed = r.accounts.iter().filter(|a| a.outcome.is_err()).count();
    let status = match (&r.error, failed) {
        (Some(e), _) => format!("FAILED: {}", escape(&e.to_string())),
        (None, 0) => "ok".to_string(),
        (None, n) => format!("FAILED for {n} of {} account(s)", r.accounts.len()),
    };
    let saved = match &r.stored {
        Some((meta, snap)) => format!(
            "; saved {} resources and {} links (snapshot {})",
            meta.resource_count,
            snap.links.len(),
            meta.id
        ),
        None if r.error.is_none() => "; nothing saved (the cache keeps what it had)".into(),
        None => String::new(),
    };
    writeln!(out, "{title}: {status}; {} requests{saved}", r.requests)?;
    for a in &r.accounts {
        match &a.outcome {
            // Messages quote API names and error bodies: escaped for the terminal.
            Ok(line) => writeln!(out, "  {}: {}", escape(&a.name), escape(line))?,
            Err(e) => writeln!(
                out,
                "  {}: FAILED: {}",
                escape(&a.name),
                escape(&e.to_string())
            )?,
        }
        for n in &a.notices {
            writeln!(out, "    note: {}", escape(&n.to_string()))?;
        }
        if !a.counts.is_empty() {
            for line in kind_table(&a.counts) {
                writeln!(out, "    {line}")?;
            }
        }
    }
    Ok(())
}

/// `kind  requests  items` rows.
fn kind_table(counts: &BTreeMap<&'static str, KindCounts>) -> Vec<String> {
    // As wide as the longest kind (AWS has `elasticache_replication_group`).
    let w = counts.keys().map(|k| k.len()).max().unwrap_or(0).max(20);
    let mut lines = vec![format!("{:<w$} {:>8} {:>8}", "kind", "requests", "items")];
    for (kind, c) in counts {
        lines.push(format!("{kind:<w$} {:>8} {:>8}", c.requests, c.items));
    }
    lines
}

#[derive(Default)]
struct AccountProgress {
    status: String,
    budget: Option<i64>,
    counts: BTreeMap<&'static str, KindCounts>,
}

/// The live block on stderr: one header per account, then its per-kind counters.
/// Redrawn in place at most ten times a second; nothing is drawn when stderr is not a
/// terminal (logs and CI output stay clean).
struct LiveProgress {
    enabled: bool,
    accounts: BTreeMap<(Provider, String), AccountProgress>,
    drawn_lines: usize,
    last_draw: Option<Instant>,
}

impl LiveProgress {
    fn new(enabled: bool) -> Self {
        LiveProgress {
            enabled,
            accounts: BTreeMap::new(),
            drawn_lines: 0,
            last_draw: None,
        }
    }

    fn on_event(&mut self, ev: FetchEvent) {
        match ev {
            FetchEvent::Progress { source, event } => match event {
                SourceEvent::Kind {
                    account,
                    kind,
                    requests,
                    items,
                    budget_left,
                } => {
                    let a = self.accounts.entry((source, account)).or_default();
                    a.counts.insert(kind, KindCounts { requests, items });
                    if budget_left.is_some() {
                        a.budget = budget_left;
                    }
                }
                SourceEvent::Status { account, message } => {
                    self.accounts.entry((source, account)).or_default().status = message;
                }
                // The summary reports the final snapshot; the provisional one is for the TUI.
                SourceEvent::Provisional(_) => {}
            },
            FetchEvent::Finished(_) => {}
        }
        let due = self
            .last_draw
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if due {
            self.draw();
        }
    }

    fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for ((source, account), p) in &self.accounts {
            let budget = p
                .budget
                .map(|b| format!(" · budget {b}"))
                .unwrap_or_default();
            lines.push(format!(
                "{} {}: {}{budget}",
                source.title(),
                escape(account),
                escape(&p.status)
            ));
            let cells: Vec<String> = p
                .counts
                .iter()
                .map(|(k, c)| format!("{k} {}/{}", c.requests, c.items))
                .collect();
            for chunk in cells.chunks(4) {
                lines.push(format!("  {}", chunk.join("   ")));
            }
        }
        lines
    }

    fn draw(&mut self) {
        if !self.enabled {
            return;
        }
        let lines = self.lines();
        let mut err = std::io::stderr().lock();
        let mut buf = String::new();
        if self.drawn_lines > 0 {
            // Back to the start of the block, then clear it.
            buf.push_str(&format!("\x1b[{}F\x1b[J", self.drawn_lines));
        }
        for l in &lines {
            buf.push_str(l);
            buf.push('\n');
        }
        let _ = err.write_all(buf.as_bytes());
        let _ = err.flush();
        self.drawn_lines = lines.len();
        self.last_draw = Some(Instant::now());
    }

    /// Removes the live block before the summary is printed.
    fn clear(&mut self) {
        if self.enabled && self.drawn_lines > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\x1b[{}F\x1b[J", self.drawn_lines);
            let _ = err.flush();
            self.drawn_lines = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_show_status_budget_and_kinds() {
        let mut p = LiveProgress::new(false);
        p.on_event(FetchEvent::Progress {
            source: Provider::Heroku,
            event: SourceEvent::Status {
                account: "default".into(),
                message: "app details 2/5".into(),
            },
        });
        p.on_event(FetchEvent::Progress {
            source: Provider::Heroku,
            event: SourceEvent::Kind {
                account: "default".into(),
                kind: "apps",
                requests: 3,
                items: 2500,
                budget_left: Some(4100),
            },
        });
        let lines = p.lines();
        assert_eq!(lines[0], "Heroku default: app details 2/5 · budget 4100");
        assert_eq!(lines[1], "  apps 3/2500");
    }
}
