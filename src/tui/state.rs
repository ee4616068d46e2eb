//! The UI state. Views read it; only `update` changes it.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use super::pane::{PaneFetch, PaneState};

use super::keymap::{KeyPress, Keymap};
use super::tree::NodeKind;
use crate::gap::{GapReport, Item};
use crate::inventory::Inventory;
use crate::ledger::{Decision, Ledger};
use crate::model::{Provider, Resource, ResourceId};
use crate::rules::Rules;

/// Where a jump started, for going back: a resource in the explore view, or a row of a
/// table view.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    Resource(ResourceId),
    Row(View, usize),
}

/// The small form `m` opens: a decision and an optional note for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkForm {
    pub id: ResourceId,
    /// What is being marked, for the form's title.
    pub label: String,
    pub status: Decision,
    pub note: String,
}

/// The screens `1`–`4` switch between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Explore,
    Gaps,
    Cutover,
    Graph,
}

impl View {
    pub const ALL: [View; 4] = [View::Explore, View::Gaps, View::Cutover, View::Graph];
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn title(self) -> &'static str {
        match self {
            View::Explore => "Explore",
            View::Gaps => "Gaps",
            View::Cutover => "Cutover",
            View::Graph => "Graph",
        }
    }
}

/// Where the keyboard goes in the explore view: a pane, or the details panel's link list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Pane(usize),
    Links,
}

/// A selection and scroll position in a table (gaps, cutover, graph).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TableState {
    pub selected: usize,
    pub offset: usize,
}

impl TableState {
    pub fn move_by(&mut self, delta: isize, len: usize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }
    pub fn scroll_into_view(&mut self, height: usize, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if height > 0 && self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height.max(1)));
    }
}

/// Columns the gaps table sorts by (always within its app's group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GapSort {
    #[default]
    Item,
    Kind,
    Counterpart,
    Status,
}

impl GapSort {
    pub fn next(self) -> Self {
        match self {
            // The order of the columns on screen.
            GapSort::Item => GapSort::Kind,
            GapSort::Kind => GapSort::Status,
            GapSort::Status => GapSort::Counterpart,
            GapSort::Counterpart => GapSort::Item,
        }
    }
}

/// A one-line text entry at the bottom: the `/` filter or the `:` command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
    /// Completion candidates shown above the line (commands).
    pub completions: Vec<String>,
    /// The old text is selected (`/` reopened): typing replaces it, Backspace clears it,
    /// an arrow key keeps it to edit.
    pub selected: bool,
    /// Where `↑`/`↓` are in the command history (`None`: the line being typed).
    pub recalled: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
}

/// A yes/no question before something that loses data (removing a mark, overwriting a
/// file): `y` or Enter does `effect`, `n` or Esc keeps things as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub question: String,
    pub effect: super::update::Effect,
}

/// Where the panes and tables were drawn, for mouse clicks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hitboxes {
    /// One per pane shown (panes not on screen have an empty rectangle).
    pub panes: Vec<ratatui::layout::Rect>,
    /// The view tabs in the header, in `View::ALL` order.
    pub tabs: [ratatui::layout::Rect; 4],
    pub details: ratatui::layout::Rect,
    pub table: ratatui::layout::Rect,
}

/// A message in the status bar. Info clears itself after a few seconds; errors stay until
/// the next key.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

/// How many messages `:messages` keeps.
pub const MESSAGES_KEPT: usize = 200;

