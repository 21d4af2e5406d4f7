//! The restore inputs read into one model: every item a set of backup files holds, whatever
//! the format (our per-item ZIP with its manifest, the original utility's ZIP layout,
//! `.contentexport` packages written by us or by Esri's Python API). Files are extracted safely
//! into a work folder and the model points at the extracted files, so the restore streams
//! uploads from disk. [`list_inputs`] lists what the inputs hold without extracting anything
//! (the Restore tab and `inspect`). Depends on `formats` only; knows nothing of the portal.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::formats::archive::{ItemStatus, LayerCount};
use crate::formats::names::safe_file_stem;

mod archive;
mod common;
mod detect;
mod listing;
mod original;
mod package;
mod unzip;

/// The format an input file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Our per-item ZIP (has `manifest.json`).
    Archive,
    /// The original Python utility's ZIP (`<title>_metadata.json` ...).
    OriginalZip,
    /// A `.contentexport` package (ours or Esri's).
    ContentExport,
}

/// An item's data, as backed up.
#[derive(Debug, Clone, PartialEq)]
pub enum DataPayload {
    /// JSON data (web map, app, dashboard ...), the extracted file.
    Json(PathBuf),
    /// A file item's file, with the file name the portal knew it by.
    File {
        /// The extracted file.
        path: PathBuf,
        /// Its original file name.
        name: String,
    },
}

/// One resource file, with its full relative path in the item's resources.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceFile {
    /// Relative path inside the item's resources (`folder/name.ext`).
    pub path: String,
    /// The extracted file.
    pub file: PathBuf,
}

/// A relationship of the item, as backed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Relationship type (`Map2Service`, `Service2Data` ...).
    pub rel_type: String,
    /// True when this item is the origin (forward), false when it is the destination.
    pub forward: bool,
    /// The other item's backed-up id.
    pub other_id: String,
}

/// A group the item was shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    /// Group id on the source portal.
    pub id: String,
    /// Group title (groups are matched by id, then by title).
    pub title: String,
}

/// Sharing and protection, as backed up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharingInfo {
    /// `private`, `shared`, `org` or `public`.
    pub access: String,
    /// Groups it was shared with.
    pub groups: Vec<GroupRef>,
    /// `org_authoritative`, `public_authoritative`, `deprecated` or `None`.
    pub content_status: Option<String>,
    /// Delete protection.
    pub protected: bool,
}

/// A hosted feature layer's service and data, as backed up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceBackup {
    /// The feature service JSON (`service/service.json`), when backed up.
    pub service: Option<Value>,
    /// Layer and table definitions (`service/layers/<id>.json`).
    pub layers: Vec<Value>,
    /// The export file (File Geodatabase ZIP, shapefile ZIP ...) and its export format name.
    pub export: Option<(PathBuf, String)>,
    /// The replica JSON (`replica/replica.json`), when the data came by createReplica.
    pub replica: Option<PathBuf>,
    /// GeoJSON per layer id (the query fallback).
    pub geojson: Vec<(i64, PathBuf)>,
    /// The extracted folder of attachments, when any were backed up.
    pub attachments: Option<PathBuf>,
    /// Feature and attachment counts per layer at backup time.
    pub counts: Vec<LayerCount>,
    /// For a view: its view definition (`view_props`), to recreate the view on its source.
    pub view: Option<Value>,
}

/// One backed-up item, ready to restore.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceItem {
    /// The id it had on the source portal.
    pub old_id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// Owner on the source portal.
    pub owner: String,
    /// Folder title on the source portal (`None`: root).
    pub folder: Option<String>,
    /// The input file it comes from.
    pub source: PathBuf,
    /// The input's format.
    pub format: SourceFormat,
    /// The full item JSON (properties) as backed up.
    pub item: Value,
    /// Data, when the item has any.
    pub data: Option<DataPayload>,
    /// Thumbnail file.
    pub thumbnail: Option<PathBuf>,
    /// `metadata.xml`.
    pub metadata: Option<PathBuf>,
    /// Resources with their full paths.
    pub resources: Vec<ResourceFile>,
    /// Relationships.
    pub related: Vec<Relation>,
    /// Sharing, when backed up.
    pub sharing: Option<SharingInfo>,
    /// Service and data of a hosted feature layer (or view).
    pub service: Option<ServiceBackup>,
    /// The backed-up ids this item needs (from the manifest or the package graph).
    pub dependencies: Vec<String>,
    /// Whether the backup of this item was complete, and why not.
    pub backup_status: ItemStatus,
    /// Reasons the backup was partial.
    pub backup_reasons: Vec<String>,
    /// SHA-256 (hex) of each restorable artefact as backed up, by a key the restore's
    /// verification uses: `data`, `thumbnail`, `metadata`, `resources/<path>`.
    pub hashes: Vec<(String, String)>,
}

