//! The report of a restore: target, options, the plan's warnings and one row per item (old id,
//! new id, action, status, reason, link) as JSON, with a CSV twin of the rows for Excel (same
//! stem), written atomically, by default beside the first input. Only writes the files; the run
//! decides their content.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{RestorePlan, RestoreRequest, RestoredItem};
use crate::formats::run_report::write_json_with_csv_twin;
use crate::formats::utc;

#[derive(Serialize)]
struct Report<'a> {
    tool: String,
    target_portal: &'a str,
    started_utc: String,
    finished_utc: String,
    inputs: Vec<String>,
    policy: &'static str,
    keep_metadata: bool,
    cancelled: bool,
    warnings: &'a [String],
    counts: Counts,
    items: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Counts {
    ok: usize,
    partial: usize,
    failed: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct Row<'a> {
    old_id: &'a str,
    new_id: Option<&'a str>,
    title: &'a str,
    item_type: &'a str,
    action: &'a str,
    status: &'static str,
    reason: &'a str,
    item_page: Option<&'a str>,
    seconds: f64,
}

/// Where the report goes: the option, else `restore-report-<time>.json` beside the first input
/// (inside it when it is a folder).
pub(crate) fn default_path(request: &RestoreRequest, started_ms: i64) -> PathBuf {
    if let Some(p) = &request.options.report {
        return p.clone();
    }
    let name = format!("restore-report-{}.json", utc::format_compact(started_ms));
    let dir = match request.inputs.first() {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("."),
    };
    dir.join(name)
}

/// Writes the report to `path`.
pub(crate) fn write(
    path: &Path,
    request: &RestoreRequest,
    plan: &RestorePlan,
    items: &[RestoredItem],
    started_ms: i64,
    cancelled: bool,
) -> Result<(), String> {
    use crate::formats::run_report::RunItemStatus as S;
    let count = |s: S| items.iter().filter(|i| i.status == s).count();
    let report = Report {
        tool: crate::formats::archive::tool_name(),
        target_portal: &plan.target_portal,
        started_utc: utc::format_datetime(started_ms),
        finished_utc: utc::format_datetime(crate::engine::now_ms()),
        inputs: request
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        policy: request.options.policy.name(),
        keep_metadata: request.options.keep_metadata,
        cancelled,
        warnings: &plan.warnings,
        counts: Counts {
            ok: count(S::Ok),
            partial: count(S::Partial),
            failed: count(S::Failed),
            skipped: count(S::Skipped),
        },
        items: items
            .iter()
            .map(|i| Row {
                old_id: &i.old_id,
                new_id: i.new_id.as_deref(),
                title: &i.title,
                item_type: &i.item_type,
                action: &i.action,
                status: i.status.as_str(),
                reason: &i.reason,
                item_page: i.item_page.as_deref(),
                seconds: (i.seconds * 1000.0).round() / 1000.0,
            })
            .collect(),
    };
    let rows = report.items.iter().map(|r| {
        vec![
            r.old_id.to_string(),
            r.new_id.unwrap_or_default().to_string(),
            r.title.to_string(),
            r.item_type.to_string(),
            r.action.to_string(),
            r.status.to_string(),
            r.reason.to_string(),
            r.item_page.unwrap_or_default().to_string(),
            format!("{:.1}", r.seconds),
        ]
    });
    write_json_with_csv_twin(&report, path, &CSV_COLUMNS, rows)
        .map(|_| ())
        .map_err(|e| format!("the restore report was not written: {e}"))
}

/// The columns of the CSV twin, in order.
pub(crate) const CSV_COLUMNS: [&str; 9] = [
    "old_id",
    "new_id",
    "title",
    "type",
    "action",
    "status",
    "reason",
    "item_page",
    "seconds",
];
