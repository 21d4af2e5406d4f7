//! Tests of the package format on real files: a round trip through writer and reader, a
//! package laid out like Esri's (with its defects), and hostile or damaged archives.

mod esri;
mod from_archives;
mod hostile;
mod round_trip;

use std::fs;
use std::path::{Path, PathBuf};

/// Deterministic pseudo-random bytes (xorshift), so failures are reproducible.
pub(super) fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Every file below `dir` (relative, `/`-separated) with its bytes; panics on a symlink.
pub(super) fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            assert!(!kind.is_symlink(), "symlink {}", entry.path().display());
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The names directly inside `dir`.
pub(super) fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One hand-made tar member.
pub(super) struct Raw {
    /// The path bytes exactly as stored.
    pub path: Vec<u8>,
    /// The entry type.
    pub kind: tar::EntryType,
    /// The content.
    pub data: Vec<u8>,
    /// The link target, for links.
    pub link: Option<Vec<u8>>,
    /// Store the path in a PAX `path` record (as Python does for non-ASCII names).
    pub pax: bool,
}

impl Raw {
    /// A regular file.
    pub fn file(path: &str, data: &[u8]) -> Self {
        Self {
            path: path.as_bytes().to_vec(),
            kind: tar::EntryType::Regular,
            data: data.to_vec(),
            link: None,
            pax: false,
        }
    }
    /// A folder.
    pub fn dir(path: &str) -> Self {
        Self {
            path: path.as_bytes().to_vec(),
            kind: tar::EntryType::Directory,
            data: Vec::new(),
            link: None,
            pax: false,
        }
    }
    /// A link of `kind` to `target`.
    pub fn link(path: &str, kind: tar::EntryType, target: &str) -> Self {
        Self {
            path: path.as_bytes().to_vec(),
            kind,
            data: Vec::new(),
            link: Some(target.as_bytes().to_vec()),
            pax: false,
        }
    }
}

/// A gzip-compressed tar of `members`, written without the `tar` crate's path checks.
pub(super) fn raw_tar_gz(members: &[Raw]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(gz);
    for member in members {
        if member.pax {
            let value = String::from_utf8(member.path.clone()).unwrap();
            let body = format!(" path={value}\n");
            let mut len = body.len() + 2;
            if format!("{len}{body}").len() != len {
                len += 1;
            }
            let record = format!("{len}{body}");
            let mut header = tar::Header::new_ustar();
            header.set_entry_type(tar::EntryType::XHeader);
            header.as_old_mut().name[..9].copy_from_slice(b"PaxHeader");
            header.set_size(record.len() as u64);
            header.set_cksum();
            builder.append(&header, record.as_bytes()).unwrap();
        }
        let mut header = tar::Header::new_ustar();
        let stored: Vec<u8> = if member.pax {
            b"pax-name-placeholder".to_vec()
        } else {
            member.path.clone()
        };
        header.as_old_mut().name[..stored.len()].copy_from_slice(&stored);
        if let Some(link) = &member.link {
            header.as_old_mut().linkname[..link.len()].copy_from_slice(link);
        }
        header.set_entry_type(member.kind);
        header.set_size(member.data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, member.data.as_slice()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}
