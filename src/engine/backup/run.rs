//! A backup run: check the destination before anything else, sign in, clean up export items an
//! earlier run left behind, work out the selection (plus dependencies when asked), back items
//! up on a bounded pool of workers with live rows and progress, keep the catalogue current after
//! every item, and write the run report (JSON and CSV) even when cancelled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures_util::{StreamExt, stream};
use tokio_util::sync::CancellationToken;

use super::ctx::RunCtx;
use super::item::{self, Done};
use super::journal::Journal;
use super::request::{BackupRequest, BackupSummary, ItemResult};
use super::{Skip, hosted, resume};
use crate::engine::{Outcome, Progress, Reporter, deps};
use crate::formats::catalogue::Catalogue;
use crate::formats::run_report::{RunItemStatus, RunReport, write_run_report};
use crate::formats::utc;
use crate::portal::PortalClient;

/// Runs a backup; the runner sends `Finished` with the result.
pub async fn run(
    request: BackupRequest,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let dest = request.destination.clone();
    reporter.started(format!(
        "backup of {} item(s) from {} to {}",
        request.items.len(),
        request.connection.options.url.portal(),
        dest.display()
    ));
    check_destination(&dest)?;
    let catalogue = Catalogue::load(&dest).map_err(|e| e.to_string())?;
    // Every worker must be able to have a request in flight.
    let mut options = request.connection.options.clone();
    options.max_concurrency = options.max_concurrency.max(request.options.workers);
    let client = PortalClient::connect(&options, request.connection.credentials.clone())
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    let org = client
        .portal_self()
        .await
        .map_err(|e| format!("reading the portal (portals/self) failed: {e}"))?;
    let me = match client.username().await {
        Some(u) => Some(u),
        None => client.community_self().await.ok().map(|u| u.username),
    };
    let started_ms = crate::engine::now_ms();
    let package = request.options.mode.is_package();
    // Package modes capture into a hidden work folder, removed when `work` is dropped.
    let work_folder = if package {
        Some(super::ocm::work_dir(&dest)?)
    } else {
        None
    };
    let mut run_options = request.options.clone();
    // Package modes unpack the packages, not the intermediate archives.
    run_options.keep_uncompressed &= !package;
    let ctx = RunCtx {
        client,
        options: run_options,
        cancel,
        reporter: reporter.clone(),
        me,
        org_id: org.id.clone(),
        journal: Journal::load(&dest),
        bytes: AtomicU64::new(0),
        dest: work_folder
            .as_ref()
            .map_or(dest.clone(), |w| w.path().to_path_buf()),
        folders: tokio::sync::Mutex::default(),
    };
    clean_pending_exports(&ctx).await;
    let (ids, graph) = selection(&ctx, &request.items).await?;
    let resume_since = resume::begin(&dest, started_ms).map_err(|e| e.to_string())?;
    if let Some(since) = resume_since {
        reporter.info(format!(
            "resuming the run interrupted after {}: items it finished are not redone",
            utc::format_datetime(since)
        ));
    }
    // Packages are written whole: nothing of an earlier run is reused.
    let skip = Skip {
        catalogue: &catalogue,
        dest: &dest,
        incremental: request.options.incremental && !package,
        resume_since: resume_since.filter(|_| !package),
    };
    let mut results = work(&ctx, &ids, &skip, catalogue.clone()).await;
    let cancelled = ctx.cancel.is_cancelled();
    if let (Some(work), Some(graph)) = (&work_folder, &graph) {
        let packaging = super::ocm::Packaging {
            mode: request.options.mode,
            selected: dedup(&request.items),
            graph,
            work: work.path(),
            dest: &dest,
            cancelled,
            keep_uncompressed: request.options.keep_uncompressed,
        };
        for line in super::ocm::package(packaging, &mut results).await {
            reporter.info(line);
        }
    }
    drop(work_folder);
    if !cancelled {
        resume::end(&dest);
    }
    for (export_id, p) in ctx.journal.pending() {
        reporter.warn(format!(
            "temporary export item {export_id} (of {}) is still in {}'s content; \
             the next run in this destination deletes it",
            p.source_item, p.owner
        ));
    }
    let report = write_report(&ctx, &request, &results, started_ms, cancelled)?;
    Ok(Outcome::Backup(BackupSummary {
        items: results,
        report,
        cancelled,
    }))
}

/// The destination must exist and take files; checked before any request.
fn check_destination(dest: &Path) -> Result<(), String> {
    if !dest.is_dir() {
        return Err(format!(
            "the destination {} does not exist or is not a folder: create it or choose another",
            dest.display()
        ));
    }
    crate::formats::atomic::scratch_file(dest)
        .map(drop)
        .map_err(|e| {
            format!(
                "cannot write in the destination {}: {e}; choose a folder you can write to",
                dest.display()
            )
        })
}

/// Deletes the export items earlier runs in this destination could not delete.
async fn clean_pending_exports(ctx: &RunCtx) {
    let pending = ctx.journal.pending();
    if pending.is_empty() {
        return;
    }
    ctx.reporter.info(format!(
        "deleting {} temporary export item(s) an earlier run left behind",
        pending.len()
    ));
    for (export_id, p) in pending {
        hosted::delete_export(ctx, &p.owner, &export_id).await;
    }
}

