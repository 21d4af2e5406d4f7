//! `{svc}/createReplica` with `syncModel=none`: refused unless the service has `Sync` or
//! `Extract`; `layers`, `layerQueries` (`where`, `queryOption` `useFilter`/`all`/`none`),
//! `returnAttachments`, `dataFormat` `json` (the JSON replica format, attachments pointing at
//! the attachment endpoint) or `sqlite`/`filegdb`/`shapefile` (the sandbox container, see
//! `jobs::package`). Synchronous calls answer `resultUrl` at once; asynchronous ones answer a
//! `statusUrl` (`{svc}/jobs/{id}`) that goes `Pending` → `ExportingData` → `Completed` over
//! `export_delay_ms`. The file is served at `{svc}/replicafiles/{id}` to callers who can see
//! the service. Anyone who can see the service may replicate it.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::auth;
use super::super::items::file_response;
use super::super::jobs::package;
use super::super::model::Job;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok, raw_json};
use super::super::services::Service;
use super::super::{Ctx, now_ms};
use super::access;
use super::attachments::attachment_url;
use super::extract::{self, Pick};
use super::model_ext::{new_guid, service_url};

fn picks(p: &Params, svc: &Service) -> Result<Vec<Pick>, ApiError> {
    let ids: Vec<u32> = match p.list("layers") {
        None => svc.layers.iter().map(|l| l.id).collect(),
        Some(list) => list
            .iter()
            .map(|s| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| ApiError::bad_request(format!("Invalid layer id: {s}")))
            })
            .collect::<Result<_, _>>()?,
    };
    let queries: Value = match p.get("layerQueries") {
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| ApiError::bad_request("'layerQueries' parameter is invalid"))?,
        None => Value::Null,
    };
    Ok(ids
        .into_iter()
        .map(|id| {
            let q = queries.get(id.to_string());
            let option = q
                .and_then(|q| q.get("queryOption"))
                .and_then(Value::as_str)
                .unwrap_or("useFilter");
            let clause = q
                .and_then(|q| q.get("where"))
                .and_then(Value::as_str)
                .filter(|_| option.eq_ignore_ascii_case("useFilter"));
            Pick {
                id,
                clause: clause.map(str::to_string),
                rows: !option.eq_ignore_ascii_case("none"),
            }
        })
        .collect())
}

fn replica_json(
    ctx: &Ctx,
    data: &Service,
    url_name: &str,
    name: &str,
    id: &str,
    with_attachments: bool,
) -> Value {
    let layers: Vec<Value> = data
        .layers
        .iter()
        .map(|l| {
            let features: Vec<Value> = l
                .features
                .values()
                .map(|f| {
                    let mut v = json!({"attributes": f.attributes});
                    if let Some(g) = &f.geometry {
                        v["geometry"] = g.clone();
                    }
                    v
                })
                .collect();
            let mut v = json!({"id": l.id, "features": features});
            if with_attachments {
                let atts: Vec<Value> = l
                    .attachments
                    .iter()
                    .flat_map(|(oid, list)| {
                        let parent = l.features.get(oid).and_then(|f| f.global_id()).map(str::to_string);
                        list.iter().map(move |a| {
                            json!({"id": a.id, "globalId": a.global_id, "parentGlobalId": parent, "parentObjectId": oid,
                                   "name": a.name, "contentType": a.content_type, "size": a.data.len(),
                                   "url": attachment_url(ctx, url_name, l.id, *oid, a.id)})
                        })
                    })
                    .collect();
                v["attachments"] = json!(atts);
            }
            v
        })
        .collect();
    json!({"replicaName": name, "replicaID": id, "layers": layers})
}

