//! The UI state. Views read it; only `update` changes it.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::path::PathBuf;

use super::keymap::{KeyPress, Keymap};
use super::tree::{NodeKind, Tree};
use crate::gap::{GapReport, Item};
use crate::inventory::{Inventory, SnapshotMeta};
use crate::ledger::{Decision, Ledger};
use crate::model::{Provider, Resource, ResourceId, SourceSnapshot};
use crate::rules::Rules;

/// The small form `m` opens: a decision and an optional note for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkForm {
    pub id: ResourceId,
    /// What is being marked, for the form's title.
    pub label: String,
    pub status: Decision,
    pub note: String,
}

/// A message in the status bar. Info clears itself after a few seconds; errors stay until
/// the next key.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

/// A pane's background fetch: running (with the latest progress line) or failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaneFetch {
    pub running: bool,
    /// The source's latest status line ("app details 212/500 (budget 2740)").
    pub progress: String,
    /// Requests answered so far in this fetch, over all kinds and accounts.
    pub requests: u64,
    /// The rate-limit budget left, as last reported (lowest over the accounts).
    pub budget: Option<i64>,
    /// Why the last fetch failed; the pane keeps showing its last good data.
    pub error: Option<String>,
    /// While provisional data is shown: the data it replaced (`Some(None)`: there was
    /// none), put back if the fetch stores nothing.
    pub backup: Option<Option<(SnapshotMeta, SourceSnapshot)>>,
}

/// One provider's pane: its tree, what is expanded, the selection and scroll offset.
#[derive(Debug)]
pub struct PaneState {
    pub provider: Provider,
    pub tree: Tree,
    pub expanded: HashSet<String>,
    /// Visible node indices, recomputed when expansion changes (not on every frame).
    pub rows: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub fetch: PaneFetch,
}

impl PaneState {
    pub fn new(inv: &Inventory, provider: Provider) -> Self {
        let tree = Tree::build(inv, provider);
        let expanded = tree.default_expanded();
        let rows = tree.visible(&expanded);
        PaneState {
            provider,
            tree,
            expanded,
            rows,
            selected: 0,
            offset: 0,
            fetch: PaneFetch::default(),
        }
    }

    /// Rebuilds the tree from a new inventory, keeping what was expanded and selected:
    /// node keys are resource ids and scope paths, stable across fetches. Groups that are
    /// new open the way a first look opens them.
    pub fn rebuild(&mut self, inv: &Inventory) {
        let selected_key = self.selected_node().map(|n| self.tree.nodes[n].key.clone());
        let old_keys: HashSet<&str> = self.tree.nodes.iter().map(|n| n.key.as_str()).collect();
        let tree = Tree::build(inv, self.provider);
        let fresh: Vec<String> = tree
            .default_expanded()
            .into_iter()
            .filter(|k| !old_keys.contains(k.as_str()))
            .collect();
        self.expanded.extend(fresh);
        self.tree = tree;
        self.rows = self.tree.visible(&self.expanded);
        let found = selected_key.and_then(|key| {
            self.rows
                .iter()
                .position(|&n| self.tree.nodes[n].key == key)
        });
        match found {
            Some(row) => self.selected = row,
            None => self.selected = self.selected.min(self.rows.len().saturating_sub(1)),
        }
    }

    pub fn refresh_rows(&mut self) {
        self.rows = self.tree.visible(&self.expanded);
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// The selected tree node, if the pane has any rows.
    pub fn selected_node(&self) -> Option<usize> {
        self.rows.get(self.selected).copied()
    }

    pub fn select_node(&mut self, node: usize) {
        if let Some(row) = self.rows.iter().position(|&n| n == node) {
            self.selected = row;
        }
    }

    /// Keeps the selection inside a viewport of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}

pub struct AppState {
    pub inventory: Inventory,
    pub panes: Vec<PaneState>,
    pub focus: usize,
    pub show_help: bool,
    pub keymap: Keymap,
    /// Keys of an unfinished sequence (`g` waiting for a second `g`).
    pub pending: Vec<KeyPress>,
    /// The clock the view uses for ages; injected so tests are deterministic.
    pub now: DateTime<Utc>,
    /// Shown in the status bar: `cache`, `demo` or an imported file.
    pub origin: String,
    /// Rows of the focused pane's viewport at the last draw (for paging).
    pub page_height: usize,
    pub rules: Rules,
    pub ledger: Ledger,
    /// Where marks are saved; None when the UI shows data without a ledger.
    pub ledger_path: Option<PathBuf>,
    /// The gap analysis of `inventory` under `rules` and `ledger`.
    pub gap: GapReport,
    pub mark_form: Option<MarkForm>,
    pub toast: Option<Toast>,
    /// Whether `r` / `R` may fetch (off for the demo, whose cache is throw-away).
    pub refresh_enabled: bool,
    /// Advances while a fetch runs, for the spinner.
    pub tick: u64,
}

impl AppState {
    pub fn new(inventory: Inventory, now: DateTime<Utc>, origin: impl Into<String>) -> Self {
        let panes = Provider::ALL
            .iter()
            .map(|&p| PaneState::new(&inventory, p))
            .collect();
        let rules = Rules::default();
        let ledger = Ledger::default();
        let gap = crate::commands::gaps::analyze_inventory(&inventory, &ledger, &rules);
        AppState {
            inventory,
            panes,
            focus: 0,
            show_help: false,
            keymap: Keymap::default(),
            pending: Vec::new(),
            now,
            origin: origin.into(),
            page_height: 10,
            rules,
            ledger,
            ledger_path: None,
            gap,
            mark_form: None,
            toast: None,
            refresh_enabled: false,
            tick: 0,
        }
    }

    /// Attaches the ledger (and where to save it) and the mapping rules, and reanalyses.
    pub fn with_ledger(mut self, path: Option<PathBuf>, ledger: Ledger, rules: Rules) -> Self {
        self.ledger_path = path;
        self.ledger = ledger;
        self.rules = rules;
        self.reanalyze();
        self
    }

    pub fn reanalyze(&mut self) {
        self.gap =
            crate::commands::gaps::analyze_inventory(&self.inventory, &self.ledger, &self.rules);
    }

    /// The migration item the focused pane's cursor is on, if any.
    pub fn selected_item(&self) -> Option<&Item> {
        let r = self.selected_resource()?;
        self.gap.item(&r.id)
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toast = Some(Toast {
            text: text.into(),
            error,
            at: self.now,
        });
    }

    /// Rebuilds every pane and the gap analysis after the inventory changed (resource
    /// indices moved, resources came and went).
    pub fn rebuild_panes(&mut self) {
        let inv = &self.inventory;
        for pane in &mut self.panes {
            pane.rebuild(inv);
        }
        self.reanalyze();
    }

    pub fn pane_of(&mut self, provider: Provider) -> Option<&mut PaneState> {
        self.panes.iter_mut().find(|p| p.provider == provider)
    }

    /// Whether any pane's source is being fetched.
    pub fn fetching(&self) -> bool {
        self.panes.iter().any(|p| p.fetch.running)
    }

    pub fn pane(&self) -> &PaneState {
        &self.panes[self.focus]
    }

    pub fn pane_mut(&mut self) -> &mut PaneState {
        &mut self.panes[self.focus]
    }

    /// The resource under the focused pane's cursor, if the cursor is on a resource.
    pub fn selected_resource(&self) -> Option<&Resource> {
        let pane = self.pane();
        let node = pane.selected_node()?;
        match pane.tree.nodes[node].kind {
            NodeKind::Resource(i) => self.inventory.resources.get(i),
            NodeKind::Group { .. } => None,
        }
    }
}