/// Every item the inputs hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackupSet {
    /// The items (one per old id; a later, newer backup of the same id wins).
    pub items: Vec<SourceItem>,
    /// The source portal URL recorded in the backups, when known (for URL rewriting).
    pub source_portal: Option<String>,
    /// What could not be read, one line per problem (the file, what is wrong, what to do).
    pub problems: Vec<String>,
}

/// One item as listed without extracting.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedItem {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// Bytes the item takes in the file.
    pub size: u64,
    /// Ids it needs.
    pub dependencies: Vec<String>,
    /// Complete or partial backup.
    pub status: ItemStatus,
    /// The files the item has in the input (path inside it, bytes).
    pub files: Vec<(String, u64)>,
}

/// What one input file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct InputListing {
    /// The file.
    pub path: PathBuf,
    /// Its format, when recognised.
    pub format: Option<SourceFormat>,
    /// Its items.
    pub items: Vec<ListedItem>,
    /// `Some(true)` when every checksum verified, `Some(false)` when one did not, `None` when
    /// the file carries none (the original utility's ZIPs, Esri's packages).
    pub verified: Option<bool>,
    /// What is wrong with it (unreadable, foreign, checksum mismatches ...).
    pub problems: Vec<String>,
    /// False when the file could not be read as a backup at all (`problems` says why).
    pub readable: bool,
    /// One line saying what the file is (`agol-backup archive from ...`).
    pub description: String,
    /// Tolerated defects (Esri's package quirks, a renamed package ...), one sentence each.
    pub warnings: Vec<String>,
    /// Items the file says it could not hold, one line each (`<id> <title> (<reason>)`).
    pub not_included: Vec<String>,
    /// Entries (or members) and bytes re-read by the checksum verification.
    pub checked: Option<(usize, u64)>,
}

/// The backup files named by `paths`: files as given, folders by their `.zip` and
/// `.contentexport` files (sorted, hidden and partial files left out).
///
/// # Errors
/// A path does not exist or a folder cannot be listed.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    detect::input_files(paths)
}

/// Lists what each input holds, without extracting (and verifies checksums where the file
/// carries them).
///
/// # Errors
/// A path does not exist (an unreadable file is listed with its problem instead).
pub fn list_inputs(paths: &[PathBuf]) -> Result<Vec<InputListing>, String> {
    Ok(input_files(paths)?
        .iter()
        .map(|f| listing::list(f))
        .collect())
}

/// Reads every input into one [`BackupSet`], extracting each file safely into its own folder
/// under `work_dir` (which the caller creates and removes).
///
/// # Errors
/// No input could be read at all (a file that cannot be read is a `problems` line instead).
pub fn read_inputs(paths: &[PathBuf], work_dir: &Path) -> Result<BackupSet, String> {
    let files = input_files(paths)?;
    if files.is_empty() {
        return Err("no backup files (.zip or .contentexport) were given".into());
    }
    let mut set = BackupSet::default();
    let mut read_any = false;
    for (n, file) in files.iter().enumerate() {
        let stem = file
            .file_stem()
            .map(|s| safe_file_stem(&s.to_string_lossy(), 40))
            .unwrap_or_default();
        let dir = work_dir.join(format!("{}-{stem}", n + 1));
        match read_one(file, &dir) {
            Ok(read) => {
                read_any = true;
                merge(&mut set, read);
            }
            Err(problem) => set.problems.push(format!("{}: {problem}", file.display())),
        }
    }
    if read_any {
        Ok(set)
    } else {
        Err(set.problems.join("\n"))
    }
}

/// Reads one input file of whatever format into `dir`.
fn read_one(file: &Path, dir: &Path) -> Result<common::Read, String> {
    match detect::sniff(file)? {
        SourceFormat::Archive => archive::read(file, dir),
        SourceFormat::ContentExport => package::read(file, dir),
        SourceFormat::OriginalZip => original::read(file, dir),
    }
}

/// Adds what one file held to the set: one item per old id, the newer backup (by the item's
/// `modified`, then by input order) winning.
fn merge(set: &mut BackupSet, read: common::Read) {
    if set.source_portal.is_none() {
        set.source_portal = read.source_portal;
    }
    set.problems.extend(read.problems);
    for item in read.items {
        let modified = |i: &SourceItem| i.item["modified"].as_i64().unwrap_or(0);
        match set.items.iter_mut().find(|i| i.old_id == item.old_id) {
            Some(old) if modified(old) <= modified(&item) => *old = item,
            Some(_) => {}
            None => set.items.push(item),
        }
    }
}
