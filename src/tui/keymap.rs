//! The keymap as data: one table drives key handling and the generated help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// One key press, modifiers included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyPress {
    const fn plain(code: KeyCode) -> Self {
        KeyPress {
            code,
            mods: KeyModifiers::NONE,
        }
    }
    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }
    const fn ctrl(c: char) -> Self {
        KeyPress {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Normalises a terminal key event: Shift is implied by an upper-case char or BackTab.
    pub fn from_event(ev: &KeyEvent) -> Option<Self> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods |= ev.modifiers & KeyModifiers::SHIFT;
        }
        Some(KeyPress {
            code: ev.code,
            mods,
        })
    }

    /// How the key is written in the help overlay.
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{key}")
        } else {
            key
        }
    }
}

/// A key sequence (usually one key; `g g` is two) bound to an action.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<KeyPress>,
    pub action: Action,
    pub desc: &'static str,
    pub section: &'static str,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

/// What a key press means given the keys pressed before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Action(Action),
    /// The keys so far start a longer sequence; wait for the next key.
    Pending,
    None,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let b = |keys: &[KeyPress], action, desc, section| Binding {
            keys: keys.to_vec(),
            action,
            desc,
            section,
        };
        let k = KeyPress::ch;
        let p = KeyPress::plain;
        Keymap {
            bindings: vec![
                b(&[k('j')], Action::Down, "move down", "Move"),
                b(&[p(Down)], Action::Down, "move down", "Move"),
                b(&[k('k')], Action::Up, "move up", "Move"),
                b(&[p(Up)], Action::Up, "move up", "Move"),
                b(&[k('g'), k('g')], Action::Top, "go to the top", "Move"),
                b(&[p(Home)], Action::Top, "go to the top", "Move"),
                b(&[k('G')], Action::Bottom, "go to the bottom", "Move"),
                b(&[p(End)], Action::Bottom, "go to the bottom", "Move"),
                b(
                    &[KeyPress::ctrl('d')],
                    Action::PageDown,
                    "half a page down",
                    "Move",
                ),
                b(&[p(PageDown)], Action::PageDown, "half a page down", "Move"),
                b(
                    &[KeyPress::ctrl('u')],
                    Action::PageUp,
                    "half a page up",
                    "Move",
                ),
                b(&[p(PageUp)], Action::PageUp, "half a page up", "Move"),
                b(&[p(Enter)], Action::Expand, "expand", "Tree"),
                b(&[k('l')], Action::Expand, "expand", "Tree"),
                b(&[p(Right)], Action::Expand, "expand", "Tree"),
                b(
                    &[k('h')],
                    Action::Collapse,
                    "collapse, or go to the parent",
                    "Tree",
                ),
                b(
                    &[p(Left)],
                    Action::Collapse,
                    "collapse, or go to the parent",
                    "Tree",
                ),
                b(
                    &[p(Esc)],
                    Action::Back,
                    "close help, collapse, or back",
                    "Tree",
                ),
                b(&[p(Tab)], Action::NextPane, "next pane", "Panes"),
                b(&[p(BackTab)], Action::PrevPane, "previous pane", "Panes"),
                b(&[k('m')], Action::Mark, "mark the selected item", "Ledger"),
                b(
                    &[k('u')],
                    Action::Unmark,
                    "remove the selected item's mark",
                    "Ledger",
                ),
                b(
                    &[k('r')],
                    Action::Refresh,
                    "refresh this pane's source",
                    "Data",
                ),
                b(
                    &[k('R')],
                    Action::RefreshAll,
                    "refresh every source",
                    "Data",
                ),
                b(
                    &[k('?')],
                    Action::ToggleHelp,
                    "show or hide this help",
                    "App",
                ),
                b(&[k('q')], Action::Quit, "quit", "App"),
                b(&[KeyPress::ctrl('c')], Action::Quit, "quit", "App"),
            ],
        }
    }
}

impl Keymap {
    /// Resolves `pending` (keys already pressed) followed by `key`.
    pub fn resolve(&self, pending: &[KeyPress], key: KeyPress) -> Resolution {
        let mut seq = pending.to_vec();
        seq.push(key);
        let mut longer = false;
        for b in &self.bindings {
            if b.keys == seq {
                return Resolution::Action(b.action);
            }
            if b.keys.len() > seq.len() && b.keys[..seq.len()] == seq[..] {
                longer = true;
            }
        }
        if longer {
            Resolution::Pending
        } else {
            Resolution::None
        }
    }

    /// Help rows: (section, keys, description), one row per distinct action and description,
    /// keys joined ("j, ↓"), in keymap order. Generated, so help is never out of date.
    pub fn help_rows(&self) -> Vec<(&'static str, String, &'static str)> {
        let mut rows: Vec<(&'static str, Vec<String>, &'static str, Action)> = Vec::new();
        for b in &self.bindings {
            let keys = b
                .keys
                .iter()
                .map(KeyPress::label)
                .collect::<Vec<_>>()
                .join(" ");
            match rows.iter_mut().find(|r| r.3 == b.action && r.2 == b.desc) {
                Some(row) => row.1.push(keys),
                None => rows.push((b.section, vec![keys], b.desc, b.action)),
            }
        }
        rows.into_iter()
            .map(|(section, keys, desc, _)| (section, keys.join(", "), desc))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gg_is_a_two_key_sequence() {
        let km = Keymap::default();
        let g = KeyPress::ch('g');
        assert_eq!(km.resolve(&[], g), Resolution::Pending);
        assert_eq!(km.resolve(&[g], g), Resolution::Action(Action::Top));
        assert_eq!(km.resolve(&[g], KeyPress::ch('x')), Resolution::None);
    }

    #[test]
    fn upper_case_g_is_bottom_whatever_the_shift_flag() {
        let km = Keymap::default();
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        let key = KeyPress::from_event(&ev).unwrap();
        assert_eq!(km.resolve(&[], key), Resolution::Action(Action::Bottom));
    }

    #[test]
    fn help_lists_every_binding() {
        let km = Keymap::default();
        let rows = km.help_rows();
        for b in &km.bindings {
            let label = b
                .keys
                .iter()
                .map(KeyPress::label)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                rows.iter()
                    .any(|(_, keys, desc)| *desc == b.desc && keys.split(", ").any(|k| k == label)),
                "{label} missing from help"
            );
        }
    }
}
