//! [`verify_archive`]: re-reads every entry of a backup archive in constant memory, recomputes
//! sizes and SHA-256 digests, recounts the features of layer GeoJSON artefacts and compares all
//! of it with the manifest. Problems are collected in a [`VerifyReport`]; only an archive that
//! cannot be opened at all (not a zip, no manifest) is an error.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};
use zip::result::ZipError;

use super::reader::{Archive, manifest_of, open_archive};
use super::writer::hex;
use super::{Artefact, BackupManifest, ItemStatus, MANIFEST_NAME};
use crate::formats::FormatError;

/// Read buffer for the GeoJSON parser.
const PARSE_BUFFER_BYTES: usize = 64 * 1024;

/// What [`verify_archive`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    /// The archive checked.
    pub path: PathBuf,
    /// The item id from its manifest.
    pub item_id: String,
    /// The item title from its manifest.
    pub title: String,
    /// The status the manifest records.
    pub status: ItemStatus,
    /// Manifest artefacts found and re-read.
    pub artefacts_checked: usize,
    /// Uncompressed bytes re-read.
    pub bytes_checked: u64,
    /// Everything that disagrees, one sentence each; empty when the archive is sound.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// True when no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the archive at `path` against its manifest.
///
/// Problems reported: entries missing or damaged (CRC, deflate), extra entries not in the
/// manifest, size or SHA-256 mismatches, a `layers/<id>.geojson` whose feature count differs
/// from the layer's `features`, and, unless the manifest says [`ItemStatus::Partial`], a layer
/// whose `live_features` (or `live_attachments`) differs from what was captured.
///
/// # Errors
/// [`FormatError::Read`] or [`FormatError::BadArchive`] when the file cannot be read, is not a
/// zip, or has no valid manifest.
pub fn verify_archive(path: &Path) -> Result<VerifyReport, FormatError> {
    let mut archive = open_archive(path)?;
    let manifest = manifest_of(&mut archive, path)?;
    let mut report = VerifyReport {
        path: path.to_path_buf(),
        item_id: manifest.item_id.clone(),
        title: manifest.title.clone(),
        status: manifest.status.clone(),
        artefacts_checked: 0,
        bytes_checked: 0,
        problems: Vec::new(),
    };
    check_extra_entries(&archive, &manifest, &mut report.problems);
    let layer_ids: HashSet<i64> = manifest.layers.iter().map(|l| l.id).collect();
    let mut counted = HashMap::new();
    for artefact in &manifest.artefacts {
        let layer = geojson_layer_id(&artefact.path).filter(|id| layer_ids.contains(id));
        if let Some(features) = check_artefact(&mut archive, artefact, layer, &mut report) {
            counted.extend(layer.map(|id| (id, features)));
        }
    }
    check_layers(&manifest, &counted, &mut report.problems);
    Ok(report)
}

/// Reports entries the manifest does not list (and duplicate names).
fn check_extra_entries(archive: &Archive, manifest: &BackupManifest, problems: &mut Vec<String>) {
    if archive.has_duplicate_names() {
        problems.push("the archive holds two entries with the same name".into());
    }
    let listed: HashSet<&str> = manifest.artefacts.iter().map(|a| a.path.as_str()).collect();
    for name in archive.file_names_raw() {
        let name = String::from_utf8_lossy(name);
        if name != MANIFEST_NAME && !listed.contains(name.as_ref()) {
            problems.push(format!("entry {name:?} is not listed in the manifest"));
        }
    }
}

