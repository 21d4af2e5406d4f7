//! Which files are inputs ([`input_files`]: files as given, folders by their backup files) and
//! what format a file is ([`sniff`]), told by its content rather than its name, so a renamed
//! package or archive is still recognised. Reads file heads and ZIP directories only.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::SourceFormat;
use crate::formats::atomic::is_stale_temporary;

/// The backup files named by `paths` (see [`super::input_files`]).
pub(super) fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(backup_files_in(path)?);
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(format!(
                "{} does not exist (give backup files or a folder of them)",
                path.display()
            ));
        }
    }
    Ok(out)
}

/// The `.zip` and `.contentexport` files directly in `dir`, sorted, without hidden files.
fn backup_files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_ascii_lowercase();
        let is_backup = lower.ends_with(".zip") || lower.ends_with(".contentexport");
        if is_backup
            && !name.starts_with('.')
            && !is_stale_temporary(&name)
            && entry.path().is_file()
        {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// The format of the file at `path`, or why it is none we read.
pub(super) fn sniff(path: &Path) -> Result<SourceFormat, String> {
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let n = file
        .read(&mut head)
        .map_err(|e| format!("cannot read it: {e}"))?;
    match &head[..n] {
        [0x1f, 0x8b, ..] => Ok(SourceFormat::ContentExport),
        [b'P', b'K', ..] => zip_format(path),
        [] => Err("the file is empty".into()),
        _ => Err("it is neither a ZIP nor a .contentexport package (choose a backup file)".into()),
    }
}

/// Our archive (has `manifest.json`) or the original utility's ZIP (has
/// `<title>_metadata.json`).
fn zip_format(path: &Path) -> Result<SourceFormat, String> {
    let file = File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("it is not a readable ZIP (damaged or truncated: {e})"))?;
    if zip
        .index_for_name(crate::formats::archive::MANIFEST_NAME)
        .is_some()
    {
        return Ok(SourceFormat::Archive);
    }
    if zip
        .file_names()
        .any(|n| n.is_ok_and(|n| is_original_metadata(&n)))
    {
        return Ok(SourceFormat::OriginalZip);
    }
    Err(
        "it is a ZIP but no backup: it has neither manifest.json (agol-backup) nor \
         <title>_metadata.json (the original utility)"
            .into(),
    )
}

/// Whether an entry name is the original utility's `<title>_metadata.json` or
/// `<title>_metadata_full.json`.
pub(super) fn is_original_metadata(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.ends_with("_metadata.json") || base.ends_with("_metadata_full.json")
}
