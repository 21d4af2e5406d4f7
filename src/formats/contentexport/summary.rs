//! Interprets what a pass over a package found ([`super::scan`]) as a [`PackageSummary`]:
//! items from `manifest.json` and the item folders, properties, files, resources (full paths
//! from `resources.json`, falling back to Esri's flattened basenames), thumbnails, the graph
//! edges (from `graph.gml`, else from each `relationships.json`) and our sidecar. Defects a
//! package may have are tolerated and listed as warnings; only a file that is no package at all
//! is an error.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::gml::parse_gml;
use super::kinds::is_disallowed;
use super::scan::{Scan, bad};
use super::{
    GRAPH_NAME, MANIFEST_NAME, PROPERTIES_NAME, RELATIONSHIPS_NAME, RESOURCES_LIST, SIDECAR_NAME,
    Sidecar,
};
use crate::formats::FormatError;

/// What a package holds.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageSummary {
    /// The package file.
    pub path: PathBuf,
    /// The single top folder inside the archive (the file stem, unless the file was renamed).
    pub top_folder: String,
    /// The source portal URL recorded in `manifest.json`, when there is one.
    pub source: Option<String>,
    /// The items with a folder, in manifest order, then the other folders in archive order.
    pub items: Vec<PackageItem>,
    /// The dependency edges, "source needs target" (nodes without a folder included).
    pub edges: Vec<(String, String)>,
    /// Our sidecar, when the package has one.
    pub sidecar: Option<Sidecar>,
    /// Tolerated defects, one sentence each.
    pub warnings: Vec<String>,
}

/// One item folder of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageItem {
    /// The item id (its folder name).
    pub id: String,
    /// The title, from `properties.json` or else `manifest.json`.
    pub title: String,
    /// The item type, from `properties.json` or else `manifest.json`.
    pub item_type: String,
    /// Every file of the folder (paths relative to it) with its size, without the flattened
    /// resource copies our writer adds for Esri's importer.
    pub files: Vec<(String, u64)>,
    /// The full item JSON of `properties.json` (`Null` when missing or unreadable).
    pub properties: Value,
    /// Each resource as `(full resource path, file path relative to the item folder)`.
    pub resources: Vec<(String, String)>,
    /// The thumbnail file (relative to the item folder), when there is one.
    pub thumbnail: Option<String>,
}

/// Builds the summary of the package at `path` from a pass over it.
pub(super) fn summarise(path: &Path, found: Scan) -> Result<PackageSummary, FormatError> {
    let has = |name: &str| found.members.iter().any(|m| m.path == name);
    if !has(MANIFEST_NAME) && !has(GRAPH_NAME) {
        return Err(bad(
            path,
            format!(
                "{}/ holds neither {MANIFEST_NAME} nor {GRAPH_NAME}: it is another kind of archive",
                found.top
            ),
        ));
    }
    let mut warnings = found.warnings.clone();
    let json = |name: &str, warnings: &mut Vec<String>| -> Option<Value> {
        let bytes = found.texts.get(name)?;
        match serde_json::from_slice(bytes) {
            Ok(value) => Some(value),
            Err(e) => {
                warnings.push(format!("{name} is not valid JSON and was ignored ({e})"));
                None
            }
        }
    };
    let manifest = json(MANIFEST_NAME, &mut warnings)
        .and_then(|m| m.get("items").and_then(Value::as_object).cloned())
        .unwrap_or_default();
    if !has(MANIFEST_NAME) {
        warnings.push(format!(
            "there is no {MANIFEST_NAME} (Esri's importer needs one)"
        ));
    }
    let sidecar = json(SIDECAR_NAME, &mut warnings).and_then(|v| {
        serde_json::from_value::<Sidecar>(v)
            .map_err(|e| warnings.push(format!("{SIDECAR_NAME} was not understood ({e})")))
            .ok()
    });
    let hidden: Vec<&str> = sidecar
        .iter()
        .flat_map(|s| s.flat_copies.iter().map(|(copy, _)| copy.as_str()))
        .collect();
    let mut items = Vec::new();
    for id in item_ids(&found, &manifest) {
        if !found
            .members
            .iter()
            .any(|m| m.path.starts_with(&format!("{id}/")))
        {
            warnings.push(format!("item {id} is in {MANIFEST_NAME} but has no folder"));
            continue;
        }
        items.push(item(&found, &id, manifest.get(&id), &hidden, &mut warnings));
    }
    let edges = edges(&found, &items, &mut warnings);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(found.top.as_str()) {
        warnings.push(format!(
            "the file was renamed: its top folder is {:?}; Esri's importer finds the folder by \
             the file name and fails unless the file is named {}.contentexport",
            found.top, found.top
        ));
    }
    let source = manifest
        .values()
        .find_map(|e| e.get("source").and_then(Value::as_str))
        .map(str::to_string);
    Ok(PackageSummary {
        path: path.to_path_buf(),
        top_folder: found.top,
        source,
        items,
        edges,
        sidecar,
        warnings,
    })
}

/// Item ids: manifest order first, then other folders in archive order.
fn item_ids(found: &Scan, manifest: &Map<String, Value>) -> Vec<String> {
    let mut ids: Vec<String> = manifest.keys().cloned().collect();
    let folders = found
        .members
        .iter()
        .map(|m| m.path.as_str())
        .chain(found.dirs.iter().map(String::as_str))
        .filter_map(|p| p.split_once('/').map(|(first, _)| first));
    for folder in folders {
        if !ids.iter().any(|i| i == folder) {
            ids.push(folder.to_string());
        }
    }
    ids
}

