//! The keymap as data: one table drives key handling and the generated help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;

use super::action::Action;

/// One key press, modifiers included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyPress {
    pub const fn plain(code: KeyCode) -> Self {
        KeyPress {
            code,
            mods: KeyModifiers::NONE,
        }
    }
    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }
    pub const fn ctrl(c: char) -> Self {
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
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        out + &key
    }
}

/// A key sequence (usually one key; `g g` is two) bound to an action.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<KeyPress>,
    pub action: Action,
    pub desc: String,
    pub section: String,
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

/// The default keymap, as data (also the documentation of every key).
pub const DEFAULT_KEYMAP: &str = include_str!("../../config/keymap.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    bindings: Vec<BindingSpec>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingSpec {
    action: Action,
    keys: Vec<String>,
    desc: String,
    section: String,
}

/// Parses `"Ctrl-d"`, `"g g"`, `"Shift-Tab"` into key presses.
pub fn parse_keys(spec: &str) -> Result<Vec<KeyPress>, String> {
    let mut out = Vec::new();
    for word in spec.split_whitespace() {
        let mut mods = KeyModifiers::NONE;
        let mut rest = word;
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Shift-Tab" | "BackTab" => KeyCode::BackTab,
            "Backspace" => KeyCode::Backspace,
            "Space" => KeyCode::Char(' '),
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PgUp" => KeyCode::PageUp,
            "PgDn" => KeyCode::PageDown,
            "Delete" => KeyCode::Delete,
            f if f.starts_with('F')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().expect("checked"))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().expect("one char")),
            other => return Err(format!("unknown key `{other}` in `{spec}`")),
        };
        out.push(KeyPress { code, mods });
    }
    if out.is_empty() {
        return Err("empty key".into());
    }
    Ok(out)
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&BTreeMap::new()).expect("config/keymap.toml is valid (tested)")
    }
}

impl Keymap {
    /// The default keymap with the user's `[keys]` applied: each listed action gets exactly
    /// the listed keys. A key bound to two actions is an error naming both.
    pub fn with_overrides(overrides: &BTreeMap<Action, Vec<String>>) -> Result<Keymap, String> {
        let file: KeymapFile =
            toml::from_str(DEFAULT_KEYMAP).map_err(|e| format!("config/keymap.toml: {e}"))?;
        let mut bindings = Vec::new();
        for spec in file.bindings {
            let keys = overrides.get(&spec.action).unwrap_or(&spec.keys);
            for k in keys {
                bindings.push(Binding {
                    keys: parse_keys(k)
                        .map_err(|e| format!("[keys] {}: {e}", action_name(spec.action)))?,
                    action: spec.action,
                    desc: spec.desc.clone(),
                    section: spec.section.clone(),
                });
            }
        }
        for (i, a) in bindings.iter().enumerate() {
            if let Some(b) = bindings[i + 1..].iter().find(|b| b.keys == a.keys) {
                let label = a
                    .keys
                    .iter()
                    .map(KeyPress::label)
                    .collect::<Vec<_>>()
                    .join(" ");
                return Err(format!(
                    "[keys]: `{label}` is bound to both {} and {}",
                    action_name(a.action),
                    action_name(b.action)
                ));
            }
        }
        Ok(Keymap { bindings })
    }
}

/// The snake_case name of an action, as in the keymap file.
pub fn action_name(action: Action) -> String {
    let debug = format!("{action:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
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
    pub fn help_rows(&self) -> Vec<(&str, String, &str)> {
        let mut rows: Vec<(&str, Vec<String>, &str, Action)> = Vec::new();
        for b in &self.bindings {
            let keys = b
                .keys
                .iter()
                .map(KeyPress::label)
                .collect::<Vec<_>>()
                .join(" ");
            match rows
                .iter_mut()
                .find(|r| r.3 == b.action && r.2 == b.desc.as_str())
            {
                Some(row) => row.1.push(keys),
                None => rows.push((&b.section, vec![keys], &b.desc, b.action)),
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
    fn key_strings_parse() {
        assert_eq!(parse_keys("Ctrl-d").unwrap(), vec![KeyPress::ctrl('d')]);
        assert_eq!(parse_keys("g g").unwrap().len(), 2);
        assert_eq!(parse_keys("Shift-Tab").unwrap()[0].code, KeyCode::BackTab);
        assert_eq!(parse_keys("F5").unwrap()[0].code, KeyCode::F(5));
        assert!(parse_keys("Hyper-x").unwrap_err().contains("unknown key"));
    }

    #[test]
    fn overrides_replace_an_actions_keys_and_conflicts_are_refused() {
        let mut o = BTreeMap::new();
        o.insert(Action::Down, vec!["Ctrl-n".to_string()]);
        let km = Keymap::with_overrides(&o).unwrap();
        assert_eq!(
            km.resolve(&[], KeyPress::ctrl('n')),
            Resolution::Action(Action::Down)
        );
        assert_eq!(
            km.resolve(&[], KeyPress::ch('j')),
            Resolution::None,
            "j no longer bound"
        );
        o.insert(Action::Down, vec!["k".to_string()]);
        let err = Keymap::with_overrides(&o).unwrap_err();
        assert!(err.contains("bound to both"), "{err}");
    }

    #[test]
    fn every_action_is_bound_by_default() {
        let km = Keymap::default();
        for name in [
            "down",
            "filter",
            "view_gaps",
            "copy_id",
            "open_console",
            "export",
            "jump_back",
        ] {
            assert!(
                km.bindings.iter().any(|b| action_name(b.action) == name),
                "{name}"
            );
        }
    }

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
