//! [`ArchiveWriter`]: streams entries into a hidden temporary file in the destination folder
//! (`.<final name>.<random>.partial`), hashing every byte on the way, and on
//! [`finish`](ArchiveWriter::finish) appends `manifest.json`, syncs and renames the file to its
//! final name. Dropping an unfinished writer deletes the temporary file. It owns nothing else:
//! names come from [`names`](crate::formats::names), content from the engine.

use std::collections::HashSet;
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::paths::{check_entry_path, duplicate_key};
use super::{ARCHIVE_FORMAT_VERSION, Artefact, BackupManifest, MANIFEST_NAME};
use crate::formats::atomic::sync_folder;
use crate::formats::{FormatError, utc};

/// Write buffer between the zip encoder and the temporary file.
const BUFFER_BYTES: usize = 256 * 1024;

/// Extensions of already-compressed formats, stored rather than deflated again.
const STORED_EXTENSIONS: &str = "zip sd gz tgz 7z png jpg jpeg gif webp mp3 mp4 mov docx xlsx \
    pptx tpk tpkx vtpk mmpk mspk slpk ppkx lpkx contentexport";

/// Writes one backup archive into a hidden temporary file, renamed to its final name on
/// [`finish`](Self::finish) and deleted if the writer is dropped first.
///
/// Entries are either whole ([`add_bytes`](Self::add_bytes)) or streamed
/// ([`begin_entry`](Self::begin_entry), [`write_chunk`](Self::write_chunk)...,
/// [`end_entry`](Self::end_entry) or [`discard_entry`](Self::discard_entry)); memory use does
/// not grow with entry size. Paths are checked with
/// [`check_entry_path`](super::check_entry_path) and must be unique ignoring case.
pub struct ArchiveWriter {
    /// The zip encoder over the buffered temporary file (deleted when dropped unpersisted).
    zip: ZipWriter<BufWriter<NamedTempFile>>,
    /// The destination folder.
    dest_dir: PathBuf,
    /// Where the archive goes on `finish`.
    final_path: PathBuf,
    /// Every finished entry, in order.
    artefacts: Vec<Artefact>,
    /// Duplicate keys of finished entries.
    seen: HashSet<String>,
    /// The streamed entry being written, if any.
    current: Option<OpenEntry>,
    /// Uncompressed bytes of kept and open entries.
    bytes_written: u64,
    /// The modification time stamped on every entry (the writer's creation time).
    stamp: zip::DateTime,
}

/// A streamed entry between `begin_entry` and `end_entry`.
struct OpenEntry {
    /// Its path.
    path: String,
    /// SHA-256 of the bytes so far.
    hasher: Sha256,
    /// Bytes so far.
    size: u64,
}

impl ArchiveWriter {
    /// Starts an archive that [`finish`](Self::finish) will name `dest_dir/final_name`.
    ///
    /// # Errors
    /// [`FormatError::Write`] naming the final path when `final_name` is not a plain file name,
    /// `dest_dir` is not an existing folder, or the temporary file cannot be created.
    pub fn create(dest_dir: &Path, final_name: &str) -> Result<Self, FormatError> {
        let final_path = dest_dir.join(final_name);
        let fail = |kind: io::ErrorKind, msg: String| FormatError::Write {
            path: final_path.clone(),
            source: io::Error::new(kind, msg),
        };
        let plain = Path::new(final_name).file_name().and_then(|n| n.to_str()) == Some(final_name);
        if !plain || final_name.contains(['/', '\\']) {
            let msg = "the archive name must be a plain file name".to_string();
            return Err(fail(io::ErrorKind::InvalidInput, msg));
        }
        let tmp = crate::formats::atomic::partial_file(dest_dir, final_name)?;
        Ok(Self {
            zip: ZipWriter::new(BufWriter::with_capacity(BUFFER_BYTES, tmp)),
            dest_dir: dest_dir.to_path_buf(),
            final_path,
            artefacts: Vec::new(),
            seen: HashSet::new(),
            current: None,
            bytes_written: 0,
            stamp: now_stamp(),
        })
    }

