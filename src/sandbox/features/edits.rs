//! Feature edits: `{layer}/applyEdits` (`adds`, `updates`, `deletes`, `rollbackOnFailure`),
//! `addFeatures`, `updateFeatures` and `deleteFeatures` (`objectIds` or `where`). Every
//! committed edit sets the layer's `lastEditDate` to now.
//!
//! Who may edit: the owner and org admins always; anyone else who can see the service only
//! when its capabilities include `Editing` and the operation's own capability (`Create`,
//! `Update`, `Delete`). Edits through a view change the source rows the view shows. With
//! `rollbackOnFailure` (the default) one failed edit leaves the layer untouched and every
//! result says `success: false`. An added feature keeps the `GlobalID` it brings only with
//! `applyEdits`' `useGlobalIds=true` (a malformed or taken one fails that add); otherwise the
//! server gives it a new one, as ArcGIS does.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::super::auth::{self, Caller};
use super::super::model::State;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::services::{Feature, Layer};
use super::super::{Ctx, now_ms};
use super::access::{self, invalid_url, query_error};
use super::model_ext::{OID, new_guid};

/// The capability an edit needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Adding features.
    Create,
    /// Changing features or adding attachments.
    Update,
    /// Deleting features.
    Delete,
}

/// Where an edit lands: the data service and layer, plus the view it came through.
#[derive(Debug, Clone)]
pub struct Target {
    /// The service holding the rows.
    pub data_service: String,
    /// The service named in the URL.
    pub url_service: String,
    /// Layer id.
    pub layer: u32,
    /// For views: the object ids the view shows (edits may only touch those).
    pub visible: Option<BTreeSet<i64>>,
}

/// Checks that `caller` may make edits of kinds `needs` on the layer and says where they land.
pub fn target(
    st: &State,
    caller: &Caller,
    name: &str,
    layer_seg: &str,
    need: Need,
) -> Result<Target, ApiError> {
    let svc = access::viewable(st, caller, name)?;
    let layer = access::layer(svc, layer_seg)?;
    if !access::owns(st, caller, svc) {
        let caps: Vec<&str> = svc.capabilities.split(',').map(str::trim).collect();
        let op = match need {
            Need::Create => "Create",
            Need::Update => "Update",
            Need::Delete => "Delete",
        };
        if !caps.contains(&"Editing") || !caps.contains(&op) {
            return Err(access::denied(caller));
        }
    }
    access::data_layer(st, svc, layer).ok_or_else(invalid_url)?;
    let visible = match svc.view_of {
        Some(_) => Some(
            access::select(st, svc, layer, None, None)?
                .iter()
                .map(|f| f.oid())
                .collect(),
        ),
        None => None,
    };
    Ok(Target {
        data_service: access::data_service_name(svc).to_string(),
        url_service: svc.name.clone(),
        layer: layer.id,
        visible,
    })
}

/// The layer holding the target's rows.
pub fn data_layer_mut<'a>(st: &'a mut State, t: &Target) -> Option<&'a mut Layer> {
    st.services.get_mut(&t.data_service)?.layer_mut(t.layer)
}

/// Bumps `lastEditDate` of the view layer an edit came through (the data layer is bumped by
/// the edit itself).
pub fn touch(st: &mut State, t: &Target) {
    if t.url_service != t.data_service
        && let Some(l) = st
            .services
            .get_mut(&t.url_service)
            .and_then(|s| s.layer_mut(t.layer))
    {
        l.last_edit_date = now_ms();
    }
}

fn json_list(p: &Params, name: &str) -> Result<Vec<Value>, ApiError> {
    match p.get(name) {
        None => Ok(Vec::new()),
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(Value::Array(a)) => Ok(a),
            Ok(Value::Object(o)) => Ok(vec![Value::Object(o)]),
            _ => Err(query_error(format!("'{name}' parameter is invalid"))),
        },
    }
}

fn int_list(p: &Params, name: &str) -> Result<Vec<i64>, ApiError> {
    Ok(access::parse_oids(p.list(name))?
        .map(|s| s.into_iter().collect())
        .unwrap_or_default())
}

fn missing(oid: Option<i64>) -> Value {
    json!({"objectId": oid, "uniqueId": oid, "globalId": null, "success": false, "error": {"code": 1019, "description": "Object is missing."}})
}

