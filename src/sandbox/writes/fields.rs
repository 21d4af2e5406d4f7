//! The item fields `addItem`, `update` and `commit` accept, read from the request and written
//! into an [`Item`]: title, type, keywords, tags (JSON array or comma string), texts, extent
//! (`xmin,ymin,xmax,ymax`, `[[x,y],[x,y]]` or an envelope object), properties, url, categories,
//! file name; and the content parts (`text`, `file`, `thumbnail`, `metadata`). Knows nothing of
//! permissions or of where the item lives.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::model::{Content, Item, ItemData, Thumbnail};
use super::super::params::Params;
use super::super::reply::ApiError;

/// Longest title the portal accepts.
const MAX_TITLE: usize = 256;
/// Longest snippet the portal accepts.
const MAX_SNIPPET: usize = 2048;

/// Plain text fields kept in `Item::extra` under the same name.
const TEXT_FIELDS: &[&str] = &[
    "description",
    "snippet",
    "accessInformation",
    "licenseInfo",
    "culture",
    "spatialReference",
];

/// Whether `name` was sent empty and `clearEmptyFields` asks for empty values to clear fields.
fn cleared(p: &Params, clear_empty: bool, name: &str) -> bool {
    clear_empty && p.has(name) && p.get(name).is_none()
}

/// Checks and sets a new title.
pub(super) fn set_title(item: &mut Item, title: &str) -> Result<(), ApiError> {
    if title.chars().count() > MAX_TITLE {
        return Err(ApiError::bad_request(format!(
            "Item title must not exceed {MAX_TITLE} characters."
        )));
    }
    item.title = title.to_string();
    Ok(())
}

/// Applies the descriptive fields of `p` to `item`. With `clear_empty`, fields sent empty are
/// cleared; otherwise empty values are ignored, as the portal does.
pub(super) fn apply(item: &mut Item, p: &Params, clear_empty: bool) -> Result<(), ApiError> {
    if let Some(t) = p.get("title") {
        set_title(item, t)?;
    }
    if let Some(t) = p.get("type") {
        item.item_type = t.to_string();
    }
    if let Some(k) = p.list("typeKeywords") {
        item.type_keywords = dedup(k);
    } else if cleared(p, clear_empty, "typeKeywords") {
        item.type_keywords.clear();
    }
    if let Some(t) = p.list("tags") {
        item.tags = dedup(t);
    } else if cleared(p, clear_empty, "tags") {
        item.tags.clear();
    }
    for name in TEXT_FIELDS {
        if let Some(v) = p.get(name) {
            if *name == "snippet" && v.chars().count() > MAX_SNIPPET {
                return Err(ApiError::bad_request(format!(
                    "Item snippet must not exceed {MAX_SNIPPET} characters."
                )));
            }
            item.extra.insert((*name).to_string(), json!(v));
        } else if cleared(p, clear_empty, name) {
            item.extra.remove(*name);
        }
    }
    apply_structured(item, p, clear_empty)?;
    if let Some(n) = p.get("fileName").or_else(|| p.get("name")) {
        item.extra.insert("name".into(), json!(n));
    }
    Ok(())
}

