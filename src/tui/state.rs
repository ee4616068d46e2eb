//! The UI state. Views read it; only `update` changes it.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::path::PathBuf;

use super::keymap::{KeyPress, Keymap};
use super::tree::{NodeKind, Tree};
use crate::gap::{GapReport, Item};
use crate::inventory::Inventory;
use crate::ledger::{Decision, Ledger};
use crate::model::{Provider, Resource, ResourceId};
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