fn success(f: &Feature) -> Value {
    json!({"objectId": f.oid(), "uniqueId": f.oid(), "globalId": f.global_id(), "success": true})
}

fn geometry_of(v: &Value, layer: &Layer) -> Option<Value> {
    let mut g = v
        .get("geometry")
        .filter(|g| g.is_object() && !layer.is_table())?
        .clone();
    if let Some(o) = g.as_object_mut() {
        o.remove("spatialReference");
    }
    Some(g)
}

/// The edits of one request.
#[derive(Debug, Default)]
struct Batch {
    adds: Vec<Value>,
    updates: Vec<Value>,
    deletes: Vec<i64>,
    /// `useGlobalIds`: adds keep the GlobalID they bring.
    keep_global_ids: bool,
}

/// Results per kind, and whether any edit failed.
struct Outcome {
    adds: Vec<Value>,
    updates: Vec<Value>,
    deletes: Vec<Value>,
    failed: bool,
}

/// The GlobalID an add brings under `useGlobalIds`, or its failed result; `taken` holds the
/// layer's GlobalIDs (upper case) and gets the new one.
fn given_global_id(
    given: &Map<String, Value>,
    taken: &mut HashSet<String>,
) -> Result<String, Value> {
    let gid = given
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("GlobalID"))
        .and_then(|(_, v)| v.as_str())
        .map(|g| g.trim().to_string())
        .filter(|g| {
            let hex = g.trim_start_matches('{').trim_end_matches('}');
            hex.len() == 36 && hex.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        });
    let fail = |description: &str| {
        json!({"objectId": null, "globalId": null, "success": false,
            "error": {"code": 1000, "description": description}})
    };
    let Some(gid) = gid else {
        return Err(fail(
            "useGlobalIds requires a valid GlobalID on every added feature.",
        ));
    };
    if !taken.insert(gid.to_ascii_uppercase()) {
        return Err(fail(
            "Cannot insert duplicate key: the GlobalID already exists.",
        ));
    }
    Ok(gid)
}

