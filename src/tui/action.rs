//! Everything the user can ask the UI to do. Keys map to actions through the keymap; the
//! update function is the only place that acts on them.

/// Serialized in snake_case: the names used in `config/keymap.toml` and `[keys]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// Expand the selected node (or step into an expanded one).
    Expand,
    /// Collapse the selected node, or go to its parent when already collapsed.
    Collapse,
    /// Close the overlay if one is open, else collapse / go back.
    Back,
    NextPane,
    PrevPane,
    ToggleHelp,
    /// Open the mark form for the selected Heroku item.
    Mark,
    /// Remove the selected item's decision from the ledger.
    Unmark,
    /// Fetch the focused pane's source again, in the background.
    Refresh,
    /// Fetch every source again, in the background.
    RefreshAll,
    /// Switch to a view: 1 explore, 2 gaps, 3 cutover, 4 graph.
    ViewExplore,
    ViewGaps,
    ViewCutover,
    ViewGraph,
    /// Open the `/` filter line.
    Filter,
    NextMatch,
    PrevMatch,
    /// Open the `:` command line.
    Command,
    /// Open the command line with every command listed (a palette).
    Palette,
    /// Move the cursor into the details panel's links list (and back).
    FocusLinks,
    /// Give the details panel the height of the panes (and back): everything about the
    /// selection on a small terminal.
    ZoomDetails,
    /// Scroll the details panel (explore and gaps views) down / up by a line.
    ScrollDetailsDown,
    ScrollDetailsUp,
    /// The graph view: one level deeper / shallower; follow into other apps or stop.
    GraphDeeper,
    GraphShallower,
    GraphAcrossApps,
    /// Go back along the jump history.
    JumpBack,
    /// Sort the gaps table by the next column / reverse it.
    SortNext,
    SortReverse,
    /// Copy the selected id / its JSON (OSC 52).
    CopyId,
    CopyJson,
    /// Open the selection in its provider's web console.
    OpenConsole,
    /// Export the gap report (asks for format and path).
    Export,
    Quit,
}

/// Everything `update` reacts to: the user's actions and what background work reports.
#[derive(Debug, Clone)]
pub enum Msg {
    Action(Action),
    /// Progress or a result from a running fetch.
    Fetch(crate::fetch::FetchEvent),
    /// Time passed (animates the spinner while a fetch runs).
    Tick,
    /// What each source's newest snapshot changed, against the one before it (found in
    /// the background at startup).
    Changes(Vec<(crate::inventory::SnapshotMeta, crate::diff::Diff)>),
}

impl From<Action> for Msg {
    fn from(a: Action) -> Self {
        Msg::Action(a)
    }
}