pub struct AppState {
    pub inventory: Inventory,
    pub panes: Vec<PaneState>,
    pub focus: usize,
    pub show_help: bool,
    /// The details panel takes the panes' height (explore view) or the table's (gaps).
    pub details_zoom: bool,
    /// First line shown of the details panel; back to 0 when the selection changes.
    pub details_scroll: u16,
    /// What the details panel showed at the last draw (to reset its scroll).
    pub details_of: Option<ResourceId>,
    /// Where `:theme` remembers its choice (the data dir's `ui-state.toml`).
    pub prefs_path: Option<PathBuf>,
    /// Which of the tabbed panes (AWS, Semaphore, IaC) the third column shows.
    pub column_tab: usize,
    /// A question waiting for y / n, with what to do on yes.
    pub confirm: Option<Confirm>,
    /// First line shown of the one-column help (narrow terminals).
    pub help_scroll: usize,
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
    /// Every message shown this session, oldest first (`:messages` shows them whole: a
    /// toast is one line and may be cut).
    pub messages: Vec<Toast>,
    /// The `:messages` overlay is open; its first line shown.
    pub show_messages: bool,
    pub messages_scroll: usize,
    /// Every link: the sources' own and the derived cross-provider ones.
    pub links: Vec<crate::model::Link>,
    /// Link indices by either end, for highlighting and the details panel.
    pub links_by_id: HashMap<ResourceId, Vec<usize>>,
    /// Gap items by the Heroku resource they stand for: (app index, item index).
    pub item_index: HashMap<ResourceId, (usize, usize)>,
    /// For each AWS counterpart, the items it stands in for.
    pub counterpart_of: HashMap<ResourceId, Vec<ResourceId>>,
    /// Each resource's parts (inventory indices): built the first time the graph asks
    /// (start-up does not pay for it), dropped when the data is analysed again.
    parts_index: std::cell::OnceCell<HashMap<ResourceId, Vec<usize>>>,
    pub view: View,
    /// Keyboard focus in the explore view.
    pub focused: Focus,
    /// The link under the cursor in the details panel.
    pub link_cursor: usize,
    /// Resources jumped away from, newest last (Backspace / Ctrl-o go back).
    pub history: Vec<Place>,
    pub gaps_table: TableState,
    pub gaps_sort: GapSort,
    pub gaps_desc: bool,
    pub cutover_table: TableState,
    pub graph_table: TableState,
    /// The resource the graph view starts from (the selection when `4` was pressed).
    pub graph_root: Option<ResourceId>,
    /// The graph view's depth and whether it follows into other apps (`+`/`-`, `a`).
    pub graph_opts: super::graph::GraphOptions,
    /// The current view's filter (each view keeps its own: `view_queries`).
    pub filter: super::filter::Filter,
    /// The filter text of each view, by `View::index`, saved when the view is left.
    pub view_queries: [String; 4],
    pub filter_facts: super::filter::FilterFacts,
    /// Recent (query, matches) pairs; emptied whenever the data or analysis changes.
    pub filter_cache: Vec<(String, Arc<Vec<u8>>)>,
    pub input: Option<Input>,
    /// The Ctrl-p command palette, while it is open.
    pub palette: Option<super::palette::Palette>,
    /// Commands run from `:` this session, oldest first (`↑`/`↓` recall them).
    pub command_history: Vec<String>,
    pub hitboxes: Hitboxes,
    /// Colours; `:theme` switches them.
    pub theme: super::theme::Theme,
    /// The gap analysis has not run yet (first frame of a big estate).
    pub analysis_pending: bool,
    /// Whether `r` / `R` may fetch (off for the demo, whose cache is throw-away).
    pub refresh_enabled: bool,
    /// Advances while a fetch runs, for the spinner.
    pub tick: u64,
}

impl AppState {
    /// The state with the gap analysis done (what tests and tools want).
    pub fn new(inventory: Inventory, now: DateTime<Utc>, origin: impl Into<String>) -> Self {
        let mut state = AppState::unanalyzed(inventory, now, origin);
        state.reanalyze();
        state
    }

