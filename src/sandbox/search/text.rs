//! Text primitives of the search index: splitting text into word tokens (runs of letters, digits
//! and `_`, as the real analyser does) and case-insensitive comparisons that never allocate, so a
//! search can scan 25,000 items in a few milliseconds.

/// True for characters that belong to a word token.
pub fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// ASCII bytes that belong to a word token (letters, digits, `_`).
const ASCII_TOKEN: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Iterator over the word tokens of a text (borrowed slices, original case). Pure-ASCII texts,
/// the common case, are scanned byte by byte with a table instead of decoding characters.
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    rest: &'a str,
    ascii: bool,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (start, end) = if self.ascii {
            let b = self.rest.as_bytes();
            let start = b.iter().position(|&c| ASCII_TOKEN[usize::from(c & 0x7f)])?;
            let len = b[start..]
                .iter()
                .position(|&c| !ASCII_TOKEN[usize::from(c & 0x7f)])
                .unwrap_or(b.len() - start);
            (start, start + len)
        } else {
            let start = self.rest.find(is_token_char)?;
            let len = self.rest[start..]
                .find(|c: char| !is_token_char(c))
                .unwrap_or(self.rest.len() - start);
            (start, start + len)
        };
        let tok = &self.rest[start..end];
        self.rest = &self.rest[end..];
        Some(tok)
    }
}

/// The word tokens of `text`.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens {
        rest: text,
        ascii: text.is_ascii(),
    }
}

/// Case-insensitive equality of `text` with `lower` (already lower-cased).
pub fn ieq(text: &str, lower: &str) -> bool {
    if text.is_ascii() && lower.is_ascii() {
        text.eq_ignore_ascii_case(lower)
    } else {
        text.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

/// Case-insensitive "`text` starts with `lower`" (`lower` already lower-cased).
pub fn istarts(text: &str, lower: &str) -> bool {
    if text.is_ascii() && lower.is_ascii() {
        text.len() >= lower.len()
            && text.as_bytes()[..lower.len()].eq_ignore_ascii_case(lower.as_bytes())
    } else {
        let mut t = text.chars().flat_map(char::to_lowercase);
        lower.chars().all(|c| t.next() == Some(c))
    }
}

/// Case-insensitive ordering of two texts (for sorting by title, type, owner).
pub fn icmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    }
}

/// Which query words match a text token by prefix rather than in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// Every word must equal its token.
    None,
    /// The last word is a prefix (a trailing `*` wildcard).
    Last,
    /// Every word is a prefix (the loose `type:` index).
    All,
}

/// True when the lower-cased `words` appear as consecutive tokens of `text`.
pub fn phrase_in(text: &str, words: &[String], prefix: Prefix) -> bool {
    if words.is_empty() {
        return false;
    }
    let last = words.len() - 1;
    let is_prefix = |k: usize| prefix == Prefix::All || (prefix == Prefix::Last && k == last);
    // Every word must occur on its own: a quick test that settles single words and rejects most
    // texts before they are tokenized.
    if !(0..words.len()).all(|k| word_in(text, &words[k], is_prefix(k))) {
        return false;
    }
    if words.len() == 1 {
        return true;
    }
    let word_ok = |tok: &str, k: usize| {
        if is_prefix(k) {
            istarts(tok, &words[k])
        } else {
            ieq(tok, &words[k])
        }
    };
    let mut it = tokens(text);
    while let Some(tok) = it.next() {
        if !word_ok(tok, 0) {
            continue;
        }
        let mut rest = it.clone();
        if (1..words.len()).all(|k| rest.next().is_some_and(|t| word_ok(t, k))) {
            return true;
        }
    }
    false
}

/// True when `word` (lower-cased, one token) is a token of `text`, or starts one if `prefix`.
pub fn word_in(text: &str, word: &str, prefix: bool) -> bool {
    if text.is_ascii() && word.is_ascii() {
        return ascii_word_in(text.as_bytes(), word.as_bytes(), prefix);
    }
    tokens(text).any(|t| {
        if prefix {
            istarts(t, word)
        } else {
            ieq(t, word)
        }
    })
}

fn is_token_byte(b: u8) -> bool {
    ASCII_TOKEN[usize::from(b & 0x7f)]
}

