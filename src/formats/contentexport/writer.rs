//! [`PackageWriter`]: streams a `.contentexport` (gzip-compressed tar) into a hidden temporary
//! file in the destination folder (`.<name>.contentexport.<random>.partial`), hashing every
//! member on the way, and on [`finish`](PackageWriter::finish) adds `manifest.json`,
//! `graph.gml`, missing `relationships.json` files and our sidecar, syncs and renames. Dropping
//! an unfinished writer deletes the temporary file. Item folders are written one after another;
//! what goes into them is the caller's (the engine's) business. The per-item files the writer
//! derives itself are in [`super::item`].

use std::collections::HashSet;
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::item::{ItemState, finish_item};
use super::scan::Tee;
use super::{
    GRAPH_NAME, MANIFEST_NAME, PACKAGE_EXTENSION, PackageManifest, SIDECAR_NAME, SidecarMember, hex,
};
use crate::formats::FormatError;
use crate::formats::archive::check_entry_path;
use crate::formats::atomic::sync_folder;

pub use super::item::relationships_json;

/// Write buffer between the gzip encoder and the temporary file.
const BUFFER_BYTES: usize = 256 * 1024;

/// The tar stream over the temporary file.
type TarOut = tar::Builder<GzEncoder<BufWriter<NamedTempFile>>>;

/// Writes one `.contentexport` package; see the module documentation.
///
/// Call [`begin_item`](Self::begin_item) for each item, then [`add_file`](Self::add_file) or
/// [`add_stream`](Self::add_stream) for its files (`files/<thumbnail name>`,
/// `files/metadata.xml`, `resources/<full resource path>`, `resources/resources.json`,
/// `data/structure.json`, `data/<file>`, `data/flc_props.json`, `relationships.json`), then the
/// next item, and finally [`finish`](Self::finish). Starting the next item completes the
/// previous one: its `properties.json` (with `origin_item_type` and `data_item_type`), a
/// generated `resources/resources.json` if none was given, and flattened copies of nested
/// resources for Esri's importer. After any error the writer refuses further work: drop it.
pub struct PackageWriter {
    /// The tar encoder.
    pub(super) tar: TarOut,
    /// The destination folder.
    dest_dir: PathBuf,
    /// Where the package goes on `finish`.
    pub(super) final_path: PathBuf,
    /// The top folder, equal to the file stem.
    pub(super) top: String,
    /// Every member written, paths relative to the top folder.
    pub(super) members: Vec<SidecarMember>,
    /// Lower-case member paths, for duplicate detection.
    pub(super) seen: HashSet<String>,
    /// Folders already written.
    dirs: HashSet<String>,
    /// Finished items, in order.
    pub(super) done: Vec<ItemState>,
    /// The item being written.
    pub(super) current: Option<ItemState>,
    /// Flattened resource copies: (copy, original), relative to the top folder.
    pub(super) flat_copies: Vec<(String, String)>,
    /// Things the sidecar should tell a reader (e.g. resources that got no flat copy).
    pub(super) notes: Vec<String>,
    /// Set after a failure that may have left the tar inconsistent.
    broken: Option<String>,
    /// Modification time stamped on every member (seconds since the epoch).
    mtime: u64,
}

impl PackageWriter {
    /// Starts `dest_dir/<package_name>.contentexport` whose top folder is `package_name`.
    ///
    /// # Errors
    /// [`FormatError::UnsafeEntryPath`] when `package_name` is not a valid single folder name,
    /// [`FormatError::Write`] when `dest_dir` is not an existing folder or the temporary file
    /// cannot be created.
    pub fn create(dest_dir: &Path, package_name: &str) -> Result<Self, FormatError> {
        single_segment(package_name, "the package name")?;
        let file_name = format!("{package_name}.{PACKAGE_EXTENSION}");
        let final_path = dest_dir.join(&file_name);
        let tmp = crate::formats::atomic::partial_file(dest_dir, &file_name)?;
        let gz = GzEncoder::new(
            BufWriter::with_capacity(BUFFER_BYTES, tmp),
            Compression::default(),
        );
        let mtime = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut writer = Self {
            tar: tar::Builder::new(gz),
            dest_dir: dest_dir.to_path_buf(),
            final_path,
            top: package_name.to_string(),
            members: Vec::new(),
            seen: HashSet::new(),
            dirs: HashSet::new(),
            done: Vec::new(),
            current: None,
            flat_copies: Vec::new(),
            notes: Vec::new(),
            broken: None,
            mtime,
        };
        writer.ensure_dir("")?;
        Ok(writer)
    }

