//! The sandbox's opaque stand-in for File Geodatabase, Shapefile, GeoPackage, KML and Excel
//! exports and for `sqlite`/`filegdb`/`shapefile` replicas: a zip holding `README.txt`, which
//! says what it is, and `sandbox-export.json` with the full service and layer definitions,
//! every row and every attachment (base64). Only the sandbox reads it back (publish); it makes
//! no attempt to be a real geodatabase. Also small zip helpers for multi-file exports.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

use super::super::services::{Attachment, Feature, Layer, Service};

/// Name of the JSON member of the container.
pub const MEMBER: &str = "sandbox-export.json";
const FORMAT: &str = "agol-backup-sandbox-export";

/// Zips `files` (name, bytes) with deflate.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts)
            .map_err(|e| e.to_string())?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(w.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The members of a zip, by name.
pub fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut z =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip file: {e}"))?;
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| e.to_string())?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().map_err(|e| e.to_string())?.into_owned();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| e.to_string())?;
        out.insert(name, buf);
    }
    Ok(out)
}

fn layer_json(svc: &Service, l: &Layer) -> Value {
    let features: Vec<Value> = l
        .features
        .values()
        .map(|f| json!({"attributes": f.attributes, "geometry": f.geometry}))
        .collect();
    let attachments: Vec<Value> = l
        .attachments
        .iter()
        .flat_map(|(oid, list)| {
            list.iter().map(move |a| {
                json!({"parentObjectId": oid, "id": a.id, "globalId": a.global_id, "name": a.name,
                       "contentType": a.content_type, "data": STANDARD.encode(a.data.as_slice())})
            })
        })
        .collect();
    json!({"definition": l.to_json(svc, true), "features": features, "attachments": attachments})
}

/// The container for `svc` (already extracted), labelled as a `kind` ("File Geodatabase" …).
pub fn write(svc: &Service, kind: &str) -> Result<Vec<u8>, String> {
    let body = json!({
        "format": FORMAT,
        "version": 1,
        "kind": kind,
        "name": svc.name,
        "capabilities": svc.capabilities,
        "maxRecordCount": svc.max_record_count,
        "description": svc.description,
        "service": svc.to_json(true),
        "layers": svc.layers.iter().map(|l| layer_json(svc, l)).collect::<Vec<_>>(),
    });
    let readme = format!(
        "This is the agol-backup sandbox's stand-in for a {kind}.\r\n\r\n\
         The sandbox portal does not write real {kind} files. This zip holds the service and\r\n\
         layer definitions, every feature and every attachment in {MEMBER}, and is readable\r\n\
         only by the agol-backup sandbox (publish it back to the sandbox to restore it).\r\n"
    );
    let json = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    zip_files(&[
        ("README.txt".to_string(), readme.into_bytes()),
        (MEMBER.to_string(), json),
    ])
}

fn read_layer(v: &Value, fallback_id: u32) -> Result<Layer, String> {
    let def = v.get("definition").ok_or("layer without definition")?;
    let (mut layer, oid_name) = Layer::from_definition(def, fallback_id);
    for f in v
        .get("features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut attributes = f
            .get("attributes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(oid) = attributes.remove(&oid_name) {
            attributes.insert("OBJECTID".into(), oid);
        }
        let feature = Feature {
            attributes,
            geometry: f.get("geometry").filter(|g| !g.is_null()).cloned(),
        };
        let oid = feature.oid();
        if oid <= 0 {
            return Err("feature without object id".into());
        }
        layer.features.insert(oid, feature);
    }
    for a in v
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let parent = a
            .get("parentObjectId")
            .and_then(Value::as_i64)
            .ok_or("attachment without parent")?;
        let data = STANDARD
            .decode(text("data"))
            .map_err(|e| format!("bad attachment data: {e}"))?;
        layer
            .attachments
            .entry(parent)
            .or_default()
            .push(Attachment {
                id: a.get("id").and_then(Value::as_i64).unwrap_or(0),
                global_id: text("globalId"),
                name: text("name"),
                content_type: text("contentType"),
                data: Arc::new(data),
            });
    }
    Ok(layer)
}

/// Reads a container back into a service (named as it was exported; the caller renames it).
/// `Err` says why the bytes are not a sandbox container.
pub fn read(bytes: &[u8]) -> Result<Service, String> {
    let members = unzip(bytes)?;
    let raw = members.get(MEMBER).ok_or_else(|| {
        format!("the file is not a sandbox export (no {MEMBER}); the sandbox can only publish geodatabases it exported itself")
    })?;
    let v: Value =
        serde_json::from_slice(raw).map_err(|e| format!("{MEMBER} is not valid JSON: {e}"))?;
    if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!("{MEMBER} is not an {FORMAT} document"));
    }
    let mut svc = Service::empty(
        v.get("name").and_then(Value::as_str).unwrap_or("export"),
        "",
        v.get("capabilities")
            .and_then(Value::as_str)
            .unwrap_or("Query"),
        v.get("maxRecordCount")
            .and_then(Value::as_u64)
            .and_then(|m| usize::try_from(m).ok())
            .unwrap_or(2000),
    );
    svc.description = v
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    for (i, l) in v
        .get("layers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        svc.layers
            .push(read_layer(l, u32::try_from(i).unwrap_or(0))?);
    }
    Ok(svc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::services::Field;

    #[test]
    fn container_round_trips_rows_and_attachments() {
        let mut layer = Layer {
            id: 0,
            name: "Pts".into(),
            geometry_type: Some("esriGeometryPoint".into()),
            fields: vec![
                Field::new("OBJECTID", "esriFieldTypeOID"),
                Field::new("NAME", "esriFieldTypeString"),
            ],
            features: BTreeMap::new(),
            attachments: BTreeMap::new(),
            has_attachments: true,
            last_edit_date: 1,
            relationships: Vec::new(),
            view_filter: None,
        };
        let attrs = json!({"OBJECTID": 3, "NAME": "a"})
            .as_object()
            .cloned()
            .unwrap();
        layer.features.insert(
            3,
            Feature {
                attributes: attrs,
                geometry: Some(json!({"x": 1.0, "y": 2.0})),
            },
        );
        layer.attachments.insert(
            3,
            vec![Attachment {
                id: 1,
                global_id: "{G}".into(),
                name: "p.jpg".into(),
                content_type: "image/jpeg".into(),
                data: Arc::new(vec![1, 2, 3]),
            }],
        );
        let mut svc = Service::empty("S", "i", "Query,Extract", 200);
        svc.layers.push(layer);
        let bytes = write(&svc, "File Geodatabase").unwrap();
        let members = unzip(&bytes).unwrap();
        assert!(String::from_utf8_lossy(&members["README.txt"]).contains("File Geodatabase"));
        let back = read(&bytes).unwrap();
        assert_eq!(back.name, "S");
        assert_eq!(back.max_record_count, 200);
        let l = back.layer(0).unwrap();
        assert_eq!(l.features[&3].attributes["NAME"], "a");
        assert_eq!(l.attachments[&3][0].data.as_slice(), &[1, 2, 3]);
        assert!(read(&zip_files(&[("x.gdb/a".into(), vec![0])]).unwrap()).is_err());
    }
}
