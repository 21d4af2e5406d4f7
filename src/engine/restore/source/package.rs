//! `.contentexport` packages (ours and Esri's, protocol reference §9) read into
//! [`SourceItem`]s: per item folder `properties.json` (the full item JSON), `relationships.json`,
//! `files/` (thumbnail, `metadata.xml`), `resources/` (full paths from `resources.json`, Esri's
//! flattened names mapped back by `formats::contentexport`), `data/` (`structure.json`, a file,
//! or for services the export with `flc_props.json`, `view_props.json` and
//! `layer_<id>_props.json`), the graph edges as dependencies and our sidecar's status, counts,
//! hashes and (our packages only) sharing and folder. Extraction is `formats::contentexport::extract_package` (refuses unsafe members).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::common::{self, Read, json_or_note};
use super::{DataPayload, ResourceFile, ServiceBackup, SharingInfo, SourceFormat, SourceItem};
use crate::formats::archive::ItemStatus;
use crate::formats::contentexport::{
    PackageItem, PackageItemReport, PackageSummary, RELATIONSHIPS_NAME, Sidecar, extract_package,
    read_package,
};

/// Reads the package at `path`, extracting it into `dir`.
pub(super) fn read(path: &Path, dir: &Path) -> Result<Read, String> {
    let summary = read_package(path).map_err(|e| e.to_string())?;
    let root = extract_package(path, dir).map_err(|e| format!("not extracted: {e}"))?;
    let mut out = Read {
        source_portal: summary
            .source
            .clone()
            .or_else(|| summary.sidecar.as_ref().map(|s| s.source.clone()))
            .filter(|s| !s.is_empty()),
        ..Read::default()
    };
    for w in &summary.warnings {
        if w.contains("has no folder") {
            out.problems.push(format!("{}: {w}", path.display()));
        }
    }
    for n in summary.sidecar.iter().flat_map(|s| &s.not_included) {
        out.problems.push(format!(
            "{}: item {} ({}) is not in the package: {}",
            path.display(),
            n.item_id,
            n.title,
            n.reason
        ));
    }
    for pi in &summary.items {
        let item = item(path, &root.join(&pi.id), pi, &summary, &mut out.problems);
        out.items.push(item);
    }
    Ok(out)
}

/// One item folder.
fn item(
    path: &Path,
    folder: &Path,
    pi: &PackageItem,
    summary: &PackageSummary,
    problems: &mut Vec<String>,
) -> SourceItem {
    let mut item = pi.properties.clone();
    if !item.is_object() {
        item = json!({"id": pi.id, "title": pi.title, "type": pi.item_type});
    }
    let report = summary
        .sidecar
        .as_ref()
        .and_then(|s| s.items.iter().find(|r| r.item_id == pi.id));
    let related = json_or_note(&folder.join(RELATIONSHIPS_NAME), problems)
        .map(|r| common::relations_by_type(&r["related_items"]))
        .unwrap_or_default();
    let mut dependencies: Vec<String> = Vec::new();
    for (_, target) in summary.edges.iter().filter(|(s, _)| *s == pi.id) {
        if !dependencies.contains(target) {
            dependencies.push(target.clone());
        }
    }
    let resources: Vec<ResourceFile> = pi
        .resources
        .iter()
        .map(|(full, rel)| ResourceFile {
            path: full.clone(),
            file: join(folder, rel),
        })
        .collect();
    let data = DataFiles::of(folder, pi, &item, problems);
    let metadata = pi
        .files
        .iter()
        .any(|(f, _)| f == "files/metadata.xml")
        .then(|| folder.join("files").join("metadata.xml"));
    let hashes = summary
        .sidecar
        .as_ref()
        .map(|s| hashes(s, pi, &data.data_rel))
        .unwrap_or_default();
    // Our packages keep the backed-up sharing (groups, folder) in the sidecar; Esri's have
    // only the item's access level.
    let kept = report.and_then(|r| r.sharing.as_ref());
    let sharing = Some(match kept {
        Some(s) => common::sharing(s),
        None => SharingInfo {
            groups: Vec::new(),
            ..common::sharing(&item)
        },
    });
    let folder_title = kept
        .and_then(|s| s["folder"]["title"].as_str())
        .map(str::to_string);
    let service = data.service(report, &item);
    SourceItem {
        old_id: pi.id.clone(),
        title: pi.title.clone(),
        item_type: pi.item_type.clone(),
        owner: common::text(&item, "owner"),
        folder: folder_title,
        source: path.to_path_buf(),
        format: SourceFormat::ContentExport,
        data: data.data,
        thumbnail: pi.thumbnail.as_deref().map(|t| join(folder, t)),
        metadata,
        resources,
        related,
        sharing,
        service,
        dependencies,
        backup_status: report.map_or(ItemStatus::Complete, |r| r.status.clone()),
        backup_reasons: report.map(|r| r.reasons.clone()).unwrap_or_default(),
        hashes,
        item,
    }
}

