//! The admin twin `/server/rest/admin/services/Hosted/{name}/FeatureServer[/{layer}]`: full
//! definitions (`adminServiceInfo`, `adminLayerInfo`, `viewDefinitionQuery`) and the schema
//! operations `updateDefinition`, `addToDefinition`, `deleteFromDefinition` and `refresh`, on the
//! service and on one layer. Only the owner and org admins get in. Operations run synchronously
//! (`async=true` is answered the same way) and say `{"success":true}`.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::auth::{self, Caller};
use super::super::model::{Relationship, State};
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::services::{Layer, Service};
use super::super::{Ctx, now_ms};
use super::access::{self, invalid_url};

fn definition(p: &Params, name: &str) -> Result<Value, ApiError> {
    let raw = p.require(name)?;
    serde_json::from_str::<Value>(raw)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            ApiError::bad_request(format!("Invalid definition for '{name}'."))
                .detail("Unable to parse JSON.")
        })
}

/// Handles every admin route: `segs` is the path after `FeatureServer`.
pub fn dispatch(ctx: &Arc<Ctx>, p: &Params, name: &str, segs: &[&str]) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let mut st = ctx.lock();
    let svc = access::administrable(&st, &caller, name)?;
    let svc_name = svc.name.clone();
    match segs {
        [] => ok(svc.to_json(true)),
        [layer] if layer.parse::<u32>().is_ok() => {
            let l = access::layer(svc, layer)?;
            ok(l.to_json(svc, true))
        }
        [op] => service_op(&mut st, &caller, &svc_name, op, p),
        [layer, op] => {
            let id = access::layer(svc, layer)?.id;
            layer_op(&mut st, &svc_name, id, op, p)
        }
        _ => Err(invalid_url()),
    }
}

fn service_mut<'a>(st: &'a mut State, name: &str) -> Result<&'a mut Service, ApiError> {
    st.services.get_mut(name).ok_or_else(invalid_url)
}

fn service_op(st: &mut State, caller: &Caller, name: &str, op: &str, p: &Params) -> ApiResult {
    match op.to_ascii_lowercase().as_str() {
        "refresh" => ok(json!({"success": true})),
        "updatedefinition" => {
            let def = definition(p, "updateDefinition")?;
            let svc = service_mut(st, name)?;
            if let Some(c) = def.get("capabilities").and_then(Value::as_str) {
                svc.capabilities = c.to_string();
            }
            if let Some(m) = def.get("maxRecordCount").and_then(Value::as_u64) {
                svc.max_record_count = usize::try_from(m).unwrap_or(usize::MAX).max(1);
            }
            if let Some(d) = def
                .get("serviceDescription")
                .or_else(|| def.get("description"))
                .and_then(Value::as_str)
            {
                svc.description = d.to_string();
            }
            ok(json!({"success": true}))
        }
        "addtodefinition" => {
            add_to_definition(st, caller, name, &definition(p, "addToDefinition")?)
        }
        "deletefromdefinition" => {
            let def = definition(p, "deleteFromDefinition")?;
            let ids: Vec<u64> = ["layers", "tables"]
                .iter()
                .filter_map(|k| def.get(*k).and_then(Value::as_array))
                .flatten()
                .filter_map(|l| l.get("id").and_then(Value::as_u64))
                .collect();
            let svc = service_mut(st, name)?;
            svc.layers.retain(|l| !ids.contains(&u64::from(l.id)));
            ok(json!({"success": true}))
        }
        _ => Err(invalid_url()),
    }
}

