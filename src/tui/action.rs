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
    Quit,
}