/// [`word_in`] for ASCII: finds the word case-insensitively, then checks token boundaries.
fn ascii_word_in(hay: &[u8], word: &[u8], prefix: bool) -> bool {
    let mut from = 0;
    while let Some(at) = find_ascii_ci(hay, word, from) {
        let end = at + word.len();
        let starts = at == 0 || !is_token_byte(hay[at - 1]);
        let ends = prefix || end == hay.len() || !is_token_byte(hay[end]);
        if starts && ends {
            return true;
        }
        from = at + 1;
    }
    false
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The first offset at or after `from` where `needle` (lower-case ASCII, not empty) occurs in
/// `hay`, ignoring ASCII case. Candidate first bytes are found 8 bytes at a time (SWAR).
fn find_ascii_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let last = hay.len().checked_sub(needle.len())?;
    let fold = first.is_ascii_lowercase();
    let mask = if fold { 0x20 * LO } else { 0 };
    let pattern = u64::from(first) * LO;
    let mut i = from;
    while i <= last {
        if let Some(block) = hay.get(i..i + 8) {
            let mut b = [0u8; 8];
            b.copy_from_slice(block);
            let x = (u64::from_le_bytes(b) | mask) ^ pattern;
            let found = x.wrapping_sub(LO) & !x & HI;
            if found == 0 {
                i += 8;
                continue;
            }
            i += (found.trailing_zeros() / 8) as usize;
            if i > last {
                return None;
            }
        } else if (if fold { hay[i] | 0x20 } else { hay[i] }) != first {
            i += 1;
            continue;
        }
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// A fast, stable hash of a string (8 bytes per round): the sandbox's "relevance" order.
pub fn relevance_hash(s: &str) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ s.len() as u64;
    for chunk in s.as_bytes().chunks(8) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 31;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn tokens_split_on_punctuation_and_keep_underscores() {
        let t: Vec<&str> = tokens("Non-authoritative sketch, org_authoritative (v2)").collect();
        assert_eq!(
            t,
            ["Non", "authoritative", "sketch", "org_authoritative", "v2"]
        );
        assert_eq!(tokens("  --  ").count(), 0);
    }

    #[test]
    fn comparisons_ignore_case_including_non_ascii() {
        assert!(ieq("Water", "water"));
        assert!(!ieq("Waters", "water"));
        assert!(ieq("ÉCOLE", "école"));
        assert!(istarts("Mapping", "map"));
        assert!(istarts("Ärger", "är"));
        assert!(!istarts("Ma", "map"));
        assert_eq!(icmp("apple", "Banana"), std::cmp::Ordering::Less);
    }

    #[test]
    fn phrases_need_consecutive_tokens() {
        assert!(phrase_in(
            "Main water mains 2024",
            &w(&["water", "mains"]),
            Prefix::None
        ));
        assert!(!phrase_in(
            "water and mains",
            &w(&["water", "mains"]),
            Prefix::None
        ));
        assert!(phrase_in(
            "Web Mapping Application",
            &w(&["web", "map"]),
            Prefix::All
        ));
        assert!(!phrase_in(
            "Web Mapping Application",
            &w(&["web", "map"]),
            Prefix::None
        ));
        assert!(phrase_in(
            "Fire Hydrants",
            &w(&["fire", "hyd"]),
            Prefix::Last
        ));
        assert!(!phrase_in("anything", &[], Prefix::None));
        assert!(phrase_in("Über die Brücke", &w(&["brücke"]), Prefix::None));
        assert!(phrase_in(
            "ÜBER die brücke",
            &w(&["über", "die"]),
            Prefix::None
        ));
    }

    #[test]
    fn ascii_word_search_respects_token_boundaries() {
        let t = "Water-mains, WATERWORKS and the_water 2024 snippet_";
        assert!(word_in(t, "water", false));
        assert!(word_in(t, "mains", false));
        assert!(word_in(t, "waterworks", false));
        assert!(word_in(t, "waterw", true));
        assert!(!word_in(t, "waterw", false));
        assert!(!word_in(t, "works", false));
        assert!(word_in(t, "the_water", false));
        assert!(!word_in(t, "the", false));
        assert!(word_in(t, "2024", false));
        assert!(word_in(t, "snippet_", false));
        assert!(!word_in(t, "snippet", false));
        assert!(!word_in("wat", "water", false));
        // Every position and case, against the token scan.
        let text = "aB_c d-E fgh IJ kl_ mnop QRSTUVW xyz 0123456789 a";
        for w in [
            "a",
            "ab_c",
            "d",
            "e",
            "fgh",
            "ij",
            "kl_",
            "mnop",
            "qrstuvw",
            "xyz",
            "0123456789",
            "q",
            "b",
        ] {
            for prefix in [false, true] {
                let expected = tokens(text).any(|t| if prefix { istarts(t, w) } else { ieq(t, w) });
                assert_eq!(word_in(text, w, prefix), expected, "{w} {prefix}");
            }
        }
    }
}
