//! Builds a `.contentexport` package from standard backup archives (one ZIP per item, see
//! [`crate::formats::archive`]): the OCM backup modes capture items the standard way and then
//! convert. Pure file work: it reads the archives and streams their entries into a
//! [`PackageWriter`]; it never touches the network, the engine or the archives themselves.
//!
//! Mapping per archive: `item.json` -> `properties.json`, `thumbnail/<name>` ->
//! `files/<name>`, `metadata/metadata.xml` -> `files/metadata.xml`, resources -> `resources/<full
//! portal path>` (from `resources/resources.json`), `data/data.json` -> `data/structure.json`,
//! other `data/<file>` and `export/<file>` -> `data/<file>`, `service/admin.json` (else
//! `service/service.json` with the full `service/layers/<id>.json`) -> `data/flc_props.json`
//! (views: `data/view_props.json` plus `data/layer_<id>_props.json`, see [`service_props`]),
//! `related.json` -> `relationships.json`, `sharing.json` -> the sidecar's item report (the
//! format has no place for sharing). Layer GeoJSON, attachments and replicas have no place in
//! the format and stay in the archives.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use zip::ZipArchive;

use super::{
    NotIncluded, PackageItemReport, PackageManifest, PackageWriter, relationships_json,
    service_props,
};
use crate::formats::FormatError;
use crate::formats::archive::{BackupManifest, ItemStatus, check_entry_path, read_manifest};

/// An open standard archive.
type Zip = ZipArchive<BufReader<File>>;

/// Builds `dest/<package_name>.contentexport` holding the item of every archive in order, with
/// the dependency `edges` ("source needs target") for `graph.gml` and `relationships.json`.
/// Returns the package path.
///
/// # Errors
/// [`FormatError::BadArchive`] or [`FormatError::Read`] when an archive cannot be read, and the
/// errors of [`PackageWriter`] (an unsafe name, a duplicate item, a write failure).
pub fn package_from_archives(
    archives: &[PathBuf],
    dest: &Path,
    package_name: &str,
    edges: &[(String, String)],
) -> Result<PathBuf, FormatError> {
    package_from_archives_with(archives, dest, package_name, edges, Vec::new())
}

/// [`package_from_archives`] that also records in the sidecar the items left out of the
/// package (e.g. items whose capture failed).
///
/// # Errors
/// As [`package_from_archives`].
pub fn package_from_archives_with(
    archives: &[PathBuf],
    dest: &Path,
    package_name: &str,
    edges: &[(String, String)],
    not_included: Vec<NotIncluded>,
) -> Result<PathBuf, FormatError> {
    let mut writer = PackageWriter::create(dest, package_name)?;
    let mut manifest = PackageManifest {
        source: String::new(),
        items: Vec::with_capacity(archives.len()),
        not_included,
    };
    for path in archives {
        let backup = read_manifest(path)?;
        if manifest.source.is_empty() {
            manifest.source = backup.source_portal.trim_end_matches('/').to_string();
        }
        let (sharing, view_gap) = convert_item(&mut writer, path, &backup, edges)?;
        let gaps: Vec<String> = package_gaps(&backup).into_iter().chain(view_gap).collect();
        let status = if gaps.is_empty() {
            backup.status.clone()
        } else {
            ItemStatus::Partial
        };
        manifest.items.push(PackageItemReport {
            item_id: backup.item_id.clone(),
            status,
            reasons: backup.reasons.iter().cloned().chain(gaps).collect(),
            data_method: backup.data_method.clone(),
            layers: backup.layers.clone(),
            sharing,
        });
    }
    writer.finish(manifest, edges)
}

/// What the package cannot hold of the item an archive captured (empty when it holds all):
/// hosted layer data captured by replica or query instead of an export has no place in the
/// format (only the standard `.zip` keeps it).
pub fn package_gaps(backup: &BackupManifest) -> Vec<String> {
    match backup.data_method.as_deref() {
        Some(method @ ("replica" | "query")) => vec![format!(
            "the layer data was captured by {method}, not exported: the package holds no data \
             for it (use --mode standard to keep it)"
        )],
        _ => Vec::new(),
    }
}

/// Said of a view whose archive lacks the admin service JSON.
const VIEW_WITHOUT_DEFINITION: &str = "the view's definition (its source layer and filter) \
    was not readable by the account that made the backup: Esri's importer skips the view; \
    back it up as its owner or an administrator";

