//! The converter from standard archives: a view with nested resources, a thumbnail, metadata,
//! JSON data and service definitions, plus a layer captured by query, written as archives and
//! converted; the package read back holds every byte under the package layout.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::formats::archive::{ArchiveWriter, BackupManifest, ItemStatus};
use crate::formats::contentexport::{
    NotIncluded, extract_package, package_from_archives_with, read_package, verify_package,
};

/// A standard archive of item `id` holding `entries`.
fn archive(dir: &Path, id: &str, method: Option<&str>, entries: &[(&str, Vec<u8>)]) -> PathBuf {
    let mut w = ArchiveWriter::create(dir, &format!("{id}.zip")).unwrap();
    for (path, bytes) in entries {
        w.add_bytes(path, bytes).unwrap();
    }
    w.finish(BackupManifest {
        format_version: 0,
        tool: "test".into(),
        created_utc: String::new(),
        source_portal: "https://portal.example.com/portal".into(),
        org_id: None,
        item_id: id.into(),
        item_type: String::new(),
        title: id.into(),
        owner: "admin".into(),
        folder: None,
        modified: 0,
        status: ItemStatus::Complete,
        reasons: Vec::new(),
        data_method: method.map(str::to_string),
        layers: Vec::new(),
        dependencies: Vec::new(),
        artefacts: Vec::new(),
    })
    .unwrap()
}

fn bytes(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

#[test]
fn archives_become_item_folders() {
    let dir = tempfile::tempdir().unwrap();
    let map = "a".repeat(32);
    let view = "b".repeat(32);
    let resources = json!({"resources": [
        {"resource": "images/a b.png", "entry": "resources/images/a b.png"}]});
    let related = json!({"forward": [{"relationshipType": "Map2Service",
        "items": [{"id": view}]}], "reverse": []});
    let map_zip = archive(
        dir.path(),
        &map,
        None,
        &[
            (
                "item.json",
                bytes(
                    &json!({"id": map, "title": "Map", "type": "Web Map", "thumbnail": "thumbnail/t.png"}),
                ),
            ),
            ("data/data.json", b"{\"operationalLayers\":[]}".to_vec()),
            ("thumbnail/t.png", vec![1, 2, 3]),
            ("metadata/metadata.xml", b"<metadata/>".to_vec()),
            ("resources/images/a b.png", vec![9; 10]),
            ("resources/resources.json", bytes(&resources)),
            ("related.json", bytes(&related)),
            (
                "sharing.json",
                bytes(
                    &json!({"access": "shared", "groups": [{"id": "g1", "title": "Water"}],
                    "folder": {"id": "f1", "title": "Water"}}),
                ),
            ),
        ],
    );
    let view_zip = archive(
        dir.path(),
        &view,
        Some("query"),
        &[
            (
                "item.json",
                bytes(&json!({"id": view, "title": "View",
                "type": "Feature Service", "typeKeywords": ["View Service"],
                "url": "https://x/FeatureServer"})),
            ),
            (
                "service/service.json",
                b"{\"layers\":[{\"id\":0}]}".to_vec(),
            ),
            (
                "service/layers/0.json",
                b"{\"id\":0,\"name\":\"L\"}".to_vec(),
            ),
            ("layers/0.geojson", b"{}".to_vec()),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let edges = vec![(map.clone(), view.clone())];
    let gone = NotIncluded {
        item_id: "c".repeat(32),
        title: "Gone".into(),
        reason: "failed".into(),
    };
    let path =
        package_from_archives_with(&[map_zip, view_zip], out.path(), "pkg", &edges, vec![gone])
            .unwrap();
    assert_eq!(path, out.path().join("pkg.contentexport"));
    let summary = read_package(&path).unwrap();
    assert_eq!(summary.edges, edges);
    assert_eq!(
        summary.source.as_deref(),
        Some("https://portal.example.com/portal")
    );
    let m = &summary.items[0];
    assert_eq!(
        m.resources,
        vec![("images/a b.png".into(), "resources/images/a b.png".into())]
    );
    assert_eq!(m.thumbnail.as_deref(), Some("files/t.png"));
    let sidecar = summary.sidecar.clone().unwrap();
    assert_eq!(sidecar.not_included.len(), 1);
    // Sharing has no place in the format: the sidecar keeps it for our restore.
    let sharing = sidecar.items[0].sharing.clone().unwrap();
    assert_eq!(sharing["groups"][0]["title"], sharing["folder"]["title"]);
    assert_eq!(sidecar.items[1].sharing, None);
    assert_eq!(
        sidecar.items[1].status,
        ItemStatus::Partial,
        "query data has no place"
    );
    // A view backed up without its admin definition is one Esri's importer skips: said so.
    let skipped = |r: &String| r.contains("Esri's importer skips the view");
    assert!(sidecar.items[1].reasons.iter().any(skipped));
    assert!(verify_package(&path).unwrap().checksums_verified());
    let root = extract_package(&path, &out.path().join("x")).unwrap();
    let read = |rel: &str| std::fs::read(root.join(rel)).unwrap();
    assert_eq!(
        read(&format!("{map}/data/structure.json")),
        b"{\"operationalLayers\":[]}"
    );
    assert_eq!(read(&format!("{map}/files/metadata.xml")), b"<metadata/>");
    assert_eq!(
        read(&format!("{map}/resources/images/a b.png")),
        vec![9; 10]
    );
    let rel: serde_json::Value =
        serde_json::from_slice(&read(&format!("{map}/relationships.json"))).unwrap();
    assert_eq!(rel["related_items"], json!({"Map2Service": [view]}));
    assert_eq!(rel["contains"], json!([view]));
    let json = |rel: &str| serde_json::from_slice::<serde_json::Value>(&read(rel)).unwrap();
    let full_layer = json!({"id": 0, "name": "L"});
    assert_eq!(
        json(&format!("{view}/data/view_props.json")),
        json!({"layers": [full_layer]}),
        "layer stubs are replaced by the full definitions, as in the admin JSON"
    );
    assert_eq!(json(&format!("{view}/data/layer_0_props.json")), full_layer);
    assert!(!root.join(&view).join("data/flc_props.json").exists());
    assert!(!root.join(&map).join("sharing.json").exists());
}
