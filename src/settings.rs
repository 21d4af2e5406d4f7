//! Connection profiles shared by the window and the CLI: [`Profile`] (no secrets), the settings
//! file they live in ([`settings_path`], overridable with `AGOL_BACKUP_CONFIG_DIR`), and
//! [`load_profiles`] / [`save_profiles`], which read and replace only the `profiles` list of that
//! file and leave the window's other settings alone. Writes are atomic.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::formats::atomic::write_atomic;

/// Environment variable naming the folder that holds `settings.json` (instead of the OS's).
pub const CONFIG_DIR_ENV: &str = "AGOL_BACKUP_CONFIG_DIR";

/// The client id of this application, registered with ArcGIS Online.
pub const DEFAULT_CLIENT_ID: &str = "agol-backup";

/// How a profile signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AuthMethod {
    /// Username and password (`generateToken`).
    #[default]
    Password,
    /// A token obtained elsewhere, used as given.
    Token,
    /// OAuth in the system browser; the refresh token is kept in the OS keychain.
    #[serde(rename = "OAuth")]
    OAuth,
}

impl AuthMethod {
    /// The word used in messages and `--help`.
    pub fn word(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::Token => "token",
            AuthMethod::OAuth => "oauth",
        }
    }
}

/// A saved connection (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Name shown in the profile list and given to `--profile`.
    pub name: String,
    /// Portal URL as typed.
    pub portal_url: String,
    /// Sign-in method.
    pub method: AuthMethod,
    /// Username (password method).
    pub username: String,
    /// OAuth client id; empty means [`DEFAULT_CLIENT_ID`].
    pub client_id: String,
    /// Extra CA file (PEM), empty for none.
    pub ca_file: String,
    /// Accept any TLS certificate.
    pub accept_invalid_certs: bool,
}

impl Profile {
    /// The OAuth client id to use.
    pub fn client_id(&self) -> &str {
        match self.client_id.trim() {
            "" => DEFAULT_CLIENT_ID,
            id => id,
        }
    }
}

/// The folder holding `settings.json`: `AGOL_BACKUP_CONFIG_DIR` when set, else the OS's config
/// folder for agol-backup (if the OS has one).
pub fn config_dir() -> Option<PathBuf> {
    match std::env::var_os(CONFIG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("org", "agol-backup", "agol-backup")
            .map(|d| d.config_dir().to_path_buf()),
    }
}

/// `settings.json` in [`config_dir`].
pub fn settings_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("settings.json"))
}

fn read_object(path: &Path) -> Result<serde_json::Map<String, Value>, String> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(serde_json::Map::new()),
        Err(e) => Err(format!("cannot read settings {}: {e}", path.display())),
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(format!("settings {} are not a JSON object", path.display())),
            Err(e) => Err(format!("settings {} are damaged: {e}", path.display())),
        },
    }
}

/// The profiles saved in `path` (none when the file does not exist yet).
///
/// # Errors
/// A message naming the file when it cannot be read or is damaged.
pub fn load_profiles(path: &Path) -> Result<Vec<Profile>, String> {
    let mut map = read_object(path)?;
    match map.remove("profiles") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(list) => serde_json::from_value(list)
            .map_err(|e| format!("the profiles in {} are damaged: {e}", path.display())),
    }
}

/// Replaces the profile list in `path`, keeping every other setting; creates the folder.
///
/// # Errors
/// A message naming the file when it is damaged, or cannot be read or written.
pub fn save_profiles(path: &Path, profiles: &[Profile]) -> Result<(), String> {
    let mut map = read_object(path)?;
    let list = serde_json::to_value(profiles).map_err(|e| e.to_string())?;
    map.insert("profiles".into(), list);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let json = serde_json::to_vec_pretty(&Value::Object(map)).map_err(|e| e.to_string())?;
    write_atomic(path, |w| w.write_all(&json)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_round_trip_and_keep_other_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cfg").join("settings.json");
        assert_eq!(load_profiles(&path).unwrap(), Vec::new());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, br#"{"scan": {"preset": "tag"}, "profiles": []}"#).unwrap();
        let profiles = vec![
            Profile {
                name: "prod".into(),
                portal_url: "https://org.maps.arcgis.com".into(),
                method: AuthMethod::OAuth,
                ..Profile::default()
            },
            Profile {
                name: "lab".into(),
                portal_url: "https://gis.lab/portal".into(),
                username: "me".into(),
                client_id: "myapp".into(),
                ..Profile::default()
            },
        ];
        save_profiles(&path, &profiles).unwrap();
        assert_eq!(load_profiles(&path).unwrap(), profiles);
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw["scan"]["preset"], "tag");
        assert_eq!(raw["profiles"][0]["method"], "OAuth");
        assert_eq!(profiles[0].client_id(), DEFAULT_CLIENT_ID);
        assert_eq!(profiles[1].client_id(), "myapp");

        std::fs::write(&path, b"{oops").unwrap();
        assert!(load_profiles(&path).unwrap_err().contains("damaged"));
        assert!(save_profiles(&path, &profiles).is_err());
    }

    #[test]
    fn old_profiles_without_client_id_still_load() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            br#"{"profiles": [{"name": "a", "portal_url": "https://x.y", "method": "Token"}]}"#,
        )
        .unwrap();
        let p = load_profiles(&path).unwrap();
        assert_eq!(p[0].method, AuthMethod::Token);
        assert_eq!(p[0].client_id, "");
    }
}
