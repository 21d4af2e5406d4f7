//! A package laid out as Esri's Python API writes it (no sidecar, flattened resources, `\/`
//! escapes, a renamed file, a graph node without a folder) read into the restore model.

use std::path::Path;

use agol_backup::engine::restore::source::{DataPayload, SourceFormat, read_inputs};
use agol_backup::formats::archive::ItemStatus;

const MAP: &str = "95c25c24109a4ccebf6d4cab92fe2d67";
const FS: &str = "4552478e7d06492f9fea617704fd1323";
const VIEW: &str = "5552478e7d06492f9fea617704fd1324";
const PDF: &str = "6552478e7d06492f9fea617704fd1325";
const GONE: &str = "aaaa478e7d06492f9fea617704fd1323";

/// A gzip-compressed tar of `(path, bytes)` files.
pub fn tar_gz(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, path, bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// Esri's package of a web map needing a hosted layer (and a node without folder), a view and
/// a PDF, in `dir` under a name that is not its top folder.
fn esri_package(dir: &Path) -> std::path::PathBuf {
    let top = "exported_content";
    let manifest = format!(
        r#"{{"items": {{"{MAP}": {{"title": "Karte", "type": "Web Map", "source": "https:\/\/www.arcgis.com"}},
        "{FS}": {{"title": "Pipes", "type": "Feature Service", "source": "https:\/\/www.arcgis.com"}},
        "{VIEW}": {{"title": "Pipes view", "type": "Feature Service", "source": "https:\/\/www.arcgis.com"}},
        "{PDF}": {{"title": "Report", "type": "PDF", "source": "https:\/\/www.arcgis.com"}}}}}}"#
    );
    let graph = format!(
        "graph [\n  directed 1\n  node [\n    id 0\n    label \"{MAP}\"\n  ]\n  node [\n    id 1\n    label \"{FS}\"\n  ]\n  node [\n    id 2\n    label \"{GONE}\"\n  ]\n  edge [\n    source 0\n    target 1\n  ]\n  edge [\n    source 0\n    target 2\n  ]\n]\n"
    );
    let f = |rel: String, bytes: &[u8]| (format!("{top}/{rel}"), bytes.to_vec());
    let files = vec![
        f("manifest.json".into(), manifest.as_bytes()),
        f("graph.gml".into(), graph.as_bytes()),
        f(format!("{MAP}/properties.json"), format!(r#"{{"id": "{MAP}", "title": "Karte", "type": "Web Map", "owner": "anna", "access": "org", "typeKeywords": [], "thumbnail": "thumbnail\/t.png"}}"#).as_bytes()),
        f(format!("{MAP}/relationships.json"), format!(r#"{{"contains":["{FS}"],"requires":["{FS}"],"contained_by":[],"required_by":[],"related_items":{{"Map2Service":["{FS}"]}}}}"#).as_bytes()),
        f(format!("{MAP}/files/t.png"), b"png"),
        f(format!("{MAP}/resources/resources.json"), br#"{"images/photo one.png": {"resource": "images/photo one.png", "size": 3}}"#),
        f(format!("{MAP}/resources/photo one.png"), b"img"),
        f(format!("{MAP}/data/structure.json"), format!(r#"{{"operationalLayers":[{{"itemId":"{FS}","url":"https:\/\/services\/FeatureServer\/0"}}]}}"#).as_bytes()),
        f(format!("{FS}/properties.json"), format!(r#"{{"id": "{FS}", "title": "Pipes", "type": "Feature Service", "typeKeywords": ["Hosted Service"], "url": "https:\/\/services\/FeatureServer", "origin_item_type": "ServiceItem", "data_item_type": "File Geodatabase"}}"#).as_bytes()),
        f(format!("{FS}/resources/resources.json"), b"{}"),
        f(format!("{FS}/data/Pipes.zip"), b"PK\x03\x04zip"),
        f(format!("{FS}/data/flc_props.json"), br#"{"layers": [{"id": 0, "name": "pipes"}]}"#),
        f(format!("{VIEW}/properties.json"), format!(r#"{{"id": "{VIEW}", "title": "Pipes view", "type": "Feature Service", "typeKeywords": ["View Service"], "url": "https:\/\/services\/view\/FeatureServer"}}"#).as_bytes()),
        f(format!("{VIEW}/data/view_props.json"), br#"{"isView": true}"#),
        f(format!("{VIEW}/data/layer_0_props.json"), br#"{"viewDefinitionQuery": "x > 1"}"#),
        f(format!("{PDF}/properties.json"), format!(r#"{{"id": "{PDF}", "title": "Report", "type": "PDF", "name": "report 2024.pdf", "typeKeywords": ["Metadata"]}}"#).as_bytes()),
        f(format!("{PDF}/files/metadata.xml"), b"<metadata/>"),
        f(format!("{PDF}/data/report 2024.pdf"), b"%PDF-1.4"),
    ];
    let path = dir.join("renamed copy.contentexport");
    std::fs::write(&path, tar_gz(&files)).unwrap();
    path
}

#[test]
fn an_esri_package_reads_into_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = esri_package(dir.path());
    let work = tempfile::tempdir().unwrap();
    let set = read_inputs(std::slice::from_ref(&path), work.path()).unwrap();
    assert_eq!(set.source_portal.as_deref(), Some("https://www.arcgis.com"));
    assert_eq!(set.items.len(), 4, "{:?}", set.problems);
    let by = |id: &str| set.items.iter().find(|i| i.old_id == id).unwrap();
    let map = by(MAP);
    assert_eq!(map.format, SourceFormat::ContentExport);
    assert_eq!(map.owner, "anna");
    assert_eq!(map.sharing.as_ref().unwrap().access, "org");
    assert_eq!(map.dependencies, [FS, GONE]);
    assert_eq!(map.related[0].rel_type, "Map2Service");
    assert_eq!(map.related[0].other_id, FS);
    assert_eq!(map.resources[0].path, "images/photo one.png");
    assert_eq!(std::fs::read(&map.resources[0].file).unwrap(), b"img");
    assert_eq!(
        std::fs::read(map.thumbnail.as_ref().unwrap()).unwrap(),
        b"png"
    );
    assert!(matches!(&map.data, Some(DataPayload::Json(p)) if p.is_file()));
    assert!(map.hashes.is_empty(), "Esri's packages carry no checksums");
    assert_eq!(map.backup_status, ItemStatus::Complete);
    let fs = by(FS);
    let service = fs.service.as_ref().unwrap();
    let (export, format) = service.export.as_ref().unwrap();
    assert_eq!(std::fs::read(export).unwrap(), b"PK\x03\x04zip");
    assert_eq!(format, "File Geodatabase");
    assert_eq!(
        service.service.as_ref().unwrap()["layers"][0]["name"],
        "pipes"
    );
    assert!(fs.data.is_none());
    let view = by(VIEW).service.as_ref().unwrap();
    assert_eq!(view.view.as_ref().unwrap()["isView"], true);
    assert_eq!(view.layers[0]["viewDefinitionQuery"], "x > 1");
    let pdf = by(PDF);
    match &pdf.data {
        Some(DataPayload::File { path, name }) => {
            assert_eq!(name, "report 2024.pdf");
            assert_eq!(std::fs::read(path).unwrap(), b"%PDF-1.4");
        }
        other => panic!("{other:?}"),
    }
    assert!(pdf.metadata.as_ref().unwrap().is_file());
    assert!(work.path().read_dir().unwrap().count() == 1);
}
