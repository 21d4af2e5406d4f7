//! Feature attachments: `{layer}/queryAttachments` (groups per parent feature, with counts or
//! infos and optional URLs), `{layer}/{oid}/attachments` (the list), `{layer}/{oid}/attachments/{id}`
//! (the bytes, named in `Content-Disposition`) and `{layer}/{oid}/addAttachment` (multipart
//! `attachment` part). Views show the attachments of their source rows that pass the filter.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};

use super::super::auth::{self, Caller};
use super::super::items::file_response;
use super::super::model::State;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::services::{Attachment, Layer, Service};
use super::super::{Ctx, now_ms};
use super::access::{self, invalid_url};
use super::edits::{self, Need};
use super::model_ext::{new_guid, service_url};

/// The JSON of one attachment (`url` when asked for).
pub fn info_json(a: &Attachment, parent_global_id: Option<&str>, url: Option<String>) -> Value {
    let mut v = json!({
        "id": a.id, "globalId": a.global_id, "parentGlobalId": parent_global_id,
        "name": a.name, "contentType": a.content_type, "size": a.data.len(),
        "keywords": "", "exifInfo": null,
    });
    if let Some(u) = url {
        v["url"] = json!(u);
    }
    v
}

/// `{svc}/{layer}/{oid}/attachments/{id}`.
pub fn attachment_url(ctx: &Ctx, svc: &str, layer: u32, oid: i64, id: i64) -> String {
    format!("{}/{layer}/{oid}/attachments/{id}", service_url(ctx, svc))
}

fn unsupported() -> ApiError {
    ApiError::bad_request("Requested operation is not supported by this service.")
}

fn open<'a>(
    st: &'a State,
    caller: &Caller,
    name: &str,
    layer_seg: &str,
) -> Result<(&'a Service, &'a Layer, &'a Layer), ApiError> {
    let svc = access::viewable(st, caller, name)?;
    let layer = access::layer(svc, layer_seg)?;
    if !layer.has_attachments {
        return Err(unsupported());
    }
    let data = access::data_layer(st, svc, layer).ok_or_else(invalid_url)?;
    Ok((svc, layer, data))
}

/// Handles `{svc}/{layer}/queryAttachments`.
pub fn query_attachments(ctx: &Arc<Ctx>, p: &Params, name: &str, layer_seg: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let (svc, layer, data) = open(&st, &caller, name, layer_seg)?;
    let oids = access::parse_oids(p.list("objectIds"))?;
    let clause = p.get("definitionExpression").or_else(|| p.get("where"));
    let rows = access::select(&st, svc, layer, clause, oids.as_ref())?;
    let global_ids: Option<BTreeSet<String>> = p
        .list("globalIds")
        .map(|l| l.into_iter().map(|g| g.to_uppercase()).collect());
    let count_only = p.flag("returnCountOnly") == Some(true);
    let with_url = p.flag("returnUrl") == Some(true);
    let mut groups = Vec::new();
    for f in rows {
        let Some(atts) = data.attachments.get(&f.oid()).filter(|a| !a.is_empty()) else {
            continue;
        };
        let atts: Vec<&Attachment> = atts
            .iter()
            .filter(|a| {
                global_ids
                    .as_ref()
                    .is_none_or(|g| g.contains(&a.global_id.to_uppercase()))
            })
            .collect();
        if atts.is_empty() {
            continue;
        }
        let mut g = json!({"parentObjectId": f.oid(), "parentGlobalId": f.global_id()});
        if count_only {
            g["count"] = json!(atts.len());
        } else {
            let infos: Vec<Value> = atts
                .iter()
                .map(|a| {
                    let url =
                        with_url.then(|| attachment_url(ctx, &svc.name, layer.id, f.oid(), a.id));
                    info_json(a, f.global_id(), url)
                })
                .collect();
            g["attachmentInfos"] = json!(infos);
        }
        groups.push(g);
    }
    ok(json!({"attachmentGroups": groups}))
}

/// Handles `{svc}/{layer}/{oid}/attachments` and `{svc}/{layer}/{oid}/attachments/{id}`.
pub fn attachments(
    ctx: &Arc<Ctx>,
    p: &Params,
    name: &str,
    layer_seg: &str,
    oid: &str,
    att: Option<&str>,
) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let (svc, layer, data) = open(&st, &caller, name, layer_seg)?;
    let oid: i64 = oid.parse().map_err(|_| invalid_url())?;
    let visible = access::select(&st, svc, layer, None, Some(&BTreeSet::from([oid])))?;
    let feature = visible
        .first()
        .ok_or_else(|| ApiError::not_found("Feature not found."))?;
    let list = data
        .attachments
        .get(&oid)
        .map(Vec::as_slice)
        .unwrap_or_default();
    match att {
        None => {
            let infos: Vec<Value> = list
                .iter()
                .map(|a| info_json(a, feature.global_id(), None))
                .collect();
            ok(json!({"attachmentInfos": infos}))
        }
        Some(id) => {
            let a = id
                .parse::<i64>()
                .ok()
                .and_then(|id| list.iter().find(|a| a.id == id))
                .ok_or_else(|| ApiError::not_found("Attachment not found.").with_http_status())?;
            Ok(file_response(
                a.data.to_vec(),
                &a.content_type,
                Some(&a.name),
            ))
        }
    }
}

/// Handles `{svc}/{layer}/{oid}/addAttachment` (multipart part `attachment`).
pub fn add_attachment(
    ctx: &Arc<Ctx>,
    p: &Params,
    name: &str,
    layer_seg: &str,
    oid: &str,
) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let upload = p
        .file("attachment")
        .or_else(|| p.any_file())
        .ok_or_else(|| ApiError::bad_request("'attachment' must be specified."))?;
    let oid: i64 = oid.parse().map_err(|_| invalid_url())?;
    let mut st = ctx.lock();
    let target = edits::target(&st, &caller, name, layer_seg, Need::Update)?;
    {
        let (svc, layer, _) = open(&st, &caller, name, layer_seg)?;
        if access::select(&st, svc, layer, None, Some(&BTreeSet::from([oid])))?.is_empty() {
            return ok(
                json!({"addAttachmentResult": {"objectId": null, "globalId": null, "success": false, "error": {"code": 1019, "description": "Object is missing."}}}),
            );
        }
    }
    let global_id = new_guid(&mut st);
    let data_layer = edits::data_layer_mut(&mut st, &target).ok_or_else(invalid_url)?;
    let id = data_layer.next_attachment_id();
    let content_type = upload
        .content_type
        .clone()
        .filter(|c| c != "application/octet-stream")
        .unwrap_or_else(|| super::super::items::content_type_for(&upload.filename).to_string());
    data_layer
        .attachments
        .entry(oid)
        .or_default()
        .push(Attachment {
            id,
            global_id: global_id.clone(),
            name: upload.filename.clone(),
            content_type,
            data: Arc::new(upload.bytes.to_vec()),
        });
    data_layer.last_edit_date = now_ms();
    edits::touch(&mut st, &target);
    ok(json!({"addAttachmentResult": {"objectId": id, "globalId": global_id, "success": true}}))
}