    /// The state without the gap analysis yet: the UI draws its first frame from this and
    /// runs the analysis right after, so a big estate opens at once.
    pub fn unanalyzed(inventory: Inventory, now: DateTime<Utc>, origin: impl Into<String>) -> Self {
        let panes = Provider::ALL
            .iter()
            .map(|&p| PaneState::new(&inventory, p))
            .collect();
        let rules = Rules::default();
        let ledger = Ledger::default();
        AppState {
            inventory,
            panes,
            focus: 0,
            show_help: false,
            details_zoom: false,
            details_scroll: 0,
            details_of: None,
            confirm: None,
            column_tab: 2,
            prefs_path: None,
            help_scroll: 0,
            keymap: Keymap::default(),
            pending: Vec::new(),
            now,
            origin: origin.into(),
            page_height: 10,
            rules,
            ledger,
            ledger_path: None,
            gap: GapReport::default(),
            mark_form: None,
            toast: None,
            messages: Vec::new(),
            show_messages: false,
            messages_scroll: 0,
            refresh_enabled: false,
            tick: 0,
            links: Vec::new(),
            links_by_id: HashMap::new(),
            item_index: HashMap::new(),
            counterpart_of: HashMap::new(),
            parts_index: std::cell::OnceCell::new(),
            view: View::Explore,
            focused: Focus::Pane(0),
            link_cursor: 0,
            history: Vec::new(),
            gaps_table: TableState::default(),
            gaps_sort: GapSort::default(),
            gaps_desc: false,
            cutover_table: TableState::default(),
            graph_table: TableState::default(),
            graph_root: None,
            graph_opts: Default::default(),
            filter: super::filter::Filter::default(),
            view_queries: Default::default(),
            filter_facts: super::filter::FilterFacts::default(),
            filter_cache: Vec::new(),
            input: None,
            palette: None,
            command_history: Vec::new(),
            hitboxes: Hitboxes::default(),
            theme: super::theme::Theme::from_env(),
            // The trees show at once; links, statuses and badges come with the analysis.
            analysis_pending: true,
        }
    }

    /// Attaches the ledger (and where to save it) and the mapping rules, and reanalyses.
    pub fn with_ledger(mut self, path: Option<PathBuf>, ledger: Ledger, rules: Rules) -> Self {
        self.ledger_path = path;
        self.ledger = ledger;
        self.rules = rules;
        if !self.analysis_pending {
            self.reanalyze();
        }
        self
    }

    /// The resources whose parent is `id` (an app's formations, add-ons, domains …).
    pub fn parts_of(&self, id: &ResourceId) -> &[usize] {
        self.parts_index
            .get_or_init(|| {
                let mut by_parent: HashMap<ResourceId, Vec<usize>> = HashMap::new();
                for (i, r) in self.inventory.resources.iter().enumerate() {
                    if let Some(p) = &r.parent {
                        by_parent.entry(p.clone()).or_default().push(i);
                    }
                }
                by_parent
            })
            .get(id)
            .map_or(&[], Vec::as_slice)
    }

    /// Derives the links and runs the gap analysis again (after data or the ledger changed).
    pub fn reanalyze(&mut self) {
        self.analysis_pending = false;
        self.links = crate::links::derive(&self.inventory);
        self.gap = crate::gap::analyze(&self.inventory, &self.links, &self.rules, &self.ledger);
        self.parts_index = std::cell::OnceCell::new();
        self.links_by_id.clear();
        for (i, l) in self.links.iter().enumerate() {
            self.links_by_id.entry(l.from.clone()).or_default().push(i);
            self.links_by_id.entry(l.to.clone()).or_default().push(i);
        }
        self.item_index.clear();
        self.counterpart_of.clear();
        for (a, app) in self.gap.apps.iter().enumerate() {
            for (i, item) in app.items.iter().enumerate() {
                self.item_index.insert(item.id.clone(), (a, i));
                if i == 0 {
                    continue; // the app-level item repeats its processes' counterparts
                }
                for c in &item.counterparts {
                    self.counterpart_of
                        .entry(c.id.clone())
                        .or_default()
                        .push(item.id.clone());
                }
            }
        }
        let changed = std::mem::take(&mut self.filter_facts.changed);
        self.filter_facts = super::filter::FilterFacts::from_report(&self.gap);
        self.filter_facts.changed = changed;
        self.filter_facts.iac = Arc::new(crate::iac::IacIndex::build(
            &self.inventory,
            &self.rules.iac,
        ));
        self.filter_cache.clear();
        self.apply_filter();
    }

