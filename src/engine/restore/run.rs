//! Carries out a restore: reads the inputs into a temporary work folder, signs in, plans
//! (reported as rows with the action word and log lines; a dry run stops there), restores level
//! by level with a bounded pool of workers within each level (cancellable), adds the
//! relationships once every item exists, and writes the JSON report.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures_util::{StreamExt, stream};
use tokio_util::sync::CancellationToken;

use super::ctx::RestoreCtx;
use super::plan::{self, Step};
use super::rewrite::RewriteMap;
use super::source::{self, BackupSet, SourceItem};
use super::{RestorePlan, RestoreRequest, RestoreSummary, RestoredItem, item, report, share};
use crate::engine::{Level, Outcome, Progress, Reporter};
use crate::formats::run_report::RunItemStatus;
use crate::portal::PortalClient;

/// Runs a restore job.
///
/// # Errors
/// The restore could not start (no readable input, cannot sign in ...); the text says why.
pub async fn run(
    request: RestoreRequest,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let started_ms = crate::engine::now_ms();
    reporter.started(format!(
        "restore of {} input(s) to {}{}",
        request.inputs.len(),
        request.connection.options.url.portal(),
        if request.options.dry_run {
            " (dry run)"
        } else {
            ""
        }
    ));
    let work = tempfile::TempDir::new()
        .map_err(|e| format!("cannot create a temporary work folder: {e}"))?;
    // The inputs' problems are reported with the plan's warnings, once.
    let set = source::read_inputs(&request.inputs, work.path())?;
    let ctx = connect(&request, reporter.clone(), cancel, &set).await?;
    let (picked, mut warnings) = select(&set, request.items.as_deref());
    let steps = plan::make(&ctx, &picked)
        .await
        .map_err(|e| format!("planning failed: {e}"))?;
    warnings.extend(set.problems.iter().cloned());
    let plan = RestorePlan {
        target_portal: ctx.client.url().portal().to_string(),
        items: steps.iter().map(|s| s.row.clone()).collect(),
        warnings,
    };
    announce_plan(&reporter, &plan);
    if request.options.dry_run {
        reporter.info("dry run: nothing was written to the portal");
        return Ok(summary(plan, Vec::new(), None, false));
    }
    seed_existing(&ctx, &set, &steps);
    let mut results = execute(&ctx, &set, &steps).await;
    relate(&ctx, &set, &steps, &mut results).await;
    let cancelled = ctx.cancel.is_cancelled();
    let path = report::default_path(&request, started_ms);
    report::write(&path, &request, &plan, &results, started_ms, cancelled)?;
    reporter.info(format!("report written to {}", path.display()));
    drop(work);
    Ok(summary(plan, results, Some(path), cancelled))
}

fn summary(
    plan: RestorePlan,
    items: Vec<RestoredItem>,
    report: Option<std::path::PathBuf>,
    cancelled: bool,
) -> Outcome {
    Outcome::Restore(Box::new(RestoreSummary {
        plan,
        items,
        report,
        cancelled,
    }))
}

/// Signs in and gathers what every item needs: user, organisation, groups, folders.
async fn connect(
    request: &RestoreRequest,
    reporter: Reporter,
    cancel: CancellationToken,
    set: &BackupSet,
) -> Result<RestoreCtx, String> {
    let mut options = request.connection.options.clone();
    options.max_concurrency = options.max_concurrency.max(request.options.workers);
    let client = PortalClient::connect(&options, request.connection.credentials.clone())
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    let me = client
        .community_self()
        .await
        .map_err(|e| format!("reading the signed-in user failed (a restore needs one): {e}"))?;
    let org = client.portal_self().await.ok().and_then(|p| p.id);
    let groups = share::load_groups(&client).await;
    let mut map = RewriteMap::default();
    let target = client.url().portal().trim_end_matches('/').to_string();
    if let Some(src) = &set.source_portal {
        let src = src.trim_end_matches('/').to_string();
        if src != target && !src.is_empty() {
            map.portal = Some((src, target));
        }
    }
    let ctx = RestoreCtx {
        client,
        user: me.username,
        org_id: org,
        options: request.options.clone(),
        cancel,
        reporter,
        map: Mutex::new(map),
        folders: tokio::sync::Mutex::default(),
        groups,
    };
    share::load_folders(&ctx)
        .await
        .map_err(|e| format!("reading the user's folders failed: {e}"))?;
    Ok(ctx)
}

