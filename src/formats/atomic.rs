//! Crash-safe file replacement: write everything to a temporary file in the destination
//! folder, flush and fsync it, then rename it over the target. A crash, a full disk or an
//! error from the writer never leaves a half-written file under the final name, and an
//! existing file is replaced only once the new one is complete.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::FormatError;

/// Writes `path` atomically with the bytes `write` produces.
///
/// The temporary file lives in the same folder (so the final rename never crosses file
/// systems) and is removed on any failure; on Windows the rename replaces an existing target.
///
/// # Errors
/// [`FormatError::Write`] naming `path` when the folder is missing or not writable, the disk is
/// full, or `write` itself fails; the existing target, if any, is then untouched.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<(), FormatError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let fail = |source: io::Error| FormatError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(fail(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file",
        )));
    }
    if !dir.is_dir() {
        let msg = format!("{} is not an existing folder", dir.display());
        return Err(fail(io::Error::new(io::ErrorKind::NotFound, msg)));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".agol-backup-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        write(&mut out).map_err(fail)?;
        out.flush().map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    // On failure the PersistError hands the temp file back; dropping it deletes it.
    tmp.persist(path).map_err(|e| fail(e.error))?;
    sync_folder(dir);
    Ok(())
}

/// Makes the rename itself durable where the platform allows (best effort).
pub(crate) fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// A hidden `.agol-backup-<random>.tmp` scratch file in `dir`, deleted when dropped (the name
/// [`is_stale_temporary`] recognises after a crash).
///
/// # Errors
/// What the operating system said.
pub fn scratch_file(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".agol-backup-")
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Whether `name` is a temporary file this program writes ([`write_atomic`], [`scratch_file`],
/// half-written archives and packages): what a killed run may leave behind.
pub fn is_stale_temporary(name: &str) -> bool {
    name.starts_with('.')
        && ((name.starts_with(".agol-backup-") && name.ends_with(".tmp"))
            || name.ends_with(".partial"))
}

/// A hidden `.<final name>.<random>.partial` file in `dest_dir`, deleted when dropped: where a
/// streamed archive or package is written before it is renamed to `dest_dir/final_name`.
///
/// # Errors
/// [`FormatError::Write`] naming the final path when `dest_dir` is not an existing folder or
/// the file cannot be created.
pub(crate) fn partial_file(
    dest_dir: &Path,
    final_name: &str,
) -> Result<tempfile::NamedTempFile, FormatError> {
    let final_path = dest_dir.join(final_name);
    if !dest_dir.is_dir() {
        let msg = format!("{} is not an existing folder", dest_dir.display());
        return Err(FormatError::Write {
            path: final_path,
            source: io::Error::new(io::ErrorKind::NotFound, msg),
        });
    }
    tempfile::Builder::new()
        .prefix(&format!(".{final_name}."))
        .suffix(".partial")
        .tempfile_in(dest_dir)
        .map_err(|source| FormatError::Write {
            path: final_path,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_target_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        write_atomic(&target, |w| w.write_all(b"new content")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new content");
        assert_eq!(entries(dir.path()), ["out.csv"]);
    }

    #[test]
    fn a_failing_writer_keeps_the_old_file_and_removes_the_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        })
        .unwrap_err();
        assert!(matches!(&err, FormatError::Write { path, .. } if *path == target));
        assert!(err.to_string().contains("disk on fire"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(entries(dir.path()), ["out.csv"]);
    }

    #[test]
    fn a_missing_folder_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nope").join("out.csv");
        let err = write_atomic(&target, |w| w.write_all(b"x")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("folder does not exist: create it or choose another"),
            "{text}"
        );
        assert!(text.contains("out.csv"), "{text}");
        assert!(!target.exists());
    }
}
