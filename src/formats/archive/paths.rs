//! Which entry paths an archive may hold: relative, `/`-separated, without `.`/`..` segments,
//! drive letters, backslashes, control characters or names Windows cannot create. The writer
//! refuses them on the way in and the extractor on the way out, so an archive (ours or a
//! hostile one) can never write outside the folder it is extracted into.

use crate::formats::FormatError;
use crate::formats::names;

/// Characters Windows forbids in file names (`/` is the separator and `:`/`\` have their own
/// messages, so they are not listed here).
const WINDOWS_FORBIDDEN: &[char] = &['<', '>', '"', '|', '?', '*'];

/// The longest segment accepted, in bytes (most file systems stop at 255).
const MAX_SEGMENT_BYTES: usize = 255;

/// Checks that `path` is a safe archive entry path.
///
/// Accepted: `a/b/c.json` style paths whose every segment is a valid Windows file name.
/// Build segments from titles or attachment names with
/// [`safe_file_stem`](crate::formats::names::safe_file_stem) to stay within these rules.
///
/// # Errors
/// [`FormatError::UnsafeEntryPath`] saying what is wrong: empty, absolute, a backslash, a drive
/// letter or `:`, a control or Windows-forbidden character, an empty, `.` or `..` segment, a
/// segment ending in a dot or space, a Windows device name, or a segment over 255 bytes.
pub fn check_entry_path(path: &str) -> Result<(), FormatError> {
    let refuse = |reason: &str| {
        Err(FormatError::UnsafeEntryPath {
            entry: path.to_string(),
            reason: reason.to_string(),
        })
    };
    if path.is_empty() {
        return refuse("the path is empty");
    }
    if path.starts_with('/') {
        return refuse("the path is absolute (starts with '/')");
    }
    if path.contains('\\') {
        return refuse("the path contains a backslash; separate folders with '/'");
    }
    if path.contains(':') {
        return refuse("the path contains ':' (a drive letter or a Windows stream name)");
    }
    if path.chars().any(char::is_control) {
        return refuse("the path contains a control character");
    }
    if path.contains(WINDOWS_FORBIDDEN) {
        return refuse("the path contains a character Windows forbids in file names (<>\"|?*)");
    }
    for segment in path.split('/') {
        if let Some(reason) = segment_problem(segment) {
            return refuse(reason);
        }
    }
    Ok(())
}

/// What is wrong with one `/`-separated segment, if anything.
fn segment_problem(segment: &str) -> Option<&'static str> {
    if segment.is_empty() {
        Some("the path has an empty segment ('//' or a trailing '/')")
    } else if segment == "." || segment == ".." {
        Some("the path has a '.' or '..' segment")
    } else if segment.ends_with(['.', ' ']) {
        Some("a segment ends with a dot or a space (Windows drops them)")
    } else if names::is_reserved(segment) {
        Some("a segment is a Windows device name (CON, NUL, COM1, ...)")
    } else if segment.len() > MAX_SEGMENT_BYTES {
        Some("a segment is longer than 255 bytes")
    } else {
        None
    }
}

/// The key under which duplicates are detected: Windows and macOS file systems ignore case.
pub(super) fn duplicate_key(path: &str) -> String {
    path.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_pass() {
        for ok in [
            "item.json",
            "data/export.zip",
            "layers/0.geojson",
            "attachments/3/17 photo (1).jpg",
            "resources/Zürich 水質.png",
            ".hidden",
            "a..b",
        ] {
            check_entry_path(ok).unwrap();
        }
    }

    #[test]
    fn hostile_and_windows_invalid_paths_are_refused() {
        for bad in [
            "",
            "/abs",
            "../evil",
            "a/../../evil",
            "a/./b",
            "a//b",
            "a/",
            "C:/x",
            "c:x",
            "a\\b",
            "..\\evil",
            "a\u{0}b",
            "a\nb",
            "what?.txt",
            "a/b*.txt",
            "CON",
            "dir/nul.txt",
            "trailing.",
            "trailing /x",
        ] {
            let err = check_entry_path(bad).unwrap_err();
            assert!(
                matches!(&err, FormatError::UnsafeEntryPath { entry, .. } if entry == bad),
                "{bad:?}: {err}"
            );
        }
        let long = "x".repeat(256);
        assert!(check_entry_path(&long).is_err());
        assert!(check_entry_path(&"x".repeat(255)).is_ok());
    }
}
