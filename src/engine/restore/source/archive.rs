//! Our per-item ZIP (`formats::archive`) read into a [`SourceItem`]: the manifest (ids, owner,
//! folder, status, counts, dependencies, artefact hashes), `item.json`, `data/`, `thumbnail/`,
//! `metadata/`, `resources/` (full paths from `resources.json`), `related.json`,
//! `sharing.json`, and for hosted layers `service/`, `export/`, `replica/`, `layers/` and
//! `attachments/`. Extraction is `formats::archive::extract_archive` (refuses unsafe entries).

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use super::common::{self, Read, json_or_note};
use super::{DataPayload, ResourceFile, ServiceBackup, SourceFormat, SourceItem};
use crate::formats::archive::{BackupManifest, extract_archive, read_manifest};

/// Reads the archive at `path`, extracting it into `dir`.
pub(super) fn read(path: &Path, dir: &Path) -> Result<Read, String> {
    let manifest = read_manifest(path).map_err(|e| e.to_string())?;
    extract_archive(path, dir).map_err(|e| format!("not extracted: {e}"))?;
    let mut problems = Vec::new();
    let item = json_or_note(&dir.join("item.json"), &mut problems).unwrap_or_else(|| {
        problems.push(format!(
            "{}: item.json is missing; only the manifest's fields are known",
            path.display()
        ));
        json!({"id": manifest.item_id, "title": manifest.title, "type": manifest.item_type,
            "owner": manifest.owner})
    });
    let resources = resources(dir, &mut problems);
    let data = data(dir, &item);
    let thumbnail = common::files_in(&dir.join("thumbnail")).into_iter().next();
    let metadata = Some(dir.join("metadata").join("metadata.xml")).filter(|p| p.is_file());
    let related = json_or_note(&dir.join("related.json"), &mut problems)
        .map(|r| common::relations(&r))
        .unwrap_or_default();
    let sharing =
        json_or_note(&dir.join("sharing.json"), &mut problems).map(|s| common::sharing(&s));
    let service = service(dir, &manifest, &item, &mut problems);
    let hashes = hashes(&manifest, &resources, dir);
    let source_item = SourceItem {
        old_id: manifest.item_id.clone(),
        title: manifest.title.clone(),
        item_type: manifest.item_type.clone(),
        owner: manifest.owner.clone(),
        folder: manifest.folder.clone(),
        source: path.to_path_buf(),
        format: SourceFormat::Archive,
        item,
        data,
        thumbnail,
        metadata,
        resources,
        related,
        sharing,
        service,
        dependencies: manifest.dependencies.clone(),
        backup_status: manifest.status.clone(),
        backup_reasons: manifest.reasons.clone(),
        hashes,
    };
    Ok(Read {
        items: vec![source_item],
        source_portal: Some(manifest.source_portal).filter(|s| !s.is_empty()),
        problems,
    })
}

