//! Writing one item's content to the target (arcgis-protocol.md §6.1, §6.2): `addItem` with its
//! properties, data (JSON text rewritten with the run's map, or the file streamed from disk;
//! files over [`LARGE_FILE`] go by multipart upload: `addPart` ranges, `commit`, `status`),
//! thumbnail and metadata; and `update` in place (data first, thumbnail in a second call, as a
//! data update can reset it). Resources are `resources`' job; sharing `share`'s.

use std::path::Path;

use serde_json::Value;

use super::ctx::{RestoreCtx, StepError, poll_wait};
use super::fields::{self, FieldSet};
use super::rewrite::RewriteMap;
use super::source::{DataPayload, SourceItem};
use super::textmap;
use crate::portal::ApiRequest;

/// Files larger than this are uploaded in parts.
pub(crate) const LARGE_FILE: u64 = 50 * 1024 * 1024;
/// Size of one part of a multipart upload.
const PART_SIZE: u64 = 50 * 1024 * 1024;

/// The base name of `path` for a file part.
pub(crate) fn file_name(path: &Path, fallback: &str) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .map_or_else(|| fallback.to_string(), str::to_string)
}

/// The item's JSON data rewritten with `map`.
pub(crate) fn json_text(path: &Path, map: &RewriteMap) -> Result<String, StepError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        StepError::Failed(format!(
            "cannot read the backed-up data {}: {e}",
            path.display()
        ))
    })?;
    Ok(textmap::apply(map, &text))
}

fn with_fields(mut req: ApiRequest, f: &[(String, String)]) -> ApiRequest {
    for (k, v) in f {
        req = req.param(k, v.as_str());
    }
    req
}

fn with_extras(mut req: ApiRequest, si: &SourceItem) -> ApiRequest {
    if let Some(t) = &si.thumbnail {
        req = req.file("thumbnail", t, &file_name(t, "thumbnail.png"));
    }
    if let Some(m) = &si.metadata {
        req = req.file("metadata", m, "metadata.xml");
    }
    req
}

/// The user content path `content/users/{user}[/{folder}]`.
pub(crate) fn user_path(user: &str, folder: Option<&str>) -> String {
    match folder {
        Some(f) => format!("content/users/{user}/{f}"),
        None => format!("content/users/{user}"),
    }
}

/// Adds `si` as a new item of the signed-in user in `folder_id`; returns the new id.
pub(crate) async fn add(
    ctx: &RestoreCtx,
    si: &SourceItem,
    folder_id: Option<&str>,
) -> Result<String, StepError> {
    let map = ctx.map_now();
    let set = FieldSet {
        keep_metadata: ctx.options.keep_metadata,
        with_type: true,
        with_url: true,
    };
    let f = fields::item_fields(si, set, &map);
    let path = format!("{}/addItem", user_path(&ctx.user, folder_id));
    if let Some(DataPayload::File { path: file, name }) = &si.data {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        if size > LARGE_FILE {
            return add_large(ctx, si, &path, &f, file, name, size).await;
        }
    }
    let mut req = with_extras(with_fields(ApiRequest::post(&path), &f), si);
    match &si.data {
        Some(DataPayload::Json(p)) => req = req.param("text", json_text(p, &map)?),
        Some(DataPayload::File { path: file, name }) => {
            req = req
                .file("file", file, name)
                .param("fileName", name.as_str());
        }
        None => {}
    }
    let v = ctx.call("adding the item", &req).await?;
    new_id(&v)
}

fn new_id(v: &Value) -> Result<String, StepError> {
    v["id"]
        .as_str()
        .or_else(|| v["itemId"].as_str())
        .map(str::to_string)
        .ok_or_else(|| StepError::Failed(format!("the portal answered without an item id: {v}")))
}

