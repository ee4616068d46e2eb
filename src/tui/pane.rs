//! One provider's pane: its tree, what is expanded, the selection, the scroll offset and
//! the pane's background fetch.

use std::collections::HashSet;
use std::sync::Arc;

use super::tree::Tree;
use crate::inventory::{Inventory, SnapshotMeta};
use crate::model::{Provider, SourceSnapshot};

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
    /// Why the last refresh of every source (`R`) left this one out (not configured).
    pub skipped: Option<String>,
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
    /// The active filter's scores (0: no match), indexed like `Inventory::resources`;
    /// None: no filter.
    pub mask: Option<Arc<Vec<u8>>>,
    /// The node selected when the filter was set, by key: clearing the filter returns to
    /// it, unless the user moved while filtering (then what they found stays selected).
    pub before_filter: Option<String>,
    /// The user moved the cursor while the filter was set.
    pub moved: bool,
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
            mask: None,
            before_filter: None,
            moved: false,
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
        self.rows = self.compute_rows();
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

    fn compute_rows(&self) -> Vec<usize> {
        match &self.mask {
            Some(mask) => self.tree.filtered(mask),
            None => self.tree.visible(&self.expanded),
        }
    }

    /// Recomputes the visible rows (after expansion or the filter changed), keeping the
    /// selection on the same node when it is still shown.
    pub fn refresh_rows(&mut self) {
        let node = self.selected_node();
        self.rows = self.compute_rows();
        if let Some(row) = node.and_then(|n| self.rows.iter().position(|&r| r == n)) {
            self.selected = row;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Sets the filter's scores (`None`: no filter). While filtering, the cursor goes to
    /// the best match (until the user moves it). Clearing the filter returns to where the
    /// user was before it, with the same expansions, or, when they moved while filtering,
    /// keeps what they found and opens its groups (so `m` marks it).
    pub fn set_mask(&mut self, mask: Option<Arc<Vec<u8>>>) {
        let node = self.selected_node();
        if self.mask.is_none() && mask.is_some() {
            self.before_filter = node.map(|n| self.tree.nodes[n].key.clone());
            self.moved = false;
        }
        self.mask = mask;
        self.refresh_rows();
        if let Some(mask) = &self.mask {
            if !self.moved {
                self.select_best(mask.clone());
            }
            return;
        }
        let before = self.before_filter.take();
        let target = if std::mem::take(&mut self.moved) {
            node
        } else {
            before
                .and_then(|key| self.tree.nodes.iter().position(|n| n.key == key))
                .or(node)
        };
        let Some(node) = target else { return };
        let mut up = self.tree.nodes[node].parent;
        while let Some(a) = up {
            self.expanded.insert(self.tree.nodes[a].key.clone());
            up = self.tree.nodes[a].parent;
        }
        self.rows = self.compute_rows();
        self.select_node(node);
    }

    /// Puts the cursor on the best-scoring match (the first, when several tie: rows are
    /// ranked already).
    fn select_best(&mut self, mask: Arc<Vec<u8>>) {
        let mut best = (0u8, None);
        for (row, &n) in self.rows.iter().enumerate() {
            if let super::tree::NodeKind::Resource(i) = self.tree.nodes[n].kind {
                let score = mask.get(i).copied().unwrap_or(0);
                if score > best.0 {
                    best = (score, Some(row));
                }
            }
        }
        if let (_, Some(row)) = best {
            self.selected = row;
        }
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
