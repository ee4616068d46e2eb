//! Background refresh in the UI: starting fetches, their progress in the pane titles,
//! provisional data while a source runs, and the stored result (with what it changed).

use super::state::AppState;
use super::update::Effect;
use crate::fetch::{self, FetchEvent, SourceReport};
use crate::inventory::SnapshotMeta;
use crate::model::{Provider, SourceSnapshot};
use crate::sources::SourceEvent;

/// Marks the panes being fetched and asks the run loop to start the fetch. The panes
/// stay usable: data is replaced only when a source finishes.
pub(crate) fn refresh(state: &mut AppState, which: Option<Provider>) -> Effect {
    if !state.refresh_enabled {
        let text = format!(
            "refresh is off for the {} estate; run `ferry` to work on your own cache",
            state.origin
        );
        state.toast(text, false);
        return Effect::None;
    }
    let targets: Vec<Provider> = match which {
        Some(p) if !fetch::available(p) => {
            let text = format!(
                "fetching from {} is not available yet in this version of Ferry",
                p.title()
            );
            state.toast(text, false);
            return Effect::None;
        }
        Some(p) => vec![p],
        None => Provider::ALL
            .into_iter()
            .filter(|&p| fetch::available(p))
            .collect(),
    };
    if targets.iter().any(|&p| {
        state
            .panes
            .iter()
            .any(|pane| pane.provider == p && pane.fetch.running)
    }) {
        state.toast("a fetch is already running", false);
        return Effect::None;
    }
    for p in targets {
        if let Some(pane) = state.pane_of(p) {
            pane.fetch.running = true;
            pane.fetch.requests = 0;
            pane.fetch.budget = None;
            pane.fetch.progress = "starting".into();
        }
    }
    Effect::Fetch(which)
}

pub(crate) fn on_fetch(state: &mut AppState, event: FetchEvent) {
    match event {
        FetchEvent::Progress {
            source,
            event: SourceEvent::Provisional(snap),
        } => provisional(state, source, &snap),
        FetchEvent::Progress { source, event } => {
            let Some(pane) = state.pane_of(source) else {
                return;
            };
            match event {
                SourceEvent::Status { message, .. } => pane.fetch.progress = message,
                // Kind events carry cumulative counts per kind; one more answered request.
                SourceEvent::Kind { budget_left, .. } => {
                    pane.fetch.requests += 1;
                    if let Some(b) = budget_left {
                        pane.fetch.budget = Some(pane.fetch.budget.map_or(b, |old| old.min(b)));
                    }
                }
                SourceEvent::Provisional(_) => unreachable!("matched above"),
            }
        }
        FetchEvent::Finished(report) => finished(state, &report),
    }
}

/// Shows a running fetch's provisional data, remembering what it replaces.
fn provisional(state: &mut AppState, source: Provider, snap: &SourceSnapshot) {
    let before = state.inventory.source_snapshot(source);
    let Some(pane) = state.pane_of(source) else {
        return;
    };
    if pane.fetch.backup.is_none() {
        pane.fetch.backup = Some(before);
    }
    let meta = SnapshotMeta {
        id: 0,
        source,
        taken_at: snap.taken_at,
        origin: "fetching".into(),
        resource_count: snap.resources.len(),
    };
    state.inventory.replace_source(meta, snap);
    state.rebuild_panes();
}