/// Re-reads one artefact, recording problems; returns its feature count when `layer` asks for
/// one and the entry is readable GeoJSON.
fn check_artefact(
    archive: &mut Archive,
    artefact: &Artefact,
    layer: Option<i64>,
    report: &mut VerifyReport,
) -> Option<u64> {
    let name = &artefact.path;
    let entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => {
            report.problems.push(format!("entry {name:?} is missing"));
            return None;
        }
        Err(e) => {
            report
                .problems
                .push(format!("entry {name:?} cannot be opened: {e}"));
            return None;
        }
    };
    report.artefacts_checked += 1;
    let digest = match digest_entry(entry, layer.is_some()) {
        Ok(digest) => digest,
        Err(e) => {
            report
                .problems
                .push(format!("entry {name:?} is damaged: {e}"));
            return None;
        }
    };
    report.bytes_checked += digest.size;
    if digest.size != artefact.size {
        report.problems.push(format!(
            "entry {name:?} holds {} bytes but the manifest says {}",
            digest.size, artefact.size
        ));
    }
    if digest.sha256 != artefact.sha256 {
        report.problems.push(format!(
            "entry {name:?} has SHA-256 {} but the manifest says {}",
            digest.sha256, artefact.sha256
        ));
    }
    match digest.features? {
        Ok(count) => Some(count),
        Err(e) => {
            report
                .problems
                .push(format!("entry {name:?} is not valid GeoJSON: {e}"));
            None
        }
    }
}

/// Compares recounted and live counts with each layer's captured counts.
fn check_layers(
    manifest: &BackupManifest,
    counted: &HashMap<i64, u64>,
    problems: &mut Vec<String>,
) {
    let partial = manifest.status == ItemStatus::Partial;
    for layer in &manifest.layers {
        let label = format!("layer {} ({})", layer.id, layer.name);
        if let Some(&found) = counted.get(&layer.id)
            && found != layer.features
        {
            problems.push(format!(
                "{label}: its GeoJSON holds {found} features but the manifest says {}",
                layer.features
            ));
        }
        if partial {
            continue;
        }
        if let Some(live) = layer.live_features.filter(|&live| live != layer.features) {
            problems.push(format!(
                "{label}: {} features captured but the live service had {live}, and the \
                 backup is not marked partial",
                layer.features
            ));
        }
        if let (Some(got), Some(live)) = (layer.attachments, layer.live_attachments)
            && got != live
        {
            problems.push(format!(
                "{label}: {got} attachments captured but the live service had {live}, \
                 and the backup is not marked partial"
            ));
        }
    }
}

/// The layer id of a `layers/<id>.geojson` entry path.
fn geojson_layer_id(path: &str) -> Option<i64> {
    path.strip_prefix("layers/")?
        .strip_suffix(".geojson")?
        .parse()
        .ok()
}

/// What re-reading one entry gave.
struct EntryDigest {
    /// Bytes read.
    size: u64,
    /// Their SHA-256, lower-case hex.
    sha256: String,
    /// The feature count when asked for: `Err` when the entry is not a GeoJSON object with a
    /// `features` array.
    features: Option<Result<u64, String>>,
}

/// Hashes (and optionally counts the features of) a whole entry, streaming.
fn digest_entry(entry: impl Read, count_features: bool) -> io::Result<EntryDigest> {
    let mut tee = HashingReader {
        inner: entry,
        hasher: Sha256::new(),
        size: 0,
    };
    let mut features = None;
    if count_features {
        let mut buffered = BufReader::with_capacity(PARSE_BUFFER_BYTES, &mut tee);
        let result =
            serde_json::Deserializer::from_reader(&mut buffered).deserialize_map(FeatureCount);
        features = Some(match result {
            Ok(Some(count)) => Ok(count),
            Ok(None) => Err("it has no \"features\" array".to_string()),
            Err(e) if e.is_io() => return Err(e.into()),
            Err(e) => Err(e.to_string()),
        });
        io::copy(&mut buffered, &mut io::sink())?;
    }
    io::copy(&mut tee, &mut io::sink())?;
    Ok(EntryDigest {
        size: tee.size,
        sha256: hex(&tee.hasher.finalize()),
        features,
    })
}

/// A reader that hashes and counts everything read through it.
struct HashingReader<R> {
    /// The source.
    inner: R,
    /// SHA-256 so far.
    hasher: Sha256,
    /// Bytes so far.
    size: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Visits a GeoJSON object, counting its `features` without keeping them.
struct FeatureCount;

impl<'de> Visitor<'de> for FeatureCount {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut count = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                count = Some(map.next_value_seed(CountElements)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(count)
    }
}

/// Counts the elements of a JSON array without keeping them.
struct CountElements;

impl<'de> DeserializeSeed<'de> for CountElements {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CountElements {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
}
