//! The `.contentexport` package of Esri's OfflineContentManager (protocol reference §9),
//! written and read natively: a gzip-compressed tar whose single top-level folder equals the
//! file stem, holding `manifest.json`, `graph.gml` and one folder per item
//! (`properties.json`, `relationships.json`, `files/`, `resources/`, `data/`).
//!
//! [`PackageWriter`] streams a package into a hidden temporary file and renames it when
//! finished; [`read_package`] lists what a package holds (ours or Esri's, tolerating the
//! defects of §9.6), [`extract_package`] unpacks it safely and [`verify_package`] re-checks the
//! checksums of our sidecar. The sidecar, `agol-backup.json` inside the top folder, lists every
//! member with its size and SHA-256 plus the per-item counts the caller passes; Esri's importer
//! only opens `manifest.json`, `graph.gml` and the folders of graph nodes, so it ignores it.
//! This module owns the package layout only: no network, no engine, no UI.

mod finish;
mod from_archives;
mod gml;
mod item;
mod json;
pub mod kinds;
mod naming;
mod reader;
mod scan;
mod service_props;
mod summary;
mod verify;
mod writer;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::archive::{ItemStatus, LayerCount};

pub use from_archives::{package_from_archives, package_from_archives_with, package_gaps};
pub use gml::{GmlNode, ParsedGraph, parse_gml, write_gml};
pub use naming::{PackageNaming, package_file_name, package_name};
pub use reader::{PackageItem, PackageSummary, extract_package, read_package};
pub use service_props::ADMIN_SERVICE_ENTRY;
pub use verify::{PackageVerifyReport, verify_package};
pub use writer::{PackageWriter, relationships_json};

/// The file extension of packages, without the dot.
pub const PACKAGE_EXTENSION: &str = "contentexport";
/// The package manifest in the top folder.
pub const MANIFEST_NAME: &str = "manifest.json";
/// The dependency graph in the top folder.
pub const GRAPH_NAME: &str = "graph.gml";
/// Our sidecar in the top folder.
pub const SIDECAR_NAME: &str = "agol-backup.json";
/// The item JSON inside an item folder.
pub const PROPERTIES_NAME: &str = "properties.json";
/// The relationships inside an item folder.
pub const RELATIONSHIPS_NAME: &str = "relationships.json";
/// The resource list inside an item folder.
pub const RESOURCES_LIST: &str = "resources/resources.json";
/// The sidecar format this build writes; newer sidecars are read but flagged.
pub const SIDECAR_FORMAT_VERSION: u32 = 1;

use super::hex;

/// What the caller tells [`PackageWriter::finish`] beyond the files themselves.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PackageManifest {
    /// The portal URL written as every item's `source` in `manifest.json` (the URL the user
    /// connected with, without `/home` or a trailing slash, e.g. `https://www.arcgis.com`).
    pub source: String,
    /// Per-item outcome and counts for the sidecar (items without a report get a complete,
    /// empty one).
    pub items: Vec<PackageItemReport>,
    /// Items the package could not hold, with why (they have no folder and no manifest entry).
    pub not_included: Vec<NotIncluded>,
}

/// The sidecar's record of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageItemReport {
    /// The item id.
    pub item_id: String,
    /// Whether everything was captured.
    pub status: ItemStatus,
    /// Why the item is partial (empty when complete).
    pub reasons: Vec<String>,
    /// How the data was captured, e.g. `export:File Geodatabase`, `json`, `file`.
    pub data_method: Option<String>,
    /// Per-layer counts (feature services only).
    pub layers: Vec<LayerCount>,
    /// The item's sharing as backed up (our archives' `sharing.json`: access, groups, owner,
    /// folder id and title, content status, protection). The format has no place for it, so
    /// only our restore reads it back; `None` in packages written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing: Option<serde_json::Value>,
}

impl PackageItemReport {
    /// A complete report with no counts.
    pub fn complete(item_id: &str) -> Self {
        Self {
            item_id: item_id.to_string(),
            status: ItemStatus::Complete,
            reasons: Vec::new(),
            data_method: None,
            layers: Vec::new(),
            sharing: None,
        }
    }
}

/// An item left out of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotIncluded {
    /// The item id.
    pub item_id: String,
    /// The title, when known.
    pub title: String,
    /// Why it is not in the package.
    pub reason: String,
}

/// One member of a package as the sidecar records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SidecarMember {
    /// The path relative to the top folder, `/`-separated.
    pub path: String,
    /// The size in bytes.
    pub size: u64,
    /// The SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// Our `agol-backup.json` inside a package's top folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    /// The sidecar format; see [`SIDECAR_FORMAT_VERSION`].
    pub format_version: u32,
    /// The tool that wrote it, e.g. `agol-backup 0.1.0 (abc1234567)`.
    pub tool: String,
    /// When the package was finished, `YYYY-MM-DD HH:MM:SS` UTC.
    pub created_utc: String,
    /// The source portal URL.
    pub source: String,
    /// Every member except the sidecar itself, in archive order.
    pub members: Vec<SidecarMember>,
    /// Flattened copies of nested resources written for Esri's importer:
    /// `(copy path, original path)`, both relative to the top folder.
    #[serde(default)]
    pub flat_copies: Vec<(String, String)>,
    /// What a reader should know, one sentence each (e.g. resources without a flat copy).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Per-item outcome and counts.
    pub items: Vec<PackageItemReport>,
    /// Items the package could not hold.
    #[serde(default)]
    pub not_included: Vec<NotIncluded>,
}
