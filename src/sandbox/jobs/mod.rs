//! Server-side jobs of the portal's user-content API: item `export` of hosted feature layers
//! into new items, `publish` of uploaded files as hosted feature services, `createService`
//! (empty services and views) and `items/{id}/status` (job status, or an item's upload
//! state). Jobs complete `export_delay_ms` after they start; their results are built at once
//! (the blob origin decides what a download of an unfinished export returns).
//!
//! Submodules: `export` (the export formats), `publish` (publish and createService),
//! `readers` (CSV, GeoJSON and feature collections to layers), `csv` (CSV text) and `package`
//! (the sandbox's opaque geodatabase stand-in, also used by replicas).

pub mod csv;
mod export;
pub mod package;
mod publish;
mod readers;

use std::sync::Arc;

use serde_json::json;

use super::auth::visible_item;
use super::model::Job;
use super::params::Params;
use super::reply::{ApiError, ApiResult, ok};
use super::user_content::UserCall;
use super::{Ctx, now_ms};

pub use export::export;
pub use publish::{create_service, publish};

/// A new job of `kind` for `item_id`, completing after the configured delay.
pub fn new_job(ctx: &Ctx, st: &mut super::model::State, kind: &str, item_id: &str) -> String {
    let id = st.new_id();
    let delay = i64::try_from(ctx.cfg.export_delay_ms).unwrap_or(0);
    st.jobs.insert(
        id.clone(),
        Job {
            id: id.clone(),
            kind: kind.to_string(),
            item_id: item_id.to_string(),
            ready_at: now_ms() + delay,
            failure: None,
            result: None,
        },
    );
    id
}

/// `content/users/{u}[/{folder}]/items/{id}/status`: with `jobId` the job's state
/// (`processing`, `completed` or `failed`); without, the item's own state (`partial` while a
/// multipart upload is not committed, `processing` while a job works on it, else `completed`).
pub fn status(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    let id = call.item.as_deref().unwrap_or("");
    let st = ctx.lock();
    visible_item(&st, &call.caller, id)?;
    let now = now_ms();
    let Some(job_id) = p.get("jobId") else {
        if st.upload_parts.contains_key(id) {
            return ok(json!({"status": "partial", "statusMessage": "partial", "itemId": id}));
        }
        if let Some(job) = st
            .jobs
            .values()
            .find(|j| j.item_id == id && j.ready_at > now && j.failure.is_none())
        {
            return ok(
                json!({"status": "processing", "statusMessage": "processing", "itemId": id, "jobType": job.kind}),
            );
        }
        return ok(
            json!({"status": "completed", "statusMessage": "completed", "itemId": id, "id": id}),
        );
    };
    let job = st
        .jobs
        .get(job_id)
        .filter(|j| j.item_id == id)
        .ok_or_else(|| ApiError::bad_request(format!("Job '{job_id}' does not exist.")))?;
    let kind = p.get("jobType").unwrap_or(&job.kind);
    let (status, message) = match (&job.failure, job.ready_at <= now) {
        (Some(why), _) => ("failed", why.as_str()),
        (None, true) => ("completed", "completed"),
        (None, false) => ("processing", "processing"),
    };
    ok(json!({
        "type": kind,
        "jobType": kind,
        "jobId": job.id,
        "jobStatus": status,
        "status": status,
        "statusMessage": message,
        "itemId": id,
    }))
}
