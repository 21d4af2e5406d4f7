//! Every way a scan can fail, turned into one message that says what is wrong and what to do
//! (the one place where `PortalError` and `FormatError` become user text), and the checks made
//! before any request: the output folders exist and are writable, an existing inventory and
//! index are ours (a foreign CSV is refused and left untouched).

use std::io;
use std::path::{Path, PathBuf};

use crate::formats::FormatError;
use crate::formats::index::Index;
use crate::formats::inventory::Inventory;
use crate::portal::PortalError;

/// What went wrong during `stage` (e.g. "sign-in", "search"), for the user.
pub fn portal(stage: &str, e: &PortalError) -> String {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let hint = match e {
        PortalError::Api { .. } if stage == "sign-in" && lower.contains("password") => {
            " The username or password is wrong: check them (AGOL_PASSWORD) and try again."
        }
        PortalError::Api { .. } if stage == "sign-in" && e.api_code() == Some(400) => {
            " The portal refused the sign-in: check the username and password (AGOL_PASSWORD)."
        }
        PortalError::Api { .. } if e.is_invalid_token() => {
            " The token was rejected: sign in with --username, or set a fresh AGOL_TOKEN."
        }
        PortalError::Api { .. } if e.is_permission() || e.is_token_required() => {
            " The account lacks the privilege: scan as the owner or an administrator."
        }
        PortalError::Decode { .. } | PortalError::Http { status: 404, .. } => {
            " This does not look like an ArcGIS portal: check --portal \
             (e.g. https://myorg.maps.arcgis.com or https://gis.example.com/portal)."
        }
        PortalError::Network { .. } => " The portal may be down or the URL wrong.",
        _ => "",
    };
    format!("{stage} failed: {text}.{hint}")
}

/// A file problem, for the user (the messages of `FormatError` already say what to do).
pub fn format(e: &FormatError) -> String {
    e.to_string()
}

/// The folder a file goes into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Fails unless the folder of `path` exists and a file can be created in it.
pub fn check_writable_folder(path: &Path, what: &str) -> Result<(), String> {
    let folder = folder_of(path);
    if !folder.is_dir() {
        return Err(format!(
            "cannot write the {what} {}: the folder {} does not exist; create it or choose \
             another path",
            path.display(),
            folder.display()
        ));
    }
    match tempfile::Builder::new()
        .prefix(".agol-backup-check")
        .tempfile_in(&folder)
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let why = if e.kind() == io::ErrorKind::PermissionDenied
                || e.kind() == io::ErrorKind::ReadOnlyFilesystem
            {
                "the folder is read-only for you; choose a folder you can write to".to_string()
            } else {
                e.to_string()
            };
            Err(format!(
                "cannot write the {what} {}: {why} ({})",
                path.display(),
                folder.display()
            ))
        }
    }
}

/// The existing inventory and index (empty when absent), checked before scanning.
pub fn load_files(inventory: &Path, index: &Path) -> Result<(Inventory, Index, bool), String> {
    check_writable_folder(inventory, "inventory")?;
    check_writable_folder(index, "index")?;
    let exists = inventory.exists();
    let inv = Inventory::load(inventory).map_err(|e| format(&e))?;
    let idx = Index::load_consistent(index, exists).map_err(|e| format(&e))?;
    Ok((inv, idx, exists))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_password_is_named() {
        let e = PortalError::Api {
            url: "https://h/sharing/rest/generateToken".into(),
            code: 400,
            message_code: None,
            message: "Unable to generate token.".into(),
            details: vec!["Invalid username or password.".into()],
        };
        let m = portal("sign-in", &e);
        assert!(m.contains("username or password is wrong"), "{m}");
    }

    #[test]
    fn missing_folder_and_foreign_csv_are_refused_before_scanning() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").join("inv.csv");
        let m = load_files(&missing, &dir.path().join("i.csv")).unwrap_err();
        assert!(m.contains("does not exist"), "{m}");
        let foreign = dir.path().join("inv.csv");
        std::fs::write(&foreign, "a,b\n1,2\n").unwrap();
        let m = load_files(&foreign, &dir.path().join("i.csv")).unwrap_err();
        assert!(m.contains("choose another output file"), "{m}");
        assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "a,b\n1,2\n");
    }
}