/// Writes the folder of the archive's item; returns its `sharing.json`, when it has one, and
/// what the package lacks for a view backed up without its admin definition.
fn convert_item(
    writer: &mut PackageWriter,
    path: &Path,
    backup: &BackupManifest,
    edges: &[(String, String)],
) -> Result<(Option<Value>, Option<String>), FormatError> {
    let mut zip = open(path)?;
    let sharing = json_entry(&mut zip, path, "sharing.json")?;
    let id = backup.item_id.as_str();
    let mut properties = json_entry(&mut zip, path, "item.json")?.unwrap_or_else(|| json!({}));
    let export_format = backup
        .data_method
        .as_deref()
        .and_then(|m| m.strip_prefix("export:"));
    if let (Some(format), Some(map)) = (export_format, properties.as_object_mut()) {
        map.entry("data_item_type").or_insert_with(|| format.into());
    }
    writer.begin_item(id, &properties)?;
    let is_view = properties["typeKeywords"]
        .as_array()
        .is_some_and(|k| k.iter().any(|k| k == "View Service"));
    let has_definition = backup
        .artefacts
        .iter()
        .any(|a| a.path == super::ADMIN_SERVICE_ENTRY);
    let view_gap = (is_view && !has_definition).then(|| VIEW_WITHOUT_DEFINITION.to_string());
    let resources = resource_names(json_entry(&mut zip, path, "resources/resources.json")?);
    for artefact in &backup.artefacts {
        if service_props::is_service_entry(&artefact.path) {
            continue;
        }
        let target = if let Some(r) = resources.get(&artefact.path) {
            Some(format!("resources/{r}"))
        } else {
            package_path(&artefact.path)
        };
        if let Some(target) = target {
            copy_entry(writer, &mut zip, path, id, &artefact.path, &target)?;
        }
    }
    for (target, value) in service_props::service_files(is_view, |e| json_entry(&mut zip, path, e))?
    {
        let bytes = super::json::to_ascii_pretty(&value).map_err(|e| misuse(&target, &e))?;
        writer.add_file(id, &target, &bytes)?;
    }
    let related = json_entry(&mut zip, path, "related.json")?;
    let related_items = related.as_ref().map(forward_related);
    let relationships = relationships_json(id, edges, related_items.as_ref());
    let bytes = super::json::to_ascii_pretty(&relationships)
        .map_err(|e| misuse(super::RELATIONSHIPS_NAME, &e))?;
    writer.add_file(id, super::RELATIONSHIPS_NAME, &bytes)?;
    Ok((sharing, view_gap))
}

/// Where an archive entry goes in the item folder; `None` for entries the format has no place
/// for (and for the resources, handled by their list).
fn package_path(entry: &str) -> Option<String> {
    if let Some(name) = entry.strip_prefix("thumbnail/") {
        return Some(format!("files/{name}"));
    }
    if entry == "metadata/metadata.xml" {
        return Some("files/metadata.xml".into());
    }
    if entry == "data/data.json" {
        return Some("data/structure.json".into());
    }
    if let Some(name) = entry.strip_prefix("export/") {
        return Some(format!("data/{name}"));
    }
    if entry.starts_with("data/") {
        return Some(entry.to_string());
    }
    None
}

/// Archive entry -> full portal resource path, from the archive's `resources.json`; a path
/// that is not safe in a package keeps the archive's (already safe) name.
fn resource_names(list: Option<Value>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(list) = list else {
        return out;
    };
    for r in list["resources"].as_array().into_iter().flatten() {
        let (Some(resource), Some(entry)) = (r["resource"].as_str(), r["entry"].as_str()) else {
            continue;
        };
        let Some(fallback) = entry.strip_prefix("resources/") else {
            continue;
        };
        let full = if check_entry_path(&format!("resources/{resource}")).is_ok() {
            resource
        } else {
            fallback
        };
        out.insert(entry.to_string(), full.to_string());
    }
    out
}

/// `related.json`'s forward relationships as Esri's `related_items`: `{type: [ids]}`.
fn forward_related(related: &Value) -> Value {
    let mut out = Map::new();
    for group in related["forward"].as_array().into_iter().flatten() {
        let Some(rel) = group["relationshipType"].as_str() else {
            continue;
        };
        let ids: Vec<Value> = group["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["id"].as_str().map(|s| Value::String(s.to_string())))
            .collect();
        out.insert(rel.to_string(), Value::Array(ids));
    }
    Value::Object(out)
}

/// Streams one archive entry into the package.
fn copy_entry(
    writer: &mut PackageWriter,
    zip: &mut Zip,
    path: &Path,
    id: &str,
    entry: &str,
    target: &str,
) -> Result<(), FormatError> {
    let mut file = zip
        .by_name(entry)
        .map_err(|e| bad(path, format!("cannot open entry {entry:?}: {e}")))?;
    let len = file.size();
    writer.add_stream(id, target, len, &mut file as &mut dyn Read)
}

/// The JSON of an entry, `None` when the archive has no such entry.
fn json_entry(zip: &mut Zip, path: &Path, entry: &str) -> Result<Option<Value>, FormatError> {
    let mut file = match zip.by_name(entry) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(bad(path, format!("cannot open entry {entry:?}: {e}"))),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| bad(path, format!("cannot read entry {entry:?}: {e}")))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| bad(path, format!("{entry} is not valid JSON: {e}")))
}

/// Opens a standard archive.
fn open(path: &Path) -> Result<Zip, FormatError> {
    let file = File::open(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| bad(path, format!("not a zip file ({e})")))
}

/// A [`FormatError::BadArchive`].
fn bad(path: &Path, message: String) -> FormatError {
    FormatError::BadArchive {
        path: path.to_path_buf(),
        message,
    }
}

/// A serialisation failure (cannot happen for a `Value`), as writer misuse.
fn misuse(file: &str, e: &std::io::Error) -> FormatError {
    FormatError::WriterMisuse {
        message: format!("{file} could not be serialised: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_map_to_the_package_layout() {
        assert_eq!(package_path("thumbnail/t.png").unwrap(), "files/t.png");
        assert_eq!(
            package_path("data/data.json").unwrap(),
            "data/structure.json"
        );
        assert_eq!(
            package_path("export/a_export.zip").unwrap(),
            "data/a_export.zip"
        );
        assert!(package_path("service/layers/3.json").is_none());
        assert!(package_path("layers/0.geojson").is_none());
        assert!(package_path("sharing.json").is_none());
    }

    #[test]
    fn forward_related_lists_ids_by_type() {
        let related = json!({"forward": [{"relationshipType": "Map2Service",
            "items": [{"id": "a"}, {"id": "b"}]}], "reverse": []});
        assert_eq!(
            forward_related(&related),
            json!({"Map2Service": ["a", "b"]})
        );
    }
}
