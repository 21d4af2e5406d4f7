//! The per-item backup ZIP: one archive per item, named by
//! [`backup_file_name`](super::names::backup_file_name), holding the item's artefacts (item
//! JSON, data, layer GeoJSON, attachments, ...) and a `manifest.json` ([`BackupManifest`]) that
//! lists every artefact with its size and SHA-256 plus the feature and attachment counts.
//!
//! [`ArchiveWriter`] streams entries into a hidden temporary file next to the final name and
//! renames it only once the manifest is written and the file is synced, so a crash, a cancel or
//! an error never leaves half an archive under a backup name. [`read_manifest`],
//! [`read_entry`], [`extract_archive`] and [`verify_archive`] read archives back in constant
//! memory. This module owns the archive layout only: it never talks to a portal and never
//! decides what goes into an archive (the engine does).

mod paths;
mod reader;
mod verify;
mod writer;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use paths::check_entry_path;
pub use reader::{extract_archive, manifest_sha256, read_entry, read_manifest};
pub use verify::{VerifyReport, verify_archive};
pub use writer::ArchiveWriter;

/// The manifest format this build writes; archives with a higher version are refused.
pub const ARCHIVE_FORMAT_VERSION: u32 = 1;

/// The name of the manifest entry, always the last entry of an archive.
pub const MANIFEST_NAME: &str = "manifest.json";

/// Whether an item's backup captured everything the portal offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    /// Every artefact was captured and the counts agree with the live service.
    Complete,
    /// Something is missing or disagrees; [`BackupManifest::reasons`] says what.
    Partial,
}

/// One file inside an archive, as recorded by the writer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Artefact {
    /// The entry path inside the archive (`/`-separated, relative).
    pub path: String,
    /// The uncompressed size in bytes.
    pub size: u64,
    /// The SHA-256 of the uncompressed bytes, lower-case hex.
    pub sha256: String,
}

/// What was captured of one layer or table of a feature service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LayerCount {
    /// The layer id within its service.
    pub id: i64,
    /// The layer name.
    pub name: String,
    /// True for a table (no geometry).
    pub is_table: bool,
    /// Features captured in the archive.
    pub features: u64,
    /// What the live service reported after the capture, when asked.
    pub live_features: Option<u64>,
    /// Attachments captured, when the layer has attachments.
    pub attachments: Option<u64>,
    /// What the live service reported for attachments after the capture, when asked.
    pub live_attachments: Option<u64>,
    /// The layer's `editingInfo.lastEditDate` (epoch ms), when known.
    pub last_edit_date: Option<i64>,
}

/// The `manifest.json` of one backup archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// The archive format; [`ArchiveWriter::finish`] sets it to [`ARCHIVE_FORMAT_VERSION`].
    pub format_version: u32,
    /// The tool that wrote it, e.g. `agol-backup 0.1.0 (abc1234567)`.
    pub tool: String,
    /// When the backup was made, `YYYY-MM-DD HH:MM:SS` UTC.
    pub created_utc: String,
    /// The portal the item came from (its base URL).
    pub source_portal: String,
    /// The organisation id, when known.
    pub org_id: Option<String>,
    /// The item id.
    pub item_id: String,
    /// The item type, e.g. `Feature Service`.
    pub item_type: String,
    /// The item title.
    pub title: String,
    /// The item owner.
    pub owner: String,
    /// The owner's folder holding the item, `None` for the root folder.
    pub folder: Option<String>,
    /// The item's `modified` (epoch ms) at backup time.
    pub modified: i64,
    /// Whether everything was captured.
    pub status: ItemStatus,
    /// Why the backup is partial (empty when complete).
    pub reasons: Vec<String>,
    /// How the data was captured, e.g. `export:File Geodatabase`, `replica`, `query`, `file`.
    pub data_method: Option<String>,
    /// Per-layer counts (feature services only).
    pub layers: Vec<LayerCount>,
    /// Ids of the items this item needs (for restore order).
    pub dependencies: Vec<String>,
    /// Every entry except the manifest; filled by [`ArchiveWriter::finish`] (pass an empty Vec).
    pub artefacts: Vec<Artefact>,
}

/// The conventional entry path of a layer's GeoJSON, which [`verify_archive`] recounts.
pub fn layer_geojson_path(layer_id: i64) -> String {
    format!("layers/{layer_id}.geojson")
}

/// The `tool` text for manifests and reports: `agol-backup <version> (<commit>)`.
pub fn tool_name() -> String {
    concat!(
        "agol-backup ",
        env!("CARGO_PKG_VERSION"),
        " (",
        env!("AGOL_BACKUP_COMMIT"),
        ")"
    )
    .to_string()
}
