//! Text from the estate made safe for a terminal.
//!
//! Names, ids and messages come from APIs and imported files Ferry does not control. Printed
//! raw, an ESC or OSC sequence can retitle the terminal, rewrite earlier lines or (with
//! OSC 52) fill the clipboard; a newline or carriage return spoofs a table row; a bidi
//! override (U+202E) shows `txt.exe` as `exe.txt`. The JSON output escapes C0 controls
//! by its grammar and the TUI draws through ratatui, which never writes a control
//! character; every other text output goes through [`escape`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for characters a terminal may act on or that change how the text around them is
/// shown: C0 and C1 controls and DEL, the bidi embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C), and the Unicode line
/// and paragraph separators (U+2028, U+2029), which some terminals break lines at.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `s` with every [`is_unsafe`] character written as a visible escape: `\n`, `\r`, `\t`,
/// `\0`, `\x1b` for the other C0 controls and DEL, `\u{202e}` above. A backslash stays as
/// it is: the escapes are for people to read, not to be parsed back. Borrows when there is
/// nothing to escape (nearly always), so tables pay nothing for it.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// [`escape`] for a whole multi-line message that Ferry wrote itself (its own line breaks
/// are kept; only the other unsafe characters are escaped).
pub fn escape_lines(s: &str) -> String {
    s.split('\n')
        .map(|line| escape(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in ["acme-api", "api.acmepay.com", "Zürich ☃ 東京", "a\\b", ""] {
            assert!(matches!(escape(s), Cow::Borrowed(x) if x == s), "{s}");
        }
    }

    #[test]
    fn terminal_sequences_become_visible_escapes() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(escape("x\ny\rz\tw\0"), "x\\ny\\rz\\tw\\0");
        assert_eq!(escape("del\x7f"), "del\\x7f");
        assert_eq!(escape("csi\u{9b}31m"), "csi\\u{009b}31m");
        assert_eq!(escape("invoice\u{202E}txt.exe"), "invoice\\u{202e}txt.exe");
        assert_eq!(escape("\u{2066}a\u{2069}"), "\\u{2066}a\\u{2069}");
        assert_eq!(escape("l\u{2028}p\u{2029}"), "l\\u{2028}p\\u{2029}");
    }

    #[test]
    fn every_unsafe_character_is_escaped_and_nothing_unsafe_survives() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let out = escape(&all);
        assert!(!out.chars().any(is_unsafe));
        for c in ['\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}'] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in '\u{202A}'..='\u{202E}' {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in '\u{2066}'..='\u{2069}' {
            assert!(is_unsafe(c), "{c:?}");
        }
        assert!(!is_unsafe(' ') && !is_unsafe('é') && !is_unsafe('\u{2070}'));
    }

    #[test]
    fn messages_keep_their_own_line_breaks() {
        assert_eq!(
            escape_lines("Imported x\u{1b}]8;;\n  note"),
            "Imported x\\x1b]8;;\n  note"
        );
    }
}
