//! Bad input: foreign, empty, truncated, renamed and corrupted files and ZIPs with `..`
//! entries give a clear problem line from both the reader and the listing, never a panic, and
//! nothing is written outside the work folder.

use std::path::{Path, PathBuf};

use agol_backup::engine::restore::source::{SourceFormat, list_inputs, read_inputs};
use serde_json::json;

use super::original::{original_entries, write_zip};

/// A valid original-utility ZIP of one web map in `dir`.
fn good_zip(dir: &Path, name: &str) -> PathBuf {
    let item = json!({"id": "44444444444444444444444444444444", "title": "Map", "type": "Web Map"});
    write_zip(
        &dir.join(name),
        &original_entries(&item, Some(json!({"operationalLayers": []})), vec![]),
    )
}

/// Reads `file` alone: the error (no input readable) and the listing's problems.
fn refused(file: &Path, work: &Path) -> (String, Vec<String>) {
    let err = read_inputs(&[file.to_path_buf()], work).unwrap_err();
    let listing = list_inputs(&[file.to_path_buf()]).unwrap();
    assert_eq!(listing.len(), 1);
    assert!(!listing[0].problems.is_empty(), "{file:?}");
    (err, listing[0].problems.clone())
}

/// Nothing but the work folder was written in `outer`.
fn only_work_written(outer: &Path, before: &[PathBuf]) {
    let mut now: Vec<PathBuf> = std::fs::read_dir(outer)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    now.sort();
    assert_eq!(now, before, "nothing lands beside the inputs");
}

#[test]
fn foreign_empty_truncated_and_traversing_files_are_clear_problems() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("in");
    let work = outer.path().join("work");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let text = dir.join("notes.zip");
    std::fs::write(&text, b"just some text").unwrap();
    let empty = dir.join("empty.contentexport");
    std::fs::write(&empty, b"").unwrap();
    let foreign = write_zip(
        &dir.join("photos.zip"),
        &[("a.jpg".into(), b"jpg".to_vec())],
    );
    let good = good_zip(&dir, "good.zip");
    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let mut evil = original_entries(
        &json!({"id": "55555555555555555555555555555555", "title": "Evil", "type": "Web Map"}),
        None,
        vec![],
    );
    evil.push(("../../escaped.txt".into(), b"x".to_vec()));
    let traversal = write_zip(&dir.join("evil.zip"), &evil);
    let ours_evil = write_zip(
        &dir.join("ours-evil.zip"),
        &[
            ("../escaped.txt".into(), b"x".to_vec()),
            ("manifest.json".into(), b"{}".to_vec()),
        ],
    );
    let mut before: Vec<PathBuf> = std::fs::read_dir(outer.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    before.sort();
    for (file, needle) in [
        (&text, "neither a ZIP"),
        (&empty, "empty"),
        (&foreign, "no backup"),
        (&truncated, "ZIP"),
        (&traversal, "outside"),
        (&ours_evil, "manifest"),
    ] {
        let (err, problems) = refused(file, &work);
        assert!(err.contains(needle), "{file:?}: {err}");
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(!problems[0].is_empty());
    }
    only_work_written(outer.path(), &before);
    assert!(!dir.join("escaped.txt").exists());
    // A folder of them: the good one is read, every bad one is a problem line.
    let set = read_inputs(std::slice::from_ref(&dir), &work.join("all")).unwrap();
    assert_eq!(set.items.len(), 1);
    assert_eq!(set.problems.len(), 6, "{:?}", set.problems);
    let listings = list_inputs(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(listings.len(), 7);
    assert_eq!(listings.iter().filter(|l| l.readable).count(), 1);
    only_work_written(outer.path(), &before);
}

#[test]
fn a_renamed_package_or_archive_is_told_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_zip(dir.path(), "good.zip");
    let renamed = dir.path().join("backup.contentexport");
    std::fs::rename(&good, &renamed).unwrap();
    let listing = list_inputs(std::slice::from_ref(&renamed)).unwrap();
    assert_eq!(listing[0].format, Some(SourceFormat::OriginalZip));
    assert!(listing[0].readable);
    assert_eq!(listing[0].items[0].title, "Map");
    assert_eq!(listing[0].verified, None);
    assert!(list_inputs(&[dir.path().join("missing.zip")]).is_err());
}

#[test]
fn corrupted_zips_never_panic_or_escape() {
    let outer = tempfile::tempdir().unwrap();
    let good = good_zip(outer.path(), "good.zip");
    let bytes = std::fs::read(&good).unwrap();
    let mut seed = 0x2545_f491_u64;
    for round in 0..150 {
        let mut damaged = bytes.clone();
        for _ in 0..(1 + round % 4) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % damaged.len();
            damaged[at] ^= (seed >> 32) as u8 | 1;
        }
        let file = outer.path().join("damaged.zip");
        std::fs::write(&file, &damaged).unwrap();
        let work = outer.path().join(format!("w{round}"));
        let _ = read_inputs(std::slice::from_ref(&file), &work);
        let _ = list_inputs(std::slice::from_ref(&file)).unwrap();
        if work.exists() {
            std::fs::remove_dir_all(&work).unwrap();
        }
    }
    let left: Vec<String> = std::fs::read_dir(outer.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// `agol-backup-cli inspect PATH`'s exit code and output.
fn inspect(path: &Path) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"))
        .arg("inspect")
        .arg(path)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn inspect_lists_original_zips_and_refuses_hostile_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_zip(dir.path(), "good.zip");
    let (code, text) = inspect(&good);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("original utility") && text.contains("none to verify"),
        "{text}"
    );
    let b4 = write_zip(
        &dir.path().join("b4.zip"),
        &original_entries(
            &json!({"id": "66666666666666666666666666666666", "title": "Doc", "type": "PDF",
                "name": "doc.pdf"}),
            Some(json!("C:\\Temp\\doc.pdf")),
            vec![],
        ),
    );
    let (code, text) = inspect(&b4);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("B4"), "{text}");
    let evil = write_zip(
        &dir.path().join("evil.zip"),
        &[
            ("x_metadata.json".into(), b"{}".to_vec()),
            ("../escaped".into(), b"x".to_vec()),
        ],
    );
    let (code, text) = inspect(&evil);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("unsafe entry"), "{text}");
    let (code, _) = inspect(dir.path());
    assert_eq!(code, 2, "a folder: the worst of its files");
}
