//! The second method for hosted layer data: an asynchronous `createReplica` (`syncModel=none`,
//! so nothing is registered that would need cleaning up) in the JSON replica format, polled
//! until done. The replica is streamed to a temporary file beside the archive, counted, copied
//! into `replica/replica.json`, and every attachment it lists is downloaded.

use std::io::{Read, Seek};

use serde::Deserialize;
use serde_json::Value;

use super::super::ctx::{ItemError, RunCtx};
use super::attachments::{self, AttachmentRef};
use super::{Counts, LayerInfo};
use crate::formats::archive::ArchiveWriter;
use crate::portal::ApiRequest;

/// Whether the service allows replicas (`syncEnabled`, or `Sync`/`Extract` capability).
pub(crate) fn is_possible(service: &Value) -> bool {
    let caps = service["capabilities"].as_str().unwrap_or_default();
    service["syncEnabled"].as_bool() == Some(true)
        || caps
            .split(',')
            .any(|c| matches!(c.trim(), "Sync" | "Extract"))
}

/// Creates, polls, downloads and unpacks the counts of a replica of every layer.
pub(crate) async fn capture(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    layers: &[LayerInfo],
) -> Result<Vec<Counts>, ItemError> {
    let ids: Vec<String> = layers.iter().map(|l| l.id.to_string()).collect();
    let req = ApiRequest::post(&format!("{url}/createReplica"))
        .param("replicaName", "agol-backup")
        .param("layers", ids.join(","))
        .param("returnAttachments", "true")
        .param("returnAttachmentsDatabyUrl", "true")
        .param("async", "true")
        .param("syncModel", "none")
        .param("dataFormat", "json")
        .param("transportType", "esriTransportTypeUrl");
    let started = ctx
        .client
        .call_value(&req)
        .await
        .map_err(|e| ItemError::portal("createReplica", &e))?;
    let result_url = match started["statusUrl"].as_str() {
        Some(status) => poll(ctx, status).await?,
        None => result_url(&started).ok_or_else(|| {
            ItemError::Failed("createReplica answered neither statusUrl nor resultUrl".into())
        })?,
    };
    let mut file = download_to_temp(ctx, &result_url).await?;
    // The download left the file at its end: read it from the start.
    file.as_file_mut()
        .rewind()
        .map_err(|e| ItemError::Failed(format!("cannot read a temporary file: {e}")))?;
    let replica: ReplicaCounts =
        serde_json::from_reader(std::io::BufReader::new(file.as_file()))
            .map_err(|e| ItemError::Failed(format!("the replica is not valid JSON: {e}")))?;
    copy_into(w, file.as_file_mut(), "replica/replica.json")?;
    let mut out = Vec::new();
    for l in layers {
        let found = replica.layers.iter().find(|r| r.id == l.id);
        let features = found.map_or(0, |r| r.features.len() as u64);
        let attachments = if l.has_attachments {
            let list: Vec<AttachmentRef> = found
                .map(|r| {
                    r.attachments
                        .iter()
                        .filter_map(ReplicaAttachment::reference)
                        .collect()
                })
                .unwrap_or_default();
            Some(attachments::download_all(ctx, w, url, l.id, &list).await?)
        } else {
            None
        };
        out.push(Counts {
            features,
            attachments,
        });
    }
    Ok(out)
}

fn result_url(v: &Value) -> Option<String> {
    ["resultUrl", "responseUrl", "URL"]
        .iter()
        .find_map(|k| v[*k].as_str().filter(|s| !s.is_empty()))
        .map(str::to_string)
}

/// Polls the replica's status URL until it completes; returns the result URL.
async fn poll(ctx: &RunCtx, status_url: &str) -> Result<String, ItemError> {
    for attempt in 0..600 {
        ctx.pause(super::poll_wait(attempt)).await?;
        let v = ctx
            .client
            .call_value(&ApiRequest::get(status_url))
            .await
            .map_err(|e| ItemError::portal("polling createReplica", &e))?;
        match v["status"].as_str().unwrap_or_default() {
            "Completed" | "CompletedWithErrors" => {
                return result_url(&v).ok_or_else(|| {
                    ItemError::Failed("the replica completed without a resultUrl".into())
                });
            }
            "Failed" => return Err(ItemError::Failed(format!("createReplica failed: {v}"))),
            _ => {}
        }
    }
    Err(ItemError::Failed(
        "createReplica did not finish in 30 minutes".into(),
    ))
}

/// Downloads `url` to a temporary file in the destination (removed when dropped), streamed.
async fn download_to_temp(ctx: &RunCtx, url: &str) -> Result<tempfile::NamedTempFile, ItemError> {
    let mut attempt: u64 = 0;
    loop {
        attempt += 1;
        let mut file = crate::formats::atomic::scratch_file(&ctx.dest)
            .map_err(|e| ItemError::Failed(format!("cannot create a temporary file: {e}")))?;
        let mut d = ctx
            .client
            .download_request(&ApiRequest::get(url).raw())
            .await
            .map_err(|e| ItemError::portal("downloading the replica", &e))?;
        let broken = loop {
            ctx.check()?;
            match d.chunk().await {
                Ok(Some(c)) => std::io::Write::write_all(&mut file, &c).map_err(|e| {
                    ItemError::Failed(format!("cannot write a temporary file: {e}"))
                })?,
                Ok(None) => return Ok(file),
                Err(e) if e.is_transient() && attempt < 4 => break e,
                Err(e) => return Err(ItemError::portal("downloading the replica", &e)),
            }
        };
        tracing::debug!("replica download broke off, retrying: {broken}");
        ctx.pause(std::time::Duration::from_millis(500 * attempt))
            .await?;
    }
}

/// Copies a whole file into a new archive entry.
fn copy_into(
    w: &mut ArchiveWriter,
    file: &mut std::fs::File,
    entry: &str,
) -> Result<(), ItemError> {
    file.rewind()
        .map_err(|e| ItemError::Failed(format!("cannot read a temporary file: {e}")))?;
    w.begin_entry(entry, true)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| ItemError::Failed(format!("cannot read a temporary file: {e}")))?;
        if n == 0 {
            break;
        }
        w.write_chunk(&buf[..n])?;
    }
    w.end_entry()?;
    Ok(())
}

/// The parts of a JSON replica the counts need (features are not kept in memory as values).
#[derive(Deserialize)]
struct ReplicaCounts {
    #[serde(default)]
    layers: Vec<ReplicaLayer>,
}

#[derive(Deserialize)]
struct ReplicaLayer {
    id: i64,
    #[serde(default)]
    features: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    attachments: Vec<ReplicaAttachment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplicaAttachment {
    id: Option<i64>,
    parent_object_id: Option<i64>,
    name: Option<String>,
}

impl ReplicaAttachment {
    fn reference(&self) -> Option<AttachmentRef> {
        Some(AttachmentRef {
            oid: self.parent_object_id?,
            id: self.id?,
            name: self.name.clone().unwrap_or_else(|| "attachment".into()),
        })
    }
}
