//! Streams one download into one archive entry, chunk by chunk (memory does not grow with the
//! file), and starts the entry again when the connection breaks half-way: the client retries
//! opening a download, but only this layer knows how to throw away a half-written entry.

use std::time::Duration;

use super::ctx::{ItemError, RunCtx};
use crate::formats::archive::{ArchiveWriter, Artefact};
use crate::portal::{ApiRequest, Download};

/// Attempts per entry when the body breaks off.
const ATTEMPTS: u32 = 4;

/// How an entry's name is chosen once the response headers are known.
pub(crate) type Namer<'a> = &'a (dyn Fn(&Download) -> String + Sync);

/// Downloads `req` into the archive; the entry's path comes from `name` (called on the first
/// response). Returns `Ok(None)` for an empty body when `skip_empty` is set (nothing written).
pub(crate) async fn stream_entry(
    ctx: &RunCtx,
    writer: &mut ArchiveWriter,
    req: &ApiRequest,
    name: Namer<'_>,
    skip_empty: bool,
) -> Result<Option<Artefact>, ItemError> {
    let mut path: Option<String> = None;
    let mut attempt = 0;
    loop {
        attempt += 1;
        ctx.check()?;
        let mut download = ctx
            .client
            .download_request(req)
            .await
            .map_err(|e| ItemError::portal("download", &e))?;
        let first = match download.chunk().await {
            Ok(c) => c,
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                ctx.pause(backoff(attempt)).await?;
                continue;
            }
            Err(e) => return Err(ItemError::portal("download", &e)),
        };
        if first.is_none() && skip_empty {
            return Ok(None);
        }
        let entry = path.get_or_insert_with(|| name(&download)).clone();
        let large = download
            .content_length()
            .is_none_or(|n| n >= u64::from(u32::MAX) / 2);
        writer.begin_entry(&entry, large)?;
        match copy_body(ctx, writer, &mut download, first).await {
            Ok(()) => return Ok(Some(writer.end_entry()?)),
            Err(e) => {
                writer.discard_entry()?;
                match e {
                    BodyError::Cancelled => return Err(ItemError::Cancelled),
                    BodyError::Write(e) => return Err(e),
                    BodyError::Broken(e) if attempt < ATTEMPTS => {
                        tracing::debug!("retrying {entry} after: {e}");
                        ctx.pause(backoff(attempt)).await?;
                    }
                    BodyError::Broken(e) => {
                        return Err(ItemError::Failed(format!(
                            "download of {entry} broke off {ATTEMPTS} times: {e}"
                        )));
                    }
                }
            }
        }
    }
}

/// A failure while copying a body.
enum BodyError {
    Cancelled,
    Write(ItemError),
    Broken(crate::portal::PortalError),
}

async fn copy_body(
    ctx: &RunCtx,
    writer: &mut ArchiveWriter,
    download: &mut Download,
    first: Option<bytes::Bytes>,
) -> Result<(), BodyError> {
    let mut next = first;
    while let Some(chunk) = next {
        if ctx.cancel.is_cancelled() {
            return Err(BodyError::Cancelled);
        }
        writer
            .write_chunk(&chunk)
            .map_err(|e| BodyError::Write(e.into()))?;
        ctx.add_bytes(chunk.len() as u64);
        next = download.chunk().await.map_err(|e| {
            if e.is_transient() {
                BodyError::Broken(e)
            } else {
                BodyError::Write(ItemError::portal("download", &e))
            }
        })?;
    }
    Ok(())
}

/// Wait before attempt `attempt + 1`: 0.5 s, 1 s, 2 s ...
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(attempt.saturating_sub(1).min(5)))
}

/// Adds `value` as pretty JSON at `path`.
pub(crate) fn add_json(
    writer: &mut ArchiveWriter,
    path: &str,
    value: &serde_json::Value,
) -> Result<(), ItemError> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| ItemError::Failed(format!("encoding {path}: {e}")))?;
    writer.add_bytes(path, &bytes)?;
    Ok(())
}

/// JSON or text answers read whole are limited to this size.
const WHOLE_LIMIT: usize = 256 * 1024 * 1024;

/// Reads a small answer whole, retrying when the body breaks off. Returns the bytes and the
/// `Content-Disposition` file name, if any.
pub(crate) async fn fetch_bytes(
    ctx: &RunCtx,
    req: &ApiRequest,
) -> Result<(Vec<u8>, Option<String>), ItemError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        ctx.check()?;
        let mut d = ctx
            .client
            .download_request(req)
            .await
            .map_err(|e| ItemError::portal("download", &e))?;
        let name = d.file_name();
        let mut out = Vec::new();
        let broken = loop {
            match d.chunk().await {
                Ok(Some(c)) if out.len() + c.len() > WHOLE_LIMIT => {
                    return Err(ItemError::Failed(format!(
                        "{} answered more than {} MiB where a small document was expected",
                        d.url(),
                        WHOLE_LIMIT >> 20
                    )));
                }
                Ok(Some(c)) => out.extend_from_slice(&c),
                Ok(None) => return Ok((out, name)),
                Err(e) if e.is_transient() => break e,
                Err(e) => return Err(ItemError::portal("download", &e)),
            }
        };
        if attempt >= ATTEMPTS {
            return Err(ItemError::portal("download", &broken));
        }
        ctx.pause(backoff(attempt)).await?;
    }
}