/// `folder/rel` with `rel` `/`-separated.
fn join(folder: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(folder.to_path_buf(), |p, s| p.join(s))
}

/// What an item's `data/` folder holds.
#[derive(Default)]
struct DataFiles {
    /// The item data.
    data: Option<DataPayload>,
    /// Its path relative to the item folder.
    data_rel: Option<String>,
    /// `flc_props.json`.
    flc: Option<Value>,
    /// `view_props.json`.
    view: Option<Value>,
    /// `layer_<id>_props.json`, by id.
    layers: Vec<(i64, Value)>,
    /// The export of a hosted layer.
    export: Option<(PathBuf, String)>,
}

impl DataFiles {
    /// Sorts the files of `data/`.
    fn of(folder: &Path, pi: &PackageItem, item: &Value, problems: &mut Vec<String>) -> Self {
        let mut out = Self::default();
        let service = common::is_service(item);
        for (rel, _) in &pi.files {
            let Some(name) = rel.strip_prefix("data/") else {
                continue;
            };
            let file = join(folder, rel);
            if name == "structure.json" {
                out.data = Some(DataPayload::Json(file));
                out.data_rel = Some(rel.clone());
            } else if name == "flc_props.json" {
                out.flc = json_or_note(&file, problems);
            } else if name == "view_props.json" {
                out.view = json_or_note(&file, problems);
            } else if let Some(id) = common::layer_id(name, "layer_", "_props.json") {
                out.layers
                    .extend(json_or_note(&file, problems).map(|v| (id, v)));
            } else if service {
                let format = item["data_item_type"]
                    .as_str()
                    .map_or_else(|| common::export_format_of(name), str::to_string);
                out.export.get_or_insert((file, format));
            } else if out.data.is_none() {
                let name = item["name"]
                    .as_str()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(name)
                    .to_string();
                out.data = Some(DataPayload::File { path: file, name });
                out.data_rel = Some(rel.clone());
            }
        }
        out.layers.sort_by_key(|(id, _)| *id);
        out
    }

    /// The service part, when the item is a service with anything backed up.
    fn service(&self, report: Option<&PackageItemReport>, item: &Value) -> Option<ServiceBackup> {
        let counts = report.map(|r| r.layers.clone()).unwrap_or_default();
        if self.flc.is_none() && self.view.is_none() && self.export.is_none() {
            return None;
        }
        let view = self
            .view
            .clone()
            .or_else(|| self.flc.clone().filter(|_| common::is_view(item)));
        Some(ServiceBackup {
            service: self.flc.clone().or_else(|| self.view.clone()),
            layers: self.layers.iter().map(|(_, v)| v.clone()).collect(),
            export: self.export.clone(),
            replica: None,
            geojson: Vec::new(),
            attachments: None,
            counts,
            view,
        })
    }
}

/// `data`, `thumbnail`, `metadata`, `resources/<path>` -> SHA-256, from our sidecar.
fn hashes(sidecar: &Sidecar, pi: &PackageItem, data_rel: &Option<String>) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = Vec::new();
    if let Some(rel) = data_rel {
        keys.push((rel.clone(), "data".into()));
    }
    if let Some(t) = &pi.thumbnail {
        keys.push((t.clone(), "thumbnail".into()));
    }
    keys.push(("files/metadata.xml".into(), "metadata".into()));
    for (full, rel) in &pi.resources {
        keys.push((rel.clone(), format!("resources/{full}")));
    }
    let mut out = Vec::new();
    for (rel, key) in keys {
        let member = format!("{}/{rel}", pi.id);
        if let Some(m) = sidecar.members.iter().find(|m| m.path == member) {
            out.push((key, m.sha256.clone()));
        }
    }
    out
}
