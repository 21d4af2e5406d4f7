//! The original Python utility's ZIP (its README's "Standard .zip format"): per item folder
//! `<title>_metadata_full.json` (the full item JSON, preferred) or `<title>_metadata.json`,
//! `<title>_data.json`, the thumbnail under its portal name, `resources.zip` (a nested ZIP,
//! extracted safely too), `<title>_relationships.json`, `*_export.zip` / `*_replica.gdb.zip`
//! (a hosted layer's data) and `backup_log.txt`, possibly under one top folder
//! `<title>_<ts>/`. Its bug B4 (a file item's `_data.json` holding only a local temp path) is
//! reported as missing data, never restored as the item's data.

use std::path::Path;

use serde_json::Value;

use super::common::{self, Read};
use super::unzip::{self, Extracted};
use super::{DataPayload, ResourceFile, ServiceBackup, SourceFormat, SourceItem};
use crate::formats::archive::ItemStatus;

/// Reads the ZIP at `path`, extracting it into `dir`.
pub(super) fn read(path: &Path, dir: &Path) -> Result<Read, String> {
    let files = unzip::extract(path, &dir.join("zip"))?;
    let mut out = Read::default();
    let mut folders: Vec<String> = files
        .iter()
        .filter(|f| super::detect::is_original_metadata(&f.raw))
        .map(|f| parent(&f.raw).to_string())
        .collect();
    folders.sort();
    folders.dedup();
    for (n, folder) in folders.iter().enumerate() {
        let here: Vec<&Extracted> = files.iter().filter(|f| parent(&f.raw) == folder).collect();
        let resources_dir = dir.join(format!("resources-{}", n + 1));
        match item(path, &here, &resources_dir, &mut out.problems) {
            Ok(item) => out.items.push(item),
            Err(e) => out
                .problems
                .push(format!("{}: {folder:?}: {e}", path.display())),
        }
    }
    if out.items.is_empty() && !out.problems.is_empty() {
        return Err(out.problems.join("; "));
    }
    Ok(out)
}

/// The folder part of an entry name (`""` at the top).
fn parent(raw: &str) -> &str {
    raw.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The base name of an entry name.
fn base(raw: &str) -> String {
    raw.rsplit('/').next().unwrap_or(raw).to_string()
}

/// The file among `files` whose base name ends with `suffix` (ASCII case ignored).
fn ending<'a>(files: &[&'a Extracted], suffix: &str) -> Option<&'a Extracted> {
    files
        .iter()
        .find(|f| base(&f.raw).to_ascii_lowercase().ends_with(suffix))
        .copied()
}

/// The item JSON: `_metadata_full.json`, else `_metadata.json`.
fn item_json(files: &[&Extracted], problems: &mut Vec<String>) -> Result<Value, String> {
    for suffix in ["_metadata_full.json", "_metadata.json"] {
        let Some(f) = ending(files, suffix) else {
            continue;
        };
        match common::json_or_note(&f.file, problems) {
            Some(v) if v["id"].is_string() => return Ok(v),
            _ => problems.push(format!("{} is not an item's JSON", f.raw)),
        }
    }
    Err("no readable <title>_metadata.json: the item cannot be restored".into())
}

/// One item folder of the ZIP.
fn item(
    path: &Path,
    files: &[&Extracted],
    resources_dir: &Path,
    problems: &mut Vec<String>,
) -> Result<SourceItem, String> {
    let item = item_json(files, problems)?;
    let title = common::text(&item, "title");
    let mut reasons = Vec::new();
    let data = data(files, &item, &mut reasons, problems);
    let thumbnail = files
        .iter()
        .filter(|f| common::is_image(&base(&f.raw)))
        .min_by_key(|f| !base(&f.raw).to_ascii_lowercase().starts_with("thumbnail"))
        .map(|f| f.file.clone());
    let resources = match files.iter().find(|f| base(&f.raw) == "resources.zip") {
        Some(zip) => resources(&zip.file, resources_dir, &mut reasons),
        None => Vec::new(),
    };
    let related = ending(files, "_relationships.json")
        .and_then(|f| common::json_or_note(&f.file, problems))
        .map(|r| common::relations(&r))
        .unwrap_or_default();
    let service = service(files, &item, &mut reasons);
    for r in &reasons {
        problems.push(format!("{}: {title}: {r}", path.display()));
    }
    let sharing = item.get("access").map(|_| common::sharing(&item));
    Ok(SourceItem {
        old_id: common::text(&item, "id"),
        title,
        item_type: common::text(&item, "type"),
        owner: common::text(&item, "owner"),
        folder: None,
        source: path.to_path_buf(),
        format: SourceFormat::OriginalZip,
        data,
        thumbnail,
        metadata: None,
        resources,
        dependencies: related
            .iter()
            .filter(|r| r.forward)
            .map(|r| r.other_id.clone())
            .collect(),
        related,
        sharing,
        service,
        backup_status: if reasons.is_empty() {
            ItemStatus::Complete
        } else {
            ItemStatus::Partial
        },
        backup_reasons: reasons,
        hashes: Vec::new(),
        item,
    })
}

/// The item data: `<title>_data.json` (unless it is bug B4's local path) or the item's own file.
fn data(
    files: &[&Extracted],
    item: &Value,
    reasons: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Option<DataPayload> {
    let own_file = item["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .and_then(|name| files.iter().find(|f| base(&f.raw) == name))
        .map(|f| DataPayload::File {
            path: f.file.clone(),
            name: base(&f.raw),
        });
    let json = ending(files, "_data.json")?;
    match common::json_or_note(&json.file, problems) {
        Some(Value::String(local)) if own_file.is_none() => {
            reasons.push(format!(
                "the data is not in the backup: the original utility saved only the local path \
                 {local:?} instead of the file (its bug B4); restore the file by hand"
            ));
            None
        }
        Some(Value::Null | Value::String(_)) => own_file,
        Some(Value::Object(m)) if m.is_empty() => own_file,
        Some(_) => Some(DataPayload::Json(json.file.clone())),
        None => own_file,
    }
}

/// The files of the nested `resources.zip`, extracted into `dir`, with their full paths.
fn resources(zip: &Path, dir: &Path, reasons: &mut Vec<String>) -> Vec<ResourceFile> {
    match unzip::extract(zip, dir) {
        Ok(files) => files
            .into_iter()
            .map(|f| ResourceFile {
                path: f.raw,
                file: f.file,
            })
            .collect(),
        Err(e) => {
            reasons.push(format!("resources.zip not restorable: {e}"));
            Vec::new()
        }
    }
}

/// The export (or replica) of a hosted layer; a hosted layer without one is partial.
fn service(files: &[&Extracted], item: &Value, reasons: &mut Vec<String>) -> Option<ServiceBackup> {
    let export = ending(files, "_export.zip").or_else(|| ending(files, "_replica.gdb.zip"));
    let hosted = item["url"]
        .as_str()
        .is_some_and(|u| u.contains("/FeatureServer"))
        && common::is_service(item);
    if export.is_none() {
        if hosted {
            reasons.push(
                "no layer data in the backup (the original utility's export and replica \
                 failed or were skipped)"
                    .into(),
            );
        }
        return None;
    }
    Some(ServiceBackup {
        export: export.map(|f| (f.file.clone(), "File Geodatabase".to_string())),
        ..ServiceBackup::default()
    })
}
