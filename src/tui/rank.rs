//! How well one filter word matches a text, as fzf and television rank: the exact name,
//! then a prefix, then a substring, then letters that start words in order (`acmapi` →
//! `acme-api`), never letters scattered anywhere. Pure and allocation-free per call (the
//! caller's scratch buffer is reused), so scoring 100,000 resources stays within a frame.

/// Scores, highest first. 0 is no match.
pub const EXACT: u8 = 100;
pub const PREFIX: u8 = 90;
pub const SUBSTRING: u8 = 80;
pub const WORDS: u8 = 60;
/// The word is in the id (not the name): an ARN segment, a zone id.
pub const ID: u8 = 40;
/// The word is in the item's gap reasons, counterpart names or ledger note.
pub const NOTES: u8 = 30;

/// One filter word, lowered (and, when ASCII, matched accent-folded).
#[derive(Debug, Clone, PartialEq)]
pub struct Needle {
    chars: Vec<char>,
    /// Whether to fold accents in the text (`cafe` finds `café`): only for an ASCII word,
    /// so a word with accents matches them exactly.
    fold: bool,
}

/// Reused between calls: the text lowered, and where its words start.
#[derive(Debug, Default)]
pub struct Scratch {
    text: Vec<char>,
    starts: Vec<bool>,
}

impl Needle {
    pub fn new(word: &str) -> Needle {
        Needle {
            chars: word.chars().flat_map(char::to_lowercase).collect(),
            fold: word.is_ascii(),
        }
    }

    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// How well this word matches a name: exact, prefix, substring, or word starts.
    pub fn score_name(&self, name: &str, scratch: &mut Scratch) -> u8 {
        if self.chars.is_empty() {
            return EXACT;
        }
        scratch.load(name, self.fold);
        let (t, n) = (&scratch.text, &self.chars);
        if t == n {
            return EXACT;
        }
        if t.starts_with(n) {
            return PREFIX;
        }
        if find(t, n).is_some() {
            return SUBSTRING;
        }
        if word_starts(t, &scratch.starts, n) {
            return WORDS;
        }
        0
    }

    /// Where the word matched `name` (indices into its lowered characters, which are the
    /// name's own for ASCII names): the substring, else the chunks at word starts, else
    /// nothing. For highlighting what `score_name` ranked.
    pub fn hits(&self, name: &str, scratch: &mut Scratch) -> Vec<usize> {
        let mut out = Vec::new();
        if self.chars.is_empty() {
            return out;
        }
        scratch.load(name, self.fold);
        let (t, n) = (&scratch.text, &self.chars);
        if let Some(at) = find(t, n) {
            out.extend(at..at + n.len());
        } else {
            let mut budget = BUDGET;
            chunks(t, &scratch.starts, n, 0, &mut budget, Some(&mut out));
        }
        out
    }

    /// Whether the word is a substring of `text` (ids, reasons: no fuzzy there).
    pub fn within(&self, text: &str, scratch: &mut Scratch) -> bool {
        scratch.load(text, self.fold);
        find(&scratch.text, &self.chars).is_some()
    }
}

impl Scratch {
    /// Lowers `text` into the buffer and records the word starts: the first character, one
    /// after a separator, a capital after a small letter, a digit after a letter and a
    /// letter after a digit (`acme42Api` has words acme, 42, api).
    fn load(&mut self, text: &str, fold: bool) {
        self.text.clear();
        self.starts.clear();
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let start = match prev {
                None => true,
                Some(p) => {
                    !p.is_alphanumeric()
                        || (p.is_lowercase() && c.is_uppercase())
                        || (p.is_alphabetic() && c.is_numeric())
                        || (p.is_numeric() && c.is_alphabetic())
                }
            };
            prev = Some(c);
            for l in c.to_lowercase() {
                self.text.push(if fold { fold_accent(l) } else { l });
                self.starts.push(start);
            }
        }
    }
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Whether `needle` is a run of chunks, each a prefix of a word of `text`, in order:
/// `acmapi` is `acm` + `api` in `acme-api`. Each chunk starts at a word start and runs on
/// contiguously. Longer chunks are tried first; the search is bounded (names are short,
/// but a pathological one must not stall a keystroke).
fn word_starts(text: &[char], starts: &[bool], needle: &[char]) -> bool {
    let mut budget = BUDGET;
    chunks(text, starts, needle, 0, &mut budget, None)
}