/// `items` without repeats, in order.
fn dedup(items: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in items {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// The selected ids (de-duplicated, in order), then what they need when asked (always in the
/// package modes), with the dependency graph when it was built.
async fn selection(
    ctx: &RunCtx,
    items: &[String],
) -> Result<(Vec<String>, Option<deps::DependencyGraph>), String> {
    let mut ids = dedup(items);
    if !ctx.options.with_dependencies && !ctx.options.mode.is_package() {
        return Ok((ids, None));
    }
    ctx.reporter.info("finding what the selected items need");
    let graph = deps::build_graph(&ctx.client, &ids, 4, &ctx.cancel)
        .await
        .map_err(|e| format!("building the dependency graph failed: {e}"))?;
    let extra: Vec<String> = graph
        .closure(&ids)
        .into_iter()
        .filter(|id| !ids.contains(id))
        .collect();
    ctx.reporter.info(format!(
        "{} dependencies added to the {} selected item(s)",
        extra.len(),
        ids.len()
    ));
    for id in graph
        .nodes()
        .filter(|n| !n.accessible)
        .map(|n| n.id.clone())
    {
        ctx.reporter.warn(format!(
            "a selected item references {id}, which cannot be read: not backed up"
        ));
    }
    ids.extend(extra);
    Ok((ids, Some(graph)))
}

/// Backs up `ids` on the worker pool; results in `ids` order.
async fn work(
    ctx: &RunCtx,
    ids: &[String],
    skip: &Skip<'_>,
    mut catalogue: Catalogue,
) -> Vec<ItemResult> {
    let total = ids.len() as u64;
    let started = Instant::now();
    let in_flight = AtomicU64::new(0);
    let mut results: Vec<Option<ItemResult>> = vec![None; ids.len()];
    let mut jobs = stream::iter(ids.iter().cloned().enumerate())
        .map(|(i, id): (usize, String)| {
            let in_flight = &in_flight;
            async move {
                if ctx.cancel.is_cancelled() {
                    return (i, not_started(&id));
                }
                in_flight.fetch_add(1, Ordering::Relaxed);
                let done = item::backup(ctx, &id, skip).await;
                in_flight.fetch_sub(1, Ordering::Relaxed);
                (i, done)
            }
        })
        .buffer_unordered(ctx.options.workers.max(1));
    let mut finished = 0u64;
    while let Some((i, Done { result, entry })) = jobs.next().await {
        finished += 1;
        if let Some(entry) = entry {
            catalogue.record(&result.id, entry);
            if let Err(e) = catalogue.save(&ctx.dest) {
                ctx.reporter.warn(format!("catalogue not saved: {e}"));
            }
        }
        announce(ctx, &result);
        progress(
            ctx,
            finished,
            total,
            in_flight.load(Ordering::Relaxed),
            started,
        );
        results[i] = Some(result);
    }
    results.into_iter().flatten().collect()
}

fn not_started(id: &str) -> Done {
    Done {
        result: ItemResult {
            id: id.to_string(),
            title: id.to_string(),
            item_type: String::new(),
            status: RunItemStatus::Skipped,
            reason: "cancelled before it started".into(),
            archive: None,
            bytes: 0,
            seconds: 0.0,
        },
        entry: None,
    }
}

/// The item's row and log line.
fn announce(ctx: &RunCtx, r: &ItemResult) {
    let word = r.status.as_str();
    ctx.reporter.row(&r.id, &r.title, &r.item_type, word);
    let line = if r.reason.is_empty() {
        format!("{word} {} ({})", r.title, r.id)
    } else {
        format!("{word} {} ({}): {}", r.title, r.id, r.reason)
    };
    match r.status {
        RunItemStatus::Ok | RunItemStatus::Skipped => ctx.reporter.info(line),
        RunItemStatus::Partial => ctx.reporter.warn(line),
        RunItemStatus::Failed => ctx.reporter.log(crate::engine::Level::Error, line),
    }
}

fn progress(ctx: &RunCtx, done: u64, total: u64, in_flight: u64, started: Instant) {
    let bytes = ctx.bytes.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let eta = if done > 0 && done < total {
        let secs = elapsed / done as f64 * (total - done) as f64;
        format!(", about {} left", human_duration(secs))
    } else {
        String::new()
    };
    ctx.reporter.progress(Progress {
        done,
        total: Some(total),
        message: format!(
            "{done} of {total} items, {}, {in_flight} in flight{eta}",
            human_bytes(bytes)
        ),
    });
}

/// `1.5 MB`, `320 KB` ...
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn human_duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn write_report(
    ctx: &RunCtx,
    request: &BackupRequest,
    results: &[ItemResult],
    started_ms: i64,
    cancelled: bool,
) -> Result<PathBuf, String> {
    let report = RunReport {
        tool: crate::formats::archive::tool_name(),
        source_portal: ctx.client.url().portal().to_string(),
        started_utc: utc::format_datetime(started_ms),
        finished_utc: utc::format_datetime(crate::engine::now_ms()),
        destination: request.destination.display().to_string(),
        mode: request.options.mode.name().to_string(),
        cancelled,
        items: results.to_vec(),
    };
    let path = request.options.report.clone().unwrap_or_else(|| {
        request.destination.join(format!(
            "backup-report-{}.json",
            utc::format_compact(started_ms)
        ))
    });
    let (json, _) = write_run_report(&report, &path).map_err(|e| e.to_string())?;
    Ok(json)
}
