//! Safe extraction of foreign ZIPs (the original utility's backups and the `resources.zip` inside
//! them), whose entry names are raw item titles and so may hold characters Windows forbids.
//! Each name segment is made valid with `formats::names::safe_file_stem` and the raw name is kept
//! beside the file; `..`, absolute paths, backslashes and symbolic links refuse the whole ZIP,
//! nothing is overwritten, and no write leaves the target folder.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::formats::names::safe_file_stem;

/// Longest name segment written.
const SEGMENT_MAX: usize = 200;

/// One extracted file: its name in the ZIP and where it was written.
#[derive(Debug, Clone)]
pub(super) struct Extracted {
    /// The entry name as the ZIP has it (`/`-separated).
    pub raw: String,
    /// The file written.
    pub file: PathBuf,
}

/// Extracts every file of the ZIP at `zip_path` into `target` (created); returns the files.
///
/// # Errors
/// A sentence saying what is wrong: not a ZIP, an unsafe entry, a write failure.
pub(super) fn extract(zip_path: &Path, target: &Path) -> Result<Vec<Extracted>, String> {
    let file = File::open(zip_path).map_err(|e| format!("cannot open it: {e}"))?;
    let mut zip = ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("it is not a readable ZIP (damaged or truncated: {e})"))?;
    let names = checked_names(&mut zip)?;
    std::fs::create_dir_all(target)
        .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let root = target
        .canonicalize()
        .map_err(|e| format!("cannot open {}: {e}", target.display()))?;
    let mut out = Vec::new();
    for (index, name) in names.into_iter().enumerate() {
        let Some((raw, safe)) = name else { continue };
        let dest = safe.iter().fold(root.clone(), |p, s| p.join(s));
        write_entry(&mut zip, index, &root, &dest)
            .map_err(|e| format!("entry {raw:?} not extracted: {e}"))?;
        out.push(Extracted { raw, file: dest });
    }
    Ok(out)
}

/// `(raw name, safe segments)` of every file entry by index (`None` for folders), or why the
/// ZIP is refused.
type Names = Vec<Option<(String, Vec<String>)>>;

fn checked_names(zip: &mut ZipArchive<BufReader<File>>) -> Result<Names, String> {
    let mut names = Vec::with_capacity(zip.len());
    let mut seen = std::collections::HashSet::new();
    for index in 0..zip.len() {
        let entry = zip
            .by_index_raw(index)
            .map_err(|e| format!("entry {index} is unreadable: {e}"))?;
        let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let refuse = |why: &str| Err(format!("it holds the unsafe entry {raw:?} ({why})"));
        if entry.is_symlink() {
            return refuse("a symbolic link");
        }
        if raw.contains('\\') || raw.starts_with('/') || entry.enclosed_name().is_none() {
            return refuse("it would land outside the extraction folder");
        }
        if entry.is_dir() {
            names.push(None);
            continue;
        }
        let safe: Vec<String> = raw
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(|s| safe_file_stem(s, SEGMENT_MAX))
            .collect();
        if safe.is_empty() || safe.iter().any(|s| s == "..") {
            return refuse("it would land outside the extraction folder");
        }
        if !seen.insert(safe.join("/").to_lowercase()) {
            return refuse("two entries have the same name once made valid on Windows");
        }
        names.push(Some((raw, safe)));
    }
    Ok(names)
}

/// Writes entry `index` to `dest` (a new file) inside `root`.
fn write_entry(
    zip: &mut ZipArchive<BufReader<File>>,
    index: usize,
    root: &Path,
    dest: &Path,
) -> io::Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
        if !parent.canonicalize()?.starts_with(root) {
            return Err(io::Error::other("its folder leads outside the target"));
        }
    }
    let mut entry = zip.by_index(index).map_err(io::Error::other)?;
    let mut file = OpenOptions::new().write(true).create_new(true).open(dest)?;
    io::copy(&mut entry, &mut file)?;
    Ok(())
}
