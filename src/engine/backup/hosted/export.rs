//! The first method for hosted layer data: an item export (File Geodatabase unless asked
//! otherwise) into a temporary item, polled until done, downloaded, and deleted on every exit
//! path. The export item is written to the destination's journal as soon as the portal names it,
//! so a run killed half-way leaves a note the next run acts on. Non-owners try their own
//! content path (allowed when the service permits export); otherwise the caller falls back.

use serde_json::Value;

use super::super::ctx::{ItemError, RunCtx};
use super::super::journal::PendingExport;
use super::super::sink::stream_entry;
use crate::formats::archive::ArchiveWriter;
use crate::formats::names::safe_file_stem;
use crate::portal::ApiRequest;
use crate::portal::wire::Item;

/// Exports, downloads into `export/<file>` and deletes the export item; returns the method
/// name for the manifest.
pub(crate) async fn capture(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
) -> Result<String, ItemError> {
    let (user, export_id, job_id) = start(ctx, item).await?;
    let result = finish(ctx, w, item, &user, &export_id, &job_id).await;
    if ctx.options.keep_exports {
        ctx.reporter.info(format!(
            "kept the export item {export_id} of {} (--keep-exports)",
            item.id
        ));
        ctx.journal.remove(&export_id)?;
    } else {
        delete(ctx, &user, &export_id).await;
    }
    result.map(|()| format!("export:{}", ctx.options.export_format))
}

/// Starts the export on the owner's path, then on the caller's; returns (user, item, job).
async fn start(ctx: &RunCtx, item: &Item) -> Result<(String, String, String), ItemError> {
    let owner = item.owner.clone().unwrap_or_default();
    let mut users = vec![owner];
    if let Some(me) = ctx.me.as_ref().filter(|me| !users.contains(me)) {
        users.push(me.clone());
    }
    let mut last = String::new();
    for user in users {
        ctx.check()?;
        let title = format!(
            "agol-backup export {} {}",
            item.id,
            crate::formats::utc::format_compact(crate::engine::now_ms())
        );
        let req = ApiRequest::post(&format!("content/users/{user}/export"))
            .param("itemId", item.id.as_str())
            .param("exportFormat", ctx.options.export_format.as_str())
            .param("title", title.as_str());
        match ctx.client.call_value(&req).await {
            Ok(v) => {
                let export_id = v["exportItemId"].as_str().unwrap_or_default().to_string();
                let job_id = v["jobId"].as_str().unwrap_or_default().to_string();
                if export_id.is_empty() {
                    return Err(ItemError::Failed(format!(
                        "export answered no exportItemId: {v}"
                    )));
                }
                ctx.journal.add(
                    &export_id,
                    PendingExport {
                        owner: user.clone(),
                        source_item: item.id.clone(),
                    },
                )?;
                return Ok((user, export_id, job_id));
            }
            Err(e) if e.is_permission() => last = e.to_string(),
            Err(e) => {
                // The portal may have created the item before the answer was lost.
                delete_by_title(ctx, &user, &title).await;
                return Err(ItemError::portal("starting the export", &e));
            }
        }
    }
    Err(ItemError::Failed(format!(
        "this account may not export the layer ({last})"
    )))
}

/// Polls the export job and downloads its file.
async fn finish(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    user: &str,
    export_id: &str,
    job_id: &str,
) -> Result<(), ItemError> {
    poll(ctx, user, export_id, job_id).await?;
    let req = ApiRequest::get(&format!("content/items/{export_id}/data")).raw();
    // `<title>_export.<ext>`, as the original utility named it; the extension the portal gave.
    let stem = safe_file_stem(item.title.as_deref().unwrap_or(&item.id), 80);
    let namer = move |d: &crate::portal::Download| {
        let ext = d
            .file_name()
            .and_then(|n| n.rsplit_once('.').map(|(_, e)| safe_file_stem(e, 10)))
            .unwrap_or_else(|| "zip".into());
        format!("export/{stem}_export.{ext}")
    };
    stream_entry(ctx, w, &req, &namer, false).await?;
    Ok(())
}

/// Waits for `completed` (never downloads before: early downloads are corrupt).
async fn poll(ctx: &RunCtx, user: &str, export_id: &str, job_id: &str) -> Result<(), ItemError> {
    for attempt in 0..900 {
        ctx.pause(super::poll_wait(attempt)).await?;
        let req = ApiRequest::get(&format!("content/users/{user}/items/{export_id}/status"))
            .param("jobId", job_id)
            .param("jobType", "export");
        let v: Value = ctx
            .client
            .call_value(&req)
            .await
            .map_err(|e| ItemError::portal("polling the export", &e))?;
        match v["status"].as_str().unwrap_or_default() {
            "completed" => return Ok(()),
            "failed" => {
                let msg = v["statusMessage"].as_str().unwrap_or("no reason given");
                return Err(ItemError::Failed(format!("the export failed: {msg}")));
            }
            _ => {}
        }
    }
    Err(ItemError::Failed(
        "the export did not finish in 45 minutes".into(),
    ))
}

/// Deletes a temporary export item and forgets it; a failure stays in the journal (and the log).
pub(crate) async fn delete(ctx: &RunCtx, user: &str, export_id: &str) {
    // Deleting twice is harmless (the second answers "not found"), so it is retried like a read.
    let req = ApiRequest::post(&format!("content/users/{user}/items/{export_id}/delete"))
        .idempotent(true);
    match ctx.client.call_value(&req).await {
        Ok(_) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => {
            ctx.reporter.warn(format!(
                "could not delete the temporary export item {export_id}: {e}; \
                 the next run in this destination tries again"
            ));
            return;
        }
    }
    if let Err(e) = ctx.journal.remove(export_id) {
        ctx.reporter.warn(format!("export journal: {e}"));
    }
}

/// Deletes export items titled exactly `title` in `user`'s content: the export a lost answer
/// left without telling us its id.
async fn delete_by_title(ctx: &RunCtx, user: &str, title: &str) {
    let q = format!("title:\"{title}\" AND owner:{user}");
    let req = ApiRequest::post("search")
        .param("q", q)
        .param("num", "10")
        .idempotent(true);
    let Ok(found) = ctx.client.call_value(&req).await else {
        return;
    };
    for hit in found["results"].as_array().into_iter().flatten() {
        if hit["title"].as_str() == Some(title)
            && let Some(id) = hit["id"].as_str()
        {
            delete(ctx, user, id).await;
        }
    }
}