/// Handles `{svc}/createReplica`.
pub fn create_replica(ctx: &Arc<Ctx>, p: &Params, name: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let format = p.get("dataFormat").unwrap_or("json").to_ascii_lowercase();
    let kind = match format.as_str() {
        "json" => None,
        "sqlite" => Some("Mobile Geodatabase"),
        "filegdb" => Some("File Geodatabase"),
        "shapefile" => Some("Shapefile"),
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid dataFormat: '{other}'."
            )));
        }
    };
    let mut st = ctx.lock();
    let svc = access::viewable(&st, &caller, name)?;
    if !svc.can_replicate() {
        return Err(ApiError::bad_request(
            "Create replica operation is not supported on this service.",
        ));
    }
    let data = extract::extract(&st, svc, &picks(p, svc)?)?;
    let (url_name, item_id) = (svc.name.clone(), svc.item_id.clone());
    let replica_name = p.get("replicaName").unwrap_or("replica").to_string();
    let replica_id = new_guid(&mut st);
    let bytes = match kind {
        None => {
            let v = replica_json(
                ctx,
                &data,
                &url_name,
                &replica_name,
                &replica_id,
                p.flag("returnAttachments") == Some(true),
            );
            serde_json::to_vec(&v).map_err(|e| ApiError::server_error(e.to_string()))?
        }
        Some(k) => package::write(&data, k).map_err(ApiError::server_error)?,
    };
    let is_async = p.flag("async") == Some(true);
    let embedded = p.get("transportType") == Some("esriTransportTypeEmbedded");
    if embedded && !is_async && kind.is_none() {
        return Ok(raw_json(bytes));
    }
    let job_id = st.new_id();
    let delay = i64::try_from(ctx.cfg.export_delay_ms).unwrap_or(0);
    st.jobs.insert(
        job_id.clone(),
        Job {
            id: job_id.clone(),
            kind: "replica".into(),
            item_id,
            ready_at: now_ms() + if is_async { delay } else { 0 },
            failure: None,
            result: Some(Arc::new(bytes)),
        },
    );
    let base = service_url(ctx, &url_name);
    if is_async {
        return ok(json!({"statusUrl": format!("{base}/jobs/{job_id}")}));
    }
    ok(json!({
        "transportType": "esriTransportTypeUrl",
        "responseType": "esriReplicaResponseTypeData",
        "replicaName": replica_name,
        "replicaID": replica_id,
        "resultUrl": format!("{base}/replicafiles/{job_id}"),
    }))
}

fn job_for<'a>(
    st: &'a super::super::model::State,
    svc: &Service,
    id: &str,
) -> Result<&'a Job, ApiError> {
    let id = id.split('.').next().unwrap_or(id);
    st.jobs
        .get(id)
        .filter(|j| j.kind == "replica" && j.item_id == svc.item_id)
        .ok_or_else(|| ApiError::bad_request(format!("Job '{id}' does not exist.")))
}

/// Handles `{svc}/jobs/{id}`: the replica job's status.
pub fn status(ctx: &Arc<Ctx>, p: &Params, name: &str, id: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, name)?;
    let job = job_for(&st, svc, id)?;
    let now = now_ms();
    let delay = i64::try_from(ctx.cfg.export_delay_ms).unwrap_or(0);
    let submitted = job.ready_at - delay;
    let status = if now >= job.ready_at {
        "Completed"
    } else if now - submitted < delay / 2 {
        "Pending"
    } else {
        "ExportingData"
    };
    let result_url = if status == "Completed" {
        format!("{}/replicafiles/{}", service_url(ctx, &svc.name), job.id)
    } else {
        String::new()
    };
    ok(json!({
        "status": status,
        "transportType": "esriTransportTypeUrl",
        "responseType": "esriReplicaResponseTypeData",
        "resultUrl": result_url,
        "submissionTime": submitted,
        "lastUpdatedTime": now.min(job.ready_at),
    }))
}

/// Handles `{svc}/replicafiles/{id}`: the replica file once the job completed.
pub fn download(ctx: &Arc<Ctx>, p: &Params, name: &str, id: &str) -> ApiResult {
    let caller = auth::caller(ctx, p)?;
    let st = ctx.lock();
    let svc = access::viewable(&st, &caller, name).map_err(ApiError::with_http_status)?;
    let job = job_for(&st, svc, id)
        .map_err(|_| ApiError::not_found("Replica file not found.").with_http_status())?;
    let bytes = job
        .result
        .as_ref()
        .filter(|_| now_ms() >= job.ready_at)
        .ok_or_else(|| ApiError::not_found("Replica file not found.").with_http_status())?;
    let zip = bytes.starts_with(b"PK");
    let (ct, ext) = if zip {
        ("application/zip", "zip")
    } else {
        ("application/json", "json")
    };
    Ok(file_response(
        bytes.to_vec(),
        ct,
        Some(&format!("{}_replica.{ext}", svc.name)),
    ))
}