fn apply(
    layer: &mut Layer,
    batch: &Batch,
    mut guids: Vec<String>,
    visible: Option<&BTreeSet<i64>>,
) -> Outcome {
    let shown = |oid: i64, l: &Layer| {
        l.features.contains_key(&oid) && visible.is_none_or(|v| v.contains(&oid))
    };
    let mut out = Outcome {
        adds: Vec::new(),
        updates: Vec::new(),
        deletes: Vec::new(),
        failed: false,
    };
    let mut taken: HashSet<String> = if batch.keep_global_ids {
        layer
            .features
            .values()
            .filter_map(|f| f.global_id().map(str::to_ascii_uppercase))
            .collect()
    } else {
        HashSet::new()
    };
    for add in &batch.adds {
        let oid = layer.next_oid();
        let given = add
            .get("attributes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut attributes = layer.clean_attributes(&given);
        attributes.insert(OID.into(), json!(oid));
        if layer.has_global_id() {
            let gid = if batch.keep_global_ids {
                match given_global_id(&given, &mut taken) {
                    Ok(g) => g,
                    Err(e) => {
                        out.adds.push(e);
                        out.failed = true;
                        continue;
                    }
                }
            } else {
                guids.pop().unwrap_or_default()
            };
            attributes.insert("GlobalID".into(), json!(gid));
        }
        let f = Feature {
            attributes,
            geometry: geometry_of(add, layer),
        };
        out.adds.push(success(&f));
        layer.features.insert(oid, f);
    }
    for upd in &batch.updates {
        let given: Map<String, Value> = upd
            .get("attributes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let oid = given
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(OID))
            .and_then(|(_, v)| v.as_i64());
        let Some(oid) = oid.filter(|o| shown(*o, layer)) else {
            out.updates.push(missing(oid));
            out.failed = true;
            continue;
        };
        let attrs = layer.clean_attributes(&given);
        let geometry = geometry_of(upd, layer);
        if let Some(f) = layer.features.get_mut(&oid) {
            f.attributes.extend(attrs);
            if geometry.is_some() {
                f.geometry = geometry;
            }
            out.updates.push(success(f));
        }
    }
    for &oid in &batch.deletes {
        if !shown(oid, layer) {
            out.deletes.push(missing(Some(oid)));
            out.failed = true;
            continue;
        }
        if let Some(f) = layer.features.remove(&oid) {
            out.deletes.push(success(&f));
        }
        layer.attachments.remove(&oid);
    }
    out
}

fn run(
    ctx: &Arc<Ctx>,
    p: &Params,
    name: &str,
    layer_seg: &str,
    batch: &Batch,
) -> Result<Outcome, ApiError> {
    let caller = auth::caller(ctx, p)?;
    let mut st = ctx.lock();
    let mut needs: Vec<Need> = [
        (!batch.adds.is_empty(), Need::Create),
        (!batch.updates.is_empty(), Need::Update),
        (!batch.deletes.is_empty(), Need::Delete),
    ]
    .into_iter()
    .filter_map(|(present, need)| present.then_some(need))
    .collect();
    if needs.is_empty() {
        needs.push(Need::Update);
    }
    let mut checked = None;
    for need in needs {
        checked = Some(target(&st, &caller, name, layer_seg, need)?);
    }
    let target = checked.ok_or_else(invalid_url)?;
    let guids: Vec<String> = batch.adds.iter().map(|_| new_guid(&mut st)).collect();
    let rollback = p.flag("rollbackOnFailure").unwrap_or(true);
    let layer = data_layer_mut(&mut st, &target).ok_or_else(invalid_url)?;
    let out = if rollback {
        // Edits go to a copy that replaces the layer only when every edit succeeded.
        let mut copy = layer.clone();
        let mut out = apply(&mut copy, batch, guids, target.visible.as_ref());
        if out.failed {
            for r in out
                .adds
                .iter_mut()
                .chain(out.updates.iter_mut())
                .chain(out.deletes.iter_mut())
            {
                r["success"] = json!(false);
            }
            return Ok(out);
        }
        *layer = copy;
        out
    } else {
        apply(layer, batch, guids, target.visible.as_ref())
    };
    let changed = out.adds.len() + out.updates.len() + out.deletes.len() > 0;
    if changed {
        layer.last_edit_date = now_ms();
        touch(&mut st, &target);
    }
    Ok(out)
}

/// Handles `{svc}/{layer}/applyEdits`.
pub fn apply_edits(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    let batch = Batch {
        adds: json_list(p, "adds")?,
        updates: json_list(p, "updates")?,
        deletes: int_list(p, "deletes")?,
        keep_global_ids: p.flag("useGlobalIds").unwrap_or(false),
    };
    let out = run(ctx, p, name, layer_seg, &batch)?;
    ok(json!({"addResults": out.adds, "updateResults": out.updates, "deleteResults": out.deletes}))
}

/// Handles `{svc}/{layer}/addFeatures`.
pub fn add_features(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    p.require("features")?;
    let batch = Batch {
        adds: json_list(p, "features")?,
        ..Batch::default()
    };
    ok(json!({"addResults": run(ctx, p, name, layer_seg, &batch)?.adds}))
}

/// Handles `{svc}/{layer}/updateFeatures`.
pub fn update_features(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    p.require("features")?;
    let batch = Batch {
        updates: json_list(p, "features")?,
        ..Batch::default()
    };
    ok(json!({"updateResults": run(ctx, p, name, layer_seg, &batch)?.updates}))
}

/// Handles `{svc}/{layer}/deleteFeatures` (`objectIds`, or `where` for every matching row).
pub fn delete_features(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    let mut deletes = int_list(p, "objectIds")?;
    if deletes.is_empty() {
        let clause = p
            .get("where")
            .ok_or_else(|| ApiError::bad_request("'objectIds' or 'where' must be specified."))?;
        let caller = auth::caller(ctx, p)?;
        let st = ctx.lock();
        let svc = access::viewable(&st, &caller, name)?;
        let layer = access::layer(svc, layer_seg)?;
        deletes = access::select(&st, svc, layer, Some(clause), None)?
            .iter()
            .map(|f| f.oid())
            .collect();
    }
    let batch = Batch {
        deletes,
        ..Batch::default()
    };
    ok(json!({"deleteResults": run(ctx, p, name, layer_seg, &batch)?.deletes}))
}
