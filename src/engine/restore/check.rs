//! Verifies one restored item against its backup: properties (title, type, and with
//! `keep_metadata` tags and snippet), data (JSON compared after rewriting the backup with the
//! run's map; files by SHA-256, streamed), resources (paths and hashes), thumbnail presence, and
//! for hosted layers the feature and attachment counts per layer. Returns what differs; an empty
//! list means OK. Reads only.

use std::collections::BTreeSet;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::create::json_text;
use super::ctx::{RestoreCtx, StepError};
use super::fields::strings;
use super::resources;
use super::source::{DataPayload, ServiceBackup, SourceItem};
use crate::formats::hex;
use crate::portal::ApiRequest;
use crate::portal::wire;

/// What differs between the restored item `id` and `si` (empty: OK).
pub(crate) async fn verify(
    ctx: &RestoreCtx,
    si: &SourceItem,
    id: &str,
    service_url: Option<&str>,
) -> Result<Vec<String>, StepError> {
    let mut diffs = Vec::new();
    let v = ctx
        .call(
            "reading the restored item",
            &ApiRequest::get(&format!("content/items/{id}")),
        )
        .await?;
    if v["title"].as_str() != Some(si.title.as_str()) {
        diffs.push(format!("title is {:?}", v["title"]));
    }
    if v["type"].as_str() != Some(si.item_type.as_str()) {
        diffs.push(format!("type is {:?}", v["type"]));
    }
    if ctx.options.keep_metadata {
        let want: BTreeSet<String> = strings(&si.item["tags"]).into_iter().collect();
        let got: BTreeSet<String> = strings(&v["tags"]).into_iter().collect();
        if want != got {
            diffs.push(format!("tags differ: {got:?} instead of {want:?}"));
        }
    }
    if si.thumbnail.is_some() && v["thumbnail"].as_str().is_none_or(str::is_empty) {
        diffs.push("the thumbnail is missing".into());
    }
    if service_url.is_none() || matches!(si.data, Some(DataPayload::Json(_))) {
        diffs.extend(data(ctx, si, id).await?);
    }
    diffs.extend(resource_diffs(ctx, si, id).await?);
    if let (Some(url), Some(svc)) = (service_url, &si.service) {
        diffs.extend(counts(ctx, svc, url).await?);
    }
    Ok(diffs)
}

async fn data(ctx: &RestoreCtx, si: &SourceItem, id: &str) -> Result<Vec<String>, StepError> {
    let path = format!("content/items/{id}/data");
    match &si.data {
        None => Ok(Vec::new()),
        Some(DataPayload::Json(p)) => {
            let want: Value =
                serde_json::from_str(&json_text(p, &ctx.map_now())?).unwrap_or(Value::Null);
            let got = ctx
                .call("reading the restored data", &ApiRequest::get(&path))
                .await?;
            Ok(if got == want || want.is_null() {
                Vec::new()
            } else {
                vec!["the data differs from the backup".into()]
            })
        }
        Some(DataPayload::File { path: file, .. }) => {
            let want = file_hash(file)?;
            let got = download_hash(ctx, &path).await?;
            Ok(if got == want {
                Vec::new()
            } else {
                vec!["the file differs from the backup (SHA-256)".into()]
            })
        }
    }
}

async fn resource_diffs(
    ctx: &RestoreCtx,
    si: &SourceItem,
    id: &str,
) -> Result<Vec<String>, StepError> {
    let got = resources::list(ctx, id).await?;
    let want: BTreeSet<String> = si.resources.iter().map(|r| r.path.clone()).collect();
    let mut out = Vec::new();
    for missing in want.difference(&got) {
        out.push(format!("resource {missing} is missing"));
    }
    for extra in got.difference(&want) {
        out.push(format!("resource {extra} is not in the backup"));
    }
    for r in si.resources.iter().filter(|r| got.contains(&r.path)) {
        if r.path.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let h = download_hash(ctx, &format!("content/items/{id}/resources/{}", r.path)).await?;
        if h != file_hash(&r.file)? {
            out.push(format!("resource {} differs from the backup", r.path));
        }
    }
    Ok(out)
}

fn file_hash(path: &std::path::Path) -> Result<String, StepError> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| StepError::Failed(format!("cannot read {}: {e}", path.display())))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)
        .map_err(|e| StepError::Failed(format!("cannot read {}: {e}", path.display())))?;
    Ok(hex(&h.finalize()))
}

async fn download_hash(ctx: &RestoreCtx, path: &str) -> Result<String, StepError> {
    ctx.check()?;
    let mut d = ctx
        .client
        .download(path)
        .await
        .map_err(|e| StepError::portal("downloading for verification", &e))?;
    let mut h = Sha256::new();
    while let Some(chunk) = d
        .chunk()
        .await
        .map_err(|e| StepError::portal("downloading for verification", &e))?
    {
        h.update(&chunk);
    }
    Ok(hex(&h.finalize()))
}

/// Feature and attachment counts per layer against the backup's.
async fn counts(
    ctx: &RestoreCtx,
    svc: &ServiceBackup,
    url: &str,
) -> Result<Vec<String>, StepError> {
    let mut out = Vec::new();
    // A view's filter is only in the admin layer definitions; a backup without them restores
    // the view unfiltered, which the counts then show.
    let unfiltered_view = svc.view.is_some()
        && !svc.layers.iter().any(|l| {
            l["viewDefinitionQuery"].is_string()
                || !l
                    .pointer("/adminLayerInfo/viewLayerDefinition")
                    .is_none_or(Value::is_null)
        });
    let hint = if unfiltered_view {
        " (the backup holds no view filter, so the restored view shows its whole source)"
    } else {
        ""
    };
    for c in &svc.counts {
        let req = ApiRequest::get(&format!("{url}/{}/query", c.id))
            .param("where", "1=1")
            .param("returnCountOnly", "true");
        let got = match ctx.call("counting features", &req).await {
            Ok(v) => v["count"].as_u64().unwrap_or(0),
            Err(StepError::Cancelled) => return Err(StepError::Cancelled),
            Err(e) => {
                out.push(format!(
                    "layer {} ({}) cannot be counted: {e}",
                    c.id, c.name
                ));
                continue;
            }
        };
        if got == 0 && c.features > 0 {
            out.push(format!(
                "layer {} ({}) is empty; the backup has {} features",
                c.id, c.name, c.features
            ));
        } else if got != c.features {
            out.push(format!(
                "layer {} ({}) has {got} features; the backup has {}{hint}",
                c.id, c.name, c.features
            ));
        }
        if let Some(want) = c.attachments {
            let got = attachment_count(ctx, url, c.id).await?;
            if got != want {
                out.push(format!(
                    "layer {} ({}) has {got} attachments; the backup has {want}",
                    c.id, c.name
                ));
            }
        }
    }
    Ok(out)
}

async fn attachment_count(ctx: &RestoreCtx, url: &str, layer: i64) -> Result<u64, StepError> {
    let req = ApiRequest::get(&format!("{url}/{layer}/queryAttachments"))
        .param("where", "1=1")
        .param("returnCountOnly", "true");
    let v = ctx.call("counting attachments", &req).await?;
    Ok(wire::attachment_count(&v))
}