    /// Adds a whole entry from memory.
    ///
    /// # Errors
    /// As [`begin_entry`](Self::begin_entry) and [`write_chunk`](Self::write_chunk).
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<(), FormatError> {
        let large = u32::try_from(bytes.len()).is_err();
        self.begin_entry(path, large)?;
        self.write_chunk(bytes)?;
        self.end_entry().map(drop)
    }

    /// Starts a streamed entry; then call [`write_chunk`](Self::write_chunk) any number of
    /// times and [`end_entry`](Self::end_entry) (or [`discard_entry`](Self::discard_entry)).
    /// `large` = true when the size is unknown or may exceed 4 GiB (zip64); without it an entry
    /// that grows past 4 GiB fails.
    ///
    /// # Errors
    /// [`FormatError::UnsafeEntryPath`] (also for `manifest.json`, which the writer adds
    /// itself), [`FormatError::DuplicateEntry`], [`FormatError::WriterMisuse`] while another
    /// entry is open, [`FormatError::Write`] on an I/O failure.
    pub fn begin_entry(&mut self, path: &str, large: bool) -> Result<(), FormatError> {
        if let Some(open) = &self.current {
            return Err(misuse(format!(
                "begin_entry({path:?}) while {:?} is open; call end_entry or discard_entry first",
                open.path
            )));
        }
        check_entry_path(path)?;
        let key = duplicate_key(path);
        if key == MANIFEST_NAME {
            return Err(FormatError::UnsafeEntryPath {
                entry: path.to_string(),
                reason: "manifest.json is written by the archive writer itself".into(),
            });
        }
        if self.seen.contains(&key) {
            return Err(FormatError::DuplicateEntry {
                entry: path.to_string(),
            });
        }
        let options = self.options(path, large);
        self.zip
            .start_file(path, options)
            .map_err(|e| self.write_error(e.into()))?;
        self.current = Some(OpenEntry {
            path: path.to_string(),
            hasher: Sha256::new(),
            size: 0,
        });
        Ok(())
    }

    /// Appends `chunk` to the open streamed entry.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] with no open entry, [`FormatError::Write`] on an I/O
    /// failure (a full disk, or more than 4 GiB in an entry begun with `large = false`).
    pub fn write_chunk(&mut self, chunk: &[u8]) -> Result<(), FormatError> {
        let Some(open) = self.current.as_mut() else {
            return Err(misuse("write_chunk without begin_entry".into()));
        };
        open.hasher.update(chunk);
        open.size += chunk.len() as u64;
        self.bytes_written += chunk.len() as u64;
        self.zip
            .write_all(chunk)
            .map_err(|source| FormatError::Write {
                path: self.final_path.clone(),
                source,
            })
    }

    /// Closes the open streamed entry and returns what the manifest will list for it.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] with no open entry.
    pub fn end_entry(&mut self) -> Result<Artefact, FormatError> {
        let Some(open) = self.current.take() else {
            return Err(misuse("end_entry without begin_entry".into()));
        };
        let artefact = Artefact {
            sha256: hex(&open.hasher.finalize()),
            size: open.size,
            path: open.path,
        };
        self.seen.insert(duplicate_key(&artefact.path));
        self.artefacts.push(artefact.clone());
        Ok(artefact)
    }

    /// Abandons the open streamed entry (e.g. its download failed): it is removed from the
    /// zip's central directory, so no reader sees it, and is not listed in the manifest. The
    /// writer rewinds to where the entry began and truncates the temporary file there, so its
    /// bytes do not take space in the archive. Its path may be used again.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] with no open entry, [`FormatError::Write`] on an I/O
    /// failure.
    pub fn discard_entry(&mut self) -> Result<(), FormatError> {
        let Some(open) = self.current.take() else {
            return Err(misuse("discard_entry without begin_entry".into()));
        };
        self.bytes_written = self.bytes_written.saturating_sub(open.size);
        // zip aborts an entry itself when it outgrows 4 GiB without `large`; aborting again
        // would remove the previous, finished entry.
        if self.zip.is_writing_file() {
            self.zip
                .abort_file()
                .map_err(|e| self.write_error(e.into()))?;
        }
        self.cut_tail().map_err(|e| self.write_error(e))
    }

