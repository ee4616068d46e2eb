//! Everything the user can ask the UI to do. Keys map to actions through the keymap; the
//! update function is the only place that acts on them.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl From<Action> for Msg {
    fn from(a: Action) -> Self {
        Msg::Action(a)
    }
}