/// One item folder.
fn item(
    found: &Scan,
    id: &str,
    manifest_entry: Option<&Value>,
    hidden: &[&str],
    warnings: &mut Vec<String>,
) -> PackageItem {
    let prefix = format!("{id}/");
    let files: Vec<(String, u64)> = found
        .members
        .iter()
        .filter(|m| !hidden.contains(&m.path.as_str()))
        .filter_map(|m| {
            m.path
                .strip_prefix(&prefix)
                .map(|rel| (rel.to_string(), m.size))
        })
        .collect();
    let props_path = format!("{prefix}{PROPERTIES_NAME}");
    let properties = match found
        .texts
        .get(&props_path)
        .map(|b| serde_json::from_slice(b))
    {
        Some(Ok(value)) => value,
        Some(Err(e)) => {
            warnings.push(format!("{props_path} is not valid JSON ({e})"));
            Value::Null
        }
        None => {
            warnings.push(format!("item {id} has no {PROPERTIES_NAME}"));
            Value::Null
        }
    };
    if properties.is_object() && properties.get("origin_item_type").is_none() {
        warnings.push(format!(
            "item {id} has no origin_item_type (written by arcgis 2.4.1-2.4.3); Esri's 2.4.4 \
             importer cannot import it unless it is a service"
        ));
    }
    let item_type = properties
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if is_disallowed(item_type) {
        warnings.push(format!(
            "item {id} is a {item_type}, a type Esri's importer refuses"
        ));
    }
    let text = |key: &str| {
        properties
            .get(key)
            .or_else(|| manifest_entry.and_then(|m| m.get(key)))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let resource_list = found
        .texts
        .get(&format!("{prefix}{RESOURCES_LIST}"))
        .and_then(|b| serde_json::from_slice::<Map<String, Value>>(b).ok())
        .unwrap_or_default();
    PackageItem {
        id: id.to_string(),
        title: text("title"),
        item_type: text("type"),
        resources: resources(id, &files, &resource_list, warnings),
        thumbnail: thumbnail(id, &files, &properties, warnings),
        files,
        properties,
    }
}

/// Resources by full path: `resources.json` keys matched to files (full path first, then the
/// basename Esri's writer flattens to), then unlisted files under `resources/`.
fn resources(
    id: &str,
    files: &[(String, u64)],
    listed: &Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Vec<(String, String)> {
    let exists = |rel: &str| files.iter().any(|(f, _)| f == rel);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut flattened = false;
    for key in listed.keys() {
        let base = key.rsplit('/').next().unwrap_or(key);
        let candidates = [
            format!("resources/{key}"),
            format!("resources/{base}"),
            format!("resources/{}", base.replace(' ', "%20")),
        ];
        match candidates.iter().find(|c| exists(c)) {
            Some(file) => {
                flattened |= key.contains('/') && *file != candidates[0];
                out.push((key.clone(), file.clone()));
            }
            None => warnings.push(format!("item {id}: resource {key} is listed but missing")),
        }
    }
    if flattened {
        warnings.push(format!(
            "item {id}: resources are stored flattened (Esri's writer); folders come from \
             resources.json and same-named resources may have overwritten each other"
        ));
    }
    for (rel, _) in files {
        let Some(resource) = rel.strip_prefix("resources/") else {
            continue;
        };
        if rel != RESOURCES_LIST && !out.iter().any(|(_, f)| f == rel) {
            out.push((resource.to_string(), rel.clone()));
        }
    }
    out
}

/// The thumbnail file: `files/<basename of properties.thumbnail>`, else the one other file in
/// `files/` (Esri's writer cuts long names).
fn thumbnail(
    id: &str,
    files: &[(String, u64)],
    properties: &Value,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let wanted = properties.get("thumbnail").and_then(Value::as_str)?;
    let base = wanted.rsplit('/').next().unwrap_or(wanted);
    let exact = format!("files/{base}");
    if files.iter().any(|(f, _)| *f == exact) {
        return Some(exact);
    }
    let others: Vec<&String> = files
        .iter()
        .map(|(f, _)| f)
        .filter(|f| f.starts_with("files/") && f.as_str() != "files/metadata.xml")
        .collect();
    match others.as_slice() {
        [one] => {
            warnings.push(format!("item {id}: thumbnail {base} is stored as {one}"));
            Some((*one).clone())
        }
        _ => {
            warnings.push(format!("item {id}: thumbnail {base} is missing"));
            None
        }
    }
}

/// The edges of `graph.gml`, or else the `contains` lists of each `relationships.json`; warns
/// about graph nodes without a folder.
fn edges(found: &Scan, items: &[PackageItem], warnings: &mut Vec<String>) -> Vec<(String, String)> {
    let text = found
        .texts
        .get(GRAPH_NAME)
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let graph = match text.map(|t| parse_gml(&t)) {
        Some(Ok(graph)) => Some(graph),
        Some(Err(e)) => {
            warnings.push(format!(
                "{GRAPH_NAME} is not readable ({e}); edges come from {RELATIONSHIPS_NAME}"
            ));
            None
        }
        None => {
            warnings.push(format!(
                "there is no {GRAPH_NAME}; edges come from {RELATIONSHIPS_NAME}"
            ));
            None
        }
    };
    if let Some(graph) = graph {
        for node in &graph.nodes {
            if !items.iter().any(|i| i.id == node.label) {
                warnings.push(format!(
                    "graph node {} has no item folder (importers skip it)",
                    node.label
                ));
            }
        }
        return graph.edges;
    }
    let mut edges = Vec::new();
    for item in items {
        let path = format!("{}/{RELATIONSHIPS_NAME}", item.id);
        let contains = found
            .texts
            .get(&path)
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .and_then(|v| v.get("contains").and_then(Value::as_array).cloned())
            .unwrap_or_default();
        for target in contains.iter().filter_map(Value::as_str) {
            edges.push((item.id.clone(), target.to_string()));
        }
    }
    edges
}
