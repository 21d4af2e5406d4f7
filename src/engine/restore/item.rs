//! Restores one planned item: create (or copy) it, or update it in place, then its resources,
//! sharing, content status and protection, then verifies it against its backup. A failure
//! half-way deletes the half-created item, or, when that fails too, reports it PARTIAL with its
//! id, so nothing is left behind unreported. The new id and URL go into the run's map at once, so
//! items restored later point at it.

use std::time::Instant;

use super::create;
use super::ctx::{RestoreCtx, StepError};
use super::hosted;
use super::plan::Step;
use super::resources;
use super::share;
use super::source::SourceItem;
use super::{PlannedAction, RestoredItem, check};
use crate::formats::run_report::RunItemStatus;

/// How the content step ended: the item on the target, its owner, service URL and notes.
struct Written {
    id: String,
    owner: String,
    url: Option<String>,
    notes: Vec<String>,
    /// A service published under another name: PARTIAL, except for a copy (where a new
    /// name is what the user asked for), but always said.
    renamed: Option<String>,
}

/// The portal page of item `id`.
pub(crate) fn item_page(ctx: &RestoreCtx, id: &str) -> String {
    format!(
        "{}/home/item.html?id={id}",
        ctx.client.url().portal().trim_end_matches('/')
    )
}

fn result(step: &Step, status: RunItemStatus, reason: String, started: Instant) -> RestoredItem {
    RestoredItem {
        old_id: step.row.old_id.clone(),
        new_id: None,
        title: step.row.title.clone(),
        item_type: step.row.item_type.clone(),
        action: step.row.action.word().to_string(),
        status,
        reason,
        item_page: None,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Restores `si` as `step` says; returns its result and (when on the target) id and owner.
pub(crate) async fn restore(
    ctx: &RestoreCtx,
    si: &SourceItem,
    step: &Step,
) -> (RestoredItem, Option<(String, String)>) {
    let started = Instant::now();
    if let PlannedAction::Skip { reason } = &step.row.action {
        let r = result(step, RunItemStatus::Skipped, reason.clone(), started);
        return (r, None);
    }
    if ctx.cancel.is_cancelled() {
        let r = result(
            step,
            RunItemStatus::Skipped,
            "cancelled before it started".into(),
            started,
        );
        return (r, None);
    }
    let written = match write(ctx, si, step).await {
        Ok(w) => w,
        Err(StepError::Cancelled) => {
            let r = result(
                step,
                RunItemStatus::Skipped,
                "cancelled; nothing was left on the target".into(),
                started,
            );
            return (r, None);
        }
        Err(StepError::Failed(why)) => {
            return (result(step, RunItemStatus::Failed, why, started), None);
        }
    };
    let is_copy = matches!(step.row.action, PlannedAction::Copy { .. });
    let mut notes = written.notes;
    if !is_copy {
        notes.extend(written.renamed.clone());
    }
    notes.extend(share::apply(ctx, si, &written.owner, &written.id).await);
    match check::verify(ctx, si, &written.id, written.url.as_deref()).await {
        Ok(diffs) => notes.extend(diffs),
        Err(e) => notes.push(format!("not verified: {e}")),
    }
    let status = if notes.is_empty() {
        RunItemStatus::Ok
    } else {
        RunItemStatus::Partial
    };
    let mut reason = notes.join("; ");
    if let PlannedAction::Copy { existing_id } = &step.row.action {
        let mut copy = format!("a copy beside the existing item {existing_id}");
        if let Some(renamed) = &written.renamed {
            copy = format!("{copy}; {renamed}");
        }
        reason = if reason.is_empty() {
            copy
        } else {
            format!("{copy}; {reason}")
        };
    }
    let mut r = result(step, status, reason, started);
    r.item_page = Some(item_page(ctx, &written.id));
    r.new_id = Some(written.id.clone());
    (r, Some((written.id, written.owner)))
}

/// The content step: create/copy or update.
async fn write(ctx: &RestoreCtx, si: &SourceItem, step: &Step) -> Result<Written, StepError> {
    match (&step.row.action, &step.existing) {
        (PlannedAction::Update { .. }, Some(existing)) => {
            // A hosted layer keeps its service and rows; its item properties and its layers'
            // definition details (symbology, pop-up templates, field aliases ...) are restored.
            let hosted = hosted::is_hosted(si);
            create::update(ctx, si, &existing.owner, &existing.id, hosted).await?;
            resources::restore(ctx, si, &existing.owner, &existing.id, true).await?;
            let url = existing.url.clone().filter(|_| hosted);
            let notes = match (&url, &si.service) {
                (Some(url), Some(svc)) => hosted::layer_details(ctx, svc, url).await,
                _ => Vec::new(),
            };
            Ok(Written {
                id: existing.id.clone(),
                owner: existing.owner.clone(),
                url,
                notes,
                renamed: None,
            })
        }
        _ => create_new(ctx, si, step).await,
    }
}

/// Creates the item (a hosted layer is published) and its resources; deletes it on failure.
async fn create_new(
    ctx: &RestoreCtx,
    mut si: &SourceItem,
    step: &Step,
) -> Result<Written, StepError> {
    let folder = share::folder_id(ctx, step.row.folder.as_deref()).await?;
    let old_url = si.item["url"].as_str().map(str::to_string);
    let plain;
    let (id, url, mut notes, renamed) = if hosted::is_hosted(si) {
        let p = hosted::restore(ctx, si, folder.as_deref()).await?;
        if p.no_longer_view {
            plain = hosted::as_plain_layer(si);
            si = &plain;
        }
        (p.id, Some(p.url), p.notes, p.renamed)
    } else {
        (
            create::add(ctx, si, folder.as_deref()).await?,
            None,
            Vec::new(),
            None,
        )
    };
    let rest = async {
        if url.is_some() {
            create::update(ctx, si, &ctx.user, &id, true).await?;
        }
        resources::restore(ctx, si, &ctx.user, &id, false).await
    }
    .await;
    if let Err(e) = rest {
        if create::delete_item(ctx, &ctx.user, &id).await {
            return Err(e);
        }
        notes.push(format!(
            "{e}; the half-restored item {id} could not be deleted"
        ));
    }
    ctx.remember(&si.old_id, &id, old_url.zip(url.clone()));
    Ok(Written {
        id,
        owner: ctx.user.clone(),
        url,
        notes,
        renamed,
    })
}
