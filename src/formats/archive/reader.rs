//! Reading backup archives back: the manifest alone ([`read_manifest`]), one entry streamed to a
//! writer ([`read_entry`]), and safe extraction into a folder ([`extract_archive`]). Everything
//! streams through fixed buffers; nothing here writes outside the folder it is given.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::ZipArchive;
use zip::result::ZipError;

use super::paths::check_entry_path;
use super::writer::hex;
use super::{ARCHIVE_FORMAT_VERSION, BackupManifest, MANIFEST_NAME};
use crate::formats::FormatError;

/// The largest manifest read (a manifest lists artefacts, so even huge items stay far below).
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// Copy buffer size.
const COPY_BUFFER_BYTES: usize = 64 * 1024;

/// An open archive.
pub(super) type Archive = ZipArchive<BufReader<File>>;

/// Opens `path` as a zip archive.
pub(super) fn open_archive(path: &Path) -> Result<Archive, FormatError> {
    let file = File::open(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
        ZipError::Io(source) => FormatError::Read {
            path: path.to_path_buf(),
            source,
        },
        other => bad(path, format!("not a zip file, or a damaged one ({other})")),
    })
}

/// A [`FormatError::BadArchive`].
pub(super) fn bad(path: &Path, message: String) -> FormatError {
    FormatError::BadArchive {
        path: path.to_path_buf(),
        message,
    }
}

/// Reads only the `manifest.json` of the archive at `path`.
///
/// # Errors
/// [`FormatError::Read`] when the file cannot be read, [`FormatError::BadArchive`] when it is
/// not a zip, has no manifest, the manifest is not valid, or it was written by a newer format.
pub fn read_manifest(path: &Path) -> Result<BackupManifest, FormatError> {
    let mut archive = open_archive(path)?;
    manifest_of(&mut archive, path)
}

/// The manifest of an open archive.
pub(super) fn manifest_of(
    archive: &mut Archive,
    path: &Path,
) -> Result<BackupManifest, FormatError> {
    let bytes = manifest_bytes(archive, path)?;
    let manifest: BackupManifest = serde_json::from_slice(&bytes).map_err(|e| {
        bad(
            path,
            format!("{MANIFEST_NAME} is not a valid backup manifest: {e}"),
        )
    })?;
    if manifest.format_version > ARCHIVE_FORMAT_VERSION {
        return Err(bad(
            path,
            format!(
                "it uses archive format {} and this build reads up to {ARCHIVE_FORMAT_VERSION}; \
                 update agol-backup",
                manifest.format_version
            ),
        ));
    }
    Ok(manifest)
}

/// The raw bytes of the manifest entry.
fn manifest_bytes(archive: &mut Archive, path: &Path) -> Result<Vec<u8>, FormatError> {
    let entry = match archive.by_name(MANIFEST_NAME) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => {
            return Err(bad(
                path,
                format!(
                    "it has no {MANIFEST_NAME}: it was not written by agol-backup, or the \
                     backup did not finish"
                ),
            ));
        }
        Err(e) => return Err(bad(path, format!("cannot open {MANIFEST_NAME}: {e}"))),
    };
    let mut bytes = Vec::new();
    entry
        .take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(path, format!("cannot read {MANIFEST_NAME}: {e}")))?;
    Ok(bytes)
}

/// The SHA-256 (lower-case hex) of the `manifest.json` bytes of the archive at `path`, as
/// recorded in the backup catalogue.
///
/// # Errors
/// As [`read_manifest`], except that the manifest's content is not parsed.
pub fn manifest_sha256(path: &Path) -> Result<String, FormatError> {
    let mut archive = open_archive(path)?;
    let bytes = manifest_bytes(&mut archive, path)?;
    Ok(hex(&Sha256::digest(&bytes)))
}

/// Streams the entry `entry` of the archive at `path` into `out`; returns the bytes copied.
/// The zip CRC is checked at the end of the entry.
///
/// # Errors
/// [`FormatError::BadArchive`] when the archive or the entry is missing or damaged,
/// [`FormatError::Read`] on an I/O failure reading, [`FormatError::Write`] (naming the entry)
/// when `out` fails.
pub fn read_entry(path: &Path, entry: &str, out: &mut dyn Write) -> Result<u64, FormatError> {
    let mut archive = open_archive(path)?;
    let mut file = archive.by_name(entry).map_err(|e| match e {
        ZipError::FileNotFound => bad(path, format!("it has no entry {entry:?}")),
        other => bad(path, format!("cannot open entry {entry:?}: {other}")),
    })?;
    copy_entry(&mut file, out, path, Path::new(entry))
}

