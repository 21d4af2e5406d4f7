//! References from one restored item to another: old item ids, service URLs and the source
//! portal's URL, rewritten in JSON text (item data, JSON resources) to what they are on the
//! target. Pure text work on strings; knows nothing of the portal or files.
//!
//! One left-to-right pass: at each `http` (or `//`) the longest matching old URL (service URLs
//! and the portal base; with either scheme or none, plain, with JSON's `\/` escapes or
//! percent-encoded; ASCII case ignored) is replaced when the URL ends there (a layer suffix such as `/0` is kept); every other run of ASCII letters and digits
//! that is exactly 32 hex digits is an item id, replaced when the map has it (case ignored).
//! Longer hex strings and ids glued to other letters are left alone.

use std::collections::{BTreeMap, HashMap};

/// What old ids and URLs become.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RewriteMap {
    /// Old item id -> new item id.
    pub ids: BTreeMap<String, String>,
    /// Old service URL (no trailing slash) -> new service URL.
    pub urls: BTreeMap<String, String>,
    /// Old portal base URL -> new portal base URL, when they differ.
    pub portal: Option<(String, String)>,
}

/// The length of an item id.
const ID_LEN: usize = 32;

/// `text` with every old id, service URL and portal URL of `map` replaced, and the old ids
/// that were replaced (as the map spells them, each once, in order of first occurrence).
pub fn rewrite_json_text(text: &str, map: &RewriteMap) -> (String, Vec<String>) {
    let urls = url_pairs(map);
    let ids: HashMap<String, (&str, &str)> = map
        .ids
        .iter()
        .map(|(old, new)| (old.to_ascii_lowercase(), (old.as_str(), new.as_str())))
        .collect();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut replaced: Vec<String> = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // URLs start with their scheme, or with `//` (or `\/\/`) when scheme-relative.
        if matches!(b, b'h' | b'H' | b'/' | b'\\')
            && let Some((len, new)) = url_at(bytes, i, &urls)
        {
            out.push_str(&text[copied..i]);
            out.push_str(new);
            i += len;
            copied = i;
            continue;
        }
        if !b.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let end = run_end(bytes, i);
        if let Some((old, new)) = id_token(&text[i..end]).and_then(|t| ids.get(&t)) {
            out.push_str(&text[copied..i]);
            out.push_str(new);
            copied = end;
            if !replaced.iter().any(|r| r == old) {
                replaced.push((*old).to_string());
            }
        }
        i = end;
    }
    out.push_str(&text[copied..]);
    (out, replaced)
}

/// Every item id (32 hex digits standing alone) in `text`, lower-case, each once, in order of
/// first occurrence.
pub fn referenced_ids(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let end = run_end(bytes, i);
        if let Some(id) = id_token(&text[i..end])
            && !out.contains(&id)
        {
            out.push(id);
        }
        i = end;
    }
    out
}

/// The end of the run of ASCII letters and digits starting at `start`.
fn run_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(bytes.len(), |n| start + n)
}

/// The token lower-cased when it is an item id (exactly 32 hex digits).
fn id_token(token: &str) -> Option<String> {
    (token.len() == ID_LEN && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token.to_ascii_lowercase())
}

/// Old -> new URL pairs, longest old URL first, each in every form data uses for it: as
/// given, with the other scheme (`http` for `https` and back) and scheme-relative (`//host/..`),
/// each of those also `\/`-escaped and percent-encoded (`https%3A%2F%2Fhost%2F..`, as in app
/// URLs carried in query strings).
fn url_pairs(map: &RewriteMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let plain = map
        .urls
        .iter()
        .map(|(o, n)| (o.trim_end_matches('/'), n.trim_end_matches('/')))
        .chain(
            map.portal
                .iter()
                .map(|(o, n)| (o.trim_end_matches('/'), n.trim_end_matches('/'))),
        );
    for (old, new) in plain {
        if old.is_empty() || old.eq_ignore_ascii_case(new) {
            continue;
        }
        for (o, n) in scheme_forms(old, new) {
            if o.contains('/') {
                pairs.push((o.replace('/', "\\/"), n.replace('/', "\\/")));
                pairs.push((percent_encoded(&o), percent_encoded(&n)));
            }
            pairs.push((o, n));
        }
    }
    pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    pairs.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    pairs
}

