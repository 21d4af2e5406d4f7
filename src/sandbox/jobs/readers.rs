//! Turns publishable files into service layers: GeoJSON FeatureCollections (geometry type from
//! the first geometry, fields inferred from the properties), CSV (points from latitude/longitude
//! or x/y columns, or given by `publishParameters`; a table without them; column types
//! inferred: integer, double, ISO date, else string) and feature collection JSON. Object ids
//! are numbered from 1; a source column that clashes with `OBJECTID` is renamed.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::super::features::model_ext::OID;
use super::super::features::{dates, geojson};
use super::super::services::{Feature, Field, Layer};
use super::csv;

/// A layer with the given schema and no rows.
fn empty_layer(name: &str, geometry_type: Option<&str>, fields: Vec<Field>) -> Layer {
    Layer {
        id: 0,
        name: name.to_string(),
        geometry_type: geometry_type.map(str::to_string),
        fields,
        features: BTreeMap::new(),
        attachments: BTreeMap::new(),
        has_attachments: false,
        last_edit_date: super::super::now_ms(),
        relationships: Vec::new(),
        view_filter: None,
    }
}

/// A field name ArcGIS accepts, unique among `taken`.
fn field_name(raw: &str, taken: &[String]) -> String {
    let mut base: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base = format!("F_{base}");
    }
    let mut name = base.clone();
    let mut n = 1;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// The narrowest field type holding every JSON value of a column.
fn infer_json(values: &[&Value]) -> &'static str {
    let present: Vec<&&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if !present.is_empty()
        && present
            .iter()
            .all(|v| v.as_i64().is_some_and(|i| i32::try_from(i).is_ok()))
    {
        "esriFieldTypeInteger"
    } else if !present.is_empty() && present.iter().all(|v| v.is_number()) {
        "esriFieldTypeDouble"
    } else {
        "esriFieldTypeString"
    }
}

fn json_cell(v: &Value, field_type: &str) -> Value {
    match (v, field_type) {
        (Value::Null, _) => Value::Null,
        (Value::String(_) | Value::Number(_), _) => v.clone(),
        (other, "esriFieldTypeString") => json!(other.to_string()),
        (other, _) => other.clone(),
    }
}

/// Reads a GeoJSON FeatureCollection (or a single Feature) as one layer named `name`.
pub fn from_geojson(bytes: &[u8], name: &str) -> Result<Layer, String> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the file is not valid GeoJSON: {e}"))?;
    let features: Vec<Value> = match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => v
            .get("features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        Some("Feature") => vec![v.clone()],
        _ => return Err("the file is not a GeoJSON FeatureCollection".into()),
    };
    let geometry_type = features
        .iter()
        .find_map(|f| f.pointer("/geometry/type").and_then(Value::as_str))
        .map(|t| geojson::esri_type(t).ok_or_else(|| format!("unsupported geometry type '{t}'")))
        .transpose()?;
    let mut keys: Vec<String> = Vec::new();
    for f in &features {
        for k in f
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::keys)
        {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let mut fields = vec![Field::new(OID, "esriFieldTypeOID")];
    let mut names: Vec<String> = vec![OID.to_string()];
    let mut columns = Vec::new();
    for k in &keys {
        let values: Vec<&Value> = features
            .iter()
            .map(|f| {
                f.get("properties")
                    .and_then(|p| p.get(k))
                    .unwrap_or(&Value::Null)
            })
            .collect();
        let name = field_name(k, &names);
        let ft = infer_json(&values);
        names.push(name.clone());
        fields.push(Field::new(&name, ft));
        columns.push((k.clone(), name, ft));
    }
    let mut layer = empty_layer(name, geometry_type, fields);
    for (i, f) in features.iter().enumerate() {
        let oid = i64::try_from(i).unwrap_or(0) + 1;
        let mut attributes = Map::new();
        attributes.insert(OID.into(), json!(oid));
        let props = f.get("properties").and_then(Value::as_object);
        for (key, field, ft) in &columns {
            attributes.insert(
                field.clone(),
                json_cell(props.and_then(|p| p.get(key)).unwrap_or(&Value::Null), ft),
            );
        }
        let geometry = f.get("geometry").filter(|g| !g.is_null()).map(|g| {
            let t = g
                .get("type")
                .and_then(Value::as_str)
                .and_then(geojson::esri_type);
            match (geojson::from_geojson(g), t == geometry_type) {
                (Some(e), true) => Ok(e),
                _ => Err(format!("feature {oid} has a geometry of another type")),
            }
        });
        let geometry = geometry.transpose()?;
        layer.features.insert(
            oid,
            Feature {
                attributes,
                geometry,
            },
        );
    }
    Ok(layer)
}

