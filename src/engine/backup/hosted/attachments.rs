//! Attachments of a layer: counting them (`queryAttachments` with `returnCountOnly`) and
//! downloading each one to `attachments/<layer>/<object id>/<attachment id>-<name>`, streamed.

use serde_json::Value;

use super::super::ctx::{ItemError, RunCtx};
use super::super::sink::stream_entry;
use crate::formats::archive::ArchiveWriter;
use crate::formats::names::safe_file_stem;
use crate::portal::ApiRequest;
use crate::portal::wire;

/// One attachment to download.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentRef {
    /// Object id of the parent feature.
    pub oid: i64,
    /// Attachment id.
    pub id: i64,
    /// File name.
    pub name: String,
}

/// The number of attachments of layer `layer`.
pub(crate) async fn count(ctx: &RunCtx, url: &str, layer: i64) -> Result<u64, ItemError> {
    let req = ApiRequest::get(&format!("{url}/{layer}/queryAttachments"))
        .param("where", "1=1")
        .param("returnCountOnly", "true");
    let v =
        ctx.client.call_value(&req).await.map_err(|e| {
            ItemError::portal(&format!("counting attachments of layer {layer}"), &e)
        })?;
    Ok(wire::attachment_count(&v))
}

/// The attachments of the features `oids` of `layer`.
pub(crate) async fn list(
    ctx: &RunCtx,
    url: &str,
    layer: i64,
    oids: &[i64],
) -> Result<Vec<AttachmentRef>, ItemError> {
    let ids: Vec<String> = oids.iter().map(ToString::to_string).collect();
    let req = ApiRequest::post(&format!("{url}/{layer}/queryAttachments"))
        .param("objectIds", ids.join(","))
        .idempotent(true);
    let v = ctx
        .client
        .call_value(&req)
        .await
        .map_err(|e| ItemError::portal(&format!("listing attachments of layer {layer}"), &e))?;
    let mut out = Vec::new();
    for g in v["attachmentGroups"].as_array().into_iter().flatten() {
        let Some(oid) = g["parentObjectId"].as_i64() else {
            continue;
        };
        for a in g["attachmentInfos"].as_array().into_iter().flatten() {
            out.extend(attachment(oid, a));
        }
    }
    Ok(out)
}

/// An attachment from its info JSON (`id`, `name`).
pub(crate) fn attachment(oid: i64, info: &Value) -> Option<AttachmentRef> {
    Some(AttachmentRef {
        oid,
        id: info["id"].as_i64()?,
        name: info["name"].as_str().unwrap_or("attachment").to_string(),
    })
}

/// Downloads every attachment of `layer` in `list` into the archive; returns how many.
pub(crate) async fn download_all(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    layer: i64,
    list: &[AttachmentRef],
) -> Result<u64, ItemError> {
    for a in list {
        let entry = format!(
            "attachments/{layer}/{}/{}-{}",
            a.oid,
            a.id,
            safe_file_stem(&a.name, 100)
        );
        let req = ApiRequest::get(&format!("{url}/{layer}/{}/attachments/{}", a.oid, a.id)).raw();
        stream_entry(ctx, w, &req, &|_| entry.clone(), false).await?;
    }
    Ok(list.len() as u64)
}
