//! Applies a [`RewriteMap`] to JSON text: old item ids, service URLs and the source portal URL
//! become what they are on the target. A small local stand-in used until the source helper's
//! `rewrite` module offers the same; plain text work, knows nothing of the portal or files.

use super::rewrite::RewriteMap;

/// `text` with every old id, service URL and portal URL of `map` replaced by the new one.
/// Longer URLs go first so a service URL wins over the portal URL it starts with.
pub(crate) fn apply(map: &RewriteMap, text: &str) -> String {
    let mut out = text.to_string();
    let mut urls: Vec<(&String, &String)> = map.urls.iter().collect();
    urls.sort_by_key(|(o, _)| std::cmp::Reverse(o.len()));
    for (old, new) in urls {
        out = out.replace(old.as_str(), new);
    }
    if let Some((old, new)) = &map.portal {
        out = out.replace(old.trim_end_matches('/'), new.trim_end_matches('/'));
    }
    for (old, new) in &map.ids {
        out = out.replace(old.as_str(), new);
        // GUID forms with dashes appear in some app configs.
        let (od, nd) = (dashed(old), dashed(new));
        if let (Some(od), Some(nd)) = (od, nd) {
            out = out.replace(&od, &nd);
        }
    }
    out
}

/// `0123…` as `01234567-89ab-…` when `id` is 32 characters.
fn dashed(id: &str) -> Option<String> {
    (id.len() == 32 && id.is_ascii()).then(|| {
        format!(
            "{}-{}-{}-{}-{}",
            &id[..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_urls_and_portal_are_rewritten_longest_url_first() {
        let mut m = RewriteMap::default();
        m.ids.insert("a".repeat(32), "b".repeat(32));
        m.urls.insert(
            "https://old/server/rest/services/S/FeatureServer".into(),
            "https://new/server/rest/services/S_2/FeatureServer".into(),
        );
        m.portal = Some(("https://old".into(), "https://portal".into()));
        let text = format!(
            r#"{{"itemId":"{}","url":"https://old/server/rest/services/S/FeatureServer/0","p":"https://old/home"}}"#,
            "a".repeat(32)
        );
        let out = apply(&m, &text);
        assert!(out.contains(&"b".repeat(32)), "{out}");
        assert!(out.contains("https://new/server/rest/services/S_2/FeatureServer/0"));
        assert!(out.contains("https://portal/home"));
    }
}
