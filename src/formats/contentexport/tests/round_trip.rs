//! Writer then reader: three items (web map, streamed 5 MB file item, feature service with an
//! export), nested resources, thumbnails and edges come back byte for byte.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{names, noise, tree};
use crate::formats::FormatError;
use crate::formats::contentexport::*;

const MAP: &str = "95c25c24109a4ccebf6d4cab92fe2d67";
const PDF: &str = "4552478e7d06492f9fea617704fd1323";
const FS: &str = "0123456789abcdef0123456789abcdef";
const OUTSIDE: &str = "fedcba9876543210fedcba9876543210";

fn props(id: &str, title: &str, item_type: &str, url: Option<&str>) -> Value {
    json!({"id": id, "owner": "admin", "created": 1_703_457_912_000_i64, "title": title,
        "type": item_type, "typeKeywords": ["Metadata"], "url": url,
        "thumbnail": "thumbnail/ago_downloaded.png", "extent": [[-1.5, 2.25], [3.0, 4.0]]})
}

/// Item id → (relative path → bytes) the test writes.
type Expected = BTreeMap<String, BTreeMap<String, Vec<u8>>>;

/// A writer that remembers what it was given.
struct Recorder {
    w: PackageWriter,
    expected: Expected,
}

impl Recorder {
    fn add(&mut self, id: &str, rel: &str, bytes: Vec<u8>) {
        self.w.add_file(id, rel, &bytes).unwrap();
        let item = self.expected.entry(id.into()).or_default();
        item.insert(rel.into(), bytes);
    }
}

fn write_map(r: &mut Recorder) {
    let p = props(MAP, "Water mains — Zürich", "Web Map", None);
    r.w.begin_item(MAP, &p).unwrap();
    r.add(MAP, "files/ago_downloaded.png", noise(3000, 1));
    r.add(MAP, "files/metadata.xml", b"<metadata/>".to_vec());
    let structure = format!(
        r#"{{"operationalLayers":[{{"itemId":"{FS}","url":"https:\/\/x\/FeatureServer\/0"}}]}}"#
    );
    r.add(MAP, "data/structure.json", structure.into_bytes());
    r.add(MAP, "resources/images/a.png", noise(500, 2));
    r.add(MAP, "resources/images/icons/b.png", noise(700, 3));
    r.add(MAP, "resources/c.json", b"{\"k\": 1}".to_vec());
    r.add(MAP, "resources/other/c.json", b"{\"k\": 2}".to_vec());
}

fn write_pdf(r: &mut Recorder) {
    r.w.begin_item(PDF, &props(PDF, "Report", "PDF", None))
        .unwrap();
    let big = noise(5 * 1024 * 1024, 4);
    let mut reader = big.as_slice();
    let len = big.len() as u64;
    r.w.add_stream(PDF, "data/Report 2024.pdf", len, &mut reader)
        .unwrap();
    let item = r.expected.entry(PDF.into()).or_default();
    item.insert("data/Report 2024.pdf".into(), big);
    r.add(PDF, "files/ago_downloaded.png", noise(10, 5));
}

fn write_fs(r: &mut Recorder) {
    let p = props(
        FS,
        "Pipes",
        "Feature Service",
        Some("https://s/FeatureServer"),
    );
    r.w.begin_item(FS, &p).unwrap();
    r.add(FS, "data/Pipes.zip", noise(20_000, 6));
    r.add(FS, "files/ago_downloaded.png", noise(10, 7));
    r.add(
        FS,
        "data/flc_props.json",
        br#"{"layers":[{"id":0}]}"#.to_vec(),
    );
    r.w.add_file(FS, "data/empty.csv", b"").unwrap();
}

fn write_package(dir: &std::path::Path) -> (std::path::PathBuf, Expected) {
    let w = PackageWriter::create(dir, "Pipes Zürich_20250129_120000").unwrap();
    let mut r = Recorder {
        w,
        expected: Expected::new(),
    };
    write_map(&mut r);
    write_pdf(&mut r);
    write_fs(&mut r);
    let edges = vec![
        (MAP.to_string(), FS.to_string()),
        (FS.to_string(), PDF.to_string()),
        (MAP.to_string(), OUTSIDE.to_string()),
    ];
    let mut report = PackageItemReport::complete(FS);
    report.data_method = Some("export:File Geodatabase".into());
    let manifest = PackageManifest {
        source: "https://www.arcgis.com".into(),
        items: vec![report],
        not_included: vec![NotIncluded {
            item_id: OUTSIDE.into(),
            title: "Basemap".into(),
            reason: "outside the organisation".into(),
        }],
    };
    let path = r.w.finish(manifest, &edges).unwrap();
    (path, r.expected)
}

