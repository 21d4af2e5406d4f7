//! Hostile and damaged files: path traversal, links, devices, two top folders, truncated or
//! random data, zips, and 200 deterministic corruptions of a valid package. Every one gives a
//! clear error (or a harmless success), never a panic, and nothing is written outside the
//! target folder.

use std::path::Path;

use tar::EntryType;

use super::{Raw, names, noise, raw_tar_gz, tree};
use crate::formats::FormatError;
use crate::formats::contentexport::*;

const ID: &str = "95c25c24109a4ccebf6d4cab92fe2d67";

/// The minimal members of a package folder `top`.
fn base(top: &str) -> Vec<Raw> {
    vec![
        Raw::file(&format!("{top}/manifest.json"), b"{\"items\": {}}"),
        Raw::file(&format!("{top}/graph.gml"), b"graph [\n  directed 1\n]\n"),
    ]
}

/// Runs every reader on `bytes` inside a fresh sandbox; asserts that nothing lands outside
/// `sandbox/target` and that a failed extraction leaves the target empty. Returns the errors.
fn attack(bytes: &[u8]) -> Vec<Result<(), FormatError>> {
    let sandbox = tempfile::tempdir().unwrap();
    let package_dir = tempfile::tempdir().unwrap();
    let path = package_dir.path().join("p.contentexport");
    std::fs::write(&path, bytes).unwrap();
    let target = sandbox.path().join("target");
    let results = vec![
        read_package(&path).map(drop),
        verify_package(&path).map(drop),
        extract_package(&path, &target).map(drop),
    ];
    assert_eq!(names(sandbox.path()), ["target"]);
    assert_eq!(names(package_dir.path()), ["p.contentexport"]);
    match &results[2] {
        Ok(()) => drop(tree(&target)),
        Err(_) => assert!(names(&target).is_empty(), "{:?}", names(&target)),
    }
    results
}

fn assert_refused(members: Vec<Raw>, what: &str) {
    let results = attack(&raw_tar_gz(&members));
    for result in results {
        let err = result.expect_err(what);
        assert!(
            matches!(
                err,
                FormatError::UnsafeEntryPath { .. }
                    | FormatError::BadPackage { .. }
                    | FormatError::DuplicateEntry { .. }
            ),
            "{what}: {err}"
        );
    }
}

#[test]
fn traversal_links_devices_and_second_top_folders_are_refused() {
    let with = |extra: Raw| {
        let mut members = base("top");
        members.push(extra);
        members
    };
    let cases: Vec<(&str, Vec<Raw>)> = vec![
        ("dot-dot", with(Raw::file("../x", b"evil"))),
        ("nested dot-dot", with(Raw::file("top/a/../../x", b"evil"))),
        ("absolute", with(Raw::file("/tmp/agol-evil", b"evil"))),
        ("backslash", with(Raw::file("top\\..\\x", b"evil"))),
        ("drive", with(Raw::file("C:/x", b"evil"))),
        (
            "symlink",
            with(Raw::link("top/link", EntryType::Symlink, "/etc")),
        ),
        (
            "hardlink",
            with(Raw::link("top/hard", EntryType::Link, "/etc/passwd")),
        ),
        ("device", with(Raw::link("top/dev", EntryType::Char, ""))),
        ("fifo", with(Raw::link("top/fifo", EntryType::Fifo, ""))),
        ("second top folder", with(Raw::file("other/x", b"x"))),
        ("file at the top", with(Raw::file("loose.txt", b"x"))),
        ("duplicate", with(Raw::file("top/manifest.json", b"{}"))),
        ("nul", with(Raw::file("top/a\u{1}b", b"x"))),
        ("no package files", vec![Raw::file("top/readme.txt", b"x")]),
        ("empty tar", vec![]),
    ];
    for (what, members) in cases {
        assert_refused(members, what);
    }
    // A folder symlink followed by a file "through" it: the link itself already refuses it.
    let mut escape = base("top");
    escape.push(Raw::link("top/up", EntryType::Symlink, ".."));
    escape.push(Raw::file("top/up/escaped.txt", b"evil"));
    assert_refused(escape, "escape via a symlinked folder");
}

#[test]
fn windows_invalid_names_are_listed_but_not_extracted() {
    let mut members = base("top");
    members.push(Raw::file(&format!("top/{ID}/data/what?.pdf"), b"x"));
    let results = attack(&raw_tar_gz(&members));
    assert!(results[0].is_ok() && results[1].is_ok(), "{results:?}");
    assert!(
        matches!(results[2], Err(FormatError::UnsafeEntryPath { .. })),
        "{results:?}"
    );
}

#[test]
fn case_only_duplicates_are_not_extracted() {
    let mut members = base("top");
    members.push(Raw::file(&format!("top/{ID}/data/A.txt"), b"1"));
    members.push(Raw::file(&format!("top/{ID}/data/a.txt"), b"2"));
    let results = attack(&raw_tar_gz(&members));
    assert!(results[0].is_ok(), "{results:?}");
    assert!(
        matches!(results[2], Err(FormatError::DuplicateEntry { .. })),
        "{results:?}"
    );
}

#[test]
fn damaged_and_foreign_files_are_clear_errors() {
    let valid = raw_tar_gz(&base("top"));
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend(noise(200, 9));
    let mut gz_garbage = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz_garbage, &noise(5000, 10)).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated gzip",
            valid[..valid.len() / 2].to_vec(),
            "damaged or truncated",
        ),
        (
            "no gzip trailer",
            valid[..valid.len() - 4].to_vec(),
            "damaged or truncated",
        ),
        ("random bytes", noise(10_000, 7), "not gzip-compressed"),
        ("zip", zip, "zip file"),
        ("empty", Vec::new(), "empty"),
        ("gzip of garbage", gz_garbage.finish().unwrap(), "package"),
    ];
    for (what, bytes, message) in cases {
        for result in attack(&bytes) {
            let err = result.expect_err(what);
            assert!(
                matches!(err, FormatError::BadPackage { .. }),
                "{what}: {err}"
            );
            assert!(err.to_string().contains(message), "{what}: {err}");
        }
    }
}

/// A small valid package written by our writer.
fn valid_package(dir: &Path) -> Vec<u8> {
    let mut w = PackageWriter::create(dir, "fuzz").unwrap();
    let props = serde_json::json!({"id": ID, "title": "t", "type": "Web Map", "thumbnail": null});
    w.begin_item(ID, &props).unwrap();
    w.add_file(ID, "data/structure.json", b"{\"operationalLayers\": []}")
        .unwrap();
    w.add_file(ID, "resources/img/a.png", &noise(3000, 11))
        .unwrap();
    w.add_file(ID, "files/t.png", &noise(2000, 12)).unwrap();
    let path = w.finish(PackageManifest::default(), &[]).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn two_hundred_corruptions_never_panic_or_escape() {
    let dir = tempfile::tempdir().unwrap();
    let valid = valid_package(dir.path());
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failures = 0;
    for round in 0..200 {
        let position = usize::try_from(next() % valid.len() as u64).unwrap();
        let mut bytes = valid.clone();
        if round % 4 == 3 {
            bytes.truncate(position);
        } else {
            let flip = u8::try_from(next() % 255).unwrap() + 1;
            bytes[position] ^= flip;
        }
        let results = attack(&bytes);
        failures += results.iter().filter(|r| r.is_err()).count();
    }
    assert!(
        failures > 300,
        "most corruptions must be detected, got {failures} errors"
    );
}
