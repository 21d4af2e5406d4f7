//! Helpers the format readers share: what one input file yields ([`Read`]), reading small JSON
//! files, walking extracted folders, and the relationship, sharing and item-field parsing that
//! our archives, packages and the original utility's ZIPs have in common. Reads only inside
//! the folders it is given; never writes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{GroupRef, Relation, SharingInfo};

/// What one input file yields.
#[derive(Debug, Default)]
pub(super) struct Read {
    /// Its items.
    pub items: Vec<super::SourceItem>,
    /// The source portal it records.
    pub source_portal: Option<String>,
    /// What could not be read of it, one line each (naming the file).
    pub problems: Vec<String>,
}

/// The JSON in `path`; `Ok(None)` when there is no such file.
pub(super) fn json_file(path: &Path) -> Result<Option<Value>, String> {
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// The JSON in `path`, a problem line pushed when it is there but unreadable.
pub(super) fn json_or_note(path: &Path, problems: &mut Vec<String>) -> Option<Value> {
    json_file(path).unwrap_or_else(|e| {
        problems.push(e);
        None
    })
}

/// The regular files directly in `dir`, sorted (none when it is no folder).
pub(super) fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Every regular file below `dir`, sorted (symbolic links are not followed).
pub(super) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// `file` relative to `base`, `/`-separated.
pub(super) fn relative(base: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(base).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The file name of `path`, lossily.
pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A string field of the item JSON (empty when missing).
pub(super) fn text(item: &Value, key: &str) -> String {
    item[key].as_str().unwrap_or_default().to_string()
}

/// Whether the item is a view (its `typeKeywords` say `View Service`).
pub(super) fn is_view(item: &Value) -> bool {
    item["typeKeywords"]
        .as_array()
        .is_some_and(|k| k.iter().any(|k| k == "View Service"))
}

/// Whether the item is a service (its data is the service's, not a file).
pub(super) fn is_service(item: &Value) -> bool {
    let kind = item["type"].as_str().unwrap_or_default();
    item["origin_item_type"] == "ServiceItem"
        || kind.ends_with("Service")
        || kind == "Feature Layer"
        || kind == "Table"
}

/// An id out of a relationship list member: a string or an object with `id`.
fn id_of(v: &Value) -> Option<String> {
    v.as_str().or_else(|| v["id"].as_str()).map(str::to_string)
}

/// Relations from our `related.json`: `{"forward": [{"relationshipType", "items": [{"id"}]}],
/// "reverse": [...]}`; lists of plain ids are tolerated too.
pub(super) fn relations(related: &Value) -> Vec<Relation> {
    let mut out = Vec::new();
    for (key, forward) in [("forward", true), ("reverse", false)] {
        for group in related[key].as_array().into_iter().flatten() {
            let rel_type = group["relationshipType"].as_str().unwrap_or_default();
            if let (Some(other), true) = (id_of(group), rel_type.is_empty()) {
                out.push(relation("", forward, other));
                continue;
            }
            for other in group["items"].as_array().into_iter().flatten() {
                out.extend(id_of(other).map(|o| relation(rel_type, forward, o)));
            }
        }
    }
    out
}

/// Forward relations from a map `{"Map2Service": [ids or {"id"}]}` (a package's
/// `related_items`).
pub(super) fn relations_by_type(map: &Value) -> Vec<Relation> {
    let mut out = Vec::new();
    for (rel_type, ids) in map.as_object().into_iter().flatten() {
        for other in ids.as_array().into_iter().flatten() {
            out.extend(id_of(other).map(|o| relation(rel_type, true, o)));
        }
    }
    out
}

fn relation(rel_type: &str, forward: bool, other_id: String) -> Relation {
    Relation {
        rel_type: rel_type.to_string(),
        forward,
        other_id,
    }
}

/// Sharing from our `sharing.json` (or, lacking groups, from the item JSON itself).
pub(super) fn sharing(v: &Value) -> SharingInfo {
    let groups = v["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| {
            Some(GroupRef {
                id: g["id"].as_str()?.to_string(),
                title: g["title"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect();
    SharingInfo {
        access: v["access"].as_str().unwrap_or("private").to_string(),
        groups,
        content_status: v["contentStatus"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        protected: v["protected"].as_bool().unwrap_or(false),
    }
}

/// The layer id of `layers/<id>.geojson`, `service/layers/<id>.json` or
/// `layer_<id>_props.json` file names.
pub(super) fn layer_id(name: &str, prefix: &str, suffix: &str) -> Option<i64> {
    name.strip_prefix(prefix)?
        .strip_suffix(suffix)?
        .parse()
        .ok()
}

/// Whether a file name looks like an image (thumbnails).
pub(super) fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The export format name for an export file, from its extension.
pub(super) fn export_format_of(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let format = if lower.ends_with(".sd") {
        "Service Definition"
    } else if lower.ends_with(".csv") {
        "CSV"
    } else if lower.ends_with(".geojson") || lower.ends_with(".json") {
        "GeoJson"
    } else if lower.ends_with(".xlsx") {
        "Excel"
    } else {
        "File Geodatabase"
    };
    format.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn relations_read_our_related_json_and_plain_lists() {
        let related = json!({"forward": [{"relationshipType": "Map2Service",
            "items": [{"id": "a"}, {"id": "b"}]}], "reverse": ["c"]});
        let rels = relations(&related);
        assert_eq!(rels.len(), 3);
        assert_eq!(rels[0].rel_type, "Map2Service");
        assert!(rels[0].forward);
        assert_eq!(rels[2].other_id, "c");
        assert!(!rels[2].forward);
        let by_type = relations_by_type(&json!({"Survey2Data": ["x", {"id": "y"}]}));
        assert_eq!(by_type.len(), 2);
        assert_eq!(by_type[1].other_id, "y");
    }

    #[test]
    fn sharing_reads_groups_and_status() {
        let s = sharing(
            &json!({"access": "shared", "groups": [{"id": "g", "title": "G"}],
            "contentStatus": "org_authoritative", "protected": true}),
        );
        assert_eq!(s.access, "shared");
        assert_eq!(s.groups[0].title, "G");
        assert_eq!(s.content_status.as_deref(), Some("org_authoritative"));
        assert!(s.protected);
        assert_eq!(
            layer_id("layer_3_props.json", "layer_", "_props.json"),
            Some(3)
        );
    }
}