    /// Truncates the temporary file at its cursor. After `abort_file` rewound to the start of
    /// the discarded entry this drops its bytes (the write buffer is empty after a seek); when
    /// no rewind happened the cursor is at the end of the file and nothing changes.
    fn cut_tail(&self) -> io::Result<()> {
        let Some(buffered) = self.zip.get_ref() else {
            return Ok(());
        };
        let mut file = buffered.get_ref().as_file();
        let position = file.stream_position()?;
        file.set_len(position)
    }

    /// Uncompressed bytes of the entries written so far (open entry included, discarded ones
    /// not): the progress measure.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Appends `manifest.json` (with `format_version` set to [`ARCHIVE_FORMAT_VERSION`] and
    /// `artefacts` set to the entries written, whatever the caller passed), syncs the file and
    /// renames it to the final name, replacing a file of that name. Returns the final path.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] while an entry is open, [`FormatError::Write`] on an I/O
    /// failure; the temporary file is deleted and nothing appears under the final name.
    pub fn finish(mut self, mut manifest: BackupManifest) -> Result<PathBuf, FormatError> {
        if let Some(open) = &self.current {
            let msg = format!(
                "finish while {:?} is open; end or discard it first",
                open.path
            );
            return Err(misuse(msg));
        }
        manifest.format_version = ARCHIVE_FORMAT_VERSION;
        manifest.artefacts = std::mem::take(&mut self.artefacts);
        let json = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other);
        let options = self.options(MANIFEST_NAME, false);
        let written = json.and_then(|json| {
            self.zip.start_file(MANIFEST_NAME, options)?;
            self.zip.write_all(&json)
        });
        written.map_err(|e| self.write_error(e))?;
        let fail = |source: io::Error| FormatError::Write {
            path: self.final_path.clone(),
            source,
        };
        let buffered = self.zip.finish().map_err(|e| fail(e.into()))?;
        let tmp = buffered.into_inner().map_err(|e| fail(e.into_error()))?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&self.final_path).map_err(|e| fail(e.error))?;
        sync_folder(&self.dest_dir);
        Ok(self.final_path)
    }

    /// Options for a new entry: already-compressed formats stored, the rest deflated.
    fn options(&self, path: &str, large: bool) -> SimpleFileOptions {
        let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let stored =
            extension.is_some_and(|e| STORED_EXTENSIONS.split_whitespace().any(|s| s == e));
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        SimpleFileOptions::default()
            .compression_method(method)
            .large_file(large)
            .last_modified_time(self.stamp)
            .unix_permissions(0o644)
    }

    /// A write failure naming the final archive path.
    fn write_error(&self, source: io::Error) -> FormatError {
        FormatError::Write {
            path: self.final_path.clone(),
            source,
        }
    }
}

/// A [`FormatError::WriterMisuse`].
fn misuse(message: String) -> FormatError {
    FormatError::WriterMisuse { message }
}

pub(super) use crate::formats::hex;

/// The current UTC time as a zip time stamp (1980-01-01 if the clock is out of zip's range).
fn now_stamp() -> zip::DateTime {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let t = utc::UtcDateTime::from_ms(ms);
    let narrow = |v: u32| u8::try_from(v).unwrap_or(0);
    u16::try_from(t.year)
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                narrow(t.month),
                narrow(t.day),
                narrow(t.hour),
                narrow(t.minute),
                narrow(t.second),
            )
            .ok()
        })
        .unwrap_or_default()
}