fn infer_text(values: &[&str]) -> &'static str {
    let present: Vec<&&str> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    if present.is_empty() {
        "esriFieldTypeString"
    } else if present.iter().all(|v| v.trim().parse::<i32>().is_ok()) {
        "esriFieldTypeInteger"
    } else if present
        .iter()
        .all(|v| v.trim().parse::<f64>().is_ok_and(f64::is_finite))
    {
        "esriFieldTypeDouble"
    } else if present.iter().all(|v| dates::parse_iso(v).is_some()) {
        "esriFieldTypeDate"
    } else {
        "esriFieldTypeString"
    }
}

fn text_cell(v: &str, field_type: &str) -> Value {
    let t = v.trim();
    if t.is_empty() {
        return Value::Null;
    }
    match field_type {
        "esriFieldTypeInteger" => t.parse::<i64>().map_or(Value::Null, |n| json!(n)),
        "esriFieldTypeDouble" => t.parse::<f64>().map_or(Value::Null, |n| json!(n)),
        "esriFieldTypeDate" => dates::parse_iso(t).map_or(Value::Null, |n| json!(n)),
        _ => json!(v),
    }
}

fn find_column(header: &[String], given: Option<&str>, candidates: &[&str]) -> Option<usize> {
    if let Some(g) = given {
        return header.iter().position(|h| h.eq_ignore_ascii_case(g));
    }
    candidates
        .iter()
        .find_map(|c| header.iter().position(|h| h.trim().eq_ignore_ascii_case(c)))
}

/// Reads CSV text as one layer named `name`; `params` may name the coordinate columns
/// (`latitudeFieldName`/`longitudeFieldName`) or say `locationType: none` for a table.
pub fn from_csv(bytes: &[u8], name: &str, params: &Value) -> Result<Layer, String> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| "the CSV file is not UTF-8 text".to_string())?;
    let mut rows = csv::parse(text)?.into_iter();
    let header = rows.next().ok_or("the CSV file is empty")?;
    let rows: Vec<Vec<String>> = rows.collect();
    let text_param = |k: &str| params.get(k).and_then(Value::as_str);
    let located = !text_param("locationType").is_some_and(|t| t.eq_ignore_ascii_case("none"));
    let lat = find_column(
        &header,
        text_param("latitudeFieldName"),
        &["latitude", "lat", "y", "point_y", "ycoord", "y_coord"],
    );
    let lon = find_column(
        &header,
        text_param("longitudeFieldName"),
        &[
            "longitude",
            "lon",
            "long",
            "lng",
            "x",
            "point_x",
            "xcoord",
            "x_coord",
        ],
    );
    let coords = match (lat, lon) {
        (Some(a), Some(b)) if located => Some((a, b)),
        _ => None,
    };
    let mut fields = vec![Field::new(OID, "esriFieldTypeOID")];
    let mut names: Vec<String> = vec![OID.to_string()];
    let mut types = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let values: Vec<&str> = rows
            .iter()
            .map(|r| r.get(i).map_or("", String::as_str))
            .collect();
        let ft = infer_text(&values);
        let n = field_name(h.trim(), &names);
        names.push(n.clone());
        fields.push(Field::new(&n, ft));
        types.push((n, ft));
    }
    let geometry_type = coords.map(|_| "esriGeometryPoint");
    let mut layer = empty_layer(name, geometry_type, fields);
    for (i, r) in rows.iter().enumerate() {
        let oid = i64::try_from(i).unwrap_or(0) + 1;
        let mut attributes = Map::new();
        attributes.insert(OID.into(), json!(oid));
        for (j, (n, ft)) in types.iter().enumerate() {
            attributes.insert(
                n.clone(),
                text_cell(r.get(j).map_or("", String::as_str), ft),
            );
        }
        let geometry = coords.and_then(|(a, b)| {
            let num = |k: usize| r.get(k).and_then(|s| s.trim().parse::<f64>().ok());
            Some(json!({"x": num(b)?, "y": num(a)?}))
        });
        layer.features.insert(
            oid,
            Feature {
                attributes,
                geometry,
            },
        );
    }
    Ok(layer)
}

