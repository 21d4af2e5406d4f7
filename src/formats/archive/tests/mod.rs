//! Unit tests of the backup archive: helpers and the writer side (round trips, crash safety,
//! refused paths); [`reading`] covers verification, extraction and hostile or damaged input.

mod reading;

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::writer::hex;
use super::*;
use crate::formats::FormatError;

const ID: &str = "0123456789abcdef0123456789abcdef";

pub(super) fn manifest() -> BackupManifest {
    BackupManifest {
        format_version: 0,
        tool: tool_name(),
        created_utc: "2025-01-29 12:00:00".into(),
        source_portal: "https://example.maps.arcgis.com".into(),
        org_id: Some("org1".into()),
        item_id: ID.into(),
        item_type: "Feature Service".into(),
        title: "Pipes".into(),
        owner: "alice".into(),
        folder: None,
        modified: 1_738_152_000_000,
        status: ItemStatus::Complete,
        reasons: Vec::new(),
        data_method: Some("query".into()),
        layers: vec![LayerCount {
            id: 0,
            name: "Mains".into(),
            features: 2,
            live_features: Some(2),
            ..LayerCount::default()
        }],
        dependencies: Vec::new(),
        artefacts: Vec::new(),
    }
}

pub(super) fn geojson(features: usize) -> Vec<u8> {
    let feature = r#"{"type":"Feature","properties":{"name":"a \"quoted\" [x]"},"geometry":null}"#;
    let list = vec![feature; features].join(",");
    format!(r#"{{"type":"FeatureCollection","crs":{{"a":[1,2]}},"features":[{list}]}}"#)
        .into_bytes()
}

/// Deterministic, poorly compressible bytes.
pub(super) fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub(super) fn sha(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Writes a zip by hand: `entries` as given plus `manifest` (unchecked names).
pub(super) fn raw_zip(path: &Path, entries: &[(&str, &[u8])], manifest: Option<&BackupManifest>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = SimpleFileOptions::default();
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    if let Some(m) = manifest {
        zip.start_file(MANIFEST_NAME, options).unwrap();
        zip.write_all(&serde_json::to_vec(m).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn round_trip_with_a_20_mb_streamed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let big = noise(20 * 1024 * 1024, 7);
    let mut writer = ArchiveWriter::create(dir.path(), "Pipes_x.zip").unwrap();
    writer.add_bytes("item.json", br#"{"id":"x"}"#).unwrap();
    writer
        .add_bytes(&layer_geojson_path(0), &geojson(2))
        .unwrap();
    writer.begin_entry("data/export.bin", true).unwrap();
    for chunk in big.chunks(64 * 1024) {
        writer.write_chunk(chunk).unwrap();
    }
    let artefact = writer.end_entry().unwrap();
    assert_eq!(artefact.size, big.len() as u64);
    assert_eq!(artefact.sha256, sha(&big));
    writer
        .add_bytes("attachments/0/1/photo.jpg", b"jpeg")
        .unwrap();
    let expected_bytes = 10 + geojson(2).len() as u64 + big.len() as u64 + 4;
    assert_eq!(writer.bytes_written(), expected_bytes);
    assert!(
        names_in(dir.path())[0].starts_with(".Pipes_x.zip."),
        "temp name is hidden"
    );
    let path = writer.finish(manifest()).unwrap();

    assert_eq!(path, dir.path().join("Pipes_x.zip"));
    assert_eq!(names_in(dir.path()), ["Pipes_x.zip"]);
    let read = read_manifest(&path).unwrap();
    assert_eq!(read.format_version, ARCHIVE_FORMAT_VERSION);
    let paths: Vec<&str> = read.artefacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "item.json",
            "layers/0.geojson",
            "data/export.bin",
            "attachments/0/1/photo.jpg"
        ]
    );
    assert_eq!(read.artefacts[2], artefact);
    assert_eq!(read.artefacts[0].sha256, sha(br#"{"id":"x"}"#));
    let expected = BackupManifest {
        format_version: ARCHIVE_FORMAT_VERSION,
        artefacts: read.artefacts.clone(),
        ..manifest()
    };
    assert_eq!(read, expected);

    let report = verify_archive(&path).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.artefacts_checked, 4);
    assert_eq!(report.bytes_checked, expected_bytes);
    assert_eq!(report.item_id, ID);

    let mut out = Vec::new();
    assert_eq!(
        read_entry(&path, "data/export.bin", &mut out).unwrap(),
        big.len() as u64
    );
    assert!(out == big, "streamed entry reads back unchanged");
    let err = read_entry(&path, "nope", &mut out).unwrap_err();
    assert!(err.to_string().contains("no entry \"nope\""), "{err}");
    assert_eq!(manifest_sha256(&path).unwrap().len(), 64);

    let target = dir.path().join("out");
    let files = extract_archive(&path, &target).unwrap();
    assert_eq!(files.len(), 5);
    assert_eq!(
        std::fs::read(target.join("attachments/0/1/photo.jpg")).unwrap(),
        b"jpeg"
    );
    assert!(std::fs::read(target.join("data/export.bin")).unwrap() == big);
    assert!(target.join(MANIFEST_NAME).is_file());
}

#[test]
fn unfinished_writers_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = ArchiveWriter::create(dir.path(), "a.zip").unwrap();
    writer.add_bytes("item.json", b"{}").unwrap();
    writer.begin_entry("data/x.bin", false).unwrap();
    writer.write_chunk(&noise(100_000, 3)).unwrap();
    drop(writer);
    assert!(names_in(dir.path()).is_empty());

    let mut writer = ArchiveWriter::create(dir.path(), "b.zip").unwrap();
    writer.begin_entry("data/x.bin", false).unwrap();
    let err = writer.finish(manifest()).unwrap_err();
    assert!(matches!(err, FormatError::WriterMisuse { .. }), "{err}");
    assert!(names_in(dir.path()).is_empty());

    let missing = dir.path().join("missing");
    let err = ArchiveWriter::create(&missing, "a.zip").err().unwrap();
    assert!(err.to_string().contains("folder does not exist"), "{err}");
    let err = ArchiveWriter::create(dir.path(), "../a.zip").err().unwrap();
    assert!(err.to_string().contains("plain file name"), "{err}");
}

#[test]
fn discarded_entries_are_invisible_and_their_path_reusable() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = ArchiveWriter::create(dir.path(), "a.zip").unwrap();
    writer.add_bytes("item.json", b"{}").unwrap();
    writer.begin_entry("data/x.bin", true).unwrap();
    writer.write_chunk(&noise(2_000_000, 5)).unwrap();
    writer.discard_entry().unwrap();
    assert_eq!(writer.bytes_written(), 2);
    writer.add_bytes("data/x.bin", b"small").unwrap();
    let path = writer.finish(manifest()).unwrap();

    let report = verify_archive(&path).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let mut out = Vec::new();
    read_entry(&path, "data/x.bin", &mut out).unwrap();
    assert_eq!(out, b"small");
    assert!(
        std::fs::metadata(&path).unwrap().len() < 100_000,
        "discarded bytes are cut"
    );

    let mut writer = ArchiveWriter::create(dir.path(), "b.zip").unwrap();
    writer.add_bytes("item.json", b"{}").unwrap();
    writer.begin_entry("data/y.zip", false).unwrap();
    writer.write_chunk(&noise(300_000, 9)).unwrap();
    writer.discard_entry().unwrap();
    let path = writer.finish(manifest()).unwrap();
    let report = verify_archive(&path).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.artefacts_checked, 1);
    assert!(
        std::fs::metadata(&path).unwrap().len() < 100_000,
        "discarded bytes are cut"
    );
}

#[test]
fn misuse_duplicates_and_hostile_paths_are_refused_on_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = ArchiveWriter::create(dir.path(), "a.zip").unwrap();
    for bad in [
        "../evil",
        "/abs",
        "C:/x",
        "a\\b",
        "manifest.json",
        "MANIFEST.JSON",
    ] {
        let err = writer.add_bytes(bad, b"x").unwrap_err();
        assert!(
            matches!(err, FormatError::UnsafeEntryPath { .. }),
            "{bad}: {err}"
        );
    }
    writer.add_bytes("a.txt", b"1").unwrap();
    let err = writer.add_bytes("A.TXT", b"2").unwrap_err();
    assert!(matches!(err, FormatError::DuplicateEntry { .. }), "{err}");
    assert!(matches!(
        writer.write_chunk(b"x"),
        Err(FormatError::WriterMisuse { .. })
    ));
    assert!(matches!(
        writer.end_entry(),
        Err(FormatError::WriterMisuse { .. })
    ));
    assert!(matches!(
        writer.discard_entry(),
        Err(FormatError::WriterMisuse { .. })
    ));
    writer.begin_entry("b.txt", false).unwrap();
    let err = writer.begin_entry("c.txt", false).unwrap_err();
    assert!(matches!(err, FormatError::WriterMisuse { .. }), "{err}");
    writer.end_entry().unwrap();
    let path = writer.finish(manifest()).unwrap();
    let names: Vec<String> = read_manifest(&path)
        .unwrap()
        .artefacts
        .into_iter()
        .map(|a| a.path)
        .collect();
    assert_eq!(names, ["a.txt", "b.txt"]);
}
