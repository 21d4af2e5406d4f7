//! One streaming pass over a package file, shared by reading, verifying and extracting: opens
//! the gzip, walks the tar members, refuses links, devices, absolute paths, `..` and a second
//! top folder, hands each member to a [`MemberSink`], keeps the small JSON/GML members in
//! memory, optionally hashes everything, and finally checks the gzip trailer. Nothing here
//! writes to disk; the extraction sink does, inside its own folder.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use super::{
    GRAPH_NAME, MANIFEST_NAME, PROPERTIES_NAME, RELATIONSHIPS_NAME, RESOURCES_LIST, SIDECAR_NAME,
    hex,
};
use crate::formats::FormatError;

/// The largest JSON or GML member kept in memory for parsing.
const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// One regular file of a package.
#[derive(Debug, Clone)]
pub(super) struct Member {
    /// The path below the top folder.
    pub path: String,
    /// Its size.
    pub size: u64,
    /// Its SHA-256, when hashing was asked for.
    pub sha256: Option<String>,
}

/// What a pass found.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// The single top folder.
    pub top: String,
    /// Regular files, in archive order.
    pub members: Vec<Member>,
    /// Folders below the top folder.
    pub dirs: Vec<String>,
    /// The bytes of the small members the reader parses, by path below the top folder.
    pub texts: HashMap<String, Vec<u8>>,
    /// Defects tolerated on the way.
    pub warnings: Vec<String>,
}

/// Receives the members of a pass.
pub(super) trait MemberSink {
    /// A folder `top/rel`.
    fn dir(&mut self, top: &str, rel: &str) -> Result<(), FormatError>;
    /// A regular file `top/rel` and its bytes (the pass drains what is not read).
    fn file(&mut self, top: &str, rel: &str, data: &mut dyn Read) -> Result<(), FormatError>;
}

/// A sink that only lets the pass read.
pub(super) struct NoSink;

impl MemberSink for NoSink {
    fn dir(&mut self, _: &str, _: &str) -> Result<(), FormatError> {
        Ok(())
    }
    fn file(&mut self, _: &str, _: &str, _: &mut dyn Read) -> Result<(), FormatError> {
        Ok(())
    }
}

/// A [`FormatError::BadPackage`].
pub(super) fn bad(path: &Path, message: impl Into<String>) -> FormatError {
    FormatError::BadPackage {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A damaged-stream error for `path`.
fn damaged(path: &Path, e: &io::Error) -> FormatError {
    bad(path, format!("the file is damaged or truncated ({e})"))
}

/// Walks the package at `path` once.
pub(super) fn scan(
    path: &Path,
    hash: bool,
    sink: &mut dyn MemberSink,
) -> Result<Scan, FormatError> {
    let mut file = BufReader::new(File::open(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })?);
    check_magic(path, &mut file)?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let mut state = Scan::default();
    let mut seen = HashSet::new();
    let entries = archive.entries().map_err(|e| damaged(path, &e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| damaged(path, &e))?;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            continue;
        }
        let clean = clean_path(&raw).map_err(|reason| refuse(&shown, &reason))?;
        let is_dir = kind.is_dir();
        if !is_dir && !kind.is_file() && kind != tar::EntryType::Continuous {
            return Err(refuse(&shown, &format!("it is {}", kind_name(kind))));
        }
        let Some(rel) = place(&mut state, &clean, is_dir).map_err(|r| refuse(&shown, &r))? else {
            continue;
        };
        if !seen.insert((rel.clone(), is_dir)) {
            return Err(FormatError::DuplicateEntry { entry: shown });
        }
        if is_dir {
            sink.dir(&state.top, &rel)?;
            state.dirs.push(rel);
            continue;
        }
        let size = entry.header().size().map_err(|e| damaged(path, &e))?;
        let member = read_member(path, &mut state, &rel, size, hash, &mut entry, sink)?;
        state.members.push(member);
    }
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(|e| damaged(path, &e))?;
    if state.top.is_empty() {
        return Err(bad(path, "it holds no files: it is an empty archive"));
    }
    Ok(state)
}