#[test]
fn three_items_come_back_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (path, expected) = write_package(dir.path());
    assert_eq!(
        names(dir.path()),
        ["Pipes Zürich_20250129_120000.contentexport"]
    );

    let summary = read_package(&path).unwrap();
    assert_eq!(summary.top_folder, "Pipes Zürich_20250129_120000");
    assert_eq!(summary.source.as_deref(), Some("https://www.arcgis.com"));
    let ids: Vec<&str> = summary.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [MAP, PDF, FS]);
    let edge = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        summary.edges,
        [edge(MAP, FS), edge(MAP, OUTSIDE), edge(FS, PDF)]
    );
    assert_eq!(
        summary.warnings,
        [format!(
            "graph node {OUTSIDE} has no item folder (importers skip it)"
        )]
    );
    let map = &summary.items[0];
    assert_eq!(
        (map.title.as_str(), map.item_type.as_str()),
        ("Water mains — Zürich", "Web Map")
    );
    assert_eq!(map.properties["origin_item_type"], "TextItem");
    assert_eq!(map.properties["extent"], json!([[-1.5, 2.25], [3.0, 4.0]]));
    assert_eq!(map.thumbnail.as_deref(), Some("files/ago_downloaded.png"));
    let resources: Vec<(&str, &str)> = map
        .resources
        .iter()
        .map(|(k, f)| (k.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        resources,
        [
            ("images/a.png", "resources/images/a.png"),
            ("images/icons/b.png", "resources/images/icons/b.png"),
            ("c.json", "resources/c.json"),
            ("other/c.json", "resources/other/c.json"),
        ]
    );
    assert_eq!(summary.items[1].properties["origin_item_type"], "FileItem");
    let fs = &summary.items[2];
    assert_eq!(fs.properties["origin_item_type"], "ServiceItem");
    assert_eq!(fs.properties["data_item_type"], "File Geodatabase");
    let sidecar = summary.sidecar.as_ref().unwrap();
    assert_eq!(
        sidecar.items[2].data_method.as_deref(),
        Some("export:File Geodatabase")
    );
    assert_eq!(sidecar.not_included[0].item_id, OUTSIDE);
    assert_eq!(sidecar.flat_copies.len(), 2, "{:?}", sidecar.flat_copies);
    assert_eq!(sidecar.notes.len(), 1, "{:?}", sidecar.notes);

    let target = dir.path().join("out");
    let root = extract_package(&path, &target).unwrap();
    assert_eq!(
        root,
        target.canonicalize().unwrap().join(&summary.top_folder)
    );
    assert_eq!(names(&target), std::slice::from_ref(&summary.top_folder));
    let files: BTreeMap<String, Vec<u8>> = tree(&root).into_iter().collect();
    for (id, item_files) in &expected {
        let item = summary.items.iter().find(|i| &i.id == id).unwrap();
        for (rel, bytes) in item_files {
            assert_eq!(files.get(&format!("{id}/{rel}")), Some(bytes), "{id}/{rel}");
            assert!(
                item.files.contains(&(rel.clone(), bytes.len() as u64)),
                "{rel}"
            );
        }
        let generated = [
            "properties.json",
            "relationships.json",
            "resources/resources.json",
        ];
        assert_eq!(item.files.len(), item_files.len() + 3, "{:?}", item.files);
        for rel in generated {
            assert!(files.contains_key(&format!("{id}/{rel}")), "{id}/{rel}");
        }
    }
    // Esri's importer reads flattened copies; the first c.json is a real top-level resource.
    assert_eq!(
        files[&format!("{MAP}/resources/a.png")],
        expected[MAP]["resources/images/a.png"]
    );
    assert_eq!(
        files[&format!("{MAP}/resources/b.png")],
        expected[MAP]["resources/images/icons/b.png"]
    );
    assert_eq!(files[&format!("{MAP}/resources/c.json")], b"{\"k\": 1}");
    assert!(
        !files.contains_key(&format!("{FS}/data/empty.csv")),
        "zero-byte data is skipped"
    );

    let report = verify_package(&path).unwrap();
    assert!(report.checksums_verified(), "{report:?}");
    assert_eq!(report.items, 3);
}

