//! Loading backed-up rows into a rebuilt layer (`rebuild`). Features stream out of the GeoJSON
//! or replica file on a blocking thread, [`BATCH`] at a time, through a channel two batches
//! deep, so memory stays flat however big the layer. Each batch goes up by `applyEdits`
//! (`rollbackOnFailure=false`, so one bad row does not sink its batch; `useGlobalIds` when the
//! rows bring their GlobalIDs, so relationships and offline copies keyed on them keep
//! working), two batches in flight so the portal works on one while the next travels. The
//! portal gives new object ids: the old one of each row is kept beside the new one, and
//! `attach` puts every backed-up attachment onto the row that now holds it. Rows that do not
//! go up are said in the notes (the layer is then also short when `check` counts it).

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::{Map, Value};

use super::ctx::{RestoreCtx, StepError};
use super::source::ServiceBackup;
use crate::formats::features::{read_geojson_features, read_replica_features};
use crate::formats::geometry::{Projection, esri_from_geojson};
use crate::portal::ApiRequest;

/// Rows per `applyEdits` request.
pub(crate) const BATCH: usize = 500;

/// `applyEdits` requests in flight at the same time (one portal works on a batch while the
/// next one travels).
const BATCHES_IN_FLIGHT: usize = 2;

/// Where the rows come from.
#[derive(Debug, Clone)]
pub(crate) enum RowSource {
    /// The query fallback: one GeoJSON file per layer id, WGS84, written in `Projection`.
    GeoJson(Vec<(i64, PathBuf)>, Projection),
    /// A JSON replica: Esri JSON features already in the layer's spatial reference.
    Replica(PathBuf),
}

/// What a layer's definition says about its key fields.
#[derive(Debug, Clone, Default)]
struct Keys {
    /// The object id field (dropped from adds: the portal assigns ids).
    oid: String,
    /// The GlobalID field, when the layer has one.
    global_id: Option<String>,
}

fn keys_of(def: &Value) -> Keys {
    let field_of = |t: &str| {
        def["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["type"] == t)
            .and_then(|f| f["name"].as_str())
            .map(str::to_string)
    };
    Keys {
        oid: def["objectIdField"]
            .as_str()
            .map(str::to_string)
            .or_else(|| field_of("esriFieldTypeOID"))
            .unwrap_or_else(|| "OBJECTID".into()),
        global_id: def["globalIdField"]
            .as_str()
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .or_else(|| field_of("esriFieldTypeGlobalID")),
    }
}

/// Removes `name` (any case) from `attrs`; returns its value.
fn take(attrs: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = attrs.keys().find(|k| k.eq_ignore_ascii_case(name))?.clone();
    attrs.remove(&key)
}

/// One backed-up feature as an add: its old object id and the Esri JSON feature.
fn to_add(f: Value, keys: &Keys, projection: Option<Projection>) -> (Option<i64>, Value) {
    let Value::Object(mut f) = f else {
        return (None, Value::Null);
    };
    let geojson = projection.is_some();
    let mut attrs = match f.remove(if geojson { "properties" } else { "attributes" }) {
        Some(Value::Object(a)) => a,
        _ => Map::new(),
    };
    let old = take(&mut attrs, &keys.oid)
        .and_then(|v| v.as_i64())
        .or_else(|| f.get("id").and_then(Value::as_i64));
    let geometry = match (f.remove("geometry"), projection) {
        (Some(g), Some(p)) => esri_from_geojson(&g, p),
        (Some(g), None) if g.is_object() => Some(g),
        _ => None,
    };
    let mut add = Map::new();
    add.insert("attributes".into(), Value::Object(attrs));
    if let Some(g) = geometry {
        add.insert("geometry".into(), g);
    }
    (old, Value::Object(add))
}

/// Whether every add of the batch brings a GlobalID (then they are kept).
fn all_have_global_ids(adds: &[Value], keys: &Keys) -> bool {
    keys.global_id.as_ref().is_some_and(|g| {
        adds.iter().all(|a| {
            a["attributes"]
                .as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(g)))
                .and_then(|(_, v)| v.as_str())
                .is_some_and(|s| !s.is_empty())
        })
    })
}

/// Per layer: old object id -> new one, and what did not go up.
#[derive(Debug, Default)]
struct Loaded {
    ids: BTreeMap<i64, BTreeMap<i64, i64>>,
    failed: BTreeMap<i64, (u64, String)>,
}

