//! Applying the filter: every pane's scores (cached per query), the tables' selection, and
//! each view's own filter text kept when switching views.

use std::sync::Arc;

use super::filter::Filter;
use super::state::{AppState, View};

impl AppState {
    /// Recomputes which resources the filter matches and every pane's rows.
    pub fn apply_filter(&mut self) {
        let mask = if self.filter.is_empty() {
            None
        } else {
            Some(self.filter_mask())
        };
        for pane in &mut self.panes {
            pane.set_mask(mask.clone());
        }
        self.gaps_table.selected = 0;
        self.cutover_table.selected = 0;
    }

    /// Switches views. The view left keeps its filter text; the view shown gets its own
    /// back (cached scores make that free), so a filter typed in the gaps view does not
    /// empty the explore panes.
    pub fn set_view(&mut self, view: View) {
        if view == self.view {
            return;
        }
        self.view_queries[self.view.index()] = self.filter.query.clone();
        self.view = view;
        let query = std::mem::take(&mut self.view_queries[view.index()]);
        if query != self.filter.query {
            let (gaps, cutover) = (self.gaps_table, self.cutover_table);
            self.filter = Filter::parse(&query);
            self.apply_filter();
            // Switching back and forth is not a new filter: the tables keep their place.
            self.gaps_table = gaps;
            self.cutover_table = cutover;
        }
    }

    /// The current filter's scores. Typing stays fast on big estates: scores of recent
    /// queries are kept (Backspace reuses them), and a query of words that extends a cached
    /// one only scores that one's matches again.
    fn filter_mask(&mut self) -> Arc<Vec<u8>> {
        let query = self.filter.query.trim().to_string();
        if let Some((_, mask)) = self.filter_cache.iter().find(|(q, _)| *q == query) {
            return mask.clone();
        }
        let narrowing = self.filter.only_fuzzy().then(|| {
            self.filter_cache
                .iter()
                .filter(|(q, _)| !q.is_empty() && query.starts_with(q.as_str()))
                .max_by_key(|(q, _)| q.len())
                .map(|(q, m)| (Filter::parse(q).only_fuzzy(), m.clone()))
        });
        let previous = match narrowing.flatten() {
            Some((true, previous)) => Some(previous),
            _ => None,
        };
        let mask = super::filter::mask(
            &self.filter,
            &self.filter_facts,
            &self.inventory.resources,
            previous.as_deref().map(|p| p.as_slice()),
        );
        let mask = Arc::new(mask);
        if self.filter_cache.len() >= 32 {
            self.filter_cache.remove(0);
        }
        self.filter_cache.push((query, mask.clone()));
        mask
    }
}