#[test]
fn package_json_matches_esri_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write_package(dir.path());
    let root = extract_package(&path, &dir.path().join("x")).unwrap();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let manifest: Value = serde_json::from_str(&read("manifest.json")).unwrap();
    assert_eq!(
        manifest["items"][MAP],
        json!({"title": "Water mains — Zürich", "type": "Web Map",
        "created": 1_703_457_912_000_i64, "source": "https://www.arcgis.com"})
    );
    assert!(read("manifest.json").is_ascii(), "ASCII-escaped JSON");
    let keys: Vec<String> = manifest["items"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, [MAP, PDF, FS]);
    let rel: Value = serde_json::from_str(&read(&format!("{MAP}/relationships.json"))).unwrap();
    assert_eq!(
        rel,
        json!({"contains": [FS, OUTSIDE], "requires": [FS, OUTSIDE, PDF],
        "contained_by": [], "required_by": [], "related_items": {}})
    );
    let res: Value =
        serde_json::from_str(&read(&format!("{MAP}/resources/resources.json"))).unwrap();
    assert_eq!(
        res["images/icons/b.png"],
        json!({"resource": "images/icons/b.png", "size": 700})
    );
    let props_text = read(&format!("{MAP}/properties.json"));
    assert!(props_text.starts_with("{\n    \"id\": \""), "{props_text}");
    let pdf: Value = serde_json::from_str(&read(&format!("{PDF}/properties.json"))).unwrap();
    assert_eq!(
        pdf["typeKeywords"],
        json!(["Metadata"]),
        "caller values are kept"
    );
    let gml = read("graph.gml");
    assert!(
        gml.contains(&format!("    node \"node_{OUTSIDE}\"\n")),
        "{gml}"
    );
    assert!(
        gml.contains(&format!("    node \"node_{MAP}_item\"\n")),
        "{gml}"
    );
}

#[test]
fn misuse_and_unfinished_writers_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut w = PackageWriter::create(dir.path(), "p").unwrap();
        let p = props(MAP, "t", "Web Map", None);
        assert!(matches!(
            w.add_file(MAP, "data/x", b"x"),
            Err(FormatError::WriterMisuse { .. })
        ));
        w.begin_item(MAP, &p).unwrap();
        assert!(matches!(
            w.begin_item(MAP, &p),
            Err(FormatError::DuplicateEntry { .. })
        ));
        assert!(matches!(
            w.begin_item("../x", &p),
            Err(FormatError::UnsafeEntryPath { .. })
        ));
        assert!(matches!(
            w.begin_item(PDF, &p),
            Err(FormatError::WriterMisuse { .. })
        ));
        assert!(matches!(
            w.add_file(MAP, "properties.json", b"{}"),
            Err(FormatError::WriterMisuse { .. })
        ));
        assert!(matches!(
            w.add_file(MAP, "data/../../x", b"x"),
            Err(FormatError::UnsafeEntryPath { .. })
        ));
        w.add_file(MAP, "data/a.bin", b"x").unwrap();
        assert!(matches!(
            w.add_file(MAP, "DATA/A.bin", b"x"),
            Err(FormatError::WriterMisuse { .. })
        ));
        assert!(matches!(
            w.add_file(MAP, "data/A.bin", b"x"),
            Err(FormatError::DuplicateEntry { .. })
        ));
        let mut short: &[u8] = b"abc";
        let err = w.add_stream(MAP, "data/b.bin", 10, &mut short).unwrap_err();
        assert!(matches!(err, FormatError::Write { .. }), "{err}");
        let err = w.finish(PackageManifest::default(), &[]).unwrap_err();
        assert!(matches!(err, FormatError::WriterMisuse { .. }), "{err}");
    }
    {
        let mut w = PackageWriter::create(dir.path(), "q").unwrap();
        w.begin_item(MAP, &props(MAP, "t", "Web Map", None))
            .unwrap();
    }
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    assert!(PackageWriter::create(&dir.path().join("missing"), "p").is_err());
    assert!(PackageWriter::create(dir.path(), "a/b").is_err());
}

#[test]
fn refused_types_and_missing_keys_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = PackageWriter::create(dir.path(), "hub").unwrap();
    let bare = json!({"id": MAP, "title": "Site", "type": "Hub Site Application"});
    w.begin_item(MAP, &bare).unwrap();
    let path = w.finish(PackageManifest::default(), &[]).unwrap();
    let summary = read_package(&path).unwrap();
    let props = &summary.items[0].properties;
    assert_eq!(
        (&props["thumbnail"], &props["typeKeywords"]),
        (&Value::Null, &json!([]))
    );
    assert!(
        props.get("origin_item_type").is_none(),
        "unclassified, as Esri"
    );
    let warnings = summary.warnings.join("\n");
    assert!(
        warnings.contains("a type Esri's importer refuses"),
        "{warnings}"
    );
    let notes = &summary.sidecar.unwrap().notes;
    assert!(
        notes.iter().any(|n| n.contains("importer refuses")),
        "{notes:?}"
    );
}
