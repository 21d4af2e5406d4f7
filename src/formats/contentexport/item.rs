//! One item folder while it is written: what the caller added, and the files the writer derives
//! when the item is finished (`properties.json` with `origin_item_type`/`data_item_type`, a
//! generated `resources/resources.json`, flattened copies of nested resources for Esri's
//! importer), plus [`relationships_json`]. Used only by [`super::writer`].

use serde_json::{Map, Value, json};

use super::json::to_ascii_pretty;
use super::kinds::{self, DataShape};
use super::writer::{PackageWriter, misuse};
use super::{PROPERTIES_NAME, RELATIONSHIPS_NAME, RESOURCES_LIST};
use crate::formats::FormatError;

/// Nested resources kept in memory per item for their flattened copies; larger ones get none.
const FLAT_COPY_BUDGET: usize = 64 * 1024 * 1024;

/// An item folder being written.
pub(super) struct ItemState {
    /// The item id (its folder name).
    pub id: String,
    /// The item JSON as given.
    properties: Map<String, Value>,
    /// What data was added.
    shape: DataShape,
    /// A `data/*.sd` was added.
    has_sd: bool,
    /// A `data/*.zip` was added.
    has_zip: bool,
    /// The caller added `relationships.json`.
    pub has_relationships: bool,
    /// The caller added `resources/resources.json`.
    has_resource_list: bool,
    /// Resource paths (below `resources/`) with sizes, in order.
    resources: Vec<(String, u64)>,
    /// Bytes of nested resources kept for their flattened copies.
    pending_flat: Vec<(String, Vec<u8>)>,
    /// Total of `pending_flat`.
    pending_bytes: usize,
}

impl ItemState {
    /// A new item from its JSON.
    pub fn new(item_id: &str, properties: &Value) -> Result<Self, FormatError> {
        let Some(map) = properties.as_object() else {
            return Err(misuse(format!(
                "the properties of {item_id} are not a JSON object"
            )));
        };
        if let Some(id) = map.get("id").filter(|id| id.as_str() != Some(item_id)) {
            return Err(misuse(format!(
                "item {item_id} has properties of item {id}"
            )));
        }
        let has_url = map
            .get("url")
            .and_then(Value::as_str)
            .is_some_and(|u| !u.is_empty());
        Ok(Self {
            id: item_id.to_string(),
            properties: map.clone(),
            shape: DataShape {
                has_url,
                ..DataShape::default()
            },
            has_sd: false,
            has_zip: false,
            has_relationships: false,
            has_resource_list: false,
            resources: Vec::new(),
            pending_flat: Vec::new(),
            pending_bytes: 0,
        })
    }

    /// The item title, type and `created` for `manifest.json`.
    pub fn manifest_fields(&self) -> (Value, Value, Value) {
        let get = |key: &str| self.properties.get(key).cloned().unwrap_or(Value::Null);
        (get("title"), get("type"), get("created"))
    }

    /// Notes a file the caller added.
    pub fn record(&mut self, rel_path: &str, len: u64) {
        let lower = rel_path.to_ascii_lowercase();
        if rel_path == RELATIONSHIPS_NAME {
            self.has_relationships = true;
        } else if rel_path == RESOURCES_LIST {
            self.has_resource_list = true;
        } else if let Some(resource) = rel_path.strip_prefix("resources/") {
            self.resources.push((resource.to_string(), len));
        } else if lower == "data/structure.json" {
            self.shape.has_structure = true;
        } else if lower.starts_with("data/") {
            let is_props = lower == "data/flc_props.json"
                || lower == "data/view_props.json"
                || (lower.starts_with("data/layer_") && lower.ends_with("_props.json"));
            self.shape.has_data_file |= !is_props;
            self.has_sd |= lower.ends_with(".sd");
            self.has_zip |= lower.ends_with(".zip");
        }
    }

    /// Keeps the bytes of a nested resource for its flattened copy, within the budget.
    pub fn keep_for_flat_copy(&mut self, rel_path: &str, bytes: &[u8]) {
        let nested = rel_path
            .strip_prefix("resources/")
            .is_some_and(|r| r.contains('/'));
        if nested && self.pending_bytes + bytes.len() <= FLAT_COPY_BUDGET {
            self.pending_bytes += bytes.len();
            self.pending_flat
                .push((rel_path.to_string(), bytes.to_vec()));
        }
    }

    /// `properties.json`: the item JSON plus `origin_item_type` and `data_item_type`.
    fn properties_json(&self) -> Map<String, Value> {
        let mut props = self.properties.clone();
        // Esri's importer indexes these two keys for every item and fails when they are absent.
        props.entry("thumbnail").or_insert(Value::Null);
        props.entry("typeKeywords").or_insert_with(|| json!([]));
        let item_type = props.get("type").and_then(Value::as_str).unwrap_or("");
        let origin = kinds::origin_item_type(item_type, self.shape);
        if let Some(origin) = origin.filter(|_| !props.contains_key("origin_item_type")) {
            props.insert("origin_item_type".into(), origin.into());
        }
        let service =
            props.get("origin_item_type").and_then(Value::as_str) == Some(kinds::SERVICE_ITEM);
        if service && !props.contains_key("data_item_type") {
            let format = if self.has_sd {
                Some(kinds::SERVICE_DEFINITION)
            } else if self.has_zip {
                Some(kinds::DEFAULT_SERVICE_FORMAT)
            } else {
                None
            };
            if let Some(format) = format {
                props.insert("data_item_type".into(), format.into());
            }
        }
        props
    }