/// The selected items (all when `ids` is `None`) with their indices, and warnings for ids the
/// inputs do not hold.
fn select<'a>(
    set: &'a BackupSet,
    ids: Option<&[String]>,
) -> (Vec<(usize, &'a SourceItem)>, Vec<String>) {
    let all = set.items.iter().enumerate();
    let Some(ids) = ids else {
        return (all.collect(), Vec::new());
    };
    let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let picked: Vec<(usize, &SourceItem)> = all
        .filter(|(_, i)| wanted.contains(i.old_id.as_str()))
        .collect();
    let warnings = ids
        .iter()
        .filter(|id| !picked.iter().any(|(_, i)| &i.old_id == *id))
        .map(|id| format!("item {id} is not in the inputs"))
        .collect();
    (picked, warnings)
}

/// Rows (status = action word) and log lines for the plan.
fn announce_plan(reporter: &Reporter, plan: &RestorePlan) {
    for w in &plan.warnings {
        reporter.warn(w.clone());
    }
    for p in &plan.items {
        reporter.row(&p.old_id, &p.title, &p.item_type, p.action.word());
        let folder = p.folder.as_deref().unwrap_or("(root)");
        reporter.info(format!(
            "plan: {} {} ({}) level {} into {}/{}{}",
            p.action.word(),
            p.title,
            p.old_id,
            p.level,
            p.owner,
            folder,
            if p.rewrites.is_empty() {
                String::new()
            } else {
                format!(", rewriting {}", p.rewrites.join(", "))
            }
        ));
        for w in &p.warnings {
            reporter.warn(format!("{} ({}): {w}", p.title, p.old_id));
        }
    }
}

/// Items left in place (skip) or updated keep their target id: later items point at it.
fn seed_existing(ctx: &RestoreCtx, set: &BackupSet, steps: &[Step]) {
    for s in steps {
        if let Some(e) = &s.existing
            && !matches!(s.row.action, super::PlannedAction::Copy { .. })
        {
            let old_url = set.items[s.index].item["url"].as_str().map(str::to_string);
            ctx.remember(&s.row.old_id, &e.id, old_url.zip(e.url.clone()));
        }
    }
}

/// Restores the steps level by level, `workers` at a time within a level; results in plan order.
async fn execute(ctx: &RestoreCtx, set: &BackupSet, steps: &[Step]) -> Vec<RestoredItem> {
    let total = steps.len() as u64;
    let mut results: Vec<Option<RestoredItem>> = vec![None; steps.len()];
    let mut done = 0u64;
    let levels: BTreeSet<usize> = steps.iter().map(|s| s.row.level).collect();
    for level in levels {
        let here: Vec<usize> = (0..steps.len())
            .filter(|&i| steps[i].row.level == level)
            .collect();
        let mut running = stream::iter(here)
            .map(|i| async move {
                let s = &steps[i];
                let (r, _) = item::restore(ctx, &set.items[s.index], s).await;
                (i, r)
            })
            .buffer_unordered(ctx.options.workers.max(1));
        while let Some((i, r)) = running.next().await {
            done += 1;
            announce(ctx, &r);
            ctx.reporter.progress(Progress {
                done,
                total: Some(total),
                message: format!("{done} of {total} items, level {level}"),
            });
            results[i] = Some(r);
        }
    }
    results.into_iter().flatten().collect()
}

fn announce(ctx: &RestoreCtx, r: &RestoredItem) {
    let word = r.status.as_str();
    ctx.reporter.row(&r.old_id, &r.title, &r.item_type, word);
    let id = r.new_id.as_deref().unwrap_or("-");
    let line = if r.reason.is_empty() {
        format!("{word} {} {} ({} -> {id})", r.action, r.title, r.old_id)
    } else {
        format!(
            "{word} {} {} ({} -> {id}): {}",
            r.action, r.title, r.old_id, r.reason
        )
    };
    let level = match r.status {
        RunItemStatus::Ok | RunItemStatus::Skipped => Level::Info,
        RunItemStatus::Partial => Level::Warn,
        RunItemStatus::Failed => Level::Error,
    };
    ctx.reporter.log(level, line);
}

/// Adds the relationships of the items created or updated; failures make the item PARTIAL.
async fn relate(ctx: &RestoreCtx, set: &BackupSet, steps: &[Step], results: &mut [RestoredItem]) {
    if ctx.cancel.is_cancelled() {
        return;
    }
    let mut restored: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (s, r) in steps.iter().zip(results.iter()) {
        let on_target = r
            .new_id
            .clone()
            .or_else(|| s.existing.as_ref().map(|e| e.id.clone()));
        let owner = s
            .existing
            .as_ref()
            .filter(|_| {
                r.new_id.is_none() || matches!(s.row.action, super::PlannedAction::Update { .. })
            })
            .map_or(ctx.user.clone(), |e| e.owner.clone());
        if let Some(id) = on_target {
            restored.insert(s.row.old_id.clone(), (id, owner));
        }
    }
    let written: Vec<&SourceItem> = steps
        .iter()
        .zip(results.iter())
        .filter(|(_, r)| r.new_id.is_some())
        .map(|(s, _)| &set.items[s.index])
        .collect();
    let notes = share::relationships(ctx, &written, &restored).await;
    for r in results.iter_mut() {
        if let Some(n) = notes.get(&r.old_id) {
            r.status = RunItemStatus::Partial;
            let extra = n.join("; ");
            r.reason = if r.reason.is_empty() {
                extra
            } else {
                format!("{}; {extra}", r.reason)
            };
        }
    }
}