/// `old -> new` as given, with `old`'s other scheme, and scheme-relative (both sides).
fn scheme_forms(old: &str, new: &str) -> Vec<(String, String)> {
    let mut out = vec![(old.to_string(), new.to_string())];
    let split = |u: &str| -> Option<(String, String)> {
        let (scheme, rest) = u.split_once("://")?;
        Some((scheme.to_ascii_lowercase(), rest.to_string()))
    };
    if let (Some((scheme, rest)), Some((_, new_rest))) = (split(old), split(new)) {
        let other = match scheme.as_str() {
            "https" => Some("http"),
            "http" => Some("https"),
            _ => None,
        };
        if let Some(other) = other {
            out.push((format!("{other}://{rest}"), new.to_string()));
        }
        out.push((format!("//{rest}"), format!("//{new_rest}")));
    }
    out
}

/// `url` with `:` and `/` percent-encoded, as a URL inside a query string is.
fn percent_encoded(url: &str) -> String {
    url.replace(':', "%3A").replace('/', "%2F")
}

/// The longest old URL at `i` that ends there (next byte not part of a name), with its
/// replacement.
fn url_at<'a>(bytes: &[u8], i: usize, urls: &'a [(String, String)]) -> Option<(usize, &'a str)> {
    urls.iter().find_map(|(old, new)| {
        let end = i + old.len();
        let candidate = bytes.get(i..end)?;
        let continues = bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        (candidate.eq_ignore_ascii_case(old.as_bytes()) && !continues)
            .then_some((old.len(), new.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD_FS: &str = "4552478e7d06492f9fea617704fd1323";
    const NEW_FS: &str = "aaaa478e7d06492f9fea617704fd0000";
    const OLD_MAP: &str = "95c25c24109a4ccebf6d4cab92fe2d67";
    const NEW_MAP: &str = "bbbb5c24109a4ccebf6d4cab92fe0000";
    const OLD_URL: &str =
        "https://services1.arcgis.com/ORG/arcgis/rest/services/Pipes/FeatureServer";
    const NEW_URL: &str =
        "https://services9.arcgis.com/NEW/arcgis/rest/services/Pipes_1/FeatureServer";

    fn map() -> RewriteMap {
        let mut m = RewriteMap::default();
        m.ids.insert(OLD_FS.into(), NEW_FS.into());
        m.ids.insert(OLD_MAP.into(), NEW_MAP.into());
        m.urls.insert(OLD_URL.into(), NEW_URL.into());
        m.portal = Some((
            "https://old.maps.arcgis.com".into(),
            "https://new.maps.arcgis.com".into(),
        ));
        m
    }

    #[test]
    fn a_web_map_gets_new_item_ids_and_layer_urls() {
        let text = format!(
            r#"{{"operationalLayers":[{{"id":"layer1","itemId":"{OLD_FS}","url":"{OLD_URL}/0","title":"Pipes"}},
            {{"itemId":"{}","url":"{OLD_URL}/1"}}],"baseMap":{{"title":"Topo"}}}}"#,
            OLD_FS.to_uppercase()
        );
        let (out, replaced) = rewrite_json_text(&text, &map());
        assert!(out.contains(&format!(r#""itemId":"{NEW_FS}","url":"{NEW_URL}/0""#)));
        assert!(out.contains(&format!("{NEW_URL}/1")));
        assert!(!out.contains(OLD_FS) && !out.to_lowercase().contains(OLD_FS));
        assert!(!out.contains(OLD_URL));
        assert_eq!(replaced, [OLD_FS]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }

    #[test]
    fn a_dashboard_and_portal_links_are_rewritten() {
        let text = format!(
            r#"{{"widgets":[{{"datasets":[{{"dataSource":{{"itemId":"{OLD_MAP}","layerId":"0"}}}}]}}],
            "link":"https://old.maps.arcgis.com/home/item.html?id={OLD_MAP}",
            "other":"https://old.maps.arcgis.community/x"}}"#
        );
        let (out, replaced) = rewrite_json_text(&text, &map());
        assert!(out.contains(&format!(
            "https://new.maps.arcgis.com/home/item.html?id={NEW_MAP}"
        )));
        assert!(
            out.contains("https://old.maps.arcgis.community/x"),
            "a longer host is not the portal"
        );
        assert_eq!(replaced, [OLD_MAP]);
    }

    #[test]
    fn an_app_with_escaped_slashes_is_rewritten() {
        let escaped = OLD_URL.replace('/', "\\/");
        let text = format!(
            r#"{{"values":{{"webmap":"{OLD_MAP}","layer":"{escaped}\/2","portal":"https:\/\/old.maps.arcgis.com\/sharing"}}}}"#
        );
        let (out, replaced) = rewrite_json_text(&text, &map());
        let new_escaped = NEW_URL.replace('/', "\\/");
        assert!(
            out.contains(&format!(r#""layer":"{new_escaped}\/2""#)),
            "{out}"
        );
        assert!(
            out.contains(r#"https:\/\/new.maps.arcgis.com\/sharing"#),
            "{out}"
        );
        assert!(out.contains(NEW_MAP));
        assert_eq!(replaced, [OLD_MAP]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["values"]["layer"], format!("{NEW_URL}/2"));
    }

    #[test]
    fn the_other_scheme_scheme_relative_and_percent_encoded_urls_are_rewritten() {
        let http = OLD_URL.replacen("https://", "http://", 1);
        let relative = OLD_URL.trim_start_matches("https:");
        let encoded = OLD_URL.replace(':', "%3A").replace('/', "%2F");
        let text = format!(
            "[\"{http}/0\",\"{relative}/1\",\"https://x/app?layer={encoded}%2F2\",\"{}\"]",
            encoded.to_lowercase()
        );
        let (out, _) = rewrite_json_text(&text, &map());
        let new_relative = NEW_URL.trim_start_matches("https:");
        let new_encoded = NEW_URL.replace(':', "%3A").replace('/', "%2F");
        assert_eq!(
            out,
            format!(
                "[\"{NEW_URL}/0\",\"{new_relative}/1\",\"https://x/app?layer={new_encoded}%2F2\",\"{new_encoded}\"]"
            )
        );
    }

    #[test]
    fn ids_inside_longer_strings_and_other_services_stay() {
        let text = format!(
            "{{\"a\":\"{OLD_FS}0\",\"b\":\"ff{OLD_FS}\",\"c\":\"x{OLD_FS}\",\"d\":\"{OLD_URL}2/0\",\
             \"e\":\"{OLD_URL}_view\",\"f\":\"node_{OLD_FS}_item\",\"g\":\"Zürich {OLD_MAP}\"}}"
        );
        let (out, replaced) = rewrite_json_text(&text, &map());
        assert!(out.contains(&format!("\"a\":\"{OLD_FS}0\"")));
        assert!(out.contains(&format!("\"b\":\"ff{OLD_FS}\"")));
        assert!(out.contains(&format!("\"c\":\"x{OLD_FS}\"")));
        assert!(out.contains(&format!("{OLD_URL}2/0")));
        assert!(out.contains(&format!("{OLD_URL}_view")));
        assert!(out.contains(&format!("node_{NEW_FS}_item")));
        assert!(out.contains(&format!("Zürich {NEW_MAP}")));
        assert_eq!(replaced, [OLD_FS, OLD_MAP]);
    }

    #[test]
    fn the_longest_url_wins_and_an_empty_map_changes_nothing() {
        let mut m = map();
        let layer = format!("{OLD_URL}/0");
        m.urls
            .insert(layer.clone(), "https://elsewhere/FeatureServer/5".into());
        let text = format!(
            "[\"{layer}\",\"{OLD_URL}/1\",\"{}\"]",
            OLD_URL.to_uppercase()
        );
        let (out, _) = rewrite_json_text(&text, &m);
        assert_eq!(
            out,
            format!("[\"https://elsewhere/FeatureServer/5\",\"{NEW_URL}/1\",\"{NEW_URL}\"]")
        );
        let (same, replaced) = rewrite_json_text(&text, &RewriteMap::default());
        assert_eq!(same, text);
        assert!(replaced.is_empty());
    }

    #[test]
    fn referenced_ids_lists_every_standalone_id_once() {
        let text = format!(
            "{{\"a\":\"{OLD_FS}\",\"b\":\"{}\",\"c\":\"{OLD_MAP}ab\",\"d\":\"/items/{OLD_MAP}/data\",\
             \"e\":\"0123456789abcdef0123456789abcdef0\"}}",
            OLD_FS.to_uppercase()
        );
        assert_eq!(referenced_ids(&text), [OLD_FS, OLD_MAP]);
        assert!(referenced_ids("").is_empty());
    }
}