/// Adds the `layers` and `tables` of an `addToDefinition` body. A view's layers name their
/// source (`adminLayerInfo.viewLayerDefinition.sourceServiceName`), which makes the service a
/// view of it; its filter becomes the layer's view filter, and what the definition leaves out
/// of the schema comes from the source layer (`sourceLayerId`).
fn add_to_definition(st: &mut State, caller: &Caller, name: &str, def: &Value) -> ApiResult {
    let defs: Vec<(Value, bool)> = ["layers", "tables"]
        .iter()
        .flat_map(|k| {
            let table = *k == "tables";
            def.get(*k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |d| (d, table))
        })
        .collect();
    let mut source: Option<String> = None;
    let mut completed = Vec::with_capacity(defs.len());
    for (d, table) in defs {
        let view = d.pointer("/adminLayerInfo/viewLayerDefinition").cloned();
        let src = view
            .as_ref()
            .and_then(|v| v.get("sourceServiceName"))
            .and_then(Value::as_str);
        let Some(src) = src else {
            completed.push((d, table));
            continue;
        };
        let src_svc = access::viewable(st, caller, src)
            .map_err(|_| ApiError::bad_request(format!("Source service '{src}' not found.")))?;
        source = Some(src_svc.name.clone());
        let src_layer = view
            .as_ref()
            .and_then(|v| v.get("sourceLayerId"))
            .and_then(Value::as_u64)
            .and_then(|i| u32::try_from(i).ok())
            .and_then(|i| src_svc.layer(i));
        let d = match src_layer {
            Some(l) => with_source_schema(d, l.to_json(src_svc, false)),
            None => d,
        };
        completed.push((d, table));
    }
    let svc = service_mut(st, name)?;
    let mut added = Vec::new();
    for (d, table) in completed {
        let mut d = d;
        if table {
            d["type"] = json!("Table");
        }
        let fallback = svc.next_layer_id();
        let (mut layer, _) = Layer::from_definition(&d, fallback);
        if svc.layer(layer.id).is_some() {
            layer.id = fallback;
        }
        added.push(json!({"name": layer.name, "id": layer.id}));
        svc.layers.push(layer);
    }
    svc.layers.sort_by_key(|l| l.id);
    let view_item = svc.item_id.clone();
    if let Some(src) = source {
        svc.view_of = Some(src.clone());
        if let Some(src_item) = st.services.get(&src).map(|s| s.item_id.clone()) {
            st.relationships.insert(Relationship {
                origin: src_item,
                dest: view_item,
                kind: "Service2Service".into(),
            });
        }
    }
    ok(json!({"success": true, "layers": added}))
}

/// A view layer definition as a real portal completes it: what the caller leaves out (type,
/// geometry type, fields, display field...) comes from the source layer it names. Esri's
/// `create_view` sends only `id`, `name` and `adminLayerInfo`.
fn with_source_schema(given: Value, source: Value) -> Value {
    match (given, source) {
        (Value::Object(given), Value::Object(mut out)) => {
            if !given.contains_key("id") {
                out.remove("id");
            }
            out.extend(given);
            Value::Object(out)
        }
        (given, _) => given,
    }
}

fn layer_op(st: &mut State, name: &str, id: u32, op: &str, p: &Params) -> ApiResult {
    let op = op.to_ascii_lowercase();
    if op == "refresh" {
        return ok(json!({"success": true}));
    }
    let key = match op.as_str() {
        "updatedefinition" => "updateDefinition",
        "addtodefinition" => "addToDefinition",
        "deletefromdefinition" => "deleteFromDefinition",
        _ => return Err(invalid_url()),
    };
    let def = definition(p, key)?;
    let svc = service_mut(st, name)?;
    let layer = svc.layer_mut(id).ok_or_else(invalid_url)?;
    match key {
        "updateDefinition" => {
            let (max, caps) = layer.update_definition(&def);
            if let Some(m) = max {
                svc.max_record_count = m.max(1);
            }
            if let Some(c) = caps {
                svc.capabilities = c;
            }
        }
        "addToDefinition" => {
            layer.add_fields(&def);
        }
        _ => layer.delete_fields(&def),
    }
    if let Some(l) = svc.layer_mut(id) {
        l.last_edit_date = now_ms();
    }
    ok(json!({"success": true}))
}
