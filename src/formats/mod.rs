//! Pure file formats used by the scan and backup engine: the inventory CSV the user sees and
//! edits ([`inventory`]), the delta index next to it ([`index`]), item-id lists read from any CSV
//! ([`id_list`]), the per-item backup ZIP with its manifest ([`archive`]), Esri's
//! `.contentexport` package written and read natively ([`contentexport`]), the features of a
//! backed-up GeoJSON layer or JSON replica streamed in batches ([`features`]), GeoJSON geometry
//! as Esri JSON ([`geometry`]), the report of a backup run ([`run_report`]), the catalogue a
//! backup destination keeps for resumed and incremental runs ([`catalogue`]), Windows-safe file
//! names ([`names`]), UTC date text ([`utc`]) and crash-safe writes ([`atomic`]). Everything
//! here works over `std::io` and `std::path` only: no network, no async, no UI, so the engine
//! (and only the engine) builds on it.
//!
//! Every failure is a [`FormatError`] naming the file, the line and column when there is one,
//! and what the user can do about it.

pub mod archive;
pub mod atomic;
pub mod catalogue;
pub mod contentexport;
pub mod features;
pub mod geometry;
pub mod id_list;
pub mod index;
pub mod inventory;
pub mod names;
pub mod run_report;
pub mod utc;

use std::io;
use std::path::{Path, PathBuf};

/// Lower-case hexadecimal of `bytes` (how every SHA-256 in our manifests is written).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The UTF-8 byte order mark written at the start of every CSV (Excel needs it to read UTF-8).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What went wrong reading or writing one of the files this module owns.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {}", path.display(), read_hint(source))]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The file could not be written; an existing file of that name was left untouched.
    #[error("cannot write {}: {} (the existing file, if any, is unchanged)",
        path.display(), write_hint(source))]
    Write {
        /// The file that was to be written.
        path: PathBuf,
        /// What the operating system (or the writer) said.
        source: io::Error,
    },
    /// The file is a CSV with other columns: it belongs to someone else and is never touched.
    #[error("{} is not {expected}: its columns are [{}]; choose another output file \
        (this one was left untouched)", path.display(), found_header.join(", "))]
    ForeignCsv {
        /// The file.
        path: PathBuf,
        /// What was expected, e.g. "an agol-backup inventory (Title, Id, Type, ...)".
        expected: String,
        /// The header the file actually has.
        found_header: Vec<String>,
    },
    /// A row (or the header) could not be understood.
    #[error("{}: line {line}{}: {message}", path.display(),
        column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line where the bad record starts.
        line: u64,
        /// The column name (or 1-based number) at fault, when one is.
        column: Option<String>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An id list held no ids at all.
    #[error("{}: no item ids found; the CSV needs an `id` column (or ids in its first column)",
        path.display())]
    NoIds {
        /// The file.
        path: PathBuf,
    },
    /// An archive entry path that could escape the extraction folder or is invalid on Windows.
    #[error("archive entry {entry:?} refused: {reason}")]
    UnsafeEntryPath {
        /// The entry path as given (or as stored in the archive).
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two entries of one archive have the same path.
    #[error("archive entry {entry:?} is added twice (entry paths must be unique, ignoring case)")]
    DuplicateEntry {
        /// The repeated entry path.
        entry: String,
    },
    /// A file is not a readable backup archive: not a zip, damaged, or without a valid manifest.
    #[error("{} is not a readable agol-backup archive: {message}", path.display())]
    BadArchive {
        /// The archive file.
        path: PathBuf,
        /// What is wrong and, where possible, what to do.
        message: String,
    },
    /// A file is not a readable `.contentexport` package: not a gzip-compressed tar, damaged,
    /// truncated, or without the single top folder a package has.
    #[error("{} is not a readable .contentexport package: {message}", path.display())]
    BadPackage {
        /// The package file.
        path: PathBuf,
        /// What is wrong and, where possible, what to do.
        message: String,
    },
    /// The archive writer was called out of order (a bug in the caller).
    #[error("archive writer misuse: {message}")]
    WriterMisuse {
        /// What was called when.
        message: String,
    },
}

/// The hint shown after a read failure.
fn read_hint(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => format!("the file does not exist: check the path ({e})"),
        io::ErrorKind::PermissionDenied => format!(
            "permission denied: check the file's permissions or close the program that locks it ({e})"
        ),
        _ => e.to_string(),
    }
}

/// The hint shown after a write failure.
fn write_hint(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => {
            format!("folder does not exist: create it or choose another ({e})")
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
            "permission denied: choose a folder you can write to, or close the program \
             (e.g. Excel) that has the file open ({e})"
        ),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            format!("the disk is full: free some space or choose another drive ({e})")
        }
        _ => e.to_string(),
    }
}

/// `data` without its leading UTF-8 byte order mark, if it has one.
pub(crate) fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(UTF8_BOM).unwrap_or(data)
}

/// Reads a whole file for parsing.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Every record of CSV `data` (BOM already stripped) with the 1-based line where it starts,
/// counting from `first_line`. Lines are counted here because the `csv` crate misplaces
/// records that follow a CRLF line end (the format Excel and this module write).
pub(crate) fn read_records(
    data: &[u8],
    delimiter: u8,
    path: &Path,
    first_line: u64,
) -> Result<Vec<(u64, csv::ByteRecord)>, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut lines = LineCounter {
        data,
        offset: 0,
        line: first_line,
    };
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(records),
            Ok(true) => {
                let byte = record.position().map_or(0, csv::Position::byte);
                records.push((lines.line_at(byte), record.clone()));
            }
            Err(e) => {
                let byte = e.position().map_or(0, csv::Position::byte);
                let line = lines.line_at(byte);
                return Err(FormatError::Malformed {
                    path: path.to_path_buf(),
                    line,
                    column: None,
                    message: e.to_string(),
                });
            }
        }
    }
}

/// Turns byte offsets (visited in increasing order) into line numbers.
struct LineCounter<'a> {
    /// The whole input.
    data: &'a [u8],
    /// Bytes before this offset are counted.
    offset: usize,
    /// The line at `offset`.
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the first non-line-break byte at or after `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.data.len());
        while matches!(self.data.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.offset {
            let newlines = self.data[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = start;
        }
        self.line
    }
}

/// A CSV field as UTF-8 text, or [`FormatError::Malformed`] naming the line and column.
pub(crate) fn utf8_field<'a>(
    field: &'a [u8],
    path: &Path,
    line: u64,
    column: &str,
) -> Result<&'a str, FormatError> {
    std::str::from_utf8(field).map_err(|_| FormatError::Malformed {
        path: path.to_path_buf(),
        line,
        column: Some(column.to_string()),
        message: "the text is not UTF-8; save the file as \"CSV UTF-8\"".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_right_after_crlf_blank_lines_and_quoted_breaks() {
        let data = b"h1,h2\r\na,b\r\n\r\n\"multi\r\nline\",c\r\nd,e\n\nf,g";
        let records = read_records(data, b',', Path::new("x.csv"), 1).unwrap();
        let lines: Vec<u64> = records.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 4, 6, 8]);
    }
}
