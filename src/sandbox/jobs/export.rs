//! `content/users/{u}/export`: converts a hosted feature layer into a new item owned by `{u}`.
//! Only the item's owner or an org admin may export, on their own user path (anyone else gets
//! 403, and clients fall back to createReplica or queries). The new item's data is built from
//! the current rows at once; a `Job{kind:"export"}` completes after `export_delay_ms`.
//!
//! Formats: `GeoJson` (a real FeatureCollection; a zip of one `.geojson` per layer when several
//! are exported), `CSV` (real CSV, `X`/`Y` columns for points; a zip of CSVs for several
//! layers), `Feature Collection` (real feature collection JSON, stored as JSON data). `File
//! Geodatabase`, `Shapefile`, `GeoPackage`, `KML` and `Excel` produce the sandbox's opaque
//! container (`package`), named `.zip`, which only the sandbox reads back.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::auth::{can_edit, visible_item};
use super::super::features::extract::{self, Pick};
use super::super::features::model_ext::field_json;
use super::super::features::query::{esri_feature, geojson_feature, wgs84};
use super::super::model::{Content, Item, ItemData};
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::services::{Field, Layer, Service};
use super::super::user_content::UserCall;
use super::super::{Ctx, now_ms};
use super::{csv, new_job, package};

/// What an export format produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    GeoJson,
    Csv,
    FeatureCollection,
    /// The opaque container, labelled with the real format's name.
    Container(&'static str),
}

fn format_of(name: &str) -> Result<(Kind, &'static str), ApiError> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "geojson" => (Kind::GeoJson, "GeoJson"),
        "csv" => (Kind::Csv, "CSV"),
        "feature collection" => (Kind::FeatureCollection, "Feature Collection"),
        "file geodatabase" => (Kind::Container("File Geodatabase"), "File Geodatabase"),
        "shapefile" => (Kind::Container("Shapefile"), "Shapefile"),
        "geopackage" => (Kind::Container("GeoPackage"), "GeoPackage"),
        "kml" => (Kind::Container("KML"), "KML"),
        "excel" => (Kind::Container("Microsoft Excel"), "Microsoft Excel"),
        _ => {
            return Err(
                ApiError::bad_request(format!("Invalid export format '{name}'."))
                    .detail("'exportFormat' is not supported."),
            );
        }
    })
}

/// A file name from a title: characters Windows or URLs dislike become `_`.
pub fn file_stem(title: &str) -> String {
    let s: String = title
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.trim().is_empty() {
        "export".to_string()
    } else {
        s.trim().to_string()
    }
}

fn geojson_text(layer: &Layer) -> Vec<u8> {
    let fields: Vec<&Field> = layer.fields.iter().collect();
    let features: Vec<Value> = layer
        .features
        .values()
        .map(|f| geojson_feature(f, &fields, true))
        .collect();
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features}))
        .unwrap_or_default()
}

/// Feature collection JSON (`{"layers":[{"layerDefinition","featureSet"}]}`) of `data`.
fn feature_collection(data: &Service) -> Value {
    let layers: Vec<Value> = data
        .layers
        .iter()
        .map(|l| {
            let fields: Vec<&Field> = l.fields.iter().collect();
            let mut def = l.to_json(data, false);
            def["fields"] = json!(fields.iter().map(|f| field_json(f)).collect::<Vec<_>>());
            let mut set = json!({"features": l.features.values().map(|f| esri_feature(f, &fields, true)).collect::<Vec<_>>()});
            if let Some(g) = &l.geometry_type {
                set["geometryType"] = json!(g);
                set["spatialReference"] = wgs84();
            }
            json!({"layerDefinition": def, "featureSet": set})
        })
        .collect();
    json!({"layers": layers})
}

/// One file per layer, or a zip of them when there are several.
fn per_layer(
    data: &Service,
    stem: &str,
    ext: &str,
    render: fn(&Layer) -> Vec<u8>,
) -> Result<(String, Vec<u8>), ApiError> {
    if let [only] = data.layers.as_slice() {
        return Ok((format!("{stem}.{ext}"), render(only)));
    }
    let files: Vec<(String, Vec<u8>)> = data
        .layers
        .iter()
        .map(|l| (format!("{}_{}.{ext}", file_stem(&l.name), l.id), render(l)))
        .collect();
    let zip = package::zip_files(&files).map_err(ApiError::server_error)?;
    Ok((format!("{stem}.zip"), zip))
}

fn build(kind: Kind, data: &Service, stem: &str) -> Result<ItemData, ApiError> {
    let file = |(name, bytes): (String, Vec<u8>)| ItemData::File {
        name,
        content: Content::bytes(bytes),
    };
    Ok(match kind {
        Kind::GeoJson => file(per_layer(data, stem, "geojson", geojson_text)?),
        Kind::Csv => file(per_layer(data, stem, "csv", |l| {
            csv::write(l).into_bytes()
        })?),
        Kind::FeatureCollection => ItemData::Json(Arc::new(
            serde_json::to_vec(&feature_collection(data))
                .map_err(|e| ApiError::server_error(e.to_string()))?,
        )),
        Kind::Container(label) => file((
            format!("{stem}.zip"),
            package::write(data, label).map_err(ApiError::server_error)?,
        )),
    })
}

/// Handles `content/users/{u}/export`.
pub fn export(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let me = call.caller.require()?;
    if me != call.user {
        return Err(ApiError::forbidden());
    }
    let item_id = p.require("itemId")?;
    let asked = p.require("exportFormat")?;
    let (kind, item_type) = format_of(asked)?;
    let params: Value = match p.get("exportParameters") {
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| ApiError::bad_request("'exportParameters' parameter is invalid"))?,
        None => Value::Null,
    };
    let mut st = ctx.lock();
    let item = visible_item(&st, &call.caller, item_id)?;
    if !can_edit(&call.caller, item) {
        return Err(ApiError::forbidden());
    }
    let title = p
        .get("title")
        .map_or_else(|| item.title.clone(), str::to_string);
    let svc = st
        .services
        .values()
        .find(|s| s.item_id == item.id)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Export is not supported for items of type '{}'.",
                item.item_type
            ))
        })?;
    let picks: Vec<Pick> =
        extract::picks_from_layers_json(&params).unwrap_or_else(|| extract::all_layers(svc));
    let data = extract::extract(&st, svc, &picks)?;
    let data = build(kind, &data, &file_stem(&title))?;
    let new_id = st.new_id();
    let mut it = Item::new(&new_id, &call.user, &title, item_type, now_ms());
    it.tags = p.list("tags").unwrap_or_default();
    it.type_keywords = vec!["Data".into(), item_type.to_string()];
    if let Some(s) = p.get("snippet") {
        it.extra.insert("snippet".into(), json!(s));
    }
    it.data = data;
    let size = it.size();
    st.items.insert(new_id.clone(), it);
    let job = new_job(ctx, &mut st, "export", &new_id);
    ok(json!({
        "type": item_type,
        "size": size,
        "jobId": job,
        "exportItemId": new_id,
        "serviceItemId": item_id,
        "exportFormat": asked,
    }))
}