    /// The generated `resources.json`: one entry per resource, keyed by its full path.
    fn resource_list(&self) -> Map<String, Value> {
        self.resources
            .iter()
            .map(|(path, size)| (path.clone(), json!({"resource": path, "size": size})))
            .collect()
    }
}

/// Writes the files derived from `item` and returns it for the package manifest.
pub(super) fn finish_item(
    writer: &mut PackageWriter,
    mut item: ItemState,
) -> Result<ItemState, FormatError> {
    write_flat_copies(writer, &mut item)?;
    if !item.has_resource_list {
        let bytes = to_json(&item.resource_list(), writer)?;
        let path = format!("{}/{RESOURCES_LIST}", item.id);
        writer.append_member(&path, bytes.len() as u64, &mut bytes.as_slice())?;
    }
    let bytes = to_json(&item.properties_json(), writer)?;
    let path = format!("{}/{PROPERTIES_NAME}", item.id);
    writer.append_member(&path, bytes.len() as u64, &mut bytes.as_slice())?;
    Ok(item)
}

/// Copies each nested resource to `resources/<basename>`, where Esri's importer looks for it,
/// unless that name is taken; notes the resources left without a copy.
fn write_flat_copies(writer: &mut PackageWriter, item: &mut ItemState) -> Result<(), FormatError> {
    let pending = std::mem::take(&mut item.pending_flat);
    for (resource, _) in item.resources.iter().filter(|(r, _)| r.contains('/')) {
        let original = format!("{}/resources/{resource}", item.id);
        let base = resource.rsplit('/').next().unwrap_or(resource);
        let copy = format!("{}/resources/{base}", item.id);
        let bytes = pending
            .iter()
            .find(|(rel, _)| rel.strip_prefix("resources/") == Some(resource.as_str()));
        let note = if writer.seen.contains(&copy.to_lowercase()) {
            format!("{original}: no flattened copy for Esri's importer ({copy} is taken)")
        } else if let Some((_, bytes)) = bytes {
            writer.append_member(&copy, bytes.len() as u64, &mut bytes.as_slice())?;
            writer.flat_copies.push((copy, original));
            continue;
        } else {
            format!("{original}: no flattened copy for Esri's importer (streamed or too large)")
        };
        writer.notes.push(note);
    }
    Ok(())
}

/// `value` as package JSON, or a write error naming the package.
pub(super) fn to_json<T: serde::Serialize + ?Sized>(
    value: &T,
    writer: &PackageWriter,
) -> Result<Vec<u8>, FormatError> {
    to_ascii_pretty(value).map_err(|source| FormatError::Write {
        path: writer.final_path.clone(),
        source,
    })
}

/// The `relationships.json` Esri writes for `item_id` in a graph of `edges` ("source needs
/// target"): `contains` (direct needs), `requires` (all needs, transitively), `contained_by`,
/// `required_by` (the reverse) and `related_items` (the forward related items by
/// relationship type, `{}` when unknown).
pub fn relationships_json(
    item_id: &str,
    edges: &[(String, String)],
    related_items: Option<&Value>,
) -> Value {
    let forward = |from: &str| -> Vec<String> {
        edges
            .iter()
            .filter(|(s, _)| s == from)
            .map(|(_, t)| t.clone())
            .collect()
    };
    let backward = |to: &str| -> Vec<String> {
        edges
            .iter()
            .filter(|(_, t)| t == to)
            .map(|(s, _)| s.clone())
            .collect()
    };
    json!({
        "contains": dedup(forward(item_id)),
        "requires": closure(item_id, &forward),
        "contained_by": dedup(backward(item_id)),
        "required_by": closure(item_id, &backward),
        "related_items": related_items.cloned().unwrap_or_else(|| json!({})),
    })
}

/// Every node reachable from `start` through `next`, breadth first, without `start`.
fn closure(start: &str, next: &dyn Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut queue = vec![start.to_string()];
    let mut index = 0;
    while let Some(node) = queue.get(index).cloned() {
        index += 1;
        for n in next(&node) {
            if n != start && !found.contains(&n) {
                found.push(n.clone());
                queue.push(n);
            }
        }
    }
    found
}

/// `list` without repeats, first occurrence kept.
fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for s in list {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_follow_the_graph() {
        let e = |a: &str, b: &str| (a.to_string(), b.to_string());
        let edges = [
            e("app", "map"),
            e("map", "fs"),
            e("map", "fs"),
            e("fs", "csv"),
            e("csv", "map"),
        ];
        let rel = relationships_json("map", &edges, None);
        assert_eq!(rel["contains"], json!(["fs"]));
        assert_eq!(rel["requires"], json!(["fs", "csv"]));
        assert_eq!(rel["contained_by"], json!(["app", "csv"]));
        assert_eq!(rel["required_by"], json!(["app", "csv", "fs"]));
        assert_eq!(rel["related_items"], json!({}));
    }
}
