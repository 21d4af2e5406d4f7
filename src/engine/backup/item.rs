//! One item's backup: read the item, decide whether it must be captured (incremental), write
//! every artefact into a new archive, add the manifest, and only then give the archive its
//! final name. Any failure or a cancel drops the writer, which deletes the half-written file.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;

use super::ctx::{Capture, ItemError, RunCtx};
use super::request::ItemResult;
use super::{hosted, parts};
use crate::engine::deps;
use crate::formats::archive::{
    ARCHIVE_FORMAT_VERSION, ArchiveWriter, BackupManifest, ItemStatus, extract_archive,
};
use crate::formats::catalogue::CatalogueEntry;
use crate::formats::names::backup_file_name;
use crate::formats::run_report::RunItemStatus;
use crate::formats::utc;
use crate::portal::ApiRequest;
use crate::portal::wire::Item;

/// What a finished item leaves for the catalogue.
pub(crate) struct Done {
    /// The result row.
    pub result: ItemResult,
    /// The catalogue entry, when an archive was written.
    pub entry: Option<CatalogueEntry>,
}

/// Backs up item `id`; never fails: every outcome is a result row.
pub(crate) async fn backup(ctx: &RunCtx, id: &str, skip: &super::Skip<'_>) -> Done {
    let started = Instant::now();
    let mut result = ItemResult {
        id: id.to_string(),
        title: id.to_string(),
        item_type: String::new(),
        status: RunItemStatus::Failed,
        reason: String::new(),
        archive: None,
        bytes: 0,
        seconds: 0.0,
    };
    let entry = match run(ctx, id, skip, &mut result).await {
        Ok(entry) => entry,
        Err(ItemError::Cancelled) => {
            result.status = RunItemStatus::Skipped;
            result.reason = "cancelled (nothing written for this item)".into();
            None
        }
        Err(ItemError::Failed(reason)) => {
            result.status = RunItemStatus::Failed;
            result.reason = reason;
            None
        }
    };
    result.seconds = started.elapsed().as_secs_f64();
    Done { result, entry }
}

async fn run(
    ctx: &RunCtx,
    id: &str,
    skip: &super::Skip<'_>,
    result: &mut ItemResult,
) -> Result<Option<CatalogueEntry>, ItemError> {
    ctx.check()?;
    let raw: Value = ctx
        .client
        .call_value(&ApiRequest::get(&format!("content/items/{id}")))
        .await
        .map_err(|e| {
            if e.is_not_found() {
                ItemError::Failed(format!(
                    "the item does not exist or this account cannot see it ({e})"
                ))
            } else {
                ItemError::portal("reading the item", &e)
            }
        })?;
    let item = Item::deserialize(&raw)
        .map_err(|e| ItemError::Failed(format!("the item JSON is not understood: {e}")))?;
    result.title = item.title.clone().unwrap_or_else(|| id.to_string());
    result.item_type = item.item_type.clone().unwrap_or_default();
    let modified = item.modified.unwrap_or(0);
    // The layers' edit dates cost a request per layer: read them here only when they decide
    // whether the item is skipped; otherwise the capture reads them with the definitions.
    let last_edit = if hosted::is_hosted_layer(&item) && skip.may_skip(id) {
        let url = item.url.as_deref().unwrap_or_default();
        crate::engine::scan::delta::last_edit(&ctx.client, url, 2)
            .await
            .map_err(|e| ItemError::portal("reading the layers' edit dates", &e))?
    } else {
        None
    };
    if let Some(reason) = skip.reason(id, modified, last_edit) {
        result.status = RunItemStatus::Skipped;
        result.reason = reason.0;
        result.archive = reason.1;
        return Ok(None);
    }
    let now = crate::engine::now_ms();
    let name = backup_file_name(&result.title, id, now, "zip");
    let mut w = ArchiveWriter::create(&ctx.dest, &name)?;
    let mut cap = Capture::default();
    let needs = capture(ctx, &mut w, &item, &raw, &mut cap).await?;
    for note in &cap.notes {
        ctx.reporter.info(format!("{}: {note}", result.title));
    }
    let status = if cap.reasons.is_empty() {
        ItemStatus::Complete
    } else {
        ItemStatus::Partial
    };
    let manifest = BackupManifest {
        format_version: ARCHIVE_FORMAT_VERSION,
        tool: crate::formats::archive::tool_name(),
        created_utc: utc::format_datetime(now),
        source_portal: ctx.client.url().portal().to_string(),
        org_id: ctx.org_id.clone(),
        item_id: id.to_string(),
        item_type: result.item_type.clone(),
        title: result.title.clone(),
        owner: item.owner.clone().unwrap_or_default(),
        folder: item.owner_folder.clone(),
        modified,
        status: status.clone(),
        reasons: cap.reasons.clone(),
        data_method: cap.data_method.clone(),
        layers: cap.layers.clone(),
        dependencies: needs.into_iter().filter(|n| n != id).collect(),
        artefacts: Vec::new(),
    };
    let path = w.finish(manifest)?;
    result.bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    result.archive = Some(name.clone());
    if ctx.options.keep_uncompressed {
        let folder = ctx.dest.join(name.trim_end_matches(".zip"));
        extract_archive(&path, &folder)?;
    }
    result.status = if cap.reasons.is_empty() {
        RunItemStatus::Ok
    } else {
        RunItemStatus::Partial
    };
    result.reason = cap.reasons.join("; ");
    Ok(Some(CatalogueEntry {
        archive: name,
        modified,
        last_edit_date: last_edit.or(cap.last_edit),
        status,
        sha256_of_manifest: None,
        backed_up_utc: utc::format_datetime(now),
    }))
}

/// Writes every artefact; returns the ids the item needs.
async fn capture(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    raw: &Value,
    cap: &mut Capture,
) -> Result<BTreeSet<String>, ItemError> {
    let item_type = item.item_type.as_deref().unwrap_or_default();
    parts::item_json(w, raw)?;
    let data = parts::data(ctx, w, item, cap).await?;
    if ctx.options.thumbnails {
        parts::thumbnail(ctx, w, item, cap).await?;
    }
    parts::metadata(ctx, w, item, cap).await?;
    let configs = parts::resources(ctx, w, item, cap).await?;
    let mut needs: BTreeSet<String> = parts::related(ctx, w, item, cap)
        .await?
        .into_iter()
        .collect();
    let folder = super::folders::title(ctx, item).await;
    parts::sharing(ctx, w, item, folder.as_deref(), cap).await?;
    if hosted::is_hosted_layer(item) {
        hosted::capture(ctx, w, item, cap).await?;
    }
    for json in data.iter().chain(&configs) {
        needs.extend(deps::data_references(item_type, json));
    }
    Ok(needs)
}
