//! `{layer}/query`: `where`, `objectIds`, `outFields`, `returnGeometry`, `orderByFields`,
//! `resultOffset`/`resultRecordCount` paging capped at `maxRecordCount` (with
//! `exceededTransferLimit`), `returnCountOnly`, `returnIdsOnly`, as Esri JSON or GeoJSON.
//!
//! Like the real service, `returnIdsOnly` lists every id, and an `objectIds` query without an
//! explicit page size answers every id asked for (Esri's client pages by 200 ids and ignores
//! `exceededTransferLimit` there). Data is held in WGS84, so `outSR` is ignored and the
//! response says 4326. Unknown parameters (`returnAllRecords`, `returnZ` …) are ignored;
//! `f=pbf` is refused.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::http::{HeaderValue, header};
use serde_json::{Map, Value, json};

use super::super::Ctx;
use super::super::auth;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, json_response, ok};
use super::super::services::{Feature, Field, Layer};
use super::access::{self, query_error};
use super::geojson;
use super::model_ext::{OID, field_json};
use super::sql::{Val, compare};

/// The `spatialReference` of every response.
pub fn wgs84() -> Value {
    json!({"wkid": 4326, "latestWkid": 4326})
}

/// `outFields` as fields of `layer` (in layer order; the object id always included).
pub fn out_fields<'a>(layer: &'a Layer, raw: Option<&str>) -> Result<Vec<&'a Field>, ApiError> {
    let wanted: Vec<String> = raw
        .map(super::super::params::parse_list)
        .unwrap_or_default();
    if wanted.iter().any(|w| w == "*") {
        return Ok(layer.fields.iter().collect());
    }
    for w in &wanted {
        if layer.field(w).is_none() {
            return Err(query_error(format!(
                "'outFields' parameter is invalid: Invalid field: {w}"
            )));
        }
    }
    Ok(layer
        .fields
        .iter()
        .filter(|f| f.name == OID || wanted.iter().any(|w| w.eq_ignore_ascii_case(&f.name)))
        .collect())
}

/// A feature's attributes restricted to `fields` (missing values as null).
pub fn attributes(f: &Feature, fields: &[&Field]) -> Map<String, Value> {
    fields
        .iter()
        .map(|fd| {
            (
                fd.name.clone(),
                f.attributes.get(&fd.name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// The Esri JSON of a feature.
pub fn esri_feature(f: &Feature, fields: &[&Field], geometry: bool) -> Value {
    let mut v = json!({"attributes": attributes(f, fields)});
    if geometry && let Some(g) = &f.geometry {
        v["geometry"] = g.clone();
    }
    v
}

/// The GeoJSON of a feature.
pub fn geojson_feature(f: &Feature, fields: &[&Field], geometry: bool) -> Value {
    let geom = match (&f.geometry, geometry) {
        (Some(g), true) => geojson::to_geojson(g),
        _ => Value::Null,
    };
    json!({"type": "Feature", "id": f.oid(), "geometry": geom, "properties": attributes(f, fields)})
}

fn sort(rows: &mut [&Feature], layer: &Layer, order: Option<&str>) -> Result<(), ApiError> {
    let mut keys = Vec::new();
    for part in order
        .map(super::super::params::parse_list)
        .unwrap_or_default()
    {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or("");
        let field = layer.canonical(name).ok_or_else(|| {
            query_error(format!(
                "'orderByFields' parameter is invalid: Invalid field: {name}"
            ))
        })?;
        let desc = words.next().is_some_and(|d| d.eq_ignore_ascii_case("DESC"));
        keys.push((field, desc));
    }
    if keys.is_empty() {
        return Ok(());
    }
    rows.sort_by(|a, b| {
        for (field, desc) in &keys {
            let (x, y) = (
                Val::of(a.attributes.get(field)),
                Val::of(b.attributes.get(field)),
            );
            // NULLs sort first ascending, as in SQL Server.
            let o = match (&x, &y) {
                (Val::Null, Val::Null) => Ordering::Equal,
                (Val::Null, _) => Ordering::Less,
                (_, Val::Null) => Ordering::Greater,
                _ => compare(&x, &y).unwrap_or(Ordering::Equal),
            };
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    Ok(())
}

/// Handles `{svc}/{layer}/query`.
pub fn query(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let format = p.get("f").unwrap_or("json").to_ascii_lowercase();
    if format == "pbf" {
        return Err(ApiError::bad_request(
            "Requested format 'pbf' is not supported by this service.",
        )
        .with_http_status());
    }
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, name)?;
    let layer = access::layer(svc, layer_seg)?;
    let oids = access::parse_oids(p.list("objectIds"))?;
    let mut rows = access::select(&st, svc, layer, p.get("where"), oids.as_ref())?;
    if p.flag("returnCountOnly") == Some(true) {
        return ok(json!({"count": rows.len()}));
    }
    sort(&mut rows, layer, p.get("orderByFields"))?;
    if p.flag("returnIdsOnly") == Some(true) {
        let ids: Vec<i64> = rows.iter().map(|f| f.oid()).collect();
        return ok(json!({"objectIdFieldName": OID, "objectIds": ids}));
    }
    let offset = usize::try_from(p.int("resultOffset")?.unwrap_or(0).max(0)).unwrap_or(0);
    let asked = p
        .int("resultRecordCount")?
        .filter(|n| *n > 0)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let limit = match (oids.is_some(), asked) {
        (true, None) => usize::MAX,
        (true, Some(n)) => n,
        (false, Some(n)) => n.min(svc.max_record_count),
        (false, None) => svc.max_record_count,
    };
    let total = rows.len();
    let page: Vec<&Feature> = rows.into_iter().skip(offset).take(limit).collect();
    let exceeded = offset.saturating_add(page.len()) < total;
    let fields = out_fields(layer, p.get("outFields"))?;
    let geometry = p.flag("returnGeometry").unwrap_or(true) && !layer.is_table();
    if format == "geojson" {
        let features: Vec<Value> = page
            .iter()
            .map(|f| geojson_feature(f, &fields, geometry))
            .collect();
        let mut body = json!({"type": "FeatureCollection", "features": features});
        if exceeded {
            body["properties"] = json!({"exceededTransferLimit": true});
        }
        let mut resp = json_response(&body);
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json; charset=utf-8"),
        );
        return Ok(resp);
    }
    let features: Vec<Value> = page
        .iter()
        .map(|f| esri_feature(f, &fields, geometry))
        .collect();
    let mut body = json!({
        "objectIdFieldName": OID,
        "uniqueIdField": {"name": OID, "isSystemMaintained": true},
        "globalIdFieldName": if layer.has_global_id() { "GlobalID" } else { "" },
    });
    if let Some(g) = &layer.geometry_type {
        body["geometryType"] = json!(g);
        body["spatialReference"] = wgs84();
    }
    body["fields"] = json!(fields.iter().map(|f| field_json(f)).collect::<Vec<_>>());
    body["features"] = json!(features);
    body["exceededTransferLimit"] = json!(exceeded);
    ok(body)
}