/// `data/data.json` as JSON, else the one file in `data/` under the item's file name.
fn data(dir: &Path, item: &Value) -> Option<DataPayload> {
    let data_dir = dir.join("data");
    let json = data_dir.join("data.json");
    if json.is_file() {
        return Some(DataPayload::Json(json));
    }
    let path = common::files_in(&data_dir).into_iter().next()?;
    let name = item["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .map_or_else(|| common::file_name(&path), str::to_string);
    Some(DataPayload::File { path, name })
}

/// Archive entry -> full resource path, from `resources/resources.json`.
fn resource_names(dir: &Path, problems: &mut Vec<String>) -> HashMap<String, String> {
    let list = json_or_note(&dir.join("resources").join("resources.json"), problems);
    list.iter()
        .flat_map(|l| l["resources"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| {
            Some((
                r["entry"].as_str()?.to_string(),
                r["resource"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Every resource with its full path (files `resources.json` does not list keep their entry
/// path).
fn resources(dir: &Path, problems: &mut Vec<String>) -> Vec<ResourceFile> {
    let names = resource_names(dir, problems);
    common::walk(&dir.join("resources"))
        .into_iter()
        .filter_map(|file| {
            let entry = common::relative(dir, &file);
            if entry == "resources/resources.json" {
                return None;
            }
            let path = names.get(&entry).cloned().unwrap_or_else(|| {
                entry
                    .strip_prefix("resources/")
                    .unwrap_or(&entry)
                    .to_string()
            });
            Some(ResourceFile { path, file })
        })
        .collect()
}

/// The service, layer definitions and data of a hosted layer, when the archive has any.
fn service(
    dir: &Path,
    manifest: &BackupManifest,
    item: &Value,
    problems: &mut Vec<String>,
) -> Option<ServiceBackup> {
    let service = json_or_note(&dir.join("service").join("service.json"), problems);
    let mut layers: Vec<(i64, Value)> = common::files_in(&dir.join("service").join("layers"))
        .into_iter()
        .filter_map(|f| {
            let id = common::layer_id(&common::file_name(&f), "", ".json")?;
            Some((id, json_or_note(&f, problems)?))
        })
        .collect();
    layers.sort_by_key(|(id, _)| *id);
    let admin_file = dir.join("service").join("admin.json");
    if admin_file.is_file()
        && let Some(admin) = json_or_note(&admin_file, problems)
    {
        add_admin_details(&mut layers, &admin);
    }
    let export = common::files_in(&dir.join("export"))
        .into_iter()
        .next()
        .map(|f| {
            let format = manifest
                .data_method
                .as_deref()
                .and_then(|m| m.strip_prefix("export:"))
                .map_or_else(
                    || common::export_format_of(&common::file_name(&f)),
                    str::to_string,
                );
            (f, format)
        });
    let replica = Some(dir.join("replica").join("replica.json")).filter(|p| p.is_file());
    let geojson: Vec<(i64, std::path::PathBuf)> = common::files_in(&dir.join("layers"))
        .into_iter()
        .filter_map(|f| Some((common::layer_id(&common::file_name(&f), "", ".geojson")?, f)))
        .collect();
    let attachments = Some(dir.join("attachments")).filter(|p| p.is_dir());
    if service.is_none() && export.is_none() && replica.is_none() && geojson.is_empty() {
        return None;
    }
    let view = service.clone().filter(|_| common::is_view(item));
    Some(ServiceBackup {
        service,
        layers: layers.into_iter().map(|(_, v)| v).collect(),
        export,
        replica,
        geojson,
        attachments,
        counts: manifest.layers.clone(),
        view,
    })
}

/// Copies what only the admin service JSON holds (a view's `adminLayerInfo` and
/// `viewDefinitionQuery`: its filter) into the public layer definitions of the same ids.
fn add_admin_details(layers: &mut [(i64, Value)], admin: &Value) {
    let admin_layers = ["layers", "tables"]
        .iter()
        .filter_map(|k| admin[*k].as_array())
        .flatten();
    for a in admin_layers {
        let Some(id) = a["id"].as_i64() else { continue };
        let Some((_, def)) = layers.iter_mut().find(|(l, _)| *l == id) else {
            continue;
        };
        for key in ["adminLayerInfo", "viewDefinitionQuery"] {
            if def.get(key).is_none()
                && let Some(v) = a.get(key).filter(|v| !v.is_null())
            {
                def[key] = v.clone();
            }
        }
    }
}

/// `data`, `thumbnail`, `metadata`, `resources/<path>` -> SHA-256, from the manifest.
fn hashes(
    manifest: &BackupManifest,
    resources: &[ResourceFile],
    dir: &Path,
) -> Vec<(String, String)> {
    let by_entry: HashMap<String, &str> = resources
        .iter()
        .map(|r| (common::relative(dir, &r.file), r.path.as_str()))
        .collect();
    let mut out = Vec::new();
    for a in &manifest.artefacts {
        let key = if let Some(resource) = by_entry.get(&a.path) {
            format!("resources/{resource}")
        } else if a.path.starts_with("data/") {
            "data".into()
        } else if a.path.starts_with("thumbnail/") {
            "thumbnail".into()
        } else if a.path == "metadata/metadata.xml" {
            "metadata".into()
        } else {
            continue;
        };
        out.push((key, a.sha256.clone()));
    }
    out
}