/// The multipart upload of §6.1: addItem(multipart), addPart.., commit, status; then the
/// thumbnail and metadata in an update.
async fn add_large(
    ctx: &RestoreCtx,
    si: &SourceItem,
    add_path: &str,
    f: &[(String, String)],
    file: &Path,
    name: &str,
    size: u64,
) -> Result<String, StepError> {
    let req = with_fields(ApiRequest::post(add_path), f)
        .param("multipart", "true")
        .param("fileName", name);
    let id = new_id(&ctx.call("starting the multipart upload", &req).await?)?;
    let items = format!("content/users/{}/items/{id}", ctx.user);
    let result = async {
        let parts = size.div_ceil(PART_SIZE).max(1);
        for n in 1..=parts {
            let req = ApiRequest::post(&format!("{items}/addPart"))
                .param("partNum", n.to_string())
                .file_range(
                    "file",
                    file,
                    (n - 1) * PART_SIZE,
                    Some(PART_SIZE),
                    &format!("split{n}.split"),
                );
            ctx.call(&format!("uploading part {n} of {parts}"), &req)
                .await?;
        }
        let req = with_fields(ApiRequest::post(&format!("{items}/commit")), f);
        ctx.call("committing the upload", &req).await?;
        wait_status(ctx, &ctx.user, &id, None).await?;
        if si.thumbnail.is_some() || si.metadata.is_some() {
            let req = with_extras(ApiRequest::post(&format!("{items}/update")), si);
            ctx.call("adding the thumbnail and metadata", &req).await?;
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(id),
        Err(e) => {
            delete_item(ctx, &ctx.user, &id).await;
            Err(e)
        }
    }
}

/// Polls `items/{id}/status` until `completed`.
pub(crate) async fn wait_status(
    ctx: &RestoreCtx,
    user: &str,
    id: &str,
    job: Option<&str>,
) -> Result<(), StepError> {
    for attempt in 0..2000 {
        let mut req = ApiRequest::get(&format!("content/users/{user}/items/{id}/status"));
        if let Some(j) = job {
            req = req.param("jobId", j);
        }
        let v = ctx.call("polling the item status", &req).await?;
        match v["status"].as_str().unwrap_or_default() {
            "completed" => return Ok(()),
            "failed" | "esriJobFailed" | "esriJobCancelled" | "esriJobTimedOut" => {
                let msg = v["statusMessage"].as_str().unwrap_or("no reason given");
                return Err(StepError::Failed(format!("the portal job failed: {msg}")));
            }
            _ => ctx.pause(poll_wait(attempt)).await?,
        }
    }
    Err(StepError::Failed("the portal job did not finish".into()))
}

/// Updates item `id` of `owner` in place from `si`: properties and data, then thumbnail and
/// metadata. `service`: a hosted service item (type and url are the portal's).
pub(crate) async fn update(
    ctx: &RestoreCtx,
    si: &SourceItem,
    owner: &str,
    id: &str,
    service: bool,
) -> Result<(), StepError> {
    let map = ctx.map_now();
    let set = FieldSet {
        keep_metadata: ctx.options.keep_metadata,
        with_type: !service,
        with_url: !service,
    };
    let f = fields::item_fields(si, set, &map);
    let path = format!("content/users/{owner}/items/{id}/update");
    let mut req = with_fields(ApiRequest::post(&path), &f);
    // A service item's JSON data holds its layers' overrides (pop-ups ...); it has no file.
    match &si.data {
        Some(DataPayload::Json(p)) => req = req.param("text", json_text(p, &map)?),
        Some(DataPayload::File { path: file, name }) if !service => {
            req = req
                .file("file", file, name)
                .param("fileName", name.as_str());
        }
        _ => {}
    }
    ctx.call("updating the item", &req).await?;
    if si.thumbnail.is_some() || si.metadata.is_some() {
        let req = with_extras(ApiRequest::post(&path), si);
        ctx.call("updating the thumbnail and metadata", &req)
            .await?;
    }
    Ok(())
}

/// Deletes a half-created item (protection off first); returns whether it is gone.
pub(crate) async fn delete_item(ctx: &RestoreCtx, owner: &str, id: &str) -> bool {
    let base = format!("content/users/{owner}/items/{id}");
    let _ = ctx
        .client
        .call_value(&ApiRequest::post(&format!("{base}/unprotect")))
        .await;
    let req = ApiRequest::post(&format!("{base}/delete")).param("permanentDelete", "true");
    match ctx.client.call_value(&req).await {
        Ok(_) => true,
        Err(e) => {
            ctx.reporter
                .warn(format!("could not delete the half-restored item {id}: {e}"));
            false
        }
    }
}
