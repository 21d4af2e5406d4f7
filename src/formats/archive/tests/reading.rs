//! Unit tests of reading archives back: verification, extraction, hostile and damaged input.

use zip::write::SimpleFileOptions;

use super::{geojson, manifest, noise, raw_zip, sha};
use crate::formats::FormatError;
use crate::formats::archive::*;

#[test]
fn a_flipped_byte_is_never_ok() {
    let dir = tempfile::tempdir().unwrap();
    let body = noise(50_000, 11);
    let mut writer = ArchiveWriter::create(dir.path(), "a.zip").unwrap();
    writer.add_bytes("item.json", b"{}").unwrap();
    writer.add_bytes("data/export.zip", &body).unwrap(); // .zip entries are stored as is
    let path = writer.finish(manifest()).unwrap();

    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(64)
        .position(|w| w == &body[1000..1064])
        .expect("stored body is in the file");
    bytes[at + 10] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    match verify_archive(&path) {
        Ok(report) => {
            assert!(!report.is_ok());
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.contains("data/export.zip")),
                "{report:?}"
            );
        }
        Err(e) => assert!(matches!(e, FormatError::BadArchive { .. }), "{e}"),
    }
    let err = read_entry(&path, "data/export.zip", &mut Vec::new()).unwrap_err();
    assert!(matches!(err, FormatError::BadArchive { .. }), "{err}");
}

#[test]
fn missing_extra_and_mismatched_entries_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.zip");
    let mut m = manifest();
    m.artefacts = vec![
        Artefact {
            path: "a.txt".into(),
            size: 1,
            sha256: sha(b"a"),
        },
        Artefact {
            path: "b.txt".into(),
            size: 1,
            sha256: sha(b"b"),
        },
        Artefact {
            path: "d.txt".into(),
            size: 1,
            sha256: sha(b"d"),
        },
    ];
    raw_zip(
        &path,
        &[("a.txt", b"a"), ("c.txt", b"c"), ("d.txt", b"dd")],
        Some(&m),
    );
    let report = verify_archive(&path).unwrap();
    let text = report.problems.join("\n");
    assert!(text.contains("\"b.txt\" is missing"), "{text}");
    assert!(text.contains("\"c.txt\" is not listed"), "{text}");
    assert!(
        text.contains("\"d.txt\" holds 2 bytes but the manifest says 1"),
        "{text}"
    );
    assert!(text.contains("\"d.txt\" has SHA-256"), "{text}");
    assert_eq!(report.problems.len(), 4, "{text}");
    assert_eq!(report.artefacts_checked, 2);
}

#[test]
fn feature_counts_are_recounted_and_live_counts_compared() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, m: BackupManifest, features: usize| {
        let mut writer = ArchiveWriter::create(dir.path(), name).unwrap();
        writer
            .add_bytes("layers/0.geojson", &geojson(features))
            .unwrap();
        writer.add_bytes("layers/1.geojson", b"[1,2]").unwrap();
        writer.finish(m).unwrap()
    };
    let report = verify_archive(&write("a.zip", manifest(), 3)).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains("holds 3 features but the manifest says 2"));

    let mut m = manifest();
    m.layers[0].live_features = Some(5);
    m.layers[0].attachments = Some(1);
    m.layers[0].live_attachments = Some(4);
    m.layers.push(LayerCount {
        id: 1,
        name: "Bad".into(),
        ..LayerCount::default()
    });
    let report = verify_archive(&write("b.zip", m.clone(), 2)).unwrap();
    let text = report.problems.join("\n");
    assert!(text.contains("live service had 5"), "{text}");
    assert!(
        text.contains("1 attachments captured but the live service had 4"),
        "{text}"
    );
    assert!(
        text.contains("\"layers/1.geojson\" is not valid GeoJSON"),
        "{text}"
    );
    assert_eq!(report.problems.len(), 3, "{text}");

    m.status = ItemStatus::Partial;
    m.layers.pop();
    let report = verify_archive(&write("c.zip", m, 2)).unwrap();
    assert!(
        report.is_ok(),
        "partial backups may differ from live: {:?}",
        report.problems
    );
}

#[test]
fn hostile_archives_are_refused_on_extract() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    for (i, name) in ["../evil", "/abs", "a/../../evil", "C:/evil", "..\\evil"]
        .iter()
        .enumerate()
    {
        let path = dir.path().join(format!("hostile{i}.zip"));
        raw_zip(&path, &[("ok.txt", b"fine"), (name, b"evil")], None);
        let err = extract_archive(&path, &target).unwrap_err();
        assert!(
            matches!(err, FormatError::UnsafeEntryPath { .. }),
            "{name}: {err}"
        );
        assert!(!dir.path().join("evil").exists());
        assert!(
            !target.join("ok.txt").exists(),
            "nothing is written before the check"
        );
    }
    let path = dir.path().join("link.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.add_symlink("link", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    zip.finish().unwrap();
    let err = extract_archive(&path, &target).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn unreadable_archives_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"this is not a zip file at all").unwrap();
    for result in [
        verify_archive(&not_zip).err(),
        read_manifest(&not_zip).err(),
    ] {
        let err = result.unwrap();
        assert!(matches!(err, FormatError::BadArchive { .. }), "{err}");
        assert!(err.to_string().contains("not a zip file"), "{err}");
    }
    let no_manifest = dir.path().join("y.zip");
    raw_zip(&no_manifest, &[("a.txt", b"a")], None);
    let err = verify_archive(&no_manifest).unwrap_err();
    assert!(err.to_string().contains("has no manifest.json"), "{err}");
    let bad_manifest = dir.path().join("z.zip");
    raw_zip(
        &bad_manifest,
        &[(MANIFEST_NAME, b"{\"format_version\":1}")],
        None,
    );
    let err = read_manifest(&bad_manifest).unwrap_err();
    assert!(
        err.to_string().contains("not a valid backup manifest"),
        "{err}"
    );
    let newer = dir.path().join("n.zip");
    raw_zip(
        &newer,
        &[],
        Some(&BackupManifest {
            format_version: 99,
            ..manifest()
        }),
    );
    let err = read_manifest(&newer).unwrap_err();
    assert!(err.to_string().contains("update agol-backup"), "{err}");
    let err = read_manifest(&dir.path().join("missing.zip")).unwrap_err();
    assert!(matches!(err, FormatError::Read { .. }), "{err}");
    let empty = dir.path().join("e.zip");
    std::fs::write(&empty, b"").unwrap();
    assert!(verify_archive(&empty).is_err());
}
