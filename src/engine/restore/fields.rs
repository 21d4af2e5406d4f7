//! The item properties a restore sends with `addItem` and `update`, taken from the backed-up
//! item JSON (arcgis-protocol.md §6.1): title and type always; type keywords plus the
//! `source-<old id>` keyword that lets a later restore find the item again; with
//! `keep_metadata` every descriptive property (tags, description, snippet, access and licence
//! information, culture, extent, spatial reference, properties, categories). URLs are rewritten
//! with the run's map. Pure: knows nothing of the portal.

use serde_json::Value;

use super::rewrite::RewriteMap;
use super::source::SourceItem;
use super::textmap;

/// The type keyword that marks an item restored from `old_id`.
pub(crate) fn source_keyword(old_id: &str) -> String {
    format!("source-{old_id}")
}

/// Plain text properties sent as they are.
const TEXTS: [&str; 6] = [
    "description",
    "snippet",
    "accessInformation",
    "licenseInfo",
    "culture",
    "spatialReference",
];

/// Which properties to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldSet {
    /// Descriptive properties too (`--keep-metadata`).
    pub keep_metadata: bool,
    /// Send `type` (not for a published service item, whose type the portal set).
    pub with_type: bool,
    /// Send `url` (not for hosted services: the portal gives them one).
    pub with_url: bool,
}

/// The form fields for `si`.
pub(crate) fn item_fields(
    si: &SourceItem,
    set: FieldSet,
    map: &RewriteMap,
) -> Vec<(String, String)> {
    let it = &si.item;
    let mut out: Vec<(String, String)> = vec![("title".into(), si.title.clone())];
    if set.with_type {
        out.push(("type".into(), si.item_type.clone()));
    }
    let mut keywords = strings(&it["typeKeywords"]);
    let mine = source_keyword(&si.old_id);
    keywords.retain(|k| !k.starts_with("source-") || *k == mine);
    if !keywords.contains(&mine) {
        keywords.push(mine);
    }
    out.push(("typeKeywords".into(), keywords.join(",")));
    if set.with_url
        && let Some(url) = it["url"].as_str().filter(|u| !u.is_empty())
    {
        out.push(("url".into(), textmap::apply(map, url)));
    }
    if !set.keep_metadata {
        return out;
    }
    let tags = strings(&it["tags"]);
    if !tags.is_empty() {
        out.push(("tags".into(), tags.join(",")));
    }
    for name in TEXTS {
        match &it[name] {
            Value::String(s) if !s.is_empty() => out.push((name.into(), s.clone())),
            Value::Object(_) => out.push((name.into(), it[name].to_string())),
            _ => {}
        }
    }
    if let Some(e) = extent(&it["extent"]) {
        out.push(("extent".into(), e));
    }
    if it["properties"].is_object() {
        out.push(("properties".into(), it["properties"].to_string()));
    }
    let cats = strings(&it["categories"]);
    if !cats.is_empty() {
        out.push(("categories".into(), Value::from(cats).to_string()));
    }
    out
}

/// The strings of a JSON array (or a comma string).
pub(crate) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// `[[xmin,ymin],[xmax,ymax]]` as `xmin,ymin,xmax,ymax`.
fn extent(v: &Value) -> Option<String> {
    let pts = v.as_array()?;
    let nums: Vec<f64> = pts
        .iter()
        .flat_map(|p| p.as_array().cloned().unwrap_or_default())
        .filter_map(|n| n.as_f64())
        .collect();
    (nums.len() == 4).then(|| {
        nums.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::restore::fixtures::test_item;

    fn get<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
        f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn fields_carry_the_source_keyword_and_the_metadata_when_kept() {
        let si = test_item("abc", "Web Map", &[]);
        let all = FieldSet {
            keep_metadata: true,
            with_type: true,
            with_url: true,
        };
        let f = item_fields(&si, all, &RewriteMap::default());
        assert_eq!(get(&f, "typeKeywords"), Some("k,source-abc"));
        assert_eq!(get(&f, "tags"), Some("a,b"));
        assert_eq!(get(&f, "extent"), Some("1,2,3,4"));
        assert_eq!(get(&f, "properties"), Some(r#"{"p":1}"#));
        let bare = item_fields(
            &si,
            FieldSet {
                keep_metadata: false,
                ..all
            },
            &RewriteMap::default(),
        );
        assert_eq!(get(&bare, "tags"), None);
        assert_eq!(get(&bare, "type"), Some("Web Map"));
    }
}
