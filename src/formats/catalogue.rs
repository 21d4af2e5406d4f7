//! The backup catalogue: `agol-backup-catalogue.json` in a backup destination, remembering per
//! item id the last archive written there and what the item looked like then, so a resumed or
//! `--incremental` run can skip items that are unchanged and still backed up. It is a cache of
//! the archives' manifests: when it is lost, [`find_archive_for`] recovers the same facts from
//! the archives themselves. This module never deletes or rewrites archives.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FormatError;
use super::archive::{BackupManifest, ItemStatus, read_manifest};
use super::atomic::write_atomic;

/// The catalogue format this build writes; files with a higher version are refused.
const CATALOGUE_FORMAT_VERSION: u32 = 1;

/// What the catalogue remembers of one item's last backup in the destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    /// The archive's file name in the destination folder.
    pub archive: String,
    /// The item's `modified` (epoch ms) when it was backed up.
    pub modified: i64,
    /// The latest layer `lastEditDate` (epoch ms) then, for hosted feature layers.
    pub last_edit_date: Option<i64>,
    /// Whether that backup was complete.
    pub status: ItemStatus,
    /// SHA-256 of the archive's `manifest.json`, when known
    /// (see [`manifest_sha256`](super::archive::manifest_sha256)).
    pub sha256_of_manifest: Option<String>,
    /// When the backup was made, `YYYY-MM-DD HH:MM:SS` UTC.
    pub backed_up_utc: String,
}

/// The file as stored.
#[derive(Serialize, Deserialize)]
struct CatalogueFile {
    /// [`CATALOGUE_FORMAT_VERSION`] when written.
    format_version: u32,
    /// Entries by item id.
    items: BTreeMap<String, CatalogueEntry>,
}

/// The catalogue of one destination folder: item id -> [`CatalogueEntry`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    /// Entries by item id (sorted, so the file diffs well).
    entries: BTreeMap<String, CatalogueEntry>,
}

impl Catalogue {
    /// The catalogue's file name inside a destination folder.
    pub const FILE_NAME: &'static str = "agol-backup-catalogue.json";

    /// Loads the catalogue of `dest`; a missing file is an empty catalogue.
    ///
    /// # Errors
    /// [`FormatError::Read`] when the file cannot be read, [`FormatError::Malformed`] when it
    /// is not a catalogue (or one from a newer version), with a hint to delete it.
    pub fn load(dest: &Path) -> Result<Self, FormatError> {
        let path = dest.join(Self::FILE_NAME);
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(FormatError::Read { path, source }),
        };
        let malformed = |line: usize, what: String| FormatError::Malformed {
            path: path.clone(),
            line: line as u64,
            column: None,
            message: format!(
                "{what}; the catalogue only speeds up resumed and incremental backups: \
                 delete it and the next run rebuilds it (every item is then backed up again)"
            ),
        };
        let file: CatalogueFile = serde_json::from_slice(super::strip_bom(&data))
            .map_err(|e| malformed(e.line(), format!("not a valid catalogue: {e}")))?;
        if file.format_version > CATALOGUE_FORMAT_VERSION {
            let what = format!(
                "written by a newer agol-backup (catalogue format {})",
                file.format_version
            );
            return Err(malformed(1, what));
        }
        Ok(Self {
            entries: file.items,
        })
    }

    /// The entry of item `id`, if any.
    pub fn get(&self, id: &str) -> Option<&CatalogueEntry> {
        self.entries.get(id)
    }

    /// Records (or replaces) the entry of item `id`.
    pub fn record(&mut self, id: &str, entry: CatalogueEntry) {
        self.entries.insert(id.to_string(), entry);
    }

    /// Forgets item `id`; returns its entry if there was one.
    pub fn remove(&mut self, id: &str) -> Option<CatalogueEntry> {
        self.entries.remove(id)
    }

    /// Every entry, by item id in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CatalogueEntry)> {
        self.entries.iter().map(|(id, e)| (id.as_str(), e))
    }

    /// The number of items recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no item is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when the last backup of `id` recorded here was complete, its archive still exists in
    /// `dest`, and the item's `modified` and `last_edit_date` are unchanged since.
    pub fn is_current(
        &self,
        dest: &Path,
        id: &str,
        modified: i64,
        last_edit_date: Option<i64>,
    ) -> bool {
        self.get(id).is_some_and(|e| {
            e.status == ItemStatus::Complete
                && e.modified == modified
                && e.last_edit_date == last_edit_date
                && is_plain_file_name(&e.archive)
                && dest.join(&e.archive).is_file()
        })
    }

    /// Writes the catalogue to `dest` atomically.
    ///
    /// # Errors
    /// [`FormatError::Write`] naming the catalogue file; the previous one is then unchanged.
    pub fn save(&self, dest: &Path) -> Result<(), FormatError> {
        let file = CatalogueFile {
            format_version: CATALOGUE_FORMAT_VERSION,
            items: self.entries.clone(),
        };
        write_atomic(&dest.join(Self::FILE_NAME), |out| {
            serde_json::to_writer_pretty(&mut *out, &file)?;
            out.write_all(b"\n")
        })
    }
}