    /// Links of `id`, with the resource at the other end.
    pub fn links_of(&self, id: &ResourceId) -> Vec<(&crate::model::Link, &Resource)> {
        self.links_by_id
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|&i| {
                let l = &self.links[i];
                let other = if &l.from == id { &l.to } else { &l.from };
                self.inventory.get(other).map(|r| (l, r))
            })
            .collect()
    }

    /// Selects `id` in its provider's pane (opening its ancestors), in the explore view.
    /// Returns false when the resource is not in any pane.
    pub fn reveal(&mut self, id: &ResourceId) -> bool {
        let Some(r) = self.inventory.get(id) else {
            return false;
        };
        let Some(p) = self.panes.iter().position(|p| p.provider == r.provider) else {
            return false;
        };
        if self.panes[p]
            .tree
            .nodes
            .iter()
            .all(|n| n.key != id.as_str())
        {
            return false;
        }
        // The explore view's own filter applies from here on.
        self.set_view(View::Explore);
        let pane = &mut self.panes[p];
        let Some(node) = pane.tree.nodes.iter().position(|n| n.key == id.as_str()) else {
            return false;
        };
        let mut up = pane.tree.nodes[node].parent;
        while let Some(a) = up {
            pane.expanded.insert(pane.tree.nodes[a].key.clone());
            up = pane.tree.nodes[a].parent;
        }
        pane.refresh_rows();
        if !pane.rows.contains(&node) {
            // Hidden by the filter: clear it so the jump lands.
            self.filter = super::filter::Filter::default();
            self.apply_filter();
        }
        let pane = &mut self.panes[p];
        pane.select_node(node);
        self.focus = p;
        self.focused = Focus::Pane(p);
        self.view = View::Explore;
        self.link_cursor = 0;
        true
    }

    /// Jumps to `id`, remembering where we were so Backspace can return.
    pub fn jump_to(&mut self, id: &ResourceId) -> bool {
        let here = match self.view {
            View::Explore => self
                .selected_resource()
                .map(|r| Place::Resource(r.id.clone())),
            View::Gaps => Some(Place::Row(View::Gaps, self.gaps_table.selected)),
            View::Cutover => Some(Place::Row(View::Cutover, self.cutover_table.selected)),
            View::Graph => Some(Place::Row(View::Graph, self.graph_table.selected)),
        };
        if self.reveal(id) {
            if let Some(here) = here {
                self.history.push(here);
            }
            true
        } else {
            false
        }
    }

    /// The migration item standing for `id`, if it is one.
    pub fn item(&self, id: &ResourceId) -> Option<&Item> {
        let &(a, i) = self.item_index.get(id)?;
        Some(&self.gap.apps[a].items[i])
    }

    /// The migration item the focused pane's cursor is on, if any.
    pub fn selected_item(&self) -> Option<&Item> {
        let r = self.selected_resource()?;
        self.item(&r.id)
    }

    /// Drops an info toast once it has been shown long enough (errors wait for a key).
    pub fn expire_toast(&mut self) {
        if self
            .toast
            .as_ref()
            .is_some_and(|t| !t.error && (self.now - t.at).num_seconds() >= super::view::TOAST_SECS)
        {
            self.toast = None;
        }
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        let toast = Toast {
            text: text.into(),
            error,
            at: self.now,
        };
        // A bounded log: a long session keeps its last messages, not all of them.
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.remove(0);
        }
        self.messages.push(toast.clone());
        self.toast = Some(toast);
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