/// Passes one regular member to the sink, hashing it and keeping it when it is a text.
fn read_member(
    path: &Path,
    state: &mut Scan,
    rel: &str,
    size: u64,
    hash: bool,
    entry: &mut dyn Read,
    sink: &mut dyn MemberSink,
) -> Result<Member, FormatError> {
    let mut reader = Tee {
        inner: entry,
        hasher: hash.then(Sha256::new),
        count: 0,
    };
    if is_text(rel) && size <= MAX_TEXT_BYTES {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| damaged(path, &e))?;
        sink.file(&state.top, rel, &mut bytes.as_slice())?;
        state.texts.insert(rel.to_string(), bytes);
    } else {
        if is_text(rel) {
            state.warnings.push(format!(
                "{rel} is over {MAX_TEXT_BYTES} bytes and was not read"
            ));
        }
        sink.file(&state.top, rel, &mut reader)?;
        io::copy(&mut reader, &mut io::sink()).map_err(|e| damaged(path, &e))?;
    }
    if reader.count != size {
        return Err(bad(
            path,
            format!("{rel} is cut short: the file is truncated"),
        ));
    }
    Ok(Member {
        path: rel.to_string(),
        size,
        sha256: reader.hasher.map(|h| hex(&h.finalize())),
    })
}

/// Whether the member at `rel` (below the top folder) is one the reader parses.
fn is_text(rel: &str) -> bool {
    match rel.split_once('/') {
        None => [MANIFEST_NAME, GRAPH_NAME, SIDECAR_NAME].contains(&rel),
        Some((_, inner)) => [PROPERTIES_NAME, RELATIONSHIPS_NAME, RESOURCES_LIST].contains(&inner),
    }
}

/// Refuses anything that does not start like gzip, naming zips and plain tars.
fn check_magic(path: &Path, file: &mut BufReader<File>) -> Result<(), FormatError> {
    use std::io::BufRead;
    let head = file.fill_buf().map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(());
    }
    let what = if head.starts_with(b"PK") {
        "it is a zip file (a .contentexport is a gzip-compressed tar); open zips as backups"
    } else if head.is_empty() {
        "the file is empty"
    } else {
        "it is not gzip-compressed (a .contentexport is a gzip-compressed tar)"
    };
    Err(bad(path, what))
}

/// The member path without `./` prefixes or a trailing `/`, or why it is refused.
fn clean_path(raw: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "the path is not UTF-8".to_string())?;
    if text.starts_with('/') {
        return Err("the path is absolute".into());
    }
    if text.contains('\\') {
        return Err("the path contains a backslash".into());
    }
    if text.contains(':') {
        return Err("the path contains ':' (a drive letter or a stream name)".into());
    }
    if text.chars().any(char::is_control) {
        return Err("the path contains a control character".into());
    }
    let mut segments: Vec<&str> = text.split('/').collect();
    while segments.first() == Some(&".") {
        segments.remove(0);
    }
    if segments.last() == Some(&"") {
        segments.pop();
    }
    if segments.is_empty() {
        return Ok(String::new());
    }
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("the path has an empty, '.' or '..' segment".into());
    }
    Ok(segments.join("/"))
}

/// Checks that `clean` lies in the single top folder; returns its path below it (`None` for
/// the top folder itself).
fn place(state: &mut Scan, clean: &str, is_dir: bool) -> Result<Option<String>, String> {
    if clean.is_empty() {
        return Ok(None);
    }
    let (first, rel) = clean.split_once('/').unwrap_or((clean, ""));
    if rel.is_empty() && !is_dir {
        return Err("it is a file outside the package's top folder".into());
    }
    if state.top.is_empty() {
        state.top = first.to_string();
    } else if state.top != first {
        return Err(format!(
            "a package holds one top folder, and this is a second one besides {:?}",
            state.top
        ));
    }
    Ok((!rel.is_empty()).then(|| rel.to_string()))
}

/// An [`FormatError::UnsafeEntryPath`].
fn refuse(entry: &str, reason: &str) -> FormatError {
    FormatError::UnsafeEntryPath {
        entry: entry.to_string(),
        reason: reason.to_string(),
    }
}

/// A readable name of a tar entry type.
fn kind_name(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Symlink => "a symbolic link",
        tar::EntryType::Link => "a hard link",
        tar::EntryType::Char | tar::EntryType::Block => "a device",
        tar::EntryType::Fifo => "a named pipe",
        _ => "not a plain file or folder",
    }
}

/// Counts and optionally hashes what passes through.
pub(super) struct Tee<R> {
    /// The source.
    pub inner: R,
    /// SHA-256 so far, when hashing.
    pub hasher: Option<Sha256>,
    /// Bytes so far.
    pub count: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
}
