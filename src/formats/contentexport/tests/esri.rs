//! A package laid out exactly as Esri's Python API 2.4.1–2.4.4 writes it (§9.3/9.4), with the
//! defects of §9.6: a renamed file, flattened resources, `\/` escapes, no `origin_item_type`,
//! a truncated thumbnail name, a graph node without a folder, a PAX (non-ASCII) member name.

use serde_json::json;

use super::{Raw, names, raw_tar_gz, tree};
use crate::formats::contentexport::*;

const MAP: &str = "95c25c24109a4ccebf6d4cab92fe2d67";
const FS: &str = "4552478e7d06492f9fea617704fd1323";
const GONE: &str = "aaaa478e7d06492f9fea617704fd1323";
const THUMB: &str = "a_very_long_thumbnail_name_that_exceeds_fifty_characters_x.png";

fn esri_package() -> Vec<u8> {
    let top = "exported_content";
    let manifest = format!(
        "{{\n    \"items\": {{\n        \"{MAP}\": {{\n            \"title\": \"Karte Zürich\",\n            \"type\": \"Web Map\",\n            \"created\": 1703457912000,\n            \"source\": \"https:\\/\\/www.arcgis.com\"\n        }},\n        \"{FS}\": {{\"title\": \"Pipes\", \"type\": \"Feature Service\", \"created\": 1703457912001, \"source\": \"https:\\/\\/www.arcgis.com\"}}\n    }}\n}}"
    );
    let graph = format!(
        "graph [\n  directed 1\n  node [\n    id 0\n    label \"{MAP}\"\n    node \"node_{MAP}_item\"\n  ]\n  node [\n    id 1\n    label \"{FS}\"\n    node \"node_{FS}_item\"\n  ]\n  node [\n    id 2\n    label \"{GONE}\"\n    node \"node_{GONE}_item\"\n  ]\n  edge [\n    source 0\n    target 1\n  ]\n  edge [\n    source 0\n    target 2\n  ]\n]\n"
    );
    let map_props = format!(
        "{{\"id\": \"{MAP}\", \"title\": \"Karte Zürich\", \"type\": \"Web Map\", \"typeKeywords\": [], \"url\": null, \"thumbnail\": \"thumbnail\\/{THUMB}\"}}"
    );
    let fs_props = format!(
        "{{\"id\": \"{FS}\", \"title\": \"Pipes\", \"type\": \"Feature Service\", \"typeKeywords\": [], \"url\": \"https:\\/\\/services\\/FeatureServer\", \"thumbnail\": null, \"origin_item_type\": \"ServiceItem\", \"data_item_type\": \"File Geodatabase\"}}"
    );
    let resources = r#"{"images/photo one.png": {"resource": "images/photo one.png", "size": 3}, "config/config.json": {"resource": "config/config.json", "size": 2}, "draft.json": {"resource": "draft.json", "size": 2}}"#;
    let truncated = &THUMB[THUMB.len() - 30..];
    let p = |rel: &str| format!("{top}/{rel}");
    let mut pax = Raw::file(
        &p(&format!("{FS}/data/Wasserqualität.zip")),
        b"PK\x03\x04zip",
    );
    pax.pax = true;
    raw_tar_gz(&[
        Raw::dir(&format!("{top}/")),
        Raw::file(&p("manifest.json"), manifest.as_bytes()),
        Raw::file(&p("graph.gml"), graph.as_bytes()),
        Raw::dir(&p(&format!("{MAP}/"))),
        Raw::file(&p(&format!("{MAP}/properties.json")), map_props.as_bytes()),
        Raw::file(&p(&format!("{MAP}/relationships.json")), br#"{"contains":[],"requires":[],"contained_by":[],"required_by":[],"related_items":{}}"#),
        Raw::file(&p(&format!("{MAP}/files/{truncated}")), b"png"),
        Raw::file(&p(&format!("{MAP}/resources/resources.json")), resources.as_bytes()),
        Raw::file(&p(&format!("{MAP}/resources/photo one.png")), b"img"),
        Raw::file(&p(&format!("{MAP}/resources/config.json")), b"{}"),
        Raw::file(&p(&format!("{MAP}/resources/draft.json")), b"[]"),
        Raw::file(&p(&format!("{MAP}/data/structure.json")), br#"{"url":"https:\/\/x"}"#),
        Raw::dir(&p(&format!("{FS}/data/"))),
        Raw::file(&p(&format!("{FS}/properties.json")), fs_props.as_bytes()),
        Raw::file(&p(&format!("{FS}/resources/resources.json")), b"{}"),
        pax,
    ])
}

#[test]
fn an_esri_package_with_its_defects_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my backup (1).contentexport");
    std::fs::write(&path, esri_package()).unwrap();
    let summary = read_package(&path).unwrap();
    assert_eq!(summary.top_folder, "exported_content");
    assert_eq!(summary.source.as_deref(), Some("https://www.arcgis.com"));
    let ids: Vec<&str> = summary.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [MAP, FS]);
    let map = &summary.items[0];
    assert_eq!(map.title, "Karte Zürich");
    assert_eq!(
        map.properties["thumbnail"],
        json!(format!("thumbnail/{THUMB}"))
    );
    let resources: Vec<(&str, &str)> = map
        .resources
        .iter()
        .map(|(k, f)| (k.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        resources,
        [
            ("images/photo one.png", "resources/photo one.png"),
            ("config/config.json", "resources/config.json"),
            ("draft.json", "resources/draft.json"),
        ]
    );
    assert_eq!(
        map.thumbnail.as_deref(),
        Some(format!("files/{}", &THUMB[THUMB.len() - 30..])).as_deref()
    );
    let fs = &summary.items[1];
    assert!(
        fs.files
            .contains(&("data/Wasserqualität.zip".to_string(), 7)),
        "{:?}",
        fs.files
    );
    assert_eq!(
        summary.edges,
        [
            (MAP.to_string(), FS.to_string()),
            (MAP.to_string(), GONE.to_string())
        ]
    );
    let all = summary.warnings.join("\n");
    for expected in [
        "renamed",
        "flattened",
        &format!("item {MAP} has no origin_item_type"),
        &format!("graph node {GONE} has no item folder"),
        "is stored as",
    ] {
        assert!(all.contains(expected), "{expected:?} not in:\n{all}");
    }
    assert!(!all.contains(&format!("item {FS} has no origin")), "{all}");

    let report = verify_package(&path).unwrap();
    assert!(
        !report.has_sidecar && report.is_ok() && !report.checksums_verified(),
        "{report:?}"
    );

    let target = dir.path().join("restore");
    let root = extract_package(&path, &target).unwrap();
    assert!(root.ends_with("exported_content"));
    assert_eq!(names(&target), ["exported_content"]);
    let files = tree(&root);
    assert_eq!(files.len(), 13, "{files:?}");
    assert!(
        files
            .iter()
            .any(|(p, _)| p == &format!("{FS}/data/Wasserqualität.zip"))
    );
    let err = extract_package(&path, &target).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(
        names(&target),
        ["exported_content"],
        "the staging folder is removed"
    );
}