fn finished(state: &mut AppState, report: &SourceReport) {
    let backup = state
        .pane_of(report.source)
        .and_then(|p| p.fetch.backup.take());
    match (&report.stored, backup) {
        (Some((meta, snap)), backup) => {
            // What the snapshot replaces: the data shown before provisional data came in.
            let before = match backup {
                Some(b) => b,
                None => state.inventory.source_snapshot(report.source),
            };
            note_changes(state, report.source, before.map(|(_, s)| s), snap);
            state.inventory.replace_source(meta.clone(), snap)
        }
        // Nothing stored: put back what the provisional data replaced.
        (None, Some(Some((meta, snap)))) => state.inventory.replace_source(meta, &snap),
        (None, Some(None)) => state.inventory.remove_source(report.source),
        (None, None) => {}
    }
    // The analysis reads how this fetch went (what stands in, what failed).
    if let Some(attempt) = crate::fetch::attempt(report, state.now) {
        state.inventory.record_attempt(attempt);
    }
    // Resource indices moved: every pane's tree is rebuilt, keeping its view.
    state.rebuild_panes();
    let Some(pane) = state.pane_of(report.source) else {
        return;
    };
    pane.fetch.running = false;
    pane.fetch.progress.clear();
    // `R` leaves out a source with nothing configured: the pane says so and why, instead
    // of looking as if it had been refreshed.
    pane.fetch.skipped = report.skipped.then(|| report.error.clone()).flatten();
    pane.fetch.error = if report.succeeded() {
        None
    } else {
        report
            .error
            .clone()
            .or_else(|| report.accounts.iter().find_map(|a| a.outcome.clone().err()))
    };
}

/// Records what a refresh added and changed (for the tree markers and `is:changed`) and
/// says so in a toast. The first snapshot of a source is not a change.
fn note_changes(
    state: &mut AppState,
    source: Provider,
    before: Option<SourceSnapshot>,
    after: &SourceSnapshot,
) {
    let Some(before) = before else {
        return;
    };
    let diff = crate::diff::diff(&before.resources, &after.resources);
    let hint = if record_changes(state, source, &diff) {
        " · /is:changed shows them"
    } else {
        ""
    };
    state.toast(
        format!(
            "{}: {} since the previous snapshot{hint}",
            source.title(),
            diff.summary()
        ),
        false,
    );
}

/// Replaces `source`'s change markers with `diff`'s. Returns whether anything shown in the
/// panes changed (removed resources are gone from them).
pub(crate) fn record_changes(
    state: &mut AppState,
    source: Provider,
    diff: &crate::diff::Diff,
) -> bool {
    use super::filter::Change;
    let prefix = format!("{}:", source.as_str());
    let changed = &mut state.filter_facts.changed;
    changed.retain(|id, _| !id.as_str().starts_with(&prefix));
    changed.extend(diff.added.iter().map(|e| (e.id.clone(), Change::Added)));
    changed.extend(
        diff.changed
            .iter()
            .map(|c| (c.entry.id.clone(), Change::Changed(c.describe()))),
    );
    state.filter_cache.clear();
    !(diff.added.is_empty() && diff.changed.is_empty())
}

/// What the newest snapshot of each source changed, found in the background at startup.
/// Applied only where the pane still shows that snapshot (a refresh may have replaced it).
pub(crate) fn startup_changes(state: &mut AppState, found: Vec<(SnapshotMeta, crate::diff::Diff)>) {
    let mut parts = Vec::new();
    let mut any = false;
    for (meta, diff) in found {
        let shown = state.inventory.snapshot_of(meta.source).map(|m| m.id);
        // While a refresh shows provisional data, the snapshot it may put back counts.
        let backup = state
            .panes
            .iter()
            .find(|p| p.provider == meta.source)
            .and_then(|p| p.fetch.backup.as_ref())
            .and_then(|b| b.as_ref().map(|(m, _)| m.id));
        if shown != Some(meta.id) && backup != Some(meta.id) {
            continue;
        }
        any |= record_changes(state, meta.source, &diff);
        if !diff.is_empty() {
            parts.push(format!("{} {}", meta.source.title(), diff.summary()));
        }
    }
    if parts.is_empty() {
        return;
    }
    if !state.filter.is_empty() {
        state.apply_filter(); // `is:changed` may be active
    }
    let hint = if any {
        " · /is:changed shows them"
    } else {
        ""
    };
    state.toast(
        format!("Since the previous snapshot: {}{hint}", parts.join("; ")),
        false,
    );
}