    /// Starts the folder of item `item_id` (finishing the previous item). `properties` is the
    /// full item JSON (§5.1) in server order; `properties.json` is written when the item is
    /// finished, with `origin_item_type` added as Esri 2.4.4 does and `data_item_type` added
    /// for service data (`Service Definition` for `data/*.sd`, otherwise `File Geodatabase`
    /// for `data/*.zip`); keys the caller already set (e.g. `data_item_type: "Shapefile"`) are
    /// kept.
    ///
    /// # Errors
    /// [`FormatError::UnsafeEntryPath`] for an id that is not a valid folder name or names a
    /// top-level file, [`FormatError::DuplicateEntry`] for an item begun twice,
    /// [`FormatError::WriterMisuse`] when `properties` is not an object or its `id` differs,
    /// [`FormatError::Write`] when finishing the previous item fails.
    pub fn begin_item(
        &mut self,
        item_id: &str,
        properties: &serde_json::Value,
    ) -> Result<(), FormatError> {
        self.check_usable()?;
        single_segment(item_id, "the item id")?;
        if [MANIFEST_NAME, GRAPH_NAME, SIDECAR_NAME].contains(&item_id) {
            return Err(unsafe_path(item_id, "the item id names a package file"));
        }
        let state = ItemState::new(item_id, properties)?;
        let key = item_id.to_lowercase();
        if self.done.iter().any(|i| i.id.to_lowercase() == key)
            || self
                .current
                .as_ref()
                .is_some_and(|i| i.id.to_lowercase() == key)
        {
            return Err(FormatError::DuplicateEntry {
                entry: item_id.to_string(),
            });
        }
        self.finish_current()?;
        for dir in ["", "/files", "/resources", "/data"] {
            self.ensure_dir(&format!("{item_id}{dir}"))?;
        }
        self.current = Some(state);
        Ok(())
    }

    /// Adds one file of the current item from memory. `rel_path` is relative to the item
    /// folder (see the type documentation). Zero-byte `data/` files are skipped, as Esri
    /// deletes them.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] when `item_id` is not the current item or `rel_path` is
    /// outside the layout, [`FormatError::UnsafeEntryPath`], [`FormatError::DuplicateEntry`],
    /// [`FormatError::Write`].
    pub fn add_file(
        &mut self,
        item_id: &str,
        rel_path: &str,
        bytes: &[u8],
    ) -> Result<(), FormatError> {
        let mut reader = bytes;
        self.add_stream(item_id, rel_path, bytes.len() as u64, &mut reader)?;
        if let Some(item) = self.current.as_mut() {
            item.keep_for_flat_copy(rel_path, bytes);
        }
        Ok(())
    }

    /// Streams one file of the current item from `reader`, which must yield exactly `len`
    /// bytes (tar needs the size first: download to a temporary file, then stream it here).
    ///
    /// # Errors
    /// As [`add_file`](Self::add_file); also [`FormatError::Write`] when `reader` fails or
    /// yields another number of bytes (the writer is then unusable).
    pub fn add_stream(
        &mut self,
        item_id: &str,
        rel_path: &str,
        len: u64,
        reader: &mut dyn Read,
    ) -> Result<(), FormatError> {
        self.check_usable()?;
        let Some(item) = self.current.as_ref() else {
            return Err(misuse(format!("add {rel_path:?} before any begin_item")));
        };
        if item.id != item_id {
            let msg = format!(
                "add {rel_path:?} to {item_id:?} while {:?} is the current item; items are \
                 written one after another",
                item.id
            );
            return Err(misuse(msg));
        }
        check_entry_path(rel_path)?;
        if !item_layout_path(rel_path) {
            let msg = format!(
                "{rel_path:?} is outside the item layout (relationships.json, files/, \
                 resources/, data/; properties.json is written by the writer)"
            );
            return Err(misuse(msg));
        }
        if len == 0 && rel_path.starts_with("data/") {
            return Ok(());
        }
        let path = format!("{item_id}/{rel_path}");
        self.append_member(&path, len, reader)?;
        if let Some(item) = self.current.as_mut() {
            item.record(rel_path, len);
        }
        Ok(())
    }

