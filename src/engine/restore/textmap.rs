//! Applies a [`RewriteMap`] to JSON text for the restore: the source helper's
//! [`rewrite_json_text`] (ids as whole tokens, service URLs longest first, the portal URL,
//! `\/`-escaped forms), then the dashed GUID forms of the ids some app configs use. Plain text
//! work, knows nothing of the portal or files.

use super::rewrite::{RewriteMap, rewrite_json_text};

/// `text` with every old id, service URL and portal URL of `map` replaced by the new one.
pub(crate) fn apply(map: &RewriteMap, text: &str) -> String {
    let (mut out, _) = rewrite_json_text(text, map);
    for (old, new) in &map.ids {
        if let (Some(od), Some(nd)) = (dashed(old), dashed(new))
            && out.contains(&od)
        {
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
