//! The original utility's ZIP layout: a fixture builder writing such ZIPs (with the `zip`
//! crate) and the reader on a web map, a hosted layer with its export, a file item hit by bug
//! B4, and a title with characters Windows forbids.

use std::io::Write;
use std::path::{Path, PathBuf};

use agol_backup::engine::restore::source::{DataPayload, SourceFormat, read_inputs};
use agol_backup::formats::archive::ItemStatus;
use serde_json::json;
use zip::write::SimpleFileOptions;

/// Writes a ZIP of `(entry name, bytes)` at `path`.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) -> PathBuf {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path.to_path_buf()
}

/// The ZIP bytes of `(entry name, bytes)`.
pub fn zip_bytes(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = write_zip(&dir.path().join("x.zip"), entries);
    std::fs::read(path).unwrap()
}

/// The entries the original utility writes for `item` under `<title>_<ts>/`, plus `extra`.
pub fn original_entries(
    item: &serde_json::Value,
    data: Option<serde_json::Value>,
    extra: Vec<(&str, Vec<u8>)>,
) -> Vec<(String, Vec<u8>)> {
    let title = item["title"].as_str().unwrap();
    let top = format!("{title}_20250129_120000");
    let minimal = json!({"title": item["title"], "id": item["id"], "type": item["type"],
        "url": item["url"], "owner": item["owner"]});
    let mut out = vec![
        (
            format!("{top}/{title}_metadata.json"),
            minimal.to_string().into_bytes(),
        ),
        (
            format!("{top}/{title}_metadata_full.json"),
            item.to_string().into_bytes(),
        ),
        (
            format!("{top}/backup_log.txt"),
            b"Saved metadata\n".to_vec(),
        ),
    ];
    if let Some(d) = data {
        out.push((
            format!("{top}/{title}_data.json"),
            d.to_string().into_bytes(),
        ));
    }
    for (name, bytes) in extra {
        out.push((format!("{top}/{name}"), bytes));
    }
    out
}

const MAP: &str = "11111111111111111111111111111111";
const FS: &str = "22222222222222222222222222222222";
const PDF: &str = "33333333333333333333333333333333";

#[test]
fn original_utility_zips_read_into_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let map = json!({"id": MAP, "title": "Water: map?", "type": "Web Map", "owner": "anna",
        "access": "public", "modified": 5});
    let resources = zip_bytes(&[
        ("images/logo.png".into(), b"logo".to_vec()),
        ("config.json".into(), b"{}".to_vec()),
    ]);
    let rel = json!({"forward": [FS], "reverse": []})
        .to_string()
        .into_bytes();
    let map_zip = write_zip(
        &dir.path().join("Water map_20250129_120000.zip"),
        &original_entries(
            &map,
            Some(json!({"operationalLayers": [{"itemId": FS}]})),
            vec![
                ("thumbnail.png", b"thumb".to_vec()),
                ("resources.zip", resources),
                ("Water: map?_relationships.json", rel),
            ],
        ),
    );
    let fs = json!({"id": FS, "title": "Pipes", "type": "Feature Service",
        "url": "https://services/arcgis/rest/services/Pipes/FeatureServer", "owner": "anna"});
    let fs_zip = write_zip(
        &dir.path().join("Pipes.zip"),
        &original_entries(
            &fs,
            Some(json!({})),
            vec![("Pipes_export.zip", b"PKgdb".to_vec())],
        ),
    );
    let pdf = json!({"id": PDF, "title": "Report", "type": "PDF", "name": "report.pdf"});
    let pdf_zip = write_zip(
        &dir.path().join("Report.zip"),
        &original_entries(
            &pdf,
            Some(json!("C:\\Users\\x\\AppData\\Local\\Temp\\report.pdf")),
            vec![],
        ),
    );
    let work = tempfile::tempdir().unwrap();
    let set = read_inputs(&[map_zip, fs_zip, pdf_zip], work.path()).unwrap();
    assert_eq!(set.items.len(), 3, "{:?}", set.problems);
    let by = |id: &str| set.items.iter().find(|i| i.old_id == id).unwrap();
    let m = by(MAP);
    assert_eq!(m.format, SourceFormat::OriginalZip);
    assert_eq!(m.title, "Water: map?");
    assert_eq!(m.owner, "anna");
    assert_eq!(m.item["access"], "public", "the full JSON is preferred");
    assert_eq!(m.sharing.as_ref().unwrap().access, "public");
    assert!(matches!(&m.data, Some(DataPayload::Json(p)) if p.is_file()));
    assert_eq!(
        std::fs::read(m.thumbnail.as_ref().unwrap()).unwrap(),
        b"thumb"
    );
    let mut res: Vec<(&str, Vec<u8>)> = m
        .resources
        .iter()
        .map(|r| (r.path.as_str(), std::fs::read(&r.file).unwrap()))
        .collect();
    res.sort();
    assert_eq!(
        res,
        [
            ("config.json", b"{}".to_vec()),
            ("images/logo.png", b"logo".to_vec())
        ]
    );
    assert_eq!(m.dependencies, [FS]);
    assert_eq!(m.backup_status, ItemStatus::Complete);
    let f = by(FS);
    let (export, format) = f.service.as_ref().unwrap().export.as_ref().unwrap();
    assert_eq!(std::fs::read(export).unwrap(), b"PKgdb");
    assert_eq!(format, "File Geodatabase");
    assert!(f.data.is_none(), "an empty data JSON is no data");
    let p = by(PDF);
    assert!(p.data.is_none(), "bug B4's path is never data");
    assert_eq!(p.backup_status, ItemStatus::Partial);
    assert!(p.backup_reasons[0].contains("B4"), "{:?}", p.backup_reasons);
    assert!(
        set.problems
            .iter()
            .any(|l| l.contains("B4") && l.contains("Report"))
    );
    for item in &set.items {
        for file in item
            .thumbnail
            .iter()
            .chain(item.resources.iter().map(|r| &r.file))
        {
            assert!(file.starts_with(work.path()));
        }
    }
}

#[test]
fn a_hosted_layer_without_export_is_partial_and_the_downloaded_file_is_data() {
    let dir = tempfile::tempdir().unwrap();
    let fs = json!({"id": FS, "title": "Pipes", "type": "Feature Service",
        "url": "https://services/arcgis/rest/services/Pipes/FeatureServer"});
    let pdf = json!({"id": PDF, "title": "Report", "type": "PDF", "name": "report.pdf"});
    let mut entries = original_entries(&fs, None, vec![]);
    entries.extend(original_entries(
        &pdf,
        Some(json!("/tmp/report.pdf")),
        vec![("report.pdf", b"%PDF".to_vec())],
    ));
    let zip = write_zip(&dir.path().join("two.zip"), &entries);
    let work = tempfile::tempdir().unwrap();
    let set = read_inputs(&[zip], work.path()).unwrap();
    assert_eq!(set.items.len(), 2);
    let fs = set.items.iter().find(|i| i.old_id == FS).unwrap();
    assert_eq!(fs.backup_status, ItemStatus::Partial);
    let pdf = set.items.iter().find(|i| i.old_id == PDF).unwrap();
    match &pdf.data {
        Some(DataPayload::File { path, name }) => {
            assert_eq!(name, "report.pdf");
            assert_eq!(std::fs::read(path).unwrap(), b"%PDF");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(pdf.backup_status, ItemStatus::Complete);
}