/// Extent, properties, categories and url.
fn apply_structured(item: &mut Item, p: &Params, clear_empty: bool) -> Result<(), ApiError> {
    if let Some(e) = p.get("extent") {
        item.extra.insert("extent".into(), parse_extent(e)?);
    } else if cleared(p, clear_empty, "extent") {
        item.extra.remove("extent");
    }
    if let Some(props) = p.get("properties") {
        let v: Value = serde_json::from_str(props)
            .map_err(|e| ApiError::bad_request(format!("Invalid value for 'properties': {e}.")))?;
        item.extra.insert("properties".into(), v);
    } else if cleared(p, clear_empty, "properties") {
        item.extra.remove("properties");
    }
    if let Some(c) = p.list("categories") {
        item.extra.insert("categories".into(), json!(c));
    } else if cleared(p, clear_empty, "categories") {
        item.extra.remove("categories");
    }
    if let Some(u) = p.get("url") {
        item.url = Some(u.to_string());
    } else if cleared(p, clear_empty, "url") {
        item.url = None;
    }
    Ok(())
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Parses an extent into the `[[xmin,ymin],[xmax,ymax]]` form items store.
pub(super) fn parse_extent(raw: &str) -> Result<Value, ApiError> {
    let bad = || ApiError::bad_request(format!("Invalid extent '{raw}'."));
    let t = raw.trim();
    let nums: Vec<f64> = if t.starts_with('[') || t.starts_with('{') {
        let v: Value = serde_json::from_str(t).map_err(|_| bad())?;
        match &v {
            Value::Array(a) if a.is_empty() => return Ok(json!([])),
            Value::Array(a) => a
                .iter()
                .flat_map(|pt| pt.as_array().cloned().unwrap_or_default())
                .map(|n| n.as_f64().ok_or_else(bad))
                .collect::<Result<_, _>>()?,
            Value::Object(o) => ["xmin", "ymin", "xmax", "ymax"]
                .iter()
                .map(|k| o.get(*k).and_then(Value::as_f64).ok_or_else(bad))
                .collect::<Result<_, _>>()?,
            _ => return Err(bad()),
        }
    } else {
        t.split(',')
            .map(|n| n.trim().parse::<f64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?
    };
    match nums.as_slice() {
        [xmin, ymin, xmax, ymax] => Ok(json!([[xmin, ymin], [xmax, ymax]])),
        _ => Err(bad()),
    }
}

/// Applies the content parts of `p`: a `file` part (file item), else `text` (JSON item data);
/// and the optional `thumbnail` and `metadata` file parts. A `thumbnail` sent as a plain string
/// (a local path, as Esri's importer sends it) and `thumbnailurl` are ignored.
pub(super) fn apply_content(item: &mut Item, p: &Params) -> Result<(), ApiError> {
    if p.get("dataUrl").is_some() {
        return Err(ApiError::bad_request(
            "'dataUrl' is not supported by the sandbox portal: send the file or text instead.",
        ));
    }
    if let Some(f) = p.file("file") {
        let name = p
            .get("fileName")
            .or_else(|| p.get("name"))
            .unwrap_or(&f.filename);
        item.data = ItemData::File {
            name: base_name(name, "file"),
            content: Content::bytes(f.bytes.to_vec()),
        };
    } else if let Some(text) = p.get("text") {
        item.data = ItemData::Json(Arc::new(text.as_bytes().to_vec()));
    }
    if let Some(t) = p.file("thumbnail") {
        item.thumbnail = Some(Thumbnail {
            path: format!("thumbnail/{}", base_name(&t.filename, "thumbnail.png")),
            bytes: Arc::new(t.bytes.to_vec()),
        });
    }
    if let Some(m) = p.file("metadata") {
        item.metadata = Some(Arc::new(m.bytes.to_vec()));
        if !item.type_keywords.iter().any(|k| k == "Metadata") {
            item.type_keywords.push("Metadata".into());
        }
    }
    Ok(())
}

/// The last path segment of a client-sent file name (clients may send a full local path).
pub(super) fn base_name(name: &str, fallback: &str) -> String {
    let b = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if b.is_empty() {
        fallback.to_string()
    } else {
        b.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_parse_from_every_form() {
        let want = json!([[-1.5, 2.0], [3.0, 4.0]]);
        assert_eq!(parse_extent("-1.5, 2,3,4").unwrap(), want);
        assert_eq!(parse_extent("[[-1.5,2],[3,4]]").unwrap(), want);
        assert_eq!(
            parse_extent(r#"{"xmin":-1.5,"ymin":2,"xmax":3,"ymax":4}"#).unwrap(),
            want
        );
        assert_eq!(parse_extent("[]").unwrap(), json!([]));
        assert!(parse_extent("1,2,3").is_err());
        assert!(parse_extent("[[1,2],[3,\"x\"]]").is_err());
    }

    #[test]
    fn tags_and_keywords_accept_json_and_commas_and_clear_only_when_asked() {
        let mut item = Item::new("i", "u", "t", "PDF", 0);
        let mut p = Params::default();
        p.set("tags", r#"["a","b","a"]"#);
        p.set("typeKeywords", "x, y");
        apply(&mut item, &p, false).unwrap();
        assert_eq!(item.tags, vec!["a", "b"]);
        assert_eq!(item.type_keywords, vec!["x", "y"]);
        let mut p = Params::default();
        p.set("tags", "");
        apply(&mut item, &p, false).unwrap();
        assert_eq!(item.tags, vec!["a", "b"]);
        apply(&mut item, &p, true).unwrap();
        assert!(item.tags.is_empty());
    }

    #[test]
    fn long_titles_and_bad_properties_are_refused() {
        let mut item = Item::new("i", "u", "t", "PDF", 0);
        let mut p = Params::default();
        p.set("title", &"x".repeat(257));
        assert_eq!(apply(&mut item, &p, false).unwrap_err().code, 400);
        let mut p = Params::default();
        p.set("properties", "{not json");
        assert_eq!(apply(&mut item, &p, false).unwrap_err().code, 400);
        assert_eq!(base_name("C:\\tmp\\thumb.png", "t"), "thumb.png");
    }
}