/// Chunks tried per word before giving up.
const BUDGET: u32 = 256;

/// The chunk search; with `out`, the positions of the chunks that matched are left there.
fn chunks(
    text: &[char],
    starts: &[bool],
    needle: &[char],
    from: usize,
    budget: &mut u32,
    mut out: Option<&mut Vec<usize>>,
) -> bool {
    if needle.is_empty() {
        return true;
    }
    for p in from..text.len() {
        if !starts[p] || text[p] != needle[0] {
            continue;
        }
        let run = text[p..]
            .iter()
            .zip(needle)
            .take_while(|(a, b)| a == b)
            .count();
        for len in (1..=run).rev() {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            let mark = out.as_ref().map_or(0, |o| o.len());
            if let Some(o) = out.as_deref_mut() {
                o.extend(p..p + len);
            }
            if chunks(
                text,
                starts,
                &needle[len..],
                p + len,
                budget,
                out.as_deref_mut(),
            ) {
                return true;
            }
            if let Some(o) = out.as_deref_mut() {
                o.truncate(mark);
            }
        }
    }
    false
}

/// Latin letters with accents to their base letter (enough for names: `café`, `Zürich`).
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' | 'ć' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(word: &str, name: &str) -> u8 {
        Needle::new(word).score_name(name, &mut Scratch::default())
    }

    #[test]
    fn exact_prefix_substring_then_word_starts() {
        assert_eq!(score("acme42-api", "acme42-api"), EXACT);
        assert_eq!(score("ACME", "acme-api"), PREFIX);
        assert_eq!(score("api", "acme-api"), SUBSTRING);
        assert_eq!(score("acmapi", "acme-api"), WORDS);
        assert_eq!(score("apigate", "API-Gateway"), WORDS);
        assert_eq!(score("gwapi", "API-Gateway"), 0, "order matters");
        assert_eq!(
            score("a42a", "acme42Api"),
            WORDS,
            "digits and capitals start words"
        );
    }

    #[test]
    fn scattered_letters_never_match() {
        assert_eq!(score("redis", "security-headers"), 0);
        assert_eq!(score("acme42-api", "acme24-api"), 0);
        assert_eq!(score("redis", "acme-redis"), SUBSTRING);
    }

    #[test]
    fn accents_fold_for_an_ascii_word_only() {
        assert_eq!(score("cafe", "café"), EXACT);
        assert_eq!(score("café", "café"), EXACT);
        assert_eq!(score("café", "cafe"), 0);
    }

    #[test]
    fn a_shorter_chunk_is_tried_when_the_longest_fails() {
        // `aa` + `b` fails (no word starts with b); `a` + `ab` works.
        assert_eq!(score("aab", "aa-ab"), WORDS);
    }

    #[test]
    fn hits_are_the_characters_that_matched() {
        let hits = |w: &str, name: &str| Needle::new(w).hits(name, &mut Scratch::default());
        assert_eq!(hits("api", "acme-api"), vec![5, 6, 7]);
        assert_eq!(hits("acmapi", "acme-api"), vec![0, 1, 2, 5, 6, 7]);
        // The chunk that failed leaves no positions behind: `a` + `ab`, not `aa` + ….
        assert_eq!(hits("aab", "aa-ab"), vec![0, 3, 4]);
        // The same word starts as the ranking: a capital and a digit start words.
        assert_eq!(hits("a42a", "acme42Api"), vec![0, 4, 5, 6]);
        assert!(hits("ct", "cutover").is_empty());
    }
}