/// Copies `from` (an entry of the archive `archive_path`) to `out` (the file `out_path`).
fn copy_entry(
    from: &mut dyn Read,
    out: &mut dyn Write,
    archive_path: &Path,
    out_path: &Path,
) -> Result<u64, FormatError> {
    let mut buffer = vec![0u8; COPY_BUFFER_BYTES];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(entry_read_error(archive_path, e)),
        };
        out.write_all(&buffer[..n])
            .map_err(|source| FormatError::Write {
                path: out_path.to_path_buf(),
                source,
            })?;
        total += n as u64;
    }
}

/// A read failure inside an entry: damaged data (bad CRC, bad deflate stream) or plain I/O.
pub(super) fn entry_read_error(path: &Path, e: io::Error) -> FormatError {
    match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof => {
            bad(path, format!("an entry is damaged: {e}"))
        }
        _ => FormatError::Read {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

/// Extracts every entry of the archive at `path` (manifest included) into `target_dir`,
/// creating it if needed; returns the files written.
///
/// Every entry is checked first: paths with `..`, absolute paths, drive prefixes, backslashes
/// or Windows-invalid names (see [`check_entry_path`](super::check_entry_path)) and symlinks
/// refuse the whole archive before anything is written. Existing files are overwritten.
///
/// # Errors
/// [`FormatError::UnsafeEntryPath`] for a refused entry, [`FormatError::BadArchive`] or
/// [`FormatError::Read`] for an unreadable archive, [`FormatError::Write`] naming the file that
/// could not be written.
pub fn extract_archive(path: &Path, target_dir: &Path) -> Result<Vec<PathBuf>, FormatError> {
    let mut archive = open_archive(path)?;
    let names = checked_names(&mut archive, path)?;
    let write_fail = |p: &Path, source: io::Error| FormatError::Write {
        path: p.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(target_dir).map_err(|e| write_fail(target_dir, e))?;
    let root = target_dir
        .canonicalize()
        .map_err(|e| write_fail(target_dir, e))?;
    let mut written = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let Some(name) = name else { continue };
        // Segment by segment: a canonical Windows root (`\\?\C:\...`) takes no '/'.
        let dest: PathBuf = name.split('/').fold(root.clone(), |p, s| p.join(s));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_fail(parent, e))?;
            // A symlink already inside target_dir must not lead the write elsewhere.
            let real = parent.canonicalize().map_err(|e| write_fail(parent, e))?;
            if !real.starts_with(&root) {
                return Err(FormatError::UnsafeEntryPath {
                    entry: name.clone(),
                    reason: format!("its folder leads outside {}", target_dir.display()),
                });
            }
        }
        let mut entry = archive
            .by_index(index)
            .map_err(|e| bad(path, format!("cannot open entry {name:?}: {e}")))?;
        let mut file = File::create(&dest).map_err(|e| write_fail(&dest, e))?;
        copy_entry(&mut entry, &mut file, path, &dest)?;
        written.push(dest);
    }
    Ok(written)
}

/// The checked name of every entry by index (`None` for directories), or the first refusal.
fn checked_names(archive: &mut Archive, path: &Path) -> Result<Vec<Option<String>>, FormatError> {
    let mut names = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| bad(path, format!("cannot read entry {index}: {e}")))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let refuse = |reason: &str| FormatError::UnsafeEntryPath {
            entry: name.clone(),
            reason: reason.to_string(),
        };
        if entry.is_symlink() {
            return Err(refuse("it is a symbolic link"));
        }
        if entry.is_dir() {
            check_entry_path(name.trim_end_matches('/'))?;
            names.push(None);
        } else {
            check_entry_path(&name)?;
            if entry.enclosed_name().is_none() {
                return Err(refuse("it would land outside the target folder"));
            }
            names.push(Some(name));
        }
    }
    Ok(names)
}
