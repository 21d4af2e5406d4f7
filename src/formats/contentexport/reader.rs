//! Reading packages back: [`read_package`] lists items, files, resources and the graph in one
//! streaming pass without extracting; [`extract_package`] unpacks safely into a folder. Both
//! accept packages written by Esri's Python API 2.4.1–2.4.4 and tolerate the defects of §9.6
//! (flattened resources, `\/` escapes, no `origin_item_type`, a renamed file, graph nodes
//! without folders, truncated thumbnail names), reporting them as warnings. The structure
//! itself is interpreted in [`super::summary`].

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::scan::{MemberSink, NoSink, bad, scan};
use crate::formats::FormatError;
use crate::formats::archive::check_entry_path;

pub use super::summary::{PackageItem, PackageSummary};

/// Copy buffer size.
const COPY_BUFFER_BYTES: usize = 64 * 1024;

/// Lists what the package at `path` holds, streaming it once; nothing is written.
///
/// # Errors
/// [`FormatError::Read`] when the file cannot be opened, [`FormatError::BadPackage`] when it
/// is not a gzip-compressed tar, is damaged or truncated, has no single top folder, or holds
/// neither `manifest.json` nor `graph.gml`, [`FormatError::UnsafeEntryPath`] for links,
/// devices, absolute paths or `..`, [`FormatError::DuplicateEntry`] for a repeated member.
pub fn read_package(path: &Path) -> Result<PackageSummary, FormatError> {
    let found = scan(path, false, &mut NoSink)?;
    super::summary::summarise(path, found)
}

/// Extracts the package at `path` into `target` (created if needed) and returns the item root,
/// `target/<top folder>`; the top folder is found in the archive, so renamed files work.
///
/// Members go to a hidden staging folder inside `target` first, which is renamed into place
/// only when the whole package has been read and checked, and removed otherwise. Every path
/// must pass [`check_entry_path`] (no `..`, no absolute paths, names valid on Windows), links
/// and devices refuse the package, existing files are never followed or overwritten, and no
/// write leaves the staging folder.
///
/// # Errors
/// As [`read_package`]; also [`FormatError::DuplicateEntry`] for two members whose paths
/// differ only in case, and [`FormatError::Write`] when a file cannot be written or
/// `target/<top folder>` already exists.
pub fn extract_package(path: &Path, target: &Path) -> Result<PathBuf, FormatError> {
    let write_fail = |p: &Path, source: io::Error| FormatError::Write {
        path: p.to_path_buf(),
        source,
    };
    fs::create_dir_all(target).map_err(|e| write_fail(target, e))?;
    let root = target.canonicalize().map_err(|e| write_fail(target, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".agol-extract-")
        .tempdir_in(&root)
        .map_err(|e| write_fail(target, e))?;
    let staging_root = staging
        .path()
        .canonicalize()
        .map_err(|e| write_fail(staging.path(), e))?;
    let mut sink = ExtractSink {
        package: path.to_path_buf(),
        root: staging_root.clone(),
        seen: HashSet::new(),
    };
    let found = scan(path, false, &mut sink)?;
    let top = found.top.clone();
    super::summary::summarise(path, found)?;
    let dest = root.join(&top);
    if dest.symlink_metadata().is_ok() {
        let msg = format!(
            "{} already exists; extract into an empty folder",
            dest.display()
        );
        return Err(write_fail(
            &dest,
            io::Error::new(io::ErrorKind::AlreadyExists, msg),
        ));
    }
    fs::rename(staging_root.join(&top), &dest).map_err(|e| write_fail(&dest, e))?;
    Ok(dest)
}

/// Writes members below a staging folder.
struct ExtractSink {
    /// The package being extracted.
    package: PathBuf,
    /// The canonical staging folder.
    root: PathBuf,
    /// Lower-case paths written, to refuse case-only duplicates.
    seen: HashSet<String>,
}

impl ExtractSink {
    /// The checked destination of `top/rel`, with its parent folders created and verified.
    fn destination(&mut self, top: &str, rel: &str) -> Result<PathBuf, FormatError> {
        let full = if rel.is_empty() {
            top.to_string()
        } else {
            format!("{top}/{rel}")
        };
        check_entry_path(&full)?;
        if !self.seen.insert(full.to_lowercase()) {
            return Err(FormatError::DuplicateEntry { entry: full });
        }
        let dest = full.split('/').fold(self.root.clone(), |p, s| p.join(s));
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|source| FormatError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
            let real = parent.canonicalize().map_err(|source| FormatError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
            if !real.starts_with(&self.root) {
                return Err(FormatError::UnsafeEntryPath {
                    entry: full,
                    reason: "its folder leads outside the extraction folder".into(),
                });
            }
        }
        Ok(dest)
    }
}

impl MemberSink for ExtractSink {
    fn dir(&mut self, top: &str, rel: &str) -> Result<(), FormatError> {
        let dest = self.destination(top, rel)?;
        match fs::create_dir(&dest) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dest.is_dir() => Ok(()),
            Err(source) => Err(FormatError::Write { path: dest, source }),
        }
    }

    fn file(&mut self, top: &str, rel: &str, data: &mut dyn Read) -> Result<(), FormatError> {
        let dest = self.destination(top, rel)?;
        let fail = |source: io::Error| FormatError::Write {
            path: dest.clone(),
            source,
        };
        let mut file: File = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dest)
            .map_err(fail)?;
        let mut buffer = vec![0u8; COPY_BUFFER_BYTES];
        loop {
            let n = match data.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let msg = format!("the file is damaged or truncated ({e})");
                    return Err(bad(&self.package, msg));
                }
            };
            io::Write::write_all(&mut file, &buffer[..n]).map_err(fail)?;
        }
    }
}