    /// Writes `manifest.json`, `graph.gml` (nodes: the items, then ids only named by `edges`;
    /// `edges` are "source needs target"), a `relationships.json` for every item that got
    /// none, and the sidecar; finishes gzip, syncs and renames. Returns the package path.
    ///
    /// # Errors
    /// [`FormatError::WriterMisuse`] after an earlier failure, [`FormatError::Write`] naming
    /// the package when writing, syncing or renaming fails (the temporary file is removed).
    pub fn finish(
        mut self,
        manifest: PackageManifest,
        edges: &[(String, String)],
    ) -> Result<PathBuf, FormatError> {
        self.check_usable()?;
        self.finish_current()?;
        super::finish::write_package_files(&mut self, manifest, edges)?;
        let fail = |source: io::Error| FormatError::Write {
            path: self.final_path.clone(),
            source,
        };
        let gz = self.tar.into_inner().map_err(fail)?;
        let buffered = gz.finish().map_err(fail)?;
        let tmp = buffered.into_inner().map_err(|e| fail(e.into_error()))?;
        super::finish::readable_by_all(&tmp).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&self.final_path).map_err(|e| fail(e.error))?;
        sync_folder(&self.dest_dir);
        Ok(self.final_path)
    }

    /// Finishes the current item, if any.
    fn finish_current(&mut self) -> Result<(), FormatError> {
        if let Some(item) = self.current.take() {
            let item = finish_item(self, item)?;
            self.done.push(item);
        }
        Ok(())
    }

    /// Appends a regular member at `path` (relative to the top folder), hashing it.
    pub(super) fn append_member(
        &mut self,
        path: &str,
        len: u64,
        reader: &mut dyn Read,
    ) -> Result<(), FormatError> {
        let key = path.to_lowercase();
        if self.seen.contains(&key) || self.dirs.contains(&key) {
            return Err(FormatError::DuplicateEntry {
                entry: path.to_string(),
            });
        }
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.ensure_dir(parent)?;
        }
        let mut header = self.header(tar::EntryType::Regular, len, 0o644);
        let mut hashing = Tee {
            inner: reader.take(len),
            hasher: Some(Sha256::new()),
            count: 0,
        };
        let full = format!("{}/{path}", self.top);
        let written = self.tar.append_data(&mut header, &full, &mut hashing);
        let Tee {
            inner,
            hasher,
            count,
        } = hashing;
        let result = written.and_then(|()| {
            let mut probe = [0u8; 1];
            let longer = inner.into_inner().read(&mut probe)? > 0;
            if count != len || longer {
                let msg = format!("{path}: the reader yielded another size than {len} bytes");
                return Err(io::Error::new(io::ErrorKind::InvalidData, msg));
            }
            Ok(())
        });
        if let Err(source) = result {
            self.broken = Some(format!("writing {path} failed: {source}"));
            return Err(FormatError::Write {
                path: self.final_path.clone(),
                source,
            });
        }
        self.seen.insert(key);
        self.members.push(SidecarMember {
            path: path.to_string(),
            size: len,
            sha256: hasher.map(|h| hex(&h.finalize())).unwrap_or_default(),
        });
        Ok(())
    }

    /// Writes the folder `dir` (relative to the top folder; "" is the top) and its parents,
    /// once each.
    fn ensure_dir(&mut self, dir: &str) -> Result<(), FormatError> {
        if self.dirs.contains(&dir.to_lowercase()) {
            return Ok(());
        }
        if let Some((parent, _)) = dir.rsplit_once('/') {
            self.ensure_dir(parent)?;
        }
        let full = if dir.is_empty() {
            format!("{}/", self.top)
        } else {
            format!("{}/{dir}/", self.top)
        };
        let mut header = self.header(tar::EntryType::Directory, 0, 0o755);
        if let Err(source) = self.tar.append_data(&mut header, &full, io::empty()) {
            self.broken = Some(format!("writing folder {full} failed: {source}"));
            return Err(FormatError::Write {
                path: self.final_path.clone(),
                source,
            });
        }
        self.dirs.insert(dir.to_lowercase());
        Ok(())
    }

    /// A GNU header (GNU long names carry paths over 100 bytes) with fixed ownership.
    fn header(&self, kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_size(size);
        header.set_mode(mode);
        header.set_mtime(self.mtime);
        header.set_uid(0);
        header.set_gid(0);
        header
    }

    /// Refuses work after a failure.
    fn check_usable(&self) -> Result<(), FormatError> {
        match &self.broken {
            Some(why) => Err(misuse(format!("the package is unusable after: {why}"))),
            None => Ok(()),
        }
    }
}

/// Whether `rel_path` belongs in an item folder (`properties.json` is the writer's own).
fn item_layout_path(rel_path: &str) -> bool {
    rel_path == "relationships.json"
        || ["files/", "resources/", "data/"].iter().any(|dir| {
            rel_path
                .strip_prefix(dir)
                .is_some_and(|rest| !rest.is_empty())
        })
}

/// Checks a name used as one folder: a safe entry path without `/`.
fn single_segment(name: &str, what: &str) -> Result<(), FormatError> {
    check_entry_path(name)?;
    if name.contains('/') {
        return Err(unsafe_path(
            name,
            &format!("{what} must be a single folder name"),
        ));
    }
    Ok(())
}

/// A [`FormatError::UnsafeEntryPath`].
fn unsafe_path(entry: &str, reason: &str) -> FormatError {
    FormatError::UnsafeEntryPath {
        entry: entry.to_string(),
        reason: reason.to_string(),
    }
}

/// A [`FormatError::WriterMisuse`].
pub(super) fn misuse(message: String) -> FormatError {
    FormatError::WriterMisuse { message }
}
