//! Finding item ids in text and JSON the way ArcGIS's `itemgraph` does (arcgis-protocol.md §10):
//! 32 lower-case hex digits in UUID v1-5 layout, searched after URLs are cut out of strings, with
//! the values of keys named `id` (layer and widget ids look like item ids) left out. Pure
//! functions over `str` and `serde_json::Value`; knows nothing of item types (see `parse`).
//!
//! Two choices stricter than Esri's bare regex, both to avoid false ids: a match must stand alone
//! (not be part of a longer run of letters and digits, such as a SHA-1 hash), and besides `id`
//! the values of `folderId`, `groupId` and `groups` are skipped (folder and group ids are 32-hex
//! too but never items).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::Value;

/// Keys whose values are never item ids.
const EXCLUDED_KEYS: [&str; 4] = ["id", "folderId", "groupId", "groups"];

/// Characters that end a URL inside a string.
const URL_END: [char; 9] = ['"', '\'', '<', '>', '`', ')', ']', '}', '|'];

/// Whether `s` is an item id as ArcGIS writes them: 32 lower-case hex digits in UUID v1-5 layout
/// (version digit `1`-`5` at index 12, variant `8`, `9`, `a` or `b` at index 16).
pub fn is_item_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 32
        && b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        && (b'1'..=b'5').contains(&b[12])
        && matches!(b[16], b'8' | b'9' | b'a' | b'b')
}

/// An id taken from a field that names an item explicitly (`itemId`, `webmap` ...): any 32 hex
/// digits, lower-cased; `None` for anything else (empty, null, a URL, an express map name).
pub fn explicit_id(v: &Value) -> Option<String> {
    let s = v.as_str()?.trim();
    (s.len() == 32 && s.bytes().all(|c| c.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// Each standalone item id in `text` with its byte offset.
pub fn ids_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() {
            let begin = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_alphanumeric() {
                pos += 1;
            }
            let end = pos;
            pos += 1;
            // A run starts and ends next to ASCII bytes, so slicing it is safe.
            if end - begin == 32 && is_item_id(&text[begin..end]) {
                return Some((begin, &text[begin..end]));
            }
        }
        None
    })
}

/// Adds the standalone item ids in `text` to `out`.
pub fn ids_in_text(text: &str, out: &mut BTreeSet<String>) {
    out.extend(ids_with_offsets(text).map(|(_, id)| id.to_string()));
}

/// `text` without its `http://` and `https://` URLs (each cut up to whitespace or a quote,
/// bracket or similar character that cannot end a URL in prose or code).
pub fn strip_urls(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("http://") && !lower.contains("https://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = next_url(&lower[rest..]) {
        let begin = rest + found;
        out.push_str(&text[rest..begin]);
        let tail = &text[begin..];
        let len = tail
            .find(|c: char| c.is_whitespace() || URL_END.contains(&c))
            .unwrap_or(tail.len());
        rest = begin + len;
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

fn next_url(lower: &str) -> Option<usize> {
    match (lower.find("http://"), lower.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Adds every item id found anywhere in `v` to `out`: in object keys and in strings (URLs cut
/// out first), skipping the values of the excluded keys. `keep(text, offset)` may veto a match.
pub fn ids_in_json(v: &Value, out: &mut BTreeSet<String>, keep: &dyn Fn(&str, usize) -> bool) {
    let mut found = |text: &str| {
        for (at, id) in ids_with_offsets(text) {
            if keep(text, at) {
                out.insert(id.to_string());
            }
        }
    };
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    found(k);
                    if !EXCLUDED_KEYS.contains(&k.as_str()) {
                        stack.push(child);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::String(s) => found(&strip_urls(s)),
            _ => {}
        }
    }
}

/// Keeps every match (for [`ids_in_json`]).
pub fn keep_all(_: &str, _: usize) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const A: &str = "7cde2828cb7042e39930412313935372";
    const B: &str = "dbca451a5e1546998137bb0a09d94240";

    #[test]
    fn layout_of_item_ids() {
        assert!(is_item_id(A));
        assert!(is_item_id(B));
        assert!(!is_item_id(&A.to_ascii_uppercase()), "upper case is missed");
        assert!(
            !is_item_id("d45b0a2d000000000000000000000001"),
            "no version digit"
        );
        assert!(
            !is_item_id("7cde2828cb7042e3c930412313935372"),
            "bad variant"
        );
        assert!(
            !is_item_id("7cde2828-cb70-42e3-9930-412313935372"),
            "dashes"
        );
        assert!(!is_item_id(&A[..31]));
    }

    #[test]
    fn explicit_ids_accept_any_hex() {
        assert_eq!(
            explicit_id(&json!("D45B0A2D000000000000000000000001")).as_deref(),
            Some("d45b0a2d000000000000000000000001")
        );
        assert_eq!(explicit_id(&json!("expressmap_1585766802431.json")), None);
        assert_eq!(explicit_id(&json!(null)), None);
        assert_eq!(explicit_id(&json!(12)), None);
    }

    #[test]
    fn ids_must_stand_alone() {
        let mut out = BTreeSet::new();
        ids_in_text(&format!("r-{A} x{B}y {B}.json sha {A}ab ש{A}"), &mut out);
        assert_eq!(out, BTreeSet::from([A.to_string(), B.to_string()]));
        let offsets: Vec<usize> = ids_with_offsets(&format!("ab שׁ{A}"))
            .map(|(o, _)| o)
            .collect();
        assert_eq!(offsets, [7]);
    }

    #[test]
    fn urls_are_cut_out() {
        let text = format!(
            "see https://www.arcgis.com/home/item.html?id={A} and Portal('HTTPS://x/{B}'), {B}"
        );
        assert_eq!(
            strip_urls(&text),
            format!("see  and Portal(''), {B}").as_str()
        );
        assert!(matches!(strip_urls("no links"), Cow::Borrowed(_)));
        assert_eq!(strip_urls("http://a http://b"), " ");
    }

    #[test]
    fn json_walk_skips_ids_and_urls_but_reads_keys() {
        let v = json!({
            "id": A,
            "folderId": A,
            "layers": [{"id": A, "url": format!("https://h/{A}/FeatureServer"), "itemId": B}],
            format!("r-{A}"): {"n": 1},
            "popup": format!("<a href=\"https://h/{B}\">link</a>"),
        });
        let mut out = BTreeSet::new();
        ids_in_json(&v, &mut out, &keep_all);
        assert_eq!(out, BTreeSet::from([A.to_string(), B.to_string()]));
        let mut only_values = BTreeSet::new();
        ids_in_json(
            &json!({"id": A, "x": [format!("https://h?{B}")]}),
            &mut only_values,
            &keep_all,
        );
        assert!(only_values.is_empty());
    }
}