/// Loads every row of `source` into the layers of the service at `url`, then the
/// attachments; returns notes for what is missing. `Err` only when the run is cancelled or
/// the portal stops answering (the caller then removes the half-built service).
pub(crate) async fn load(
    ctx: &RestoreCtx,
    svc: &ServiceBackup,
    url: &str,
    source: RowSource,
) -> Result<Vec<String>, StepError> {
    let keys: BTreeMap<i64, Keys> = svc
        .layers
        .iter()
        .filter_map(|l| Some((l["id"].as_i64()?, keys_of(l))))
        .collect();
    let projection = match &source {
        RowSource::GeoJson(_, p) => Some(*p),
        RowSource::Replica(_) => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(i64, Vec<Value>)>(2);
    let reader = tokio::task::spawn_blocking(move || read_all(&source, &tx));
    let mut loaded = Loaded::default();
    let mut stopped = None;
    let mut inflight = FuturesUnordered::new();
    loop {
        tokio::select! {
            done = inflight.next(), if !inflight.is_empty() => match done {
                Some(Ok(added)) => loaded.record(added),
                Some(Err(e)) => {
                    stopped = Some(e);
                    break;
                }
                None => {}
            },
            next = rx.recv(), if inflight.len() < BATCHES_IN_FLIGHT => match next {
                Some((layer, batch)) => {
                    let k = keys.get(&layer).cloned().unwrap_or_default();
                    inflight.push(add_batch(ctx, url, layer, k, batch, projection));
                }
                None => break,
            },
        }
    }
    while let Some(done) = inflight.next().await {
        match done {
            Ok(added) => loaded.record(added),
            Err(e) => stopped = stopped.or(Some(e)),
        }
    }
    drop(rx);
    let read = reader
        .await
        .map_err(|e| StepError::Failed(format!("reading the backed-up rows: {e}")))?;
    if let Some(e) = stopped {
        return Err(e);
    }
    read.map_err(|e| StepError::Failed(format!("reading the backed-up rows: {e}")))?;
    let mut notes: Vec<String> = loaded
        .failed
        .iter()
        .map(|(layer, (n, why))| format!("layer {layer}: {n} row(s) were refused: {why}"))
        .collect();
    if let Some(dir) = &svc.attachments {
        notes.extend(super::attach::upload(ctx, url, dir, &loaded.ids).await?);
    }
    Ok(notes)
}

/// Reads every feature of `source` into `tx` (stops when the receiver is gone).
fn read_all(
    source: &RowSource,
    tx: &tokio::sync::mpsc::Sender<(i64, Vec<Value>)>,
) -> Result<u64, crate::formats::FormatError> {
    match source {
        RowSource::GeoJson(files, _) => {
            let mut n = 0;
            for (layer, path) in files {
                let mut sink = |b: Vec<Value>| tx.blocking_send((*layer, b)).is_ok();
                n += read_geojson_features(path, BATCH, &mut sink)?;
                if tx.is_closed() {
                    break;
                }
            }
            Ok(n)
        }
        RowSource::Replica(path) => {
            let mut sink = |layer: i64, b: Vec<Value>| tx.blocking_send((layer, b)).is_ok();
            read_replica_features(path, BATCH, &mut sink)
        }
    }
}

/// One batch as the portal answered it: the layer, each row's old object id, and the results
/// in the same order.
struct Added {
    layer: i64,
    olds: Vec<Option<i64>>,
    results: Vec<Value>,
}

impl Loaded {
    /// Records the new ids and the refusals of one batch.
    fn record(&mut self, added: Added) {
        let ids = self.ids.entry(added.layer).or_default();
        for (i, old) in added.olds.iter().enumerate() {
            let r = added.results.get(i).unwrap_or(&Value::Null);
            match (r["success"].as_bool(), r["objectId"].as_i64()) {
                (Some(true), Some(new)) => {
                    if let Some(old) = old {
                        ids.insert(*old, new);
                    }
                }
                _ => {
                    let why = r["error"]["description"]
                        .as_str()
                        .unwrap_or("no result for this row")
                        .to_string();
                    self.failed.entry(added.layer).or_insert((0, why)).0 += 1;
                }
            }
        }
    }
}

/// Sends one batch of rows to `layer`.
async fn add_batch(
    ctx: &RestoreCtx,
    url: &str,
    layer: i64,
    keys: Keys,
    batch: Vec<Value>,
    projection: Option<Projection>,
) -> Result<Added, StepError> {
    let (olds, mut adds): (Vec<Option<i64>>, Vec<Value>) = batch
        .into_iter()
        .map(|f| to_add(f, &keys, projection))
        .unzip();
    let keep_global_ids = all_have_global_ids(&adds, &keys);
    if !keep_global_ids && let Some(g) = &keys.global_id {
        for a in &mut adds {
            if let Some(m) = a["attributes"].as_object_mut() {
                take(m, g);
            }
        }
    }
    let req = ApiRequest::post(&format!("{url}/{layer}/applyEdits"))
        .param("adds", Value::from(adds).to_string())
        .param("rollbackOnFailure", "false")
        .param("useGlobalIds", keep_global_ids.to_string());
    let mut v = ctx
        .call(&format!("loading the rows of layer {layer}"), &req)
        .await?;
    let results = match v["addResults"].take() {
        Value::Array(a) => a,
        _ => Vec::new(),
    };
    Ok(Added {
        layer,
        olds,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn geojson_and_replica_rows_become_adds_without_their_object_ids() {
        let keys = keys_of(&json!({"objectIdField": "OBJECTID", "fields": [
            {"name": "OBJECTID", "type": "esriFieldTypeOID"},
            {"name": "GlobalID", "type": "esriFieldTypeGlobalID"}]}));
        assert_eq!(keys.global_id.as_deref(), Some("GlobalID"));
        let gj = json!({"type": "Feature", "id": 7, "properties": {"objectid": 7, "NAME": "a",
            "GlobalID": "{x}"}, "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}});
        let (old, add) = to_add(gj, &keys, Some(Projection::Wgs84));
        assert_eq!(old, Some(7));
        assert_eq!(add["attributes"], json!({"NAME": "a", "GlobalID": "{x}"}));
        assert_eq!(add["geometry"], json!({"x": 1.0, "y": 2.0}));
        assert!(all_have_global_ids(std::slice::from_ref(&add), &keys));
        let replica =
            json!({"attributes": {"OBJECTID": 3, "NAME": "b"}, "geometry": {"x": 5.0, "y": 6.0}});
        let (old, add) = to_add(replica, &keys, None);
        assert_eq!(old, Some(3));
        assert_eq!(
            add,
            json!({"attributes": {"NAME": "b"}, "geometry": {"x": 5.0, "y": 6.0}})
        );
        assert!(!all_have_global_ids(&[add], &keys));
        let table_row =
            json!({"type": "Feature", "id": 1, "properties": {"N": 1}, "geometry": null});
        let (_, add) = to_add(table_row, &keys, Some(Projection::Wgs84));
        assert!(add.get("geometry").is_none());
    }
}