/// Whether `name` names a file directly inside a folder (no separators, not `.`/`..`).
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\', ':']) && name != "." && name != ".."
}

/// The newest finished archive of item `id` in `dest` and its manifest, for resuming after a
/// crash that lost the catalogue. Candidates are files named `*_<id>_<YYYYMMDDTHHMMSSZ>.zip`
/// (hidden temporary and `.partial` files are ignored), newest stamp first; the first whose
/// manifest reads and names `id` wins. `None` when there is none (or `dest` is unreadable).
pub fn find_archive_for(dest: &Path, id: &str) -> Option<(PathBuf, BackupManifest)> {
    // backup_file_name keeps only these characters of an id.
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if clean.is_empty() {
        return None;
    }
    let marker = format!("_{clean}");
    let mut candidates: Vec<(String, PathBuf)> = std::fs::read_dir(dest)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let stamp = archive_stamp(&name, &marker)?;
            let is_file = entry.file_type().ok()?.is_file();
            is_file.then(|| (stamp.to_string(), entry.path()))
        })
        .collect();
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    candidates.into_iter().find_map(|(_, path)| {
        let manifest = read_manifest(&path).ok()?;
        (manifest.item_id == id).then_some((path, manifest))
    })
}

/// The time stamp of an archive name `<stem><marker>_<stamp>.zip`, if `name` is one.
fn archive_stamp<'a>(name: &'a str, marker: &str) -> Option<&'a str> {
    if name.starts_with('.') {
        return None;
    }
    let (stem, extension) = name.rsplit_once('.')?;
    if !extension.eq_ignore_ascii_case("zip") {
        return None;
    }
    let (rest, stamp) = stem.rsplit_once('_')?;
    let is_stamp = stamp.len() == 16
        && stamp.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    (is_stamp && rest.ends_with(marker) && rest.len() > marker.len()).then_some(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::archive::{ArchiveWriter, LayerCount};
    use crate::formats::names::backup_file_name;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn entry(archive: &str, status: ItemStatus) -> CatalogueEntry {
        CatalogueEntry {
            archive: archive.into(),
            modified: 1000,
            last_edit_date: Some(2000),
            status,
            sha256_of_manifest: Some("ab".repeat(32)),
            backed_up_utc: "2025-01-29 12:00:00".into(),
        }
    }

    fn write_archive(dest: &Path, id: &str, stamp_ms: i64) -> PathBuf {
        let name = backup_file_name("Pipes: main", id, stamp_ms, "zip");
        let mut writer = ArchiveWriter::create(dest, &name).unwrap();
        writer.add_bytes("item.json", b"{}").unwrap();
        let manifest = BackupManifest {
            format_version: 1,
            tool: "t".into(),
            created_utc: String::new(),
            source_portal: String::new(),
            org_id: None,
            item_id: id.into(),
            item_type: "Feature Service".into(),
            title: "Pipes: main".into(),
            owner: "alice".into(),
            folder: None,
            modified: stamp_ms,
            status: ItemStatus::Complete,
            reasons: Vec::new(),
            data_method: None,
            layers: vec![LayerCount::default()],
            dependencies: Vec::new(),
            artefacts: Vec::new(),
        };
        writer.finish(manifest).unwrap()
    }

    #[test]
    fn missing_is_empty_and_saved_entries_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalogue = Catalogue::load(dir.path()).unwrap();
        assert!(catalogue.is_empty());
        catalogue.record(ID, entry("a.zip", ItemStatus::Complete));
        catalogue.record("other", entry("b.zip", ItemStatus::Partial));
        catalogue.record(ID, entry("c.zip", ItemStatus::Complete));
        catalogue.save(dir.path()).unwrap();
        let loaded = Catalogue::load(dir.path()).unwrap();
        assert_eq!(loaded, catalogue);
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded.get(ID).unwrap().archive, "c.zip");
        let ids: Vec<&str> = loaded.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [ID, "other"]);
        let text = std::fs::read_to_string(dir.path().join(Catalogue::FILE_NAME)).unwrap();
        assert!(text.contains("\"status\": \"partial\""), "{text}");
        catalogue.remove("other");
        assert!(catalogue.get("other").is_none());
    }

    #[test]
    fn a_corrupt_or_newer_catalogue_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(Catalogue::FILE_NAME);
        std::fs::write(&path, "{\n  \"format_version\": 1,\n  \"items\": [oops").unwrap();
        let err = Catalogue::load(dir.path()).unwrap_err();
        assert!(
            matches!(&err, FormatError::Malformed { line: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("delete it"), "{err}");
        std::fs::write(&path, r#"{"format_version": 9, "items": {}}"#).unwrap();
        let err = Catalogue::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("newer agol-backup"), "{err}");
    }

    #[test]
    fn current_only_when_complete_present_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path();
        std::fs::write(dest.join("a.zip"), b"zip").unwrap();
        let mut catalogue = Catalogue::default();
        catalogue.record(ID, entry("a.zip", ItemStatus::Complete));
        assert!(catalogue.is_current(dest, ID, 1000, Some(2000)));
        assert!(!catalogue.is_current(dest, ID, 1001, Some(2000)));
        assert!(!catalogue.is_current(dest, ID, 1000, Some(2001)));
        assert!(!catalogue.is_current(dest, ID, 1000, None));
        assert!(!catalogue.is_current(dest, "unknown", 1000, Some(2000)));
        catalogue.record(ID, entry("a.zip", ItemStatus::Partial));
        assert!(!catalogue.is_current(dest, ID, 1000, Some(2000)));
        catalogue.record(ID, entry("gone.zip", ItemStatus::Complete));
        assert!(!catalogue.is_current(dest, ID, 1000, Some(2000)));
        std::fs::create_dir(dest.join("sub")).unwrap();
        std::fs::write(dest.join("sub/a.zip"), b"zip").unwrap();
        catalogue.record(ID, entry("sub/a.zip", ItemStatus::Complete));
        assert!(!catalogue.is_current(dest, ID, 1000, Some(2000)));
    }

    #[test]
    fn finds_the_newest_readable_archive_of_an_item() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path();
        assert!(find_archive_for(dest, ID).is_none());
        write_archive(dest, ID, 1_700_000_000_000);
        let newest = write_archive(dest, ID, 1_700_000_100_000);
        write_archive(dest, "fedcba9876543210fedcba9876543210", 1_800_000_000_000);
        let later = backup_file_name("Pipes: main", ID, 1_900_000_000_000, "zip");
        std::fs::write(dest.join(&later), b"not a zip").unwrap();
        std::fs::write(dest.join(format!(".{later}.x1y2.partial")), b"half").unwrap();
        let (path, manifest) = find_archive_for(dest, ID).unwrap();
        assert_eq!(path, newest);
        assert_eq!(manifest.modified, 1_700_000_100_000);
        assert!(find_archive_for(dest, "0123456789abcdef").is_none());
        assert!(find_archive_for(dest, "../").is_none());
        assert!(find_archive_for(&dest.join("missing"), ID).is_none());
    }

    #[test]
    fn archive_stamps_are_recognised_strictly() {
        let m = "_abc";
        assert_eq!(
            archive_stamp("T_abc_20250129T120000Z.zip", m),
            Some("20250129T120000Z")
        );
        assert_eq!(
            archive_stamp("T_abc_20250129T120000Z.ZIP", m),
            Some("20250129T120000Z")
        );
        for bad in [
            ".T_abc_20250129T120000Z.zip",
            "T_abc_20250129T120000Z.zip.partial",
            "T_xabc_20250129T120000Z.zip",
            "_abc_20250129T120000Z.zip",
            "T_abc_2025012T120000Z.zip",
            "T_abc_20250129T120000Z.contentexport",
        ] {
            assert_eq!(archive_stamp(bad, m), None, "{bad}");
        }
    }
}