/// Reads feature collection JSON (`{"layers":[{"layerDefinition","featureSet"}]}`, possibly
/// under `featureCollection`) as layers.
pub fn from_feature_collection(bytes: &[u8]) -> Result<Vec<Layer>, String> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the feature collection is not valid JSON: {e}"))?;
    let layers = v
        .get("layers")
        .or_else(|| v.pointer("/featureCollection/layers"))
        .and_then(Value::as_array)
        .ok_or("the feature collection has no layers")?;
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let def = l
            .get("layerDefinition")
            .ok_or("a layer has no layerDefinition")?;
        let (mut layer, oid_name) = Layer::from_definition(def, u32::try_from(i).unwrap_or(0));
        layer.id = u32::try_from(i).unwrap_or(0);
        let features = l
            .pointer("/featureSet/features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for f in &features {
            let mut attributes = f
                .get("attributes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let oid = attributes
                .remove(&oid_name)
                .and_then(|v| v.as_i64())
                .filter(|o| *o > 0 && !layer.features.contains_key(o))
                .unwrap_or_else(|| layer.next_oid());
            attributes.insert(OID.into(), json!(oid));
            let geometry = f.get("geometry").filter(|g| g.is_object()).cloned();
            layer.features.insert(
                oid,
                Feature {
                    attributes,
                    geometry,
                },
            );
        }
        out.push(layer);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_finds_coordinates_and_types() {
        let csv = b"Name,Lat,Long,Count,When,OBJECTID\nA,45.5,-73.5,3,2024-01-02,9\n\"B, b\",46,-74,,2024-02-03T04:05:06Z,10\n";
        let l = from_csv(csv, "Pts", &Value::Null).unwrap();
        assert_eq!(l.geometry_type.as_deref(), Some("esriGeometryPoint"));
        assert_eq!(l.features.len(), 2);
        assert_eq!(
            l.features[&1].geometry,
            Some(json!({"x": -73.5, "y": 45.5}))
        );
        assert_eq!(l.field("Count").unwrap().field_type, "esriFieldTypeInteger");
        assert_eq!(l.field("When").unwrap().field_type, "esriFieldTypeDate");
        assert_eq!(l.field("Lat").unwrap().field_type, "esriFieldTypeDouble");
        assert!(l.field("OBJECTID_1").is_some(), "clashing column renamed");
        assert_eq!(l.features[&2].attributes["Name"], "B, b");
        let table = from_csv(b"a,b\n1,2\n", "T", &Value::Null).unwrap();
        assert!(table.is_table());
    }

    #[test]
    fn geojson_reads_points_and_properties() {
        let gj = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"a","n":1,"tags":["x"]}},
            {"type":"Feature","geometry":null,"properties":{"name":"b","n":2.5}}]}"#;
        let l = from_geojson(gj, "G").unwrap();
        assert_eq!(l.geometry_type.as_deref(), Some("esriGeometryPoint"));
        assert_eq!(l.field("n").unwrap().field_type, "esriFieldTypeDouble");
        assert_eq!(l.features[&1].attributes["tags"], "[\"x\"]");
        assert_eq!(l.features[&2].geometry, None);
        assert!(from_geojson(b"{\"type\":\"Point\"}", "x").is_err());
    }
}
