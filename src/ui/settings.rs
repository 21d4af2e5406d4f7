//! Settings remembered between runs: connection profiles, the last connection (never its
//! password or token), the Scan tab's preset and paths. Stored as `settings.json` in the OS's
//! config folder, written atomically; a missing file gives defaults, a corrupt one defaults plus
//! a warning for the log.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::formats::atomic::write_atomic;
use crate::formats::inventory::DEFAULT_INVENTORY_NAME;

/// How the connection bar signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AuthMethod {
    /// Username and password (`generateToken`).
    #[default]
    Password,
    /// A token obtained elsewhere, used as given.
    Token,
}

/// A saved connection (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Name shown in the profile list.
    pub name: String,
    /// Portal URL as typed.
    pub portal_url: String,
    /// Sign-in method.
    pub method: AuthMethod,
    /// Username (password method).
    pub username: String,
    /// Extra CA file (PEM), empty for none.
    pub ca_file: String,
    /// Accept any TLS certificate.
    pub accept_invalid_certs: bool,
}

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

/// `settings.json` in the OS's config folder for agol-backup, if the OS has one.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "agol-backup", "agol-backup")
        .map(|d| d.config_dir().join("settings.json"))
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
        s.save(&path).expect("save");
        assert_eq!(Settings::load(&path), (s, None));

        std::fs::write(&path, b"{not json").expect("write");
        let (back, warning) = Settings::load(&path);
        assert_eq!(back, Settings::default());
        assert!(warning.is_some_and(|w| w.contains("damaged")));
    }
}
