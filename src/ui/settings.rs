//! Settings remembered between runs: connection profiles (defined in [`crate::settings`] and
//! shared with the CLI), the last connection (never its
//! password or token), the Scan tab's preset and paths, the Backup tab's source, destination and
//! options, the Restore tab's inputs and options. Stored as `settings.json` in the OS's
//! config folder, written atomically; a missing file gives defaults, a corrupt one defaults plus
//! a warning for the log.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::formats::atomic::write_atomic;
use crate::formats::inventory::DEFAULT_INVENTORY_NAME;
pub use crate::settings::{AuthMethod, Profile};

/// The Scan tab's remembered choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanSettings {
    /// Preset key (see `scan_tab::PresetKind::key`).
    pub preset: String,
    /// The preset's option (owner, group id, tag ...).
    pub option: String,
    /// Folder name (folder preset).
    pub folder: String,
    /// Inventory CSV path.
    pub inventory: String,
    /// Scan index path.
    pub index: String,
}

impl Default for ScanSettings {
    fn default() -> Self {
        let dir = documents_folder();
        ScanSettings {
            preset: "authoritative".into(),
            option: String::new(),
            folder: String::new(),
            inventory: dir.join(DEFAULT_INVENTORY_NAME).display().to_string(),
            index: dir.join("scan_index.csv").display().to_string(),
        }
    }
}

/// The Backup tab's remembered choices (the defaults are the CLI's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    /// The selection CSV (by default the Scan tab's default inventory; empty: the Scan tab's
    /// inventory).
    pub source: String,
    /// The destination folder.
    pub destination: String,
    /// Archive format, as `BackupMode::name` spells it (`standard`, `ocm_per_item`,
    /// `ocm_batch`); an unknown name means standard.
    pub mode: String,
    /// Items backed up at the same time (1..=16).
    pub workers: usize,
    /// Download thumbnails.
    pub thumbnails: bool,
    /// Export hosted layers (File Geodatabase) before falling back to replica and query.
    pub export_data: bool,
    /// Leave the temporary export items in the portal.
    pub keep_exports: bool,
    /// Also leave each archive's content unpacked beside it.
    pub keep_uncompressed: bool,
    /// Also back up what the selected items need.
    pub with_dependencies: bool,
    /// Skip items unchanged since their last complete backup in the destination.
    pub incremental: bool,
}

impl Default for BackupSettings {
    fn default() -> Self {
        let o = crate::engine::backup::BackupOptions::default();
        let dir = documents_folder();
        BackupSettings {
            source: dir.join(DEFAULT_INVENTORY_NAME).display().to_string(),
            destination: dir.join("backups").display().to_string(),
            mode: o.mode.name().to_string(),
            workers: o.workers,
            thumbnails: o.thumbnails,
            export_data: o.export_data,
            keep_exports: o.keep_exports,
            keep_uncompressed: o.keep_uncompressed,
            with_dependencies: o.with_dependencies,
            incremental: o.incremental,
        }
    }
}

/// The Restore tab's remembered choices (the defaults are the CLI's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestoreSettings {
    /// Backup files or folders, separated by `;`.
    pub inputs: String,
    /// Conflict policy name (`skip`, `update`, `copy`).
    pub policy: String,
    /// Keep the backed-up properties.
    pub keep_metadata: bool,
    /// Target folder (empty: the folder each item was backed up from).
    pub target_folder: String,
    /// Restore sharing.
    pub sharing: bool,
    /// Items restored at the same time (1..=16).
    pub workers: usize,
}

impl Default for RestoreSettings {
    fn default() -> Self {
        let o = crate::engine::restore::RestoreOptions::default();
        RestoreSettings {
            inputs: String::new(),
            policy: o.policy.name().to_string(),
            keep_metadata: o.keep_metadata,
            target_folder: String::new(),
            sharing: o.sharing,
            workers: o.workers,
        }
    }
}

/// Everything remembered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The connection last used.
    pub connection: Profile,
    /// Saved profiles.
    pub profiles: Vec<Profile>,
    /// Scan tab.
    pub scan: ScanSettings,
    /// Backup tab (absent from older settings files: defaults).
    pub backup: BackupSettings,
    /// Restore tab (absent from older settings files: defaults).
    pub restore: RestoreSettings,
}

/// `Documents/agol-backup` (or the home folder's `agol-backup` when there is no Documents).
pub fn documents_folder() -> PathBuf {
    let user = directories::UserDirs::new();
    let base = user
        .as_ref()
        .and_then(|u| u.document_dir().map(Path::to_path_buf))
        .or_else(|| user.as_ref().map(|u| u.home_dir().to_path_buf()))
        .unwrap_or_default();
    base.join("agol-backup")
}

/// `settings.json` in the OS's config folder for agol-backup (or `AGOL_BACKUP_CONFIG_DIR`), the
/// file the CLI reads profiles from too (see [`crate::settings`]).
pub fn default_path() -> Option<PathBuf> {
    crate::settings::settings_path()
}

impl Settings {
    /// Reads `path`; returns defaults and a warning when the file is corrupt or unreadable
    /// (a missing file is normal on the first run and gives defaults without a warning).
    pub fn load(path: &Path) -> (Settings, Option<String>) {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (
                Settings::default(),
                Some(format!(
                    "cannot read settings {}: {e}; using defaults",
                    path.display()
                )),
            ),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(s) => (s, None),
                Err(e) => (
                    Settings::default(),
                    Some(format!(
                        "settings {} are damaged ({e}); using defaults",
                        path.display()
                    )),
                ),
            },
        }
    }

    /// Writes `path` atomically, creating its folder.
    ///
    /// # Errors
    /// A message naming the file when the folder cannot be created or the file written.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_atomic(path, |w| w.write_all(&json)).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_file_without_backup_settings_loads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{"scan":{"preset":"tag"}}"#).expect("write");
        let (s, warning) = Settings::load(&path);
        assert!(warning.is_none());
        assert_eq!(s.scan.preset, "tag");
        assert_eq!(s.backup, BackupSettings::default());
        assert_eq!(s.restore, RestoreSettings::default());
    }

    #[test]
    fn round_trips_and_survives_a_corrupt_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("settings.json");
        let (fresh, warning) = Settings::load(&path);
        assert_eq!(fresh, Settings::default());
        assert!(warning.is_none());

        let mut s = Settings::default();
        s.connection.portal_url = "https://org.maps.arcgis.com".into();
        s.connection.username = "me".into();
        s.profiles.push(s.connection.clone());
        s.scan.preset = "tag".into();
        s.backup.workers = 9;
        s.backup.incremental = true;
        s.backup.mode = "ocm_batch".into();
        s.restore.policy = "update".into();
        s.restore.inputs = "/b/one.zip;/b/two.contentexport".into();
        s.save(&path).expect("save");
        assert_eq!(Settings::load(&path), (s, None));

        std::fs::write(&path, b"{not json").expect("write");
        let (back, warning) = Settings::load(&path);
        assert_eq!(back, Settings::default());
        assert!(warning.is_some_and(|w| w.contains("damaged")));
    }
}
